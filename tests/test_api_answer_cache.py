"""The answer cache: a GET of the graph is answered again from memory, until a newer build is in service."""

from __future__ import annotations

import shutil
import time

import pytest
from fastapi.testclient import TestClient

from policykg.api.settings import Settings
from policykg.app import create_app
from policykg.build import build

from .conftest import CORPUS

GROUP = {"group": "老年人", "limit": 500}
CACHE = "x-policykg-cache"


def test_the_same_get_is_answered_again_from_the_cache(client):
    first = client.get("/api/programmes", params={**GROUP, "limit": 7})
    again = client.get("/api/programmes", params={**GROUP, "limit": 7})
    assert first.status_code == again.status_code == 200
    assert first.headers[CACHE] == "miss" and again.headers[CACHE] == "hit"
    assert again.json() == first.json() and again.headers["content-type"] == first.headers["content-type"]
    other_page = client.get("/api/programmes", params={**GROUP, "limit": 7, "offset": 7})
    assert other_page.headers[CACHE] == "miss" and other_page.json()["items"] != first.json()["items"]


def test_each_format_of_an_entity_page_is_kept_apart(client):
    iri_path = "/id/plan/national-14th-minzheng-plan"
    turtle = [client.get(iri_path, headers={"Accept": "text/turtle"}) for _ in range(2)]
    json_ld = [client.get(iri_path, headers={"Accept": "application/ld+json"}) for _ in range(2)]
    assert [r.headers[CACHE] for r in turtle + json_ld] == ["miss", "hit", "miss", "hit"]
    assert turtle[1].headers["content-type"].startswith("text/turtle")
    assert json_ld[1].headers["content-type"].startswith("application/ld+json")
    assert turtle[1].text == turtle[0].text and json_ld[1].text == json_ld[0].text


def test_errors_queries_and_health_are_not_kept(client):
    missing = [client.get("/api/programmes/no-such-programme") for _ in range(2)]
    assert [r.status_code for r in missing] == [404, 404] and [r.headers[CACHE] for r in missing] == ["miss"] * 2
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    answers = [client.get("/sparql", params={"query": query}) for _ in range(2)]
    assert all(r.status_code == 200 and CACHE not in r.headers for r in answers)
    assert all(CACHE not in client.get("/api/health").headers for _ in range(2))


def test_no_cache_when_it_is_given_no_memory(api_settings):
    settings = Settings(**{**api_settings.__dict__, "answer_cache_mb": 0})
    with TestClient(create_app(settings)) as client:
        answers = [client.get("/api/programmes", params=GROUP) for _ in range(2)]
    assert [r.status_code for r in answers] == [200, 200] and all(CACHE not in r.headers for r in answers)


def test_bad_cache_size_is_refused():
    with pytest.raises(ValueError, match="answer cache"):
        Settings.from_env(answer_cache_mb="-1")


@pytest.mark.slow
def test_a_newer_build_is_never_answered_from_the_old_ones_answers(tmp_path):
    """Serve a build without the national plan, ask twice (the second a hit), publish the five documents:
    the same URL now answers from the new graph (more programmes), and from the cache after that."""
    four = tmp_path / "four"
    four.mkdir()
    for path in sorted(CORPUS.glob("00[0-9]_*")):
        if not path.name.startswith("002_"):  # 002 is the national plan
            shutil.copy(path, four / path.name)
    data_dir = tmp_path / "data"
    build(four, data_dir)
    settings = Settings(data_dir=data_dir, rate_limit=0, sparql_workers=1, reload_check_s=0.1)
    with TestClient(create_app(settings)) as client:
        before = [client.get("/api/programmes", params=GROUP) for _ in range(2)]
        assert [r.status_code for r in before] == [200, 200]  # a build whose plans align with nothing
        assert [r.headers[CACHE] for r in before] == ["miss", "hit"]
        build(CORPUS, data_dir)
        deadline = time.monotonic() + 60
        while client.get("/api/programmes", params=GROUP).json()["total"] == before[0].json()["total"]:
            assert time.monotonic() < deadline, "the server did not move to the new build"
            time.sleep(0.2)
        after = [client.get("/api/programmes", params=GROUP) for _ in range(2)]
    assert after[0].json()["total"] > before[0].json()["total"]
    assert [r.headers[CACHE] for r in after] == ["hit", "hit"]  # the first new answer was kept by the loop above
    assert after[0].json() == after[1].json()
