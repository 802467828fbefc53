"""Word documents (``*.docx``): paragraphs and tables in document order, by python-docx.

Each paragraph is one line; a table is written one cell per line, row by row (a
merged cell once), the layout of flattened tables that ``loaders/tables`` reads.
That text is the document's raw text: evidence quotes are verbatim from it.

Not read: page headers and footers (running titles and page numbers, not the
plan), text boxes, footnotes, and numbers that Word generates from a list style
(a heading numbered by Word's outline numbering keeps only its title).  An old
binary ``.doc`` is refused: python-docx cannot read it, and converting it needs
Word or LibreOffice, so the user saves it as ``.docx``.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Iterator

from . import Extracted

# Open-XML and OpenDocument packages that are not Word documents, by a part only they hold.
_OTHER_PACKAGES = [
    ("xl/workbook.xml", "an Excel workbook (.xlsx), not a Word document"),
    ("ppt/presentation.xml", "a PowerPoint presentation (.pptx), not a Word document"),
    ("content.xml", "an OpenDocument file (.odt?): open it and save it as .docx"),
]
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office files: .doc, .xls, .wps
# Uncompressed size allowed per byte of the size limit: a plan's .docx inflates about 3-6 times.
MAX_INFLATION = 10


def read(path: Path, data: bytes) -> Extracted:
    """The document's paragraphs and table cells, one per line, in document order."""
    from ..source import DocumentError

    _check_package(path, data)
    import docx  # imported at use: only Word files need it
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, AttributeError, zipfile.BadZipFile, XMLSyntaxError, PackageNotFoundError) as error:
        raise DocumentError(path, f"the Word file is damaged and cannot be read ({_reason(error)}); "
                            "open it in Word or WPS and save it again as .docx") from None
    lines = list(_block_lines(document))
    if not any(line.strip() for line in lines):
        raise DocumentError(path, "the Word document holds no text (only images or drawings?)")
    return Extracted(text="\n".join(lines) + "\n", encoding="docx", format="docx")


def _check_package(path: Path, data: bytes) -> None:
    """Refuse, saying what it is, a file that is not a Word package (before python-docx sees it)."""
    from ..source import DocumentError, max_document_bytes, sniff

    if not zipfile.is_zipfile(io.BytesIO(data)):
        found = sniff(data)
        if found and data.startswith(OLE_MAGIC):  # a .doc renamed: the common case, worth its own advice
            raise DocumentError(path, f"the file is {found[0]}, not a .docx: open it in Word or WPS and save it "
                                "as .docx (Word 2007 and later), or as plain text (UTF-8)")
        raise DocumentError(path, f"the file is {found[0]}, not a Word .docx document" if found else
                            "the file is not a Word .docx document (a .docx is a ZIP package, and this is not one)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise DocumentError(path, f"the Word file is a damaged ZIP package ({error}); save it again as .docx") from None
    names = {entry.filename for entry in entries}
    if "word/document.xml" not in names:
        other = next((what for part, what in _OTHER_PACKAGES if part in names), None)
        listed = ", ".join(sorted(names)[:3]) + (" …" if len(names) > 3 else "")
        raise DocumentError(path, f"the file is {other}" if other else
                            f"the file is a ZIP archive of {len(names)} file(s) ({listed}), not a Word document")
    inflated = sum(entry.file_size for entry in entries)
    if inflated > MAX_INFLATION * max_document_bytes():
        raise DocumentError(path, f"the Word file unpacks to {inflated / 1e6:.0f} MB, over "
                            f"{MAX_INFLATION} times the document size limit (a ZIP bomb?)")


def _block_lines(container) -> Iterator[str]:
    """Lines of a document or table cell: paragraphs as they are, tables cell by cell."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_lines(block)
        else:
            yield block.text.strip()


def _table_lines(table) -> Iterator[str]:
    """A table row by row, each cell's lines in turn; a cell merged across columns or rows once."""
    seen: set = set()  # the cells' XML elements, held so that lxml keeps handing out the same objects
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            yield from _block_lines(cell)


def _reason(error: Exception) -> str:
    """python-docx's error in a few words (its KeyError quotes the missing part)."""
    text = str(error).strip("'\"") or type(error).__name__
    return text if len(text) < 160 else text[:157] + "…"
