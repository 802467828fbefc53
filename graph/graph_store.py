"""Push the dataset in service to any SPARQL 1.1 triple store (SPARQL 1.1 Graph Store HTTP Protocol).

One ``PUT <endpoint>?graph=<iri>`` per named graph (``PUT <endpoint>?default``
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

HTTP goes through ``urllib`` of the standard library (one tested path, no extra
dependency).  Connection failures and HTTP
errors raise ``GraphStoreError`` with the URL, the status and an excerpt of
the response body.
"""

from __future__ import annotations

import base64
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from .datadir import load_dataset

# name → (rdflib serializer, Content-Type)
BODY_FORMATS = {
    "nt": ("nt", "application/n-triples; charset=utf-8"),
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
}
EXCERPT = 300  # characters of a response body quoted in an error


class GraphStoreError(RuntimeError):
    """The store could not be reached, or answered with an HTTP error."""


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
        status, _ = _request("PUT", graph_url(endpoint, name), payload,
                             {"Content-Type": content_type}, auth, timeout)
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
    _, body = _request("GET", graph_url(endpoint, graph), None, {"Accept": "application/n-triples"},
                       auth, timeout)
    result = Graph()
    result.parse(data=body.decode("utf-8"), format="nt")
    return result


def delete_graph(endpoint: str, graph: str | None, *, auth: tuple[str, str] | None = None,
                 timeout: float = 120.0) -> int:
    """``DELETE endpoint?graph=<iri>``; the HTTP status."""
    status, _ = _request("DELETE", graph_url(endpoint, graph), None, {}, auth, timeout)
    return status


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
             auth: tuple[str, str] | None, timeout: float) -> tuple[int, bytes]:
    """One HTTP request → (status, body); GraphStoreError for no connection or a status ≥ 400."""
    headers = dict(headers)
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode("utf-8")).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    status, content = _request_urllib(method, url, body, headers, timeout)
    if status >= 400:
        excerpt = content.decode("utf-8", errors="replace").strip()[:EXCERPT]
        raise GraphStoreError(f"{method} {url} failed: HTTP {status}" + (f": {excerpt}" if excerpt else ""))
    return status, content


def _request_urllib(method, url, body, headers, timeout):
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read() or b""
    except urllib.error.URLError as error:
        raise GraphStoreError(_unreachable(url, error.reason)) from error
    except (ConnectionError, TimeoutError, OSError) as error:
        raise GraphStoreError(_unreachable(url, error)) from error


def _unreachable(url: str, reason) -> str:
    if isinstance(reason, ConnectionRefusedError) or "refused" in str(reason).lower():
        return (f"cannot connect to the triple store at {url}: connection refused "
                f"(is the store running, and is the endpoint right?)")
    if isinstance(reason, TimeoutError) or "timed out" in str(reason).lower():
        return f"cannot connect to the triple store at {url}: timed out"
    return f"cannot connect to the triple store at {url}: {reason}"


__all__ = ["GraphStoreError", "GraphPush", "PushReport", "push", "push_data_dir", "get_graph",
           "delete_graph", "graph_url", "BODY_FORMATS"]

