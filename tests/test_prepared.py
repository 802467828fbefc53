"""The tables a build prepares for the REST questions say what the graph says.

Every list the API pages is read from ``prepared.sqlite``; here each is checked
against the graph itself, asked in plain Cypher (the oracle), for every group,
domain, plan and body of the bundled corpus, alone and combined.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from policykg.graph.backends import open_reader
from policykg.graph.builds.datadir import PREPARED_FILE, DataDir
from policykg.graph.questions import programmes
from policykg.graph.questions.entity_index import fold
from policykg.graph.questions.prepare import open_lookups, prepare
from policykg.graph.questions.prepared import Prepared, PreparedMissing

pytestmark = pytest.mark.slow  # the session's build

BODY_TYPES = ("LEAD_BODY", "COOPERATING_BODY", "RESPONSIBLE_BODY")


@pytest.fixture(scope="module")
def build(built):
    _, data_dir = built
    return DataDir(data_dir).current()


@pytest.fixture(scope="module")
def lookups(build):
    reader = open_reader("embedded", folder=build)
    found = open_lookups(reader, build)
    yield found
    found.close()
    reader.close()


def oracle(lookups, statement: str, **params) -> list[str]:
    """Programme IRIs in the API's order (plan, then IRI), straight from the graph."""
    rows = lookups.rows(statement + " RETURN DISTINCT p.iri AS iri, p.document AS document", **params)
    return [r["iri"] for r in sorted(rows, key=lambda r: (r["document"] or "", r["iri"]))]


def concepts(lookups, label: str) -> list[str]:
    return [r["iri"] for r in lookups.rows(f"MATCH (c:{label}) RETURN c.iri AS iri")]


def test_the_build_prepares_its_tables_and_the_server_opens_them(build, lookups):
    assert (build / PREPARED_FILE).exists()
    assert lookups.prepared.path == build / PREPARED_FILE  # opened, not made again
    counts = lookups.prepared.label_counts()
    graph = {r["label"]: r["n"] for r in lookups.rows("MATCH (n) RETURN label(n) AS label, count(*) AS n")}
    assert counts == graph


def test_every_group_and_domain_lists_what_the_hierarchy_serves(lookups):
    for label, rel, kind in (("TargetGroup", "SERVES", "group"), ("PolicyDomain", "IN_DOMAIN", "domain")):
        checked = 0
        for concept in concepts(lookups, label):
            expected = oracle(lookups, f"MATCH (p:Programme)-[:{rel}]->(:{label})-[:BROADER*0..8]->"
                                       f"(:{label} {{iri: $c}})", c=concept)
            exact = oracle(lookups, f"MATCH (p:Programme)-[:{rel}]->(:{label} {{iri: $c}})", c=concept)
            where = {kind: concept}
            assert programmes.find(lookups, programmes.ProgrammeFilter(**where)) == (expected, len(expected))
            assert programmes.find(lookups, programmes.ProgrammeFilter(**where, exact=True)) == (exact, len(exact))
            checked += bool(expected)
        assert checked >= 5, label  # the corpus serves many groups and domains: the loop compared real lists


def test_plans_bodies_and_combinations(lookups):
    plans = [r["iri"] for r in lookups.rows("MATCH (d:Plan) RETURN d.iri AS iri")]
    for plan in plans:
        expected = oracle(lookups, "MATCH (p:Programme)-[:IN_DOCUMENT]->(:Plan {iri: $d})", d=plan)
        assert programmes.find(lookups, programmes.ProgrammeFilter(plan=plan)) == (expected, len(expected))
    bodies = [t for t in BODY_TYPES if lookups.has(t)]
    assert bodies
    served = {}
    for rel in bodies:
        for row in lookups.rows(f"MATCH (p:Programme)-[:{rel}]->(b:Body) RETURN p.iri AS p, b.iri AS b"):
            served.setdefault(row["b"], set()).add(row["p"])
    for body, found in served.items():
        listed, total = programmes.find(lookups, programmes.ProgrammeFilter(body=body))
        assert set(listed) == found and total == len(found)
    elderly = lookups.index.resolve("老年人", "TargetGroup").iri
    for plan in plans:  # two facets: the smaller drives, the other is probed
        expected = oracle(lookups, "MATCH (p:Programme)-[:SERVES]->(:TargetGroup)-[:BROADER*0..8]->"
                                   "(:TargetGroup {iri: $g}) MATCH (p)-[:IN_DOCUMENT]->(:Plan {iri: $d})",
                          g=elderly, d=plan)
        assert programmes.find(lookups, programmes.ProgrammeFilter(group=elderly, plan=plan)) == \
            (expected, len(expected))


