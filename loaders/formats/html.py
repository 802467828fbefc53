"""Web pages (``*.html``, ``*.htm``): the page's main text, and where the page came from.

The main text is found by trafilatura (a maintained extractor, evaluated on news and
government pages) which drops the site's chrome: menus, breadcrumbs, share buttons,
footers.  On a portal page holding a plan it kept every heading, paragraph and the
indicator table, in order (``tests/test_formats.py``), so lxml/jusText were not needed.

It is asked for its XML, not its plain text, because the plain text writes a table
as ``| a | b |`` rows, a layout the table reader does not know; from the XML each
paragraph, heading and list item becomes one line, and each table cell one line
of its own (the "one cell per line" layout of tables copied from web pages, which
``loaders/tables`` reads).  That text is the document's raw text: evidence quotes
are verbatim from it.

Provenance, kept on the source document and never read as the plan's metadata:
``url`` (the page's canonical or og:url address, which also fills ``source_url``
unless the sidecar gives one), ``page_title`` (its ``<title>``) and ``page_date``
(the page's publication date as trafilatura/htmldate find it: a repost's date,
never the plan's issue date).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from lxml import etree, html as lxml_html

from . import Extracted

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# GB2312 and GBK pages often use characters only their superset GB18030 names.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}
_BLOCKS = {"p", "head", "item", "cell", "quote", "code", "list", "table", "row", "div"}
_LEAVES = {"p", "head", "item", "cell", "quote", "code"}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def read(path: Path, data: bytes) -> Extracted:
    """The page's main text, one line per paragraph, heading, list item and table cell."""
    from ..source import DocumentError

    page, charset = _decode(path, data)
    import trafilatura  # imported at use: it takes a while, and only web pages need it

    xml = trafilatura.extract(page, output_format="xml", include_tables=True, include_comments=False,
                              include_images=False, include_links=False, with_metadata=False, deduplicate=False)
    lines = _lines(etree.fromstring(xml.encode("utf-8"))) if xml else []
    tree = _parse(page)
    if not _own_text(lines, tree):
        raise DocumentError(path, "the web page has no main text (only menus, links or scripts?): "
                            "save the page that shows the plan's text, or copy that text into a .txt file")
    return Extracted(text="\n".join(lines) + "\n", encoding=f"html ({charset})", format="html",
                     provenance=_provenance(page, tree))


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """The page as text: in the ``<meta charset>`` it declares, else as any text file (``source.decode``:
    a BOM, UTF-8, GB18030)."""
    from ..source import DocumentError, decode, sniff

    found = sniff(data)
    if found:
        raise DocumentError(path, f"the file is {found[0]}, not a web page")
    declared = _CHARSET.search(data[:4096])
    if declared and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        charset = declared.group(1).decode("ascii").lower()
        charset = _SUPERSETS.get(charset, charset)
        try:
            return data.decode(charset), charset
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: read it as a text file is read
    return decode(path, data)


def _lines(node: etree._Element) -> list[str]:
    """Trafilatura's XML as lines: a leaf block (paragraph, heading, item, cell) is one line."""
    lines: list[str] = []
    for child in node:
        if child.tag in _LEAVES and not any(grandchild.tag in _BLOCKS for grandchild in child):
            lines.append(_text(child))
        elif child.tag in _BLOCKS or child.tag == "main":
            lines += _lines(child)
    return lines


def _text(node: etree._Element) -> str:
    """A block's text with its inline markup dropped and its ``<lb/>`` line breaks kept."""
    parts = [node.text or ""]
    for child in node:
        parts.append("\n" if child.tag == "lb" else "".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts).strip()


def _own_text(lines: list[str], tree: lxml_html.HtmlElement | None) -> bool:
    """Whether the extracted text holds Chinese text that is not the text of a link.

    On a page with no article (a portal's front page, a list of links) trafilatura's
    fallback returns the menus' link texts as one paragraph: that is no main text.
    """
    text = " ".join(" ".join(line.split()) for line in lines)
    if tree is not None:
        links = {" ".join("".join(a.itertext()).split()) for a in tree.iter("a")}
        for link in sorted(links - {""}, key=len, reverse=True):
            text = text.replace(link, " ")
    return bool(_CJK.search(text))


def _parse(page: str) -> lxml_html.HtmlElement | None:
    """The page as an lxml tree (for its links and ``<title>``), or None when lxml cannot parse it."""
    try:
        return lxml_html.document_fromstring(page.encode("utf-8"), parser=lxml_html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError):
        return None


def _provenance(page: str, tree: lxml_html.HtmlElement | None) -> dict[str, str]:
    """The page's address, ``<title>`` and publication date, where it gives them."""
    import trafilatura

    found: dict[str, str] = {}
    metadata = trafilatura.extract_metadata(page)
    if metadata is not None and metadata.url:
        found["url"] = metadata.url
    title = _title(tree)
    if title:
        found["page_title"] = title
    if metadata is not None and metadata.date:
        found["page_date"] = metadata.date
    return found


def _title(tree: lxml_html.HtmlElement | None) -> str | None:
    """The ``<title>`` as written (trafilatura's title prefers the first heading)."""
    if tree is None:
        return None
    title = tree.findtext(".//title")
    return " ".join(title.split()) if title and title.strip() else None
