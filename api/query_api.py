"""Neo4j's HTTP Query API (v2), read-only, so Neo4j's own clients can use this server.

What the official drivers' HTTP mode (``GraphDatabase.driver("http://host:port")``) and plain
Query API clients send, answered:

- ``GET /`` with ``Accept: application/json``: the discovery document (``neo4j_version``, the
  ``query`` and ``transaction`` URL templates); a browser asking for HTML still gets the page;
- ``POST /db/{db}/query/v2``: one statement, as ``/cypher``;
- ``POST /db/{db}/query/v2/tx`` (begin), ``POST …/tx/{id}`` (run), ``POST …/tx/{id}/commit``
  and ``DELETE …/tx/{id}`` (roll back): explicit transactions.  The graph only reads, so a
  transaction groups statements and ends; nothing is kept but its id, which expires after
  ``TX_TTL_S`` idle seconds, as Neo4j's do.  Statements of one transaction read the build
  in service when each runs;
- bodies and answers in plain JSON or in typed JSON (``application/vnd.neo4j.query``:
  ``{"$type": "Integer", "_value": "1"}``), as the request's ``Content-Type`` and ``Accept``
  say.  A node is typed as a ``Node`` (its IRI is its element id); a relationship or a path
  as a ``Map`` of its parts, since the store's answer carries no element ids for them.

Every statement goes through the same reader as ``/cypher`` (``guard=True``): read-only,
time and row limits, Neo4j's list positions.  Errors carry Neo4j's ``errors: [{code, message}]``.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from policykg import __version__
from policykg.api.cypher import CypherRequest, run
from policykg.api.problems import Problem
from policykg.api.services import Services, services

router = APIRouter(include_in_schema=False)

TYPED = "application/vnd.neo4j.query"
NEO4J_VERSION = "5.26.0"  # the Query API version this server follows, for the drivers' feature checks
TX_TTL_S = 30.0  # an idle transaction expires, as Neo4j's do by default
MAX_OPEN_TX = 1000  # beyond this many open transactions, a new one is refused (clients that never close them)


# -- typed JSON ---------------------------------------------------------------------------------------------

def typed(value: Any) -> dict[str, Any]:
    """A plain answer value as Neo4j's typed JSON."""
    if value is None:
        return {"$type": "Null", "_value": None}
    if isinstance(value, bool):
        return {"$type": "Boolean", "_value": value}
    if isinstance(value, int):
        return {"$type": "Integer", "_value": str(value)}
    if isinstance(value, float):
        return {"$type": "Float", "_value": repr(value)}
    if isinstance(value, str):
        return {"$type": "String", "_value": value}
    if isinstance(value, list):
        return {"$type": "List", "_value": [typed(v) for v in value]}
    if isinstance(value, dict) and set(value) >= {"labels", "properties"} and "type" not in value:
        properties = value["properties"]
        return {"$type": "Node", "_value": {"_element_id": str(value.get("elementId") or properties.get("iri")),
                                            "_labels": list(value["labels"]),
                                            "_properties": {k: typed(v) for k, v in properties.items()}}}
    if isinstance(value, dict):
        return {"$type": "Map", "_value": {str(k): typed(v) for k, v in value.items()}}
    return {"$type": "String", "_value": str(value)}


_PLAIN = {"Null": lambda v: None, "Boolean": bool, "Integer": int, "Float": float, "String": str}


def untyped(value: Any) -> Any:
    """A typed JSON parameter as a plain value; a type a read-only graph of strings has no use for is refused."""
    if not isinstance(value, dict) or "$type" not in value:
        raise _bad_request(f"a typed parameter is {{\"$type\": …, \"_value\": …}}, not {json.dumps(value)[:80]}")
    kind, inner = value["$type"], value.get("_value")
    try:
        if kind in _PLAIN:
            return _PLAIN[kind](inner)
        if kind == "List":
            return [untyped(v) for v in inner]
        if kind == "Map":
            return {k: untyped(v) for k, v in inner.items()}
    except (TypeError, ValueError, AttributeError):
        raise _bad_request(f"a {kind} parameter whose value is {json.dumps(inner)[:80]}") from None
    raise _bad_request(f"parameters of type {kind} are not taken here: send Null, Boolean, Integer, Float, "
                       "String, List or Map")


