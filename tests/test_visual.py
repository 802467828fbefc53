"""The page's server side: styles, the networkx projection, pyvis's vis-network data, folding, the view routes.

The browser side is tested in ``tests/test_page.py``; here everything runs in
process against the session's real build (the ``client`` fixture).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import networkx as nx
import pytest
import yaml

from policykg.visual import projection
from policykg.visual.styles import SHAPES, STATIC, load_styles, parse
from .conftest import corpus_programmes

VISUAL = Path(__file__).resolve().parents[1] / "visual"
LEFT_BEHIND = "group/rural-left-behind-elderly"
PROGRAMME = "plan/hainan-14th-minzheng-plan/programme/乡镇(街道)社工站建设工程"
NATIONAL = "plan/national-14th-minzheng-plan"
BASE = "https://w3id.org/policykg/id/"


def path(entity_id: str) -> str:
    return quote(entity_id, safe="/")


# -- the styles file ------------------------------------------------------------------------------------

def test_every_class_and_relation_of_the_graph_has_a_style_in_both_languages(client):
    styles = load_styles()
    classes = set(client.get("/api/health").json()["nodes_by_type"])
    assert classes <= set(styles.classes), f"no style for {classes - set(styles.classes)}"
    answer = client.post("/cypher", json={"statement": "MATCH ()-[r]->() RETURN DISTINCT label(r) AS t"}).json()
    relations = {row[0] for row in answer["data"]["values"]}
    assert relations <= set(styles.relations), f"no names for {relations - set(styles.relations)}"
    for style in styles.classes.values():
        assert style.shape in SHAPES and re.fullmatch(r"#[0-9a-f]{6}", style.colour) and style.zh and style.en
    looks = [(s.shape, s.colour) for s in styles.classes.values()]
    assert len(set(looks)) == len(looks), "two classes look the same"
    assert len({s.zh for s in styles.classes.values()}) == len(styles.classes)
    assert len({s.en for s in styles.classes.values()}) == len(styles.classes)


def test_a_bad_styles_file_fails_at_start_not_in_the_browser():
    data = yaml.safe_load((STATIC / "styles.yaml").read_text(encoding="utf-8"))
    data["classes"]["Plan"]["shape"] = "pentagon"
    with pytest.raises(ValueError, match="shape 'pentagon'"):
        parse(data)
    data["classes"]["Plan"].update(shape="star", colour="red")
    with pytest.raises(ValueError, match="colour 'red'"):
        parse(data)


def test_an_unknown_class_or_relation_is_still_drawn_and_named():
    styles = load_styles()
    style = styles.of("NewKind")
    assert (style.zh, style.en, style.shape) == ("NewKind", "NewKind", styles.default["shape"])
    assert styles.relation("RUNS_FASTER_THAN") == {"zh": "runs faster than", "en": "runs faster than"}


def test_every_word_the_page_uses_is_in_both_languages():
    strings = yaml.safe_load((STATIC / "strings.yaml").read_text(encoding="utf-8"))
    for key, value in strings.items():
        if isinstance(value, dict) and "zh" in value:
            assert value["zh"] and value["en"], key
    used = set(re.findall(r"""data-i18n(?:-placeholder|-aria-label)?="(\w+)\"""",
                          (VISUAL / "templates" / "page.html").read_text(encoding="utf-8")))
    for script in STATIC.glob("*.js"):
        if script.name.startswith("vis-"):
            continue
        used |= set(re.findall(r"""\bt\("(\w+)\"""", script.read_text(encoding="utf-8")))
    assert used and used <= set(strings), f"missing in strings.yaml: {used - set(strings)}"


# -- neighbourhood → networkx → pyvis -------------------------------------------------------------------

@pytest.fixture(scope="module")
def left_behind(client):
    return client.get(f"/api/entities/{LEFT_BEHIND}/neighbours", params={"evidence": "true"}).json()


