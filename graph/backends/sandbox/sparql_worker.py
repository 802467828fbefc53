"""The worker side of the SPARQL sandbox: one process, one read-only store, one job at a time.

``open_answerer`` prepares a worker on the build folder's Oxigraph store, ``open_remote_answerer`` one that
sends each query to a SPARQL 1.1 endpoint (``worker_pool.run_worker`` is the loop of either); ``answer``
checks a job's query (``sparql_guard``), has it run, reads at most ``max_rows + 1`` results and writes
them with rdflib's writers.  Both kinds of worker check, limit and write alike: only where the query
runs differs.  The data classes here (``Job``, ``Answer``,
``Format``) are what crosses the pipe.  ``graph/backends/sandbox/sparql_sandbox.py`` runs the
pool and the time limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, Mapping

from policykg.graph.backends.reader import QueryError, QuerySyntaxError, ResultTooLarge
from policykg.graph.terms import TripleTerm, to_rdflib

Kind = Literal["solutions", "boolean", "graph"]  # what a query answers: SELECT, ASK, CONSTRUCT/DESCRIBE


class NotAcceptable(QueryError):
    """No format the client accepts can hold this kind of answer (HTTP 406)."""


@dataclass(frozen=True)
class Format:
    """One way of writing an answer: its media type, rdflib's writer and other media types that mean it."""

    name: str
    media_type: str
    writer: str  # rdflib's serializer name
    aliases: tuple[str, ...] = ()


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("json", "application/sparql-results+json", "json", ("application/json",)),
    Format("xml", "application/sparql-results+xml", "xml", ("application/xml", "text/xml")),
    Format("csv", "text/csv", "csv"),
    Format("tsv", "text/tab-separated-values", "tsv"),  # rdflib has no TSV writer: see ``_write_table``
    Format("ttl", "text/turtle", "turtle", ("application/turtle", "application/x-turtle")),
    Format("nt", "application/n-triples", "nt", ("text/plain",)),
    Format("jsonld", "application/ld+json", "json-ld", ("application/json",)),
    Format("rdfxml", "application/rdf+xml", "xml", ("application/xml", "text/xml")),
)}
# The formats each kind of answer can be written in, the default first.
# (The SPARQL CSV/TSV formats are defined for SELECT only.)
KINDS: dict[Kind, tuple[str, ...]] = {
    "solutions": ("json", "xml", "csv", "tsv"),
    "boolean": ("json", "xml"),
    "graph": ("ttl", "nt", "jsonld", "rdfxml"),
}
DEFAULT_FORMATS: dict[Kind, str] = {kind: names[0] for kind, names in KINDS.items()}
KIND_NAMES: dict[Kind, str] = {"solutions": "a table of solutions (SELECT)", "boolean": "a boolean (ASK)",
                               "graph": "an RDF graph (CONSTRUCT or DESCRIBE)"}


@dataclass(frozen=True)
class Job:
    """One query and how its answer should be written; sent to a worker."""

    query: str
    formats: Mapping[Kind, str | None] = field(default_factory=lambda: dict(DEFAULT_FORMATS))
    default_graphs: tuple[str, ...] = ()  # protocol ``default-graph-uri``
    named_graphs: tuple[str, ...] = ()  # protocol ``named-graph-uri``


@dataclass(frozen=True)
class Answer:
    kind: Kind
    media_type: str
    body: bytes


Runner = Callable[[Job, Any], Any]  # (job, its ``Checked``) → pyoxigraph's answer: solutions, boolean or triples


def open_answerer(folder: str, max_rows: int) -> Callable[[Job], Answer | QueryError]:
    """In a worker: the build's store opened read-only and the writers warmed up; then ``answer`` per job."""
    from policykg.graph.backends.embedded import open_sparql

    store = open_sparql(Path(folder))
    _warm_up()

    def run(job: Job, checked: Any) -> Any:
        return store.query(job.query, **_dataset(job, checked.has_dataset))

    return partial(answer, run, max_rows=max_rows)


def open_remote_answerer(endpoint: str, max_rows: int, timeout_s: float) -> Callable[[Job], Answer | QueryError]:
    """In a worker: each checked query sent to ``endpoint`` (the protocol's graphs passed on as given)."""
    from policykg.graph.backends.sparql_endpoint import query

    _warm_up()

    def run(job: Job, checked: Any) -> Any:
        return query(endpoint, job.query, default_graphs=job.default_graphs, named_graphs=job.named_graphs,
                     timeout=timeout_s)

    return partial(answer, run, max_rows=max_rows)


def answer(run: Runner, job: Job, max_rows: int) -> Answer | QueryError:
    """Check, run and serialise one job; every failure becomes a ``QueryError`` with a message for a person."""
    from policykg.graph.backends.sandbox.sparql_guard import check

    try:
        checked = check(job.query)
        result = run(job, checked)
        kind = _kind(result)
        name = job.formats.get(kind)
        if name is None:
            raise NotAcceptable(f"the answer is {KIND_NAMES[kind]}, which this endpoint writes as "
                                f"{', '.join(FORMATS[n].media_type for n in KINDS[kind])}; the request accepts none "
                                "of them (see its Accept header or format= parameter)")
        body = _serialise(result, kind, FORMATS[name], max_rows, checked.prefixes)
        return Answer(kind, FORMATS[name].media_type, body)
    except QueryError as error:
        return error
    except TripleTerm as error:
        return QueryError(f"the answer holds an RDF-star triple term ({error}), which this endpoint cannot write; "
                          "select its parts with SUBJECT(), PREDICATE() and OBJECT() instead")
    except SyntaxError as error:
        return QuerySyntaxError(f"the query could not be parsed: {error.msg if hasattr(error, 'msg') else error}; "
                                "check it against https://www.w3.org/TR/sparql11-query/ (PREFIX declarations, "
                                "braces, dots between patterns)")
    except Exception as error:  # noqa: BLE001 - the engine's or a writer's own message is the best detail
        return QueryError(f"the query could not be answered: {error}")


