"""Cypher text for a ``PropertyGraph``, and the files that load it without a running loader.

- ``write_neo4j_csv``: CSV files per label and per relationship type with the headers
  ``neo4j-admin database import full`` reads, and a README with the exact command —
  the fastest way to fill an empty Neo4j database.
- ``write_cypher_script``: one ``.cypher`` file for ``cypher-shell -f``: constraints,
  then batched ``UNWIND [literal rows] AS r MERGE …`` statements, one per line — for a
  server you can reach but not copy files to.

The statements and literals are shared with ``bolt.py`` so the script and the live
loader write exactly the same graph.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from typing import Any, Iterator, Sequence

from policykg.graph.mapping.model import BOOLEAN, DOUBLE, INT64, STRING_LIST, Node, PropertyGraph, Relationship, Value

ARRAY_DELIMITER = ";"  # preferred; neo4j-admin cannot escape it, so a graph whose lists hold one gets the next
_FALLBACK_DELIMITERS = ("|", "¦", "¤", "\u241f")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_CSV_TYPES = {INT64: "long", DOUBLE: "double", BOOLEAN: "boolean", STRING_LIST: "string[]"}


def quote_name(name: str) -> str:
    """A label, type or key as Cypher text (backticks unless a plain identifier)."""
    return name if _IDENT.match(name) else "`" + name.replace("`", "``") + "`"


def cypher_literal(value: Any) -> str:
    """A Python value as a Cypher literal that Neo4j and FalkorDB both read back unchanged.

    Only the escapes both parsers share (no ``\\u``: FalkorDB keeps it verbatim);
    newlines are escaped so every statement stays on one line; floats use ``repr``
    so no digit is lost.
    """
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int) or isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, str):
        return "'" + "".join(_ESCAPES.get(c, c) for c in value) + "'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{quote_name(k)}: {cypher_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Cypher literal for {value!r}")


def bind(query: str, params: dict[str, Any]) -> str:
    """``query`` with each ``$name`` replaced by its literal (our templates hold no other ``$``)."""
    return re.sub(r"\$([A-Za-z_]\w*)", lambda m: cypher_literal(params[m.group(1)]), query)


def constraint_statement(label: str) -> str:
    """Neo4j: ``iri`` unique per label (also an index); re-runnable."""
    name = quote_name(f"policykg_{label}_iri")
    return f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{quote_name(label)}) REQUIRE n.iri IS UNIQUE"


def index_statement(label: str) -> str:
    """FalkorDB: an index on ``iri`` (no constraints in its Cypher; fails if it exists)."""
    return f"CREATE INDEX FOR (n:{quote_name(label)}) ON (n.iri)"


# ``graphs`` is a union: a partial graph (one document) never drops another document's entry.
_UNION = "coalesce({v}.graphs, []) + [g IN r.graphs WHERE NOT g IN coalesce({v}.graphs, [])]"


def node_statement(label: str) -> str:
    return (f"UNWIND $rows AS r MERGE (n:{quote_name(label)} {{iri: r.iri}}) "
            f"SET n += r.props SET n.graphs = {_UNION.format(v='n')}")


def relationship_statement(rel_type: str, start: str, end: str) -> str:
    return (f"UNWIND $rows AS r MATCH (a:{quote_name(start)} {{iri: r.s}}) MATCH (b:{quote_name(end)} {{iri: r.e}}) "
            f"MERGE (a)-[x:{quote_name(rel_type)}]->(b) SET x += r.props SET x.graphs = {_UNION.format(v='x')}")


def _props(props: dict[str, Value]) -> dict[str, Value]:
    return {k: v for k, v in props.items() if k not in ("iri", "graphs")}


def batches(pg: PropertyGraph, nodes: Sequence[Node], rels: Sequence[Relationship],
            batch_size: int) -> Iterator[tuple[str, str, list[dict]]]:
    """(stage, statement, rows): nodes per label, then relationships per (type, start label, end label)."""
    label_of = {node.iri: node.label for node in pg.nodes}
    grouped: dict[str, dict[str, list[dict]]] = {"nodes": {}, "relationships": {}}
    for node in nodes:
        grouped["nodes"].setdefault(node_statement(node.label), []).append(
            {"iri": node.iri, "props": _props(node.props), "graphs": list(node.graphs)})
    for rel in rels:
        statement = relationship_statement(rel.type, label_of[rel.start], label_of[rel.end])
        grouped["relationships"].setdefault(statement, []).append(
            {"s": rel.start, "e": rel.end, "props": _props(rel.props), "graphs": list(rel.graphs)})
    for stage, statements in grouped.items():
        for statement, rows in statements.items():
            for i in range(0, len(rows), batch_size):
                yield stage, statement, rows[i:i + batch_size]


def write_cypher_script(pg: PropertyGraph, path: str | Path, dialect: str = "neo4j", batch_size: int = 500) -> Path:
    """A ``cypher-shell -f`` script: schema first, then one ``UNWIND [...] MERGE`` per line and batch.

    ``dialect='falkordb'`` writes FalkorDB's index statements instead of constraints.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = constraint_statement if dialect == "neo4j" else index_statement
    with path.open("w", encoding="utf-8") as out:
        out.write(f"// policykg property graph: {len(pg.nodes)} nodes, {len(pg.relationships)} relationships\n")
        out.write(f"// cypher-shell -a bolt://HOST:7687 -u USER -p PASSWORD -d DATABASE -f {path.name}\n")
        for label in sorted({node.label for node in pg.nodes}):
            out.write(schema(label) + ";\n")
        for _, statement, rows in batches(pg, pg.nodes, pg.relationships, batch_size):
            out.write(bind(statement, {"rows": rows}) + ";\n")
    return path


