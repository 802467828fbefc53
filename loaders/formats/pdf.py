"""PDF documents (``*.pdf``): the text layer, page by page, with the page each character is on.

Library: pypdfium2, the Python binding of PDFium (Chrome's PDF engine), shipped as
a wheel with the engine inside.  Chosen over pypdf, whose text extraction returned
CJK text written by fpdf2 with a NUL byte between characters in our trials, and over
pdfplumber (pdfminer.six), which gives the same per-character boxes in pure Python
at many times the cost on a 100-page plan.  PDFium reads CJK fonts through their
ToUnicode maps, tells password-protected from damaged files, and gives each
character's box, which is what putting a paragraph's lines back together needs.

The raw text of a PDF is its text layer, read as lines; a line that runs to the
right margin and is followed by a line starting at the left margin (not indented)
is the same paragraph wrapped by the layout, so the two are joined without a line
break (a space only between two Latin letters), also across a page break.  Page
numbers framed as ``- 3 -``, ``— 3 —``, ``第3页`` or ``3/12`` standing on a line of
their own are dropped.  That text is the document's raw text: evidence quotes are
verbatim from it, and ``Extracted.page_starts`` says on which page each of its
characters is.

Refused, each with one message: a file that is not a PDF, a damaged PDF, a PDF that
needs a password, a PDF with no text layer (a scan: OCR it first), and a PDF whose
text layer holds no Chinese (fonts without a Unicode map copy out as gibberish).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..lexicon import load_lexicon
from . import Extracted

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_PASSWORD_ERRORS = {4, 5}  # FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY
OCR_ADVICE = ("run OCR first (e.g. `ocrmypdf -l chi_sim scan.pdf text.pdf`) and add the PDF it writes, "
              "or add the plan's text as a .txt file")


@dataclass
class _Line:
    """One line of a page's text layer and its horizontal extent (PDF points)."""

    text: str
    page: int
    left: float
    right: float
    height: float


def read(path: Path, data: bytes) -> Extracted:
    """The text layer as paragraphs of lines, with the offset where each page begins."""
    from ..source import DocumentError

    lines, pages = _read_lines(path, data)
    if not any(line.text.strip() for line in lines):
        raise DocumentError(path, f"image-only PDF: no text layer; {OCR_ADVICE}")
    text, page_starts = _join(lines, pages)
    if not _CJK.search(text):
        raise DocumentError(path, "the PDF's text layer holds no Chinese text (its fonts may lack a Unicode map, "
                            f"so the text copies out as gibberish); {OCR_ADVICE}")
    return Extracted(text=text, encoding="pdf text layer", format="pdf", page_starts=page_starts)


def _read_lines(path: Path, data: bytes) -> tuple[list[_Line], int]:
    """Every page's lines, in page order, and the number of pages."""
    from ..source import DocumentError, sniff

    if b"%PDF-" not in data[:1024]:
        found = sniff(data)
        raise DocumentError(path, f"the file is {found[0]}, not a PDF" if found else
                            "the file is not a PDF (it does not start with %PDF-)")
    import pypdfium2 as pdfium  # imported at use: only PDF files need it

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) in _PASSWORD_ERRORS:
            raise DocumentError(path, "encrypted PDF: it cannot be opened without its password; save a copy "
                                "without the password (or print it to a new PDF) and add that") from None
        raise DocumentError(path, f"the PDF is damaged and cannot be opened ({_reason(error)}); "
                            "download it again, or open it in a PDF viewer and save a new copy") from None
    try:
        lines: list[_Line] = []
        for number in range(len(document)):
            lines += _page_lines(document, number)
        return lines, len(document)
    except pdfium.PdfiumError as error:
        raise DocumentError(path, f"the PDF is damaged: a page cannot be read ({_reason(error)}); "
                            "download it again, or open it in a PDF viewer and save a new copy") from None
    finally:
        document.close()


def _page_lines(document, number: int) -> list[_Line]:
    """Page ``number`` (0-based) as lines, without lines that are only a page number."""
    import pypdfium2.raw as pdfium_c

    page = document[number]
    textpage = page.get_textpage()
    try:
        lines, chars, boxes = [], [], []
        for index in range(textpage.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index))
            if char == "\n":
                lines.append(_line(chars, boxes, number + 1))
                chars, boxes = [], []
            elif char >= " " and char not in "\ufffe\uffff":  # \r, PDFium's markers and control codes dropped
                chars.append(char)
                if not char.isspace():
                    boxes.append(textpage.get_charbox(index))
        lines.append(_line(chars, boxes, number + 1))
    finally:
        textpage.close()
        page.close()
    kept = [line for line in lines if line.text]
    page_number = _page_number()
    return [line for line in kept if not page_number.match(line.text)]


@cache
def _page_number() -> re.Pattern:
    """A line that is only a page number (- 3 -, 第3页, 3/12): ``page_number_line`` of noise.yaml."""
    return re.compile(load_lexicon("noise")["page_number_line"])


def _line(chars: list[str], boxes: list[tuple[float, float, float, float]], page: int) -> _Line:
    if not boxes:
        return _Line("".join(chars).strip(), page, 0.0, 0.0, 0.0)
    return _Line("".join(chars).strip(), page, min(b[0] for b in boxes), max(b[2] for b in boxes),
                 max(b[3] - b[1] for b in boxes))


def _join(lines: list[_Line], pages: int) -> tuple[str, tuple[int, ...]]:
    """The lines as text, wrapped paragraphs rejoined; and the offset where each page begins."""
    placed = [line for line in lines if line.height > 0]
    left = min((line.left for line in placed), default=0.0)
    right = max((line.right for line in placed), default=0.0)
    parts: list[str] = []
    length = 0
    starts: list[int] = []
    previous: _Line | None = None
    for line in lines:
        if previous is not None:
            joint = _joint(previous, line, left, right)
            parts.append(joint)
            length += len(joint)
        while len(starts) < line.page:  # a page begins at its first line (after the joint); empty pages there too
            starts.append(length)
        parts.append(line.text)
        length += len(line.text)
        previous = line
    while len(starts) < pages:
        starts.append(length)
    return "".join(parts) + "\n", tuple(starts)


def _joint(previous: _Line, line: _Line, left: float, right: float) -> str:
    """What goes between two lines: nothing or a space when the first wraps into the second, else a line break."""
    # Within 1.5 characters of the right margin: the next character did not fit.  Within one character of the
    # left margin: not a paragraph's first line (indented two characters); full-width punctuation such as “
    # is drawn in the right half of its square, so its box starts up to half a character in.
    size = max(previous.height, line.height, 1.0)
    wraps = previous.right >= right - 1.5 * size and line.left <= left + size and line.height > 0
    if not wraps:
        return "\n"
    return " " if _LATIN.match(previous.text[-1]) and _LATIN.match(line.text[0]) else ""


def _reason(error: Exception) -> str:
    """PDFium's own words, e.g. 'Data format error'."""
    found = re.search(r"PDFium: ([^)]+)", str(error))
    return found.group(1) if found else str(error)
