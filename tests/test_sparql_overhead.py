"""What ``/sparql``'s cheaper path must keep: the guard's verdicts, the row limit and the answers' terms.

The guard lets a plain query through without rdflib's parser, and the worker writes answers with
pyoxigraph's writers straight from the engine, counting solutions as they are written.  Here, on a small
in-memory store of awkward terms (languages, datatypes, blank nodes, line breaks, quotes, the writers'
own solution marks inside literals): every format holds the same terms the engine gave (read back with
rdflib's parsers, as a client would), the limit is exact in every format, and no text that could call
SERVICE or be an update skips the full check.
"""

from __future__ import annotations

import io
import json
from functools import partial

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.query import Result

from policykg.graph.backends.reader import QueryRefused, ResultTooLarge
from policykg.graph.backends.sandbox import sparql_guard
from policykg.graph.backends.sandbox.sparql_guard import check
from policykg.graph.backends.sandbox.sparql_worker import KINDS, Answer, Job, _dataset, answer
from policykg.graph.terms import to_rdflib

E = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
OBJECTS = [
    ox.Literal("老年人", language="zh"), ox.Literal("plain"),
    ox.Literal("1", datatype=ox.NamedNode(XSD + "integer")), ox.Literal("2.50", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
    ox.Literal("2021-01-01", datatype=ox.NamedNode(XSD + "date")),
    ox.Literal('line\nbreak\ttab "quoted" \\'), ox.Literal("a},{b"), ox.Literal("},{},{"), ox.Literal("<result>"),
    ox.Literal("x\r\ny"), ox.NamedNode(E + "o"), ox.BlankNode("b1"),
]
ROWS = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s"


@pytest.fixture(scope="module")
def run():
    store = ox.Store()
    for i, obj in enumerate(OBJECTS):
        store.add(ox.Quad(ox.NamedNode(f"{E}s{i:02}"), ox.NamedNode(E + "p"), obj, ox.NamedNode(E + "g")))
    return lambda job, checked: store.query(job.query, **_dataset(job, checked.has_dataset))


def ask(run, query: str, fmt: str | None = None, max_rows: int = 100) -> Answer:
    formats = {kind: fmt if fmt in names else names[0] for kind, names in KINDS.items()}
    reply = answer(run, Job(query, formats), max_rows)
    if isinstance(reply, Exception):
        raise reply
    return reply


def expected_rows(run) -> set[tuple]:
    solutions = run(Job(ROWS), check(ROWS))
    return {tuple(to_rdflib(row[v]) for v in ("s", "p", "o")) for row in solutions}


def xml_lines(terms: set[tuple]) -> set[tuple]:
    """As an XML parser reads them: a CR LF in text is a LF (XML's end-of-line handling)."""
    return {tuple(type(t)(t.replace("\r\n", "\n"), datatype=t.datatype, lang=t.language)
                  if hasattr(t, "datatype") else t for t in row) for row in terms}


# -- the answers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_every_table_format_holds_the_engines_terms(run, fmt):
    body = ask(run, ROWS, fmt).body
    table = Result.parse(io.BytesIO(body), format=fmt)
    rows = {tuple(b.get(v) for v in table.vars) for b in table.bindings}
    expected = xml_lines(expected_rows(run)) if fmt == "xml" else expected_rows(run)
    blank = lambda rows: {r for r in rows if not any(t.n3().startswith("_:") for t in r)}  # noqa: E731
    assert blank(rows) == blank(expected) and len(rows) == len(expected) == len(OBJECTS)


def test_csv_holds_the_values(run):
    import csv

    header, *rows = list(csv.reader(io.StringIO(ask(run, ROWS, "csv").body.decode("utf-8"), newline="")))
    assert header == ["s", "p", "o"] and len(rows) == len(OBJECTS)
    values = {str(o) for _, _, o in expected_rows(run) if not o.n3().startswith("_:")}
    assert {row[2] for row in rows if not row[2].startswith("_:")} == values  # a blank node's label is the writer's


@pytest.mark.parametrize("fmt,rdflib_format", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"),
                                               ("rdfxml", "xml")])
