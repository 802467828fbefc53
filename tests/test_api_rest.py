"""The REST routes against the real build (embedded LadybugDB), every answer checked against the text."""

from __future__ import annotations

import pytest

from policykg.graph.backends.embedded import open_cypher
from policykg.graph.builds.datadir import DataDir
from policykg.graph.questions import catalogue

from .conftest import CORPUS

ELDERLY, RURAL_LEFT_BEHIND = "group/elderly", "group/rural-left-behind-elderly"
NATIONAL, HAINAN, WEIHAI = ("plan/national-14th-minzheng-plan", "plan/hainan-14th-minzheng-plan",
                            "plan/weihai-14th-minzheng-plan")
PROBLEM = "application/problem+json"


def raw_text(source_file: str) -> str:
    from policykg.loaders.source import read_document

    return read_document(CORPUS / source_file).raw


WINDOWS = {"name", "clause", "sentence", "item", "box", "paragraph", "glossary"}
TIMINGS = {"planned", "achieved", "both"}


def simplified(text: str) -> str:
    """A quote as the loaders read it: matched words are simplified characters (003 is traditional)."""
    import opencc

    return opencc.OpenCC("t2s").convert(text)


def programmes_built(client) -> int:
    """How many programmes the build wrote, counted in its RDF through /sparql (not the REST route)."""
    query = "PREFIX pkg: <https://w3id.org/policykg/ontology#> SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH ?g { ?p a pkg:Programme } }"
    answer = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def assert_quoted(evidence: dict) -> None:
    """The quote is exactly the source text at its span: the evidence can be checked by anyone."""
    text = raw_text(evidence["source_file"] or evidence["document"]["id"])
    assert text[evidence["char_start"]:evidence["char_end"]] == evidence["quote"]


def everything(client, url: str) -> list[dict]:
    """Every item of a paginated list, page by page."""
    items, offset = [], 0
    while True:
        page = client.get(url, params={"limit": 7, "offset": offset}).json()
        items += page["items"]
        offset += 7
        if offset >= page["total"]:
            return items


def test_programmes_for_a_group_include_narrower_groups_with_the_sentence(client, built):
    answer = client.get("/api/programmes", params={"group": "老年人", "limit": 500}).json()
    assert answer["total"] == len(answer["items"]) > 0
    matched = {m["group"]["id"] for item in answer["items"] for m in item["matched_groups"]}
    assert RURAL_LEFT_BEHIND in matched and ELDERLY in matched  # the hierarchy was followed
    for item in answer["items"]:
        assert item["matched_groups"], item["name_zh"]
        served = {link["concept"]["id"]: link for link in item["serves"]}
        for match in item["matched_groups"]:
            link = served[match["group"]["id"]]
            assert link["evidence"] and match["matched_words"] == link["matched_words"]
            assert link["window"] in WINDOWS and 0 < link["confidence"] <= 1 and item["timing"] in TIMINGS
            for evidence in link["evidence"]:
                assert evidence["document"]["id"] == item["plan"]["id"]
                assert evidence["section"] is not None or item["origin"] == "glossary"  # glossary: no division
                text = raw_text(item["evidence"]["source_file"])
                assert text[evidence["char_start"]:evidence["char_end"]] == evidence["quote"]
                assert any(word in simplified(evidence["quote"]) for word in link["matched_words"])
    # the same programmes as the catalogue's question run straight on the store
    with open_cypher(DataDir(built[1]).current()) as store:
        rows = catalogue.run("cypher", store, "programmes_for_group", {"group_name": "老年人"})
    assert {item["iri"] for item in answer["items"]} == {row[0] for row in rows}


def test_rural_left_behind_elders_are_found_through_the_abbreviation(client):
    answer = client.get("/api/programmes", params={"group": "农村留守老年人"}).json()
    names = {item["name_zh"] for item in answer["items"]}
    assert "乡镇(街道)社工站建设工程" in names
    item = next(i for i in answer["items"] if i["name_zh"] == "乡镇(街道)社工站建设工程")
    assert item["matched_groups"][0]["matched_words"] == ["“三留守”人员"]


@pytest.mark.parametrize("reference", ["older persons", "group/elderly", "elderly",
                                       "https://w3id.org/policykg/id/group/elderly", "OLDER PERSONS"])
def test_a_group_by_id_iri_or_english_label_gives_the_same_answer(client, reference):
    by_label = client.get("/api/programmes", params={"group": "老年人", "limit": 500}).json()
    assert client.get("/api/programmes", params={"group": reference, "limit": 500}).json() == by_label