def test_pages_are_ranges_of_the_whole_list(lookups):
    everything, total = programmes.find(lookups, programmes.ProgrammeFilter())
    assert total == len(everything) == lookups.prepared.label_counts()["Programme"]
    pages = [programmes.find(lookups, programmes.ProgrammeFilter(), 7, offset)[0] for offset in range(0, total, 7)]
    assert [iri for page in pages for iri in page] == everything
    assert programmes.find(lookups, programmes.ProgrammeFilter(), 10, total + 5) == ([], total)


def test_text_filter_matches_any_name_and_combines(lookups):
    elderly = lookups.index.resolve("老年人", "TargetGroup").iri
    everything, _ = programmes.find(lookups, programmes.ProgrammeFilter(group=elderly))
    for text in ("服务", "养老 服务", "時間銀行", "关爱"):  # short and long words, traditional script
        words = fold(text).split()
        expected = [iri for iri in everything
                    if any(all(w in name for w in words) for name in lookups.index.by_iri[iri].folded)]
        found, total = programmes.find(lookups, programmes.ProgrammeFilter(group=elderly, text=text))
        assert found == expected and total == len(expected), text
    assert programmes.find(lookups, programmes.ProgrammeFilter(text="没有这样的名字")) == ([], 0)
    for odd in ("x\0y", "养老\0服务", '"养老" OR "服务"', "养老*", "NEAR(养老 服务)"):  # FTS5 syntax is only text here
        assert programmes.find(lookups, programmes.ProgrammeFilter(text=odd)) == ([], 0), odd
        assert lookups.index.search(odd) == ([], 0), odd


def test_search_ranks_what_a_scan_of_every_name_finds(lookups):
    """The prepared search (trigram index, ranking and paging in SQL) against a scan of every entry, scored
    and sorted in Python as the API documents it."""
    from policykg.graph.questions.entity_index import LABEL_RANK, _score

    every = [e for label in lookups.index.by_label for e in lookups.index.by_label[label]]
    for query in ("老年", "养老服务", "ELDER", "留守 儿童", "殘疾人", "服务 老年人", "12349", "老", "人 养老服务",
                  "服务 老", "(", "老年人", "社会 救助 体系"):  # one character, long and short words together, punctuation
        words = fold(query).split()
        scored = [(max(_score(n, words) for n in e.folded), e) for e in every if e.folded]
        expected = sorted(((s, e) for s, e in scored if s > 0), key=lambda se: (
            -se[0], LABEL_RANK.get(se[1].label, 99), len(se[1].name_zh or se[1].name_en or ""), se[1].iri))
        hits, total = lookups.index.search(query, limit=10**6)
        assert total == len(expected), query
        assert [(h.entry.iri, h.score) for h in hits] == [(e.iri, s) for s, e in expected], query
        page, _ = lookups.index.search(query, {"Programme"}, limit=5, offset=2)
        assert [h.entry.iri for h in page] == [e.iri for _, e in expected if e.label == "Programme"][2:7], query
        for labels in ({"Programme"}, {"TargetGroup", "Indicator"}):  # a page of one still counts every hit
            first, counted = lookups.index.search(query, labels, limit=1)
            among = [e for _, e in expected if e.label in labels]
            assert counted == len(among) and [h.entry.iri for h in first] == [e.iri for e in among[:1]], query


