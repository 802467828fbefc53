"""Plain-text documents (``*.txt``): the decoded file is the raw text, byte for byte.

Decoding (UTF-8 with or without BOM, UTF-16 with a BOM, GBK/GB18030) and the
refusal of files that are not text stay in ``loaders/source.decode``.
"""

from __future__ import annotations

from pathlib import Path

from . import Extracted


def read(path: Path, data: bytes) -> Extracted:
    """Decode ``data``; ``DocumentError`` for bytes that are not a text in a known encoding."""
    from ..source import decode  # source imports this package: import at use, not at load

    text, encoding = decode(path, data)
    return Extracted(text=text, encoding=encoding, format="text")
