"""``/sparql``: the SPARQL 1.1 Protocol (queries only), answered by the worker pool of ``graph/backends/sandbox/sparql_sandbox.py``.

A thin view: it reads the protocol's parameters (GET ``?query=``, POST form
``query=``, POST ``application/sparql-query``; ``default-graph-uri``,
``named-graph-uri``), works out from ``Accept`` (q-values, most specific range
first) or a ``format=`` override which format each kind of answer would be
written in, and hands the query to the sandbox in a thread, so the event loop
never waits on a query.  The sandbox refuses updates and SERVICE, enforces the
time and row limits and serialises the answer; its errors become problem
documents (``api/problems.py``).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Query, Request, Response

from policykg.api.problems import Problem, documented
from policykg.api.services import Services, services
from policykg.graph.backends.reader import QueryRefused
from policykg.graph.backends.sandbox.sparql_guard import UPDATE_REFUSED
from policykg.graph.backends.sandbox.sparql_worker import FORMATS, KIND_NAMES, KINDS, Kind, NotAcceptable
from policykg.graph.questions import catalogue

router = APIRouter(tags=["sparql"])

FORM, SPARQL_QUERY, SPARQL_UPDATE = ("application/x-www-form-urlencoded", "application/sparql-query",
                                     "application/sparql-update")
# ``format=`` names (as Virtuoso, Fuseki and SPARQLWrapper send them) → the format for each kind of answer.
_JSON: dict[Kind, str] = {"solutions": "json", "boolean": "json"}
_XML: dict[Kind, str] = {"solutions": "xml", "boolean": "xml"}
FORMAT_NAMES: dict[str, dict[Kind, str]] = {
    "json": {**_JSON, "graph": "jsonld"}, "srj": _JSON, "xml": {**_XML, "graph": "rdfxml"}, "srx": _XML,
    "csv": {"solutions": "csv"}, "tsv": {"solutions": "tsv"},
    **{name: {"graph": "ttl"} for name in ("ttl", "turtle", "n3")},
    **{name: {"graph": "nt"} for name in ("nt", "ntriples", "n-triples")},
    **{name: {"graph": "jsonld"} for name in ("jsonld", "json-ld")},
    **{name: {"graph": "rdfxml"} for name in ("rdfxml", "rdf+xml", "rdf")},
}
NO_QUERY = ("no query: send one as ?query=… (GET, URL-encoded), as the form field query=… (POST "
            f"{FORM}) or as the body of a POST with Content-Type: {SPARQL_QUERY}; /docs has an example")


def _example() -> str:
    """The catalogue's programmes-for-a-group question, bound to 老年人 (the OpenAPI example)."""
    named = catalogue.query("programmes_for_group")
    text = catalogue.bind_sparql(named.sparql, {"group_name": "老年人"})
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))


EXAMPLE = _example()

# -- content negotiation ----------------------------------------------------------------------------

Formats = dict[Kind, str | None]


def negotiate(accept: str | None, format_values: list[str]) -> Formats:
    """The format for each kind of answer (None: nothing acceptable); ``format=`` wins over ``Accept``."""
    if format_values:
        return _from_format_param(format_values)
    ranges = _ranges(accept or "*/*") or _ranges("*/*")
    return {kind: _best(kind, ranges) for kind in KINDS}


def _from_format_param(values: list[str]) -> Formats:
    chosen: Formats = {kind: None for kind in KINDS}
    known = False
    for value in values:
        value = value.strip().lower()
        if "/" in value:  # a media type (list), as in Accept
            picks: dict[Kind, str | None] = {kind: _best(kind, _ranges(value)) for kind in KINDS}
        elif value in FORMAT_NAMES:
            picks = dict(FORMAT_NAMES[value])
        else:
            continue
        known = True
        for kind, name in picks.items():
            chosen[kind] = chosen[kind] or name
    if not known:
        raise Problem(406, "Not acceptable", f"format={', '.join(values)}: not a format this endpoint writes; "
                      f"use one of {', '.join(FORMAT_NAMES)} or a media type")
    return chosen


def _ranges(header: str) -> list[tuple[str, float]]:
    """The media ranges of an ``Accept`` header with their q-values (parameters other than q ignored)."""
    ranges = []
    for part in header.split(","):
        media, *params = part.split(";")
        media, q = media.strip().lower(), 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        if media:
            ranges.append(("*/*" if media == "*" else media, q))
    return ranges


