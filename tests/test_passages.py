"""The text layer: every passage of every plan, searchable by its words (issue 18's first part).

Cut from the bundled corpus (loaders/passages.py), written as RDF and validated, prepared into a full-text
index and served by ``/api/passages``; reachable from SPARQL and Cypher too.
"""

from __future__ import annotations

import pytest
from rdflib import RDF, Literal

from policykg.graph.questions.passages import PassageQueryError, fold_aligned, marks, parse
from policykg.loaders.iris import PKG
from policykg.loaders.model import Box, BoxItem, Division, IndicatorTable
from policykg.loaders.passages import BOX, DEFINITION, FRONT, HEADING, ROW, SENTENCE, find_passages
from policykg.loaders.programmes import divisions
from policykg.loaders.rdf import DocumentGraph

PROBLEM = "application/problem+json"


# -- folding and the query language -------------------------------------------------------------------------

def test_folding_keeps_every_offset():
    for text in ("慈善信託", "ＡＢＣ１２３４９", "養老服務（街道）", "Ⅻ ﬁ ß 乡镇(街道)"):
        folded = fold_aligned(text)
        assert len(folded) == len(text)
    assert fold_aligned("慈善信託") == "慈善信托"
    assert fold_aligned("ＡＢＣ１２３４９") == "abc12349"
    assert fold_aligned("（街道）") == "(街道)"


def test_the_query_language():
    assert parse("养老 服务").expression == '("517bx8001") AND ("670dx52a1")'
    assert parse("养老 AND 服务").expression == parse("养老 服务").expression
    assert parse("慈善信托 OR 喘息服务").words == ("慈善信托", "喘息服务")
    assert " OR " in parse("慈善信托 OR 喘息服务").expression
    assert parse("养老 -农村").expression == parse("养老 NOT 农村").expression == '(("517bx8001")) NOT "519cx6751"'
    assert parse("养老 -农村").words == ("养老",)
    assert parse("养老服*").words == ("养老服",)
    assert parse('"养老 服务"').words == ("养老 服务",)
    assert parse("慈善信託").expression == parse("慈善信托").expression


@pytest.mark.parametrize("query, says", [('"养老', "quotation mark"), ("-农村", "at least one word"),
                                         ("NOT 农村", "at least one word"), ("* ", "at least one word"),
                                         (" ".join("字" * 17), "at most")])
def test_a_query_the_index_cannot_take_says_why(query, says):
    with pytest.raises(PassageQueryError, match=says):
        parse(query)


def test_marks_are_offsets_of_the_text_as_written():
    text = "鼓励慈善组织和慈善信託发展,慈善信托。"
    found = marks(text, ("慈善信托",))
    assert [text[a:b] for a, b in found] == ["慈善信託", "慈善信托"]
    assert marks("养老服务", ("养老", "老服")) == [[0, 3]]  # overlapping words: one mark


# -- the passages of a document ------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_character_is_in_one_passage(parsed, prefix):
    document = parsed[prefix]
    found = find_passages(document)
    text = document.text.text
    covered = [0] * len(text)
    for passage in found:
        assert text[passage.span.start:passage.span.end].strip(), passage
        for i in range(passage.span.start, passage.span.end):
            covered[i] += 1
    assert max(covered) == 1  # no two passages share a character
    assert all(covered[i] or text[i].isspace() for i in range(len(text)))  # every character that is not blank
    assert [p.span.start for p in found] == sorted(p.span.start for p in found)


@pytest.mark.parametrize("prefix", ["000", "002", "004"])
def test_headings_rows_boxes_and_definitions_are_passages_of_their_kind(parsed, prefix):
    document = parsed[prefix]
    found = find_passages(document)
    headings = {p.span for p in found if p.kind == HEADING}
    assert headings == {d.span for d in divisions(document.chapters)}
    for passage in found:
        container = passage.container
        if passage.kind == HEADING:
            assert isinstance(container, Division)
        elif passage.kind == ROW:
            assert isinstance(container, IndicatorTable)
        elif passage.kind == BOX:
            assert isinstance(container, (Box, BoxItem))
        elif passage.kind == DEFINITION:
            assert container == "glossary"
        elif passage.kind == FRONT:
            assert container is None and passage.span.start < document.body_start
        else:
            assert passage.kind == SENTENCE and passage.span.start >= document.body_start
    rows = sum(len(t.rows) for t in [*document.preamble_tables, *(t for d in divisions(document.chapters)
                                                                   for t in d.tables)])
    assert sum(p.kind == ROW for p in found) >= rows > 0  # each row one passage (and the header lines)


