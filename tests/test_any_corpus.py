"""Any corpus answers every route: a build of one document alone serves every REST route and every
catalogue query without a 4xx/5xx (but the deliberate 404 for an absent IRI).

A user who builds only their own plans used to get ``400 Table Article does not exist`` from
``/api/plans`` and ``400 Cannot find property status_text`` from ``/api/indicators``: the
LadybugDB schema came from what the corpus held.  It now comes from the mapping's data
(``property-graph.yaml``, ``graph/mapping/schema.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from policykg.graph.backends.embedded import open_cypher, open_sparql
from policykg.graph.builds.datadir import DataDir
from policykg.graph.mapping.schema import declared_schema
from policykg.graph.questions import catalogue

from .conftest import CORPUS, ROOT

pytestmark = pytest.mark.slow  # builds of generated and odd corpora: make test-fast leaves it out

REALWORLD = ROOT.parent / "shared" / "realworld"
ALONE = [*sorted(CORPUS.glob("*.txt")), *(sorted(REALWORLD.glob("*.txt")) if REALWORLD.is_dir() else [])]
ABSENT = "plan/no-such-plan-in-this-build"
# Routes that take no entity: a query string that exercises their filters.
LISTS = {
    "/api/plans": [{}, {"limit": 1, "offset": 1}],
    "/api/indicators": [{}, {"q": "覆盖率"}],
    "/api/indicators/compare": [{"q": "覆盖率"}, {"q": "养老"}],
    "/api/programmes": [{}, {"group": "老年人"}, {"domain": "养老服务"}, {"q": "服务"}, {"body": "民政部"}],
    "/api/groups": [{}], "/api/domains": [{}], "/api/areas": [{}], "/api/bodies": [{}], "/api/health": [{}],
    "/api/search": [{"q": "养老"}, {"q": "elderly"}],
    "/api/passages": [{"q": "养老"}, {"q": "服务 -农村", "level": "national"}, {"q": '"十四五" OR 规划'}],
    "/sparql": [{"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}],
    "/ontology": [{}],
}


def route_paths(app) -> set[str]:
    """Every documented route of the app (the OpenAPI paths: what a client is told it may call)."""
    return set(app.openapi()["paths"])


@pytest.fixture(scope="module", params=ALONE, ids=lambda p: p.name)
def alone(request, tmp_path_factory):
    """One document (with its sidecar) built alone, and a client of the app serving it."""
    from fastapi.testclient import TestClient

    from policykg.api.settings import Settings
    from policykg.app import create_app
    from policykg.build import build

    path: Path = request.param
    corpus = tmp_path_factory.mktemp("alone")
    shutil.copy(path, corpus / path.name)
    sidecar = path.with_name(path.stem + ".meta.yaml")
    if sidecar.exists():
        shutil.copy(sidecar, corpus / sidecar.name)
    data_dir = tmp_path_factory.mktemp("alone-data")
    report = build(corpus, data_dir)
    assert not report.failed, [d.error for d in report.failed]
    settings = Settings(data_dir=data_dir, query_timeout_s=10.0, row_limit=5000, sparql_workers=1, rate_limit=0)
    with TestClient(create_app(settings)) as client:
        yield client, data_dir


def ok(client, method: str, url: str, **kwargs) -> dict | list | str:
    answer = client.request(method, url, **kwargs)
    assert answer.status_code < 400, (url, kwargs, answer.status_code, answer.text[:300])
    return answer.json() if "json" in answer.headers.get("content-type", "") else answer.text


def first_id(client, url: str, **params) -> str | None:
    items = ok(client, "GET", url, params={**params, "limit": 1})
    items = items["items"] if isinstance(items, dict) else items
    return items[0]["id"] if items else None


def test_every_route_answers(alone) -> None:
    client, _ = alone
    called: set[str] = set()
    for route, variants in LISTS.items():
        for params in variants:
            ok(client, "GET", route, params=params)
        called.add(route)
    plans = ok(client, "GET", "/api/plans", params={"limit": 200})["items"]
    assert plans, "the document is listed"
    own = plans[0]  # documents of the corpus come first
    for plan in plans:
        detail = ok(client, "GET", f"/api/plans/{plan['id']}")
        assert {"period_start", "period_end", "succeeds", "outline"} <= set(detail)
    called.add("/api/plans/{plan_id}")
    assert "rows" in ok(client, "GET", f"/api/plans/{own['id']}/coverage")
    assert ok(client, "GET", f"/api/plans/{own['id']}/coverage", params={"format": "csv"}).startswith("\ufeffkind,")
    called.add("/api/plans/{plan_id}/coverage")
    if own["type"] == "Plan":  # the filter takes plans only: an article is a deliberate 422
        ok(client, "GET", "/api/indicators", params={"plan": own["id"]})
    ok(client, "GET", "/api/programmes", params={"plan": own["id"]})
    hits = ok(client, "GET", "/api/passages", params={"q": "发展", "plan": own["id"]})["items"]
    if hits:  # a document that never writes 发展 has no passage to open here
        ok(client, "GET", f"/api/passages/{hits[0]['id']}")
    called.add("/api/passages/{passage_id}")
    for route, listing in (("/api/indicators/{indicator_id}", "/api/indicators"),
                           ("/api/programmes/{programme_id}", "/api/programmes")):
        found = first_id(client, listing)
        if found:  # a document with no table has no indicator to ask for
            ok(client, "GET", listing + "/" + found)
        called.add(route)
    if found := first_id(client, "/api/programmes"):
        assert "total" in ok(client, "GET", f"/api/programmes/{found}/aligned")
    called.add("/api/programmes/{programme_id}/aligned")
    ok(client, "GET", f"/api/entities/{own['id']}")
    near = ok(client, "GET", f"/api/entities/{own['id']}/neighbours", params={"depth": 2})
    if near["edges"]:
        edge = near["edges"][0]
        assert ok(client, "GET", "/api/relations", params={k: edge[k] for k in ("source", "type", "target")})
    called.add("/api/relations")
    far = max(near["nodes"], key=lambda n: (n["distance"] or 0, n["id"]))  # a path to it exists (no path: 404)
    assert ok(client, "GET", "/api/path", params={"from": own["id"], "to": far["id"]})
    ok(client, "GET", f"/id/{own['id']}", headers={"Accept": "text/turtle"})
    ok(client, "GET", f"/id/{own['id']}", headers={"Accept": "application/ld+json"})
    ok(client, "POST", "/sparql", content="ASK { ?s ?p ?o }", headers={"Content-Type": "application/sparql-query"})
    answer = ok(client, "POST", "/cypher", json={"statement": "MATCH (p:Plan) RETURN p.name_zh, p.period_start"})
    assert answer["data"]["fields"]
    called |= {"/api/entities/{entity_id}", "/api/entities/{entity_id}/neighbours", "/api/path", "/id/{path}",
               "/cypher"}
    ok(client, "GET", "/")
    ok(client, "GET", "/docs")
    assert called == route_paths(client.app), "a route of the app is not called here"


def test_an_absent_iri_is_a_deliberate_404(alone) -> None:
    client, _ = alone
    for url in (f"/api/plans/{ABSENT}", f"/api/entities/{ABSENT}", f"/api/programmes/{quote('programme/none')}",
                f"/api/indicators/{quote('indicator/none')}"):
        answer = client.get(url)
        assert answer.status_code == 404 and answer.headers["content-type"].startswith("application/problem+json")


def test_every_catalogue_query_runs_on_both_engines(alone) -> None:
    client, data_dir = alone
    folder = DataDir(data_dir).current()
    titles = [p["name_zh"] for p in ok(client, "GET", "/api/plans", params={"limit": 200})["items"] if p["name_zh"]]
    with open_cypher(folder) as cypher:
        sparql = open_sparql(folder)
        for named in catalogue.queries():
            for params in ({}, {"plan": titles[0]} if "plan" in named.params else {}):
                cypher_rows = catalogue.run("cypher", cypher, named, params)
                sparql_rows = catalogue.run("sparql", sparql, named, params)
                assert cypher_rows == sparql_rows, named.name
        del sparql


def test_the_store_has_every_declared_table_and_column(alone) -> None:
    """The tables are the declared schema's, whatever the document holds."""
    _, data_dir = alone
    schema = declared_schema()
    with open_cypher(DataDir(data_dir).current()) as cypher:
        tables = {row[1] for row in cypher.query("CALL show_tables() RETURN *")[1]}
        assert set(schema.labels) | set(schema.relationships) <= tables
        columns = {row[1] for row in cypher.query("CALL table_info('Indicator') RETURN *")[1]}
        assert set(schema.labels["Indicator"].properties) <= columns


def test_the_bundled_corpus_fits_the_declared_schema(built) -> None:
    """The declared schema is not behind the mapping: every table, column (with its type) and label pair a
    build of the whole corpus produces is declared, so a build of part of it has them all."""
    import pyoxigraph

    from policykg.graph.mapping.mapper import stream_store
    from policykg.graph.mapping.model import SchemaBuilder

    store = pyoxigraph.Store.read_only(str(DataDir(built[1]).current() / "sparql"))
    nodes, relationships = stream_store(store)
    builder = SchemaBuilder()
    for node in nodes:
        builder.add_node(node)
    for rel in relationships:
        builder.add_relationship(rel)
    found, declared = builder.schema(uniform_lists=True), declared_schema()
    for label, table in found.labels.items():
        assert table.properties.items() <= declared.labels[label].properties.items(), label
    for name, rel in found.relationships.items():
        assert rel.properties.items() <= declared.relationships[name].properties.items(), name
        assert set(rel.pairs) <= set(declared.relationships[name].pairs), name
