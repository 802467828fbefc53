"""``/cypher``: read-only Cypher for researchers, in the shape of Neo4j's HTTP Query API.

Request ``{"statement": …, "parameters": {…}}``; answer
``{"data": {"fields": […], "values": [[…], …]}, "bookmarks": []}`` as Neo4j's
``/db/{name}/query/v2`` does (that path, its transactions and typed JSON are
``api/query_api.py``'s), so its clients work here.
Read-only, the time limit and the row limit are enforced by the store
(``graph.reader``): a read-only LadybugDB database whose plan is checked, or a
Neo4j READ session with a transaction timeout.  Errors are problem documents
that also carry Neo4j-style ``errors: [{code, message}]``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from policykg.api.problems import documented, from_query_error
from policykg.api.services import Services, services
from policykg.graph.backends.reader import QueryError, QueryRefused, QueryTimeout, ResultTooLarge

router = APIRouter(tags=["cypher"])
EXAMPLE = ("MATCH (g:TargetGroup)-[:BROADER*0..5]->(:TargetGroup {name_zh: $grp}) "
           "MATCH (p:Programme)-[s:SERVES]->(g) RETURN p.name_zh AS programme, g.name_zh AS serves, s.quotes AS quotes")
_CODES = [(QueryRefused, "Neo.ClientError.Statement.AccessMode"),
          (QueryTimeout, "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"),
          (ResultTooLarge, "PolicyKG.ClientError.Statement.ResultLimit"),
          (QueryError, "Neo.ClientError.Statement.SyntaxError")]


RESPONSES = documented(400, 403, 413, 422, 429, 503,
                       s400="A body that is not JSON, a syntax error, or a statement the engine could not run",
                       s403="A write, file access, an extension, a setting or a transaction: refused",
                       s422="An invalid request, or an answer over the row limit (add LIMIT)")


class CypherRequest(BaseModel):
    statement: str = Field(min_length=1, max_length=20_000, examples=[EXAMPLE])
    parameters: dict[str, Any] = Field(default_factory=dict, examples=[{"grp": "老年人"}])


class CypherData(BaseModel):
    fields: list[str]
    values: list[list[Any]]


class CypherAnswer(BaseModel):
    data: CypherData
    bookmarks: list[str] = []


def _cell(value: Any) -> Any:
    """Nodes get Neo4j's ``elementId`` (here: the IRI, stable across backends)."""
    if isinstance(value, dict) and "labels" in value and "properties" in value:
        return {"elementId": value["properties"].get("iri"), **value}
    if isinstance(value, dict) and "nodes" in value and "relationships" in value:
        return {"nodes": [_cell(n) for n in value["nodes"]], "relationships": value["relationships"]}
    if isinstance(value, list):
        return [_cell(v) for v in value]
    return value


def run(request: CypherRequest, svc: Services) -> dict:
    try:
        fields, rows = svc.graph.read(request.statement, request.parameters, svc.limits, guard=True)
    except QueryError as error:
        problem = from_query_error(error)
        code = next(code for kind, code in _CODES if isinstance(error, kind))
        problem.extra["errors"] = [{"code": code, "message": str(error)}]
        raise problem from None
    return {"data": {"fields": fields, "values": [[_cell(v) for v in row] for row in rows]}, "bookmarks": []}


@router.post("/cypher", response_model=CypherAnswer, summary="Read-only Cypher", responses=RESPONSES)
def cypher(request: CypherRequest, svc: Annotated[Services, Depends(services)]) -> dict:
    """Run one read-only Cypher statement with parameters. Writes, file access (`LOAD FROM`, `COPY … TO`) and
    extensions are refused by the store (403); a statement past the time limit is stopped (503); an answer over
    the row limit is refused (422) — add `LIMIT`. The property graph is described in `docs/property-graph.md`."""
    return run(request, svc)