def test_a_sentence_mentions_what_the_other_readings_found_in_it(parsed):
    document = parsed["000"]
    sentence = next(p for p in find_passages(document)
                    if "加强农村留守老年人关爱服务工作" in document.text.text[p.span.start:p.span.end])
    names = {getattr(m, "name", m) for m in sentence.mentions}
    assert "https://w3id.org/policykg/id/group/rural-left-behind-elderly" in names
    assert sentence.kind == SENTENCE and isinstance(sentence.container, Division)


def test_a_passage_in_the_graph_quotes_the_source_verbatim(parsed):
    document = parsed["002"]
    graph = DocumentGraph(document, {}).build()
    nodes = set(graph.subjects(RDF.type, PKG.Passage))
    assert len(nodes) == len(find_passages(document))
    for node in nodes:
        start, end = (graph.value(node, PKG[p]).toPython() for p in ("charStart", "charEnd"))
        assert graph.value(node, PKG.text) == Literal(document.source.raw[start:end])
        assert (node, PKG.inDocument, None) in graph


# -- /api/passages --------------------------------------------------------------------------------------------

def search(client, q: str, **params):
    return client.get("/api/passages", params={"q": q, **params})


@pytest.mark.slow
@pytest.mark.parametrize("word", ["喘息服务", "万人次", "12349", "慈善信托"])
def test_a_phrase_of_the_text_is_found_with_its_place(client, word):
    answer = search(client, word).json()
    assert answer["total"] >= 2 and answer["items"]
    for item in answer["items"]:
        assert word in item["text"] or word in fold_aligned(item["text"])
        assert [fold_aligned(item["text"][a:b]) for a, b in item["marks"]] == [word] * len(item["marks"]) != []
        assert item["document"]["type"] in ("Plan", "Article") and item["char_end"] > item["char_start"]
        if item["kind"] != "front":
            assert item["path"] and item["path"][0]["type"] in ("Chapter", "Section") and item["path"][0]["name"]


@pytest.mark.slow
def test_traditional_and_full_width_queries_find_the_same(client):
    simplified = search(client, "慈善信托", limit=50).json()
    assert search(client, "慈善信託", limit=50).json()["items"] == simplified["items"]
    assert search(client, "１２３４９").json()["total"] == search(client, "12349").json()["total"] > 0


@pytest.mark.slow
def test_and_or_not_and_phrases_count_what_they_say(client):
    total = lambda q: search(client, q).json()["total"]  # noqa: E731
    both, either = total("养老 农村"), total("养老 OR 农村")
    assert both + total("养老 -农村") == total("养老")
    assert either == total("养老") + total("农村") - both
    assert total('"养老服务"') == total("养老服务") <= total("养老 服务")
    one = search(client, "慈", limit=500).json()  # one character: every pair it starts (the last one too)
    assert one["total"] >= total("慈善") > 0 and all("慈" in fold_aligned(i["text"]) for i in one["items"])
    assert total("慈") == total("慈 OR 慈")


@pytest.mark.slow
def test_filters_are_ranges_of_the_same_search(client):
    everything = search(client, "养老", limit=500).json()
    national = search(client, "养老", level="national", limit=500).json()
    plan = search(client, "养老", plan="plan/national-14th-minzheng-plan", limit=500).json()
    assert 0 < national["total"] < everything["total"]
    assert national["total"] == plan["total"]  # the corpus has one national plan
    assert {i["document"]["id"] for i in plan["items"]} == {"plan/national-14th-minzheng-plan"}
    chapter = plan["items"][0]["path"][0]
    within = search(client, "养老", chapter=chapter["iri"], limit=500).json()
    assert 0 < within["total"] < plan["total"]
    assert {i["path"][0]["iri"] for i in within["items"]} == {chapter["iri"]}
    assert search(client, "养老", limit=5, offset=5).json()["items"] == everything["items"][5:10]


