"""Plans of any period: 十三五, 十四五 and 十五五 read from titles and front text, set on every plan, their
indicator tables read whatever the years, and a plan linked to the plan of the period before (``succeeds``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from policykg.loaders.iris import PKG
from policykg.loaders.period import PlanPeriod, find_periods, plan_field, read_period, successions
from policykg.loaders.tables import find_indicator_tables

from .conftest import CORPUS, ROOT, dataset_in_service
from .test_tables import lines_of

REALWORLD = ROOT.parent / "shared" / "realworld"
FOURTEENTH, THIRTEENTH, FIFTEENTH = (2021, 2025), (2016, 2020), (2026, 2030)


def years(found) -> tuple[int, int] | None:
    return None if found is None else (found.start, found.end)


# ------------------------------------------------------------------ reading a period

@pytest.mark.parametrize("title, expected", [
    # real titles of the corpus and of other plans (13th, 14th, 15th; quoted, bare, traditional)
    ("海南省“十四五”民政事业发展规划", FOURTEENTH),
    ("威海市民政事业十四五发展规划", FOURTEENTH),
    ("“十四五”民政事业发展规划", FOURTEENTH),
    ("浙江省儿童福利事业发展十四五规划", FOURTEENTH),
    ("楚雄市民政事业发展“十四五”规划(2021年—2025年)", FOURTEENTH),
    ("海南省“十三五”民政事业发展规划", THIRTEENTH),
    ("民政事业发展第十三个五年规划", THIRTEENTH),
    ("北京市民政事业发展“十五五”规划", FIFTEENTH),
    ("某县民政事業發展“十五五”規劃", FIFTEENTH),
    ("上海市民政事业发展第十五个五年规划", FIFTEENTH),
    ("江苏省“十五五”养老服务体系建设规划(2026—2030年)", FIFTEENTH),
    ("某市民政事业发展规划(2026-2030年)", FIFTEENTH),
    ("某市养老服务发展规划（2026～2030年）", FIFTEENTH),
    ("某市民政事业发展规划2016—2020", THIRTEENTH),
    ("浙江省儿童发展规划(2021-2030年)", (2021, 2030)),  # a ten-year plan: the years win over nothing
    ("某县儿童发展规划（2021—2030年）", (2021, 2030)),
    # titles of other periods as published (found with the stored-pages search)
    ("浙江省民政事业发展十三五规划", THIRTEENTH),
    ("湖南省“十三五”民政事业发展规划", THIRTEENTH),
    ("民政事業發展第十二個五年規劃", (2011, 2015)),
    ("社会养老服务体系建设规划(2011-2015年)", (2011, 2015)),
    ("“十五五”民政事业发展规划", FIFTEENTH),
    ("蚌埠市“十四五”民政事业发展规划", FOURTEENTH),
])
def test_a_title_names_its_period(title: str, expected: tuple[int, int]) -> None:
    assert years(read_period(title, "")) == expected


@pytest.mark.parametrize("title", ["以民政改革创新服务自贸港建设", "二十五项民生实事", "养老服务十五年回顾",
                                   "江西省贯彻落实《国民经济和社会发展第十四个五年规划和2035年远景目标纲要》实施方案"])
def test_no_period_is_read_where_the_plan_names_none(title: str) -> None:
    assert read_period(title, "") is None


def test_a_title_span_points_into_the_text() -> None:
    text = "前言\n海南省“十三五”民政事业发展规划\n第一章 发展基础"
    start = text.index("海南")
    found = read_period("海南省“十三五”民政事业发展规划", text, start, len(text))
    assert years(found) == THIRTEENTH and text[found.span.start:found.span.end] == "十三五"


def test_the_title_wins_over_the_text() -> None:
    text = "“十三五”时期，我省民政事业取得显著成效。规划期为2021—2025年。"
    assert years(read_period("某省“十五五”民政事业发展规划", text)) == FIFTEENTH


def test_the_text_gives_the_period_when_the_title_does_not() -> None:
    text = ("称: 楚雄市民政事业发展“十四五”规划(2021年—2025年)\n发表时间:2023-10-26\n前言\n"
            "“十三五”以来……")
    found = read_period("号: cxs001-/2023-1026012 信息分类: 专项规划", text)
    assert years(found) == FOURTEENTH
    assert text[found.span.start:found.span.end].startswith("2021")


def test_a_cited_vision_and_a_review_of_the_last_period_are_not_the_plans_period() -> None:
    text = ("根据《某省国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》《某省“十三五”民政事业发展规划》"
            "编制本规划。“十三五”时期成绩显著。\n本规划期限为2026—2030年，远景展望到2035年。\n第一章 发展基础")
    found = read_period("某省民政事业发展规划", text)
    assert years(found) == FIFTEENTH
    assert "2026" in text[found.span.start:found.span.end]


def test_a_notice_first_thirteenth_plan_is_read_from_its_title_line() -> None:
    """The layout of a province's 十三五 plan page: notice, signature, title line, preamble citing the
    national plan and the provincial 十三五 outline, then its 规划期 sentence."""
    text = ("省发展改革委 省民政厅关于印发浙江省民政事业发展“十三五”规划的通知\n各市、县(市、区)人民政府:\n"
            "现印发给你们,请认真组织实施。\n2016年7月26日\n浙江省民政事业发展十三五规划\n"
            "根据《民政事业发展第十三个五年规划》和《浙江省国民经济和社会发展第十三个五年规划纲要》,"
            "制定本规划。规划期为2016—2020年。\n一、规划背景\n“十二五”时期……")
    found = read_period("省发展改革委 省民政厅", text)
    assert years(found) == THIRTEENTH and text[found.span.start:found.span.end] == "十三五"
    assert text.rfind("\n", 0, found.span.start) == text.index("\n浙江省民政事业发展十三五规划")


def test_a_twelfth_plan_with_a_chinese_numeral_date_and_a_cited_outline() -> None:
    text = ("关于印发《民政事業發展第十二個五年規劃》的通知\n為貫徹落實《中華人民共和國國民經濟和社會發展第十三個五年"
            "規劃綱要》,特制定本規劃。\n二○一一年十二月二十日\n第一章 開創民政事業科學發展新局面")
    # neither the notice's title line nor the cited 十三五 outline is the plan's own title or 规划期 sentence
    assert read_period("", text) is None
    assert years(read_period("民政事業發展第十二個五年規劃", text)) == (2011, 2015)


def test_a_cited_title_alone_gives_no_period() -> None:
    text = "依据《某省国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》，制定本方案。\n一、总体要求"
    assert read_period("某省社区服务方案", text) is None


def test_traditional_front_text_is_read() -> None:
    text = "某縣民政事業發展規劃（2026—2030年）\n前言"
    assert years(read_period("通知", text)) == FIFTEENTH
    assert years(read_period("通知", "前言\n本規劃期限為2026—2030年。")) == FIFTEENTH


def test_every_written_period_is_found_in_order() -> None:
    found = find_periods("“十三五”回顾与“十四五”(2021-2025年)展望")
    assert [years(p) for p in found] == [THIRTEENTH, FOURTEENTH, FOURTEENTH]


def test_the_lexicon_anchors_the_ordinals() -> None:
    """十一五 … 十七五 all follow from one anchor year: data, not an if-chain."""
    assert years(read_period("“十一五”规划", "")) == (2006, 2010)
    assert years(read_period("“十六五”规划", "")) == (2031, 2035)


# ------------------------------------------------------------------ real beginnings and the corpus

@pytest.mark.parametrize("prefix", ["000", "001", "002", "004"])
def test_every_corpus_plan_reads_the_fourteenth_period(parsed, prefix: str) -> None:
    metadata = parsed[prefix].metadata
    assert (metadata.period_start, metadata.period_end) == FOURTEENTH
    span = metadata.period_span
    assert parsed[prefix].text.text[span.start:span.end] == "十四五"


def test_the_article_has_no_period(parsed) -> None:
    assert parsed["003"].metadata.period_start is None


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="../shared/realworld is not beside the project")
@pytest.mark.parametrize("path", sorted(REALWORLD.glob("*.txt")) if REALWORLD.is_dir() else [],
                         ids=lambda p: p.stem)
def test_every_real_beginning_reads_its_period(path: Path) -> None:
    """All eight are 十四五 plans (README there); 06's title is misread, its period comes from the text."""
    from policykg.loaders.pipeline import parse_document

    metadata = parse_document(path, content=False).metadata
    assert (metadata.period_start, metadata.period_end) == FOURTEENTH


