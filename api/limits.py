"""Request limits below the views: the body size and the request rate per client.

- A body is refused with 413 as soon as its declared length, or the bytes
  actually received, pass ``POLICYKG_MAX_BODY_BYTES``, so an oversized upload is
  never read whole.
- Each client address has a token bucket: ``POLICYKG_RATE_BURST`` requests at
  once, refilled at ``POLICYKG_RATE_LIMIT`` per second; past it, 429 with
  ``Retry-After``.  The address is the TCP peer's: behind a reverse proxy every
  client shares the proxy's address, so rate-limit at the proxy instead (and
  set ``POLICYKG_RATE_LIMIT=0``).
"""

from __future__ import annotations

import math
import threading
import time

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from policykg.api.problems import Problem
from policykg.api.settings import Settings


class BodySizeLimit:
    """ASGI middleware: 413 problem for a body over ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = refused = False

        async def limited_receive() -> Message:
            # Past the limit: answer 413 at once and tell the app the client left (FastAPI turns any error
            # while reading the body into its own 400, so raising here would lose the 413).
            nonlocal received, started, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    refused = True
                    if not started:
                        started = True
                        await self._refuse(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 is the answer; the app's reaction to the "disconnect" is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, limited_receive, tracking_send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = Problem(413, "Request too large",
                          f"the request body is larger than {self.max_bytes} bytes (POLICYKG_MAX_BODY_BYTES)")
        await problem.response(scope.get("path"))(scope, receive, send)


class RateLimit:
    """ASGI middleware: a token bucket per client address; 429 problem when it is empty."""

    MAX_CLIENTS = 100_000  # buckets kept; full buckets are dropped first, so memory stays bounded

    def __init__(self, app: ASGIApp, rate: float, burst: int) -> None:
        self.app, self.rate, self.burst = app, rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}  # address -> (tokens, when)
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.rate <= 0:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self._take(client, time.monotonic())
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        problem = Problem(429, "Too many requests",
                          f"more than {self.burst} requests at once or {self.rate:g} a second from {client}; "
                          f"wait {math.ceil(wait)} s (POLICYKG_RATE_LIMIT, POLICYKG_RATE_BURST)")
        response = problem.response(scope.get("path"))
        response.headers["Retry-After"] = str(math.ceil(wait))
        await response(scope, receive, send)

    def _take(self, client: str, now: float) -> float:
        """Take a token for ``client``: 0 if granted, else the seconds until one is free."""
        with self._lock:
            tokens, then = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.rate)
            if tokens < 1:
                self._buckets[client] = (tokens, now)
                return (1 - tokens) / self.rate
            self._buckets[client] = (tokens - 1, now)
            if len(self._buckets) > self.MAX_CLIENTS:
                self._forget_idle(now)
            return 0.0

    def _forget_idle(self, now: float) -> None:
        """Drop the buckets that would be full by now: forgetting them changes nothing."""
        full_after = self.burst / self.rate
        self._buckets = {c: b for c, b in self._buckets.items() if now - b[1] < full_after}


def install(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RateLimit, rate=settings.rate_limit, burst=settings.rate_burst)
