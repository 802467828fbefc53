"""The build's RDF → property-graph mapping, in stretches that worker processes map side by side.

The mapping reads the build's Oxigraph store node by node, which is pure Python and
one of the two largest costs of a build (``docs/benchmarks.md``).  Each worker opens
the store read-only, maps one stretch of the sorted node order and spools its rows
(``graph.embedded.spool``); the parent copies the stretches into LadybugDB in order,
so the graph is the same whatever the number of workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from policykg.graph.backends.embedded import SpoolPart, spool
from policykg.graph.mapping.mapper import stream_store_part

STRETCHES_PER_WORKER = 2  # stretches differ in relationships per node: more of them balance the workers


@dataclass(frozen=True)
class MapJob:
    store: Path  # the build's Oxigraph folder
    spool: Path  # where this stretch's rows go
    part: int
    parts: int


def map_part(job: MapJob) -> SpoolPart:
    """Map and spool one stretch of the graph (in a worker process)."""
    store = pyoxigraph.Store.read_only(str(job.store))
    try:
        labels, nodes, relationships = stream_store_part(store, job.part, job.parts)
        return spool(nodes, relationships, job.spool, labels)
    finally:
        del store  # releases RocksDB's files


def map_jobs(store: Path, spool_folder: Path, workers: int) -> list[MapJob]:
    parts = workers * STRETCHES_PER_WORKER if workers > 1 else 1
    return [MapJob(store, spool_folder / f"part-{index}", index, parts) for index in range(parts)]
