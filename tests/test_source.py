"""Bad input gets a clear message naming the file and the problem; odd encodings are decoded."""

from __future__ import annotations

import pytest

from policykg.loaders.source import DocumentError, list_documents, read_document

PLAN = "某县“十四五”民政事业发展规划\n一、规划背景\n(一)发展回顾\n正文。\n"


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\n\t \n", "white space"),
        ("binary.txt", bytes(range(256)) * 8, "binary"),
        ("latin.txt", b"just some English words\n", "no Chinese text"),
        ("broken.txt", "规划".encode("utf-8")[:-1] + b"\xff\xfe\x00abc", "binary"),
        # documents of another format named .txt: say which suffix is read
        ("report.txt", b"%PDF-1.7\n" + bytes(64), "a PDF document: name it .pdf and its text layer is read"),
        ("word.txt", b"PK\x03\x04" + bytes(64), "name a Word document .docx"),
        ("old.txt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "open it and save it as .docx"),
    ],
)
def test_unloadable_files_are_refused_with_a_clear_message(tmp_path, name, data, problem):
    path = _write(tmp_path, name, data)
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    assert str(caught.value).startswith(f"{name}: ")
    assert problem in str(caught.value)


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKG_MAX_DOC_BYTES", str(1024 * 1024))
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # a sparse 50 MB file
    with pytest.raises(DocumentError, match=r"huge.txt: the file is 52.4 MB, over the 1 MB limit"):
        read_document(path)


def test_gbk_and_utf8_bom_and_utf16_files_are_decoded(tmp_path):
    for name, data, encoding in [
        ("gbk.txt", PLAN.encode("gbk"), "gb18030"),
        ("bom.txt", PLAN.encode("utf-8-sig"), "utf-8"),
        ("utf16.txt", PLAN.encode("utf-16"), "utf-16"),
    ]:
        document = read_document(_write(tmp_path, name, data))
        assert document.raw == PLAN
        assert document.encoding == encoding


def test_sidecar_metadata_is_read_and_checked(tmp_path):
    path = _write(tmp_path, "plan.txt", PLAN.encode())
    (tmp_path / "plan.meta.yaml").write_text("slug: some-county\nlevel: county\n", encoding="utf-8")
    assert read_document(path).meta == {"slug": "some-county", "level": "county"}

    (tmp_path / "plan.meta.yaml").write_text("slug: x\nlevel: city\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="says level: city, which is none of national, provincial"):
        read_document(path)  # once dropped without a word: the plan had no level at all

    (tmp_path / "plan.meta.yaml").write_text("slug: x\ncolour: blue\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="unknown keys \\['colour'\\]"):
        read_document(path)

    (tmp_path / "plan.meta.yaml").write_text("slug: [unclosed\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="plan.txt: its sidecar plan.meta.yaml is not valid YAML"):
        read_document(path)


def test_documents_are_listed_in_name_order_and_sidecars_are_not_documents(tmp_path):
    for name in ("b.txt", "a.txt", "a.meta.yaml", "notes.md", "c.pdf", "old.doc"):
        _write(tmp_path, name, PLAN.encode())
    assert [p.name for p in list_documents(tmp_path)] == ["a.txt", "b.txt", "c.pdf"]
    with pytest.raises(FileNotFoundError, match="corpus folder not found"):
        list_documents(tmp_path / "missing")


def test_utf8_cut_inside_its_last_character_is_read_without_it(tmp_path):
    data = PLAN.encode() + "规划".encode()[:-1]
    document = read_document(_write(tmp_path, "cut.txt", data))
    assert document.raw == PLAN + "规"
    assert document.encoding == "utf-8 (truncated)"


def test_utf8_with_a_corrupt_byte_is_refused_not_read_as_gbk(tmp_path):
    data = (PLAN * 20).encode()
    boundary = len(PLAN.splitlines()[0].encode()) + 1  # just after the first newline
    data = data[:boundary] + b"\xff" + data[boundary:]
    with pytest.raises(DocumentError, match="corrupt.txt: the file is UTF-8 with 1 corrupt byte sequence"):
        read_document(_write(tmp_path, "corrupt.txt", data))


def test_a_text_document_has_no_pages_and_no_provenance(tmp_path):
    document = read_document(_write(tmp_path, "plan.txt", PLAN.encode()))
    assert (document.format, document.page_starts, document.provenance) == ("text", (), {})
    assert document.page_at(0) is None


def test_a_sidecar_goes_with_a_document_of_any_format(tmp_path):
    """NAME.meta.yaml goes with NAME.pdf as with NAME.txt: the sidecar is not an orphan."""
    from policykg.loaders.source import orphan_sidecars

    _write(tmp_path, "plan.pdf", b"%PDF-1.7\n" + bytes(64))
    (tmp_path / "plan.meta.yaml").write_text("slug: some-county\n", encoding="utf-8")
    assert orphan_sidecars(tmp_path) == []
    with pytest.raises(DocumentError, match="plan.pdf: the PDF is damaged"):
        read_document(tmp_path / "plan.pdf")
