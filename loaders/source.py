"""Reading corpus files: the checks every file gets, the reader for its format, and sidecar metadata.

A corpus folder holds documents in the formats ``loaders/formats`` registers
(``*.txt``, ``*.html``/``*.htm``, ``*.pdf``, ``*.docx``); ``NAME.meta.yaml`` beside
``NAME.txt`` (or ``NAME.pdf`` …) carries what the text cannot give (a scrubbed city,
a source URL, a readable slug).  The sidecar is optional, so a user adds a plan by
dropping in a file.  Whatever the format, ``SourceDocument.raw`` is the document's
raw text: the decoded file, or the text extracted from a page, PDF or Word file.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from pathlib import Path

import yaml

from policykg.ontology import load_lexicon

from . import formats
from .model import SourceDocument

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SIDECAR_SUFFIX = ".meta.yaml"
SIDECAR_KEYS = {
    "slug", "title", "kind", "level", "jurisdiction", "jurisdiction_parent",
    "source_url", "issuers", "date", "note",
}
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Files people drop into the corpus by mistake, by their first bytes: what each is, and what to do with a .txt of it.
_NOT_TEXT = [
    (b"%PDF-", "a PDF document", ": name it .pdf and its text layer is read"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, .xlsx or .zip?)",
     ": name a Word document .docx; save anything else as plain text (UTF-8)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word/Excel/WPS file (.doc, .xls, .wps)",
     ", which cannot be read: open it and save it as .docx, or as plain text (UTF-8)"),
    (b"{\\rtf", "an RTF document", ": save it as plain text (UTF-8)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", ", not text"),
    (b"\xff\xd8\xff", "a JPEG image", ", not text"),
    (b"\x1f\x8b", "gzip-compressed", ": decompress it first"),
]


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
    """The corpus's entries with a registered suffix (``*.txt``, ``*.pdf`` …, any case), sorted by name.

    Entries that are not regular files (a folder, a dangling link, a pipe) are
    listed too, so the build reports them instead of skipping them in silence;
    ``read_document`` refuses them with the reason.
    """
    if not corpus.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus}")
    return sorted(path for path in corpus.iterdir() if formats.is_document(path))


def orphan_sidecars(corpus: Path) -> list[Path]:
    """Sidecars with no document ``NAME.txt`` (``NAME.pdf`` …) beside them (renamed or deleted?): never read."""
    stems = {path.stem for path in list_documents(corpus)}
    return sorted(sidecar for sidecar in corpus.glob("*" + SIDECAR_SUFFIX)
                  if sidecar.name.removesuffix(SIDECAR_SUFFIX) not in stems)


def read_document(path: Path) -> SourceDocument:
    """Read one corpus file with the reader for its format, and its sidecar; or raise ``DocumentError``.

    A web page's address fills ``source_url`` in ``meta`` unless the sidecar gives one.
    """
    size = _regular_file_size(path)
    limit = max_document_bytes()
    if size == 0:
        raise DocumentError(path, "the file is empty")
    if size > limit:  # refused from its size alone: the file is never read
        raise DocumentError(
            path, f"the file is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit "
            "(set POLICYKG_MAX_DOC_BYTES to raise it)")
    try:
        data = path.read_bytes()
    except OSError as error:  # unreadable (permissions), or gone since it was listed
        raise DocumentError(path, f"the file cannot be read: {error.strerror or error}") from None
    extracted = _extract(path, data)
    text = extracted.text
    if not text.strip():
        raise DocumentError(path, "the file holds only white space")
    if not _CJK.search(text):
        raise DocumentError(path, "the file holds no Chinese text; is it a plan document?")
    meta = read_sidecar(path)
    if extracted.provenance.get("url") and not meta.get("source_url"):
        meta = {**meta, "source_url": extracted.provenance["url"]}
    return SourceDocument(path=path, doc_id=path.stem, raw=text, encoding=extracted.encoding, meta=meta,
                          format=extracted.format, page_starts=extracted.page_starts,
                          provenance=dict(extracted.provenance))


def _extract(path: Path, data: bytes) -> formats.Extracted:
    """The reader's text; an error of a parsing library that no reader foresaw is this file's error too.

    The HTML, PDF and Word libraries meet files from anywhere: one that trips them must
    be reported by name like any bad file, not stop the build of the others.
    """
    try:
        return formats.reader(path)(path, data)
    except DocumentError:
        raise
    except Exception as error:  # noqa: BLE001 - third-party parsers raise many kinds of error
        kind = path.suffix.lower().lstrip(".")
        raise DocumentError(path, f"the {kind} file could not be read ({type(error).__name__}: {error}); "
                            "open it and save it again, and please report it with the file") from None


def _regular_file_size(path: Path) -> int:
    """The size of ``path`` when it is (or links to) a regular file; else ``DocumentError`` saying what it is.

    A folder or a dangling link named ``*.txt`` would otherwise crash the build,
    and a named pipe would block it for ever.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise DocumentError(path, f"it is a link to {os.readlink(path)}, which does not exist") from None
        raise DocumentError(path, "the file is gone (was it moved or deleted during the build?)") from None
    except OSError as error:  # ELOOP (a ring of links), EACCES (a folder on the way is closed to us)
        loop = " (a symbolic link loop?)" if error.errno == errno.ELOOP else ""
        raise DocumentError(path, f"the file cannot be opened: {error.strerror or error}{loop}") from None
    if stat.S_ISDIR(info.st_mode):
        raise DocumentError(path, "it is a folder, not a file; a document is one file (.txt, .html, .pdf, .docx)")
    if not stat.S_ISREG(info.st_mode):
        raise DocumentError(path, "it is not a regular file (a pipe, socket or device); "
                            "save the text to a file")
    return info.st_size