def test_indicator_pages_are_ranges_of_what_the_store_describes(lookups):
    """``/api/indicators`` pages the prepared order; each page equals the same slice of the whole list the
    store describes (``plans.indicators``), for every plan, by name, and both."""
    from policykg.graph.questions import plans

    everything = plans.indicators(lookups)
    assert len(everything) > 50
    by_plan = {row["plan"]["iri"] for row in everything}
    cases = [(None, None), *((plan, None) for plan in sorted(by_plan)), (None, "人数"), (None, "養老"),
             (sorted(by_plan)[0], "率"), (None, "没有这样的指标")]
    for plan, text in cases:
        whole = plans.indicators(lookups, plan=plan, text=text)
        for limit, offset in ((10**6, 0), (7, 0), (7, 5), (3, max(len(whole) - 2, 0)), (5, len(whole) + 3)):
            page = plans.indicator_page(lookups, plan, text, limit, offset)
            assert page["total"] == len(whole), (plan, text)
            assert page["items"] == whole[offset:offset + limit], (plan, text, limit, offset)


def test_neighbourhoods_are_what_the_graph_links(lookups):
    """Read from the prepared adjacency, a neighbourhood no limit cuts holds every node within ``depth`` steps
    and every relationship of a node nearer than ``depth`` to one within it, each in its own direction, with
    the evidence the relationship carries: what plain Cypher finds, around a group, a programme and a plan.
    Passages (the text layer, ``neighbourhood.NOT_DRAWN``) are searched, not drawn."""
    from policykg.graph.questions import neighbourhood

    group = lookups.index.resolve("农村留守老年人", "TargetGroup").iri
    programme = next(iter(programmes.find(lookups, programmes.ProgrammeFilter(group=group))[0]))
    plan = lookups.rows("MATCH (p:Plan)<-[:IN_DOCUMENT]-(x) RETURN p.iri AS iri, count(x) AS n ORDER BY n DESC")[0]["iri"]
    for start in (group, programme, plan):
        for depth in (1, 2):
            answer = neighbourhood.neighbours(lookups, start, depth, None, max_nodes=10**6)
            distance = {start: 0}
            for level in range(1, depth + 1):
                rows = lookups.rows("UNWIND $iris AS i MATCH (a {iri: i})-[]-(b) WHERE label(b) <> 'Passage' "
                                    "RETURN DISTINCT b.iri AS b",
                                    iris=[n for n, d in distance.items() if d == level - 1])
                distance |= {r["b"]: level for r in rows if r["b"] not in distance}
            near = [n for n, d in distance.items() if d < depth]
            links = lookups.rows("MATCH (a)-[r]->(b) WHERE a.iri IN $near OR b.iri IN $near "
                                 "RETURN a.iri AS a, label(r) AS type, b.iri AS b, r.quotes AS quotes", near=near)
            expected = {(r["a"], r["type"], r["b"]): r["quotes"] for r in links if r["a"] in distance and r["b"] in distance}
            assert not answer["truncated"]
            assert {n["iri"]: n["distance"] for n in answer["nodes"]} == distance, (start, depth)
            found = {(e["source"], e["type"], e["target"]): e for e in answer["edges"]}
            assert found.keys() == expected.keys(), (start, depth)
            for key, quotes in expected.items():
                assert [q["quote"] for q in found[key].get("evidence", [])] == list(quotes or []), key
    assert any(e.get("evidence") for e in answer["edges"])


def test_cards_and_details_are_what_the_graph_says(lookups):
    """The rendered answers equal ``describe`` read live from the graph, for every programme."""
    everything, total = programmes.find(lookups, programmes.ProgrammeFilter())
    assert total > 100
    for start in range(0, total, 200):
        iris = everything[start:start + 200]
        live = programmes.describe(lookups, iris)
        assert [json.loads(programmes.detail_text(lookups, iri, aligned_limit=-1)) for iri in iris] == live
        assert programmes.cards(lookups, iris) == [{k: v for k, v in d.items() if k != "aligned_with"} for d in live]
    assert any(d["aligned_with"] for d in live) or any(
        json.loads(programmes.detail_text(lookups, i))["aligned_with"] for i in everything)


