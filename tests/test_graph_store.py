"""Pushing the built dataset to a triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

Two stores, each on 127.0.0.1 and a free port:

- ``oxigraph-serve``: the real Oxigraph server, ``oxigraph serve`` (in memory),
  from the ``oxigraph`` PyPI package (it ships the server binary; ``pyoxigraph``
  does not).  Skipped, with the reason, when no ``oxigraph`` binary is found
  next to the test interpreter or on PATH.
- ``stdlib-pyoxigraph``: a *minimal in-test* Graph Store Protocol server
  written here with the standard library's ``http.server`` and backed by a real
  ``pyoxigraph.Store`` (PUT / GET / DELETE ``?graph=<iri>`` or ``?default`` on
  ``/store``, and SELECT on ``/query``).  It is not a product: it checks that
  ``sparql_endpoint.push`` speaks the protocol, whatever binary is installed.

Both: every named graph of the real build is in the store with the dataset's
triple count; a second push changes nothing; a closed port gives a clear error.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from policykg.graph.backends.sparql_endpoint import GraphStoreError, get_graph, push, push_data_dir
from policykg.graph.builds.datadir import load_dataset

from .processes import free_port
from .oxigraph_server import oxigraph_server

pytestmark = pytest.mark.slow  # pushes to real triple stores: make test-fast leaves it out


# -- the minimal in-test Graph Store Protocol server (stdlib http.server + pyoxigraph) ----------

def _stdlib_server():
    import pyoxigraph as ox

    store = ox.Store()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _target(self):
            url = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
            if url.path != "/store":
                return None
            if "graph" in query:
                return ox.NamedNode(query["graph"][0])
            if "default" in query:
                return ox.DefaultGraph()
            return None

        def _answer(self, status, body=b"", content_type="text/plain; charset=utf-8"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_PUT(self):
            graph = self._target()
            if graph is None:
                return self._answer(400, b"PUT needs ?graph=<iri> or ?default")
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            kind = self.headers.get("Content-Type", "").split(";")[0].strip()
            fmt = ox.RdfFormat.from_media_type(kind)
            if fmt is None:
                return self._answer(415, f"unsupported Content-Type {kind}".encode())
            existed = isinstance(graph, ox.DefaultGraph) or store.contains_named_graph(graph)
            try:
                triples = list(ox.parse(body, format=fmt))
            except SyntaxError as error:
                return self._answer(400, str(error).encode())
            if existed:
                store.clear_graph(graph)
            else:
                store.add_graph(graph)
            store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
            self._answer(204 if existed else 201)

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/query":
                query = urllib.parse.parse_qs(url.query)["query"][0]
                body = store.query(query).serialize(format=ox.QueryResultsFormat.JSON)
                return self._answer(200, body, "application/sparql-results+json")
            graph = self._target()
            if graph is None:
                return self._answer(400, b"GET needs ?graph=<iri> or ?default")
            if isinstance(graph, ox.NamedNode) and not store.contains_named_graph(graph):
                return self._answer(404, f"no graph {graph.value}".encode())
            triples = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            self._answer(200, body, "application/n-triples")

        def do_DELETE(self):
            graph = self._target()
            if isinstance(graph, ox.NamedNode) and store.contains_named_graph(graph):
                store.remove_graph(graph)
                return self._answer(204)
            self._answer(404)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(params=["oxigraph-serve", "stdlib-pyoxigraph"])
def store(request):
    """The base URL of a running store: (kind, base); its GSP endpoint is base + '/store'."""
    if request.param == "stdlib-pyoxigraph":
        server, base = _stdlib_server()
        yield request.param, base
        server.shutdown()
        server.server_close()
        return
    with oxigraph_server() as base:
        yield request.param, base


def _named_graphs(base: str) -> set[str]:
    query = urllib.parse.urlencode({"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    request = urllib.request.Request(f"{base}/query?{query}",
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.load(response)["results"]["bindings"]
    return {row["g"]["value"] for row in rows}


def _snapshot(base: str, graphs) -> dict[str, frozenset]:
    """Each graph's triples as a set of N-Triples lines (no blank nodes compared by label)."""
    return {g: frozenset(get_graph(f"{base}/store", g).serialize(format="nt").splitlines()) for g in graphs}