def _dataset(job: Job, query_names_dataset: bool) -> dict[str, Any]:
    """pyoxigraph's dataset arguments: the protocol's graphs, else the query's FROM, else the union of graphs."""
    from pyoxigraph import NamedNode

    def nodes(iris: tuple[str, ...], parameter: str) -> list[Any]:
        try:
            return [NamedNode(iri) for iri in iris]
        except ValueError as error:
            raise QueryError(f"{parameter}: {error}; give absolute IRIs such as "
                             "https://w3id.org/policykg/id/graph/national-14th-minzheng-plan") from None

    if job.default_graphs or job.named_graphs:
        arguments: dict[str, Any] = {"default_graph": nodes(job.default_graphs, "default-graph-uri")}
        if job.named_graphs:
            arguments["named_graphs"] = nodes(job.named_graphs, "named-graph-uri")
        return arguments
    return {} if query_names_dataset else {"use_default_graph_as_union": True}


def _kind(result: Any) -> Kind:
    from pyoxigraph import QueryBoolean, QuerySolutions

    if isinstance(result, QueryBoolean):
        return "boolean"
    return "solutions" if isinstance(result, QuerySolutions) else "graph"


def _serialise(result: Any, kind: Kind, fmt: Format, max_rows: int, prefixes: Mapping[str, str]) -> bytes:
    if kind == "graph":
        return _graph(result, max_rows, prefixes).serialize(format=fmt.writer, encoding="utf-8")
    table = _boolean(bool(result)) if kind == "boolean" else _solutions(result, max_rows)
    return _write_table(table, fmt)


def _write_table(table: Any, fmt: Format) -> bytes:
    """SPARQL results in ``fmt`` by rdflib's writers; TSV, which rdflib cannot write, by pyoxigraph's
    (from rdflib's JSON: the solutions were already read from the engine's iterator)."""
    if fmt.name == "tsv":
        from pyoxigraph import QueryResultsFormat, parse_query_results

        solutions = parse_query_results(table.serialize(format="json"), QueryResultsFormat.JSON)
        return solutions.serialize(format=QueryResultsFormat.TSV)
    body = table.serialize(format=fmt.writer, encoding="utf-8")
    assert body is not None
    return body


def _too_large(max_rows: int, what: str) -> ResultTooLarge:
    return ResultTooLarge(f"the answer has more than {max_rows} {what}, the limit of this endpoint; narrow the "
                          f"query, or page through the answer with ORDER BY … LIMIT {max_rows} OFFSET …")


def _solutions(solutions: Any, max_rows: int) -> Any:
    """An rdflib ``Result`` holding at most ``max_rows`` solutions (one more is ``ResultTooLarge``)."""
    names = [v.value for v in solutions.variables]
    rows = list(islice(solutions, max_rows + 1))
    if len(rows) > max_rows:
        raise _too_large(max_rows, "rows")
    return _table(names, ({name: to_rdflib(row[i]) for i, name in enumerate(names) if row[i] is not None}
                          for row in rows))


def _table(names: list[str], rows: Iterable[dict[str, Any]]) -> Any:
    from rdflib.query import Result
    from rdflib.term import Variable

    table = Result("SELECT")
    table.vars = [Variable(name) for name in names]
    table.bindings = [{Variable(name): term for name, term in row.items()} for row in rows]
    return table


def _boolean(value: bool) -> Any:
    from rdflib.query import Result

    table = Result("ASK")
    table.askAnswer = value
    return table


def _graph(triples: Any, max_rows: int, prefixes: Mapping[str, str]) -> Any:
    """An rdflib ``Graph`` of at most ``max_rows`` triples, with the query's prefixes bound."""
    from rdflib import Graph

    read = list(islice(triples, max_rows + 1))
    if len(read) > max_rows:
        raise _too_large(max_rows, "triples")
    graph = Graph()
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace, override=True)
    for triple in read:
        graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return graph


def _warm_up() -> None:
    """Load the parser and every writer once, so the first query pays no import."""
    from policykg.graph.backends.sandbox.sparql_guard import check

    check("PREFIX ex: <http://example.org/> ASK { ?s ex:p ?o OPTIONAL { ?o ?q ?r } FILTER(?o != 1) }")
    for kind, names in KINDS.items():
        table = _graph([], 1, {}) if kind == "graph" else _boolean(True) if kind == "boolean" else \
            _table(["x"], [{}])
        for name in names:
            if kind == "graph":
                table.serialize(format=FORMATS[name].writer, encoding="utf-8")
            else:
                _write_table(table, FORMATS[name])
