"""The mapping's view of an RDF dataset: the quads about a subject, and a few reverse lookups.

``graph/mapping/mapper.py`` never walks the dataset itself; it asks an index.  Two
indexes answer the same questions:

- ``DatasetIndex``: an rdflib ``Dataset`` read into dictionaries (small graphs,
  exports, tests);
- ``StoreIndex``: an Oxigraph store on disk, asked subject by subject, so the
  build maps thousands of documents without holding them in memory.

Quads come back as ``(predicate, object, graph name)`` with rdflib terms.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Protocol

import pyoxigraph as ox
from rdflib import Dataset, URIRef
from rdflib.namespace import RDF

from policykg.graph.mapping.cache_sizes import cache_sizes
from policykg.graph.terms import to_rdflib

Quad = tuple  # (predicate, object, graph)
SHORT_LITERAL = 40  # characters: longer literals (quotes, titles) rarely recur


class QuadIndex(Protocol):
    def about(self, subject: URIRef) -> list[Quad]:
        """Every (predicate, object, graph) of ``subject``, in every named graph."""

    def typed_subjects(self) -> Iterator[tuple[URIRef, set[URIRef]]]:
        """Each IRI subject with an ``rdf:type``, and its types."""

    def referring(self, obj: URIRef, predicates: Iterable[URIRef]) -> list[tuple[URIRef, URIRef, str]]:
        """(subject, predicate, graph) of the quads whose object is ``obj`` and predicate one of ``predicates``."""

    def objects(self, subject: URIRef, predicate: URIRef) -> list:
        """The objects of one predicate of ``subject`` (without reading the rest of it)."""

    def statements_to(self, obj: URIRef, predicates: frozenset[URIRef]) -> set[URIRef]:
        """The ``rdf:Statement`` IRIs whose ``rdf:object`` is ``obj`` and ``rdf:predicate`` one of ``predicates``."""


class DatasetIndex:
    """An rdflib dataset, every quad read once into dictionaries."""

    def __init__(self, dataset: Dataset, reverse: Iterable[URIRef]) -> None:
        reverse = frozenset(reverse)
        self._about: dict[URIRef, list[Quad]] = defaultdict(list)
        self._referring: dict[URIRef, list[tuple[URIRef, URIRef, str]]] = defaultdict(list)
        for s, p, o, g in dataset.quads((None, None, None, None)):
            if not isinstance(s, URIRef):
                continue
            graph = str(getattr(g, "identifier", g))
            self._about[s].append((p, o, graph))
            if p in reverse and isinstance(o, URIRef):
                self._referring[o].append((s, p, graph))

    def about(self, subject: URIRef) -> list[Quad]:
        return self._about.get(subject, [])

    def typed_subjects(self) -> Iterator[tuple[URIRef, set[URIRef]]]:
        for subject, quads in self._about.items():
            types = {o for p, o, _ in quads if p == RDF.type}
            if types:
                yield subject, types

    def referring(self, obj: URIRef, predicates: Iterable[URIRef]) -> list[tuple[URIRef, URIRef, str]]:
        wanted = set(predicates)
        return [entry for entry in self._referring.get(obj, ()) if entry[1] in wanted]

    def objects(self, subject: URIRef, predicate: URIRef) -> list:
        return [o for p, o, _ in self.about(subject) if p == predicate]

    def statements_to(self, obj: URIRef, predicates: frozenset[URIRef]) -> set[URIRef]:
        return {st for st, _, _ in self.referring(obj, (RDF.object,))
                if predicates.intersection(self.objects(st, RDF.predicate))}


_TYPED = (f"SELECT ?s ?t WHERE {{ {{ ?s <{RDF.type}> ?t }} UNION {{ GRAPH ?g {{ ?s <{RDF.type}> ?t }} }} "
          "FILTER(isIRI(?s) && isIRI(?t)) }")  # every graph, the default one too (as quads_for_pattern)


class StoreIndex:
    """An Oxigraph store, asked subject by subject (with a cache of recent subjects: ``cache_sizes.py``)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.sizes = cache_sizes()
        self.about = lru_cache(maxsize=self.sizes.subjects)(self._about)  # type: ignore[method-assign]
        self._iris: dict[str, URIRef] = {}
        self._literals: dict[tuple, object] = {}
        self._graphs: dict[str, str] = {}

    def _about(self, subject: URIRef) -> list[Quad]:
        iri, term, graph = self._iri, self._term, self._graph
        return [(iri(q.predicate.value), term(q.object), graph(q.graph_name.value))
                for q in self.store.quads_for_pattern(ox.NamedNode(subject), None, None, None)
                if not isinstance(q.graph_name, ox.DefaultGraph)]

    def statements_to(self, obj: URIRef, predicates: frozenset[URIRef]) -> set[URIRef]:
        """One query: a group or a national programme is the object of hundreds of thousands of statements, and
        asking each for its predicate was most of the mapping at 5,000 plans."""
        if not predicates:
            return set()
        wanted = ", ".join(str(ox.NamedNode(p)) for p in sorted(predicates))  # not VALUES: Oxigraph joins it first
        query = (f"SELECT DISTINCT ?st WHERE {{ GRAPH ?g {{ ?st <{RDF.object}> {ox.NamedNode(obj)} }} "
                 f"GRAPH ?h {{ ?st <{RDF.predicate}> ?p }} FILTER(isIRI(?st) && ?p IN ({wanted})) }}")
        return {self._iri(solution["st"].value) for solution in self.store.query(query)}

    def objects(self, subject: URIRef, predicate: URIRef) -> list:
        return [self._term(q.object)
                for q in self.store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None, None)
                if not isinstance(q.graph_name, ox.DefaultGraph)]

    def _term(self, term):
        """The rdflib term; IRIs and short literals (offsets, windows, labels) made once each."""
        if isinstance(term, ox.NamedNode):
            return self._iri(term.value)
        if not isinstance(term, ox.Literal) or len(term.value) > SHORT_LITERAL:
            return to_rdflib(term)
        return _reuse(self._literals, (term.value, term.datatype.value, term.language), to_rdflib, term,
                      self.sizes.terms)

    def _iri(self, value: str) -> URIRef:
        """One URIRef per IRI (predicates, documents and concepts recur on every subject; checking and
        making them again was a third of the mapping's time)."""
        return _reuse(self._iris, value, URIRef, value, self.sizes.terms)

    iri = _iri

    def _graph(self, name: str) -> str:
        """One string per named graph (a document's name recurs on each of its quads)."""
        return _reuse(self._graphs, name, str, name, self.sizes.terms)

    def typed_subjects(self) -> Iterator[tuple[URIRef, set[URIRef]]]:
        types: dict[str, set[URIRef]] = defaultdict(set)
        # one SPARQL pattern: half the time of iterating the quads (fewer Python objects per answer)
        for subject, kind in self.store.query(_TYPED):
            types[subject.value].add(self._iri(kind.value))  # a few classes, made once each
        for subject, found in types.items():
            yield URIRef(subject), found

    def labels_by_text(self, label_of: Callable[[frozenset[URIRef]], str | None]) -> dict[str, str]:
        """Every typed subject's label (``label_of`` its types) by IRI text, in one pass over the types.

        At 5,000 plans there are 2.7 million typed subjects: a set of types each, then a ``URIRef`` each,
        then a second dictionary by text held 3.7 GB at once in the build's parent.  Here a subject's
        types are one of the few combinations the graph has, shared (a frozenset made once per
        combination and added type), and the dictionary of types becomes the one of labels in place."""
        found: dict[str, frozenset[URIRef] | str | None] = {}
        grown: dict[tuple[frozenset[URIRef], str], frozenset[URIRef]] = {}
        none: frozenset[URIRef] = frozenset()
        for subject, kind in self.store.query(_TYPED):
            key, had = subject.value, found.get(subject.value, none)
            step = (had, kind.value)  # type: ignore[arg-type]
            types = grown.get(step)
            if types is None:
                types = grown[step] = had | {self._iri(kind.value)}  # type: ignore[operator]
            found[key] = types
        label = {types: label_of(types) for types in set(grown.values())}
        for key, types in found.items():  # values replaced, the keys untouched: no copy of the dictionary
            found[key] = label[types]  # type: ignore[index]
        for key in [key for key, value in found.items() if value is None]:
            del found[key]
        return found  # type: ignore[return-value]

    def referring(self, obj: URIRef, predicates: Iterable[URIRef]) -> list[tuple[URIRef, URIRef, str]]:
        found = []
        for predicate in predicates:
            for quad in self.store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(obj), None):
                if isinstance(quad.subject, ox.NamedNode) and not isinstance(quad.graph_name, ox.DefaultGraph):
                    found.append((self._iri(quad.subject.value), predicate, quad.graph_name.value))
        return found


def _reuse(made: dict, key, make, argument, limit: int):
    """``made[key]``, made by ``make(argument)`` the first time; the table is emptied when it holds ``limit``
    (the few terms asked on every quad are made again at once; an LRU's bookkeeping cost more than that)."""
    known = made.get(key)
    if known is None:
        if len(made) >= limit:
            made.clear()
        known = made[key] = make(argument)
    return known
