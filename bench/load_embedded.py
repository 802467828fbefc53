"""How fast the embedded stores load: the numbers behind choosing COPY FROM and bulk_load.

Run from the repository root: ``.venv/bin/python -m bench.load_embedded [--copies 100]``.
It builds the bundled corpus, maps it with ``graph/mapping/mapper.py``, then loads the
corpus and a ``--copies``× copy of it (every ``…/policykg/id/…`` IRI suffixed per
copy, the ontology shared) four ways, printing rows (or quads) per second:

* LadybugDB ``COPY FROM`` CSV — ``graph.embedded.write_cypher``, the build's path;
* LadybugDB Cypher ``UNWIND $rows … CREATE`` for nodes and
  ``UNWIND $rows AS r MATCH (a…) MATCH (b…) CREATE (a)-[…]->(b)`` for relationships;
* Oxigraph ``bulk_load`` of the N-Quads, then compaction — ``graph.embedded.write_sparql``;
* rdflib ``Dataset.parse`` of the same N-Quads (what the build itself uses).

No assertions: it measures, the tests check correctness.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import ladybug
import pyoxigraph
from rdflib import Dataset

from policykg.build import build
from policykg.graph.backends.embedded import quote, write_cypher, write_sparql
from policykg.graph.mapping.mapper import map_dataset
from policykg.graph.mapping.model import DOUBLE, INT64, STRING, PropertyGraph, Value

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/policykg/id/"
IRI_IN_ID = re.compile(r"<(https://w3id\.org/policykg/id/[^>]*)>")
BATCH = 5000


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.system()} {platform.release()} {platform.machine()}, {cpu}, {os.cpu_count()} CPUs, "
            f"{memory:.0f} GiB RAM; Python {platform.python_version()}, ladybug {ladybug.__version__}, "
            f"pyoxigraph {pyoxigraph.__version__}")


def copy_nquads(source: Path, target: Path, copies: int) -> int:
    """``copies`` copies of the N-Quads with every id IRI suffixed ``~k``; the quad count."""
    lines = [line for line in source.read_text(encoding="utf-8").splitlines(keepends=True) if line.strip()]
    with target.open("w", encoding="utf-8") as out:
        for k in range(copies):
            out.writelines(IRI_IN_ID.sub(lambda m: f"<{m.group(1)}~{k}>", line) for line in lines)
    return len(lines) * copies


def copy_graph(pg: PropertyGraph, copies: int) -> PropertyGraph:
    """The same suffixing on the property graph (faster than mapping the copied N-Quads again)."""
    def iri(value: str, k: int) -> str:
        return f"{value}~{k}" if value.startswith(ID) else value

    nodes = {iri(n.iri, k): replace(n, iri=iri(n.iri, k)) for k in range(copies) for n in pg.nodes}
    rels = [replace(r, start=iri(r.start, k), end=iri(r.end, k)) for k in range(copies) for r in pg.relationships]
    return PropertyGraph(list(nodes.values()), rels)


def typed(value: Value | None, kind: str) -> Value | None:
    """A parameter value of the column's type, so every row of an UNWIND batch has one struct type."""
    if value is None:
        return None
    if kind == DOUBLE:
        return float(value)
    if kind == INT64 or kind == "BOOLEAN":
        return value
    if kind == STRING:
        return value if isinstance(value, str) else str(value)
    return [str(item) for item in value]


