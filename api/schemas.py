"""Response models: they document the API (OpenAPI) and check every answer against its schema.

The shapes are shared by all routes: ``Ref`` names an entity, ``Evidence`` says
where the text states a fact, ``Page`` wraps every list.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Ref(BaseModel):
    id: str = Field(description="API id: the IRI without https://w3id.org/policykg/id/")
    iri: str
    type: str | None = Field(description="the node label: Programme, TargetGroup, Plan, Indicator…")
    name_zh: str | None
    name_en: str | None


class OutlinePart(BaseModel):
    iri: str
    type: str | None = Field(description="Chapter, Section, SubSection, Box, BoxItem, IndicatorTable or Glossary")
    name: str | None = Field(description="its title as the plan writes it")
    marker: str | None = Field(description="its number as written: 第二章, 二、, (三)")


class Evidence(BaseModel):
    document: Ref | None = Field(description="the plan or article quoted")
    section: Ref | None = Field(description="the smallest division (chapter, section, box, table) holding the quote")
    path: list[OutlinePart] = Field([], description="where that division is in the plan: its chapter, then each "
                                                    "part down to it, with their titles")
    quote: str = Field(description="the sentence or heading, verbatim from the source file")
    source_file: str | None = None
    char_start: int | None = Field(None, description="start of the quote in the decoded source file (code points)")
    char_end: int | None = None


class Link(BaseModel):
    concept: Ref
    matched_words: list[str] = Field(description="the words of the text that named the concept")
    evidence: list[Evidence]
    window: str | None = Field(None, description="serves: where it was read — name, clause, sentence, item, box, "
                                                 "paragraph or glossary (docs/extraction.md)")
    confidence: float | None = Field(None, description="serves: how sure the reading is, 0–1, by window")


class GroupMatch(BaseModel):
    group: Ref = Field(description="the group the programme serves: the one asked for or a narrower one")
    levels_below: int = Field(description="0: the group asked for; 1: a direct narrower group…")
    matched_words: list[str]


class Aligned(BaseModel):
    programme: Ref
    method: str | None
    score: float | None


class ProgrammeCard(Ref):
    kind: str | None = Field(description="programme kind, from its head word: project 工程, action 行动, scheme 计划, "
                                         "pilot 试点, institution 制度, mechanism 机制, system 体系, subsidy 补贴…")
    origin: str | None = Field(description="where it was found: box, box-item, prose, glossary")
    timing: str | None = Field(None, description="planned (the plan's own period), achieved (reported as done in "
                                                 "the review of the previous period) or both")
    plan: Ref | None
    evidence: Evidence | None
    serves: list[Link]
    domains: list[Link]
    aligned_count: int = Field(0, description="how many programmes of other plans are aligned with it "
                                              "(listed by /api/programmes/{id}/aligned)")
    matched_groups: list[GroupMatch] | None = Field(None, description="with group=: why the programme matched")


class Programme(ProgrammeCard):
    aligned_with: list[Aligned] = Field(description="the first aligned programmes (aligned_limit, 100 unless "
                                                    "asked), in IRI order; all: /api/programmes/{id}/aligned")


class Page(BaseModel, Generic[T]):
    total: int
    limit: int
    offset: int
    items: list[T]


class Document(Ref):
    model_config = ConfigDict(extra="allow")
    english_title_by_rule: bool = Field(False, description="name_en was made by rule from the plan's area, period "
                                                           "and field (ontology/lexicon/titles.yaml), not read "
                                                           "from the text")
    identifier: str | None
    issued: str | None
    in_corpus: bool
    period_start: int | None = Field(None, description="first year of the plan period (十四五 → 2021); "
                                     "null when the title and front text name none")
    period_end: int | None = Field(None, description="last year of the plan period (十四五 → 2025)")
    level: str | None
    jurisdiction: list[Ref]
    issuers: list[Ref]
    programmes: int
    indicators: int
    evidence: Evidence | None


class OutlineNode(Ref):
    marker: str | None
    position: int | None
    children: list[OutlineNode]


class DocumentDetail(Document):
    based_on: list[Ref]
    based_on_by: list[Ref]
    succeeds: list[Ref] = Field([], description="the plan of the period before, same place and field")
    succeeded_by: list[Ref] = Field([], description="the plan of the period after, same place and field")
    outline: list[OutlineNode]


class Value(BaseModel):
    text: str | None = Field(description="as written: 80, ≥55, ——")
    value: float | None
    comparator: str | None
    year: str | None


class Indicator(Ref):
    model_config = ConfigDict(extra="allow")
    plan: Ref
    table: str | None = Field(description="target (十四五目标) or completion (十三五完成情况)")
    unit: str | None
    attribute: str | None = Field(description="约束性 / 预期性 as written")
    baseline: Value | None = None
    target: Value | None = None
    actual: Value | None = None
    evidence: Evidence | None


class IndicatorGroup(BaseModel):
    name_zh: str | None
    plans: int
    indicators: list[dict[str, Any]]


class Concept(Ref):
    alt_labels: list[str]
    broader: list[str]
    narrower: list[str]
    programmes: int | None = None


class Hit(Ref):
    score: float
    matched: str = Field(description="the name (or synonym) that matched, folded")


class Edge(BaseModel):
    model_config = ConfigDict(extra="allow")
    source: str
    type: str
    target: str
    evidence_count: int = Field(0, description="how many sentences state it")
    evidence: list[Evidence] | None = Field(None, description="those sentences (a neighbourhood: with evidence=true)")


class GraphNode(Ref):
    distance: int | None = None


class Neighbourhood(BaseModel):
    nodes: list[GraphNode]
    edges: list[Edge]
    truncated: bool


class PathAnswer(BaseModel):
    nodes: list[Ref]
    edges: list[Edge]
    length: int


class Entity(Ref):
    alt_labels: list[str]
    properties: dict[str, Any]
    evidence: Evidence | None


class Passage(BaseModel):
    iri: str
    id: str = Field(description="API id: the IRI without https://w3id.org/policykg/id/ (dereference it at /id/…)")
    kind: str = Field(description="front (before the body), heading, sentence, box (a line of a box), row (of an "
                                  "indicator table) or definition (glossary)")
    text: str = Field(description="verbatim from the source file: raw[char_start:char_end]")
    marks: list[list[int]] = Field(description="[start, end) offsets into text where the words asked for are "
                                               "written (as folded: 慈善信託 marks 慈善信托)")
    document: Ref | None
    char_start: int
    char_end: int
    path: list[OutlinePart] = Field(description="where it sits: the chapter, then the section, box or item below "
                                                "it; empty for the front matter")
    mentions: list[Ref] = Field(description="the programmes, indicators, groups, domains and bodies it names")


class PassagePage(Page[Passage]):
    query: str = Field(description="the search as the index ran it (FTS5 over pairs of neighbouring "
                                   "characters, as code points: 养老 → 517bx8001)")
    total_exact: bool = Field(description="false when more passages match than are counted (100,000): total "
                                          "is then a lower bound")
    order: str = Field(description="relevance (bm25, when at most 5,000 match) or plan (national plans first, "
                                   "each in the order of its text: a broader search)")


class PassageInContext(Passage):
    context: list[Passage] = Field(description="the passages around it in the same part of the plan (its "
                                               "paragraph, box item or table), in the order of the text, "
                                               "itself included")


class CoverageCell(BaseModel):
    entity: Ref = Field(description="what in that plan takes the row up (its evidence: /api/programmes/{id} or "
                                    "/api/indicators/{id})")
    how: str | None = Field(description="same-name, synonym, same-name-normalised or similar-name")
    method: str | None
    score: float | None
    target: dict | None = Field(None, description="an indicator's target in that plan")
    target_changed: bool | None = Field(None, description="an indicator whose target differs from the row's")


class CoverageRow(BaseModel):
    kind: str = Field(description="Programme or Indicator")
    entity: Ref
    target: dict | None = None
    unit: str | None = None
    cells: dict[str, list[CoverageCell]] = Field(description="column plan IRI → what takes the row up there "
                                                            "(absent: not taken up)")
    taken_up_by: int = Field(description="how many of the column plans take it up")


class Coverage(BaseModel):
    plan: Ref
    plans: list[dict] = Field(description="the columns: the corpus's plans below this one, by level")
    rows: list[CoverageRow]
