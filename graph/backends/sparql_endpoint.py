"""A SPARQL 1.1 triple store over HTTP: the graph pushed to it, and researchers' queries sent to it.

**Writing** (``push``): the dataset in service, with the SPARQL 1.1 Graph Store HTTP
Protocol.  One ``PUT <endpoint>?graph=<iri>`` per named graph (``PUT <endpoint>?default``
for triples in the default graph, if any), the body in N-Triples (default) or
Turtle with its ``Content-Type``.  A PUT *replaces* the graph, so pushing the
same build again changes nothing in the store; graphs that are in the store
but no longer in the dataset are left alone (delete them with
``delete_graph``).

The endpoint is the store's Graph Store Protocol URL, for example

- Oxigraph ``oxigraph serve``: ``http://localhost:7878/store``
- Apache Jena Fuseki: ``http://localhost:3030/<dataset>/data``
- GraphDB: ``http://localhost:7200/repositories/<repo>/rdf-graphs/service``
- Blazegraph / Virtuoso: see their manuals (``.../sparql-graph-crud`` for Virtuoso)

**Reading** (``query``): one query sent with the SPARQL 1.1 Protocol (POST, form-encoded,
``default-graph-uri`` and ``named-graph-uri`` passed on) to the store's query URL
(``http://localhost:7878/query`` for ``oxigraph serve``, ``…/<dataset>/sparql`` for
Fuseki, ``…/repositories/<repo>`` for GraphDB, ``…/sparql`` for Virtuoso and QLever),
its answer parsed by pyoxigraph, so ``/sparql`` can serve from a store a user already
runs (``policykg serve --sparql-endpoint URL``).  The check of what a query may be,
the time and row limits and the writing of the answer stay this server's
(``sandbox/sparql_worker.py``); the store only runs the query.

HTTP goes through ``urllib`` of the standard library (one tested path, no extra
dependency).  Connection failures and HTTP errors raise ``GraphStoreError`` (push)
or a ``QueryError`` (query) with the URL, the status and an excerpt of the
response body.
"""

from __future__ import annotations

import base64
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from typing import Any, Iterable, NamedTuple
from urllib.parse import urlencode

from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from policykg.graph.backends.reader import QueryError, QuerySyntaxError, QueryUnavailable
from policykg.graph.builds.datadir import load_dataset

# name → (rdflib serializer, Content-Type)
BODY_FORMATS = {
    "nt": ("nt", "application/n-triples; charset=utf-8"),
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
}
EXCERPT = 300  # characters of a response body quoted in an error
# what a query asks the store for: answers pyoxigraph parses (a table or a boolean; a graph)
QUERY_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"


class GraphStoreError(RuntimeError):
    """The store could not be reached, or answered with an HTTP error."""


class Reply(NamedTuple):
    status: int
    body: bytes
    content_type: str  # the media type alone, lower case, without parameters


@dataclass
class GraphPush:
    graph: str  # the graph IRI, or "default"
    triples: int
    seconds: float
    status: int  # the store's answer (201 created, 204/200 replaced)


@dataclass
class PushReport:
    endpoint: str
    graphs: list[GraphPush] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)

    def counts(self) -> dict[str, int]:
        """Triples per graph IRI ("default" for the default graph)."""
        return {g.graph: g.triples for g in self.graphs}


def graph_url(endpoint: str, graph: str | None) -> str:
    """``endpoint?graph=<iri>`` (percent-encoded), or ``endpoint?default`` when ``graph`` is None."""
    joiner = "&" if "?" in endpoint else "?"
    if graph is None or graph == "default":
        return f"{endpoint}{joiner}default"
    return f"{endpoint}{joiner}graph={quote(graph, safe='')}"


def push(dataset: Dataset, endpoint: str, *, fmt: str = "nt", auth: tuple[str, str] | None = None,
         timeout: float = 120.0, progress=None) -> PushReport:
    """PUT every graph of ``dataset`` to ``endpoint``; per-graph triple counts and seconds.

    ``auth`` is (user, password) for HTTP Basic authentication; ``progress`` is
    called as ``progress(graph_iri, done, total)`` after each graph.
    """
    if fmt not in BODY_FORMATS:
        raise ValueError(f"unknown body format {fmt!r}; choose one of {', '.join(BODY_FORMATS)}")
    serializer, content_type = BODY_FORMATS[fmt]
    started = time.perf_counter()
    report = PushReport(endpoint=endpoint)
    graphs = _split(dataset)
    for done, (identifier, body) in enumerate(graphs.items(), start=1):
        t0 = time.perf_counter()
        payload = body.serialize(format=serializer, encoding="utf-8")
        name = "default" if identifier == DATASET_DEFAULT_GRAPH_ID else str(identifier)
        status = _request("PUT", graph_url(endpoint, name), payload,
                          {"Content-Type": content_type}, auth, timeout).status
        report.graphs.append(GraphPush(graph=name, triples=len(body), seconds=time.perf_counter() - t0,
                                       status=status))
        if progress is not None:
            progress(name, done, len(graphs))
    report.seconds = time.perf_counter() - started
    return report


def push_data_dir(data_dir: Path, endpoint: str, **options) -> PushReport:
    """Push the build in service of ``data_dir`` (see ``push`` for the options)."""
    return push(load_dataset(Path(data_dir)), endpoint, **options)


