"""The loaders' data model: plain dataclasses passed from stage to stage.

Every stage works on the *normalised* text of a document and records spans
(start, end offsets into it).  ``NormalisedText`` maps any such span back to the
raw file, so the evidence quote written to the graph is always the verbatim
source text, whatever normalisation did.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .formats import page_at


@dataclass(frozen=True)
class Span:
    """Half-open character range [start, end) in the normalised text."""

    start: int
    end: int


@dataclass
class NormalisedText:
    """Normalised text plus, for each of its characters, the raw offset it came from.

    ``offsets`` has ``len(text) + 1`` entries: ``offsets[i]`` is the raw offset of
    normalised character ``i`` and the last entry is ``len(raw)``.  Characters
    inserted by normalisation share the offset of their neighbour.
    """

    raw: str
    text: str
    offsets: list[int]

    def raw_span(self, span: Span) -> Span:
        """The raw-file range that produced ``span`` of the normalised text."""
        start = self.offsets[span.start]
        end = self.offsets[span.end - 1] + 1 if span.end > span.start else start
        return Span(start, max(start, end))

    def quote(self, span: Span) -> str:
        """The verbatim source text behind ``span``."""
        raw = self.raw_span(span)
        return self.raw[raw.start : raw.end]


@dataclass(frozen=True)
class Line:
    """One line of normalised text, stripped, with the offset of its first character."""

    text: str
    start: int

    @property
    def span(self) -> Span:
        return Span(self.start, self.start + len(self.text))


@dataclass
class SourceDocument:
    """A corpus file's raw text and its sidecar metadata (``*.meta.yaml``).

    ``raw`` is the text every quote is taken from: the decoded ``.txt`` file, or the
    text extracted from a web page, PDF or Word file (``loaders/formats``).  A PDF's
    ``page_starts[i]`` is the raw offset where page ``i + 1`` begins, so ``page_at``
    tells the page of any quote.  ``provenance`` is what a web page says of itself
    (``url``, ``page_title``, ``page_date``: the page's date, never the plan's issue date).
    """

    path: Path
    doc_id: str
    raw: str
    encoding: str
    meta: dict = field(default_factory=dict)
    format: str = "text"  # 'text' | 'html' | 'pdf' | 'docx'
    page_starts: tuple[int, ...] = ()
    provenance: dict = field(default_factory=dict)

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding raw ``offset`` (PDF), or None for a text without pages."""
        return page_at(self.page_starts, offset)


@dataclass
class IndicatorValue:
    """One value cell: the text as written and, where it is a number, the number."""

    text: str
    number: float | None = None
    comparator: str | None = None  # '=', '>', '>=', '<', '<=' or None when not numeric
    year: int | None = None
    span: Span | None = None


@dataclass
class IndicatorRow:
    name: str
    span: Span
    unit: str | None = None
    attribute: str | None = None  # 约束性 / 预期性 as written
    status: str | None = None  # 完成 / 未完成 / … (completion tables)
    domain: str | None = None  # the table's 领域 column, where it has one
    baseline: IndicatorValue | None = None
    target: IndicatorValue | None = None
    actual: IndicatorValue | None = None
    notes: list[str] = field(default_factory=list)  # how a missing or run-together cell was read


