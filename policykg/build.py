"""The build: corpus folder → one RDF dataset (a named graph per document) → data directory.

The build folder holds the dataset (N-Quads) and the embedded stores made from
it: LadybugDB for Cypher, Oxigraph for SPARQL.

Each file is parsed and validated on its own: a bad file is reported and left
out, the others still build.  The dataset is written into a fresh build folder
and put in service only when complete.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import RDF, Dataset, URIRef

from policykg.graph.datadir import DataDir
from policykg.graph.embedded import write_embedded
from policykg.graph.mapping import map_dataset
from policykg.loaders.iris import ID, PKG, graph_iri, plan_iri, title_key
from policykg.loaders.model import ParsedDocument
from policykg.loaders.pipeline import parse_document
from policykg.loaders.rdf import DocumentGraph, document_slug
from policykg.loaders.rdf_alignments import alignment_graph, candidates
from policykg.loaders.source import DocumentError, list_documents
from policykg.loaders.validate import ontology_graph, validate_graph

DATASET_FILE = "dataset.nq"
ONTOLOGY_GRAPH = ID["graph/ontology"]  # the ontology and its SKOS vocabularies
ALIGNMENTS_GRAPH = ID["graph/alignments"]  # links between plans, read from no single document
Progress = Callable[[str, str], None]  # (file name, stage)


@dataclass
class DocumentReport:
    file: str
    slug: str | None = None
    title: str | None = None
    kind: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    triples: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    documents: list[DocumentReport]
    build_dir: Path | None
    seconds: float
    triples: int
    stores: dict[str, float | int] = field(default_factory=dict)

    @property
    def failed(self) -> list[DocumentReport]:
        return [d for d in self.documents if d.error]


def build(corpus: Path, data_dir: Path, progress: Progress | None = None) -> BuildReport:
    """Build the dataset from ``corpus`` into ``data_dir`` and put it in service."""
    started = time.perf_counter()
    say = progress or (lambda name, stage: None)
    parsed, reports = _parse_all(corpus, say)
    dataset = _to_dataset(parsed, reports, say)
    store = DataDir(data_dir)
    folder = store.new_build()
    try:
        dataset.serialize(destination=folder / DATASET_FILE, format="nquads")
        say("embedded stores", "load")
        stores = write_embedded(map_dataset(dataset), folder / DATASET_FILE, folder)
        final = store.publish(folder)
    except BaseException:
        store.discard(folder)
        raise
    triples = sum(r.triples for r in reports.values())
    return BuildReport(list(reports.values()), final, time.perf_counter() - started, triples, stores)


def _parse_all(corpus: Path, say: Progress) -> tuple[list[ParsedDocument], dict[str, DocumentReport]]:
    parsed, reports = [], {}
    for path in list_documents(corpus):
        report = reports[path.name] = DocumentReport(file=path.name)
        say(path.name, "parse")
        try:
            document = parse_document(path)
        except DocumentError as error:
            report.error = str(error)
            continue
        report.slug, report.title = document_slug(document), document.metadata.title
        duplicate = _duplicate_of(document, parsed)
        if duplicate:
            report.error = f"{path.name}: {duplicate}; it was left out"
            continue
        report.kind, report.warnings = document.metadata.kind, list(document.warnings)
        parsed.append(document)
    return parsed, reports


def _duplicate_of(document: ParsedDocument, earlier: list[ParsedDocument]) -> str | None:
    """Why ``document`` cannot join the ``earlier`` ones: the same slug, or the same text."""
    for other in earlier:
        if document_slug(other) == document_slug(document):
            return f"its slug {document_slug(document)!r} is already used by {other.source.path.name}"
        if other.text.text == document.text.text:
            return f"it is the same text as {other.source.path.name}"
    return None


def _to_dataset(parsed: list[ParsedDocument], reports: dict[str, DocumentReport], say: Progress) -> Dataset:
    """One named graph per document, one for the ontology, one for the alignments across plans.

    Documents whose graph fails SHACL are left out and reported.
    """
    loaded = {title_key(d.metadata.title): plan_iri(document_slug(d)) for d in parsed
              if d.metadata.kind == "plan"}
    dataset = Dataset()
    indicators, programmes = [], []
    for document in parsed:
        report = reports[document.source.path.name]
        say(report.file, "rdf")
        writer = DocumentGraph(document, loaded)
        graph = writer.build()
        say(report.file, "validate")
        result = validate_graph(graph)
        if not result.conforms:
            report.error = f"{report.file}: its graph fails the SHACL shapes:\n{result.report}"
            continue
        _add(dataset, graph_iri(report.slug), graph)
        report.triples = len(graph)
        report.counts = class_counts(graph)
        found = candidates(writer)
        indicators += found[0]
        programmes += found[1]
    say("all documents", "align")
    _add(dataset, ALIGNMENTS_GRAPH, alignment_graph(indicators, programmes))
    _add(dataset, ONTOLOGY_GRAPH, ontology_graph())
    return dataset


def _add(dataset: Dataset, name: URIRef, graph) -> None:
    named = dataset.graph(name)
    for triple in graph:
        named.add(triple)


def class_counts(graph) -> dict[str, int]:
    """Instances per pkg: class, by local name."""
    counts = Counter(str(cls).removeprefix(str(PKG)) for cls in graph.objects(None, RDF.type)
                     if isinstance(cls, URIRef) and str(cls).startswith(str(PKG)))
    return dict(sorted(counts.items()))