@pytest.mark.slow
def test_a_bad_search_is_a_problem(client):
    for params, parameter in [({"q": '"养老'}, "q"), ({"q": "-农村"}, "q"), ({"q": "养老", "level": "nation"}, "level"),
                              ({"q": "养老", "plan": "no such plan"}, "plan")]:
        answer = client.get("/api/passages", params=params)
        assert answer.status_code == 422 and answer.headers["content-type"] == PROBLEM
        assert answer.json()["parameter"] == parameter


@pytest.mark.slow
def test_passages_are_in_sparql_and_cypher(client):
    sparql = ("PREFIX pkg: <https://w3id.org/policykg/ontology#> SELECT ?p ?text WHERE { GRAPH ?g { "
              "?p a pkg:Passage ; pkg:text ?text ; pkg:mentions ?group . "
              "FILTER(?group = <https://w3id.org/policykg/id/group/rural-left-behind-elderly>) } }")
    rows = client.get("/sparql", params={"query": sparql}, headers={"Accept": "application/sparql-results+json"})
    texts = {b["text"]["value"] for b in rows.json()["results"]["bindings"]}
    assert texts and all("留守" in t for t in texts)  # 农村留守老年人, “三留守”人员
    cypher = client.post("/cypher", json={"statement": "MATCH (p:Passage)-[:MENTIONS]->(g:TargetGroup {name_zh: $g}) "
                                                       "MATCH (p)-[:IN_DIVISION]->(d) RETURN p.text AS text, d.name_zh AS part",
                                          "parameters": {"g": "农村留守老年人"}}).json()
    assert {row[0] for row in cypher["data"]["values"]} == texts


# -- where each fact sits: the outline path ---------------------------------------------------------------------

def assert_path_ends_at(evidence: dict) -> None:
    if evidence["section"] is None:
        assert evidence["path"] == []
        return
    path = evidence["path"]
    assert path and path[-1]["iri"] == evidence["section"]["iri"], evidence
    assert path[0]["type"] in ("Chapter", "Section", "Glossary") and all(part["name"] for part in path)
    assert len({part["iri"] for part in path}) == len(path)


@pytest.mark.slow
def test_programmes_and_their_links_say_where_in_the_plan_they_are(client):
    cards = client.get("/api/programmes", params={"limit": 500}).json()["items"]
    located = [c for c in cards if c["evidence"] and c["evidence"]["section"]]
    assert len(located) > 100
    for card in cards:
        if card["evidence"]:
            assert_path_ends_at(card["evidence"])
        for link in card["serves"] + card["domains"]:
            for evidence in link["evidence"]:
                assert_path_ends_at(evidence)
    detail = client.get(f"/api/programmes/{located[0]['id']}").json()
    assert detail["evidence"]["path"] == located[0]["evidence"]["path"]
    assert any(len(c["evidence"]["path"]) >= 3 for c in located)  # chapter › section › box or item


@pytest.mark.slow
def test_indicators_say_their_table_and_its_chapter(client):
    rows = client.get("/api/indicators", params={"limit": 500}).json()["items"]
    assert rows
    for row in rows:
        assert_path_ends_at(row["evidence"])
        assert row["evidence"]["path"][-1]["type"] == "IndicatorTable"


@pytest.mark.slow
def test_an_entity_page_shows_the_outline_path(client):
    card = next(c for c in client.get("/api/programmes", params={"limit": 200}).json()["items"]
                if c["evidence"] and len(c["evidence"]["path"]) >= 2)
    page = client.get(f"/id/{card['id']}", headers={"Accept": "text/html"}).text
    shown = page.split('<span class="outline-path">', 1)[1].split("</span></span>", 1)[0]
    assert all(part["name"] in shown for part in card["evidence"]["path"]) and "›" in shown


# -- one passage in context ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_passage_opens_in_its_paragraph(client):
    hit = search(client, "喘息服务").json()["items"][0]
    answer = client.get(f"/api/passages/{hit['id']}")
    assert answer.status_code == 200
    passage = answer.json()
    assert passage["text"] == hit["text"] and hit["iri"] in [p["iri"] for p in passage["context"]]
    assert len(passage["context"]) > 1
    assert {p["path"][-1]["iri"] for p in passage["context"]} == {hit["path"][-1]["iri"]}
    starts = [p["char_start"] for p in passage["context"]]
    assert starts == sorted(starts) and {p["document"]["iri"] for p in passage["context"]} == {hit["document"]["iri"]}
    missing = client.get("/api/passages/plan/none/passage/1")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM


