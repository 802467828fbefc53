"""An entity's description from the RDF store: its triples, the links to it, and the evidence for each.

Read with fixed quad patterns over the read-only Oxigraph store (``NamedNode(iri)``
in ``quads_for_pattern``): no query text is ever built from a request.  The
linked-data pages (``api/linked_data.py``) render a ``Description`` as HTML,
Turtle, JSON-LD or N-Triples.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef

from policykg.graph.terms import to_rdflib
from policykg.ontology import ID_BASE, PKG_BASE
ONTOLOGY_GRAPH = ID_BASE + "graph/ontology"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = RDF + "langString"
PREFIXES = {"pkg": PKG_BASE, "rdf": RDF, "rdfs": RDFS, "skos": SKOS, "dcterms": DCTERMS, "prov": PROV,
            "eli": "http://data.europa.eu/eli/ontology#", "org": "http://www.w3.org/ns/org#",
            "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#",
            "foaf": "http://xmlns.com/foaf/0.1/", "vann": "http://purl.org/vocab/vann/"}

TYPE, SUBJECT, OBJECT = (ox.NamedNode(RDF + n) for n in ("type", "subject", "object"))
EVIDENCE, EVIDENCE_CLASS = ox.NamedNode(PKG_BASE + "evidence"), ox.NamedNode(PKG_BASE + "Evidence")
STATEMENT_CLASS, VALUE_CLASS = ox.NamedNode(RDF + "Statement"), ox.NamedNode(PKG_BASE + "IndicatorValue")
# What names a node, best first (an indicator value has only its text, an evidence node its quote).
NAMING = [RDFS + "label", SKOS + "prefLabel", DCTERMS + "title", PKG_BASE + "valueText", PKG_BASE + "quote"]
HEADING = set(NAMING[:3])  # shown as the page's title, not again among the properties
# Triples that only tie evidence and statements together: kept out of "linked from" (shown as evidence instead).
BOOKKEEPING = {RDF + "subject", RDF + "object", PROV + "wasQuotedFrom", PKG_BASE + "division", PKG_BASE + "evidence"}
INCOMING_LIMIT = 200  # links shown from other entities; a hub (an area, a plan) has thousands
STATEMENT_LIMIT = 100  # statements about the entity by others (e.g. every programme serving a group)
NAME_LENGTH = 60
PART_OF = "http://data.europa.eu/eli/ontology#is_part_of"
DOCUMENTS = {PKG_BASE + "Plan", PKG_BASE + "Article"}
DEEPEST_OUTLINE = 6  # chapter › section › sub-section › box › item › table: a path is never longer


# -- the description -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """An IRI, blank node or literal as shown: its value and, for an IRI, the names it is known by."""

    kind: str  # "iri" | "blank" | "literal"
    value: str  # the IRI, blank node id or lexical form
    name: str = ""  # the Chinese (or only) name of an IRI
    name_en: str = ""
    lang: str | None = None  # of a literal
    datatype: str | None = None  # of a typed literal, as a CURIE

    @property
    def curie(self) -> str:
        return curie(self.value) if self.kind == "iri" else self.value


@dataclass(frozen=True)
class Fact:
    """One triple of the entity (or pointing at it) with the graphs that state it."""

    predicate: Term
    value: Term  # the object, or the subject for an incoming link
    graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quote:
    """A verbatim quote and where it stands: the document, the division (section, table…), the span."""

    iri: str  # the pkg:Evidence node
    text: str
    document: Term | None
    division: Term | None
    char_start: int | None
    char_end: int | None
    matched: str | None  # the words that named the related concept, for a relation's evidence
    path: tuple[Term, ...] = ()  # where the division is in the plan: its chapter, then each part down to it


@dataclass(frozen=True)
class StatementEvidence:
    """A relation (an ``rdf:Statement``) with the entity at one end, and the quotes that state it."""

    iri: str
    subject: Term
    predicate: Term
    object: Term
    quotes: tuple[Quote, ...]
    method: str | None = None  # alignments: how the two were matched, and the score
    score: str | None = None


@dataclass
class Description:
    """What a page about one entity shows, and the triples its RDF answers hold."""

    iri: str
    names: list[Term]  # rdfs:label, skos:prefLabel, dcterms:title literals
    types: list[Term]
    facts: list[Fact]  # the entity's own triples, less types, names and evidence links
    incoming: list[Fact]  # other entities linking here (value = the subject), at most INCOMING_LIMIT
    incoming_total: int
    quotes: list[Quote]  # the evidence of the entity itself
    statements: list[StatementEvidence]  # relations from the entity, then to it (capped)
    statements_total: int
    graph: Graph = field(repr=False)  # the RDF answer
    notes: list[str] = field(default_factory=list)  # what was capped

    @property
    def name(self) -> str:
        return _pick(self.names, "zh") or _pick(self.names, None) or curie(self.iri)

    @property
    def name_en(self) -> str:
        english = _pick(self.names, "en")
        return english if english and english != self.name else ""


def _pick(names: Iterable[Term], lang: str | None) -> str:
    for term in names:
        if lang is None or (term.lang or "").lower().startswith(lang):
            return term.value
    return ""


def curie(iri: str) -> str:
    """``pkg:serves`` for a term of a known vocabulary, the path after ``…/id/`` for an entity."""
    if iri.startswith(ID_BASE):
        return iri[len(ID_BASE):]
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and iri != base:
            return f"{prefix}:{iri[len(base):]}"
    return iri


class _Reader:
    """Quad patterns over the store, with the names of nodes remembered for one description."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._names: dict[str, tuple[str, str]] = {}
        self._types: dict[str, set[str]] = {}

    def quads(self, s: Any = None, p: Any = None, o: Any = None) -> Iterator[ox.Quad]:
        return iter(self.store.quads_for_pattern(s, p, o, None))

    def values(self, s: Any, p: ox.NamedNode) -> list[Any]:
        seen: dict[Any, None] = {}
        for q in self.quads(s, p):
            seen.setdefault(q.object)
        return list(seen)

    def first(self, s: Any, predicate: str) -> Any | None:
        found = self.values(s, ox.NamedNode(predicate))
        return found[0] if found else None

    def types(self, node: Any) -> set[str]:
        key = str(node)
        if key not in self._types:
            self._types[key] = {q.object.value for q in self.quads(node, TYPE) if isinstance(q.object, ox.NamedNode)}
        return self._types[key]

    def names(self, node: ox.NamedNode) -> tuple[str, str]:
        """(Chinese or only name, English name) of ``node``, '' when it has none."""
        if node.value not in self._names:
            zh = en = other = ""
            for predicate in NAMING:
                for literal in self.values(node, ox.NamedNode(predicate)):
                    if not isinstance(literal, ox.Literal):
                        continue
                    lang = (literal.language or "").lower()
                    if lang.startswith("en"):
                        en = en or literal.value
                    elif lang.startswith("zh"):
                        zh = zh or literal.value
                    else:
                        other = other or literal.value
                if zh or other:
                    break
            name = zh or other
            if len(name) > NAME_LENGTH:
                name = name[: NAME_LENGTH - 1] + "…"
            self._names[node.value] = (name, en)
        return self._names[node.value]

    def term(self, node: Any) -> Term:
        if isinstance(node, ox.NamedNode):
            name, name_en = self.names(node)
            return Term("iri", node.value, name, name_en)
        if isinstance(node, ox.BlankNode):
            return Term("blank", "_:" + node.value)
        datatype = node.datatype.value
        shown = None if node.language or datatype in (XSD_STRING, RDF_LANG_STRING) else curie(datatype)
        return Term("literal", node.value, lang=node.language, datatype=shown)


