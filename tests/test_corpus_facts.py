"""The parser finds what a careful reader finds in each bundled document.

The expectations in ``tests/expected/NNN.yaml`` were written by reading the
source texts (see ``tests/expected/README.md`` for every judgement call), not by
printing what the code produces.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

EXPECTED = Path(__file__).resolve().parent / "expected"
DOCS = ["000", "001", "002", "003", "004"]


def expected(doc: str) -> dict:
    return yaml.safe_load((EXPECTED / f"{doc}.yaml").read_text(encoding="utf-8"))


def numbered_chapters(document):
    return [c for c in document.chapters if c.level == 1]


def sections(document):
    return [(s, c) for c in numbered_chapters(document) for s in c.children if s.level == 2]


def boxes(document):
    return [(b, s) for c in numbered_chapters(document) for s in [c, *c.children] for b in s.boxes]


def tables(document):
    found = list(document.preamble_tables)
    for chapter in document.chapters:
        for division in [chapter, *chapter.children, *(g for s in chapter.children for g in s.children)]:
            found += division.tables
    return found


def rows(document, kind: str):
    return [row for table in tables(document) if table.kind == kind for row in table.rows]


@pytest.mark.parametrize("doc", DOCS)
def test_metadata(parsed, doc):
    want, meta = expected(doc), parsed[doc].metadata
    assert meta.title == want["title"]
    assert meta.kind == want["kind"]
    assert (meta.level, meta.jurisdiction) == (want["level"], want["jurisdiction"])
    assert [name for name, _ in meta.issuers] == want.get("issuers", [])
    assert meta.date == want.get("date")
    assert [title for title, _ in meta.based_on] == want.get("based_on", [])


@pytest.mark.parametrize("doc", DOCS)
def test_counts(parsed, doc):
    want, document = expected(doc)["counts"], parsed[doc]
    found = {
        "chapters": len(numbered_chapters(document)),
        "sections": len(sections(document)),
        "boxes": len(boxes(document)),
        "box_items": {b.number: len(b.items) for b, _ in boxes(document)},
        "target_rows": len(rows(document, "target")),
        "completion_rows": len(rows(document, "completion")),
        "glossary_terms": len(document.glossary),
    }
    assert found == {key: want.get(key, {} if key == "box_items" else 0) for key in found}


@pytest.mark.parametrize("doc", DOCS)
def test_chapters_and_the_chapter_of_each_section(parsed, doc):
    want, document = expected(doc), parsed[doc]
    assert [c.title for c in numbered_chapters(document)] == want.get("chapters", [])
    found = {(s.title, c.title) for s, c in sections(document)}
    for section in want.get("sections", []):
        assert (section["title"], section["chapter"]) in found


@pytest.mark.parametrize("doc", DOCS)
def test_boxes_their_section_and_items(parsed, doc):
    found = {b.number: (b, s) for b, s in boxes(parsed[doc])}
    for box in expected(doc).get("boxes", []):
        parsed_box, section = found[box["number"]]
        assert parsed_box.title == box["title"]
        assert section.title == box["section"]
        assert [item.title for item in parsed_box.items] == box.get("items", [])


@pytest.mark.parametrize("doc", DOCS)
def test_every_indicator_row(parsed, doc):
    """Name, unit, values as written, years, attribute, status and domain of each row."""
    want = expected(doc).get("indicators", [])
    found = rows(parsed[doc], "completion") + rows(parsed[doc], "target")
    ordered = sorted(want, key=lambda r: r["table"] != "completion")
    assert len(found) == len(ordered)
    for row, expect in zip(found, ordered):
        _check_row(row, expect)


def _check_row(row, expect: dict) -> None:
    where = expect["name"]
    assert expect["name"] in (row.name, f"{row.name}({row.unit})"), (row.name, where)
    if "unit" in expect:
        if expect["unit"] == "-":
            # a dash in the unit cell means "no unit": kept out of the unit, said in a note
            assert row.unit is None and any("'-'" in note for note in row.notes), where
        elif expect["unit"] is None:
            # the unit cell is missing: no unit, or one taken from the name's brackets and said so
            assert row.unit is None or (f"({row.unit})" in expect["name"] and row.notes), where
        else:
            assert row.unit == expect["unit"], where
    for role in ("baseline", "target", "actual"):
        if role not in expect:
            continue
        value = getattr(row, role)
        assert (value.text if value and value.text not in ("", None) else None) == expect[role], (where, role)
        year = expect.get(f"{role}_year")
        if year and value is not None:
            assert value.year == year, (where, role)
    for key in ("attribute", "status", "domain"):
        if key in expect:
            assert getattr(row, key) == expect[key], (where, key)


@pytest.mark.parametrize("doc", DOCS)
def test_glossary_terms(parsed, doc):
    assert [entry.term for entry in parsed[doc].glossary] == expected(doc).get("glossary", [])


def test_missing_and_run_together_cells_are_never_read_silently(parsed):
    """Each row whose cells had to be interpreted carries a note saying how."""
    hainan = {row.name: row for row in rows(parsed["000"], "target")}
    assert hainan["福利彩票销售网点数"].notes
    shaoyang = {row.name: row for row in rows(parsed["001"], "target")}
    (beds,) = [row for name, row in shaoyang.items() if name.startswith("养老机构护理型床位占比")]
    assert any("38.655" in note for note in beds.notes)
    national = {row.name: row for row in rows(parsed["002"], "target")}
    assert national["县级公益性安葬(放)设施覆盖率"].attribute == "约束"
    assert national["县级公益性安葬(放)设施覆盖率"].notes
