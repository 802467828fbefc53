"""The SKOS vocabularies as a matcher: which concept does a piece of text name?

Labels (preferred and alternative, Chinese) come from ``ontology/vocab/*.ttl``;
adding a synonym there needs no code change.  Matching is longest-first, so
农村留守老年人 is found as itself and not as 老年人.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rdflib import RDF, SKOS, Graph, URIRef

from .iris import PKG
from .lexicon import ontology_dir


@dataclass(frozen=True)
class Match:
    concept: URIRef
    label: str  # the label as it stands in the text
    start: int
    end: int


class Vocabulary:
    """The concepts of some classes, their Chinese labels, and what an abbreviation comprises."""

    def __init__(self, graph: Graph, classes: tuple[URIRef, ...]) -> None:
        self.labels: dict[str, URIRef] = {}
        self.preferred: dict[URIRef, str] = {}  # concept → its Chinese prefLabel
        self.labels_of: dict[URIRef, list[str]] = {}  # concept → all its Chinese labels
        for cls in classes:
            for concept in graph.subjects(RDF.type, cls):
                for predicate in (SKOS.prefLabel, SKOS.altLabel):
                    for label in graph.objects(concept, predicate):
                        if getattr(label, "language", None) in ("zh", "zh-hans", "zh-cn", None):
                            self.labels.setdefault(str(label), concept)
                            self.labels_of.setdefault(concept, []).append(str(label))
                            if predicate == SKOS.prefLabel:
                                self.preferred.setdefault(concept, str(label))
        self.comprises = {s: sorted(graph.objects(s, PKG.comprises)) for s in set(graph.subjects(PKG.comprises, None))}
        self.broader: dict[URIRef, set[URIRef]] = {}
        for concept in set(self.labels.values()):
            self.broader[concept] = set(graph.transitive_objects(concept, SKOS.broader)) - {concept}
        self._above_others = set().union(*self.broader.values())  # concepts some other concept falls under
        ordered = sorted(self.labels, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def find(self, text: str, offset: int = 0) -> list[Match]:
        """Every non-overlapping label in ``text``, longest first; offsets shifted by ``offset``."""
        if self._pattern is None:
            return []
        return [Match(self.labels[m.group()], m.group(), offset + m.start(), offset + m.end())
                for m in self._pattern.finditer(text)]

    def concept(self, label: str) -> URIRef | None:
        return self.labels.get(label)

    def umbrella(self, concept: URIRef) -> bool:
        """Whether ``concept`` is a top concept that other groups fall under (困难群众, 老年人), not a
        group of its own with nothing above it (农村留守妇女)."""
        return not self.broader.get(concept) and concept in self._above_others

    def related(self, a: URIRef, b: URIRef) -> bool:
        """Whether ``a`` and ``b`` are one concept or one is broader than the other."""
        return a == b or b in self.broader.get(a, ()) or a in self.broader.get(b, ())

    def expand(self, concept: URIRef) -> list[URIRef]:
        """An abbreviation and the groups it stands for (“三留守”人员 → it and three groups: a question about
        either finds the programme), else the concept itself."""
        return [concept, *self.comprises.get(concept, ())]


@cache
def vocabulary_graph() -> Graph:
    """All SKOS vocabularies under ``ontology/vocab``."""
    graph = Graph()
    for path in sorted((ontology_dir() / "vocab").glob("*.ttl")):
        graph.parse(path)
    return graph


@cache
def target_groups() -> Vocabulary:
    return Vocabulary(vocabulary_graph(), (PKG.TargetGroup,))


@cache
def bodies() -> Vocabulary:
    return Vocabulary(vocabulary_graph(), (PKG.Body,))


@cache
def institutions() -> Vocabulary:
    return Vocabulary(vocabulary_graph(), (PKG.ServiceInstitution,))
