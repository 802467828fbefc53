"""Front matter of real plan beginnings: title, kind, issuers, dates, level, jurisdiction, based-on.

The expected values (tests/expected/realworld-metadata.yaml) were written by reading
42 real beginnings: the 8 of ../shared/realworld and 34 found with the stored-pages
search (tests/realworld/).  The floors below are the reader's measured rates, so a
change that breaks a layout fails here; bench/metadata_score.py prints the table.
The unit cases pin each rule on a line of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg.loaders.lines import text_lines
from policykg.loaders.metadata import extract_metadata
from policykg.loaders.model import SourceDocument
from policykg.loaders.normalise import normalise
from policykg.loaders.places import leading_place

from bench import metadata_score

ROOT = Path(__file__).resolve().parent.parent

# field → the share of documents it must be right for (measured 2026-12-05: 95-98% on every field)
FLOORS = {"kind": 0.95, "title": 0.94, "issuers": 0.94, "date": 0.94, "level": 0.94,
          "jurisdiction": 0.95, "period": 0.95, "based_on": 0.95, "page_date": 0.94, "document_number": 0.95}


@pytest.fixture(scope="module")
def verdicts() -> list[metadata_score.Verdict]:
    entries = metadata_score.load_expected()
    found = [e for e in entries if metadata_score.source_path(e).exists()]
    if len(found) < len(entries):
        pytest.skip("../shared/realworld is not beside the project")
    return metadata_score.score(entries)


def test_the_set_spans_layouts_and_levels() -> None:
    entries = metadata_score.load_expected()
    assert len(entries) >= 30
    assert {"national", "provincial", "municipal", "county"} <= {e["level"] for e in entries}
    layouts = {tag for e in entries for tag in e["layout"]}
    assert {"notice-first", "title-first", "fanti", "open-gov-block", "encyclopedia"} <= layouts


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_each_field_is_right_for_nearly_every_page(verdicts, field: str) -> None:
    mine = [v for v in verdicts if v.field == field]
    wrong = [f"{v.file}: expected {v.expected!r}, read {v.read!r}" for v in mine if not v.right]
    assert (len(mine) - len(wrong)) / len(mine) >= FLOORS[field], "\n".join(wrong)


def test_no_titled_plan_is_read_as_an_article(verdicts) -> None:
    titled = {v.file for v in verdicts if v.field == "title" and v.expected is not None}
    wrong = [v.file for v in verdicts if v.field == "kind" and v.expected == "plan" and v.read != "plan"
             and v.file in titled]
    assert not wrong


def _metadata(raw: str):
    text = normalise(raw)
    lines = text_lines(text)
    source = SourceDocument(path=Path("x.txt"), doc_id="x", raw=raw, encoding="utf-8")
    return extract_metadata(source, lines, len(lines), has_structure=False)


@pytest.mark.parametrize(("title", "level", "area"), [
    ("杭州市“十四五”民政事业发展规划", "municipal", "杭州市"),  # not cut at 州
    ("楚雄市民政事业发展“十四五”规划", "county", "楚雄市"),  # a county-level city
    ("红河州“十四五”民政事业发展规划", "municipal", "红河哈尼族彝族自治州"),  # short form
    ("长春市九台区儿童发展规划(2021-2030年)", "county", "九台区"),  # the most specific place
    ("重庆市民政事业发展“十四五”规划", "provincial", "重庆市"),  # a province-level city
    ("阿拉善盟“十四五”残疾人事业发展规划", "municipal", "阿拉善盟"),
    ("鄂伦春自治旗儿童发展规划", "county", "鄂伦春自治旗"),
])
def test_places_come_from_the_gazetteer(title: str, level: str, area: str) -> None:
    place = leading_place(title)
    assert place is not None and (place.level, place.area.name) == (level, area)


def test_a_title_without_a_place_names_none() -> None:
    assert leading_place("“十四五”城乡社区服务体系建设规划") is None
    assert leading_place("城乡社区服务体系建设规划") is None


def test_labelled_fields_give_issuer_and_issue_date_and_the_page_date_stays_apart() -> None:
    meta = _metadata("首页 > 政策文件\n发文单位: 某县民政局  成文日期: 2022-03-01  发布日期: 2022-04-15\n"
                     "阳泉市“十四五”养老服务体系规划\n为推进养老服务发展,根据《山西省“十四五”养老服务体系规划》,制定本规划。\n")
    assert meta.issuers[0][0] == "某县民政局"
    assert meta.date == "2022-03-01" and meta.page_date == "2022-04-15"
    assert meta.title == "阳泉市“十四五”养老服务体系规划" and meta.kind == "plan"
    assert [t for t, _ in meta.based_on] == ["山西省“十四五”养老服务体系规划"]


def test_a_repost_date_is_never_the_date_of_issue() -> None:
    meta = _metadata("浙江省民政事业发展“十四五”规划\n发布时间:2021-04-28  浏览次数:12\n一、发展基础\n")
    assert meta.date is None and meta.page_date == "2021-04-28"


@pytest.mark.parametrize(("line", "date"), [
    ("2021年11月25日", "2021-11-25"),
    ("二○一一年十二月二十日", "2011-12-20"),  # in words, with ○ for 〇
    ("2022年623", "2022-06-23"),  # 月/日 lost: only 6-23 is a date
    ("202142", "2021-04-02"),
    ("2022127", None),  # 1-27 or 12-7: not guessed
])
def test_signature_dates(line: str, date: str | None) -> None:
    meta = _metadata(f"某市民政局关于印发某市“十四五”民政事业发展规划的通知\n某市民政局\n{line}\n")
    assert meta.date == date


def test_short_issuer_names_give_way_to_full_ones_and_bare_ones_are_qualified() -> None:
    notice = ("省发展改革委 省民政厅关于印发浙江省民政事业发展“十四五”规划的通知\n各市民政局:\n现将《浙江省民政事业发展“十四五”规划》印发给你们。\n"
              "浙江省发展和改革委员会  浙江省民政厅\n2021年5月6日\n")
    assert [n for n, _ in _metadata(notice).issuers] == ["浙江省发展和改革委员会", "浙江省民政厅"]
    bare = "省民政厅关于印发江苏省“十四五”养老服务发展规划的通知\n各设区市民政局:\n"
    assert [n for n, _ in _metadata(bare).issuers] == ["江苏省民政厅"]


def test_a_notice_names_the_plan_it_issues() -> None:
    meta = _metadata("各县(区)人民政府,市直各单位:\n《阳泉市推进养老服务发展的实施方案》已经市人民政府同意,现印发给你们,请认真遵照执行。\n"
                     "阳泉市人民政府办公室\n2020年7月30日\n")
    assert meta.title == "阳泉市推进养老服务发展的实施方案" and meta.kind == "plan"
    assert (meta.level, meta.jurisdiction) == ("municipal", "阳泉市")


def test_file_names_and_glosses_do_not_reach_the_title() -> None:
    assert _metadata("庆城县十四五残疾人保障和发展规划.docx\n正文\n").title == "庆城县十四五残疾人保障和发展规划"
    meta = _metadata("內蒙古自治區(qū)“十四五”殘疾人事業(yè)發(fā)展規(guī)劃\n為進一步保障和改善殘疾人民生\n")
    assert meta.title == "内蒙古自治区“十四五”残疾人事业发展规划"
    assert (meta.level, meta.jurisdiction) == ("provincial", "内蒙古自治区")


def test_a_paragraph_run_together_is_no_title() -> None:
    run_on = "各区县民政局、财政局:为深入贯彻落实《国家积极应对人口老龄化中长期规划》" * 3 + ",进一步健全完善老年人关爱服务体系,\n"
    assert _metadata(run_on).title == "x"


def test_a_news_report_about_a_plan_is_an_article() -> None:
    meta = _metadata("日前,《保康县民政事业发展“十四五”规划》正式出台。\n规划提出,到2025年……\n")
    assert meta.kind == "article"


def test_page_date_and_document_number_reach_the_graph() -> None:
    from rdflib import Literal, Namespace, XSD

    from policykg.loaders.iris import PKG
    from policykg.loaders.pipeline import parse_document
    from policykg.loaders.rdf import DocumentGraph

    document = parse_document(ROOT / "tests" / "realworld" / "10_lufeng_minzheng.txt", content=False)
    graph = DocumentGraph(document, {}).build()
    eli = Namespace("http://data.europa.eu/eli/ontology#")
    assert set(graph.objects(None, eli.id_local)) == {Literal("禄政通〔2022〕24号")}
    assert set(graph.objects(None, PKG.pageDate)) == {Literal("2022-08-24", datatype=XSD.date)}
    assert Literal("2022-08-24", datatype=XSD.date) in set(graph.objects(None, Namespace("http://purl.org/dc/terms/").issued))


def test_a_place_the_gazetteer_lacks_is_read_before_the_period_marker() -> None:
    meta = _metadata("某某县“十四五”民政事业发展规划\n一、发展基础\n")
    assert (meta.level, meta.jurisdiction) == ("county", "某某县")
    assert (_metadata("城乡社区服务体系建设规划\n").jurisdiction) is None  # 区 of 社区 is no place


@pytest.mark.parametrize(("sentence", "cited"), [
    # no 《》: the first clause's titles, cut at the 和 between two, not inside …规划和二〇三五年…纲要
    ("依据庆阳市“十四五”残疾人保障和发展规划和庆城县国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要,制定本规划。",
     ["庆阳市“十四五”残疾人保障和发展规划", "庆城县国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"]),
    # the issuers before each title are not part of it; 结合工作实际 cites nothing
    ("根据民政部、国家发展改革委“十五五”民政事业发展规划和省民政厅、省发改委省民政事业“十五五”发展规划,结合工作实际,制定本规划。",
     ["“十五五”民政事业发展规划", "省民政事业“十五五”发展规划"]),
    # a list ending in 等有关法律法规; a clause that only consults (参照《…》) is not a basis
    ("依据宪法和未成年人保护法等有关法律法规,参照联合国《儿童权利公约》的宗旨,制定本纲要。",
     ["宪法", "未成年人保护法"]),
    # the opening clause names no document: the later clause with its own 依据 does
    ("为贯彻落实党中央关于残疾人事业的决策部署,推进残疾人事业发展,依据某市残疾人保障规划,制定本规划。",
     ["某市残疾人保障规划"]),
    # words that are no document are not cited
    ("根据工作需要,制定本方案。", []),
])
def test_based_on_without_brackets(sentence: str, cited: list[str]) -> None:
    raw = f"某县“十四五”残疾人保障和发展规划\n{sentence}\n一、发展基础\n"
    meta = _metadata(raw)
    assert [t for t, _ in meta.based_on] == cited
    text = normalise(raw).text  # each title's span is where it stands, 《》 or not
    assert all(title in text[span.start:span.end] for title, span in meta.based_on)


def test_a_document_number_alone_in_brackets_is_the_plans_own_and_one_after_a_title_is_cited() -> None:
    own = _metadata("省政府办公厅关于印发江苏省“十四五”城乡社区服务体系建设规划的通知\n(苏政办发〔2022〕60号)\n各市人民政府:\n")
    assert own.document_number == "苏政办发〔2022〕60号"
    cited = _metadata("某市民政事业发展规划\n根据《“十四五”民政事业发展规划》(民发〔2021〕51号),制定本规划。\n")
    assert cited.document_number is None
    lost = _metadata("庆政发2023)22号庆城县人民政府关于印发庆城县残疾人保障和发展规划的通知\n")
    assert lost.document_number == "庆政发2023)22号"


def test_an_excerpt_cut_at_its_preface_is_a_plan() -> None:
    excerpt = _metadata("序 言\n儿童是国家的未来、民族的希望。\n")
    assert excerpt.kind == "plan" and excerpt.title == "x"  # no title in it: the file's name, not 序 言
    assert _metadata("前言\n“十四五”时期是……\n").kind == "plan"
    assert _metadata("儿童是国家的未来。序言一词……\n").kind == "article"
