"""Search, one entity, its neighbourhood, and the path between two entities."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from policykg.api.params import Limit, Offset, lookups, node_types
from policykg.api.problems import bad_parameter, documented, not_found
from policykg.api.schemas import Edge, Entity, Hit, Neighbourhood, Page, PathAnswer
from policykg.graph.questions import neighbourhood
from policykg.graph.questions.entity_index import Entry
from policykg.graph.questions.lookups import Lookups, entity, entry_ref

router = APIRouter(tags=["entities"], responses=documented(422, 429))
Types = Annotated[str | None, Query(max_length=300, description="comma-separated node types, e.g. "
                                                                "Programme,TargetGroup")]


@router.get("/api/search", response_model=Page[Hit], summary="Search names (Chinese or English, partial words)")
def search(data: Annotated[Lookups, Depends(lookups)],
           q: Annotated[str, Query(min_length=1, max_length=200, description="words of a name, e.g. 留守 or "
                                                                            "left-behind")],
           types: Types = None, limit: Limit = 20, offset: Offset = 0) -> dict:
    """Entities whose names or synonyms contain every word of `q` (traditional characters, full width and case
    folded), ranked: whole name, then start of a name, then part of one; programmes and groups first on a tie.
    A page like every other list: `items`, `total`, `limit`, `offset`."""
    hits, total = data.index.search(q, node_types(data, types), limit, offset)
    return {"total": total, "limit": limit, "offset": offset,
            "items": [{**entry_ref(h.entry), "score": round(h.score, 4), "matched": h.matched} for h in hits]}


@router.get("/api/entities/{entity_id:path}/neighbours", response_model=Neighbourhood, summary="Neighbourhood",
            responses=documented(404))
def neighbours(entity_id: str, data: Annotated[Lookups, Depends(lookups)],
               depth: Annotated[int, Query(ge=1, le=neighbourhood.MAX_DEPTH)] = 1, types: Types = None,
               limit: Annotated[int, Query(ge=1, le=2000, description="most nodes returned")] = 300,
               evidence: Annotated[bool, Query(description="each edge with the sentences stating it (else their "
                                                           "number, evidence_count)")] = False) -> Response:
    """Nodes within `depth` steps of the entity (either direction), only of `types` if given; edges keep their
    direction and say how many sentences state them (`evidence_count`); with `evidence=true`, the sentences
    themselves (nine tenths of a large answer: 900 KB for 300 nodes at 5,000 plans; /api/path gives the
    evidence of the edges between two entities). `truncated` says the limit cut the answer."""
    entry = data.index.get(entity_id)
    if entry is None:
        raise not_found("entity", entity_id, "search with /api/search?q=…")
    found = neighbourhood.neighbours(data, entry.iri, depth, node_types(data, types), limit, evidence)
    return _as_written(found)


@router.get("/api/relations", response_model=Edge, summary="One relationship with its evidence",
            responses=documented(404))
def get_relation(data: Annotated[Lookups, Depends(lookups)],
                 source: Annotated[str, Query(max_length=500, description="entity id or IRI of its start")],
                 type: Annotated[str, Query(max_length=60, pattern="^[A-Z_]+$", description="e.g. SERVES")],
                 target: Annotated[str, Query(max_length=500, description="entity id or IRI of its end")]) -> Response:
    """The relationship `source -[type]-> target` with the sentences that state it: what a neighbourhood's edge
    carries with `evidence=true`, for one edge."""
    ends = _entities(data, source=source, target=target)
    found = neighbourhood.relation(data, ends[0].iri, type, ends[1].iri)
    if found is None:
        raise not_found("relation", f"{source} -[{type}]-> {target}", "see /api/entities/{id}/neighbours")
    return _as_written(found)


@router.get("/api/entities/{entity_id:path}", response_model=Entity, summary="One entity, any type",
            responses=documented(404))
def get_entity(entity_id: str, data: Annotated[Lookups, Depends(lookups)]) -> dict:
    """Every property of the entity and its evidence; the typed routes (/api/programmes/…) say more."""
    found = entity(data, data.index.get(entity_id).iri) if data.index.get(entity_id) else None
    if found is None:
        raise not_found("entity", entity_id, "search with /api/search?q=…")
    return found


@router.get("/api/path", response_model=PathAnswer, summary="Shortest path between two entities",
            responses=documented(404, s404="No path within max_length steps"))
def shortest_path(data: Annotated[Lookups, Depends(lookups)],
                  start: Annotated[str, Query(alias="from", max_length=500, description="entity id or IRI")],
                  end: Annotated[str, Query(alias="to", max_length=500, description="entity id or IRI")],
                  max_length: Annotated[int, Query(ge=1, le=neighbourhood.MAX_PATH)] = 6) -> dict:
    """A shortest path, each step in either direction; 404 when none is within `max_length` steps."""
    entries = _entities(data, **{"from": start, "to": end})
    if entries[0].iri == entries[1].iri:
        raise bad_parameter("to", "the two entities are the same")
    found = neighbourhood.path(data, entries[0].iri, entries[1].iri, max_length)
    if found is None:
        raise not_found("path of at most", f"{max_length} steps", "try a larger max_length")
    return found


def _entities(data: Lookups, **given: str) -> list[Entry]:
    """The entities the parameters name (id or IRI), in their order; 422 naming the parameter otherwise."""
    entries = []
    for name, reference in given.items():
        entry = data.index.get(reference)
        if entry is None:
            raise bad_parameter(name, f"no entity {reference!r}; search with /api/search?q=…")
        entries.append(entry)
    return entries


def _as_written(answer: dict) -> Response:
    """The answer as JSON, not validated against its model again: for a 300-node neighbourhood that took longer
    than finding it (20 ms of ~45 at 5,000 plans); tests/test_prepared.py holds the answers to the models."""
    return Response(json.dumps(answer, ensure_ascii=False, separators=(",", ":")), media_type="application/json")