def _bad_request(detail: str) -> Problem:
    return Problem(400, "Invalid request", detail, errors=[{"code": "Neo.ClientError.Request.Invalid",
                                                            "message": detail}])


# -- requests and answers -----------------------------------------------------------------------------------

async def _statement(request: Request) -> CypherRequest | None:
    """The body's statement and parameters (typed or plain JSON), or None for a body without a statement."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _bad_request("the body is not JSON") from None
    if not isinstance(body, dict):
        raise _bad_request("the body is a JSON object: {\"statement\": …, \"parameters\": {…}}")
    if not body.get("statement"):
        return None
    parameters = body.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise _bad_request("parameters are a JSON object of names to values")
    if TYPED in request.headers.get("content-type", ""):
        parameters = {name: untyped(value) for name, value in parameters.items()}
    try:
        return CypherRequest(statement=body["statement"], parameters=parameters)
    except ValueError as error:
        raise _bad_request(str(error)) from None


def _answer(request: Request, answer: dict[str, Any], status: int = 200) -> Response:
    """Plain JSON, or typed JSON when the client accepts it (its values typed, the rest as it is)."""
    if TYPED not in request.headers.get("accept", ""):
        return JSONResponse(answer, status_code=status)
    data = answer.get("data")
    if data is not None:
        answer = {**answer, "data": {"fields": data["fields"],
                                     "values": [[typed(v) for v in row] for row in data["values"]]}}
    return Response(json.dumps(answer, ensure_ascii=False), status_code=status, media_type=TYPED)


async def _run(statement: CypherRequest, svc: Services) -> dict[str, Any]:
    """``/cypher``'s ``run`` in the thread pool, as the sync ``/cypher`` route runs: a statement may take up to
    the time limit, and the routes here are async only to read their bodies."""
    return await run_in_threadpool(run, statement, svc)


@router.post("/db/{database}/query/v2")
async def query(database: str, request: Request, svc: Annotated[Services, Depends(services)]) -> Response:
    """One statement; the database name is ignored (one graph is served)."""
    statement = await _statement(request)
    if statement is None:
        raise _bad_request("no statement: send {\"statement\": …}")
    return _answer(request, await _run(statement, svc))


# -- transactions -------------------------------------------------------------------------------------------

class Transactions:
    """Open transaction ids and when each expires; nothing else is kept (the graph only reads)."""

    def __init__(self) -> None:
        self._expires: dict[str, float] = {}
        self._lock = threading.Lock()

    def begin(self) -> str:
        with self._lock:
            self._forget_expired()
            if len(self._expires) >= MAX_OPEN_TX:
                raise Problem(503, "Service unavailable", f"{MAX_OPEN_TX} transactions are open: commit or roll "
                              "back yours (an idle one expires after 30 s)")
            tx_id = secrets.token_hex(8)
            self._expires[tx_id] = time.monotonic() + TX_TTL_S
            return tx_id

    def touch(self, tx_id: str) -> None:
        """Keep ``tx_id`` open for another ``TX_TTL_S``; 404 when it is unknown or expired."""
        with self._lock:
            self._forget_expired()
            if tx_id not in self._expires:
                raise _not_found(tx_id)
            self._expires[tx_id] = time.monotonic() + TX_TTL_S

    def end(self, tx_id: str) -> None:
        with self._lock:
            self._forget_expired()
            if self._expires.pop(tx_id, None) is None:
                raise _not_found(tx_id)

    def _forget_expired(self) -> None:
        now = time.monotonic()
        for tx_id in [t for t, expires in self._expires.items() if expires < now]:
            del self._expires[tx_id]


def _not_found(tx_id: str) -> Problem:
    detail = f"no open transaction {tx_id!r}: it was committed, rolled back, or expired after {TX_TTL_S:.0f} s idle"
    return Problem(404, "Not found", detail, errors=[{"code": "Neo.ClientError.Transaction.TransactionNotFound",
                                                      "message": detail}])


def _transactions(request: Request) -> Transactions:
    state = request.app.state
    if not hasattr(state, "query_api_transactions"):
        state.query_api_transactions = Transactions()
    return state.query_api_transactions


def _tx_info(tx_id: str) -> dict[str, str]:
    expires = datetime.now(timezone.utc) + timedelta(seconds=TX_TTL_S)
    return {"id": tx_id, "expires": expires.isoformat(timespec="seconds").replace("+00:00", "Z")}


@router.post("/db/{database}/query/v2/tx", status_code=202)
async def begin(database: str, request: Request, svc: Annotated[Services, Depends(services)]) -> Response:
    """Begin a transaction (with a first statement, if the body has one)."""
    statement = await _statement(request)
    tx_id = _transactions(request).begin()
    answer: dict[str, Any] = {"data": {"fields": [], "values": []}, "bookmarks": []}
    if statement is not None:
        answer = await _run(statement, svc)
    return _answer(request, {**answer, "transaction": _tx_info(tx_id)}, status=202)


@router.post("/db/{database}/query/v2/tx/{tx_id}")
async def run_in(database: str, tx_id: str, request: Request,
                 svc: Annotated[Services, Depends(services)]) -> Response:
    """Run a statement in an open transaction."""
    _transactions(request).touch(tx_id)
    statement = await _statement(request)
    if statement is None:
        raise _bad_request("no statement: send {\"statement\": …}")
    return _answer(request, {**await _run(statement, svc), "transaction": _tx_info(tx_id)}, status=202)


@router.post("/db/{database}/query/v2/tx/{tx_id}/commit")
async def commit(database: str, tx_id: str, request: Request,
                 svc: Annotated[Services, Depends(services)]) -> Response:
    """Commit (with a last statement, if the body has one): the transaction ends."""
    _transactions(request).touch(tx_id)
    statement = await _statement(request)
    answer = await _run(statement, svc) if statement is not None else {"data": {"fields": [], "values": []}}
    _transactions(request).end(tx_id)
    return _answer(request, {**answer, "bookmarks": []})


@router.delete("/db/{database}/query/v2/tx/{tx_id}")
async def rollback(database: str, tx_id: str, request: Request) -> Response:
    """Roll back: the transaction ends (it changed nothing)."""
    _transactions(request).end(tx_id)
    return _answer(request, {"data": {"fields": [], "values": []}, "bookmarks": []})


# -- discovery ----------------------------------------------------------------------------------------------

class Discovery:
    """ASGI middleware: ``GET /`` asking for JSON (and not HTML) gets the Query API's discovery document.

    ``/`` is the graph page's; a browser asks for HTML and still gets it.  The drivers' HTTP mode asks
    ``Accept: application/json`` first and reads ``neo4j_version`` from the answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/" and scope["method"] in ("GET", "HEAD"):
            accept = dict(scope["headers"]).get(b"accept", b"").decode("latin-1").lower()
            if "application/json" in accept and "text/html" not in accept:
                await JSONResponse(discovery(_base(scope)))(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _base(scope: Scope) -> str:
    host = dict(scope["headers"]).get(b"host", b"localhost").decode("latin-1")
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}"


def discovery(base: str) -> dict[str, Any]:
    return {"query": f"{base}/db/{{databaseName}}/query/v2",
            "transaction": f"{base}/db/{{databaseName}}/query/v2/tx",
            "neo4j_version": NEO4J_VERSION, "neo4j_edition": f"policykg {__version__} (read-only Query API)",
            "bolt_routing": None, "bolt_direct": None}
