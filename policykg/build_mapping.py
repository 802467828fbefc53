"""The build's RDF → property-graph mapping, in stretches that worker processes map side by side.

The mapping reads the build's Oxigraph store node by node, which is pure Python and
one of the two largest costs of a build (``docs/benchmarks.md``).  Each worker opens
the store read-only, maps one stretch of the sorted node order and spools its rows
(``graph.embedded.spool``); the parent copies the stretches into LadybugDB in order,
so the graph is the same whatever the number of workers.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from policykg.graph.backends.embedded import SpoolPart, spool
from policykg.graph.mapping.mapper import store_labels, stream_store_part
from policykg.heap import give_back_memory

STRETCHES_PER_WORKER = 2  # stretches differ in relationships per node: more of them balance the workers


@dataclass(frozen=True)
class MapJob:
    store: Path  # the build's Oxigraph folder
    spool: Path  # where this stretch's rows go
    part: int
    parts: int
    labels: Path | None = None  # every node's label (``store_labels``, pickled), found once for all parts


def map_part(job: MapJob) -> SpoolPart:
    """Map and spool one stretch of the graph (in a worker process)."""
    give_back_memory()  # what the worker freed parsing documents before
    labels = _read_labels(job.labels) if job.labels else None
    store = pyoxigraph.Store.read_only(str(job.store))
    try:
        labels, nodes, relationships = stream_store_part(store, job.part, job.parts, labels=labels)
        return spool(nodes, relationships, job.spool, labels)
    finally:
        del store  # releases RocksDB's files
        give_back_memory()


def _read_labels(path: Path) -> dict[str, str]:
    """The pickled labels, read from the file as a stream (not its bytes whole, then the dictionary)."""
    with path.open("rb") as handle:
        return pickle.load(handle)


def map_jobs(store: Path, spool_folder: Path, workers: int) -> list[MapJob]:
    """The stretches to map; with several, the nodes' labels are found here once and handed to each."""
    parts = workers * STRETCHES_PER_WORKER if workers > 1 else 1
    labels = None
    if parts > 1:
        read = pyoxigraph.Store.read_only(str(store))
        try:
            labels = spool_folder / "labels.pickle"
            with labels.open("wb") as out:  # written as pickled, not made whole in memory first
                pickle.dump(store_labels(read), out, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            del read
            give_back_memory()  # the labels' dictionary, freed: the parent waits through the mapping
    return [MapJob(store, spool_folder / f"part-{index}", index, parts, labels) for index in range(parts)]