def test_every_corpus_plan_has_its_period_in_the_built_graph(built) -> None:
    dataset = dataset_in_service(built[1])
    plans = {s for s in dataset.subjects(PKG.loaded, Literal(True)) if (s, None, PKG.Plan) in dataset}
    assert len(plans) == 4
    for plan in plans:
        assert dataset.value(plan, PKG.periodStart) == Literal("2021", datatype=XSD.gYear)
        assert dataset.value(plan, PKG.periodEnd) == Literal("2025", datatype=XSD.gYear)


def test_cypher_and_rest_see_the_period(client) -> None:
    plans = client.get("/api/plans", params={"limit": 100}).json()["items"]
    loaded = [p for p in plans if p["in_corpus"] and p["type"] == "Plan"]
    assert loaded and all((p["period_start"], p["period_end"]) == FOURTEENTH for p in loaded)
    answer = client.post("/cypher", json={"statement": "MATCH (p:Plan) WHERE p.period_start = '2021' "
                                                        "RETURN count(p) AS n"}).json()
    assert answer["data"]["values"] == [[len(loaded)]]
    detail = client.get(f"/api/plans/{loaded[0]['id']}").json()
    assert detail["period_end"] == 2025 and detail["succeeds"] == [] and detail["succeeded_by"] == []


