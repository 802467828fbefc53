"""The file formats a corpus document may come in, and the one registry that maps a suffix to its reader.

A reader turns a file's bytes into the document's *raw text*: for ``.txt`` the
decoded file; for a web page, a PDF or a Word file the text extracted from it.
Evidence quotes are taken verbatim from that raw text and their character spans
point into it, so for the non-text formats the extracted text *is* the source
text of the document (a PDF's evidence also names the page it is on).

Readers are imported on first use: a corpus of ``.txt`` files never loads the
HTML, PDF or Word libraries (each build worker would otherwise pay for them).
"""

from __future__ import annotations

import importlib
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

# suffix (lower case) → the module of this package that reads it.  The only list of formats.
_READERS: dict[str, str] = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
SUFFIXES: tuple[str, ...] = tuple(_READERS)


@dataclass(frozen=True)
class Extracted:
    """What a reader got from a file: the raw text and how it was read.

    ``page_starts[i]`` is the offset in ``text`` where page ``i + 1`` begins (PDF
    only; empty for formats without pages).  ``provenance`` holds what the file
    says about where it comes from (a web page's ``url``, ``page_title`` and
    ``page_date``): never the plan's own metadata, which the text gives.
    """

    text: str
    encoding: str  # how the bytes became text: 'utf-8', 'gb18030', 'html (utf-8)', 'pdf text layer', 'docx'
    format: str  # 'text' | 'html' | 'pdf' | 'docx'
    page_starts: tuple[int, ...] = ()
    provenance: dict[str, str] = field(default_factory=dict)


Reader = Callable[[Path, bytes], Extracted]


def is_document(path: Path) -> bool:
    """Whether the build reads ``path``: its suffix (in any case) is a registered format."""
    return path.suffix.lower() in _READERS


def reader(path: Path) -> Reader:
    """The reader for ``path``'s suffix; the text reader for any other suffix.

    A corpus folder only lists registered suffixes (``is_document``), but a file read
    by name (``parse_document(Path("notes.md"))``) is read as text, as it always was.
    """
    module = importlib.import_module(f"{__name__}.{_READERS.get(path.suffix.lower(), 'text')}")
    return module.read


def page_at(page_starts: tuple[int, ...], offset: int) -> int | None:
    """The 1-based page holding raw ``offset``, or None when the text has no pages."""
    if not page_starts:
        return None
    return max(1, bisect_right(page_starts, offset))