def _graph_name(quad: ox.Quad) -> str:
    name = quad.graph_name
    if isinstance(name, ox.NamedNode):
        return name.value.removeprefix(ID_BASE + "graph/")
    return ""


def _add(graph: Graph, quads: Iterable[ox.Quad]) -> None:
    for q in quads:
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))


def _new_graph() -> Graph:
    graph = Graph()
    for prefix, base in PREFIXES.items():
        graph.bind(prefix, base)
    return graph


def _with_blank_nodes(reader: _Reader, graph: Graph, quads: list[ox.Quad], depth: int = 4) -> None:
    """Add ``quads`` and, for each blank-node object, its own triples (an OWL union, an RDF list)."""
    _add(graph, quads)
    if depth:
        for q in quads:
            if isinstance(q.object, ox.BlankNode):
                _with_blank_nodes(reader, graph, list(reader.quads(q.object)), depth - 1)


def _quote(reader: _Reader, node: Any, graph: Graph) -> Quote | None:
    """The evidence node ``node`` as a quote (its triples go into ``graph``)."""
    quads = list(reader.quads(node))
    if not quads:
        return None
    _add(graph, quads)
    text = reader.first(node, PKG_BASE + "quote")
    document = reader.first(node, PKG_BASE + "inDocument") or reader.first(node, PROV + "wasQuotedFrom")
    division = reader.first(node, PKG_BASE + "division")
    start, end = reader.first(node, PKG_BASE + "charStart"), reader.first(node, PKG_BASE + "charEnd")
    matched = reader.first(node, PKG_BASE + "matchedLabel")
    return Quote(node.value if isinstance(node, ox.NamedNode) else str(node), text.value if text else "",
                 reader.term(document) if document is not None else None,
                 reader.term(division) if division is not None else None,
                 int(start.value) if start is not None else None, int(end.value) if end is not None else None,
                 matched.value if matched is not None else None, _path(reader, division))


