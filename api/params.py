"""Shared query parameters and the resolution of ids and labels they carry."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query

from policykg.api.problems import bad_parameter, not_found
from policykg.api.services import Services, services
from policykg.graph.questions.entity_index import Entry
from policykg.graph.questions.lookups import Lookups

HINTS = {"TargetGroup": "/api/groups", "PolicyDomain": "/api/domains", "Body": "/api/bodies", "Area": "/api/areas",
         "Plan": "/api/plans", "Article": "/api/plans"}

Limit = Annotated[int, Query(ge=1, le=500, description="items per page (1–500)")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="items to skip")]
Text = Annotated[str | None, Query(max_length=200, description="Chinese or English, part of a name")]


async def lookups(svc: Annotated[Services, Depends(services)]) -> Lookups:
    """The REST questions of the build in service (asynchronous: no thread-pool hop, see ``services``)."""
    return svc.lookups


def resolve(lookups: Lookups, reference: str, labels: tuple[str, ...], parameter: str) -> Entry:
    """The entity a parameter names (id, IRI or label); 422 with where to look when nothing matches."""
    for label in labels:
        if (entry := lookups.index.resolve(reference, label)) is not None:
            return entry
    hint = HINTS.get(labels[0], "/api/search")
    raise bad_parameter(parameter, f"no {' or '.join(labels)} with the id or name {reference!r}; see {hint}")


def entity_or_404(lookups: Lookups, identifier: str, labels: tuple[str, ...], what: str) -> Entry:
    entry = lookups.index.get(identifier)
    if entry is None or entry.label not in labels:
        raise not_found(what, identifier, "search with /api/search?q=…")
    return entry


def node_types(lookups: Lookups, types: str | None) -> set[str] | None:
    """The node labels of a comma-separated ``types`` parameter; 422 naming the known ones for an unknown one."""
    if not types:
        return None
    wanted = {t.strip() for t in types.split(",") if t.strip()}
    known = set(lookups.index.by_label)
    if unknown := wanted - known:
        raise bad_parameter("types", f"unknown types {sorted(unknown)}; known: {', '.join(sorted(known))}")
    return wanted


def page(items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    return {"total": len(items), "limit": limit, "offset": offset, "items": items[offset:offset + limit]}
