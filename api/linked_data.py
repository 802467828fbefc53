"""Linked data: every entity IRI ``https://w3id.org/policykg/id/…`` resolves here at ``/id/…``.

A browser gets a readable page (labels, types, properties, links, and the
quotes that support each fact); an RDF client gets the same description as
Turtle, JSON-LD (compacted with ``ontology/context.jsonld``) or N-Triples, chosen
by the ``Accept`` header or ``?format=``.  ``/ontology`` describes the terms the
pages link to.

``graph.describe.describe`` gathers (store + IRI → a plain ``Description``, with fixed quad
patterns over the read-only Oxigraph store: no query text is ever built from
the request); the views only negotiate and render.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader
from rdflib import Graph

from policykg.api.problems import Problem, bad_parameter, documented, not_found
from policykg.api.services import Services, services
from policykg.graph.exports.files import load_context
from policykg.graph.questions.describe import describe, describe_ontology
from policykg.ontology import ID_BASE, ONTOLOGY_IRI, PKG_BASE

TEMPLATES = Path(__file__).resolve().parent / "templates"

router = APIRouter(tags=["linked data"])

# -- content negotiation ---------------------------------------------------------------------------

# format name → media type of the answer
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples; charset=utf-8",
}
RDFLIB_FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt"}
# ?format= spellings
FORMAT_NAMES = {"html": "html", "ttl": "ttl", "turtle": "ttl", "jsonld": "jsonld", "json-ld": "jsonld",
                "json": "jsonld", "nt": "nt", "ntriples": "nt", "n-triples": "nt"}
# Accept media types → format
ACCEPTED = {"text/html": "html", "application/xhtml+xml": "html", "text/turtle": "ttl",
            "application/x-turtle": "ttl", "application/ld+json": "jsonld", "application/json": "jsonld",
            "application/n-triples": "nt"}
# On a tie (``*/*``, no Accept at all) an RDF client is assumed: browsers always ask for text/html first.
PREFERENCE = ("ttl", "jsonld", "nt", "html")
VARY = {"Vary": "Accept"}

FormatParam = Annotated[str | None, Query(alias="format", max_length=20,
                                          description="ttl, jsonld, nt or html; overrides the Accept header")]
RDF_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The description: HTML, Turtle, JSON-LD or N-Triples",
          "content": {"text/html": {}, "text/turtle": {}, "application/ld+json": {}, "application/n-triples": {}}},
    **documented(404, 406, 422, 429, s404="No such entity (application/problem+json, or an HTML page for a browser)",
                 s406="None of the formats the Accept header asks for", s422="An unknown format="),
}
RDF_RESPONSES[404]["content"]["text/html"] = {"schema": {"type": "string"}}


def negotiate(accept: str | None) -> str | None:
    """The format ``accept`` prefers (quality, then the most specific range), None if it accepts none."""
    if not accept or not accept.strip():
        return PREFERENCE[0]
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        media, *params = [piece.strip() for piece in part.split(";")]
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media.lower(), quality))

    def score(fmt: str) -> tuple[float, int]:
        best: tuple[int, float] | None = None  # (specificity, quality) of the most specific matching range
        types = [media for media, f in ACCEPTED.items() if f == fmt]
        for media, quality in ranges:
            if media in types:
                specificity = 2
            elif media.endswith("/*") and any(t.startswith(media[:-1]) for t in types):
                specificity = 1
            elif media == "*/*":
                specificity = 0
            else:
                continue
            if best is None or (specificity, quality) > best:
                best = (specificity, quality)
        return (best[1], best[0]) if best else (0.0, -1)

    scores = {fmt: score(fmt) for fmt in PREFERENCE}
    chosen = max(PREFERENCE, key=lambda fmt: (*scores[fmt], -PREFERENCE.index(fmt)))
    return chosen if scores[chosen][0] > 0 else None


def choose_format(given: str | None, accept: str | None) -> str:
    if given is not None:
        fmt = FORMAT_NAMES.get(given.strip().lower())
        if fmt is None:
            raise bad_parameter("format", f"unknown format {given!r}; choose one of ttl, jsonld, nt, html")
        return fmt
    fmt = negotiate(accept)
    if fmt is None:
        raise Problem(406, "Not acceptable", "this resource is available as text/html, text/turtle, "
                      "application/ld+json or application/n-triples; ask for one of them or add ?format=ttl")
    return fmt


# -- rendering -----------------------------------------------------------------------------------


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def local_href(iri: str, root: str = "") -> str:
    """Where a page links for ``iri``: this server for our entities and terms, the IRI itself otherwise."""
    if iri.startswith(ID_BASE):
        return f"{root}/id/{quote(iri[len(ID_BASE):], safe='/')}"
    if iri.startswith(PKG_BASE):
        return f"{root}/ontology#{quote(iri[len(PKG_BASE):], safe='')}"
    if iri == ONTOLOGY_IRI:
        return f"{root}/ontology"
    return iri


@lru_cache(maxsize=1)
def templates() -> Environment:
    """Autoescaping on for every template: labels and quotes come from documents and must not become markup."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                              lstrip_blocks=True)
    environment.filters["href"] = local_href
    return environment