def _dataset_counts(dataset) -> Counter:
    return Counter(str(g.identifier if hasattr(g, "identifier") else g)
                   for _, _, _, g in dataset.quads((None, None, None, None)))


def test_push_puts_every_named_graph_and_a_second_push_changes_nothing(built, store):
    _, data_dir = built
    kind, base = store
    endpoint = f"{base}/store"
    dataset = load_dataset(data_dir)
    expected = _dataset_counts(dataset)

    report = push(dataset, endpoint)
    assert report.counts() == dict(expected)
    assert all(g.status in (200, 201, 204) and g.seconds >= 0 for g in report.graphs)
    assert report.triples == sum(expected.values())

    assert _named_graphs(base) == set(expected), kind
    stored = {g: len(get_graph(endpoint, g)) for g in expected}
    assert stored == dict(expected), kind
    before = _snapshot(base, expected)

    again = push_data_dir(data_dir, endpoint, fmt="ttl")  # the other body format, same content
    assert again.counts() == dict(expected)
    assert _named_graphs(base) == set(expected)
    assert {g: len(get_graph(endpoint, g)) for g in expected} == dict(expected)
    after = _snapshot(base, expected)
    # blank nodes get fresh labels on each PUT: compare the ground triples exactly, the rest by count
    ground = lambda snap: {g: {t for t in lines if "_:" not in t} for g, lines in snap.items()}  # noqa: E731
    assert ground(after) == ground(before)
    assert {g: len(v) for g, v in after.items()} == {g: len(v) for g, v in before.items()}


def test_a_closed_port_gives_a_clear_error(built):
    _, data_dir = built
    port = free_port()  # bound then released: nothing listens there
    with pytest.raises(GraphStoreError, match="connection refused") as caught:
        push_data_dir(data_dir, f"http://127.0.0.1:{port}/store", timeout=5)
    assert f"127.0.0.1:{port}" in str(caught.value)


def test_an_http_error_quotes_status_and_body(built, store):
    _, base = store
    _, data_dir = built
    with pytest.raises(GraphStoreError, match=r"HTTP 404") as caught:
        get_graph(f"{base}/store", "https://w3id.org/policykg/id/graph/no-such-graph")
    assert "no-such-graph" in str(caught.value)


def test_cli_push_fills_the_store_and_says_how_much(built, store, capsys):
    from policykg.cli import main

    _, data_dir = built
    kind, base = store
    assert main(["push", "--data-dir", str(data_dir), "--sparql-store", f"{base}/store"]) == 0
    expected = _dataset_counts(load_dataset(data_dir))
    assert _named_graphs(base) == set(expected), kind
    assert f"{sum(expected.values())} triples in {len(expected)} graphs" in capsys.readouterr().err
    assert main(["push", "--data-dir", str(data_dir), "--sparql-store", "http://127.0.0.1:9/store"]) == 2
    assert "connection refused" in capsys.readouterr().err


def test_cli_exports_graphml_csv_and_jsonld_with_context(built, tmp_path):
    import networkx as nx
    from rdflib import Dataset

    from policykg.cli import main

    _, data_dir = built
    for fmt in ("graphml", "csv", "jsonld-context"):
        assert main(["export", "--data-dir", str(data_dir), "--format", fmt, "--out", str(tmp_path / fmt)]) == 0
    graph = nx.read_graphml(tmp_path / "graphml")
    assert graph.number_of_nodes() > 700
    assert (tmp_path / "csv" / "nodes.csv").exists() and (tmp_path / "csv" / "relationships.csv").exists()
    reread = Dataset()
    reread.parse(tmp_path / "jsonld-context", format="json-ld")
    assert sum(1 for _ in reread.quads((None, None, None, None))) == sum(_dataset_counts(load_dataset(data_dir)).values())
