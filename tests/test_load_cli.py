"""``policykg load`` and the property-graph exports, on a real build."""

from __future__ import annotations

import csv
import shutil

import pytest

from policykg.cli import main
from policykg.graph.backends.embedded import open_cypher
from policykg.graph.builds.datadir import DataDir

from .conftest import CORPUS, corpus_programmes

pytestmark = pytest.mark.slow  # load and push end to end: make test-fast leaves it out


def _counts(folder) -> dict[str, int]:
    with open_cypher(folder) as cypher:
        _, labels = cypher.query("CALL show_tables() RETURN name, type", {})
        counts = {}
        for name, kind in labels:
            if kind == "NODE":
                _, rows = cypher.query(f"MATCH (n:`{name}`) RETURN count(n)", {})
                counts[name] = rows[0][0]
            else:
                _, rows = cypher.query(f"MATCH ()-[r:`{name}`]->() RETURN count(r)", {})
                counts[name] = rows[0][0]
    return counts


def test_load_refills_the_embedded_stores_and_changes_nothing(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in CORPUS.glob("000_*"):
        shutil.copy(path, corpus)
    data_dir = tmp_path / "data"
    assert main(["build", "--data-dir", str(data_dir), "--corpus", str(corpus)]) == 0
    first = DataDir(data_dir).current()
    before = _counts(first)
    assert main(["load", "--data-dir", str(data_dir)]) == 0
    second = DataDir(data_dir).current()
    assert second != first  # a new folder was put in service …
    assert _counts(second) == before  # … holding the same graph
    assert (second / "dataset.nq").read_bytes() == (first / "dataset.nq").read_bytes()
    assert "LadybugDB" in capsys.readouterr().err


def test_load_without_a_build_says_what_to_do(tmp_path, capsys):
    assert main(["load", "--data-dir", str(tmp_path)]) == 2
    assert "run `policykg build` first" in capsys.readouterr().err


def test_neo4j_csv_export_has_the_import_headers(built, tmp_path):
    _, data_dir = built
    out = tmp_path / "neo4j"
    assert main(["export", "--data-dir", str(data_dir), "--format", "neo4j-csv", "--out", str(out)]) == 0
    with (out / "nodes_Programme.csv").open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
        rows = list(csv.reader(handle))
    assert "iri:ID" in header and ":LABEL" in header and len(rows) == corpus_programmes()
    relationship_files = sorted(out.glob("rel*SERVES*.csv"))
    assert relationship_files
    with relationship_files[0].open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert {":START_ID", ":END_ID", ":TYPE"} <= set(header)
