"""Filling stores from the dataset in service: the embedded default, or a server over Bolt.

``load`` reads the dataset of the build in service, maps it to the property
graph, and writes it: into a fresh build folder (embedded; put in service only
when complete) or into Neo4j (or any Bolt server) with MERGE, so running it
again changes nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from policykg.graph.backends import backend
from policykg.graph.backends.bolt import BoltTarget
from policykg.graph.builds.datadir import DATASET_FILE, DataDir, load_dataset
from policykg.graph.mapping.mapper import map_dataset
from policykg.graph.mapping.model import PropertyGraph


def property_graph(data_dir: Path) -> PropertyGraph:
    """The property graph of the dataset in service."""
    return map_dataset(load_dataset(data_dir))


def load_embedded(data_dir: Path) -> tuple[Path, dict]:
    """Rebuild LadybugDB and Oxigraph from the dataset in service, in a new folder, then switch."""
    store = DataDir(data_dir)
    current = store.current()
    pg = property_graph(data_dir)
    folder = store.new_build()
    try:
        shutil.copyfile(current / DATASET_FILE, folder / DATASET_FILE)
        stats = backend("embedded").write(pg, folder / DATASET_FILE, folder)
        return store.publish(folder), stats
    except BaseException:
        store.discard(folder)
        raise


def load_server(data_dir: Path, target: BoltTarget,
                progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Write the property graph into a Bolt server (Neo4j, or FalkorDB with its dialect)."""
    return backend("neo4j").write(property_graph(data_dir), target, progress=progress)
