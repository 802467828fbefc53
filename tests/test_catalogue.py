"""The catalogue of researcher questions: Cypher (LadybugDB) and SPARQL (Oxigraph) agree on the real build."""

from __future__ import annotations

import pytest

from policykg.graph.backends.embedded import open_cypher, open_sparql
from policykg.graph.builds.datadir import DataDir
from policykg.graph.questions import catalogue

ID = "https://w3id.org/policykg/id/"
NATIONAL = ID + "plan/national-14th-minzheng-plan"
HOSTILE = '老年人" } ; DROP ALL ; #'
QUERIES = catalogue.queries()
# Questions whose example may legitimately be empty on another corpus; on the bundled one none is.
MAY_BE_EMPTY: set[str] = set()
SLOW = {"unserved_groups"}  # ~7 s a run on LadybugDB: make test-fast leaves it out


def each(queries) -> list:
    """``queries`` as parameters, the slow ones marked."""
    return [pytest.param(q, id=q.name, marks=[pytest.mark.slow] if q.name in SLOW else []) for q in queries]


@pytest.fixture(scope="module")
def stores(built):
    folder = DataDir(built[1]).current()
    with open_cypher(folder) as cypher:
        yield cypher, open_sparql(folder)


def both(stores, name: str, **params) -> list[tuple[str, ...]]:
    """The answer of both engines, asserted equal."""
    cypher, sparql = stores
    by_cypher = catalogue.run("cypher", cypher, name, params)
    by_sparql = catalogue.run("sparql", sparql, name, params)
    assert by_cypher == by_sparql
    return by_cypher


def test_the_catalogue_has_at_least_15_documented_questions():
    assert len(QUERIES) >= 15
    for named in QUERIES:
        assert named.title_zh and named.title_en and named.answers, named.name


@pytest.mark.parametrize("named", each(QUERIES))
def test_both_engines_agree_on_the_example(stores, named):
    rows = both(stores, named.name)
    if named.name not in MAY_BE_EMPTY:
        assert rows, named.name
    assert all(isinstance(cell, str) for row in rows for cell in row)


@pytest.mark.parametrize("named", [q for q in QUERIES if q.params], ids=[q.name for q in QUERIES if q.params])
def test_a_hostile_parameter_returns_nothing_on_both_engines(stores, named):
    assert both(stores, named.name, **{name: HOSTILE for name in named.params}) == []


@pytest.mark.parametrize("named", each(q for q in QUERIES if q.params))
def test_each_rq_file_answers_as_pasted(stores, named):
    """A .rq file pasted into a SPARQL client, unbound, gives the example's answer (it once gave nothing)."""
    _, sparql = stores
    text = (catalogue.QUERIES_DIR / f"{named.name}.rq").read_text(encoding="utf-8")
    pasted = sparql.query(text, use_default_graph_as_union=True)
    width = len(pasted.variables)
    rows = sorted({tuple(catalogue._cell(solution[i]) for i in range(width)) for solution in pasted})
    assert rows == catalogue.run("sparql", sparql, named)
    if named.name not in MAY_BE_EMPTY:
        assert rows


def test_binding_replaces_the_example_and_keeps_the_others():
    named = catalogue.query("programmes_for_group")
    bound = catalogue.bind_sparql(named.sparql, {"group_name": "残疾人"})
    assert bound.count("VALUES") == 1 and 'VALUES (?group_name) { ("残疾人") }' in bound
    assert catalogue.EXAMPLE_NOTE not in bound and catalogue.EXAMPLE_NOTE in named.sparql


def test_hostile_literal_stays_inside_its_quotes():
    text = catalogue.bind_sparql("SELECT ?x WHERE { ?x ?p ?v . FILTER(STR(?v) = ?v) }", {"v": 'a"} \\ \n'})
    assert 'VALUES (?v) { ("a\\"} \\\\ \\n") }' in text


def test_weihai_plan_is_based_on_the_national_plan(stores):
    rows = both(stores, "plan_cascade", plan="威海市民政事业十四五发展规划")
    assert (NATIONAL, "“十四五”民政事业发展规划", "true") in rows


def test_binding_indicators_of_the_national_plan(stores):
    names = {row[1] for row in both(stores, "binding_indicators", plan="“十四五”民政事业发展规划")}
    assert {"困难残疾人生活补贴覆盖率", "养老机构护理型床位占比"} <= names


def test_programmes_serving_rural_left_behind_elderly(stores):
    rows = both(stores, "programmes_for_group", group_name="农村留守老年人")
    hainan = ID + "plan/hainan-14th-minzheng-plan"
    assert any(r[1] == "乡镇(街道)社工站建设工程" and r[2] == hainan and "“三留守”人员" in r[4] for r in rows)


def test_programmes_for_elderly_reach_narrower_groups(stores):
    groups = {row[3] for row in both(stores, "programmes_for_group", group_name="老年人")}
    assert {"老年人", "农村留守老年人"} <= groups


def test_plans_under_shandong_include_weihai(stores):
    rows = both(stores, "plans_by_area", area="山东省")
    assert (ID + "plan/weihai-14th-minzheng-plan", "威海市民政事业十四五发展规划", "威海市") in rows


def test_unknown_parameter_is_refused():
    with pytest.raises(ValueError):
        catalogue.run("sparql", None, "plan_issuers", {"nope": "x"})