def test_the_networkx_graph_keeps_ids_types_names_relations_and_evidence(left_behind):
    graph = projection.to_networkx(left_behind)
    assert isinstance(graph, nx.MultiDiGraph)
    assert set(graph.nodes) == {n["id"] for n in left_behind["nodes"]}
    assert graph.nodes[LEFT_BEHIND]["type"] == "TargetGroup"
    assert graph.nodes[LEFT_BEHIND]["name_en"] == "rural left-behind older persons"
    serves = graph.get_edge_data(PROGRAMME, LEFT_BEHIND)
    assert list(serves) == ["SERVES"]
    assert any("“三留守”人员" in e["quote"] for e in serves["SERVES"]["evidence"])
    assert serves["SERVES"]["matched_words"] == ["“三留守”人员"]
    assert graph.has_edge(LEFT_BEHIND, "group/rural-elderly", key="BROADER")
    assert projection.distances(graph, LEFT_BEHIND)[PROGRAMME] == 1


def test_pyvis_gives_each_class_its_colour_shape_and_both_labels(left_behind):
    styles = load_styles()
    drawn = projection.to_vis(projection.to_networkx(left_behind), styles, focus=LEFT_BEHIND)
    nodes = {n["id"]: n for n in drawn["nodes"]}
    group, programme = nodes[LEFT_BEHIND], nodes[PROGRAMME]
    assert group["shape"] == styles.classes["TargetGroup"].shape == "diamond"
    assert group["color"]["background"] == styles.classes["TargetGroup"].colour
    assert programme["shape"] == "dot" and programme["color"]["background"] == styles.classes["Programme"].colour
    assert (group["label_zh"], group["label_en"]) == ("农村留守老年人", "rural left-behind older persons")
    assert programme["label_en"] == programme["label_zh"]  # no English name: the Chinese one, not the id
    assert group["borderWidth"] == 4 and group["size"] > programme["size"]  # the focus stands out
    assert "服务对象 · target group" in group["title"]
    edges = {(e["from"], e["type"], e["to"]): e for e in drawn["edges"]}
    serves = edges[(PROGRAMME, "SERVES", LEFT_BEHIND)]
    assert (serves["label_zh"], serves["label_en"], serves["arrows"]) == ("服务对象", "serves", "to")
    assert serves["color"]["color"] == styles.relations["SERVES"]["colour"] and serves["width"] == 2
    assert serves["evidence"][0]["section"]["name_zh"] == "促进慈善事业和社工志愿服务发展"
    assert len({e["id"] for e in drawn["edges"]}) == len(drawn["edges"])
    assert {e["from"] for e in drawn["edges"]} | {e["to"] for e in drawn["edges"]} <= set(nodes)


def test_unnamed_nodes_are_named_by_their_role_and_long_names_are_cut():
    styles = load_styles()
    value = {"type": "IndicatorValue", "name_zh": None, "name_en": None}
    assert projection.names(f"{NATIONAL}/ch/1/sec/4/table/target/row/1/target", value, styles) == {
        "zh": "目标值", "en": "target"}
    assert projection.short("中华人民共和国国民经济和社会发展第十四个五年规划", 14) == "中华人民共和国国民经济和社…"
    assert projection.short("低保", 14) == "低保"


# -- folding large neighbourhoods -------------------------------------------------------------------------

def star(spokes: dict[str, int], outer: int = 0) -> nx.MultiDiGraph:
    """A hub with ``spokes`` neighbours of each type; ``outer`` more nodes behind the first programme."""
    graph = nx.MultiDiGraph()
    graph.add_node("hub", type="Plan")
    for node_type, count in spokes.items():
        for i in range(count):
            graph.add_node(f"{node_type}/{i}", type=node_type)
            graph.add_edge(f"{node_type}/{i}", "hub", key="IN_DOCUMENT")
    for i in range(outer):
        graph.add_node(f"group/{i}", type="TargetGroup")
        graph.add_edge("Programme/0", f"group/{i}", key="SERVES")
    return graph


