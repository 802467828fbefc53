"""Request limits: body size (413) and the rate per client (429 with Retry-After), as configured."""

from __future__ import annotations

from dataclasses import replace

from fastapi.testclient import TestClient

from policykg.app import create_app


def test_a_client_over_its_rate_gets_429_then_is_served_again(api_settings):
    settings = replace(api_settings, rate_limit=5.0, rate_burst=10)
    with TestClient(create_app(settings)) as client:
        statuses = [client.get("/api/health").status_code for _ in range(30)]
        assert statuses[:10] == [200] * 10 and 429 in statuses
        refused = next(r for r in (client.get("/api/health") for _ in range(5)) if r.status_code == 429)
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["retry-after"]) >= 1 and "POLICYKG_RATE_LIMIT" in refused.json()["detail"]
    with TestClient(create_app(settings), client=("10.0.0.2", 1234)) as other:
        assert other.get("/api/health").status_code == 200  # another address has its own bucket


def test_the_bucket_refills_at_the_rate():
    from policykg.api.limits import RateLimit

    limiter = RateLimit(app=None, rate=2.0, burst=3)
    assert [limiter._take("a", 0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter._take("a", 0.0) == 0.5  # one token comes back in half a second
    assert limiter._take("a", 0.5) == 0.0
    assert limiter._take("a", 100.0) == 0.0 and limiter._buckets["a"][0] == 2.0  # never more than the burst


def test_idle_clients_are_forgotten_so_memory_stays_bounded():
    from policykg.api.limits import RateLimit

    limiter = RateLimit(app=None, rate=1.0, burst=2)
    limiter.MAX_CLIENTS = 100
    for i in range(500):
        limiter._take(f"10.0.{i // 256}.{i % 256}", float(i))
    assert len(limiter._buckets) <= 101


def test_a_body_over_the_limit_is_refused_before_it_is_read(api_settings):
    with TestClient(create_app(replace(api_settings, max_body_bytes=1000))) as client:
        response = client.post("/cypher", content=b'{"statement": "' + b"x" * 5000 + b'"}',
                               headers={"content-type": "application/json"})
        assert response.status_code == 413 and "POLICYKG_MAX_BODY_BYTES" in response.json()["detail"]
        assert client.post("/cypher", json={"statement": "RETURN 1 AS one"}).status_code == 200
