"""``/sparql``: the SPARQL 1.1 Protocol on the real build, through the app and through real clients.

Limits of the test app (``conftest.api_settings``): 2 s, 1000 rows, one worker.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph

from policykg.api.sparql import EXAMPLE
from policykg.graph.questions import catalogue

SRJ, SRX, TURTLE, NT, JSONLD = ("application/sparql-results+json", "application/sparql-results+xml", "text/turtle",
                                "application/n-triples", "application/ld+json")
COLUMNS = ["programme", "programme_name", "document", "target_group", "quote"]
PREFIXES = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
CONSTRUCT = PREFIXES + """CONSTRUCT { ?programme pkg:serves ?g ; rdfs:label ?name . ?g skos:prefLabel ?label }
WHERE { ?a skos:prefLabel "老年人"@zh . ?g skos:broader* ?a ; skos:prefLabel ?label .
        ?programme a pkg:Programme ; pkg:serves ?g ; rdfs:label ?name }"""
QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
NATIONAL = "https://w3id.org/policykg/id/graph/national-14th-minzheng-plan"
FOREVER = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
Row = tuple[str, ...]


@pytest.fixture(scope="module")
def expected(built) -> set[Row]:
    """The example's rows, from the catalogue run directly on the build's store."""
    from policykg.graph.backends.embedded import open_sparql
    from policykg.graph.builds.datadir import DataDir

    _, data_dir = built
    store = open_sparql(DataDir(data_dir).current())
    rows = set(catalogue.run("sparql", store, "programmes_for_group", {"group_name": "老年人"}))
    del store
    assert len(rows) > 10 and {"老年人", "农村留守老年人"} <= {row[3] for row in rows}
    return rows


def get(client, query: str, accept: str | None = None, **params):
    return client.get("/sparql", params={"query": query, **params}, headers={"Accept": accept} if accept else {})


def rows_from_json(body: bytes) -> set[Row]:
    answer = json.loads(body)
    assert answer["head"]["vars"] == COLUMNS
    return {tuple(b[c]["value"] for c in COLUMNS) for b in answer["results"]["bindings"]}


def count(client, query: str = QUADS) -> int:
    response = get(client, query)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


# -- every form of request, every format --------------------------------------------------------

def test_get_post_form_and_post_query_give_the_same_answer(client, expected):
    by_get = get(client, EXAMPLE)
    by_form = client.post("/sparql", data={"query": EXAMPLE})
    by_body = client.post("/sparql", content=EXAMPLE.encode(), headers={"Content-Type": "application/sparql-query"})
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == SRJ
        assert rows_from_json(response.content) == expected


def test_select_formats_hold_the_same_rows(client, expected):
    xml = get(client, EXAMPLE, SRX)
    assert xml.headers["content-type"] == SRX
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(xml.content)
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == COLUMNS
    assert {tuple(result.find(f"r:binding[@name='{c}']/*", ns).text for c in COLUMNS)
            for result in root.findall("r:results/r:result", ns)} == expected

    table = get(client, EXAMPLE, "text/csv")
    assert table.headers["content-type"].startswith("text/csv")
    header, *rows = list(csv.reader(io.StringIO(table.text)))
    assert header == COLUMNS and {tuple(row) for row in rows} == expected

    tsv = get(client, EXAMPLE, "text/tab-separated-values")
    assert tsv.headers["content-type"].startswith("text/tab-separated-values")
    header, *rows = list(csv.reader(io.StringIO(tsv.text), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert header == [f"?{c}" for c in COLUMNS]
    assert {tuple(_tsv_value(cell) for cell in row) for row in rows} == expected


def _tsv_value(cell: str) -> str:
    """An IRI or a language-tagged literal of the SPARQL TSV format, as its plain value."""
    if cell.startswith("<"):
        return cell[1:-1]
    return json.loads(cell[:cell.rindex('"') + 1])  # "…"@zh, Turtle escapes (\" \\ \n \t) are JSON's too


def test_format_parameter_and_q_values(client, expected):
    assert get(client, EXAMPLE, format="csv").headers["content-type"].startswith("text/csv")
    assert get(client, EXAMPLE, SRX, format="json").headers["content-type"] == SRJ  # format= wins
    assert get(client, EXAMPLE, "text/csv;q=0.5, application/sparql-results+xml;q=0.9").headers[
        "content-type"] == SRX
    assert get(client, EXAMPLE, "application/json").headers["content-type"] == SRJ
    assert get(client, CONSTRUCT, "application/n-triples, */*").headers["content-type"] == NT
    assert get(client, CONSTRUCT, "application/json").headers["content-type"] == JSONLD
    assert get(client, EXAMPLE, "text/html, */*;q=0.1").headers["content-type"] == SRJ
    assert get(client, EXAMPLE).headers["vary"] == "Accept"


def test_construct_formats_parse_to_the_same_graph(client):
    counts = {}
    for accept, rdflib_format in [(TURTLE, "turtle"), (NT, "nt"), (JSONLD, "json-ld"),
                                  ("application/rdf+xml", "xml")]:
        response = get(client, CONSTRUCT, accept)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == accept
        counts[accept] = len(Graph().parse(data=response.content, format=rdflib_format))
    assert len(set(counts.values())) == 1 and counts[TURTLE] > 20, counts
    assert get(client, CONSTRUCT).headers["content-type"].startswith(TURTLE)  # the default
    assert b"@prefix pkg: <https://w3id.org/policykg/ontology#>" in get(client, CONSTRUCT).content
    described = get(client, "DESCRIBE <https://w3id.org/policykg/ontology#Programme>")
    assert described.status_code == 200 and len(Graph().parse(data=described.content, format="turtle")) > 0


def test_ask(client):
    yes = get(client, PREFIXES + 'ASK { ?g skos:prefLabel "老年人"@zh }')
    no = get(client, PREFIXES + 'ASK { ?g skos:prefLabel "no such group"@zh }')
    assert (yes.json()["boolean"], no.json()["boolean"]) == (True, False)
    xml = get(client, "ASK {}", SRX)
    assert ET.fromstring(xml.content).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"
    refused = get(client, "ASK {}", "text/csv")  # CSV/TSV are defined for SELECT only
    assert refused.status_code == 406 and "a boolean (ASK)" in refused.json()["detail"]


def test_dataset_parameters(client):
    union = count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert union == count(client)  # the default graph is the union of the named graphs (no triple is in two)
    response = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                                             "default-graph-uri": NATIONAL})
    only_national = int(response.json()["results"]["bindings"][0]["n"]["value"])
    assert 0 < only_national < union
    from_clause = count(client, f"SELECT (COUNT(*) AS ?n) FROM <{NATIONAL}> WHERE {{ ?s ?p ?o }}")
    assert from_clause == only_national
    named = client.post("/sparql", data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                         "named-graph-uri": NATIONAL})
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == [NATIONAL]
    bad = client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert bad.status_code == 400 and "default-graph-uri" in bad.json()["detail"]


def test_a_string_full_of_quotes_and_braces_is_just_a_string(client):
    text = 'he said "}{" \' SERVICE <x> { INSERT DATA {} } \\ 老年人'
    literal = catalogue.sparql_literal(text)
    response = get(client, f"SELECT ?x WHERE {{ BIND({literal} AS ?x) }}")
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["x"]["value"] == text


# -- refusals: each clear, each followed by a normal answer, the store unchanged ----------------

HOSTILE = [
    ("INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }", 403, "updates are not accepted"),
    ("DELETE WHERE { ?s ?p ?o }", 403, "updates are not accepted"),
    ("LOAD <http://example.org/data.ttl>", 403, "updates are not accepted"),
    ("CLEAR ALL", 403, "updates are not accepted"),
    (f"DROP GRAPH <{NATIONAL}>", 403, "updates are not accepted"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 403, "SERVICE"),
    ("SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } } } LIMIT 1", 403,
     "SERVICE"),
    ("SELECT * WHERE { { ?x ?y ?z } UNION { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } } }", 403,
     "SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o }", 422, "more than 1000 rows"),
    ("SELECT * WHERE { ?s ?p }", 400, "could not be parsed"),
    ("SELECT * WHERE { ?s ?p ?o ", 400, "could not be parsed"),
]


@pytest.mark.parametrize("query,status,message", HOSTILE)
def test_refusals_are_clear_and_the_next_query_works(client, query, status, message):
    before = count(client)
    response = get(client, query)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert message in response.json()["detail"]
    assert count(client) == before


def test_updates_sent_as_updates_are_refused(client):
    before = count(client)
    update = "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }"
    as_form = client.post("/sparql", data={"update": update})
    as_body = client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"})
    as_query_body = client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-query"})
    assert [r.status_code for r in (as_form, as_body, as_query_body)] == [403, 403, 403]
    assert count(client) == before


@pytest.mark.slow
def test_a_runaway_query_is_stopped_and_the_pool_recovers(client):
    started = time.monotonic()
    response = get(client, FOREVER)
    stopped = time.monotonic() - started
    assert response.status_code == 503, response.text
    assert "ran past the time limit of 2 s and was stopped" in response.json()["detail"]
    assert response.headers["retry-after"] == "1"
    assert stopped < 15  # stopped at the limit (plus a busy machine), not run for hours
    assert count(client) > 0


def test_request_errors(client):
    for response in (client.get("/sparql"), get(client, "  "), client.post("/sparql", data={}),
                     client.post("/sparql", content=b"", headers={"Content-Type": "application/sparql-query"})):
        assert response.status_code == 400
        assert "send one as ?query=" in response.json()["detail"]
    unacceptable = get(client, EXAMPLE, "text/html")
    assert unacceptable.status_code == 406 and "application/sparql-results+json" in unacceptable.json()["detail"]
    assert get(client, CONSTRUCT, "text/csv").status_code == 406
    assert get(client, EXAMPLE, format="pdf").status_code == 406
    wrong_type = client.post("/sparql", content=EXAMPLE, headers={"Content-Type": "text/plain"})
    assert wrong_type.status_code == 415 and "application/sparql-query" in wrong_type.json()["detail"]
    twice = client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert twice.status_code == 400


def test_openapi_documents_the_endpoint(client):
    spec = client.get("/openapi.json").json()
    get_op, post_op = spec["paths"]["/sparql"]["get"], spec["paths"]["/sparql"]["post"]
    assert get_op["summary"] and "老年人" in get_op["description"]
    assert {p["name"] for p in get_op["parameters"]} >= {"query", "default-graph-uri", "named-graph-uri", "format"}
    assert {"400", "403", "406", "422", "503"} <= set(get_op["responses"])
    assert {SRJ, SRX, "text/csv", TURTLE} <= set(get_op["responses"]["200"]["content"])
    assert set(post_op["requestBody"]["content"]) == {"application/sparql-query", "application/x-www-form-urlencoded"}


# -- real clients on a real server --------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")  # SPARQLWrapper's own RDF/XML parsing
def test_sparqlwrapper(live_server, expected):
    from SPARQLWrapper import JSON, POST, TURTLE as SW_TURTLE, XML, SPARQLWrapper

    endpoint = SPARQLWrapper(live_server + "/sparql")
    endpoint.setQuery(EXAMPLE)
    endpoint.setReturnFormat(JSON)
    assert rows_from_json(json.dumps(endpoint.query().convert()).encode()) == expected
    endpoint.setMethod(POST)
    assert rows_from_json(json.dumps(endpoint.query().convert()).encode()) == expected

    endpoint = SPARQLWrapper(live_server + "/sparql")
    endpoint.setQuery(PREFIXES + 'ASK { ?g skos:prefLabel "老年人"@zh }')
    endpoint.setReturnFormat(JSON)
    assert endpoint.query().convert()["boolean"] is True

    endpoint.setQuery(CONSTRUCT)
    endpoint.setReturnFormat(SW_TURTLE)
    graph = Graph().parse(data=endpoint.query().convert(), format="turtle")
    endpoint.setReturnFormat(XML)  # SPARQLWrapper's RDF/XML, parsed into an rdflib Graph
    assert len(graph) > 20 and len(endpoint.query().convert()) == len(graph)


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(live_server, expected, method):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(live_server + "/sparql", method=method))
    rows = {tuple(str(value) for value in row) for row in graph.query(EXAMPLE)}
    assert rows == expected
    assert graph.query(PREFIXES + 'ASK { ?g skos:prefLabel "老年人"@zh }').askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert len(constructed) > 20


@pytest.mark.slow
def test_a_running_query_does_not_block_the_server(live_server):
    """While the one worker is busy until the time limit, other routes still answer at once."""
    url = live_server + "/sparql?" + urllib.parse.urlencode({"query": FOREVER})
    outcome: list[int] = []

    def runaway() -> None:
        try:
            urllib.request.urlopen(url, timeout=30)
        except urllib.error.HTTPError as error:
            outcome.append(error.code)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)  # let the runaway reach its worker
    urllib.request.urlopen(live_server + "/api/health", timeout=5).read()
    assert thread.is_alive()  # answered while the runaway still ran (it runs to the time limit)
    thread.join(30)
    assert outcome == [503]
