"""The N-Quads dataset loaded into Oxigraph range by range is the dataset loaded whole.

The ranges must cover the file exactly and cut it only at line ends, or a statement
would be split between two ``bulk_load`` calls (a syntax error, or worse, two halves
that parse).  The tiny ranges here put a cut inside nearly every line.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

from policykg.graph.backends.embedded import write_sparql
from policykg.graph.backends.line_ranges import line_ranges, read_in_ranges

G = "https://w3id.org/policykg/id/graph/a"
LINES = [
    f'<https://ex/p1> <https://ex/label> "养老服务,\\"一\\"\\n二"@zh <{G}> .\n',
    f"<https://ex/p1> <https://ex/serves> <https://ex/t1> <{G}> .\n",
    '<https://ex/x> <https://ex/y> "默认图 · a long literal ' + "长" * 300 + '" .\n',
    f"<https://ex/p2> <https://ex/label> \"儿童福利\" <{G}> .\n",
]


@pytest.fixture()
def nquads(tmp_path) -> Path:
    path = tmp_path / "dataset.nq"
    path.write_bytes("".join(LINES).encode("utf-8"))
    return path


@pytest.mark.parametrize("size", [1, 7, 64, 100, 10_000])
def test_ranges_cover_the_file_and_end_at_line_ends(nquads, size):
    data = nquads.read_bytes()
    ranges = list(line_ranges(nquads, size))
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    assert all(a_end == b_start for (_, a_end), (b_start, _) in zip(ranges, ranges[1:]))
    assert all(data[end - 1 : end] == b"\n" for _, end in ranges)
    if size == 1:
        assert len(ranges) == len(LINES)  # each line ends a range
    if size >= len(data):
        assert ranges == [(0, len(data))]
    assert b"".join(part.read() for part in read_in_ranges(nquads, size)) == data


def test_a_line_longer_than_the_range_is_one_range(nquads):
    long_line = len(LINES[2].encode("utf-8"))
    assert any(end - start == long_line for start, end in line_ranges(nquads, 64))


def test_a_file_without_a_final_line_end_is_covered(tmp_path):
    path = tmp_path / "last.nq"
    path.write_bytes(b"<https://ex/a> <https://ex/b> <https://ex/c> .\n<https://ex/a> <https://ex/b> <https://ex/d> .")
    assert list(line_ranges(path, 10))[-1][1] == path.stat().st_size


def test_an_empty_range_is_refused(nquads):
    with pytest.raises(ValueError, match="at least one byte"):
        list(line_ranges(nquads, 0))


@pytest.mark.parametrize("size", [1, 50, 1 << 20])
def test_the_store_loaded_in_ranges_holds_every_quad(nquads, tmp_path, size):
    whole = pyoxigraph.Store()
    whole.load(path=str(nquads), format=pyoxigraph.RdfFormat.N_QUADS)
    counts = write_sparql(nquads, tmp_path / f"sparql-{size}", range_bytes=size)
    store = pyoxigraph.Store.read_only(str(tmp_path / f"sparql-{size}"))
    assert counts["sparql_quads"] == len(LINES)
    assert set(store) == set(whole)
