"""Malformed corpus inputs: each case writes its file(s) into a corpus folder and says what the build must report.

Every case is added to one copy of the bundled corpus, which is built once
(``tests/test_bad_documents.py``): a bad file must be reported by name with a
message a person can act on, and must not stop the others from building.

``outcome`` is one of
  REFUSED  the file is left out; its report's ``error`` matches ``message``;
  LOADED   the file builds; one of its ``warnings`` matches ``message`` (no warning is
           expected when ``message`` is empty);
  WARNED   not a document: a corpus-level warning of the build report matches ``message``.

Large and binary files are generated here at test time, never stored.  Files
that must not share the main build (the 19 MB one, the unreadable one) have
``alone=True`` and their own tests.
"""

from __future__ import annotations

import codecs
import os
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REFUSED, LOADED, WARNED = "refused", "loaded", "warned"

NATIONAL = "002_5366459dd2a9c16e"  # the national plan
HAINAN = "000_6ddbd7126e41b308"
WEIHAI = "004_85b3adbc995e2954"

# A row with one value cell missing (the 2025 target of row 1 is absent): read as the target, and noted.
TABLE = """“十四五”时期{place}民政事业主要发展指标
序号
主要指标
单位
2020年
实际值
2025年
目标值
指标属性
1
每千名老年人口养老床位数
张
30
预期性
2
养老机构护理型床位占比
%
40
60
约束性
"""


def plan(place: str, *, table: bool = False, empty_section: bool = False) -> str:
    """A small, well-formed county plan; ``place`` keeps each one's title and text its own."""
    goals = TABLE.format(place=place) if table else f"到2025年,{place}民政事业发展水平明显提高。\n"
    elderly = "" if empty_section else f"发展普惠型养老服务,建设{place}社区养老服务中心。\n"
    return (f"{place}民政事业发展“十四五”规划\n"
            "第一章 发展基础\n"
            "第一节 主要成就\n"
            f"“十三五”时期,{place}民政事业取得显著成就,社会救助体系不断完善。\n"
            "第二节 面临形势\n"
            "人口老龄化加快,养老服务需求增加。\n"
            "第二章 主要目标\n"
            f"{goals}"
            "第三章 重点任务\n"
            "第一节 完善社会救助\n"
            "健全分层分类的社会救助体系,保障困难群众基本生活。\n"
            "专栏1 社会救助重点工程\n"
            f"1.低收入人口动态监测工程。建设{place}低收入人口动态监测信息平台。\n"
            "第二节 发展养老服务\n"
            f"{elderly}"
            "第四章 保障措施\n"
            "加强组织领导,确保规划落实。\n")


def title(place: str) -> str:
    return f"{place}民政事业发展“十四五”规划"


@dataclass(frozen=True)
class Case:
    id: str
    file: str  # the name the build report must give
    what: str  # the input, in a few words
    make: Callable[[Path], None]  # writes the case's file(s) into a corpus folder
    outcome: str  # REFUSED | LOADED | WARNED
    message: str  # a regular expression the error or a warning must match
    alone: bool = False  # too big or needs another user: tested on its own, not in the shared build
    known_miss: str = ""  # why the build does not yet say so: a strict expected failure until it does


