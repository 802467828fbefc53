"""The mapping's view of an RDF dataset: the quads about a subject, and a few reverse lookups.

``graph/mapping.py`` never walks the dataset itself; it asks an index.  Two
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
from typing import Iterable, Iterator, Protocol

import pyoxigraph as ox
from rdflib import Dataset, URIRef
from rdflib.namespace import RDF

from .terms import to_rdflib

Quad = tuple  # (predicate, object, graph)
IRI_CACHE = 1_000_000  # URIRefs a StoreIndex reuses
CACHE_SIZE = 200_000  # subjects whose quads a StoreIndex keeps (documents, evidence, concepts are asked often)


class QuadIndex(Protocol):
    def about(self, subject: URIRef) -> list[Quad]:
        """Every (predicate, object, graph) of ``subject``, in every named graph."""

    def typed_subjects(self) -> Iterator[tuple[URIRef, set[URIRef]]]:
        """Each IRI subject with an ``rdf:type``, and its types."""

    def referring(self, obj: URIRef, predicates: Iterable[URIRef]) -> list[tuple[URIRef, URIRef, str]]:
        """(subject, predicate, graph) of the quads whose object is ``obj`` and predicate one of ``predicates``."""


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


class StoreIndex:
    """An Oxigraph store, asked subject by subject (with a cache of recent subjects)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.about = lru_cache(maxsize=CACHE_SIZE)(self._about)  # type: ignore[method-assign]
        self._iris: dict[str, URIRef] = {}

    def _about(self, subject: URIRef) -> list[Quad]:
        iri = self._iri
        return [(iri(q.predicate.value), iri(q.object.value) if isinstance(q.object, ox.NamedNode)
                 else to_rdflib(q.object), q.graph_name.value)
                for q in self.store.quads_for_pattern(ox.NamedNode(subject), None, None, None)
                if not isinstance(q.graph_name, ox.DefaultGraph)]

    def _iri(self, value: str) -> URIRef:
        """One URIRef per IRI (predicates, documents and concepts recur on every subject; checking and
        making them again was a third of the mapping's time)."""
        known = self._iris.get(value)
        if known is None:
            if len(self._iris) > IRI_CACHE:
                self._iris.clear()
            known = self._iris[value] = URIRef(value)
        return known

    def typed_subjects(self) -> Iterator[tuple[URIRef, set[URIRef]]]:
        types: dict[str, set[URIRef]] = defaultdict(set)
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), None, None):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                types[quad.subject.value].add(URIRef(quad.object.value))
        for subject, found in types.items():
            yield URIRef(subject), found

    def referring(self, obj: URIRef, predicates: Iterable[URIRef]) -> list[tuple[URIRef, URIRef, str]]:
        found = []
        for predicate in predicates:
            for quad in self.store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(obj), None):
                if isinstance(quad.subject, ox.NamedNode) and not isinstance(quad.graph_name, ox.DefaultGraph):
                    found.append((URIRef(quad.subject.value), predicate, quad.graph_name.value))
        return found

