"""Reading corpus files: decoding, refusing what is not a plan text, and sidecar metadata.

A corpus folder holds ``*.txt`` documents; ``NAME.meta.yaml`` beside ``NAME.txt``
carries what the text cannot give (a scrubbed city, a source URL, a readable
slug).  The sidecar is optional, so a user adds a plan by dropping in a file.
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

import yaml

from .model import SourceDocument

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SIDECAR_SUFFIX = ".meta.yaml"
SIDECAR_KEYS = {
    "slug", "title", "kind", "level", "jurisdiction", "jurisdiction_parent",
    "source_url", "issuers", "date", "note",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")


class DocumentError(ValueError):
    """A corpus file that cannot be loaded; the message names the file and the problem."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path.name}: {problem}")
        self.path = path
        self.problem = problem


def max_document_bytes() -> int:
    """The size limit for one document, from ``POLICYKG_MAX_DOC_BYTES`` or 20 MiB."""
    return int(os.environ.get("POLICYKG_MAX_DOC_BYTES", DEFAULT_MAX_BYTES))


def list_documents(corpus: Path) -> list[Path]:
    """The corpus's document files in a stable order (sorted by name)."""
    if not corpus.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus}")
    return sorted(p for p in corpus.glob("*.txt") if p.is_file())


def read_document(path: Path) -> SourceDocument:
    """Decode one corpus file and read its sidecar, or raise ``DocumentError``."""
    size = path.stat().st_size
    limit = max_document_bytes()
    if size == 0:
        raise DocumentError(path, "the file is empty")
    if size > limit:
        raise DocumentError(
            path, f"the file is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit "
            "(set POLICYKG_MAX_DOC_BYTES to raise it)")
    data = path.read_bytes()
    text, encoding = decode(path, data)
    if not text.strip():
        raise DocumentError(path, "the file holds only white space")
    if not _CJK.search(text):
        raise DocumentError(path, "the file holds no Chinese text; is it a plan document?")
    return SourceDocument(path=path, doc_id=path.stem, raw=text, encoding=encoding,
                          meta=read_sidecar(path))


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030 (a superset of GBK)."""
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DocumentError(path, "the file is binary (it holds NUL bytes), not text")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        text = _decode_damaged_utf8(path, data, utf8_error)
        if text is not None:
            return text, "utf-8 (truncated)"
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise DocumentError(path, f"the file is neither UTF-8 nor GBK/GB18030 text "
                            f"(invalid byte at offset {error.start})") from None
    if _control_ratio(text) > 0.01:
        raise DocumentError(path, "the file is binary (too many control characters), not text")
    return text, "gb18030"


def _decode_damaged_utf8(path: Path, data: bytes, error: UnicodeDecodeError) -> str | None:
    """A UTF-8 file cut inside its last character is read without that character.

    A UTF-8 file with a few corrupt bytes elsewhere is refused rather than read as
    GB18030, which would decode it without error into nonsense.
    """
    if error.reason == "unexpected end of data" and error.start >= len(data) - 3:
        return data[: error.start].decode("utf-8-sig")
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd")
    if bad < 0.01 * len(replaced) and _CJK.search(replaced):
        raise DocumentError(path, f"the file is UTF-8 with {bad} corrupt byte sequence(s), "
                            f"the first at byte {error.start}; fix or re-save it as UTF-8")
    return None


def _control_ratio(text: str) -> float:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    return controls / max(1, len(text))


def read_sidecar(path: Path) -> dict:
    """The document's ``.meta.yaml`` as a dict ({} when there is none)."""
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    try:
        meta = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise DocumentError(path, f"its sidecar {sidecar.name} is not valid YAML: {error}") from None
    if not isinstance(meta, dict):
        raise DocumentError(path, f"its sidecar {sidecar.name} must be a mapping of keys to values")
    unknown = set(meta) - SIDECAR_KEYS
    if unknown:
        raise DocumentError(
            path, f"its sidecar {sidecar.name} has unknown keys {sorted(unknown)}; "
            f"known keys are {sorted(SIDECAR_KEYS)}")
    return meta
