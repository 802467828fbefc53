"""The worker side of the SPARQL sandbox: one process, one read-only store, one job at a time.

``open_answerer`` prepares a worker on the build folder's Oxigraph store, ``open_remote_answerer`` one that
sends each query to a SPARQL 1.1 endpoint (``worker_pool.run_worker`` is the loop of either); ``answer``
checks a job's query (``sparql_guard``), has it run, and writes at most ``max_rows`` results with
pyoxigraph's own writers.  Both kinds of worker check, limit and write alike: only where the query
runs differs.  The data classes here (``Job``, ``Answer``) are what crosses the pipe.
``graph/backends/sandbox/sparql_sandbox.py`` runs the pool and the time limit.

Writing is the engine's, in Rust (rdflib's writers, used before, took three times as long as the query itself
for a few thousand rows): a table of solutions is written straight into a sink that counts what marks a
solution in the format (``_MARKS``: a line of TSV or CSV, a ``<result>``, a ``},{``) and stops the engine
once the answer may hold more than ``max_rows``, so a too-large answer is never read to its end (where the
count may be too high, the answer is counted again exactly: ``_solutions``).  A graph is read up to one
triple more than the limit and written with the query's prefixes.  TSV, which rdflib could not write, is
now written like the others; an RDF-star triple term, which rdflib could not hold, is written too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Literal, Mapping

from policykg.graph.backends.reader import QueryError, QuerySyntaxError, ResultTooLarge

Kind = Literal["solutions", "boolean", "graph"]  # what a query answers: SELECT, ASK, CONSTRUCT/DESCRIBE


class NotAcceptable(QueryError):
    """No format the client accepts can hold this kind of answer (HTTP 406)."""


@dataclass(frozen=True)
class Format:
    """One way of writing an answer: its media type, pyoxigraph's writer and other media types that mean it."""

    name: str
    media_type: str
    writer: str  # the name in pyoxigraph's ``QueryResultsFormat`` (tables, booleans) or ``RdfFormat`` (graphs)
    aliases: tuple[str, ...] = ()


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("json", "application/sparql-results+json", "JSON", ("application/json",)),
    Format("xml", "application/sparql-results+xml", "XML", ("application/xml", "text/xml")),
    Format("csv", "text/csv", "CSV"),
    Format("tsv", "text/tab-separated-values", "TSV"),
    Format("ttl", "text/turtle", "TURTLE", ("application/turtle", "application/x-turtle")),
    Format("nt", "application/n-triples", "N_TRIPLES", ("text/plain",)),
    Format("jsonld", "application/ld+json", "JSON_LD", ("application/json",)),
    Format("rdfxml", "application/rdf+xml", "RDF_XML", ("application/xml", "text/xml")),
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


_PREFIX_NAME = re.compile(r"(?:[A-Za-z][\w\-]*)?", re.ASCII)  # a prefix name every RDF syntax reads
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
        body = _serialise(result, kind, FORMATS[name], max_rows, checked.prefixes, partial(run, job, checked))
        return Answer(kind, FORMATS[name].media_type, body)
    except QueryError as error:
        return error
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


def _serialise(result: Any, kind: Kind, fmt: Format, max_rows: int, prefixes: Mapping[str, str],
               again: Callable[[], Any]) -> bytes:
    """The answer in ``fmt``; ``again`` runs the query once more (see ``_solutions``)."""
    from pyoxigraph import QueryResultsFormat

    if kind == "graph":
        return _graph(result, fmt, max_rows, prefixes)
    if kind == "boolean":
        return result.serialize(format=getattr(QueryResultsFormat, fmt.writer))
    return _solutions(result, fmt, max_rows, again)


def _too_large(max_rows: int, what: str) -> ResultTooLarge:
    return ResultTooLarge(f"the answer has more than {max_rows} {what}, the limit of this endpoint; narrow the "
                          f"query, or page through the answer with ORDER BY … LIMIT {max_rows} OFFSET …")


# How a writer's output bounds the number of solutions it holds: a byte sequence, and what to add to its count.
# The bound may be too high (a literal may hold the sequence: ``_solutions`` then counts again), never too low.
_MARKS: dict[str, tuple[bytes, int]] = {
    "TSV": (b"\n", -1),  # a header line, then one line per solution (line breaks in terms are escaped): exact
    "XML": (b"<result>", 0),  # one element per solution ('<' in a value is escaped): exact
    "CSV": (b"\n", -1),  # as TSV, but a quoted value may hold line breaks: at least
    "JSON": (b"},{", 1),  # between two solutions; a string may hold it too: at least
}
_EXACT = ("TSV", "XML")


