"""The RDF dataset → the ``PropertyGraph`` every Cypher store loads (rules in ``mapping_rules.py``).

- **Nodes**: every IRI typed with a ``pkg:`` class, or a plain ``skos:Concept`` of
  the vocabularies (label ``Concept``); one label each (the most specific class),
  key ``iri``.  ``pkg:Evidence`` and ``rdf:Statement`` are not nodes.
- **Properties**: literals, named by ``ontology/lexicon/property-graph.yaml``
  (``name_zh``, ``alt_labels``, ``value_text``…); the node's evidence is folded
  on (``quote``, ``char_start``, ``char_end``, ``document``, ``source_file``,
  ``division``, ``evidence``); an Indicator also carries its values flat
  (``target_text``, ``target_value``, ``target_year``…).
- **Relationships**: object properties between two nodes, UPPER_SNAKE, one per
  (start, type, end); inverses dropped (``eli:has_part``), symmetric ones kept in
  one direction; an ``rdf:Statement`` about one gives it ``quotes``, ``matched``,
  ``evidence`` (and ``method``, ``score`` for alignments).
- ``graphs``: the named graphs whose triples produced the node or relationship.

The output is sorted (nodes by iri, relationships by start, type, end), so the
same dataset always maps to the same graph.  ``docs/property-graph.md`` is the
reader's guide.

The mapper reads through a ``QuadIndex`` (``quad_index.py``): an rdflib dataset
in memory (``map_dataset``) or the build's Oxigraph store on disk
(``stream_store``, which yields nodes and relationships one at a time, so the
memory of a build does not grow with every document).  Relationships are
gathered per start node: its own links, the links to it that are turned round
(inverses, symmetric ones from a lower level) and the ``rdf:Statement`` nodes about
them, so no table of every relationship is ever held.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import PROV, RDF

from policykg.graph.mapping.rules import (Rules, label_of, literal_value, load_rules, property_name,
                                          relationship_type, sort_key)
from policykg.graph.mapping.cache_sizes import cache_sizes
from policykg.graph.mapping.label_table import LabelTable
from policykg.graph.mapping.model import Node, PropertyGraph, Relationship, Value, uniform_lists
from policykg.graph.mapping.quad_index import DatasetIndex, QuadIndex, StoreIndex


@dataclass
class Evidence:
    """One ``pkg:Evidence``: the quote and where it is in which source file."""

    iri: str
    quote: str | None = None
    char_start: int | None = None
    char_end: int | None = None
    document: str | None = None
    source_file: str | None = None
    division: str | None = None
    page: int | None = None  # a PDF's page the quote starts on
    matched: list[str] = field(default_factory=list)
    graphs: set[str] = field(default_factory=set)

    def order(self) -> tuple:
        return (self.document or "", self.char_start or 0, self.char_end or 0, self.iri)


class _Mapper:
    """One run of the mapping over one dataset, read through ``index``."""

    def __init__(self, index: QuadIndex, rules: Rules, labels: Mapping[URIRef, str] | None = None) -> None:
        self.rules = rules
        self.index = index
        self.labels = node_labels(index, rules) if labels is None else labels
        self.turned = turned_predicates(rules)  # links the mapping may turn round: looked up by their object
        self.evidence_class = rules.term("Evidence")
        sizes = cache_sizes()  # what a worker keeps
        self.evidence = lru_cache(maxsize=sizes.records)(self._evidence)
        self.rank = lru_cache(maxsize=sizes.records)(self._rank)
        self.by_predicate = lru_cache(maxsize=sizes.records)(self._by_predicate)

    # -- reading -------------------------------------------------------------------
    def about(self, subject: URIRef) -> list:
        return self.index.about(subject)

    def objects(self, subject: URIRef, predicate: URIRef) -> set:
        return set(self.by_predicate(subject).get(predicate, ()))

    def _by_predicate(self, subject: URIRef) -> dict[URIRef, list]:
        """The subject's objects per predicate (asked for one predicate at a time, again and again)."""
        found: dict[URIRef, list] = defaultdict(list)
        for p, o, _ in self.about(subject):
            found[p].append(o)
        return found

    def value(self, subject: URIRef, predicate: URIRef):
        values = sorted(self.objects(subject, predicate), key=str)
        return values[0] if values else None

    def _evidence(self, iri: URIRef) -> Evidence | None:
        """The evidence record of ``iri``, or None when it is not a ``pkg:Evidence``."""
        if self.evidence_class not in self.objects(iri, RDF.type):
            return None
        term, value = self.rules.term, self.value
        document = value(iri, PROV.wasQuotedFrom)
        source = value(document, term("sourceFile")) if document is not None else None
        optional = lambda v, kind: kind(v) if v is not None else None  # noqa: E731
        return Evidence(
            iri=str(iri), quote=optional(value(iri, term("quote")), str),
            char_start=optional(value(iri, term("charStart")), int),
            char_end=optional(value(iri, term("charEnd")), int),
            document=optional(document, str), source_file=optional(source, str),
            division=optional(value(iri, term("division")), str),
            page=optional(value(iri, term("page")), int),
            matched=sorted(str(m) for m in self.objects(iri, term("matchedLabel"))),
            graphs={g for _, _, g in self.about(iri)})

    def records(self, evidence: set) -> list[Evidence]:
        return [record for e in evidence if (record := self.evidence(e)) is not None]

    # -- nodes ---------------------------------------------------------------------
    def node(self, iri: URIRef) -> Node:
        values: dict[str, list[Value]] = defaultdict(list)
        graphs: set[str] = set()
        for p, o, g in self.about(iri):
            if p == RDF.type or isinstance(o, Literal):
                graphs.add(g)
        self._literals(iri, values)
        self._fold_evidence(iri, values, graphs)
        if self.labels[iri] == "Indicator":
            self._flatten_values(iri, values, graphs)
        props = {name: vals if name in self.rules.list_properties or len(vals) > 1 else vals[0]
                 for name, vals in sorted(values.items())}
        return Node(iri=str(iri), label=self.labels[iri], props=props, graphs=tuple(sorted(graphs)))

    def _literals(self, iri: URIRef, values: dict[str, list[Value]]) -> None:
        """Literal properties; names from several predicates: the first of name_priority wins."""
        names: dict[str, list[tuple[int, str]]] = defaultdict(list)
        priority = {p: i for i, p in enumerate(self.rules.name_priority)}
        for p, o, _ in self.about(iri):
            if not isinstance(o, Literal):
                continue
            name = property_name(p, o, self.rules)
            if p in priority:
                names[name].append((priority[p], str(o)))
            elif (v := literal_value(o)) not in values[name]:
                values[name].append(v)
        for name, ranked in sorted(names.items()):
            distinct = list(dict.fromkeys(text for _, text in sorted(ranked)))
            values[name].append(distinct[0])
            values["alt_labels"].extend(t for t in distinct[1:] if t not in values["alt_labels"])
        for name in list(values):
            values[name].sort(key=sort_key)
            if not values[name]:
                del values[name]

    def _fold_evidence(self, iri: URIRef, values: dict[str, list[Value]], graphs: set[str]) -> None:
        """The node's evidence: the first (by document and offset) as scalars, all as lists."""
        records = sorted(self.records(self.objects(iri, self.rules.term("evidence"))), key=Evidence.order)
        if not records:
            return
        first = records[0]
        for name in ("quote", "char_start", "char_end", "document", "source_file", "division", "page"):
            if getattr(first, name) is not None:
                values[name] = [getattr(first, name)]
        values["evidence"] = [r.iri for r in records]
        if len(records) > 1:
            values["quotes"] = [r.quote or "" for r in records]
        for record in records:
            graphs |= record.graphs

    def _flatten_values(self, iri: URIRef, values: dict[str, list[Value]], graphs: set[str]) -> None:
        """``pkg:target`` → ``target_text``, ``target_value``, ``target_comparator``, ``target_year``."""
        for role, prefix in self.rules.indicator_roles.items():
            target = self.value(iri, role)
            if target is None:
                continue
            for predicate, suffix in self.rules.indicator_value_fields.items():
                literal = self.value(target, predicate)
                if literal is not None:
                    values[f"{prefix}_{suffix}"] = [literal_value(literal)]
            graphs |= {g for p, o, g in self.about(target) if isinstance(o, Literal)}

    # -- relationships -------------------------------------------------------------
    def orient(self, s: URIRef, p: URIRef, o: URIRef) -> tuple[URIRef, URIRef, URIRef]:
        """The kept direction: inverses turned round, symmetric pairs from the higher level."""
        if p in self.rules.inverse_of:
            s, p, o = o, self.rules.inverse_of[p], s
        if p in self.rules.symmetric and self.rank(o) < self.rank(s):
            s, o = o, s
        return s, p, o

    def first(self, subject: URIRef, predicate: URIRef):
        """``value`` of a subject the mapping does not otherwise read: one predicate asked, not the whole subject
        (the far end of an alignment is a programme with thousands of them)."""
        return min(self.index.objects(subject, predicate), key=str, default=None)

    def _rank(self, iri: URIRef) -> tuple[int, str]:
        """(plan level of the node's document, iri): national first, then the smaller iri."""
        document = self.first(iri, self.rules.term("inDocument")) or iri
        level = self.first(document, self.rules.term("level"))
        return (self.rules.level_rank.get(level, len(self.rules.level_rank)), str(iri))

    def is_link(self, p: URIRef, o) -> bool:
        if p in self.rules.keep_when_node_object:
            return o in self.labels
        return p not in self.rules.skip_predicates and o in self.labels

    def relationships_from(self, start: URIRef) -> list[Relationship]:
        """Every relationship whose (oriented) start is ``start``, sorted by type and end."""
        found: dict[tuple, dict] = {}
        incoming = [(s, p, start, g) for s, p, g in self.index.referring(start, self.turned) if s in self.labels]
        for s, p, o, g in [(start, p, o, g) for p, o, g in self.about(start)] + incoming:
            if self.is_link(p, o) and (key := self.orient(s, p, o))[0] == start:
                self._add(found, key)["graphs"].add(g)
        statements = {st for st, _, _ in self.index.referring(start, (RDF.subject,))}
        # a statement reaches its object's relationships only when its link may be turned round: asked in one
        # query, so a group's hundreds of thousands of serves statements are not read again one by one
        statements |= self.index.statements_to(start, self.turned)
        for statement in sorted(statements):
            self._attach(found, statement, start)
        keys = sorted(found, key=lambda k: (relationship_type(k[1]), str(k[2])))
        return [self.relationship(key, found[key]) for key in keys]

    def _add(self, found: dict, spo: tuple) -> dict:
        return found.setdefault(spo, {"graphs": set(), "evidence": set(), "props": {}})

    def _attach(self, found: dict, statement: URIRef, start: URIRef) -> None:
        """An rdf:Statement's evidence and properties onto the relationship it is about (when it starts at ``start``)."""
        if RDF.Statement not in self.objects(statement, RDF.type):
            return
        s, p, o = (self.value(statement, RDF[x]) for x in ("subject", "predicate", "object"))
        if s not in self.labels or not self.is_link(p, o) or (key := self.orient(s, p, o))[0] != start:
            return
        entry = self._add(found, key)
        entry["graphs"] |= {g for _, _, g in self.about(statement)}
        entry["evidence"] |= {e for e in self.objects(statement, self.rules.term("evidence"))
                              if self.evidence(e) is not None}
        for predicate, name in sorted(self.rules.statement_properties.items()):
            literal = self.value(statement, predicate)
            if literal is not None:
                entry["props"].setdefault(name, literal_value(literal))
        # the words that named the end: on the statement (its evidence node is shared by the sentence's relations)
        entry.setdefault("matched", []).extend(
            sorted(str(m) for m in self.objects(statement, self.rules.term("matchedLabel"))))

    def relationship(self, spo: tuple, entry: dict) -> Relationship:
        s, p, o = spo
        own = {str(e) for e in self.objects(s, self.rules.term("evidence"))}
        end = {str(e) for e in self.index.objects(o, self.rules.term("evidence"))}
        records = sorted(self.records(entry["evidence"]),
                         key=lambda r: (0 if r.iri in own else 1 if r.iri in end else 2, r.order()))
        props = dict(entry["props"])
        graphs = set(entry["graphs"])
        if records:
            props["evidence"] = [r.iri for r in records]
            props["quotes"] = [r.quote or "" for r in records]
            # aligned with ``quotes``: where each quote is (so a relationship's evidence names its section)
            props["documents"] = [r.document or "" for r in records]
            props["divisions"] = [r.division or "" for r in records]
            props["spans"] = [f"{r.char_start}-{r.char_end}" if r.char_start is not None else "" for r in records]
            matched = list(dict.fromkeys([*entry.get("matched", ()), *(m for r in records for m in r.matched)]))
            if matched:
                props["matched"] = matched
            for record in records:
                graphs |= record.graphs
        return Relationship(start=str(s), type=relationship_type(p), end=str(o),
                            props=dict(sorted(props.items())), graphs=tuple(sorted(graphs)))