def render_html(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers=VARY)


def render_rdf(graph: Graph, fmt: str, notes: Iterable[str] = ()) -> Response:
    """The graph in ``fmt``; Turtle starts with comments saying what was capped."""
    if fmt == "jsonld":
        body = graph.serialize(format="json-ld", context=load_context(), auto_compact=True, indent=1,
                               ensure_ascii=False)
    else:
        body = graph.serialize(format=RDFLIB_FORMATS[fmt])
        if fmt == "ttl":
            body = "".join(f"# {note}\n" for note in notes) + body
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=VARY)


def _answer_problem(request: Request, problem: Problem, fmt: str) -> Response:
    """A problem as a page for a browser, as problem+json otherwise; either way ``Vary: Accept``."""
    if fmt == "html":
        return render_html("problem.html", status=problem.status, problem=problem, root=_root(request))
    response = problem.response(str(request.url.path))
    response.headers.update(VARY)
    return response


# -- views ---------------------------------------------------------------------------------------


@router.get("/id/{path:path}", responses=RDF_RESPONSES, summary="Resolve an entity IRI (linked data)")
@router.head("/id/{path:path}", include_in_schema=False)
def resolve(path: str, request: Request, svc: Annotated[Services, Depends(services)],
            format_: FormatParam = None) -> Response:
    """The entity `https://w3id.org/policykg/id/{path}`: its own triples from every document's graph, the
    triples that point at it (capped), and the evidence — the quote, document and section — behind it and behind
    each statement about it. HTML for browsers; Turtle by default; `application/ld+json`, `application/n-triples`
    by `Accept` or `?format=`."""
    try:
        fmt = choose_format(format_, request.headers.get("accept"))
    except Problem as problem:
        return _answer_problem(request, problem, "json")
    description = describe(svc.rdf, ID_BASE + path)
    if description is None:
        last = path.rstrip("/").rsplit("/", 1)[-1]
        hint = f"search at /api/search?q={quote(last)}" if last else "search at /api/search?q=…"
        return _answer_problem(request, not_found("entity", path, hint), fmt)
    if fmt == "html":
        return render_html("entity.html", d=description, root=_root(request))
    return render_rdf(description.graph, fmt, description.notes)


@router.get("/ontology", responses=RDF_RESPONSES, summary="The ontology and vocabularies the entity pages use")
@router.head("/ontology", include_in_schema=False)
def ontology(request: Request, svc: Annotated[Services, Depends(services)],
             format_: FormatParam = None) -> Response:
    """Classes, properties and concepts of `https://w3id.org/policykg/ontology#`, from the build in service.
    The anchors of the HTML page are the local names (`/ontology#Programme`)."""
    try:
        fmt = choose_format(format_, request.headers.get("accept"))
    except Problem as problem:
        return _answer_problem(request, problem, "json")
    graph, terms = describe_ontology(svc.rdf)
    if fmt == "html":
        return render_html("ontology.html", terms=terms, root=_root(request))
    return render_rdf(graph, fmt)
