"""The build: corpus folder → one RDF dataset (a named graph per document) → data directory.

The build folder holds the dataset (N-Quads) and the embedded stores made from
it: LadybugDB for Cypher, Oxigraph for SPARQL.

Each file is parsed and validated on its own, in worker processes
(``build_documents.py``, ``build_pool.py``): a bad file is reported and left out,
the others still build.  Each document's graph is appended to the dataset file as
it comes, then the alignments across plans and the ontology; Oxigraph is
bulk-loaded from that file and the property graph is mapped from Oxigraph into
LadybugDB, so memory does not grow with every document (``docs/benchmarks.md``).
The build folder is put in service only when complete.  A corpus of which no
document could be loaded raises ``BuildError`` and leaves the graph in service as
it was.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO

from rdflib import Graph, URIRef

from policykg.build_documents import Graphed, Indexed, graph_document, index_document
from policykg.build_mapping import map_jobs, map_part
from policykg.build_pool import DocumentPool, build_workers
from policykg.graph.backends import open_reader
from policykg.graph.backends.embedded import write_cypher_spooled, write_sparql
from policykg.graph.builds.datadir import CYPHER_DIR, DATASET_FILE, PREPARED_FILE, SPARQL_DIR, DataDir
from policykg.graph.questions.prepare import prepare
from policykg.heap import give_back_memory
from policykg.loaders.align import NATIONAL
from policykg.loaders.formats import SUFFIXES
from policykg.loaders.iris import ID, PKG, graph_iri, plan_iri
from policykg.loaders.period import PlanPeriod, successions
from policykg.loaders.rdf_alignments import alignment_triples
from policykg.loaders.source import SIDECAR_SUFFIX, list_documents, orphan_sidecars
from policykg.loaders.validate import ontology_graph

ONTOLOGY_GRAPH = ID["graph/ontology"]  # the ontology and its SKOS vocabularies
ALIGNMENT_BATCH = 100_000  # alignment triples written at a time
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
    warnings: list[str] = field(default_factory=list)  # about the corpus folder, not one document
    # seconds per stage: parse, rdf, validate (summed over the worker processes), dataset, align, map,
    # cypher, sparql, prepare (this process)
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> list[DocumentReport]:
        return [d for d in self.documents if d.error]


class BuildError(Exception):
    """A build that was not put in service: the graph in service, if any, is unchanged.

    ``report`` says what happened to each file.
    """

    def __init__(self, message: str, report: BuildReport) -> None:
        super().__init__(message)
        self.report = report


def build(corpus: Path, data_dir: Path, progress: Progress | None = None,
          workers: int | None = None) -> BuildReport:
    """Build the dataset from ``corpus`` into ``data_dir`` and put it in service.

    ``workers`` processes parse and validate the documents (default: one per CPU, or
    ``POLICYKG_BUILD_WORKERS``; a corpus of fewer than ``POOL_FROM`` files is done in
    this process).  Raises ``BuildError`` when no document could be loaded and
    ``OSError`` when the build cannot be written (read-only folder, disk full); the
    graph in service is then unchanged, as it is when the process is killed at any point.
    """
    started = time.perf_counter()
    say = progress or (lambda name, stage: None)
    stages: Counter[str] = Counter()
    paths = list_documents(corpus)
    warnings = [f"{sidecar.name}: a sidecar with no document {sidecar.name.removesuffix(SIDECAR_SUFFIX)}"
                f"{{{','.join(SUFFIXES)}}} beside it "
                "(was the text renamed or deleted?); it was not read" for sidecar in orphan_sidecars(corpus)]
    store = DataDir(data_dir)
    folder = store.new_build()
    try:
        with DocumentPool(build_workers(workers, len(paths))) as pool:
            reports, accepted, loaded = _index(pool.map(index_document, paths), say, stages)
            graphed = pool.map(partial(graph_document, loaded=loaded), accepted)
            _write_dataset(graphed, reports, folder / DATASET_FILE, say, stages)
            if not any(report.triples for report in reports.values()):
                # Publishing would replace the graph in service with one that holds no document.
                problem = (f"no document in {corpus} could be loaded ({len(reports)} file(s) skipped)" if reports
                           else f"the corpus folder {corpus} holds no document ({', '.join(SUFFIXES)})")
                raise BuildError(f"{problem}: nothing was put in service",
                                 BuildReport(list(reports.values()), None, time.perf_counter() - started, 0,
                                             warnings=warnings, stages=dict(stages)))
            say("embedded stores", "load")
            pool.recycle()  # the idle workers' memory, freed through Oxigraph's load; the mapping forks new ones
            give_back_memory()  # the documents' and alignments' objects are freed but kept in the heap
            stores = _write_stores(folder, say, stages, pool)
        say("the REST questions' tables", "prepare")
        with _timed(stages, "prepare"):
            stores |= _prepare(folder)
        final = store.publish(folder)
    except BaseException as error:
        store.discard(folder)
        if isinstance(error, RuntimeError) and str(error).startswith("IO exception"):
            # LadybugDB's disk errors (full, file too large, read-only) are RuntimeErrors: say what they are
            raise OSError(f"LadybugDB could not write the build: {error}") from error
        raise
    triples = sum(r.triples for r in reports.values())
    return BuildReport(list(reports.values()), final, time.perf_counter() - started, triples, stores, warnings,
                       dict(stages))


def _write_stores(folder: Path, say: Progress, stages: Counter[str], pool: DocumentPool) -> dict[str, float | int]:
    """Oxigraph bulk-loaded from the dataset; then the property graph, mapped from Oxigraph in stretches by
    the build's workers, spooled and copied into LadybugDB (neither the dataset nor the property graph is
    ever held in memory)."""
    stores = write_sparql(folder / DATASET_FILE, folder / SPARQL_DIR)
    say("property graph", "map")
    with tempfile.TemporaryDirectory(prefix="spool-", dir=folder) as spool_folder:
        jobs = map_jobs(folder / SPARQL_DIR, Path(spool_folder), pool.workers)
        parts = list(pool.map(map_part, jobs, chunksize=1))
        stores |= write_cypher_spooled(parts, folder / CYPHER_DIR)
    stages.update(sparql=stores["sparql_seconds"], map=sum(part.seconds for part in parts),
                  cypher=stores["cypher_seconds"])
    return stores


def _prepare(folder: Path) -> dict[str, float | int]:
    """The REST questions' tables (graph/questions/prepared.sql), read from the LadybugDB just written.

    Its statements read whole labels (every node, every programme's links), so the build's reader gets half
    the machine's memory as LadybugDB's buffer pool (its query memory; a pool is reserved, pages are taken as
    used), not a server's bounded default: with 512 MB the 5,000-plan build failed here."""
    reader = open_reader("embedded", folder=folder, buffer_pool_mb=_half_the_memory_mb())
    try:
        rows = prepare(reader, folder / PREPARED_FILE)
    finally:
        reader.close()
    return {f"prepared_{table}": n for table, n in rows.items()}


def _half_the_memory_mb() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**21


def _index(results: Iterable[Indexed], say: Progress, stages: Counter[str],
           ) -> tuple[dict[str, DocumentReport], list[Path], dict[str, URIRef]]:
    """Reports for every file, the files to graph, and the title keys of the loaded plans.

    The first file (by name) of a slug or of a text wins; later ones are reported as duplicates.
    """
    reports: dict[str, DocumentReport] = {}
    accepted: list[Path] = []
    slugs: dict[str, str] = {}
    digests: dict[str, str] = {}
    loaded: dict[str, URIRef] = {}
    for found in results:
        say(found.file, "parse")
        stages.update(found.seconds)
        report = reports[found.file] = DocumentReport(file=found.file, slug=found.slug, title=found.title)
        if found.error:
            report.error = found.error
            continue
        duplicate = (f"its slug {found.slug!r} is already used by {slugs[found.slug]}" if found.slug in slugs
                     else f"it is the same text as {digests[found.digest]}" if found.digest in digests else None)
        if duplicate:
            report.error = f"{found.file}: {duplicate}; it was left out"
            continue
        slugs[found.slug], digests[found.digest] = found.file, found.file
        report.kind, report.warnings = found.kind, list(found.warnings)
        accepted.append(found.path)
        if found.kind == "plan":
            loaded.setdefault(found.title_key, plan_iri(found.slug))
    return reports, accepted, loaded


def _write_dataset(results: Iterable[Graphed], reports: dict[str, DocumentReport], path: Path, say: Progress,
                   stages: Counter[str]) -> None:
    """N-Quads: one named graph per document as it comes, then the alignments across plans and the ontology.

    Documents whose graph fails SHACL are left out and reported.
    """
    indicators, programmes = [], []
    periods: list[PlanPeriod] = []  # each loaded plan's period, place and field: its predecessor
    parents: dict[str, set[str]] = {}  # each document → the loaded plans it cites: the cascade
    national: set[str] = set()  # the national plans, which a plan citing no loaded plan follows
    with path.open("w", encoding="utf-8") as out:
        for graphed in results:
            say(graphed.file, "graph")
            stages.update(graphed.seconds)
            report = reports[graphed.file]
            if graphed.error or graphed.failed_shapes is not None:
                report.error = graphed.error or f"{report.file}: {shacl_summary(graphed.failed_shapes or '')}"
                continue
            with _timed(stages, "dataset"):
                _write_graph(out, graph_iri(report.slug), graphed.ntriples)
            report.triples, report.counts = graphed.triple_count, graphed.counts
            indicators += graphed.indicators
            programmes += graphed.programmes
            parents[graphed.plan] = graphed.parents
            if graphed.period is not None:
                periods.append(graphed.period)
            if graphed.level == NATIONAL:
                national.add(graphed.plan)
        say("all documents", "align")
        with _timed(stages, "align"):
            triples = alignment_triples(indicators, programmes, parents, national)
            while batch := list(islice(triples, ALIGNMENT_BATCH)):  # millions at thousands of plans
                _write_graph(out, ALIGNMENTS_GRAPH, _graph(batch).serialize(format="nt"))
            _write_graph(out, ALIGNMENTS_GRAPH, _graph(succession_triples(periods)).serialize(format="nt"))
        _write_graph(out, ONTOLOGY_GRAPH, ontology_graph().serialize(format="nt"))


def succession_triples(periods: list[PlanPeriod]) -> list[tuple]:
    """``pkg:succeeds`` from each plan to the plan of the period before it, same place and field
    (decided here, like the alignments, because it takes two documents)."""
    return [(URIRef(later), PKG.succeeds, URIRef(earlier)) for later, earlier in successions(periods)]


def _graph(triples: list[tuple]) -> Graph:
    graph = Graph()
    graph += triples
    return graph


def _write_graph(out: TextIO, name: URIRef, ntriples: str) -> None:
    """N-Triples lines as N-Quads of the graph ``name`` (each line ends `` .``; literals escape their newlines)."""
    suffix = f" <{name}> .\n"
    out.writelines(line[:-2] + suffix for line in ntriples.splitlines() if line.endswith(" ."))


@contextmanager
def _timed(stages: Counter[str], stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        stages[stage] += time.perf_counter() - started


def shacl_summary(text: str, shown: int = 3) -> str:
    """A few lines for a person instead of pyshacl's full report (which quotes every value, megabytes for a big file).

    The violations are counted by message, with one focus node each.
    """
    found: Counter[str] = Counter()
    example: dict[str, str] = {}
    for block in text.split("Constraint Violation in ")[1:]:
        message = re.search(r"^\s*Message: (.*)$", block, re.M)
        focus = re.search(r"^\s*Focus Node: (.*)$", block, re.M)
        key = message.group(1).strip() if message else block.split("\n", 1)[0].strip()
        found[key] += 1
        example.setdefault(key, focus.group(1).strip() if focus else "?")
    total = sum(found.values())
    kinds = "; ".join(f"{count} × {message} (e.g. {example[message]})" for message, count in found.most_common(shown))
    more = f"; and {len(found) - shown} other kinds" if len(found) > shown else ""
    return (f"its graph fails the SHACL shapes ({total} violations), so it was left out; the loaders should never "
            f"write such a graph: please report it with the file. {kinds}{more}")