def test_more_than_the_threshold_of_one_type_around_a_node_fold_into_one_group():
    graph = star({"Programme": 25, "Section": 5})
    (group,) = projection.cluster_plan(graph, "hub", threshold=20)
    assert group["id"] == "cluster:hub:Programme" and group["hub"] == "hub" and len(group["members"]) == 25
    assert projection.cluster_plan(graph, "hub", threshold=25) == []  # more than, not as many as
    assert projection.cluster_plan(graph, "hub", threshold=0) == []  # 0: never fold
    kept = projection.cluster_plan(graph, "hub", threshold=20, keep={"Programme/3"})
    assert len(kept[0]["members"]) == 24 and "Programme/3" not in kept[0]["members"]


def test_only_the_outer_shell_folds_and_each_node_in_one_group_at_most():
    graph = star({"Programme": 25}, outer=22)
    folded = projection.cluster_plan(graph, "hub", threshold=20)
    assert [g["id"] for g in folded] == ["cluster:hub:Programme"]  # Programme/0 is folded: not a hub any more
    unfolded = projection.cluster_plan(graph, "Programme/0", threshold=20)
    ids = {g["id"]: g for g in unfolded}
    assert "cluster:Programme/0:TargetGroup" in ids and "hub" not in ids["cluster:Programme/0:TargetGroup"]["members"]
    # seen from the programme, the plan's other programmes lie behind the plan: they fold around it
    assert len(ids["cluster:hub:Programme"]["members"]) == 24
    members = [m for g in unfolded for m in g["members"]]
    assert len(members) == len(set(members)) and "Programme/0" not in members


def test_the_national_plan_folds_its_parts_but_not_its_indicators(client):
    answer = client.get(f"/visual/api/neighbourhood/{NATIONAL}").json()
    folded = {g["type"]: g for g in answer["clusters"]}
    assert set(folded) == {"Programme", "Section", "BoxItem", "Body"}  # bodies: every one the plan names
    n = folded["Programme"]["count"]
    assert len(folded["Programme"]["members"]) == n > 100  # the measures the national plan names
    assert folded["Programme"]["label_zh"] == f"项目/工程 ×{n}" and folded["Programme"]["label_en"] == f"programme ×{n}"
    assert folded["Programme"]["node"]["shape"] == "dot" and folded["Programme"]["threshold"] == 20
    assert answer["counts"]["nodes"] == len(answer["nodes"]) and answer["counts"]["edges"] >= len(answer["nodes"]) - 1
    assert NATIONAL not in {m for g in answer["clusters"] for m in g["members"]}
    assert client.get(f"/visual/api/neighbourhood/{NATIONAL}?cluster=0").json()["clusters"] == []
    largest = max(g["count"] for g in folded.values())
    assert client.get(f"/visual/api/neighbourhood/{NATIONAL}?cluster={largest + 1}").json()["clusters"] == []


# -- the view routes ----------------------------------------------------------------------------------------

def test_neighbourhood_route_filters_types_and_answers_problems(client):
    answer = client.get(f"/visual/api/neighbourhood/{LEFT_BEHIND}?depth=2&types=Programme,TargetGroup").json()
    assert answer["focus"] == LEFT_BEHIND
    assert {n["type"] for n in answer["nodes"]} == {"Programme", "TargetGroup"}
    bad = client.get(f"/visual/api/neighbourhood/{LEFT_BEHIND}?types=Nonsense")
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert client.get("/visual/api/neighbourhood/group/nobody").status_code == 404
    assert client.get(f"/visual/api/neighbourhood/{LEFT_BEHIND}?depth=4").status_code == 422


def test_group_view_reaches_narrower_groups_with_the_sentence(client):
    answer = client.get("/visual/api/group/老年人").json()
    assert answer["focus"] == "group/elderly"
    ids = {n["id"] for n in answer["nodes"]}
    assert {"group/elderly", "group/rural-elderly", LEFT_BEHIND, PROGRAMME} <= ids
    edges = {(e["from"], e["type"], e["to"]): e for e in answer["edges"]}
    assert (LEFT_BEHIND, "BROADER", "group/rural-elderly") in edges
    assert any("“三留守”人员" in e["quote"] for e in edges[(PROGRAMME, "SERVES", LEFT_BEHIND)]["evidence"])
    listed = {p["id"]: p for p in answer["side"]["programmes"]}
    assert {m["group"]["id"] for m in listed[PROGRAMME]["matched_groups"]} >= {LEFT_BEHIND}
    same = client.get("/api/programmes", params={"group": "老年人", "limit": 500}).json()
    assert set(listed) == {p["id"] for p in same["items"]}  # the page and the API agree
    assert client.get("/visual/api/group/plan/national-14th-minzheng-plan").status_code == 404


