"""What the HTTP server answers before the app sees a request: a problem document, as every other error."""

from __future__ import annotations

import pytest

import json
import socket
from urllib.parse import urlsplit

pytestmark = pytest.mark.slow  # a real server process: make test-fast leaves it out


def raw(base: str, request: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send bytes as they are; (status line, headers, body)."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}, body


def test_a_raw_utf8_request_line_gets_a_problem_that_says_how_to_send_it(live_server):
    status, headers, body = raw(live_server, "GET /api/programmes?group=老年人 HTTP/1.1\r\nHost: x\r\n"
                                             "Connection: close\r\n\r\n".encode("utf-8"))
    assert status.startswith("HTTP/1.1 400") and headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == 400 and "--data-urlencode" in problem["detail"]


def test_a_malformed_request_line_is_a_problem_too(live_server):
    status, headers, body = raw(live_server, b"GET /api/search?q=a b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status.startswith("HTTP/1.1 400") and headers["content-type"] == "application/problem+json"
    assert json.loads(body)["title"] == "Invalid HTTP request"