def _match(media_type: str, ranges: list[tuple[str, float]]) -> tuple[int, float] | None:
    """(specificity, q) of the most specific range matching ``media_type``: 2 exact, 1 ``type/*``, 0 ``*/*``."""
    major = media_type.split("/")[0]
    best: tuple[int, float] | None = None
    for media, q in ranges:
        specificity = 2 if media == media_type else 1 if media == f"{major}/*" else 0 if media == "*/*" else -1
        if specificity >= 0 and (best is None or (specificity, q) > best):
            best = (specificity, q)
    return best


def _best(kind: Kind, ranges: list[tuple[str, float]]) -> str | None:
    """The acceptable format for ``kind`` with the highest q; then the more specific match; then ours first."""
    scored = []
    for order, name in enumerate(KINDS[kind]):
        fmt = FORMATS[name]
        matches = [m for media in (fmt.media_type, *fmt.aliases) if (m := _match(media, ranges))]
        if matches:
            specificity, q = max(matches)
            if q > 0:
                scored.append((q, specificity, -order, name))
    return max(scored)[3] if scored else None


def _not_acceptable(accept: str | None, format_values: list[str]) -> Problem:
    asked = f"format={', '.join(format_values)}" if format_values else f"Accept: {accept}"
    offers = "; ".join(f"{KIND_NAMES[kind]}: {', '.join(FORMATS[n].media_type for n in names)}"
                       for kind, names in KINDS.items())
    return Problem(406, "Not acceptable", f"no format this endpoint writes is acceptable ({asked}); it writes {offers}")


# -- the views ------------------------------------------------------------------------------------

QueryParam = Annotated[str | None, Query(description="the SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE), "
                                         "URL-encoded", examples=[EXAMPLE])]
DefaultGraphs = Annotated[list[str], Query(alias="default-graph-uri", description=(
    "named graphs whose merge is the default graph (repeatable). Without it (and without FROM in the query) "
    "the default graph is the union of all named graphs: one per document, e.g. "
    "https://w3id.org/policykg/id/graph/national-14th-minzheng-plan"))]
NamedGraphs = Annotated[list[str], Query(alias="named-graph-uri", description=(
    "the graphs `GRAPH ?g { … }` may match (repeatable); default: every named graph"))]
FormatParam = Annotated[list[str], Query(alias="format", description=(
    "overrides Accept: json, xml, csv, tsv (SELECT/ASK; json and xml also give JSON-LD and RDF/XML for "
    "CONSTRUCT), ttl, nt, jsonld, rdfxml (CONSTRUCT/DESCRIBE), or a media type"))]

RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The answer, in the format negotiated by Accept (or format=). SELECT and ASK: SPARQL "
                         "results JSON (default), XML, CSV or TSV (CSV/TSV for SELECT only). CONSTRUCT and "
                         "DESCRIBE: Turtle (default), N-Triples, JSON-LD or RDF/XML.",
          "content": {**{f.media_type: {"schema": {"type": "string"}} for f in FORMATS.values()},
                      "application/sparql-results+json": {"example": {
                          "head": {"vars": ["programme", "programme_name", "document", "target_group", "quote"]},
                          "results": {"bindings": [{"programme_name": {"type": "literal", "value": "…"}}]}}}}},
    **documented(400, 403, 406, 413, 415, 422, 429, 503,
                 s400="No query, or a query that could not be parsed",
                 s403="An update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE…) or a SERVICE call: refused",
                 s406="No format acceptable to the request can hold the answer",
                 s415="POST with a body other than a form or application/sparql-query",
                 s422="The answer has more rows (or triples) than the row limit (POLICYKG_ROW_LIMIT)",
                 s503="The query ran past the time limit (POLICYKG_QUERY_TIMEOUT) and was stopped, or every "
                      "worker stayed busy; Retry-After says when to try again"),
}
DESCRIPTION = f"""The [SPARQL 1.1 Protocol](https://www.w3.org/TR/sparql11-protocol/) for queries: SELECT, ASK,
CONSTRUCT and DESCRIBE over the whole graph. The default graph is the **union of the documents' named graphs**
(one per plan, `https://w3id.org/policykg/id/graph/…`); `GRAPH ?g {{ … }}` tells the documents apart.

Send the query as `?query=` (GET), as the form field `query` (POST `{FORM}`) or as the body of a POST with
`Content-Type: {SPARQL_QUERY}`. Choose the format with `Accept` (or `format=`).

Read-only: updates and `SERVICE` (federated queries) are refused with 403. Each query runs in a worker process
that is stopped at the time limit (503); an answer over the row limit is refused (422): page with
`ORDER BY … LIMIT … OFFSET …`. Prefixes: `pkg:` <https://w3id.org/policykg/ontology#>, `skos:`, `rdfs:`,
`dcterms:`; the ontology is described in docs/ontology.md.

Example, programmes serving older persons (老年人) or a narrower group, with the sentence that says so:

```sparql
{EXAMPLE}
```"""