def _uniform_lists(nodes: list[Node]) -> list[Node]:
    """A property that is a list on one node of a label is a list (of strings) on every node of it."""
    listed: dict[str, set[str]] = defaultdict(set)
    for node in nodes:
        listed[node.label] |= {k for k, v in node.props.items() if isinstance(v, list)}
    for node in nodes:
        uniform_lists(node.props, listed[node.label])
    return nodes


def map_dataset(dataset: Dataset, rules: Rules | None = None) -> PropertyGraph:
    """The property graph of an RDF dataset (all named graphs), sorted and deterministic."""
    rules = rules or load_rules()
    nodes, relationships = stream(DatasetIndex(dataset, reverse_predicates(rules)), rules)
    return PropertyGraph(nodes=_uniform_lists(list(nodes)), relationships=list(relationships))


def stream_store(store: ox.Store, rules: Rules | None = None) -> tuple[Iterator[Node], Iterator[Relationship]]:
    """Nodes, then relationships, of the dataset in an Oxigraph store, one at a time and in order.

    Lists are not made uniform per label here: a writer that keeps only a row at a time
    does it from the schema (``graph/backends/embedded.py``)."""
    return stream(StoreIndex(store), rules or load_rules())


def stream(index: QuadIndex, rules: Rules) -> tuple[Iterator[Node], Iterator[Relationship]]:
    mapper = _Mapper(index, rules)
    return _stream(mapper, sorted(mapper.labels, key=str))


