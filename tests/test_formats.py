"""Web pages, PDF and Word files build like the text they hold.

The files are made here from the first 419 lines of the national plan (its notice,
contents, chapter 1 with the indicator table and chapter 2 with boxes 1-3): a web
page with a portal's chrome (menu, breadcrumb, share links, related articles,
footer), a Word file (python-docx: headings as styled paragraphs, the indicator
table as a real table) and a PDF (fpdf2 with the Noto CJK font of this machine,
paragraphs wrapped by the layout, over several pages).  Each is parsed as the
``.txt`` excerpt is and must give the same title, metadata, outline, boxes,
indicator rows and programmes; every evidence quote must be verbatim in the text
extracted from the file; a PDF's evidence must name the right page.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, URIRef

from policykg.build import build
from policykg.graph.builds.datadir import DATASET_FILE
from policykg.loaders.iris import PKG
from policykg.loaders.model import Division, ParsedDocument
from policykg.loaders.pipeline import parse_document
from policykg.loaders.rdf import DocumentGraph, document_slug
from policykg.loaders.source import DocumentError, list_documents, orphan_sidecars, read_document

from .bad_documents.cases import (broken_pdf, encrypted_pdf, html_without_text, image_only_pdf, plan, title,
                                  zip_not_docx)
from .conftest import CORPUS

NATIONAL = CORPUS / "002_5366459dd2a9c16e.txt"
EXCERPT_LINES = 419  # through 专栏3 and its text, before 第五节
URL = "https://www.mca.gov.cn/n152/n165/c1662004999979995221/content.html"
PAGE_TITLE = "民政部 国家发展和改革委员会关于印发《“十四五”民政事业发展规划》的通知_政策文件_中华人民共和国民政部"
CHROME = ["网站地图", "京ICP备05001234号", "分享到", "相关文章", "当前位置", "机构概况", "无障碍浏览"]
PDF_PHRASE = "全力提升基本民生保障水平"  # the PDF starts a new page with this chapter (第二章)


def _excerpt() -> list[str]:
    return NATIONAL.read_text(encoding="utf-8").splitlines()[:EXCERPT_LINES]


@dataclass
class Block:
    """One block of the excerpt as a page, Word file or PDF lays it out."""

    kind: str  # 'title', 'chapter', 'section', 'para', 'table'
    text: str = ""
    cells: list[list[str]] | None = None


def _blocks(lines: list[str]) -> list[Block]:
    """The excerpt's non-blank lines as blocks; the indicator table's cells (one per line in the text) as rows."""
    lines = [line.strip() for line in lines if line.strip()]
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line == "序号":
            end = next(i for i in range(index, len(lines)) if lines[i].startswith("第二章"))
            cells = lines[index:end]
            assert len(cells) % 5 == 0, cells
            blocks.append(Block("table", cells=[cells[i:i + 5] for i in range(0, len(cells), 5)]))
            index = end
            continue
        kind = ("title" if index == 0 else "chapter" if re.match(r"第.{1,3}章", line)
                else "section" if re.match(r"第.{1,3}节", line) else "para")
        blocks.append(Block(kind, line))
        index += 1
    return blocks


# -- the three files ------------------------------------------------------------------------

def write_html(blocks: list[Block], path: Path) -> None:
    """A government portal's article page: the plan in ``<div class="article">`` amid the site's chrome."""
    tags = {"title": "h1", "chapter": "h2", "section": "h3", "para": "p"}
    body = []
    for block in blocks:
        if block.kind == "table":
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in block.cells)
            body.append(f'<table border="1" class="indicators">{rows}</table>')
        else:
            body.append(f"<{tags[block.kind]}>{html.escape(block.text)}</{tags[block.kind]}>")
    menu = "".join(f'<li><a href="/n{i}/index.html">{name}</a></li>' for i, name in
                   enumerate(["首页", "机构概况", "新闻动态", "政务公开", "政务服务", "互动交流", "专题专栏"]))
    related = "".join(f'<li><a href="/r{i}.html">民政部召开专题会议研究部署重点工作({i})</a></li>' for i in range(5))
    path.write_text(f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{PAGE_TITLE}</title>
<link rel="canonical" href="{URL}">
<meta name="PubDate" content="2021-06-29 16:20">
<meta name="ContentSource" content="民政部">
</head><body>
<div class="top"><a href="/wza">无障碍浏览</a> <a href="/map">网站地图</a> <a href="/en">English</a></div>
<header><div class="logo">中华人民共和国民政部</div><nav class="menu"><ul>{menu}</ul></nav></header>
<div class="crumb">当前位置:<a href="/">首页</a> &gt; <a href="/zcwj">政策文件</a> &gt; 正文</div>
<div class="main"><div class="article">
<div class="meta">发布时间:2021-06-29 来源:民政部 <span class="share">分享到:<a href="#">微信</a> <a href="#">微博</a></span></div>
{chr(10).join(body)}
</div>
<aside class="side"><h4>相关文章</h4><ul>{related}</ul></aside></div>
<footer><p>主办单位:中华人民共和国民政部 <a href="/map">网站地图</a></p>
<p>版权所有:中华人民共和国民政部 京ICP备05001234号 网站标识码bm1234</p></footer>
</body></html>
""", encoding="utf-8")