ROUTE = dict(summary="SPARQL 1.1 query endpoint", description=DESCRIPTION, responses=RESPONSES,
             response_class=Response)


@router.get("/sparql", **ROUTE)
async def sparql_get(request: Request, svc: Annotated[Services, Depends(services)], query: QueryParam = None,
                     default_graph_uri: DefaultGraphs = [], named_graph_uri: NamedGraphs = [],  # noqa: B006
                     format_: FormatParam = []) -> Response:  # noqa: B006
    if "update" in request.query_params:
        raise QueryRefused(UPDATE_REFUSED)
    queries = request.query_params.getlist("query")
    if len(queries) > 1:
        raise Problem(400, "Missing query", "send exactly one query= parameter")
    return await _answer(request, svc, query, default_graph_uri, named_graph_uri, format_)


@router.post("/sparql", **ROUTE, openapi_extra={"requestBody": {"required": True, "content": {
    SPARQL_QUERY: {"schema": {"type": "string"}, "example": EXAMPLE},
    FORM: {"schema": {"type": "object", "required": ["query"], "properties": {
        "query": {"type": "string"},
        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
        "named-graph-uri": {"type": "array", "items": {"type": "string"}}}},
        "example": {"query": EXAMPLE}}}}})
async def sparql_post(request: Request, svc: Annotated[Services, Depends(services)],
                      default_graph_uri: DefaultGraphs = [], named_graph_uri: NamedGraphs = [],  # noqa: B006
                      format_: FormatParam = []) -> Response:  # noqa: B006
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == FORM:
        form = await request.form()
        if "update" in form:
            raise QueryRefused(UPDATE_REFUSED)
        queries = [str(value) for value in form.getlist("query")]
        if len(queries) > 1:
            raise Problem(400, "Missing query", "send exactly one query field")
        default_graph_uri = [*default_graph_uri, *map(str, form.getlist("default-graph-uri"))]
        named_graph_uri = [*named_graph_uri, *map(str, form.getlist("named-graph-uri"))]
        format_ = [*format_, *map(str, form.getlist("format"))]
        return await _answer(request, svc, queries[0] if queries else None, default_graph_uri, named_graph_uri,
                             format_)
    if content_type == SPARQL_QUERY:
        return await _answer(request, svc, _text(await request.body(), request), default_graph_uri,
                             named_graph_uri, format_)
    if content_type == SPARQL_UPDATE:
        raise QueryRefused(UPDATE_REFUSED)
    if not content_type and not await request.body():
        raise Problem(400, "Missing query", NO_QUERY)
    raise Problem(415, "Unsupported media type", f"POST a form ({FORM}, field query=…) or the query itself "
                  f"({SPARQL_QUERY}); got Content-Type: {content_type or 'none'}")


def _text(body: bytes, request: Request) -> str:
    charset = request.headers.get("content-type", "").partition("charset=")[2].split(";")[0].strip(' "') or "utf-8"
    try:
        return body.decode(charset)
    except (LookupError, UnicodeDecodeError):
        raise Problem(400, "Query error", f"the body is not valid {charset} text; send the query as UTF-8") from None


async def _answer(request: Request, svc: Services, query: str | None, default_graphs: list[str],
                  named_graphs: list[str], format_values: list[str]) -> Response:
    if query is None or not query.strip():
        raise Problem(400, "Missing query", NO_QUERY)
    accept = request.headers.get("accept")
    formats = negotiate(accept, format_values)
    if not any(formats.values()):
        raise _not_acceptable(accept, format_values)
    run = partial(svc.sparql.run, query, formats, default_graphs, named_graphs)
    try:
        answer = await anyio.to_thread.run_sync(run)
    except NotAcceptable as error:
        raise Problem(406, "Not acceptable", str(error)) from None
    return Response(answer.body, media_type=answer.media_type, headers={"Vary": "Accept"})
