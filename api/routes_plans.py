"""``/api/plans`` and ``/api/indicators``: documents, their outline and cascade; targets across plans."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from policykg.api.params import Limit, Offset, Text, entity_or_404, lookups, page, resolve
from policykg.api.problems import documented
from policykg.api.schemas import Coverage, Document, DocumentDetail, Indicator, IndicatorGroup, Page
from policykg.graph.questions import coverage, plans
from policykg.graph.questions.lookups import Lookups

router = APIRouter(tags=["plans and indicators"], responses=documented(422, 429))


@router.get("/api/plans", response_model=Page[Document], summary="Plans and articles")
def list_plans(data: Annotated[Lookups, Depends(lookups)], limit: Limit = 50, offset: Offset = 0) -> dict:
    """Every plan and article: documents of the corpus first (by level), then plans they only cite."""
    return page(plans.documents(data), limit, offset)


@router.get("/api/plans/{plan_id:path}/coverage", response_model=Coverage, summary="How the plans below take it up",
            responses={**documented(404), 200: {"content": {"text/csv": {}}}})
def plan_coverage(plan_id: str, data: Annotated[Lookups, Depends(lookups)],
                  format: Annotated[str, Query(pattern="^(json|csv)$", description="json or csv")] = "json"):
    """The coverage matrix: the plan's programmes and indicators as rows, the corpus's plans below it as
    columns; a cell lists what in that plan takes the row up (same name, synonym, similar name; for an
    indicator, its target and whether it changed), each a reference whose evidence `/api/…` gives."""
    entry = entity_or_404(data, plan_id, ("Plan", "Article"), "plan")
    matrix = coverage.coverage(data, entry.iri)
    if format == "csv":
        name = entry.id.rsplit("/", 1)[-1]
        return Response(coverage.as_csv(matrix), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="coverage-{name}.csv"'})
    return matrix


@router.get("/api/plans/{plan_id:path}", response_model=DocumentDetail, summary="One plan", responses=documented(404))
def get_plan(plan_id: str, data: Annotated[Lookups, Depends(lookups)]) -> dict:
    """A plan's metadata, the plans it is based on and those based on it, and its outline (chapters, sections,
    boxes, tables) in the order of the text."""
    entry = entity_or_404(data, plan_id, ("Plan", "Article"), "plan")
    return plans.document(data, entry.iri)


@router.get("/api/indicators", response_model=Page[Indicator], summary="Indicators (targets)")
def list_indicators(data: Annotated[Lookups, Depends(lookups)],
                    plan: Annotated[str | None, Query(max_length=300, description="plan id or title")] = None,
                    q: Text = None, limit: Limit = 50, offset: Offset = 0) -> dict:
    """Indicator rows of the plans' tables with baseline, target and actual values as written and as numbers."""
    plan_iri = resolve(data, plan, ("Plan",), "plan").iri if plan else None
    return plans.indicator_page(data, plan_iri, q, limit, offset)


@router.get("/api/indicators/compare", response_model=Page[IndicatorGroup], summary="One indicator across plans",
            responses={200: {"content": {"text/csv": {}}}})
def compare_indicators(data: Annotated[Lookups, Depends(lookups)],
                       q: Annotated[str, Query(min_length=1, max_length=200, description="part of the name")],
                       limit: Limit = 50, offset: Offset = 0,
                       format: Annotated[str, Query(pattern="^(json|csv)$", description="json or csv")] = "json"):
    """The indicators named like `q`, each with the rows of other plans aligned to it, side by side from the
    national plan down, with the alignment method and score and every row's quote. `format=csv`: every row
    of every group (no paging), one line each."""
    groups = plans.compare(data, q)
    if format == "csv":
        return Response(plans.compare_csv(groups), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="indicators-compare.csv"'})
    return page(groups, limit, offset)


@router.get("/api/indicators/{indicator_id:path}", response_model=Indicator, summary="One indicator",
            responses=documented(404))
def get_indicator(indicator_id: str, data: Annotated[Lookups, Depends(lookups)]) -> dict:
    entry = entity_or_404(data, indicator_id, ("Indicator",), "indicator")
    return plans.indicators(data, iris={entry.iri})[0]