@pytest.mark.slow
def test_a_broad_search_is_paged_in_plan_order_and_counted_up_to_a_cap(client, monkeypatch):
    from policykg.graph.questions import prepared

    ranked = search(client, "养老", limit=500).json()
    assert ranked["order"] == "relevance" and ranked["total_exact"] and ranked["total"] > 20
    monkeypatch.setattr(prepared, "RANKED", 10)
    broad = search(client, "养老", limit=499).json()  # another URL: the answer cache keeps the first
    assert broad["order"] == "plan" and broad["total"] == ranked["total"]
    assert sorted(i["iri"] for i in broad["items"]) == sorted(i["iri"] for i in ranked["items"])
    levels = ["national", "provincial", "municipal", "county"]
    plans = client.get("/api/plans", params={"limit": 200}).json()["items"]
    level = {p["iri"]: levels.index(p["level"]) if p.get("level") in levels else len(levels) for p in plans}
    keys = [(level[i["document"]["iri"]], i["document"]["iri"], i["char_start"]) for i in broad["items"]]
    assert keys == sorted(keys)  # national first, each plan in the order of its text
    monkeypatch.setattr(prepared, "COUNT_CAP", 20)
    capped = search(client, "养老", limit=5, offset=10).json()
    assert capped["total"] == 20 and not capped["total_exact"] and len(capped["items"]) == 5


@pytest.mark.slow
def test_the_benchmarks_index_is_the_builds(client, tmp_path):
    """bench/passage_search.py indexes the loaders' passages with the build's writer: the same matches as the
    build's own index for the same questions (so its latencies are the route's index latencies)."""
    from bench.passage_search import build_index, time_queries

    from .conftest import CORPUS

    path, built = build_index(CORPUS, tmp_path, workers=1)
    assert built["passages"] == client.get("/api/health").json()["nodes_by_type"]["Passage"]
    timed = {(r["query"], r["filter"]): r for r in time_queries(path, 1, None)}
    for query in ("喘息服务", "慈善信託", "万人次", "养老 -农村", "养老 OR 儿童", '"社会救助"'):
        assert timed[(query, "")]["total"] == search(client, query).json()["total"], query


@pytest.mark.slow
def test_the_http_benchmark_serves_the_route_from_its_index(client, api_settings, tmp_path):
    """bench/passage_http.py serves the real app with the route reading the benchmark's index: over the corpus,
    each of its questions gets the matches the build's own route gives, in the same order."""
    from fastapi.testclient import TestClient

    from bench.passage_http import QUERIES, app_over
    from bench.passage_search import build_index

    from .conftest import CORPUS

    path, _ = build_index(CORPUS, tmp_path, workers=1)
    with TestClient(app_over(path, api_settings.data_dir)) as bench:
        for query in QUERIES:
            got, want = bench.get("/api/passages", params={"q": query}).json(), search(client, query).json()
            assert got["total"] == want["total"] > 0, query
            assert [i["text"] for i in got["items"]] == [i["text"] for i in want["items"]], query


def test_table_of_contents_entries_with_leader_dots_are_not_one_wrapped_sentence():
    """A Word plan's contents (35_balinzuoqi_canji: 一、编制背景....1): each long entry ends in leader dots and a
    page number, no full stop; it is a line of its own, not a sentence wrapped onto the next one."""
    from policykg.loaders.model import Span
    from policykg.loaders.sentences import sentences_in

    text = ("一、编制背景" + "." * 40 + "1\n二、总体思路与奋斗目标" + "." * 30 + "2\n"
            "(一)指导思想……………………………………………………3\n三、主要任务……………………………………………………5\n")
    assert [text[s.start:s.end] for s in sentences_in(text, Span(0, len(text)))] == text.strip().split("\n")
    wrapped = "这是一个很长的句子没有句号在行尾所以它接着下一行继续写下去直到结束\n下一行才写完。"
    assert len(sentences_in(wrapped, Span(0, len(wrapped)))) == 1  # a long line without a stop still wraps