# ------------------------------------------------------------------ indicator tables of any period

def per_line_table(title: str, header: list[str], rows: list[list[str]]) -> str:
    """A table flattened one cell per line with blank lines between, as in the corpus (002, 000)."""
    cells = [title, *header, *(cell for row in rows for cell in row)]
    return "\n\n".join(cells) + "\n\n第二章 主要任务\n"


def test_a_thirteenth_period_target_table() -> None:
    text = per_line_table("“十三五”时期民政事业主要发展指标", ["序号", "指标", "单位", "2015年基数", "2020年目标值", "属性"],
                          [["1", "每千名老年人口养老床位数", "张", "30", "35-40", "约束性"],
                           ["2", "城市社区综合服务设施覆盖率", "%", "82", "100", "预期性"]])
    (match,) = find_indicator_tables(lines_of(text))
    table = match.table
    assert table.kind == "target" and [r.name for r in table.rows] == ["每千名老年人口养老床位数", "城市社区综合服务设施覆盖率"]
    second = table.rows[1]
    assert (second.baseline.text, second.baseline.year) == ("82", 2015)
    assert (second.target.number, second.target.year, second.attribute) == (100, 2020, "预期性")


def test_a_fifteenth_period_target_table() -> None:
    text = per_line_table("“十五五”时期民政事业主要发展指标", ["序号", "指标", "单位", "2025年基数", "2030年目标值", "属性"],
                          [["1", "养老机构护理型床位占比", "%", "60", "≥70", "约束性"],
                           ["2", "县级未成年人保护工作站覆盖率", "%", "85", "100", "预期性"]])
    (match,) = find_indicator_tables(lines_of(text))
    first = match.table.rows[0]
    assert match.table.kind == "target"
    assert (first.baseline.number, first.baseline.year) == (60, 2025)
    assert (first.target.text, first.target.number, first.target.comparator, first.target.year) == ("≥70", 70, ">=", 2030)


def test_a_fifteenth_plan_reviews_the_fourteenth_period() -> None:
    text = per_line_table("“十四五”时期主要指标完成情况",
                          ["序号", "指标", "单位", "2020年", "2025年目标值", "2025年实际值", "完成情况"],
                          [["1", "社区综合服务设施覆盖率", "%", "90", "100", "100", "完成"],
                           ["2", "持证社会工作者数量", "万人", "66", "200", "180", "未完成"]])
    (match,) = find_indicator_tables(lines_of(text))
    table = match.table
    assert table.kind == "completion"
    second = table.rows[1]
    assert (second.baseline.year, second.target.year, second.actual.year) == (2020, 2025, 2025)
    assert (second.actual.number, second.status, second.unit) == (180, "未完成", "万人")


def test_a_thirteenth_plan_reviews_the_twelfth_period() -> None:
    text = per_line_table("“十二五”时期主要指标完成情况",
                          ["序号", "指标", "单位", "2010年", "2015年目标值", "2015年实际值", "完成情况"],
                          [["1", "每千名老年人口养老床位数", "张", "17.7", "30", "30.3", "完成"]])
    (match,) = find_indicator_tables(lines_of(text))
    row = match.table.rows[0]
    assert (row.baseline.year, row.target.year, row.actual.year, row.actual.number) == (2010, 2015, 2015, 30.3)


# ------------------------------------------------------------------ succeeds

