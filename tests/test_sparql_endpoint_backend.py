"""``/sparql`` served from a SPARQL 1.1 endpoint the graph was pushed to (``serve --sparql-endpoint``).

The store is a real ``oxigraph serve`` (in memory, its default graph the union of the named
graphs, as the build's own store is read), filled with ``policykg push``'s function.  The
app's answers must be the ones it gives from its own store, and the same guard and limits
must hold: the hostile list of ``test_api_sparql.py`` gets the same statuses and leaves the
store as it was.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from policykg.api.settings import Settings
from policykg.app import create_app
from policykg.graph.backends.sparql_endpoint import push_data_dir, query

from .oxigraph_server import oxigraph_server
from .processes import free_port
from .test_api_sparql import CONSTRUCT, EXAMPLE, HOSTILE, NATIONAL, QUADS, SRJ, TURTLE

pytestmark = pytest.mark.slow  # a real oxigraph serve, filled by push: make test-fast leaves it out

ASK = 'PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ASK { ?g skos:prefLabel "农村留守老年人"@zh }'


@pytest.fixture(scope="module")
def endpoint(built):
    """The query URL of an ``oxigraph serve`` holding the session's build."""
    _, data_dir = built
    with oxigraph_server("--union-default-graph") as base:
        report = push_data_dir(data_dir, base + "/store")
        assert report.triples > 40_000
        yield base + "/query"


@pytest.fixture(scope="module")
def remote(api_settings, endpoint):
    """The app as the session's, but answering /sparql from the endpoint."""
    from dataclasses import replace

    with TestClient(create_app(replace(api_settings, sparql_endpoint=endpoint))) as test_client:
        yield test_client


def _ask(client, text: str, accept: str = SRJ, **params):
    return client.get("/sparql", params={"query": text, **params}, headers={"Accept": accept})


def _bindings(response) -> list:
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    return sorted(json.dumps(row, sort_keys=True, ensure_ascii=False) for row in rows)


def _quads(client) -> int:
    response = _ask(client, QUADS)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _stored(endpoint: str) -> int:
    """Quads in the store, asked of it directly."""
    return int(next(iter(query(endpoint, QUADS)))["n"].value)


def test_the_answers_are_those_of_the_build_store(client, remote):
    local, served = _bindings(_ask(client, EXAMPLE)), _bindings(_ask(remote, EXAMPLE))
    assert len(local) > 10 and served == local
    assert _quads(remote) == _quads(client) > 40_000
    assert _ask(remote, ASK).json()["boolean"] is True


def test_a_graph_answer_is_written_by_this_server(client, remote):
    local, served = _ask(client, CONSTRUCT, TURTLE), _ask(remote, CONSTRUCT, TURTLE)
    assert served.status_code == 200 and served.headers["content-type"].startswith(TURTLE)
    assert len(Graph().parse(data=served.text, format="turtle")) == \
        len(Graph().parse(data=local.text, format="turtle")) > 20


def test_the_protocol_graphs_are_passed_on(client, remote):
    """``default-graph-uri`` narrows the answer to one plan's graph, on the endpoint as here."""
    narrowed = {"default-graph-uri": NATIONAL}
    assert _bindings(_ask(remote, QUADS.replace("GRAPH ?g { ?s ?p ?o }", "?s ?p ?o"), **narrowed)) == \
        _bindings(_ask(client, QUADS.replace("GRAPH ?g { ?s ?p ?o }", "?s ?p ?o"), **narrowed))


@pytest.mark.parametrize("text,status,message", HOSTILE)
def test_the_guard_and_the_limits_hold(remote, endpoint, text, status, message):
    before = _stored(endpoint)
    response = _ask(remote, text)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert _stored(endpoint) == before


def test_an_update_is_refused_here_not_by_the_store(remote, endpoint):
    """The store itself would take this update (``oxigraph serve`` is read-write); the guard stops it first."""
    before = _stored(endpoint)
    update = "INSERT DATA { GRAPH <http://e/g> { <http://e/s> <http://e/p> <http://e/o> } }"
    for response in (remote.post("/sparql", data={"update": update}),
                     remote.post("/sparql", content=update, headers={"Content-Type": "application/sparql-query"})):
        assert response.status_code == 403
    assert _stored(endpoint) == before


def test_an_endpoint_that_does_not_answer_is_a_problem_not_a_hang(api_settings):
    from dataclasses import replace

    gone = f"http://127.0.0.1:{free_port()}/query"  # bound then released: nothing listens there
    with TestClient(create_app(replace(api_settings, sparql_endpoint=gone))) as client:
        response = _ask(client, ASK)
        assert response.status_code == 503, response.text
        assert "not answering" in response.json()["detail"] and gone in response.json()["detail"]
        assert client.get("/api/health").status_code == 200  # the rest of the API is the build's


def test_the_endpoint_setting_must_be_a_url(api_settings):
    with pytest.raises(ValueError, match="http:// or https:// query URL"):
        Settings.from_env(data_dir=api_settings.data_dir, sparql_endpoint="localhost:7878/query")
    assert Settings.from_env(data_dir=api_settings.data_dir,
                             sparql_endpoint="http://localhost:7878/query").sparql_endpoint.endswith("/query")
