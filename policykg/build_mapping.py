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
from typing import Any

import pyoxigraph

from policykg.graph.backends.embedded import SpoolPart, spool
from policykg.graph.mapping.label_table import LabelTable
from policykg.graph.mapping.mapper import store_labels, stream_store_part, stretches
from policykg.heap import give_back_memory

STRETCHES_PER_WORKER = 2  # stretches differ in relationships per node: more of them balance the workers


@dataclass(frozen=True)
class MapJob:
    store: Path  # the build's Oxigraph folder
    spool: Path  # where this stretch's rows go
    part: int
    parts: int
    labels: Path | None = None  # every node's label (a pickled ``LabelTable``), found once for all parts
    stretch: Path | None = None  # this part's IRIs (pickled), cut from the node order with the labels


def map_part(job: MapJob) -> SpoolPart:
    """Map and spool one stretch of the graph (in a worker process)."""
    give_back_memory()  # what the worker freed parsing documents before
    labels = _unpickle(job.labels) if job.labels else None
    stretch = _unpickle(job.stretch) if job.stretch else None
    store = pyoxigraph.Store.read_only(str(job.store))
    try:
        labels, nodes, relationships = stream_store_part(store, job.part, job.parts, labels=labels, stretch=stretch)
        del stretch  # the part's nodes are made from it as they go
        return spool(nodes, relationships, job.spool, labels)
    finally:
        del store  # releases RocksDB's files
        give_back_memory()


def _unpickle(path: Path) -> Any:
    """A pickled file, read as a stream (not its bytes whole, then the object)."""
    with path.open("rb") as handle:
        return pickle.load(handle)


def _pickle(value: Any, path: Path) -> Path:
    with path.open("wb") as out:  # written as pickled, not made whole in memory first
        pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def map_jobs(store: Path, spool_folder: Path, workers: int) -> list[MapJob]:
    """The stretches to map; with several, the nodes' labels and the node order are found here once, and
    each part gets the labels as a compact table (not a dictionary of millions of IRIs) and its own stretch."""
    parts = workers * STRETCHES_PER_WORKER if workers > 1 else 1
    if parts == 1:
        return [MapJob(store, spool_folder / "part-0", 0, 1)]
    spool_folder.mkdir(parents=True, exist_ok=True)
    read = pyoxigraph.Store.read_only(str(store))
    try:
        labels = store_labels(read)
        cut = [_pickle(stretch, spool_folder / f"stretch-{index}.pickle")
               for index, stretch in enumerate(stretches(labels, parts))]
        table = _pickle(LabelTable(labels), spool_folder / "labels.pickle")
    finally:
        del read
        labels = None
        give_back_memory()  # the labels' dictionary, freed: the parent waits through the mapping
    return [MapJob(store, spool_folder / f"part-{index}", index, parts, table, cut[index]) for index in range(parts)]
