"""Swagger UI at ``/docs`` works offline: everything the page loads comes from this server."""

from __future__ import annotations

import re
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

EXPECTED_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


class Loads(HTMLParser):
    """The URLs a browser would fetch for the page: script src, link href, img src."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []  # (tag, url)
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for attr in ("src", "href"):
            if values.get(attr) and tag in ("script", "link", "img", "iframe"):
                self.urls.append((tag, values[attr]))


def test_docs_page_loads_only_local_files(client):
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "http://" not in response.text and "https://" not in response.text  # no CDN, no validator badge
    loads = Loads(response.text).urls
    assert {tag for tag, _ in loads} >= {"script", "link"}
    for tag, url in loads:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), url
        served = client.get(url)
        assert served.status_code == 200, url
        path = urlsplit(url).path
        suffix = path[path.rfind("."):]
        assert served.headers["content-type"].startswith(EXPECTED_TYPES[suffix]), (url, served.headers)
        assert len(served.content) > 100


def test_the_bundle_is_swagger_ui_5(client):
    """Swagger UI 4 cannot read OpenAPI 3.1, the version FastAPI writes; 5 can."""
    (script,) = [url for tag, url in Loads(client.get("/docs").text).urls if tag == "script"]
    bundle = client.get(script).content
    assert b"SwaggerUIBundle" in bundle and client.get("/openapi.json").json()["openapi"].startswith("3.1")
    assert re.search(rb'"?version"?:\s*"5\.\d+\.\d+"', bundle) or b"5.36.0" in bundle


def test_the_spec_the_page_names_is_served_and_hides_the_docs_routes(client):
    text = client.get("/docs").text
    assert "url: '/openapi.json'" in text
    schema = client.get("/openapi.json").json()
    assert not any(path.startswith(("/docs", "/static/")) for path in schema["paths"])


def test_oauth2_redirect_page(client):
    response = client.get("/docs/oauth2-redirect")
    assert response.status_code == 200 and "oauth2" in response.text.lower()


def test_only_the_bundle_files_are_served(client):
    for name in ("index.html", "..%2F..%2F__init__.py", "swagger-ui.js"):
        response = client.get(f"/static/swagger/{name}")
        assert response.status_code == 404, name
        assert response.headers["content-type"] == "application/problem+json"


def test_docs_through_the_real_server(live_server):
    with urllib.request.urlopen(live_server + "/docs", timeout=10) as response:
        page = response.read().decode("utf-8")
    for _, url in Loads(page).urls:
        with urllib.request.urlopen(live_server + url, timeout=10) as asset:
            assert asset.status == 200


@pytest.mark.slow  # a real browser
def test_the_docs_page_renders_its_operations_in_a_browser(live_server):
    """Chromium opens /docs and waits for the operations to appear (4.x showed "Unable to render this definition")."""
    from .test_page import ARGS, CHROMIUM

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    outside: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda r: None if r.url.startswith(live_server) else outside.append(r.url))
            page.goto(live_server + "/docs")
            page.wait_for_selector(".opblock-summary-path", timeout=30_000)
            paths = page.locator(".opblock-summary-path").all_inner_texts()
            errors = page.locator(".errors-wrapper, .loading-container .errors").count()
        finally:
            browser.close()
    assert {"/api/programmes", "/sparql", "/cypher"} <= {p.strip().replace("\u200b", "") for p in paths}
    assert errors == 0 and outside == []
