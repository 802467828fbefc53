"""``/api/passages``: full-text search of the plans' own words (graph/questions/passages.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from policykg.api.params import Limit, Offset, lookups, resolve
from policykg.api.problems import bad_parameter, documented, not_found
from policykg.api.schemas import PassageInContext, PassagePage
from policykg.graph.questions import passages
from policykg.graph.questions.entity_index import entity_iri
from policykg.graph.questions.lookups import Lookups

router = APIRouter(tags=["passages"], responses=documented(422, 429))


@router.get("/api/passages", response_model=PassagePage, summary="Search the text of the plans")
def search_passages(
        data: Annotated[Lookups, Depends(lookups)],
        q: Annotated[str, Query(min_length=1, max_length=200, description='words that must all occur, e.g. 喘息服务, '
                                '慈善信託 (traditional and full width fold), 万人次; "a phrase", a OR b, -word')],
        plan: Annotated[str | None, Query(max_length=300, description="plan id or title")] = None,
        level: Annotated[str | None, Query(description="national, provincial, municipal or county")] = None,
        chapter: Annotated[str | None, Query(max_length=300, description="chapter (or top section) id")] = None,
        limit: Limit = 20, offset: Offset = 0) -> dict:
    """Every sentence, heading, box line, table row and glossary definition of every plan holding the words,
    best first (bm25), each with the words marked, its place in the plan (chapter › section › box) and the
    entities it names. `total` counts them all. A search the index cannot take is a 422 problem saying why."""
    plan_iri = resolve(data, plan, ("Plan", "Article"), "plan").iri if plan else None
    chapter_iri = resolve(data, chapter, ("Chapter", "Section", "Glossary"), "chapter").iri if chapter else None
    try:
        return passages.search(data, q, plan_iri, level, chapter_iri, limit, offset)
    except passages.PassageQueryError as error:
        raise bad_parameter("level" if str(error).startswith("level") else "q", str(error)) from None


@router.get("/api/passages/{passage_id:path}", response_model=PassageInContext, summary="One passage, in context",
            responses=documented(404))
def get_passage(passage_id: str, data: Annotated[Lookups, Depends(lookups)]) -> dict:
    """The passage with the passages around it in the same part of the plan (`context`, in the order of the
    text, itself included): the paragraph, box item or table it is read in, and what each one mentions."""
    found = passages.passage(data, entity_iri(passage_id))
    if found is None:
        raise not_found("passage", passage_id, "search with /api/passages?q=…")
    return found