def test_every_graph_format_parses_to_the_same_graph(run, fmt, rdflib_format):
    query = f"PREFIX e: <{E}> CONSTRUCT {{ ?s e:q ?o }} WHERE {{ ?s e:p ?o FILTER(!isBlank(?o)) }}"
    graph = Graph().parse(data=ask(run, query, fmt).body, format=rdflib_format)
    expected = {(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
                for t in run(Job(query), check(query))}
    assert set(graph) == (xml_lines(expected) if fmt == "rdfxml" else expected)
    assert len(expected) == len(OBJECTS) - 1


def test_turtle_declares_the_querys_usable_prefixes(run):
    query = (f"BASE <{E}> PREFIX e: <{E}> PREFIX rel: <relative/> PREFIX e.x: <{E}x/> "
             "CONSTRUCT { ?s e:q ?o } WHERE { ?s e:p ?o } LIMIT 1")
    body = ask(run, query, "ttl").body  # a relative IRI or a dotted name: left out, the IRIs written in full
    assert f"@prefix e: <{E}> .".encode() in body and b"relative" not in body and b"e.x" not in body
    assert len(Graph().parse(data=body, format="turtle")) == 1


def test_booleans(run):
    assert json.loads(ask(run, "ASK { ?s ?p ?o }").body) == {"head": {}, "boolean": True}
    assert b"<boolean>false</boolean>" in ask(run, "ASK { ?s ?p <http://nowhere/> }", "xml").body


# -- the row limit -------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_the_row_limit_is_exact_in_every_format(run, fmt):
    """The literals holding '},{', '<result>' and line breaks may raise the first count, never the answer."""
    rows = len(OBJECTS)
    assert isinstance(ask(run, ROWS, fmt, max_rows=rows), Answer)
    with pytest.raises(ResultTooLarge, match=f"more than {rows - 1} rows"):
        ask(run, ROWS, fmt, max_rows=rows - 1)


def test_a_large_answer_is_stopped_not_read_to_its_end():
    store = ox.Store()
    store.extend([ox.Quad(ox.NamedNode(f"{E}s{i}"), ox.NamedNode(E + "p"), ox.Literal(str(i)), ox.DefaultGraph())
                  for i in range(50_000)])
    solutions = []

    def counting_run(job, checked):
        solutions.append(store.query(job.query))
        return solutions[-1]

    with pytest.raises(ResultTooLarge):
        ask(counting_run, "SELECT * WHERE { ?s ?p ?o }", "json", max_rows=10)
    assert sum(1 for _ in solutions[-1]) > 40_000  # the engine's iterator was left nearly whole
    with pytest.raises(ResultTooLarge, match="more than 10 triples"):
        ask(counting_run, "CONSTRUCT WHERE { ?s ?p ?o }", "ttl", max_rows=10)


# -- the guard -------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "ASK {}", "select * where { ?s ?p ?o }",
    "PREFIX pkg: <https://w3id.org/policykg/ontology#>\n# a comment\nBASE <http://e/>\n"
    "SELECT ?q WHERE { ?p pkg:wasQuotedFrom ?q }",
    "DESCRIBE <http://e/x>", "CONSTRUCT WHERE { ?s ?p ?o }",
])
def test_a_plain_query_skips_rdflib(query, monkeypatch):
    def no_parser(text):
        raise AssertionError("rdflib was asked")

    monkeypatch.setattr(sparql_guard, "parseQuery", no_parser)
    assert sparql_guard._check(query).has_dataset is False


@pytest.mark.parametrize("query,has_dataset", [
    ("SELECT * FROM <http://e/g> WHERE { ?s ?p ?o }", True),
    ("SELECT * FROMNAMED<http://e/g> WHERE { GRAPH ?g { ?s ?p ?o } }", True),
    ('SELECT ?x WHERE { BIND("data from somewhere" AS ?x) }', False),
    ('SELECT ?x WHERE { BIND("\\u0041" AS ?x) }', False),
    ('SELECT ?x WHERE { BIND("a service" AS ?x) }', False),
])
def test_what_may_name_a_dataset_or_call_service_is_read_by_rdflib(query, has_dataset, monkeypatch):
    assert sparql_guard._plain_query(query) is None
    assert check(query).has_dataset is has_dataset


@pytest.mark.parametrize("query", [
    "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }", "PREFIX e: <http://e/> DELETE WHERE { ?s e:p ?o }",
    "# SELECT\nCLEAR ALL", "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_updates_never_take_the_plain_path(query):
    assert sparql_guard._plain_query(query) is None
    with pytest.raises(QueryRefused, match="updates are not accepted"):
        check(query)


@pytest.mark.parametrize("query", [
    # rdflib cannot parse RDF-star; Oxigraph reads "1SERVICE" as the number 1 and the keyword SERVICE
    "SELECT * WHERE { << ?x ?y ?z >> ?p ?o . ?s ?p 1SERVICE <http://127.0.0.1:9/sparql> { ?a ?b ?c } }",
    "SELECT * WHERE { << ?x ?y ?z >> ?p ?o . ?s ?p trueService <http://127.0.0.1:9/sparql> { ?a ?b ?c } }",
    "select * where { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
])
def test_service_glued_to_a_word_is_refused(query):
    with pytest.raises(QueryRefused, match="SERVICE"):
        check(query)


def test_a_verdict_is_remembered():
    query = "PREFIX e: <http://e/> SELECT * WHERE { ?s e:p ?o } LIMIT 3"
    assert check(query) is check(query)
    long = "ASK {} #" + "x" * sparql_guard.CACHED_CHARS
    assert check(long) is not check(long)  # too long to keep


def test_the_plain_path_is_quick():
    """No rdflib: a small query's check costs well under a millisecond (rdflib took several)."""
    import time

    query = ("PREFIX pkg: <https://w3id.org/policykg/ontology#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
             'SELECT ?p WHERE { ?g skos:broader* ?top . ?top skos:prefLabel "老年人"@zh . ?p pkg:serves ?g }')
    started = time.perf_counter()
    for _ in range(100):
        sparql_guard._check(query)
    assert (time.perf_counter() - started) / 100 < 0.002


def test_runs_are_unchanged_by_the_cache(run):
    job = partial(ask, run)
    assert job("SELECT * WHERE { ?s ?p ?o } LIMIT 2").body == job("SELECT * WHERE { ?s ?p ?o } LIMIT 2").body
