"""``/api/programmes``: filter by group (with its narrower groups), domain, plan, body and text."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from starlette.concurrency import run_in_threadpool

from policykg.api.params import Limit, Offset, Text, entity_or_404, lookups, resolve
from policykg.api.problems import documented
from policykg.api.schemas import Aligned, Page, Programme, ProgrammeCard
from policykg.graph.questions import programmes
from policykg.graph.questions.lookups import Lookups

router = APIRouter(prefix="/api/programmes", tags=["programmes"], responses=documented(422, 429))
Ref = Annotated[str | None, Query(max_length=300)]


@router.get("", response_model=Page[ProgrammeCard], summary="Programmes, filtered")
async def list_programmes(
    data: Annotated[Lookups, Depends(lookups)],
    group: Annotated[str | None, Query(max_length=300, description="a target group: id, Chinese or English label "
                                       "(老年人, older persons, group/elderly); narrower groups included")] = None,
    domain: Annotated[str | None, Query(max_length=300, description="a policy domain: id or label")] = None,
    plan: Annotated[str | None, Query(max_length=300, description="a plan or article: id or title")] = None,
    body: Annotated[str | None, Query(max_length=300, description="a responsible body: id or name")] = None,
    q: Text = None,
    exact: Annotated[bool, Query(description="only the group or domain itself, not the narrower ones")] = False,
    limit: Limit = 50, offset: Offset = 0,
) -> Response:
    """Programmes matching every filter given. With `group=`, each answer lists the groups that matched
    (the one asked for or a narrower one, e.g. 农村留守老年人 for 老年人) and the words of the text that named them.
    Each item gives the number of programmes of other plans aligned with it (`aligned_count`); the programme's own
    route lists them."""
    where = programmes.ProgrammeFilter(
        group=resolve(data, group, ("TargetGroup",), "group").iri if group else None,
        domain=resolve(data, domain, ("PolicyDomain",), "domain").iri if domain else None,
        plan=resolve(data, plan, ("Plan", "Article"), "plan").iri if plan else None,
        body=resolve(data, body, ("Body",), "body").iri if body else None,
        text=q, exact=exact)
    # Keyed reads of the prepared tables, well under a millisecond: answered on the event loop.  A text filter
    # may scan names (words under three characters), so it goes to the thread pool.
    find = partial(programmes.find, data, where, limit, offset)
    iris, total = await run_in_threadpool(find) if q else find()
    depths = data.narrower("TargetGroup", where.group, exact) if where.group else None
    items = programmes.card_texts(data, iris, depths)
    # The cards are JSON the build rendered from the graph with the code of ``programmes.describe``; a page
    # splices them instead of validating 50 nested models again on every request (tests/test_prepared.py
    # checks them against ``describe`` and the schema).
    return Response(f'{{"total":{total},"limit":{limit},"offset":{offset},"items":[{",".join(items)}]}}',
                    media_type="application/json")


@router.get("/{programme_id:path}/aligned", response_model=Page[Aligned], summary="The programmes aligned with one",
            responses=documented(404))
async def get_aligned(programme_id: str, data: Annotated[Lookups, Depends(lookups)],
                      limit: Limit = programmes.ALIGNED_INLINE, offset: Offset = 0) -> Response:
    """The same programme in other plans (method and score), in IRI order, a page at a time: what the detail
    lists after its first ones. `total` is the detail's `aligned_count`."""
    entry = entity_or_404(data, programme_id, ("Programme",), "programme")
    return Response(programmes.aligned_text(data, entry.iri, limit, offset), media_type="application/json")


@router.get("/{programme_id:path}", response_model=Programme, summary="One programme", responses=documented(404))
async def get_programme(programme_id: str, data: Annotated[Lookups, Depends(lookups)],
                        aligned_limit: Annotated[int, Query(ge=0, le=500, description="aligned programmes listed "
                                                            "(the rest: /api/programmes/{id}/aligned)")]
                        = programmes.ALIGNED_INLINE) -> Response:
    """A programme with its plan, kind, evidence, the groups it serves and its domains (each with the sentences
    that say so) and the first of the programmes of other plans aligned with it (`aligned_count` says how many;
    a national programme's are thousands at thousands of plans: /api/programmes/{id}/aligned pages them)."""
    entry = entity_or_404(data, programme_id, ("Programme",), "programme")
    return Response(programmes.detail_text(data, entry.iri, aligned_limit), media_type="application/json")
