"""Answers to ``GET /api/…`` and ``GET /id/…`` kept per build: the graph in service never changes under them.

A build is immutable once published, so the same URL (with the same ``Accept``)
gets the same answer until a newer build is in service.  This ASGI middleware
keeps the successful (200) answers of those routes, least recently used first
out, within ``POLICYKG_ANSWER_CACHE_MB`` (0 turns it off); the key starts with
the build folder, so a newly published build is never answered from the old
one's entries, which are dropped at the switch.  Each answer says
``X-Policykg-Cache: hit`` or ``miss``.

Not kept: ``/sparql`` and ``/cypher`` (researchers' queries may ask for ``NOW()``
or ``rand()``), ``/api/health`` (it reports the server, not the graph), error
answers, and answers larger than a sixteenth of the cache.  It sits inside the
request limits, so a hit still counts against the client's rate.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-policykg-cache"
CACHED_PREFIXES = ("/api/", "/id/")
NOT_CACHED = ("/api/health",)


@dataclass(frozen=True)
class Answer:
    """A kept 200 answer."""

    headers: list[tuple[bytes, bytes]]
    body: bytes

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(name) + len(value) for name, value in self.headers)


class AnswerCache:
    """ASGI middleware: replays the kept answer of a GET, or keeps the answer the app gives."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes
        self._answers: OrderedDict[tuple, Answer] = OrderedDict()
        self._bytes = 0
        self._build: object = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope) if self.max_bytes > 0 else None
        if key is None:
            await self.app(scope, receive, send)
            return
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
            await _replay(answer, send)
            return
        await self.app(scope, receive, self._keeping(key, send))

    def _key(self, scope: Scope) -> tuple | None:
        """(build, path, query, Accept) for a cacheable GET, else None."""
        path = scope.get("path", "")
        if (scope["type"] != "http" or scope["method"] != "GET" or not path.startswith(CACHED_PREFIXES)
                or path in NOT_CACHED):
            return None
        holder = getattr(scope["app"].state, "holder", None) if "app" in scope else None
        if holder is None:
            return None
        build = holder.build_in_service()
        if build != self._build:  # a newer build: the old answers will never be asked for again
            self._answers.clear()
            self._bytes, self._build = 0, build
        accept = dict(scope.get("headers") or []).get(b"accept", b"")
        return build, path, scope.get("query_string", b""), accept

    def _keeping(self, key: tuple, send: Send) -> Send:
        """A ``send`` that passes the answer on and keeps a copy of a complete 200 answer."""
        start: dict = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                message = {**message, "headers": [*message.get("headers", []), (HEADER, b"miss")]}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and start.get("status") == 200:
                    self._store(key, Answer(list(start.get("headers", [])), b"".join(chunks)))
            await send(message)

        return keep

    def _store(self, key: tuple, answer: Answer) -> None:
        if answer.size > self.max_bytes // 16 or key in self._answers or key[0] != self._build:
            return
        self._answers[key] = answer
        self._bytes += answer.size
        while self._bytes > self.max_bytes:
            _, dropped = self._answers.popitem(last=False)
            self._bytes -= dropped.size


async def _replay(answer: Answer, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200,
                "headers": [*answer.headers, (HEADER, b"hit")]})
    await send({"type": "http.response.body", "body": answer.body})


def install(app: FastAPI, max_bytes: int) -> None:
    """Before ``limits.install``: the limits wrap the cache, so a hit is still rate-limited."""
    app.add_middleware(AnswerCache, max_bytes=max_bytes)
