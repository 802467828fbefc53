"""One document's share of the build, in two passes that can run in worker processes.

The build never holds every parsed document at once: a parsed document keeps its
text with an offset per character (tens of times the file's size), so thousands
of them would not fit in memory.  Instead each file is parsed twice:

1. ``index_document``: what the other documents need to know of it — its slug,
   title and kind (a cited title resolves to a loaded plan), and a digest of its
   text (a duplicate under another name is left out).
2. ``graph_document``: its RDF graph, given the titles of every loaded plan,
   validated against the SHACL shapes, returned as N-Triples with the
   alignment candidates and the time each step took.

Both take a path and return small, picklable values, so ``policykg/build.py``
can hand them to a process pool.  Parsing twice costs about a sixth more than
once (parsing is ~0.2 s of ~1.2 s per document; validation dominates).
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, URIRef

from policykg.loaders.align import Candidate
from policykg.loaders.iris import ELI, PKG, title_key
from policykg.loaders.period import PlanPeriod, plan_period
from policykg.loaders.pipeline import parse_document
from policykg.loaders.rdf import DocumentGraph, document_slug
from policykg.loaders.rdf_alignments import candidates
from policykg.loaders.source import DocumentError
from policykg.loaders.validate import validate_graph


@dataclass
class Indexed:
    """Pass 1: what the build needs to know of a file before writing any graph."""

    path: Path
    slug: str | None = None
    title: str | None = None
    title_key: str | None = None
    kind: str | None = None
    digest: str | None = None  # SHA-256 of the normalised text
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def file(self) -> str:
        return self.path.name


@dataclass
class Graphed:
    """Pass 2: one document's validated graph, or why it was refused."""

    file: str
    plan: str | None = None  # the document's IRI (a plan's or an article's)
    level: str | None = None  # national | provincial | municipal | county
    parents: set[str] = field(default_factory=set)  # the loaded plans it cites
    ntriples: str = ""  # the graph as N-Triples (text pickles faster than rdflib terms)
    triple_count: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    indicators: list[Candidate] = field(default_factory=list)
    programmes: list[Candidate] = field(default_factory=list)
    period: PlanPeriod | None = None  # a plan's period, place and field: to find the plan it succeeds
    failed_shapes: str | None = None  # pyshacl's report text when the graph does not conform
    error: str | None = None  # a file that parsed in pass 1 and not now (changed during the build)
    seconds: dict[str, float] = field(default_factory=dict)


def index_document(path: Path) -> Indexed:
    """Parse ``path`` and keep only its identity; a file that cannot be loaded gets ``error``."""
    clock = _Clock()
    try:
        document = parse_document(path, content=False)  # its measures are read in pass 2
    except DocumentError as error:
        return Indexed(path, error=str(error), seconds=clock.lap("parse"))
    text = document.text.text
    return Indexed(path, slug=document_slug(document), title=document.metadata.title,
                   title_key=title_key(document.metadata.title), kind=document.metadata.kind,
                   digest=hashlib.sha256(text.encode("utf-8")).hexdigest(), warnings=list(document.warnings),
                   seconds=clock.lap("parse"))


def graph_document(path: Path, loaded: dict[str, URIRef]) -> Graphed:
    """The document's graph (cited plans resolved through ``loaded``), validated; never raises for bad input."""
    clock = _Clock()
    try:
        document = parse_document(path)
    except DocumentError as error:
        return Graphed(path.name, error=f"{error} (it changed during the build?)", seconds=clock.lap("parse"))
    clock.lap("parse")
    writer = DocumentGraph(document, loaded)
    graph = writer.build()
    ntriples = graph.serialize(format="nt")  # before validation, which adds the class hierarchy for a while
    clock.lap("rdf")
    result = validate_graph(graph, ntriples)
    clock.lap("validate")
    if not result.conforms:
        return Graphed(path.name, failed_shapes=result.report, seconds=clock.seconds)
    indicators, programmes = candidates(writer)
    loaded_plans = set(loaded.values())
    parents = {str(cited) for cited in graph.objects(writer.iri, ELI.based_on) if cited in loaded_plans}
    return Graphed(path.name, plan=str(writer.iri), level=document.metadata.level, parents=parents,
                   period=plan_period(document.metadata, str(writer.iri)),
                   ntriples=ntriples, triple_count=len(graph), counts=class_counts(graph),
                   indicators=indicators, programmes=programmes, seconds=clock.seconds)


def class_counts(graph) -> dict[str, int]:
    """Instances per pkg: class, by local name."""
    counts = Counter(str(cls).removeprefix(str(PKG)) for cls in graph.objects(None, RDF.type)
                     if isinstance(cls, URIRef) and str(cls).startswith(str(PKG)))
    return dict(sorted(counts.items()))


class _Clock:
    """Seconds per step, for the build's stage figures."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, step: str) -> dict[str, float]:
        now = time.perf_counter()
        self.seconds[step] = self.seconds.get(step, 0.0) + now - self._last
        self._last = now
        return self.seconds