def sniff(data: bytes) -> tuple[str, str] | None:
    """What a file is by its first bytes (a PDF, a ZIP, an old Word file, an image …), or None.

    Returns what it is ("a PNG image") and what to do when it was named .txt (", not text").
    """
    return next(((what, advice) for magic, what, advice in _NOT_TEXT if data.startswith(magic)), None)


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030 (a superset of GBK)."""
    found = sniff(data)
    if found:
        raise DocumentError(path, f"the file is {found[0]}{found[1]}")
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if _is_text(data[:65536].replace(b"\x00", b"").decode("utf-8", errors="replace")):
            raise DocumentError(path, f"the file is UTF-8 text with {data.count(0)} NUL byte(s) in it, the first "
                                f"at byte {data.index(0)}; remove them or re-save the file as plain text")
        if _looks_like_utf16(data):
            raise DocumentError(path, "the file looks like UTF-16 text without a byte-order mark (BOM); "
                                "re-save it as UTF-8, or as UTF-16 with a BOM")
        raise DocumentError(path, "the file is binary (it holds NUL bytes), not text")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as error:
        utf8_error = error
        text = _decode_damaged_utf8(path, data, utf8_error)
        if text is not None:
            return text, "utf-8 (truncated)"
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as error:
        # Neither: when it mostly reads as UTF-8, say where its UTF-8 is broken (more use than a GB18030 offset).
        _refuse_corrupt_utf8(path, data, utf8_error, max_ratio=0.1)
        raise DocumentError(path, f"the file is neither UTF-8 nor GBK/GB18030 text "
                            f"(invalid byte at offset {error.start})") from None
    if _control_ratio(text) > 0.01:
        raise DocumentError(path, "the file is binary (too many control characters), not text")
    share = _chinese_share(text[:200_000])
    if _CJK.search(text) and share < 0.3:
        # GB18030 decodes almost any bytes: Latin-1 "für" becomes "f黵".  Plans are 85-90 % Chinese.
        raise DocumentError(path, f"the file is not UTF-8, and read as GBK/GB18030 only {share:.0%} of it is "
                            "Chinese: it is probably in another encoding (Latin-1, Windows-1252?); "
                            "re-save it as UTF-8")
    return text, "gb18030"


def _decode_damaged_utf8(path: Path, data: bytes, error: UnicodeDecodeError) -> str | None:
    """A UTF-8 file cut inside its last character is read without that character.

    A UTF-8 file with a few corrupt bytes elsewhere is refused rather than read as
    GB18030, which would decode it without error into nonsense.
    """
    if error.reason == "unexpected end of data" and error.start >= len(data) - 3:
        return data[: error.start].decode("utf-8-sig")
    _refuse_corrupt_utf8(path, data, error, max_ratio=0.01)
    return None


def _refuse_corrupt_utf8(path: Path, data: bytes, error: UnicodeDecodeError, max_ratio: float) -> None:
    """``DocumentError`` naming the corrupt bytes when under ``max_ratio`` of the characters fail as UTF-8."""
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd")
    if bad < max_ratio * len(replaced) and _CJK.search(replaced):
        raise DocumentError(path, f"the file is UTF-8 with {bad} corrupt byte sequence(s), "
                            f"the first at byte {error.start}; fix or re-save it as UTF-8")


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: its NUL bytes (the high bytes of ASCII) nearly all at even or at odd offsets,
    and it reads as Chinese text in that byte order."""
    sample = data[:8192][: len(data[:8192]) // 2 * 2]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < 4 or min(even, odd) > 0.25 * max(even, odd):  # CJK like 一 (U+4E00) add a few
        return False
    return _is_text(sample.decode("utf-16-le" if odd > even else "utf-16-be", errors="replace"))


def _is_text(text: str) -> bool:
    """Reads as Chinese text: lines, under 1% undecodable, a fifth or more Chinese characters."""
    return ("\n" in text and text.count("\ufffd") < 0.01 * len(text)
            and len(_CJK.findall(text)) > 0.2 * len(text))


def _chinese_share(text: str) -> float:
    """Chinese characters among the characters that are not white space."""
    return len(_CJK.findall(text)) / max(1, len(text) - sum(map(str.isspace, text)))


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
    except OSError as error:  # a folder, or unreadable
        raise DocumentError(path, f"its sidecar {sidecar.name} cannot be read: {error.strerror or error}") from None
    if not isinstance(meta, dict):
        raise DocumentError(path, f"its sidecar {sidecar.name} must be a mapping of keys to values")
    unknown = set(meta) - SIDECAR_KEYS
    if unknown:
        raise DocumentError(
            path, f"its sidecar {sidecar.name} has unknown keys {sorted(unknown)}; "
            f"known keys are {sorted(SIDECAR_KEYS)}")
    levels = load_lexicon("levels")["levels"]
    if meta.get("level") is not None and meta["level"] not in levels:
        raise DocumentError(path, f"its sidecar {sidecar.name} says level: {meta['level']}, which is none of "
                            f"{', '.join(levels)} (a city's plan is municipal, a district's county)")
    return meta