def _path(reader: _Reader, division: Any | None) -> tuple[Term, ...]:
    """The parts of the outline from the chapter down to ``division`` (up its ``eli:is_part_of`` to the plan)."""
    parts: list[Term] = []
    while division is not None and len(parts) < DEEPEST_OUTLINE and not reader.types(division) & DOCUMENTS:
        parts.append(reader.term(division))
        division = reader.first(division, PART_OF)
    return tuple(reversed(parts))


def _quotes(reader: _Reader, node: Any, graph: Graph) -> list[Quote]:
    found = [_quote(reader, evidence, graph) for evidence in reader.values(node, EVIDENCE)]
    return sorted((q for q in found if q is not None),
                  key=lambda q: (q.document.value if q.document else "", q.char_start or 0))


def _statement(reader: _Reader, node: Any, graph: Graph) -> StatementEvidence | None:
    quads = list(reader.quads(node))
    parts = {p: reader.first(node, RDF + p) for p in ("subject", "predicate", "object")}
    if not quads or any(v is None for v in parts.values()):
        return None
    _add(graph, quads)
    method, score = reader.first(node, PKG_BASE + "alignmentMethod"), reader.first(node, PKG_BASE + "alignmentScore")
    quotes = _quotes(reader, node, graph)
    matched = reader.first(node, PKG_BASE + "matchedLabel")  # the statement's own words (shared quotes carry none)
    if matched is not None:
        quotes = [replace(q, matched=matched.value) for q in quotes]
    return StatementEvidence(node.value, reader.term(parts["subject"]), reader.term(parts["predicate"]),
                             reader.term(parts["object"]), tuple(quotes),
                             method.value if method is not None else None, score.value if score is not None else None)


def _facts(reader: _Reader, quads: Iterable[ox.Quad], incoming: bool) -> list[Fact]:
    """Triples merged across graphs (the same fact in several documents is one row listing them)."""
    merged: dict[tuple[Any, Any], list[str]] = {}
    for q in quads:
        graphs = merged.setdefault((q.predicate, q.subject if incoming else q.object), [])
        if (name := _graph_name(q)) and name not in graphs:
            graphs.append(name)
    facts = [Fact(reader.term(p), reader.term(v), tuple(sorted(g))) for (p, v), g in merged.items()]
    return sorted(facts, key=lambda f: (f.predicate.name_en or f.predicate.curie, f.value.name or f.value.value))