def write_docx(blocks: list[Block], path: Path) -> None:
    """A Word file: the title and headings as styled paragraphs, the indicator table as a Word table."""
    import docx

    document = docx.Document()
    styles = {"title": "Title", "chapter": "Heading 1", "section": "Heading 2", "para": None}
    for block in blocks:
        if block.kind == "table":
            table = document.add_table(rows=len(block.cells), cols=len(block.cells[0]))
            for row, values in zip(table.rows, block.cells):
                for cell, value in zip(row.cells, values):
                    cell.text = value
        else:
            document.add_paragraph(block.text, style=styles[block.kind])
    section = document.sections[0]
    section.footer.paragraphs[0].text = "— 1 —"  # a running footer: chrome, not text
    document.save(path)


def cjk_font() -> tuple[str, int] | None:
    """The Noto Sans CJK SC face on this machine: (file, index in its collection), or None."""
    if not shutil.which("fc-match"):
        return None
    found = subprocess.run(["fc-match", "-f", "%{file}\t%{index}\t%{family}", "Noto Sans CJK SC:lang=zh-cn"],
                           capture_output=True, text=True, check=False).stdout.split("\t")
    if len(found) < 3 or "CJK" not in found[2]:
        return None
    return found[0], int(found[1])


def write_pdf(blocks: list[Block], path: Path) -> list[tuple[str, int]]:
    """A PDF with a CJK font: paragraphs wrapped to the page width, a new page at chapter 2.

    Returns each line of the text (a paragraph, a heading, a table cell) that starts and
    ends on one page, with that page (the others are split by a page break).
    """
    from fpdf import FPDF
    from fpdf.enums import WrapMode

    font = cjk_font()
    assert font is not None
    pdf = FPDF(format="A4")
    pdf.add_font("noto", fname=font[0], collection_font_number=font[1])
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pages: list[tuple[str, int]] = []
    chapter_2 = max(i for i, block in enumerate(blocks) if PDF_PHRASE in block.text)  # not its contents line
    for index, block in enumerate(blocks):
        texts = [cell for row in block.cells for cell in row] if block.kind == "table" else [block.text]
        size = {"title": 16, "chapter": 13, "section": 12}.get(block.kind, 10.5)
        pdf.set_font("noto", size=size)
        if index == chapter_2:
            pdf.add_page()
        for text in texts:
            first = pdf.page_no()
            pdf.multi_cell(0, size * 0.6, text, wrapmode=WrapMode.CHAR, new_x="LMARGIN", new_y="NEXT")
            if pdf.page_no() == first:
                pages.append((text, first))
    pdf.output(str(path))
    return pages


# -- what a document reads as ------------------------------------------------------------------

def _outline(divisions: list[Division]) -> list:
    return [(d.level, d.marker, d.title,
             [(b.number, b.title, [(i.number, i.title, i.titled) for i in b.items]) for b in d.boxes],
             [(t.kind, t.title, [(r.name, r.unit, r.attribute, r.status, r.domain,
                                  *[(v.text, v.number, v.comparator, v.year) if v else None
                                    for v in (r.baseline, r.target, r.actual)], tuple(r.notes)) for r in t.rows])
              for t in d.tables],
             _outline(d.children)) for d in divisions]