def test_cascade_view_places_plans_by_level_and_tables_aligned_indicators(client):
    answer = client.get(f"/visual/api/cascade/{NATIONAL}").json()
    assert all(n["fixed"] == {"x": True, "y": True} for n in answer["nodes"])
    lines = {n["y"] for n in answer["nodes"] if n["type"] == "Indicator"}  # the table, drawn: a line per set
    assert len(lines) == len(answer["side"]["rows"])
    x = {n["id"]: n["x"] for n in answer["nodes"]}
    assert x[NATIONAL] < x["plan/hainan-14th-minzheng-plan"] < x["plan/weihai-14th-minzheng-plan"]
    levels = [p["level"] for p in answer["side"]["plans"] if p["in_corpus"]]
    assert levels == ["national", "provincial", "municipal"]
    rows = answer["side"]["rows"]
    assert len(rows) >= 10 and all(len({c["plan"]["id"] for c in row["cells"]}) >= 2 for row in rows)
    ratio = next(r for r in rows if r["name_zh"] == "农村低保标准占城市低保标准比例")
    assert [c["target"]["text"] for c in ratio["cells"]][:2] == ["75", "80"]
    assert {e["type"] for e in answer["edges"]} == {"BASED_ON", "IN_DOCUMENT", "ALIGNED_WITH"}
    alone = client.get("/visual/api/cascade/plan/shaoyang-14th-minzheng-plan").json()
    assert [n["id"] for n in alone["nodes"]] == ["plan/shaoyang-14th-minzheng-plan"] and alone["side"]["rows"] == []


def test_compare_view_draws_aligned_indicators_beside_the_table(client):
    answer = client.get("/visual/api/compare", params={"q": "低保"}).json()
    first = answer["side"]["groups"][0]
    assert first["plans"] >= 3 and first["rows"][0]["level"] == "national"
    ids = {n["id"] for n in answer["nodes"]}
    assert {r["id"] for g in answer["side"]["groups"] for r in g["rows"]} <= ids
    aligned = [e for e in answer["edges"] if e["type"] == "ALIGNED_WITH"]
    assert aligned and all(e["method"] and e["score"] for e in aligned)
    assert len({frozenset((e["from"], e["to"])) for e in aligned}) == len(aligned)  # once per pair
    assert client.get("/visual/api/compare", params={"q": "no such indicator"}).json()["nodes"] == []


def test_the_overview_is_every_plan_by_level(client):
    answer = client.get("/visual/api/overview").json()
    assert answer["focus"] == NATIONAL
    assert {n["type"] for n in answer["nodes"]} == {"Plan", "Article"}
    assert sum(1 for e in answer["edges"] if e["type"] == "BASED_ON") == 7


def test_the_page_embeds_its_settings_and_forbids_other_servers(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    config = json.loads(re.search(r'<script type="application/json" id="policykg-config">(.*?)</script>',
                                  page.text, re.DOTALL).group(1))
    assert config["styles"]["order"][0] == "Plan" and config["types"]["Programme"] == corpus_programmes()
    assert config["strings"]["title"]["en"] == "Civil-affairs plans knowledge graph"
    assert 'lang="zh-Hans"' in page.text and 'lang="en"' in client.get("/?lang=en").text
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page.text)
    for name in ("app.js", "graph.js", "panel.js", "search.js", "dom.js", "page.css", "favicon.svg"):
        asset = client.get(f"/static/visual/{name}")
        assert asset.status_code == 200, name
        assert b"http://" not in asset.content.replace(b"http://www.w3.org/2000/svg", b"")
    assert "/" not in {r.path for r in client.app.routes if getattr(r, "include_in_schema", False)}