def test_the_routes_answers_fit_their_schemas(client):
    """The list and detail routes send the build's rendered JSON as it is: it must be what the schema says."""
    from policykg.api.schemas import Page, Programme, ProgrammeCard

    for params in ({"group": "老年人", "limit": 500}, {"q": "服务", "limit": 500}, {"limit": 500}):
        page = Page[ProgrammeCard].model_validate(client.get("/api/programmes", params=params).json())
        assert page.items
        for item in page.items[:30]:
            Programme.model_validate(client.get(f"/api/programmes/{item.id}").json())
        if "group" in params:
            assert all(item.matched_groups for item in page.items)


def test_neighbourhood_answers_fit_their_schema(client, lookups):
    """The neighbourhood route sends its answer without validating it again: it must be what the schema says,
    and each evidence's outline path (read for the whole answer at once) the path of its section."""
    from policykg.api.schemas import Neighbourhood

    group = lookups.index.resolve("农村留守老年人", "TargetGroup")
    national = lookups.rows("MATCH (p:Plan)<-[:IN_DOCUMENT]-(x) RETURN p.iri AS iri, count(x) AS n "
                            "ORDER BY n DESC")[0]["iri"]
    paths = 0
    for start in (group.id, lookups.index.by_iri[national].id):
        for params in ({"depth": 1, "evidence": "true"}, {"depth": 2, "evidence": "true"}, {"depth": 2},
                       {"depth": 2, "types": "Programme,TargetGroup", "limit": 40, "evidence": "true"}):
            answer = Neighbourhood.model_validate(client.get(f"/api/entities/{start}/neighbours", params=params).json())
            for edge in answer.edges:
                for evidence in edge.evidence or []:
                    section = evidence.section.iri if evidence.section else None
                    assert [p.model_dump() for p in evidence.path] == lookups.path(section), section
                    paths += bool(evidence.path)
    assert paths


def test_a_build_without_tables_gets_them_made_at_start(build, tmp_path):
    reader = open_reader("embedded", folder=build)
    try:
        made = open_lookups(reader, tmp_path)  # a folder with no prepared file: made in a temporary one
        kept = made.prepared.path
        assert kept.exists() and kept.parent != tmp_path
        assert made.index.counts() == Prepared(build / PREPARED_FILE).label_counts()
        made.close()
        assert not kept.exists()  # removed with the lookups
    finally:
        reader.close()


def test_the_connections_of_ended_threads_are_closed(build):
    """A server's worker threads end and are replaced; each thread's connection (and its page cache) is
    closed once its thread has ended, not kept for the life of the server."""
    import threading

    prepared = Prepared(build / PREPARED_FILE)
    try:
        for _ in range(5):
            worker = threading.Thread(target=prepared.label_counts)
            worker.start()
            worker.join()
        # this thread's connection (made when the file was opened) and the last thread's, closed when the next
        # connection is made; the four before it are closed
        assert [thread.is_alive() for thread, _ in prepared._connections] == [True, False]
    finally:
        prepared.close()


def test_a_file_of_another_layout_is_not_misread(tmp_path):
    path = tmp_path / PREPARED_FILE
    sqlite3.connect(path).executescript("CREATE TABLE about (key TEXT, value TEXT); "
                                        "INSERT INTO about VALUES ('format', '0');")
    with pytest.raises(PreparedMissing, match="layout"):
        Prepared(path)
    with pytest.raises(PreparedMissing, match="no prepared tables"):
        Prepared(tmp_path / "absent.sqlite")


def test_a_failed_preparation_leaves_no_file(build, tmp_path):
    class Broken:
        dialect = "ladybug"

        def read(self, *args, **kwargs):
            raise RuntimeError("the store went away")

    with pytest.raises(RuntimeError, match="went away"):
        prepare(Broken(), tmp_path / PREPARED_FILE)
    assert list(tmp_path.iterdir()) == []