def test_exact_keeps_only_the_group_itself(client):
    wide = client.get("/api/programmes", params={"group": "老年人", "limit": 500}).json()
    exact = client.get("/api/programmes", params={"group": "老年人", "exact": "true", "limit": 500}).json()
    assert 0 < exact["total"] < wide["total"]
    assert all(m["group"]["id"] == ELDERLY for item in exact["items"] for m in item["matched_groups"])


def test_filters_combine(client):
    hainan = client.get("/api/programmes", params={"group": "老年人", "plan": HAINAN, "limit": 500}).json()
    assert hainan["items"] and all(item["plan"]["id"] == HAINAN for item in hainan["items"])
    text = client.get("/api/programmes", params={"q": "养老", "limit": 500}).json()
    assert text["items"] and all("养老" in item["name_zh"] for item in text["items"])
    domain = client.get("/api/programmes", params={"domain": "elderly-care", "limit": 500}).json()
    assert domain["items"] and all(any(d["concept"]["id"].startswith("domain/") for d in item["domains"])
                                   for item in domain["items"])


def test_pages_add_up_to_the_whole_list(client):
    whole = client.get("/api/programmes", params={"limit": 500}).json()
    assert whole["total"] == programmes_built(client)
    pages = [i["iri"] for i in everything(client, "/api/programmes")]
    assert len(pages) == len(set(pages)) == whole["total"]
    assert pages[: len(whole["items"])] == [i["iri"] for i in whole["items"]]


def test_one_programme_with_evidence_and_alignments(client):
    listing = client.get("/api/programmes", params={"q": "时间银行"}).json()["items"]
    programme = client.get(f"/api/programmes/{listing[0]['id']}").json()
    assert {k: v for k, v in programme.items() if k != "aligned_with"} == listing[0]  # the card is the detail
    assert_quoted(programme["evidence"])
    counted = [i for i in client.get("/api/programmes", params={"limit": 500}).json()["items"] if i["aligned_count"]]
    assert counted and "aligned_with" not in counted[0]
    for card in counted[:20]:  # a list counts the aligned programmes; the detail lists them, never itself
        detail = client.get(f"/api/programmes/{card['id']}").json()
        assert len(detail["aligned_with"]) == card["aligned_count"] == detail["aligned_count"]
        assert all(a["programme"]["id"] != card["id"] for a in detail["aligned_with"])


def test_plans_with_cascade_and_outline(client):
    plans = client.get("/api/plans").json()["items"]
    corpus = [p for p in plans if p["in_corpus"]]
    assert len(corpus) == 5 and plans[0]["id"] == NATIONAL and plans[0]["level"] == "national"
    national = client.get(f"/api/plans/{NATIONAL}").json()
    assert {HAINAN, WEIHAI} <= {p["id"] for p in national["based_on_by"]}
    chapters = [node for node in national["outline"] if node["type"] == "Chapter"]
    assert len(chapters) == 6 and chapters[0]["marker"] == "第一章"
    sections = [s for c in chapters for s in c["children"] if s["type"] == "Section"]
    assert len(sections) == 34
    positions = [c["position"] for c in chapters]
    assert positions == sorted(positions)
    assert_quoted(national["evidence"])


def test_indicators_and_the_same_indicator_across_plans(client):
    hainan = client.get("/api/indicators", params={"plan": HAINAN, "limit": 500}).json()
    assert hainan["total"] == 29 and all(i["plan"]["id"] == HAINAN for i in hainan["items"])
    row = next(i for i in hainan["items"] if i["name_zh"] == "农村低保标准占城市低保标准比例")
    assert row["target"]["value"] == 80.0 and row["unit"] == "%"
    assert client.get(f"/api/indicators/{row['id']}").json() == row
    groups = client.get("/api/indicators/compare", params={"q": "农村低保标准"}).json()["items"]
    rows = groups[0]["indicators"]
    assert groups[0]["plans"] >= 3 and rows[0]["level"] == "national"
    assert any(i["name_zh"] != rows[0]["name_zh"] for i in rows)  # a synonym found by the alignment
    for indicator in rows:
        assert_quoted(indicator["evidence"])