def load_unwind(pg: PropertyGraph, path: Path) -> float:
    """Seconds to write ``pg`` with Cypher UNWIND batches, from the PropertyGraph as write_cypher is timed."""
    started = time.perf_counter()
    schema = pg.schema()
    label_of = {n.iri: n.label for n in pg.nodes}
    statements: list[tuple[str, list[dict]]] = []
    for label, table in schema.labels.items():
        columns = "".join(f", {quote(n)} {t}" for n, t in table.properties.items())
        statements.append((f"CREATE NODE TABLE {quote(label)}(iri STRING{columns}, PRIMARY KEY(iri))", []))
        props = ", ".join(f"{quote(n)}: r.{quote(n)}" for n in ["iri", *table.properties])
        rows = [{"iri": n.iri, **{p: typed(n.props.get(p), t) for p, t in table.properties.items()}}
                for n in pg.nodes if n.label == label]
        statements.append((f"UNWIND $rows AS r CREATE (:{quote(label)} {{{props}}})", rows))
    groups: dict[tuple[str, str, str], list[dict]] = {}
    for r in pg.relationships:
        properties = schema.relationships[r.type].properties
        groups.setdefault((r.type, label_of[r.start], label_of[r.end]), []).append(
            {"s": r.start, "e": r.end, **{p: typed(r.props.get(p), t) for p, t in properties.items()}})
    for name, rel in schema.relationships.items():
        pairs = ", ".join(f"FROM {quote(a)} TO {quote(b)}" for a, b in rel.pairs)
        columns = "".join(f", {quote(n)} {t}" for n, t in rel.properties.items())
        statements.append((f"CREATE REL TABLE {quote(name)}({pairs}{columns})", []))
        props = ", ".join(f"{quote(n)}: r.{quote(n)}" for n in rel.properties)
        for start, end in rel.pairs:
            statements.append((f"UNWIND $rows AS r MATCH (a:{quote(start)} {{iri: r.s}}) "
                               f"MATCH (b:{quote(end)} {{iri: r.e}}) CREATE (a)-[:{quote(name)} {{{props}}}]->(b)",
                               groups[(name, start, end)]))
    database = ladybug.Database(str(path))
    connection = ladybug.Connection(database)
    for query, rows in statements:
        if not query.startswith("UNWIND"):
            connection.execute(query)
        for i in range(0, len(rows), BATCH):
            connection.execute(query, {"rows": rows[i:i + BATCH]})
    connection.close()
    database.close()
    return time.perf_counter() - started


def stored(path: Path) -> str:
    """What a database holds, so a MATCH that silently found nothing cannot pass for speed."""
    database = ladybug.Database(str(path), read_only=True)
    connection = ladybug.Connection(database)
    nodes = connection.execute("MATCH (n) RETURN count(n)").get_all()[0][0]
    rels = connection.execute("MATCH ()-[r]->() RETURN count(r)").get_all()[0][0]
    connection.close()
    database.close()
    return f"  (stored {nodes:,} nodes, {rels:,} relationships)"


def rate(rows: int, seconds: float) -> str:
    return f"{rows:>9,} rows in {seconds:7.2f} s = {rows / seconds:>11,.0f} rows/s"


def run(name: str, pg: PropertyGraph, nquads: Path, quads: int, work: Path) -> None:
    rows = len(pg.nodes) + len(pg.relationships)
    print(f"\n== {name}: {len(pg.nodes):,} nodes, {len(pg.relationships):,} relationships, {quads:,} quads")
    copied = write_cypher(pg, work / "copy")
    print(f"LadybugDB COPY FROM CSV        {rate(rows, copied['cypher_seconds'])}"
          + stored(work / "copy" / "graph.lbug"))
    (work / "unwind").mkdir()
    seconds = load_unwind(pg, work / "unwind" / "graph.lbug")
    print(f"LadybugDB UNWIND MATCH MATCH   {rate(rows, seconds)}" + stored(work / "unwind" / "graph.lbug"))
    loaded = write_sparql(nquads, work / "sparql")
    print(f"Oxigraph bulk_load + optimize  {rate(loaded['sparql_quads'], loaded['sparql_seconds'])}"
          f" (optimize {loaded['sparql_optimize_seconds']:.2f} s)")
    started = time.perf_counter()
    dataset = Dataset()
    dataset.parse(nquads, format="nquads")
    seconds = time.perf_counter() - started
    parsed = sum(1 for _ in dataset.quads((None, None, None, None)))
    print(f"rdflib Dataset.parse N-Quads   {rate(parsed, seconds)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory(prefix="policykg-bench-") as tmp:
        work = Path(tmp)
        report = build(ROOT / "data" / "corpus", work / "data")
        nquads = report.build_dir / "dataset.nq"
        dataset = Dataset()
        dataset.parse(nquads, format="nquads")
        pg = map_dataset(dataset)
        quads = sum(1 for line in nquads.open(encoding="utf-8") if line.strip())
        (work / "corpus").mkdir()
        run("corpus", pg, nquads, quads, work / "corpus")
        copied = work / f"x{args.copies}.nq"
        copied_quads = copy_nquads(nquads, copied, args.copies)
        (work / "copies").mkdir()
        run(f"{args.copies}x corpus", copy_graph(pg, args.copies), copied, copied_quads, work / "copies")


if __name__ == "__main__":
    main()