def reading(document: ParsedDocument) -> dict:
    """What the graph is made of, without offsets (which differ between formats)."""
    meta = document.metadata
    return {
        "title": meta.title, "kind": meta.kind, "date": meta.date, "level": meta.level,
        "jurisdiction": meta.jurisdiction, "issuers": [name for name, _ in meta.issuers],
        "based_on": [name for name, _ in meta.based_on],
        "outline": _outline(document.chapters),
        "preamble_tables": [(t.kind, t.title, [r.name for r in t.rows]) for t in document.preamble_tables],
        "glossary": [(g.term, g.definition) for g in document.glossary],
        "programmes": sorted((p.name, p.kind, p.origin, p.period) for p in document.programmes),
        "relations": sorted((r.programme, r.predicate, r.target, r.window) for r in document.relations),
        "bodies": sorted(b.canonical for b in document.bodies),
        "warnings": document.warnings,
    }


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict:
    """The excerpt as .txt, .html, .docx and .pdf in one folder; the PDF's pages of its lines."""
    folder = tmp_path_factory.mktemp("formats")
    lines = _excerpt()
    (folder / "plan.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    blocks = _blocks(lines)
    write_html(blocks, folder / "page.html")
    write_docx(blocks, folder / "word.docx")
    pages = write_pdf(blocks, folder / "print.pdf") if cjk_font() else None
    return {"folder": folder, "pdf_pages": pages}


@pytest.fixture(scope="module")
def parsed(files) -> dict[str, ParsedDocument]:
    folder = files["folder"]
    names = ["plan.txt", "page.html", "word.docx"] + (["print.pdf"] if files["pdf_pages"] is not None else [])
    return {name.rsplit(".", 1)[1]: parse_document(folder / name) for name in names}


def _needs(parsed: dict, kind: str) -> ParsedDocument:
    if kind not in parsed:
        pytest.skip("no CJK font (Noto Sans CJK SC) on this machine: the test PDF cannot be written")
    return parsed[kind]


# -- the same graph content ----------------------------------------------------------------------

def test_the_text_excerpt_reads_as_a_plan_with_boxes_tables_and_programmes(parsed):
    """The reference must hold what the other formats are compared on, or the comparison proves little."""
    text = reading(parsed["txt"])
    assert text["title"] == "“十四五”民政事业发展规划" and text["kind"] == "plan"
    boxes = [box for chapter in text["outline"] for section in chapter[5] for box in section[3]]
    assert [box[0] for box in boxes] == [1, 2, 3]
    rows = [row for chapter in text["outline"] for section in chapter[5] for table in section[4] for row in table[2]]
    assert len(rows) == 15 and rows[0][0] == "城乡低保标准年度增速"
    assert len(text["programmes"]) > 20 and text["based_on"]


@pytest.mark.parametrize("kind", ["html", "docx", "pdf"])
def test_each_format_reads_like_its_text(parsed, kind):
    other = reading(_needs(parsed, kind))
    text = reading(parsed["txt"])
    for key in text:
        assert other[key] == text[key], key


def _quotes(document: ParsedDocument) -> dict[str, tuple[list[str], bool]]:
    """By the node or statement they support (its IRI less the document's slug): the quotes without white
    space, and whether a statement (a relation, quoted from its window) owns them."""
    graph = DocumentGraph(document, {}).build()
    found: dict[str, tuple[list[str], bool]] = {}
    for owner, evidence in graph.subject_objects(PKG.evidence):
        key = str(owner).replace(f"/id/plan/{document_slug(document)}", "/id/plan/DOC", 1)
        quotes = sorted(re.sub(r"\s", "", str(q)) for q in graph.objects(evidence, PKG.quote))
        previous = found.get(key, ([], False))[0]
        found[key] = (sorted(previous + quotes), (owner, RDF.type, RDF.Statement) in graph)
    return found


@pytest.mark.parametrize("kind", ["html", "docx", "pdf"])
def test_each_format_quotes_the_same_words_as_its_text(parsed, kind):
    """Quotes differ in white space only (the .txt has a blank line after each line, and no-break spaces),
    except the windows of a few relations: a window that the .txt's blank lines end earlier quotes more
    of the same box item in the other formats (3 of 232 quotes here), from the same first words."""
    text, other = _quotes(parsed["txt"]), _quotes(_needs(parsed, kind))
    assert text.keys() == other.keys()
    differ = [key for key in text if text[key] != other[key]]
    assert all(text[key][1] for key in differ), differ  # only relations' windows
    assert len(differ) <= 3
    assert all([q[:20] for q in text[key][0]] == [q[:20] for q in other[key][0]] for key in differ)


@pytest.mark.parametrize("kind", ["txt", "html", "docx", "pdf"])
def test_every_evidence_quote_is_verbatim_in_the_extracted_text(parsed, kind):
    document = _needs(parsed, kind)
    graph = DocumentGraph(document, {}).build()
    raw = document.source.raw
    quotes = list(graph.subject_objects(PKG.quote))
    assert len(quotes) > 100
    for evidence, quote in quotes:
        start, end = (graph.value(evidence, PKG[p]).toPython() for p in ("charStart", "charEnd"))
        assert raw[start:end] == str(quote), evidence
    pages = list(graph.objects(None, PKG.page))
    assert bool(pages) == (kind == "pdf")  # only a PDF has pages


def test_pdf_evidence_names_the_page_its_quote_is_on(parsed, files):
    document = _needs(parsed, "pdf")
    graph = DocumentGraph(document, {}).build()
    written = files["pdf_pages"]
    (chapter,) = [c for c in graph.subjects(RDF.type, PKG.Chapter) if PDF_PHRASE in str(graph.value(c, RDFS.label))]
    heading = [page for text, page in written if PDF_PHRASE in text][-1]  # the body's, after the contents' line
    assert _page(graph, chapter) == heading > 2  # on the page the PDF began for it
    checked = 0
    for evidence, quote in graph.subject_objects(PKG.quote):
        pages = {page for text, page in written if str(quote) in text}
        if len(pages) == 1 and len(str(quote)) > 8:  # a quote whose every occurrence is on one page
            assert graph.value(evidence, PKG.page).toPython() == pages.pop(), quote
            checked += 1
    assert checked > 50
    assert document.source.page_starts[0] == 0
    assert len(document.source.page_starts) == max(page for _, page in written)


def _page(graph: Graph, node: URIRef) -> int:
    (evidence,) = graph.objects(node, PKG.evidence)
    return graph.value(evidence, PKG.page).toPython()


def test_pdf_lines_wrapped_by_the_layout_are_one_paragraph_again(parsed, files):
    """A paragraph of the text is one line of the PDF's raw text, though the PDF wraps it over several."""
    document = _needs(parsed, "pdf")
    long_paragraphs = [text for text, _ in files["pdf_pages"] if len(text) > 200]
    assert long_paragraphs
    raw_lines = set(document.source.raw.splitlines())
    assert all(paragraph in raw_lines for paragraph in long_paragraphs)


# -- web page provenance and chrome -------------------------------------------------------------------

def test_a_web_page_keeps_its_main_text_and_drops_the_chrome(parsed):
    source = parsed["html"].source
    assert source.format == "html" and source.encoding == "html (utf-8)"
    for chrome in CHROME:
        assert chrome not in source.raw, chrome
    assert "城乡低保标准年度增速\n%\n不低于居民上年度人均消费支出增速\n预期性" in source.raw  # cells one per line
    assert source.provenance == {"url": URL, "page_title": PAGE_TITLE, "page_date": "2021-06-29"}
    assert source.meta["source_url"] == URL  # where a sidecar's source_url goes
    assert parsed["html"].metadata.source_url == URL
    assert parsed["html"].metadata.date == parsed["txt"].metadata.date == "2021-05-24"  # not the page date


def test_a_sidecar_source_url_wins_over_the_page_address(files, tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes((files["folder"] / "page.html").read_bytes())
    (tmp_path / "page.meta.yaml").write_text("source_url: https://example.org/original\nslug: mca-page\n",
                                             encoding="utf-8")
    source = read_document(page)
    assert source.meta == {"source_url": "https://example.org/original", "slug": "mca-page"}
    assert source.provenance["url"] == URL
    assert orphan_sidecars(tmp_path) == []


def test_a_gbk_web_page_is_decoded_by_its_declared_charset(files, tmp_path):
    text = (files["folder"] / "page.html").read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="gb2312"')
    page = tmp_path / "gbk.htm"
    page.write_bytes(text.encode("gb18030"))
    source = read_document(page)
    assert source.encoding == "html (gb18030)"
    assert source.raw == read_document(files["folder"] / "page.html").raw


def test_a_word_file_keeps_table_cells_in_order_and_leaves_out_its_footer(parsed):
    source = parsed["docx"].source
    assert source.format == "docx" and "— 1 —" not in source.raw
    assert "序号\n指标\n单位\n2025年目标值\n属性\n1\n城乡低保标准年度增速" in source.raw


# -- every format is listed; bad files get one message each ------------------------------------------

def test_every_registered_format_is_listed_in_name_order(tmp_path):
    for name in ("b.pdf", "a.txt", "c.docx", "d.HTML", "e.htm", "a.meta.yaml", "notes.md", "old.doc", "f.PDF"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in list_documents(tmp_path)] == ["a.txt", "b.pdf", "c.docx", "d.HTML", "e.htm", "f.PDF"]
    (tmp_path / "b.meta.yaml").write_text("slug: b\n")
    (tmp_path / "gone.meta.yaml").write_text("slug: gone\n")
    assert [p.name for p in orphan_sidecars(tmp_path)] == ["gone.meta.yaml"]


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


BAD = [
    ("broken.pdf", broken_pdf, "broken.pdf: the PDF is damaged and cannot be opened (Data format error); "
     "download it again, or open it in a PDF viewer and save a new copy"),
    ("locked.pdf", encrypted_pdf, "locked.pdf: encrypted PDF: it cannot be opened without its password; "
     "save a copy without the password (or print it to a new PDF) and add that"),
    ("scan.pdf", image_only_pdf, "scan.pdf: image-only PDF: no text layer; run OCR first (e.g. `ocrmypdf -l "
     "chi_sim scan.pdf text.pdf`) and add the PDF it writes, or add the plan's text as a .txt file"),
    ("notes.docx", zip_not_docx, "notes.docx: the file is a ZIP archive of 2 file(s) (notes.txt, readme.txt), "
     "not a Word document"),
    ("portal.html", html_without_text, "portal.html: the web page has no main text (only menus, links or "
     "scripts?): save the page that shows the plan's text, or copy that text into a .txt file"),
    ("old.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
     "old.docx: the file is an old Word/Excel/WPS file (.doc, .xls, .wps), not a .docx: open it in Word or WPS "
     "and save it as .docx (Word 2007 and later), or as plain text (UTF-8)"),
    ("image.pdf", lambda: b"\x89PNG\r\n\x1a\n" + bytes(100), "image.pdf: the file is a PNG image, not a PDF"),
    ("plan.htm", lambda: b"%PDF-1.4\n" + bytes(100), "plan.htm: the file is a PDF document, not a web page"),
    ("damaged.docx", lambda: _zip({"word/document.xml": plan("寅县")}),
     "damaged.docx: the Word file is damaged and cannot be read (There is no item named '[Content_Types].xml' in "
     "the archive); open it in Word or WPS and save it again as .docx"),
    ("sheet.docx", lambda: _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}),
     "sheet.docx: the file is an Excel workbook (.xlsx), not a Word document"),
]


