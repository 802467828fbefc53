"""Shared fixtures: the bundled corpus, parsed once, and one real build of it."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"


def corpus_file(prefix: str) -> Path:
    """The corpus file whose name starts with ``prefix`` (e.g. '000')."""
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path


@pytest.fixture(scope="session")
def parsed():
    """Every corpus document parsed, by its three-digit prefix."""
    from policykg.loaders.pipeline import parse_document

    return {path.name[:3]: parse_document(path) for path in sorted(CORPUS.glob("*.txt"))}


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """One real build of the bundled corpus into a temporary data directory."""
    from policykg.build import build

    data_dir = tmp_path_factory.mktemp("data")
    report = build(CORPUS, data_dir)
    return report, data_dir


def dataset_in_service(data_dir, union: bool = True):
    """The dataset of the build in service in ``data_dir`` (the union of its graphs as default graph)."""
    from rdflib import Dataset

    from policykg.build import DATASET_FILE
    from policykg.graph.datadir import DataDir

    dataset = Dataset(default_union=union)
    dataset.parse(DataDir(data_dir).current() / DATASET_FILE, format="nquads")
    return dataset