def array_delimiter(pg: PropertyGraph) -> str:
    """``;`` unless a list element (or ``graphs`` IRI) holds one: then the first fallback none holds."""
    items = {str(v) for e in (*pg.nodes, *pg.relationships) for v in e.graphs}
    items |= {str(v) for e in (*pg.nodes, *pg.relationships) for p in e.props.values() if isinstance(p, list)
              for v in p}
    for candidate in (ARRAY_DELIMITER, *_FALLBACK_DELIMITERS):
        if not any(candidate in item for item in items):
            return candidate
    raise ValueError("every array delimiter candidate occurs in the data")


def _csv_value(value: Value | None, kind: str, delimiter: str) -> str:
    """One cell: booleans as true/false, numbers in full, arrays joined by ``delimiter``."""
    if value is None:
        return ""
    if kind == STRING_LIST:
        return delimiter.join(str(v) for v in (value if isinstance(value, list) else [value]))
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind in (INT64, DOUBLE) and not isinstance(value, list):
        return repr(value)
    return delimiter.join(map(str, value)) if isinstance(value, list) else str(value)


def _file_name(prefix: str, name: str) -> str:
    return f"{prefix}_{re.sub(r'[^A-Za-z0-9_]', '_', name)}.csv"


def _write_csv(path: Path, head: list[str], columns: dict[str, str], rows: list[tuple[list[str], dict, tuple]],
               delimiter: str) -> None:
    header = head + [f"{name}:{_CSV_TYPES.get(kind, 'string')}" for name, kind in columns.items()]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header + ["graphs:string[]"])
        for fixed, props, graphs in rows:
            writer.writerow(fixed + [_csv_value(props.get(name), kind, delimiter) for name, kind in columns.items()]
                            + [_csv_value(list(graphs), STRING_LIST, delimiter)])


def write_neo4j_csv(pg: PropertyGraph, out_dir: str | Path, database: str = "neo4j") -> list[Path]:
    """Node files per label, relationship files per type, and README.txt with the import command."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    schema, delimiter = pg.schema(), array_delimiter(pg)
    files: dict[str, list[Path]] = {"nodes": [], "relationships": []}
    for label, spec in schema.labels.items():
        columns = {k: v for k, v in spec.properties.items() if k not in ("iri", "graphs")}
        rows = [([n.iri, n.label], n.props, n.graphs) for n in pg.nodes if n.label == label]
        files["nodes"].append(out / _file_name("nodes", label))
        _write_csv(files["nodes"][-1], ["iri:ID", ":LABEL"], columns, rows, delimiter)
    for rel_type, spec in schema.relationships.items():
        columns = {k: v for k, v in spec.properties.items() if k != "graphs"}
        rows = [([r.start, r.end, r.type], r.props, r.graphs) for r in pg.relationships if r.type == rel_type]
        files["relationships"].append(out / _file_name("rels", rel_type))
        _write_csv(files["relationships"][-1], [":START_ID", ":END_ID", ":TYPE"], columns, rows, delimiter)
    command = " ".join(["neo4j-admin database import full", f"--array-delimiter='{delimiter}'",
                        "--multiline-fields=true", "--overwrite-destination=true",
                        *(f"--nodes={p.name}" for p in files["nodes"]),
                        *(f"--relationships={p.name}" for p in files["relationships"]), database])
    (out / "README.txt").write_text(
        "policykg property graph for neo4j-admin; this REPLACES the database (stop it first), run from this folder:\n"
        f"{command}\n", encoding="utf-8")
    return files["nodes"] + files["relationships"]