def _bytes(name: str, data: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    def make(corpus: Path) -> None:
        (corpus / name).write_bytes(data() if callable(data) else data)
    return make


def _noise(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


def _with_sidecar(name: str, text: str, sidecar: bytes) -> Callable[[Path], None]:
    def make(corpus: Path) -> None:
        (corpus / name).write_text(text, encoding="utf-8")
        (corpus / name.replace(".txt", ".meta.yaml")).write_bytes(sidecar)
    return make


def _copy_of(source: str, name: str, encoding: str = "utf-8", sidecar: str | None = None) -> Callable[[Path], None]:
    def make(corpus: Path) -> None:
        text = (corpus / f"{source}.txt").read_text(encoding="utf-8")
        (corpus / name).write_bytes(text.encode(encoding))
        if sidecar is not None:
            (corpus / name.replace(".txt", ".meta.yaml")).write_text(sidecar, encoding="utf-8")
    return make


def _sparse(name: str, size: int, head: bytes = b"") -> Callable[[Path], None]:
    """A file of ``size`` bytes that takes no disk space beyond ``head`` (and is refused without being read)."""
    def make(corpus: Path) -> None:
        with (corpus / name).open("wb") as handle:
            handle.write(head)
            handle.truncate(size)
    return make


def _repeated(name: str, size: int, head: bytes = b"") -> Callable[[Path], None]:
    """``head`` then copies of the national plan's text, up to ``size`` bytes (all written, not sparse)."""
    def make(corpus: Path) -> None:
        body = (corpus / f"{NATIONAL}.txt").read_bytes()
        with (corpus / name).open("wb") as handle:
            handle.write(head)
            written = len(head)
            while written + len(body) <= size:
                handle.write(body)
                written += len(body)
    return make


def _directory(name: str) -> Callable[[Path], None]:
    def make(corpus: Path) -> None:
        (corpus / name).mkdir()
        (corpus / name / "inside.txt").write_text(plan("夹县"), encoding="utf-8")
    return make


def _symlink(name: str, target: str) -> Callable[[Path], None]:
    def make(corpus: Path) -> None:
        (corpus / name).symlink_to(target)
    return make


def _loop(name: str) -> Callable[[Path], None]:
    def make(corpus: Path) -> None:
        partner = name.replace(".txt", "_partner.lnk")
        (corpus / name).symlink_to(partner)
        (corpus / partner).symlink_to(name)
    return make


def _fifo(name: str) -> Callable[[Path], None]:
    def make(corpus: Path) -> None:
        os.mkfifo(corpus / name)
    return make


def _unreadable(name: str) -> Callable[[Path], None]:
    def make(corpus: Path) -> None:
        path = corpus / name
        path.write_text(plan("锁县"), encoding="utf-8")
        path.chmod(0)
    return make


def _orphan_sidecar(name: str) -> Callable[[Path], None]:
    def make(corpus: Path) -> None:
        (corpus / name).write_text("slug: renamed-plan\nlevel: county\n", encoding="utf-8")
    return make


def _mid_corruption() -> bytes:
    data = plan("癸县").encode()
    cut = data.index("社会救助体系".encode())
    return data[:cut] + b"\xff\xfe" + data[cut:]


def _nul_laden() -> bytes:
    return plan("壬县").replace("。", "。\x00").encode()


def _control_characters() -> bytes:
    return plan("戊县").replace("。\n", "。\x07\x1b[0m\x08\n").replace("第三章", "\x0c第三章").encode()


def _traditional() -> bytes:
    import opencc

    return opencc.OpenCC("s2t").convert(plan("己县")).encode()


def _headings_only() -> bytes:
    return "\n".join(line for line in plan("庚县").splitlines() if line.startswith("第")).encode() + b"\n"


def _toc_only() -> bytes:
    lines = [line for line in plan("辛县").splitlines() if line.startswith("第")]
    return ("目  录\n" + "\n".join(f"{line}……………………{page}" for page, line in enumerate(lines, 1))).encode()


# -- web pages, PDF and Word files that cannot be read (also used by tests/test_formats.py) -------------

def broken_pdf() -> bytes:
    """A PDF header, then a cut-off object and noise: no cross-reference table, no pages."""
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R" + _noise(2048, 5)


def encrypted_pdf() -> bytes:
    """A one-page PDF (fpdf2) that opens only with its user password."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Plan text behind a password")
    pdf.set_encryption(owner_password="owner-secret", user_password="reader-secret")
    return bytes(pdf.output())


def image_only_pdf() -> bytes:
    """A 'scanned' page: a filled rectangle and a grey image, and no text layer at all."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    scan = Image.new("L", (600, 300), 235)
    ImageDraw.Draw(scan).rectangle((30, 30, 570, 270), outline=40, width=6)
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 170, 30, style="F")
    pdf.image(scan, x=20, y=60, w=170)
    return bytes(pdf.output())


def zip_not_docx() -> bytes:
    """A ZIP archive of two text files, named .docx."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", plan("丑县"))
        archive.writestr("readme.txt", "not a Word document")
    return buffer.getvalue()


def html_without_text() -> bytes:
    """A portal page of menus and links only: no main text to extract."""
    links = "".join(f'<li><a href="/n{i}">栏目{i}</a></li>' for i in range(12))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>首页 - 某县人民政府</title></head>'
            f'<body><nav><ul>{links}</ul></nav><div class="footer"><a href="/map">网站地图</a></div>'
            f'<script>var x = 1;</script></body></html>').encode()


MB = 1024 * 1024

CASES: list[Case] = [
    # -- not text at all ------------------------------------------------------------------
    Case("empty", "bad_empty.txt", "an empty file", _bytes("bad_empty.txt", b""),
         REFUSED, r"^bad_empty\.txt: the file is empty$"),
    Case("whitespace", "bad_whitespace.txt", "only spaces, tabs, newlines and an ideographic space",
         _bytes("bad_whitespace.txt", " \n\t\r\n\u3000\n".encode()), REFUSED, r"holds only white space"),
    Case("bom_only", "bad_bom_only.txt", "only a UTF-8 byte-order mark", _bytes("bad_bom_only.txt", codecs.BOM_UTF8),
         REFUSED, r"holds only white space"),
    Case("png", "bad_png.txt", "a PNG header and random bytes",
         _bytes("bad_png.txt", lambda: b"\x89PNG\r\n\x1a\n" + _noise(4096, 1)), REFUSED, r"is a PNG image, not text"),
    Case("pdf", "bad_pdf.txt", "a PDF renamed .txt",
         _bytes("bad_pdf.txt", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + _noise(4096, 2)), REFUSED,
         r"is a PDF document: name it \.pdf and its text layer is read"),
    Case("docx", "bad_docx.txt", "a Word .docx (a ZIP) renamed .txt",
         _bytes("bad_docx.txt", lambda: b"PK\x03\x04\x14\x00\x06\x00" + _noise(4096, 3)), REFUSED,
         r"is a ZIP archive \(a \.docx"),
    Case("random_binary", "bad_random.txt", "8 KB of random bytes", _bytes("bad_random.txt", lambda: _noise(8192, 4)),
         REFUSED, r"the file is binary"),
    Case("nul_laden", "bad_nul_laden.txt", "a UTF-8 plan with NUL bytes after each sentence",
         _bytes("bad_nul_laden.txt", _nul_laden), REFUSED,
         r"UTF-8 text with \d+ NUL byte\(s\) in it, the first at byte \d+; remove them"),
    # -- encodings -----------------------------------------------------------------------
    Case("truncated_utf8", "bad_truncated_utf8.txt", "a UTF-8 plan cut inside its last character",
         _bytes("bad_truncated_utf8.txt", lambda: plan("子县").encode()[:-2]), LOADED,
         r"ends inside a UTF-8 character \(was it cut short\?\): that last, incomplete character was left out"),
    Case("corrupt_utf8", "bad_corrupt_utf8.txt", "a UTF-8 plan with two invalid bytes in the middle",
         _bytes("bad_corrupt_utf8.txt", _mid_corruption), REFUSED,
         r"UTF-8 with \d+ corrupt byte sequence\(s\), the first at byte \d+; fix or re-save it as UTF-8"),
    Case("gbk", "odd_gbk.txt", "a plan saved as GBK", _bytes("odd_gbk.txt", lambda: plan("甲县").encode("gbk")),
         LOADED, ""),
    Case("utf16_bom", "odd_utf16_bom.txt", "a plan saved as UTF-16 with a BOM",
         _bytes("odd_utf16_bom.txt", lambda: plan("乙县").encode("utf-16")), LOADED, ""),
    Case("utf16_no_bom", "bad_utf16_no_bom.txt", "a plan saved as UTF-16 LE without a BOM",
         _bytes("bad_utf16_no_bom.txt", lambda: plan("丙县").encode("utf-16-le")), REFUSED,
         r"looks like UTF-16 text without a byte-order mark \(BOM\); re-save it as UTF-8"),
    Case("latin1", "bad_latin1.txt", "German text in Latin-1",
         _bytes("bad_latin1.txt", "Plan für die Stadt: Maßnahmen für ältere Bürger\n".encode("latin-1")), REFUSED,
         r"read as GBK/GB18030 only \d+% of it is Chinese: it is probably in another encoding \(Latin-1"),
    Case("latin1_not_gbk", "bad_latin1_cafe.txt", "French text in Latin-1 that is not valid GB18030 either",
         _bytes("bad_latin1_cafe.txt", "Le café\n".encode("latin-1")), REFUSED,
         r"neither UTF-8 nor GBK/GB18030 text \(invalid byte at offset 6\)"),
    Case("big5", "bad_big5.txt", "a plan in traditional characters saved as Big5",
         _bytes("bad_big5.txt", lambda: _traditional().decode().encode("big5", errors="replace")), REFUSED, r"Big5",
         known_miss="GB18030 decodes Big5 bytes into other, valid Chinese characters: the text loads as nonsense"),
    Case("english", "bad_english.txt", "an English text (ASCII, no Chinese)",
         _bytes("bad_english.txt", b"Five-year plan for civil affairs\n1. Background\nSome text.\n"), REFUSED,
         r"holds no Chinese text; is it a plan document\?"),
    Case("control_characters", "odd_control.txt", "a plan with BEL, ESC, backspace and form feeds",
         _bytes("odd_control.txt", _control_characters), LOADED, ""),
    Case("traditional", "odd_traditional.txt", "a plan in traditional characters",
         _bytes("odd_traditional.txt", _traditional), LOADED, ""),
    # -- structure -----------------------------------------------------------------------
    Case("table_missing_cell", "odd_table_missing_cell.txt", "an indicator table row with a value cell missing",
         _bytes("odd_table_missing_cell.txt", lambda: plan("丁县", table=True).encode()), LOADED, ""),
    Case("heading_no_body", "odd_heading_no_body.txt", "a section heading with no text under it",
         _bytes("odd_heading_no_body.txt", lambda: plan("寅县", empty_section=True).encode()), LOADED,
         r"1 heading\(s\) with no text under them, kept as empty sections: 第二节 发展养老服务"),
    Case("headings_only", "odd_headings_only.txt", "chapter and section headings and nothing else",
         _bytes("odd_headings_only.txt", _headings_only), LOADED,
         r"holds headings only, with no text under any of its \d+ headings \(a table of contents alone\?\)"),
    Case("toc_only", "odd_toc_only.txt", "a table of contents (目录 with page numbers) and nothing else",
         _bytes("odd_toc_only.txt", _toc_only), LOADED, r"holds headings only|no chapter headings found"),
    Case("long_line", "odd_long_line.txt", "5 MB of text on one line, no title line",
         _bytes("odd_long_line.txt", lambda: ("民政事业发展规划。" * 200_000).encode()[: 5 * MB]), LOADED,
         r"no title line: the first line is [\d,]+ characters long, so the title is its first \d+ characters; "
         r"set `title:` in odd_long_line\.meta\.yaml"),
    # -- size ----------------------------------------------------------------------------
    Case("huge_100mb", "bad_huge.txt", "a 100 MB file (sparse; a plan at its start)",
         _sparse("bad_huge.txt", 100 * MB, plan("卯县").encode()), REFUSED,
         r"^bad_huge\.txt: the file is 104\.9 MB, over the 21 MB limit \(set POLICYKG_MAX_DOC_BYTES to raise it\)$"),
    Case("big_19mb", "odd_big_19mb.txt", "19 MB: the national plan's text 210 times over",
         _repeated("odd_big_19mb.txt", 19 * MB), LOADED, "", alone=True),
    Case("repeated_text", "odd_repeated.txt", "a county plan followed by four copies of the national plan (0.4 MB)",
         _repeated("odd_repeated.txt", 400_000, head=plan("巨县").encode()), LOADED, "",
         known_miss="the copies' boxes (专栏1 … again and again) get the same IRIs in one section, so their evidence "
                    "has several spans and SHACL refuses the graph; the violations grow as the square of the "
                    "copies (19 MB of this: over 10 minutes and 14 GB, killed)"),
    # -- duplicates ----------------------------------------------------------------------
    Case("duplicate", "bad_dup_national.txt", "the national plan again under another file name",
         _copy_of(NATIONAL, "bad_dup_national.txt"), REFUSED,
         rf"^bad_dup_national\.txt: it is the same text as {NATIONAL}\.txt; it was left out$"),
    Case("duplicate_other_slug", "bad_dup_hainan.txt", "the Hainan plan again, with a sidecar giving another slug",
         _copy_of(HAINAN, "bad_dup_hainan.txt", sidecar="slug: hainan-plan-copy\n"), REFUSED,
         rf"it is the same text as {HAINAN}\.txt; it was left out"),
    Case("duplicate_gb18030", "bad_dup_weihai_gbk.txt", "the Weihai plan re-saved as GB18030 under another name",
         _copy_of(WEIHAI, "bad_dup_weihai_gbk.txt", encoding="gb18030"), REFUSED,
         rf"it is the same text as {WEIHAI}\.txt; it was left out"),
    Case("slug_clash", "bad_slug_clash.txt", "another plan whose sidecar takes the Weihai plan's slug",
         _with_sidecar("bad_slug_clash.txt", plan("辰县"), b"slug: weihai-14th-minzheng-plan\n"), REFUSED,
         rf"its slug 'weihai-14th-minzheng-plan' is already used by {WEIHAI}\.txt; it was left out"),
    # -- sidecars ------------------------------------------------------------------------
    Case("sidecar_bad_yaml", "bad_sidecar_yaml.txt", "a sidecar that is not valid YAML",
         _with_sidecar("bad_sidecar_yaml.txt", plan("巳县"), b"slug: [unclosed\nlevel: county\n"), REFUSED,
         r"its sidecar bad_sidecar_yaml\.meta\.yaml is not valid YAML"),
    Case("sidecar_unknown_keys", "bad_sidecar_keys.txt", "a sidecar with a misspelt key",
         _with_sidecar("bad_sidecar_keys.txt", plan("午县"), b"slug: wu-county\njurisdiciton: x\n"), REFUSED,
         r"has unknown keys \['jurisdiciton'\]; known keys are \["),
    Case("sidecar_bad_level", "bad_sidecar_level.txt", "a sidecar with a level the ontology does not have",
         _with_sidecar("bad_sidecar_level.txt", plan("酉县"), b"slug: you-county\nlevel: city\n"), REFUSED,
         r"its sidecar bad_sidecar_level\.meta\.yaml says level: city, which is none of national, provincial, "
         r"municipal, county"),
    Case("sidecar_not_mapping", "bad_sidecar_list.txt", "a sidecar holding a list",
         _with_sidecar("bad_sidecar_list.txt", plan("未县"), b"- slug\n- level\n"), REFUSED,
         r"its sidecar bad_sidecar_list\.meta\.yaml must be a mapping of keys to values"),
    Case("sidecar_gbk", "bad_sidecar_gbk.txt", "a sidecar saved as GBK",
         _with_sidecar("bad_sidecar_gbk.txt", plan("申县"), "jurisdiction: 申县\n".encode("gbk")), REFUSED,
         r"its sidecar bad_sidecar_gbk\.meta\.yaml is not valid YAML: 'utf-8' codec can't decode"),
    Case("sidecar_orphan", "zz_orphan.meta.yaml", "a sidecar whose .txt is missing",
         _orphan_sidecar("zz_orphan.meta.yaml"), WARNED,
         r"^zz_orphan\.meta\.yaml: a sidecar with no document zz_orphan\{\.txt,.*\} beside it "
         r"\(was the text renamed or deleted\?\)"),
    # -- not a regular file --------------------------------------------------------------
    Case("directory", "bad_folder.txt", "a folder named .txt", _directory("bad_folder.txt"), REFUSED,
         r"^bad_folder\.txt: it is a folder, not a file"),
    Case("dangling_symlink", "bad_dangling.txt", "a link to a file that does not exist",
         _symlink("bad_dangling.txt", "nowhere/plan.txt"), REFUSED,
         r"^bad_dangling\.txt: it is a link to nowhere/plan\.txt, which does not exist$"),
    Case("symlink_loop", "bad_loop.txt", "two links pointing at each other", _loop("bad_loop.txt"), REFUSED,
         r"^bad_loop\.txt: the file cannot be opened: Too many levels of symbolic links \(a symbolic link loop\?\)$"),
    Case("fifo", "bad_fifo.txt", "a named pipe (reading it would block for ever)", _fifo("bad_fifo.txt"), REFUSED,
         r"^bad_fifo\.txt: it is not a regular file \(a pipe, socket or device\)"),
    Case("unreadable", "bad_unreadable.txt", "a plan nobody may read (mode 000)", _unreadable("bad_unreadable.txt"),
         REFUSED, r"^bad_unreadable\.txt: the file cannot be read: Permission denied$", alone=True),
    Case("markup_name", "[draft] 草稿.txt", "an empty file whose name looks like console markup",
         _bytes("[draft] 草稿.txt", b""), REFUSED, r"^\[draft\] 草稿\.txt: the file is empty$"),
    # -- other formats (tests/test_formats.py builds good ones) ----------------------------------
    Case("pdf_broken", "bad_broken.pdf", "a PDF cut off after its first object", _bytes("bad_broken.pdf", broken_pdf),
         REFUSED, r"^bad_broken\.pdf: the PDF is damaged and cannot be opened \(Data format error\); download it"),
    Case("pdf_encrypted", "bad_encrypted.pdf", "a PDF that needs a password to open",
         _bytes("bad_encrypted.pdf", encrypted_pdf), REFUSED,
         r"^bad_encrypted\.pdf: encrypted PDF: it cannot be opened without its password"),
    Case("pdf_image_only", "bad_scan.pdf", "a scanned page: an image and a rectangle, no text layer",
         _bytes("bad_scan.pdf", image_only_pdf), REFUSED,
         r"^bad_scan\.pdf: image-only PDF: no text layer; run OCR first"),
    Case("docx_not_word", "bad_notes.docx", "a ZIP of two text files named .docx",
         _bytes("bad_notes.docx", zip_not_docx), REFUSED,
         r"^bad_notes\.docx: the file is a ZIP archive of 2 file\(s\) \(notes\.txt, readme\.txt\), not a Word document$"),
    Case("html_no_text", "bad_portal.html", "a web page of menus and links only",
         _bytes("bad_portal.html", html_without_text), REFUSED, r"^bad_portal\.html: the web page has no main text"),
]


def copy_corpus(source: Path, target: Path) -> Path:
    """The bundled corpus copied into ``target`` (writable, unlike the read-only originals)."""
    shutil.copytree(source, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target