def test_group_hierarchy_is_consistent(client):
    groups = {g["id"]: g for g in client.get("/api/groups").json()}
    assert "group/rural-elderly" in groups[RURAL_LEFT_BEHIND]["broader"]
    for group in groups.values():
        for broader in group["broader"]:
            assert group["id"] in groups[broader]["narrower"]
    served = sum(1 for item in everything(client, "/api/programmes") for _ in item["serves"])
    assert sum(g["programmes"] for g in groups.values()) == served > 0  # every SERVES relationship once
    areas = {a["id"]: a for a in client.get("/api/areas").json()}
    assert "area/海南省" in areas["area/万宁市"]["broader"]
    assert any(b["name_zh"] == "民政部" for b in client.get("/api/bodies").json())


@pytest.mark.parametrize("query, first", [("留守老人", RURAL_LEFT_BEHIND), ("農村留守老年人", RURAL_LEFT_BEHIND),
                                          ("left-behind older", RURAL_LEFT_BEHIND), ("时间银行", None)])
def test_search_is_ranked_and_folds_scripts_and_case(client, query, first):
    page = client.get("/api/search", params={"q": query}).json()
    hits = page["items"]
    assert hits and page["total"] >= len(hits) and (page["limit"], page["offset"]) == (20, 0)
    if first:
        assert hits[0]["id"] == first
    else:
        assert hits[0]["type"] == "Programme" and "时间银行" in hits[0]["name_zh"]
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_neighbours_keep_direction_and_evidence(client):
    answer = client.get(f"/api/entities/{RURAL_LEFT_BEHIND}/neighbours", params={"evidence": "true"}).json()
    serves = [e for e in answer["edges"] if e["type"] == "SERVES"]
    assert serves and all(e["target"].endswith(RURAL_LEFT_BEHIND) and e["evidence"] for e in serves)
    assert all(e["evidence_count"] == len(e.get("evidence") or []) for e in answer["edges"])
    lean = client.get(f"/api/entities/{RURAL_LEFT_BEHIND}/neighbours").json()  # counts, not the sentences
    assert [{**e, "evidence": None} for e in lean["edges"]] == [{**e, "evidence": None} for e in answer["edges"]]
    assert not any("evidence" in e for e in lean["edges"]) and lean["nodes"] == answer["nodes"]
    for edge in serves[:5]:  # one edge's sentences, as the page asks for them on a click
        one = client.get("/api/relations", params={"source": edge["source"], "type": "SERVES",
                                                   "target": edge["target"]}).json()
        assert one == edge
    assert client.get("/api/relations", params={"source": serves[0]["source"], "type": "BROADER",
                                                "target": serves[0]["target"]}).status_code == 404
    assert client.get("/api/relations", params={"source": "nope", "type": "SERVES",
                                                "target": serves[0]["target"]}).status_code == 422
    assert {n["distance"] for n in answer["nodes"]} == {0, 1}
    wider = client.get(f"/api/entities/{RURAL_LEFT_BEHIND}/neighbours", params={"depth": 2}).json()
    assert len(wider["nodes"]) > len(answer["nodes"])
    only = client.get(f"/api/entities/{RURAL_LEFT_BEHIND}/neighbours",
                      params={"depth": 2, "types": "Programme"}).json()
    assert {n["type"] for n in only["nodes"][1:]} == {"Programme"}
    capped = client.get(f"/api/entities/{NATIONAL}/neighbours", params={"limit": 10}).json()
    assert capped["truncated"] and len(capped["nodes"]) == 10


def test_path_between_a_group_and_a_plan(client):
    answer = client.get("/api/path", params={"from": RURAL_LEFT_BEHIND, "to": NATIONAL}).json()
    assert answer["nodes"][0]["id"] == RURAL_LEFT_BEHIND and answer["nodes"][-1]["id"] == NATIONAL
    # the national plan names a measure for them (农村留守老年人关爱服务体系): group → programme → plan
    assert answer["length"] == len(answer["edges"]) == len(answer["nodes"]) - 1 == 2
    steps = list(zip(answer["nodes"], answer["nodes"][1:]))
    for (a, b), edge in zip(steps, answer["edges"]):
        assert {edge["source"], edge["target"]} == {a["iri"], b["iri"]}


def test_one_entity_any_type(client):
    entity = client.get(f"/api/entities/{RURAL_LEFT_BEHIND}").json()
    assert entity["name_zh"] == "农村留守老年人" and "留守老人" in entity["alt_labels"]
    section = client.get(f"/api/entities/{NATIONAL}/ch/1/sec/1").json()
    assert section["type"] == "Section" and section["properties"]["marker"] == "第一节"
    assert_quoted(section["evidence"])