def node_labels(index: QuadIndex, rules: Rules) -> dict[URIRef, str]:
    """Every node of the graph and its label (the typed subjects a label is found for)."""
    return {s: label for s, types in index.typed_subjects() if (label := label_of(types, rules)) is not None}


def store_labels(store: ox.Store, rules: Rules | None = None) -> dict[str, str]:
    """``node_labels`` of a store, by IRI text: worked out once and handed to every part (reading every
    ``rdf:type`` was a fifth of a part's time, in each part)."""
    rules = rules or load_rules()
    return StoreIndex(store).labels_by_text(lambda types: label_of(types, rules))


def stretches(labels: Iterable[str], parts: int) -> list[list[str]]:
    """The node order (IRI texts, sorted) cut into ``parts`` stretches, one for each part to map."""
    order = sorted(labels)  # as strings: rdflib's comparison is Python code, called n log n times
    return [order[part * len(order) // parts : (part + 1) * len(order) // parts] for part in range(parts)]


def stream_store_part(store: ox.Store, part: int, parts: int, rules: Rules | None = None,
                      labels: Mapping[str, str] | LabelTable | None = None, stretch: list[str] | None = None,
                      ) -> tuple[Mapping[str, str] | LabelTable, Iterator[Node], Iterator[Relationship]]:
    """The nodes of one of ``parts`` stretches of the node order, then the relationships that start at them,
    and the label of every node (a relationship may end in another stretch).  ``labels``: ``store_labels``
    (or its ``LabelTable``) and ``stretch``: this part's of ``stretches``, if the caller has them (a table
    cannot be listed, so it comes with its stretch).

    Parts mapped in separate processes and put one after the other are ``stream_store``'s output."""
    index = StoreIndex(store)
    rules = rules or load_rules()
    if labels is None:
        labels = index.labels_by_text(lambda types: label_of(types, rules))
    if stretch is None:
        stretch = stretches(labels, parts)[part]  # type: ignore[arg-type]
    mapper = _Mapper(index, rules, _LabelsByText(labels))
    return labels, *_stream(mapper, stretch, index.iri)


class _LabelsByText(Mapping):
    """Every node's label, held once by IRI text (a dictionary or a ``LabelTable``) and asked with rdflib terms.

    A mapping worker gets the labels of every node of the graph (a relationship may end in another
    stretch); a second copy keyed by ``URIRef`` was 53 MB a worker at 500 plans, about 150 MB at 5,000."""

    __slots__ = ("by_text",)

    def __init__(self, by_text: Mapping[str, str] | LabelTable) -> None:
        self.by_text = by_text

    def __contains__(self, term: object) -> bool:
        return isinstance(term, URIRef) and str(term) in self.by_text

    def __getitem__(self, iri: URIRef) -> str:
        return self.by_text[str(iri)]

    def __iter__(self) -> Iterator[URIRef]:
        return (URIRef(iri) for iri in self.by_text)  # type: ignore[union-attr]  # a table cannot be listed

    def __len__(self) -> int:
        return len(self.by_text)


def _stream(mapper: _Mapper, order: list, term: Callable[[Any], URIRef] = lambda iri: iri,
            ) -> tuple[Iterator[Node], Iterator[Relationship]]:
    """Nodes, then relationships, in ``order``; each entry made a term as it is mapped (IRI texts: a stretch of
    675,000 nodes at 5,000 plans made terms first was a second copy of it, and filled the index's table of terms
    with nodes seen once)."""
    nodes = (mapper.node(term(entry)) for entry in order)
    relationships = (rel for entry in order for rel in mapper.relationships_from(term(entry)))
    return nodes, relationships


def turned_predicates(rules: Rules) -> frozenset[URIRef]:
    """The predicates whose links ``orient`` may turn round (inverses, symmetric ones)."""
    return frozenset(rules.inverse_of) | rules.symmetric


def reverse_predicates(rules: Rules) -> set[URIRef]:
    """The predicates the mapping looks up by object: those it may turn round, and a statement's ends."""
    return set(turned_predicates(rules)) | {RDF.subject, RDF.object}