@pytest.mark.parametrize(("name", "make", "message"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_of_each_format_gets_one_clear_message(tmp_path, name, make, message):
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    assert str(caught.value) == message


@pytest.mark.slow
def test_a_corpus_with_bad_files_of_each_format_still_builds(files, tmp_path):
    """One good text, the PDF excerpt and five bad files: the good ones build, each bad one is named once."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(plan("甲县"), encoding="utf-8")
    if files["pdf_pages"] is not None:
        shutil.copy(files["folder"] / "print.pdf", corpus / "national.pdf")
    for name, make, _ in BAD[:5]:
        (corpus / name).write_bytes(make())
    report = build(corpus, tmp_path / "data")
    errors = {d.file: d.error for d in report.documents if d.error}
    assert errors == {name: message for name, _, message in BAD[:5]}
    loaded = {d.file: d for d in report.documents if d.triples}
    assert loaded["good.txt"].title == title("甲县")
    if files["pdf_pages"] is not None:
        assert loaded["national.pdf"].title == "“十四五”民政事业发展规划"
        dataset = (report.build_dir / DATASET_FILE).read_text(encoding="utf-8")
        assert "<https://w3id.org/policykg/ontology#page>" in dataset


def test_the_shapes_accept_a_pdf_page_and_refuse_a_page_zero(parsed):
    from rdflib import Literal

    from policykg.loaders.validate import validate_graph

    graph = DocumentGraph(_needs(parsed, "pdf"), {}).build()
    assert validate_graph(graph).conforms
    evidence = next(graph.subjects(PKG.page, None))
    graph.set((evidence, PKG.page, Literal(0)))
    result = validate_graph(graph)
    assert not result.conforms and "pkg:page" in result.report


def test_an_error_no_reader_foresaw_is_still_one_message_for_the_file(tmp_path, monkeypatch):
    """A parsing library that trips on a file must not stop the build of the others."""
    import policykg.loaders.formats.docx as reader

    def trip(path, data):
        raise IndexError("list index out of range")

    monkeypatch.setattr(reader, "read", trip)
    path = tmp_path / "odd.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(DocumentError, match=r"^odd\.docx: the docx file could not be read \(IndexError: list index "
                                            r"out of range\); open it and save it again, and please report it"):
        read_document(path)
