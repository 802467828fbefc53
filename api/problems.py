"""Errors as RFC 9457 ``application/problem+json``, each with a message a person can act on.

Views raise ``Problem`` (or let a ``graph.reader.QueryError`` through); the
handlers registered by ``install`` turn those, FastAPI's validation errors and
unknown routes into problem documents, so every error of the API has one shape.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from policykg.graph.backends.reader import (QueryError, QueryRefused, QuerySyntaxError, QueryTimeout, QueryUnavailable,
                                            ResultTooLarge)
from policykg.ontology import PROBLEMS_BASE

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = PROBLEMS_BASE

# The shape of every problem document, for the OpenAPI description (``documented``).
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem", "type": "object", "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "a URI naming the kind of problem"},
        "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string", "description": "what went wrong and what to do"},
        "instance": {"type": "string", "description": "the path asked for"},
        "parameter": {"type": "string", "description": "the parameter at fault"},
        "errors": {"type": "array", "items": {"type": "object"},
                   "description": "each invalid parameter (`parameter`, `message`), or for /cypher Neo4j-style "
                                  "`code` and `message`"}},
}
_MEANINGS = {400: "The request could not be read (not JSON, not UTF-8) or the query could not be parsed",
             403: "Refused: the endpoint only reads", 404: "No such entity (or route)",
             406: "None of the formats the request accepts", 413: "The request body is too large "
             "(POLICYKG_MAX_BODY_BYTES)", 415: "A body of a media type this route does not read",
             422: "An invalid parameter (or, for queries, an answer over the row limit)",
             429: "Too many requests from this client; Retry-After says when to try again",
             503: "A query past the time limit, or the server busy; Retry-After says when to try again"}


def documented(*statuses: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for problem answers: ``application/problem+json`` with the problem's schema."""
    return {status: {"description": descriptions.get(f"s{status}", _MEANINGS[status]),
                     "content": {MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}}} for status in statuses}


class Problem(Exception):
    """An error answer: HTTP status, a short title and the detail that says what to do."""

    def __init__(self, status: int, title: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.extra = status, title, detail, extra

    def response(self, instance: str | None = None) -> JSONResponse:
        slug = self.title.lower().replace(" ", "-")
        body = {"type": TYPE_BASE + slug, "title": self.title, "status": self.status, "detail": self.detail,
                **({"instance": instance} if instance else {}), **self.extra}
        headers = {"Retry-After": "1"} if self.status == 503 else None
        return JSONResponse(body, status_code=self.status, media_type=MEDIA_TYPE, headers=headers)


def not_found(what: str, given: str, hint: str = "") -> Problem:
    return Problem(404, "Not found", f"no {what} {given!r}" + (f"; {hint}" if hint else ""))


def bad_parameter(name: str, detail: str) -> Problem:
    return Problem(422, "Invalid parameter", f"{name}: {detail}", parameter=name)


# What each refusal of a store becomes.
_QUERY_ERRORS: list[tuple[type[QueryError], int, str]] = [
    (QueryRefused, 403, "Read-only endpoint"),
    (QueryTimeout, 503, "Time limit reached"),
    (QueryUnavailable, 503, "Service unavailable"),
    (ResultTooLarge, 422, "Result limit reached"),
    (QuerySyntaxError, 400, "Query error"),
    (QueryError, 400, "Query error"),
]


def from_query_error(error: QueryError) -> Problem:
    for kind, status, title in _QUERY_ERRORS:
        if isinstance(error, kind):
            return Problem(status, title, str(error))
    raise AssertionError("unreachable")


def install(app: FastAPI) -> None:
    """Register the handlers that make every error a problem document."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, error: Problem) -> JSONResponse:
        return error.response(str(request.url.path))

    @app.exception_handler(QueryError)
    async def _query(request: Request, error: QueryError) -> JSONResponse:
        return from_query_error(error).response(str(request.url.path))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        broken = [e for e in error.errors() if e.get("type") == "json_invalid"]
        if broken:  # not a bad parameter: the body cannot be read at all
            where, why = broken[0].get("loc", ("body", "?"))[-1], (broken[0].get("ctx") or {}).get("error", "")
            return Problem(400, "Body is not JSON", f"the request body is not valid JSON (at character {where}"
                           f"{': ' + why if why else ''}); send a JSON object, e.g. "
                           '{"statement": "RETURN 1"}').response(str(request.url.path))
        errors = [{"parameter": ".".join(str(p) for p in e.get("loc", ())[1:]) or "body", "message": e.get("msg", "")}
                  for e in error.errors()]
        detail = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors)
        return Problem(422, "Invalid parameter", detail, errors=errors).response(str(request.url.path))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        title = {400: "Unreadable request", 404: "Not found", 405: "Method not allowed",
                 413: "Request too large"}.get(error.status_code, "Error")
        detail = str(error.detail) if error.detail else title
        if error.status_code == 404 and detail == "Not Found":
            detail = f"no route {request.url.path}; the API is described at /docs"
        return Problem(error.status_code, title, detail).response(str(request.url.path))