@pytest.mark.parametrize("url, status, parameter", [
    ("/api/programmes?group=no-such-group", 422, "group"),
    ("/api/programmes?plan=nope", 422, "plan"),
    ("/api/programmes?limit=0", 422, "limit"),
    ("/api/programmes?limit=501", 422, "limit"),
    ("/api/programmes?offset=-1", 422, "offset"),
    ("/api/programmes?exact=perhaps", 422, "exact"),
    ("/api/indicators/compare", 422, "q"),
    ("/api/search?q=", 422, "q"),
    ("/api/entities/group/elderly/neighbours?depth=9", 422, "depth"),
    ("/api/entities/group/elderly/neighbours?types=Nope", 422, "types"),
    ("/api/path?from=group/elderly&to=nope", 422, "to"),
    ("/api/path?from=group/elderly&to=group/elderly", 422, "to"),
    ("/api/programmes/nope", 404, None),
    ("/api/plans/plan/nope", 404, None),
    ("/api/indicators/group/elderly", 404, None),
    ("/api/entities/nope/neighbours", 404, None),
    ("/api/nope", 404, None),
])
def test_bad_requests_get_problems_a_person_can_act_on(client, url, status, parameter):
    response = client.get(url)
    assert response.status_code == status and response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == status and problem["title"] and len(problem["detail"]) > 10
    if parameter:
        assert parameter in problem["detail"]


@pytest.mark.parametrize("hostile", ["老年人' OR 1=1 //", '"}) MATCH (n) DETACH DELETE n //', "{{$group}}",
                                     "\\u0027; RETURN 1", "群体\n\t\"'{}[]$"])
def test_hostile_parameters_are_just_names(client, hostile):
    for parameter in ("group", "domain", "plan", "body", "q"):
        response = client.get("/api/programmes", params={parameter: hostile})
        assert response.status_code in (200, 422), response.text
        if response.status_code == 200:
            assert response.json()["total"] == 0
    assert client.get("/api/search", params={"q": hostile}).status_code == 200
    assert client.get("/api/programmes").json()["total"] == programmes_built(client)  # untouched, still answers


def test_openapi_documents_every_route(client):
    paths = client.get("/openapi.json").json()["paths"]
    for route in ("/api/plans", "/api/plans/{plan_id}", "/api/programmes", "/api/programmes/{programme_id}",
                  "/api/programmes/{programme_id}/aligned", "/api/relations",
                  "/api/indicators", "/api/indicators/{indicator_id}", "/api/indicators/compare", "/api/groups",
                  "/api/bodies", "/api/areas", "/api/search", "/api/entities/{entity_id}/neighbours", "/api/path",
                  "/cypher", "/sparql"):
        assert route in paths, route


def test_a_programmes_aligned_list_comes_a_page_at_a_time(client):
    """A detail lists the first aligned programmes (aligned_limit) and says how many; /aligned pages through all
    of them in the same order (a national programme aligns with thousands at thousands of plans)."""
    cards = client.get("/api/programmes", params={"limit": 500}).json()["items"]
    most = max(cards, key=lambda c: (c["aligned_count"], c["id"]))
    count = most["aligned_count"]
    assert count >= 3
    whole = client.get(f"/api/programmes/{most['id']}", params={"aligned_limit": 500}).json()["aligned_with"]
    assert len(whole) == count
    assert client.get(f"/api/programmes/{most['id']}").json()["aligned_with"] == whole[:100]
    assert client.get(f"/api/programmes/{most['id']}", params={"aligned_limit": 2}).json()["aligned_with"] == whole[:2]
    pages = [client.get(f"/api/programmes/{most['id']}/aligned", params={"limit": 2, "offset": offset}).json()
             for offset in range(0, count + 2, 2)]
    assert {p["total"] for p in pages} == {count} and pages[-1]["items"] == []
    assert [a for p in pages for a in p["items"]] == whole
    assert client.get("/api/programmes/programme/none/aligned").status_code == 404
    assert client.get(f"/api/programmes/{most['id']}", params={"aligned_limit": -1}).status_code == 422


def test_search_pages_like_every_other_list(client):
    """It once answered a bare array; now its pages add up to its total."""
    whole = client.get("/api/search", params={"q": "养老", "limit": 500}).json()
    assert whole["total"] == len(whole["items"]) > 25
    pages = [client.get("/api/search", params={"q": "养老", "limit": 10, "offset": offset}).json()
             for offset in range(0, whole["total"], 10)]
    assert all(p["total"] == whole["total"] for p in pages)
    assert [h["id"] for p in pages for h in p["items"]] == [h["id"] for h in whole["items"]]
