"""The concept schemes: target groups and policy domains (hierarchies), bodies and areas."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from policykg.api.params import lookups
from policykg.api.problems import documented
from policykg.api.schemas import Concept
from policykg.api.services import Services, services
from policykg.graph.questions.lookups import Lookups, entry_ref

router = APIRouter(tags=["vocabularies"], responses=documented(429))


@router.get("/api/groups", response_model=list[Concept], summary="Target groups (hierarchy)")
def groups(data: Annotated[Lookups, Depends(lookups)]) -> list[dict]:
    """Every target group with its broader and narrower groups, synonyms and the number of programmes serving it
    directly; `group=` of `/api/programmes` takes any id or label listed here."""
    return data.hierarchy("TargetGroup")


@router.get("/api/domains", response_model=list[Concept], summary="Policy domains (hierarchy)")
def domains(data: Annotated[Lookups, Depends(lookups)]) -> list[dict]:
    return data.hierarchy("PolicyDomain")


@router.get("/api/areas", response_model=list[Concept], summary="Areas (全国 › 省 › 市 › 县)")
def areas(data: Annotated[Lookups, Depends(lookups)]) -> list[dict]:
    return data.hierarchy("Area")


@router.get("/api/bodies", response_model=list[Concept], summary="Bodies (issuers and responsible bodies)")
def bodies(data: Annotated[Lookups, Depends(lookups)]) -> list[dict]:
    """Government bodies (民政部, 民政厅…) with their synonyms; service institutions are under `/api/search`."""
    return [{**entry_ref(e), "alt_labels": list(e.alt_labels), "broader": [], "narrower": []}
            for e in data.index.by_label.get("Body", [])]


@router.get("/api/health", tags=["meta"], summary="Is the graph served?")
def health(svc: Annotated[Services, Depends(services)]) -> dict:
    """The build in service, the backend and the size of the graph."""
    counts = svc.lookups.index.counts()
    return {"status": "ok", "backend": svc.settings.backend, "dialect": svc.graph.dialect,
            "build": svc.build.name, "nodes": sum(counts.values()), "nodes_by_type": counts}