def test_successions_need_the_same_place_field_and_adjacent_periods() -> None:
    area, other = "https://w3id.org/policykg/id/area/海南省", "https://w3id.org/policykg/id/area/山东省"
    field = plan_field("海南省“十三五”民政事业发展规划", "海南省")
    assert field == plan_field("海南省“十四五”民政事业发展规划", "海南省") == "民政事业发展规划"
    plans = [PlanPeriod("p13", area, field, 2016, 2020), PlanPeriod("p14", area, field, 2021, 2025),
             PlanPeriod("p15", area, field, 2026, 2030), PlanPeriod("sd14", other, field, 2021, 2025),
             PlanPeriod("old14", area, "养老服务体系建设规划", 2021, 2025),
             PlanPeriod("kids", area, field, 2021, 2030), PlanPeriod("nowhere", None, field, 2021, 2025)]
    assert successions(plans) == [("p14", "p13"), ("p15", "p14")]


def small_plan(place: str, ordinal: str, years: str, parent: str) -> str:
    """A short plan of ``place`` for one period: title, 规划期 sentence, two chapters and a target table."""
    return f"""{place}“{ordinal}”民政事业发展规划

为推进{place}民政事业高质量发展，根据有关规定，制定本规划。规划期为{years}年。

第一章 发展基础

{place}民政事业取得新进展，基本民生保障更加有力，养老服务体系不断完善。

第二章 主要任务

第一节 加强社会救助

健全分层分类的社会救助体系，实施困难群众帮扶工程，保障困难群众基本生活。

第二节 发展养老服务

推进居家社区养老服务，实施特殊困难老年人家庭适老化改造工程。
"""


def write_plan(folder: Path, slug: str, text: str, place: str, parent: str) -> None:
    (folder / f"{slug}.txt").write_text(text, encoding="utf-8")
    (folder / f"{slug}.meta.yaml").write_text(
        f"slug: {slug}\nlevel: provincial\njurisdiction: {place}\njurisdiction_parent: {parent}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def successive(tmp_path_factory):
    """A corpus of three generated plans: 海南省 十三五 and 十四五 (successive), 山东省 十四五 (another place)."""
    from policykg.build import build

    corpus = tmp_path_factory.mktemp("successive")
    write_plan(corpus, "hainan-13th", small_plan("海南省", "十三五", "2016—2020", "全国"), "海南省", "全国")
    write_plan(corpus, "hainan-14th", small_plan("海南省", "十四五", "2021—2025", "全国"), "海南省", "全国")
    write_plan(corpus, "shandong-14th", small_plan("山东省", "十四五", "2021—2025", "全国"), "山东省", "全国")
    data_dir = tmp_path_factory.mktemp("successive-data")
    report = build(corpus, data_dir)
    assert not report.failed, [d.error for d in report.failed]
    return data_dir


def test_a_plan_succeeds_the_plan_of_the_period_before(successive) -> None:
    dataset = dataset_in_service(successive)
    plan = "https://w3id.org/policykg/id/plan/"
    assert set(dataset.subject_objects(PKG.succeeds)) == {(URIRef(plan + "hainan-14th"), URIRef(plan + "hainan-13th"))}
    assert dataset.value(URIRef(plan + "hainan-13th"), PKG.periodEnd) == Literal("2020", datatype=XSD.gYear)


def test_succeeds_is_a_relationship_in_cypher_and_in_the_plan_detail(successive) -> None:
    from fastapi.testclient import TestClient

    from policykg.api.settings import Settings
    from policykg.app import create_app

    settings = Settings(data_dir=successive, query_timeout_s=5.0, row_limit=1000, sparql_workers=1, rate_limit=0)
    with TestClient(create_app(settings)) as client:
        answer = client.post("/cypher", json={"statement": "MATCH (a:Plan)-[:SUCCEEDS]->(b:Plan) "
                                                            "RETURN a.identifier, b.identifier, b.period_end"}).json()
        assert answer["data"]["values"] == [["hainan-14th", "hainan-13th", "2020"]]
        later = client.get("/api/plans/plan/hainan-14th").json()
        earlier = client.get("/api/plans/plan/hainan-13th").json()
    assert [p["id"] for p in later["succeeds"]] == ["plan/hainan-13th"] and later["succeeded_by"] == []
    assert [p["id"] for p in earlier["succeeded_by"]] == ["plan/hainan-14th"]
    assert (earlier["period_start"], earlier["period_end"]) == THIRTEENTH
