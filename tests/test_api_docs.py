"""Swagger UI at ``/docs`` works offline: everything the page loads comes from this server."""

from __future__ import annotations

import urllib.request
from html.parser import HTMLParser
from urllib.parse import urlsplit

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
        suffix = url[url.rfind("."):]
        assert served.headers["content-type"].startswith(EXPECTED_TYPES[suffix]), (url, served.headers)
        assert len(served.content) > 100


def test_the_bundle_is_swagger_ui(client):
    (script,) = [url for tag, url in Loads(client.get("/docs").text).urls if tag == "script"]
    assert b"SwaggerUIBundle" in client.get(script).content


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