def get_graph(endpoint: str, graph: str | None, *, auth: tuple[str, str] | None = None,
              timeout: float = 120.0) -> Graph:
    """``GET endpoint?graph=<iri>`` parsed (N-Triples asked for); raises GraphStoreError on 404 and others."""
    body = _request("GET", graph_url(endpoint, graph), None, {"Accept": "application/n-triples"},
                    auth, timeout).body
    result = Graph()
    result.parse(data=body.decode("utf-8"), format="nt")
    return result


def delete_graph(endpoint: str, graph: str | None, *, auth: tuple[str, str] | None = None,
                 timeout: float = 120.0) -> int:
    """``DELETE endpoint?graph=<iri>``; the HTTP status."""
    return _request("DELETE", graph_url(endpoint, graph), None, {}, auth, timeout).status


def query(endpoint: str, text: str, *, default_graphs: Iterable[str] = (), named_graphs: Iterable[str] = (),
          auth: tuple[str, str] | None = None, timeout: float = 60.0) -> Any:
    """Run ``text`` on the store's query URL; pyoxigraph's ``QuerySolutions``, ``QueryBoolean`` or quads.

    The store's own refusal of a query (HTTP 400) is a ``QuerySyntaxError`` quoting it; a store
    that cannot be reached is ``QueryUnavailable``; any other failure a ``QueryError``.
    """
    import pyoxigraph as ox

    form = [("query", text), *(("default-graph-uri", g) for g in default_graphs),
            *(("named-graph-uri", g) for g in named_graphs)]
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": QUERY_ACCEPT}
    try:
        reply = _send("POST", endpoint, urlencode(form).encode("utf-8"), headers, auth, timeout)
    except GraphStoreError as error:
        raise QueryUnavailable(f"{error}; the SPARQL endpoint this server answers from is not answering") from None
    excerpt = reply.body.decode("utf-8", errors="replace").strip()[:EXCERPT]
    if reply.status == 400:
        raise QuerySyntaxError(f"the SPARQL endpoint refused the query: {excerpt}")
    if reply.status >= 400:
        raise QueryError(f"the SPARQL endpoint {endpoint} answered HTTP {reply.status}: {excerpt}")
    if reply.content_type == "application/sparql-results+json":
        return ox.parse_query_results(reply.body, ox.QueryResultsFormat.JSON)
    if reply.content_type in ("application/n-triples", "text/plain"):
        return ox.parse(reply.body, ox.RdfFormat.N_TRIPLES)
    raise QueryError(f"the SPARQL endpoint {endpoint} answered in {reply.content_type or 'no media type'}, "
                     f"not one of the formats asked for ({QUERY_ACCEPT})")


# -- internals -------------------------------------------------------------------------------

def _split(dataset: Dataset) -> dict:
    """The graphs holding triples, each as a plain Graph: the default graph first, then by IRI."""
    graphs: dict = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        identifier = getattr(g, "identifier", g)
        if identifier is None:
            identifier = DATASET_DEFAULT_GRAPH_ID
        graphs.setdefault(identifier, Graph()).add((s, p, o))
    order = sorted(graphs, key=lambda g: (g != DATASET_DEFAULT_GRAPH_ID, str(g)))
    return {g: graphs[g] for g in order}


def _request(method: str, url: str, body: bytes | None, headers: dict[str, str],
             auth: tuple[str, str] | None, timeout: float) -> Reply:
    """One HTTP request; GraphStoreError for no connection or a status ≥ 400."""
    reply = _send(method, url, body, headers, auth, timeout)
    if reply.status >= 400:
        excerpt = reply.body.decode("utf-8", errors="replace").strip()[:EXCERPT]
        raise GraphStoreError(f"{method} {url} failed: HTTP {reply.status}" + (f": {excerpt}" if excerpt else ""))
    return reply


def _send(method: str, url: str, body: bytes | None, headers: dict[str, str],
          auth: tuple[str, str] | None, timeout: float) -> Reply:
    """One HTTP request, whatever its status; GraphStoreError when no answer came."""
    headers = dict(headers)
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode("utf-8")).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, response.read(), _media_type(response.headers))
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.read() or b"", _media_type(error.headers))
    except urllib.error.URLError as error:
        raise GraphStoreError(_unreachable(url, error.reason)) from error
    except (ConnectionError, TimeoutError, OSError) as error:
        raise GraphStoreError(_unreachable(url, error)) from error


def _media_type(headers: Any) -> str:
    return (headers.get("Content-Type") or "").split(";")[0].strip().lower() if headers else ""


def _unreachable(url: str, reason) -> str:
    if isinstance(reason, ConnectionRefusedError) or "refused" in str(reason).lower():
        return (f"cannot connect to the triple store at {url}: connection refused "
                f"(is the store running, and is the endpoint right?)")
    if isinstance(reason, TimeoutError) or "timed out" in str(reason).lower():
        return f"cannot connect to the triple store at {url}: timed out"
    return f"cannot connect to the triple store at {url}: {reason}"


__all__ = ["GraphStoreError", "GraphPush", "PushReport", "push", "push_data_dir", "get_graph",
           "delete_graph", "graph_url", "query", "BODY_FORMATS"]

