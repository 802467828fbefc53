"""``ParsedDocument`` → RDF triples in the document's own named graph.

Every node written here gets ``pkg:evidence``: an Evidence node with the
verbatim quote, its character span in the raw file and the document it was
quoted from.  Plans cited but not loaded become plan nodes with ``pkg:loaded
false`` so the cascade national → provincial → municipal stays whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from policykg.ontology import load_lexicon

from .iris import ELI, PKG, area_iri, body_iri, child_iri, cited_plan_iri, plan_iri, title_key
from .rdf_passages import write_passages
from .title_en import english_title
from .rdf_programmes import write_programmes
from .vocab import bodies
from .model import (Box, Division, IndicatorRow, IndicatorTable, IndicatorValue, ParsedDocument,
                    Span)

DIVISION_CLASS = {1: PKG.Chapter, 2: PKG.Section, 3: PKG.SubSection}
DIVISION_PATH = {1: "ch", 2: "sec", 3: "sub"}
ATTRIBUTES = {"约束性": PKG["attribute-binding"], "预期性": PKG["attribute-indicative"]}
STATUSES = {"完成": PKG["status-achieved"], "未完成": PKG["status-not-achieved"],
            "职能转隶": PKG["status-transferred"]}
TABLE_KINDS = {"target": PKG["table-target"], "completion": PKG["table-completion"]}
LEVELS = frozenset(load_lexicon("levels")["levels"])  # as a sidecar may give them (loaders/source.py checks)


def document_slug(document: ParsedDocument) -> str:
    return str(document.source.meta.get("slug") or document.source.doc_id)


class DocumentGraph:
    """Writes one document's triples; ``loaded_titles`` maps title keys of loaded plans to IRIs."""

    def __init__(self, document: ParsedDocument, loaded_titles: Mapping[str, URIRef]) -> None:
        self.doc = document
        self.loaded_titles = loaded_titles
        self.graph = Graph()
        self.iri = plan_iri(document_slug(document))
        self.nodes: dict[int, URIRef] = {}  # id() of a parsed division, box or item → its node
        self.glossary_terms: dict[str, URIRef] = {}
        self.glossary_node: URIRef | None = None
        self.tables: list[IndicatorTable] = []  # every table written, for alignment

    def build(self) -> Graph:
        self._document()
        for chapter in self.doc.chapters:
            self._division(chapter, self.iri, self.iri)
        for index, table in enumerate(self.doc.preamble_tables, start=1):
            self._table(table, self.iri, index)
        self._glossary()
        write_programmes(self, self.doc.programmes, self.doc.relations, self.doc.bodies)
        write_passages(self)
        return self.graph

    # -- helpers ---------------------------------------------------------------------------

    def add(self, subject: URIRef, predicate: URIRef, obj) -> None:
        self.graph.add((subject, predicate, obj))

    def label(self, node: URIRef, text: str) -> None:
        self.add(node, RDFS.label, Literal(text, lang="zh"))

    def body(self, node: URIRef, name: str) -> None:
        """A body (an issuer, or an organisation the text names): typed and named."""
        self.add(node, RDF.type, PKG.Body)
        self.add(node, SKOS.prefLabel, Literal(name, lang="zh"))
        self.label(node, name)

    def node_of(self, parsed: object) -> URIRef | None:
        """The node written for a parsed division, box or item (None for None)."""
        return self.nodes.get(id(parsed)) if parsed is not None else None

    def evidence(self, node: URIRef, span: Span, division: URIRef | None = None,
                 key: str | None = None, shared: bool = False) -> URIRef | None:
        """Attach the verbatim source quote behind ``span`` to ``node``; ``key`` tells several apart.

        ``shared``: the quote is the document's one evidence node for ``key`` (named under the
        document, not under ``node``), so every relation read from one sentence points at it.
        A quote from a PDF also gets the page its first character is on (``pkg:page``).
        """
        raw = self.doc.text.raw_span(span)
        quote = self.doc.text.raw[raw.start : raw.end]
        if not quote.strip():
            return None
        owner = self.iri if shared else node
        evidence = child_iri(owner, "evidence", key) if key else child_iri(owner, "evidence")
        self.add(node, PKG.evidence, evidence)
        self.add(evidence, RDF.type, PKG.Evidence)
        self.add(evidence, PKG.quote, Literal(quote))
        self.add(evidence, PKG.charStart, Literal(raw.start))
        self.add(evidence, PKG.charEnd, Literal(raw.end))
        page = self.doc.source.page_at(raw.start)  # a PDF's page; None for a text without pages
        if page is not None:
            self.add(evidence, PKG.page, Literal(page))
        self.add(evidence, PROV.wasQuotedFrom, self.iri)
        self.add(evidence, PKG.inDocument, self.iri)
        if division is not None:
            self.add(evidence, PKG.division, division)
        return evidence

    def part_of(self, node: URIRef, parent: URIRef) -> None:
        self.add(node, ELI.is_part_of, parent)
        self.add(parent, ELI.has_part, node)
        self.add(node, PKG.inDocument, self.iri)

    # -- the document ----------------------------------------------------------------------

    def _document(self) -> None:
        meta, source = self.doc.metadata, self.doc.source
        node = self.iri
        self.add(node, RDF.type, PKG.Plan if meta.kind == "plan" else PKG.Article)
        self.add(node, DCTERMS.title, Literal(meta.title, lang="zh"))
        self.label(node, meta.title)
        english = english_title(meta)
        if english is not None:  # made by rule from area, period and field: a label, marked so; the title (dcterms)
            self.add(node, RDFS.label, Literal(english, lang="en"))  # stays the one the plan writes
            self.add(node, PKG.englishTitleByRule, Literal(True))
        self.add(node, DCTERMS.identifier, Literal(source.doc_id))
        self.add(node, PKG.loaded, Literal(True))
        self.add(node, PKG.sourceFile, Literal(source.path.name))
        if meta.date:
            # a cover that gives only the month (2020年11月) is an xsd:gYearMonth
            kind = XSD.date if len(meta.date) == len("2021-05-24") else XSD.gYearMonth
            self.add(node, DCTERMS.issued, Literal(meta.date, datatype=kind))
        if meta.page_date:  # the web page's own date (a repost's 发布时间), never the date of issue
            self.add(node, PKG.pageDate, Literal(meta.page_date, datatype=XSD.date))
        if meta.document_number:
            self.add(node, ELI.id_local, Literal(meta.document_number))
        if meta.source_url:
            self.add(node, DCTERMS.source, Literal(meta.source_url, datatype=XSD.anyURI))
        if meta.period_start is not None and meta.period_end is not None:  # xsd:gYear, as the ontology declares
            self.add(node, PKG.periodStart, Literal(str(meta.period_start), datatype=XSD.gYear))
            self.add(node, PKG.periodEnd, Literal(str(meta.period_end), datatype=XSD.gYear))
        if meta.level in LEVELS:
            self.add(node, PKG.level, PKG[f"level-{meta.level}"])
        if meta.jurisdiction:
            self._area(node, meta.jurisdiction, source.meta.get("jurisdiction_parent"))
        self.evidence(node, meta.title_span or Span(0, 1))
        for name, span in meta.issuers:
            body = bodies().concept(name) or body_iri(name)
            self.add(node, PKG.issuer, body)
            self.body(body, name)
            self.evidence(body, span)
        for title, span in self.doc.metadata.based_on:
            self._based_on(title, span)

    def _area(self, plan: URIRef, name: str, parent: str | None) -> None:
        area = area_iri(name)
        self.add(plan, ELI.jurisdiction, area)
        self.add(area, RDF.type, PKG.Area)
        self.add(area, SKOS.prefLabel, Literal(name, lang="zh"))
        self.add(area, SKOS.inScheme, PKG.Areas)
        if parent:
            self.add(area, SKOS.broader, area_iri(parent))
            self.add(area_iri(parent), RDF.type, PKG.Area)
            self.add(area_iri(parent), SKOS.prefLabel, Literal(parent, lang="zh"))
            self.add(area_iri(parent), SKOS.inScheme, PKG.Areas)

    def _based_on(self, title: str, span: Span) -> None:
        """A cited plan: the loaded one when its title matches, else a plan node of its own."""
        cited = self.loaded_titles.get(title_key(title))
        if cited is None or cited == self.iri:
            cited = cited_plan_iri(title)
            self.add(cited, RDF.type, PKG.Plan)
            self.add(cited, DCTERMS.title, Literal(title, lang="zh"))
            self.label(cited, title)
            self.add(cited, PKG.loaded, Literal(False))
            self.evidence(cited, span)
        self.add(self.iri, ELI.based_on, cited)

    # -- structure -------------------------------------------------------------------------

    def _division(self, division: Division, parent: URIRef, chapter_path: URIRef) -> None:
        node = child_iri(chapter_path, DIVISION_PATH[division.level], division.number)
        self.nodes[id(division)] = node
        self.add(node, RDF.type, DIVISION_CLASS[division.level])
        self.label(node, division.title)
        self.add(node, PKG.ordinal, Literal(division.number))
        self.add(node, PKG.marker, Literal(division.marker))
        self.add(node, PKG.headingLevel, Literal(division.level))
        self.part_of(node, parent)
        self.evidence(node, division.span, node)
        for child in division.children:
            self._division(child, node, node)
        for box in division.boxes:
            self._box(box, node)
        for index, table in enumerate(division.tables, start=1):
            self._table(table, node, index)

    def _box(self, box: Box, parent: URIRef) -> None:
        node = child_iri(parent, "box", box.number)
        self.nodes[id(box)] = node
        self.add(node, RDF.type, PKG.Box)
        self.label(node, box.title or f"专栏{box.number}")
        self.add(node, PKG.ordinal, Literal(box.number))
        self.part_of(node, parent)
        self.evidence(node, box.span, node)
        for item in box.items:
            item_node = child_iri(node, "item", item.number)
            self.nodes[id(item)] = item_node
            self.add(item_node, RDF.type, PKG.BoxItem)
            self.label(item_node, item.title)
            self.add(item_node, PKG.ordinal, Literal(item.number))
            self.part_of(item_node, node)
            self.evidence(item_node, item.body or item.span, item_node)

    def _table(self, table: IndicatorTable, parent: URIRef, index: int) -> None:
        node = child_iri(parent, "table", f"{table.kind}-{index}" if index > 1 else table.kind)
        self.tables.append(table)
        self.add(node, RDF.type, PKG.IndicatorTable)
        self.label(node, table.title)
        self.add(node, PKG.tableKind, TABLE_KINDS[table.kind])
        self.part_of(node, parent)
        self.evidence(node, table.span, node)
        for note in table.notes:
            self.add(node, PKG.parseNote, Literal(note))
        for number, row in enumerate(table.rows, start=1):
            self._indicator(row, child_iri(node, "row", number), node)

    def _indicator(self, row: IndicatorRow, node: URIRef, table: URIRef) -> None:
        self.nodes[id(row)] = node
        self.add(node, RDF.type, PKG.Indicator)
        self.label(node, row.name)
        self.add(node, PKG.inTable, table)
        self.add(node, PKG.inDocument, self.iri)
        self.evidence(node, row.span, table)
        if row.unit:
            self.add(node, PKG.unit, Literal(row.unit))
        if row.attribute:
            self.add(node, PKG.attributeText, Literal(row.attribute))
            if row.attribute in ATTRIBUTES:
                self.add(node, PKG.attribute, ATTRIBUTES[row.attribute])
        if row.status:
            self.add(node, PKG.statusText, Literal(row.status))
            if row.status in STATUSES:
                self.add(node, PKG.completionStatus, STATUSES[row.status])
        if row.domain:
            self.add(node, PKG.domainText, Literal(row.domain))
        for note in row.notes:
            self.add(node, PKG.parseNote, Literal(note))
        for role in ("baseline", "target", "actual"):
            value = getattr(row, role)
            if value is not None:
                self._value(value, child_iri(node, role), node, PKG[role], table)

    def _value(self, value: IndicatorValue, node: URIRef, indicator: URIRef,
               role: URIRef, table: URIRef) -> None:
        self.add(indicator, role, node)
        self.add(node, RDF.type, PKG.IndicatorValue)
        self.add(node, PKG.valueText, Literal(value.text))
        if value.number is not None:
            self.add(node, PKG.numericValue, Literal(Decimal(str(value.number)), datatype=XSD.decimal))
        if value.comparator:
            self.add(node, PKG.comparator, Literal(value.comparator))
        if value.year:
            self.add(node, PKG.year, Literal(str(value.year), datatype=XSD.gYear))
        if value.span:
            self.evidence(node, value.span, table)

    def _glossary(self) -> None:
        if not self.doc.glossary_span:
            return
        node = self.glossary_node = child_iri(self.iri, "glossary")
        self.add(node, RDF.type, PKG.Glossary)
        self.add(node, RDF.type, SKOS.ConceptScheme)
        self.label(node, "名词解释")
        self.part_of(node, self.iri)
        self.evidence(node, self.doc.glossary_span, node)
        for entry in self.doc.glossary:
            term = self.glossary_terms[entry.term] = child_iri(self.iri, "term", entry.term)
            self.add(term, RDF.type, PKG.GlossaryTerm)
            self.add(term, SKOS.prefLabel, Literal(entry.term, lang="zh"))
            self.label(term, entry.term)
            self.add(term, SKOS.definition, Literal(entry.definition, lang="zh"))
            self.add(term, SKOS.inScheme, node)
            self.add(term, PKG.definedIn, self.iri)
            self.evidence(term, entry.span, node)