@dataclass
class IndicatorTable:
    kind: str  # 'target' (十四五) or 'completion' (十三五)
    title: str
    span: Span
    rows: list[IndicatorRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class BoxItem:
    number: int
    title: str
    span: Span
    body: Span | None = None
    titled: bool = False  # the item's title stands on a line of its own


@dataclass
class Box:
    number: int
    title: str
    span: Span
    items: list[BoxItem] = field(default_factory=list)
    body: Span | None = None  # the title line through the box's last line


@dataclass
class GlossaryEntry:
    term: str
    definition: str
    span: Span


@dataclass
class Division:
    """A chapter (level 1), section (level 2) or sub-section (level 3) of the body."""

    level: int
    number: int
    marker: str  # the heading's number as written: 第二章, 二、, (三), 3.
    title: str
    span: Span  # the heading: its number and title, without body text run on in the same line
    body: Span  # from the heading to the next heading of the same or a higher level
    children: list["Division"] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    tables: list[IndicatorTable] = field(default_factory=list)


def divisions(chapters: list[Division]) -> Iterator[Division]:
    """Every division, depth first."""
    for chapter in chapters:
        yield chapter
        yield from divisions(chapter.children)


@dataclass
class PlanMetadata:
    title: str
    title_span: Span | None
    kind: str  # 'plan' or 'article'
    issuers: list[tuple[str, Span | None]] = field(default_factory=list)
    date: str | None = None
    date_span: Span | None = None
    based_on: list[tuple[str, Span]] = field(default_factory=list)
    level: str | None = None
    jurisdiction: str | None = None
    source_url: str | None = None
    # A web page's own publication date (发布时间 of a repost): never the date of issue.
    page_date: str | None = None
    document_number: str | None = None  # 文号 as written (民发〔2021〕51号)
    # The plan period (规划期), first and last year (十四五 → 2021, 2025), and where it was read:
    # set by loaders/period.py from the title, else the front text; None when neither names one.
    period_start: int | None = None
    period_end: int | None = None
    period_span: Span | None = None


@dataclass
class ParsedDocument:
    """Everything the loaders know about one document, ready to become RDF."""

    source: SourceDocument
    text: NormalisedText
    metadata: PlanMetadata
    body_start: int
    chapters: list[Division] = field(default_factory=list)  # top level: chapters, or an article's topic sections
    glossary: list[GlossaryEntry] = field(default_factory=list)
    glossary_span: Span | None = None
    preamble_tables: list[IndicatorTable] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    programmes: list["Programme"] = field(default_factory=list)
    relations: list["Relation"] = field(default_factory=list)
    bodies: list["Body"] = field(default_factory=list)  # every organisation the text names

    @cached_property
    def plan_start(self) -> int:
        """Where the plan's own words begin: the body's start, or the title's end when the title is
        written after it.  A web page puts its menus, site name and breadcrumbs first (招商政策, 投资流程
        above 关于印发《延庆区…规划》的通知); they are no measure of the plan.  The title's end, not its
        line's: a page run together has the notice's text on the title's line."""
        title = self.metadata.title_span
        return max(self.body_start, title.end) if title is not None else self.body_start

    @cached_property
    def heading_bounds(self) -> list[int]:
        """Where every chapter, section and sub-section heading starts, and where its number and title end,
        in text order.

        A sentence of a text run together (a scraped page) is cut at these: its table of contents, a heading
        and the first sentence have no full stop between them, and a paragraph may run on in the heading's
        line ((二)加大政策落实力度,健全社会福利体系一是完善儿童福利保障政策。).
        """
        return sorted({bound for division in divisions(self.chapters)
                       for bound in (division.span.start, division.span.end)})


@dataclass
class Programme:
    """A programme a plan names: a box, a titled box item, a name in prose or a glossary term.

    ``texts`` is the programme's own text (the box, the item, the sentence that
    names it, the glossary definition): the only text its relations are read from.
    """

    name: str
    kind: str  # a key of the programme-kind scheme: project, action, scheme, model, item, pilot, platform, brand
    origin: str  # 'box', 'box-item', 'prose' or 'glossary'
    span: Span  # where the name is written
    texts: list[Span] = field(default_factory=list)
    division: Division | None = None  # the chapter or section it sits in
    box: Box | None = None
    item: BoxItem | None = None
    period: str = "planned"  # 'planned' (the plan's own period), 'achieved' (reported as done) or 'both'
    mentions: list[Span] = field(default_factory=list)  # every place the name is written in prose


@dataclass
class Relation:
    """A programme's link to a concept, read from one sentence of its own text."""

    programme: str  # the programme's name
    predicate: str  # 'serves', 'inDomain', 'leadBody', 'cooperatingBody', 'responsibleBody'
    target: str  # the concept's IRI
    evidence: Span  # a verbatim stretch of text that holds both ends of the relation
    matched: str  # the words of the text that named the concept
    window: str | None = None  # where it was read: name, clause, sentence, item, box, paragraph, glossary, role
    confidence: float | None = None  # how sure the reading is, by window (ontology/lexicon/measures.yaml)


@dataclass
class Body:
    """An organisation the text names: as written, its canonical name and its IRI."""

    written: str
    canonical: str
    iri: str  # the bodies vocabulary's concept, or a body IRI minted from the canonical name
    span: Span  # its first mention