class _Full(Exception):
    """Raised into the engine's writer to stop it: the answer may hold more solutions than it may."""


class _Counted:
    """A binary sink that keeps what a writer writes and counts ``mark`` in it (across writes); one more than
    ``most`` stops the writer (``_Full``), so a large answer is never read to its end."""

    def __init__(self, mark: bytes, most: int) -> None:
        self.mark, self.most = mark, most
        self.parts: list[bytes] = []
        self.count = 0
        self.tail = b""  # the last len(mark) - 1 bytes written: a mark may straddle two writes

    def write(self, data: bytes) -> int:
        edge = len(self.mark) - 1  # the marks across the edge are in tail + head, which is too short to hold another
        self.count += data.count(self.mark) + (self.tail + data[:edge]).count(self.mark)
        if self.count > self.most:
            raise _Full
        self.tail = (self.tail + data[-edge:])[-edge:] if edge else b""
        self.parts.append(bytes(data))  # (no copy: the engine writes ``bytes``)
        return len(data)

    def flush(self) -> None:
        pass


def _solutions(solutions: Any, fmt: Format, max_rows: int, again: Callable[[], Any]) -> bytes:
    """The table in ``fmt`` by the engine's writer, which is stopped once its output may hold more than
    ``max_rows`` solutions (``_MARKS``).  Where that bound is not exact, an answer it stopped is counted again
    exactly, from the query run ``again`` in TSV, and written from that TSV: only an answer over the limit, or
    one whose literals hold the mark, costs a second run."""
    from pyoxigraph import QueryResultsFormat, parse_query_results

    try:
        return _written(solutions, fmt.writer, max_rows)
    except _Full:
        if fmt.writer in _EXACT:
            raise _too_large(max_rows, "rows") from None
    try:
        tsv = _written(again(), "TSV", max_rows)
    except _Full:
        raise _too_large(max_rows, "rows") from None
    return parse_query_results(tsv, QueryResultsFormat.TSV).serialize(format=getattr(QueryResultsFormat, fmt.writer))


def _written(solutions: Any, writer: str, max_rows: int) -> bytes:
    """``solutions`` in pyoxigraph's ``writer``, or ``_Full`` once they may be more than ``max_rows``."""
    from pyoxigraph import QueryResultsFormat

    mark, extra = _MARKS[writer]
    sink = _Counted(mark, max_rows - extra)
    solutions.serialize(sink, getattr(QueryResultsFormat, writer))
    return b"".join(sink.parts)


def _graph(triples: Any, fmt: Format, max_rows: int, prefixes: Mapping[str, str]) -> bytes:
    """At most ``max_rows`` triples (one more is ``ResultTooLarge``) in ``fmt``, with the query's prefixes."""
    from pyoxigraph import RdfFormat, serialize

    read = list(islice(triples, max_rows + 1))
    if len(read) > max_rows:
        raise _too_large(max_rows, "triples")
    return serialize(read, format=getattr(RdfFormat, fmt.writer), prefixes=_usable(prefixes))


def _usable(prefixes: Mapping[str, str]) -> dict[str, str]:
    """The prefixes a writer can declare: a plain prefix name and an absolute IRI (the writer writes a name
    as it is given, so one it could not read back would make the answer unreadable)."""
    from pyoxigraph import NamedNode

    usable = {}
    for prefix, iri in prefixes.items():
        if _PREFIX_NAME.fullmatch(prefix):
            try:
                usable[prefix] = NamedNode(iri).value
            except ValueError:
                continue
    return usable


def _warm_up() -> None:
    """Load the parser and every writer once, so the first query pays no import."""
    from pyoxigraph import Store

    from policykg.graph.backends.sandbox.sparql_guard import check

    check("PREFIX ex: <http://example.org/> ASK { ?s ex:p ?o OPTIONAL { ?o ?q ?r } FILTER(?o != 1) }")
    check("PREFIX ex: <http://example.org/> SELECT * FROM ex:g WHERE { ?s ex:p ?o OPTIONAL { ?o ?q ?r } }")
    store = Store()
    queries: dict[Kind, str] = {"solutions": "SELECT ?x WHERE { BIND(1 AS ?x) }", "boolean": "ASK {}",
                                "graph": "CONSTRUCT { <http://example.org/s> <http://example.org/p> 1 } WHERE {}"}
    for kind, names in KINDS.items():
        for name in names:
            _serialise(store.query(queries[kind]), kind, FORMATS[name], 1, {"ex": "http://example.org/"},
                       partial(store.query, queries[kind]))