def describe(store: ox.Store, iri: str, incoming_limit: int = INCOMING_LIMIT,
             statement_limit: int = STATEMENT_LIMIT) -> Description | None:
    """The description of ``iri``, None when no graph of the store mentions it (or it is no valid IRI).

    A hub (a target group every plan serves, a plan every division points at) is capped at
    ``incoming_limit`` links from others and ``statement_limit`` statements by others; ``notes`` say so.
    """
    try:
        node = ox.NamedNode(iri)
    except ValueError:  # '<', '"', spaces…: never minted by the loaders, so no such entity
        return None
    reader, graph = _Reader(store), _new_graph()
    own = list(reader.quads(node))
    all_incoming = [q for q in reader.quads(None, None, node)
                    if q.predicate.value not in BOOKKEEPING
                    and not reader.types(q.subject) & {EVIDENCE_CLASS.value, STATEMENT_CLASS.value}]
    if not own and not all_incoming and next(reader.quads(None, None, node), None) is None:
        return None
    _with_blank_nodes(reader, graph, own)
    for q in own:  # an indicator's baseline, target and actual values are shown with it
        if isinstance(q.object, ox.NamedNode) and VALUE_CLASS.value in reader.types(q.object):
            _add(graph, reader.quads(q.object))

    names = [reader.term(q.object) for q in own if q.predicate.value in HEADING and isinstance(q.object, ox.Literal)]
    types = sorted({reader.term(q.object) for q in own if q.predicate == TYPE}, key=lambda t: t.curie)
    shown = [q for q in own if q.predicate != TYPE and q.predicate != EVIDENCE and q.predicate.value not in HEADING]
    incoming = _facts(reader, all_incoming, incoming=True)
    notes = []
    if len(incoming) > incoming_limit:
        notes.append(f"{incoming_limit} of {len(incoming)} links to this entity are shown; "
                     "ask /sparql for the rest")
    for fact in incoming[:incoming_limit]:
        graph.add((URIRef(fact.value.value), URIRef(fact.predicate.value), URIRef(iri)))

    about = [q.subject for q in reader.quads(None, SUBJECT, node)]
    pointing = [q.subject for q in reader.quads(None, OBJECT, node)]
    statements_total = len(set(about) | set(pointing))
    chosen = list(dict.fromkeys(about + pointing))[: statement_limit + len(set(about))]
    statements = [s for s in (_statement(reader, n, graph) for n in chosen) if s is not None]
    if statements_total > len(chosen):
        notes.append(f"the evidence of {len(chosen)} of {statements_total} statements about this entity is "
                     "included; ask /sparql for the rest")
    statements.sort(key=lambda s: (s.subject.value != iri, s.predicate.curie, s.object.name or s.object.value,
                                   s.subject.name or s.subject.value))
    return Description(iri, names, types, _facts(reader, shown, incoming=False), incoming[:incoming_limit],
                       len(incoming), _quotes(reader, node, graph), statements, statements_total, graph, notes)


@dataclass(frozen=True)
class OntologyTerm:
    """A class, property or concept of the ontology graph, for the ontology page."""

    iri: str
    anchor: str  # the local name of a pkg: term, the CURIE of a reused one
    name: str
    name_en: str
    kinds: tuple[Term, ...]
    comment: str
    links: tuple[Fact, ...]  # sub-class of, domain, range, in scheme, broader


ONTOLOGY_LINKS = [RDFS + "subClassOf", RDFS + "subPropertyOf", RDFS + "domain", RDFS + "range",
                  SKOS + "inScheme", SKOS + "broader"]


def describe_ontology(store: ox.Store) -> tuple[Graph, list[OntologyTerm]]:
    """The ontology graph's terms (classes, properties, concepts of the fixed vocabularies), not its data."""
    reader, graph = _Reader(store), _new_graph()
    quads = [q for q in store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH))
             if isinstance(q.subject, ox.NamedNode) and not q.subject.value.startswith(ID_BASE)]
    _with_blank_nodes(reader, graph, quads)
    terms = []
    for node in sorted({q.subject for q in quads}, key=lambda n: (not n.value.startswith(PKG_BASE), curie(n.value))):
        name, name_en = reader.names(node)
        comment = reader.first(node, RDFS + "comment") or reader.first(node, SKOS + "definition")
        links = [Fact(reader.term(ox.NamedNode(p)), reader.term(v)) for p in ONTOLOGY_LINKS
                 for v in reader.values(node, ox.NamedNode(p)) if isinstance(v, ox.NamedNode)]
        anchor = node.value[len(PKG_BASE):] if node.value.startswith(PKG_BASE) else curie(node.value)
        kinds = tuple(sorted((reader.term(t) for t in reader.values(node, TYPE)), key=lambda t: t.curie))
        terms.append(OntologyTerm(node.value, anchor, name, name_en, kinds,
                                  comment.value if isinstance(comment, ox.Literal) else "", tuple(links)))
    return graph, terms
