"""The embedded default stores, written into the build folder: LadybugDB for Cypher, Oxigraph for SPARQL.

Both live under the one build folder (``cypher/graph.lbug`` and ``sparql/``), so
``DataDir.publish`` puts them in service together with ``dataset.nq``, atomically,
and a reader never sees one store from an older build than the other.

LadybugDB is filled with ``COPY FROM`` CSV, its bulk path: at 100× the corpus it
loads ~1.4× faster than batched ``UNWIND … MATCH … MATCH … CREATE`` and the gap
grows with size; at the corpus's own size a fixed ~10 ms per relationship COPY
makes it ~0.4 s slower (``bench/load_embedded.py``).  Its CSV reader has quirks
this module works around, each checked by ``tests/test_embedded.py``:

* a quoted value holding a newline needs ``PARALLEL=false``;
* the format is guessed from the first rows unless ``AUTO_DETECT=false``: with no
  quoted field among them, a later quoted field is split on its commas;
* an empty field is NULL unless ``NULL_STRINGS`` is given, and ``NULL_STRINGS``
  applies to STRING columns only, so STRING columns get a NULL marker and the
  other columns an empty field;
* list cells ``[a,b]`` keep quotes and backslashes verbatim, so a list is written
  as one STRING (items joined by a private-use separator, each item behind a
  one-character mark since ``string_split`` drops empty items) and split back by
  the copy itself: ``COPY T FROM (LOAD WITH HEADERS (…) FROM file RETURN …)``.
  (Staging columns turned into lists by a ``SET`` afterwards cost a third of the
  load time at 100× the corpus.)
"""

from __future__ import annotations

import csv
import json
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import ladybug
import pyoxigraph

from policykg.graph.mapping.model import (BOOLEAN, DOUBLE, INT64, STRING, STRING_LIST, Node, PropertyGraph, Relationship,
                                          Schema, SchemaBuilder, Value, uniform_lists)
from policykg.graph.backends.line_ranges import read_in_ranges
from policykg.graph.builds.datadir import CYPHER_DIR, CYPHER_FILE, SPARQL_DIR
from policykg.graph.mapping.schema import declared_schema

GRAPHS = "graphs"  # every table's extra STRING[] column: the named graphs that state the node or relationship
NULL = "<<policykg:null>>"  # a STRING cell that is NULL (an empty field is the empty string)
ITEM_SEP, ITEM_MARK = "\ue001", "|"  # list cells: a private-use separator; the mark keeps items non-empty
# One thread for COPY: with two, LadybugDB 0.22's COPY of the 145,220 programmes of 5,000 generated plans
# hung for good, both threads waiting on a lock in the primary-key index builder
# (IndexBuilderGlobalQueues::maybeConsumeIndex); one thread copied the same file in 4 s.
COPY_THREADS = 1
# Oxigraph's bulk load takes the dataset this many bytes at a time (``write_sparql``): its peak memory
# follows the range (128 MB: ~0.5 GB at 500 plans; the whole 1.35 GB dataset at once: 1.8 GB).
LOAD_RANGE_BYTES = 128 << 20


def write_embedded(pg: PropertyGraph, dataset_path: Path, folder: Path) -> dict[str, float | int]:
    """Write both embedded stores into the build ``folder``; counts and seconds for each."""
    folder = Path(folder)
    return {**write_cypher(pg, folder / CYPHER_DIR), **write_sparql(Path(dataset_path), folder / SPARQL_DIR)}


def write_cypher(pg: PropertyGraph, directory: Path) -> dict[str, float | int]:
    """A fresh LadybugDB database in ``directory``: one table per label and relationship type, bulk copied."""
    return write_cypher_stream(pg.nodes, pg.relationships, directory)


def write_cypher_stream(nodes: Iterable[Node], relationships: Iterable[Relationship],
                        directory: Path) -> dict[str, float | int]:
    """``write_cypher`` for a graph given one node and one relationship at a time (``mapping.stream_store``).

    The rows are spooled to files beside ``directory`` while the schema is worked out,
    then copied table by table, so memory holds one row and the node labels, not the graph.
    """
    started = time.perf_counter()
    directory.mkdir(parents=True, exist_ok=False)
    with tempfile.TemporaryDirectory(prefix="policykg-spool-", dir=directory.parent) as tmp:
        written = write_cypher_spooled([spool(nodes, relationships, Path(tmp))], directory)
    return written | {"cypher_seconds": time.perf_counter() - started}


@dataclass
class SpoolPart:
    """The rows of one part of a property graph, spooled to files (one per label and per relationship
    type and label pair), and their schema.  Parts spooled in separate processes, each from one
    stretch of the graph's node order, are copied together in that order (``write_cypher_spooled``)."""

    files: dict[tuple, Path]
    schema: SchemaBuilder
    node_count: int = 0
    relationship_count: int = 0
    seconds: float = 0.0  # making and spooling the rows

    def rows(self, key: tuple) -> Iterator[list]:
        path = self.files.get(key)
        if path is None:
            return
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                yield json.loads(line)


def spool(nodes: Iterable[Node], relationships: Iterable[Relationship], folder: Path,
          labels: Mapping[str, str] | None = None) -> SpoolPart:
    """Spool ``nodes`` then ``relationships`` into ``folder``.  ``labels`` (iri → label: a dictionary or a
    ``LabelTable``) names the labels of relationship ends this part has no node for; without it, the part's
    own nodes do."""
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    schema = SchemaBuilder(base=declared_schema())  # every table the mapping can produce (graph/mapping/schema.py)
    schema.far_labels = labels  # looked up, not copied: every node's label is 2.7 million at 5,000 plans
    handles: dict[tuple, Any] = {}
    part = SpoolPart({}, schema)

    def write(key: tuple, row: list) -> None:
        handle = handles.get(key)
        if handle is None:
            part.files[key] = folder / f"spool-{len(handles)}.jsonl"
            handle = handles[key] = part.files[key].open("w", encoding="utf-8")
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")

    try:
        for node in nodes:
            schema.add_node(node)
            write(("node", node.label), [node.iri, node.props, list(node.graphs)])
            part.node_count += 1
        for rel in relationships:
            start, end = schema.add_relationship(rel)
            write(("rel", rel.type, start, end), [rel.start, rel.end, rel.props, list(rel.graphs)])
            part.relationship_count += 1
    finally:
        for handle in handles.values():
            handle.close()
    schema.label_of.clear()  # a part goes back to the parent process without the labels of every node
    schema.far_labels = None
    part.seconds = time.perf_counter() - started
    return part


class _Spooled:
    """Spooled parts read as one graph: their schemas merged, each table's rows part after part."""

    def __init__(self, parts: list[SpoolPart]) -> None:
        self.parts = parts
        self.files = {key for part in parts for key in part.files}
        self.schema = SchemaBuilder()
        for part in parts:
            self.schema.merge(part.schema)

    def rows(self, key: tuple) -> Iterator[list]:
        for part in self.parts:
            yield from part.rows(key)


def write_cypher_spooled(parts: list[SpoolPart], directory: Path) -> dict[str, float | int]:
    """A fresh LadybugDB database in ``directory`` (which may exist, empty), copied from spooled parts;
    ``cypher_seconds`` is the copy's time (the parts say how long spooling them took)."""
    started = time.perf_counter()
    directory.mkdir(parents=True, exist_ok=True)
    spooled = _Spooled(parts)
    with tempfile.TemporaryDirectory(prefix="policykg-copy-", dir=directory.parent) as tmp:
        # One transaction and one checkpoint at the end: auto-checkpointing after each of the
        # ~70 COPY statements doubled the corpus's load time.
        database = ladybug.Database(str(directory / CYPHER_FILE), auto_checkpoint=False, max_num_threads=COPY_THREADS)
        connection = ladybug.Connection(database)
        try:
            connection.execute("BEGIN TRANSACTION")
            schema = spooled.schema.schema(uniform_lists=True)
            _create_tables(connection, schema)
            _copy_nodes(connection, spooled, schema, Path(tmp))
            _copy_relationships(connection, spooled, schema, Path(tmp))
            connection.execute("COMMIT")
            connection.execute("CHECKPOINT")
        finally:
            connection.close()
            database.close()
    return {"cypher_nodes": sum(p.node_count for p in parts),
            "cypher_relationships": sum(p.relationship_count for p in parts),
            "cypher_seconds": time.perf_counter() - started}


def write_sparql(dataset_path: Path, directory: Path, range_bytes: int = LOAD_RANGE_BYTES) -> dict[str, float | int]:
    """A fresh Oxigraph store in ``directory`` bulk-loaded from the N-Quads dataset, named graphs kept, then
    compacted.

    The dataset is loaded ``range_bytes`` at a time (``line_ranges``): one ``bulk_load`` of the whole
    dataset holds all of it in memory first (1.8 GB at 500 plans, 3.8 GB at 5,000); 128 MB ranges peak at
    about 0.5 GB whatever the dataset's size, for about a third more load time.

    ``bulk_load`` adds its sorted files to RocksDB batch by batch, and their key ranges overlap, so
    every lookup by subject has to look into more files as the dataset grows.  Uncompacted, a
    subject cost 4× more at 5,000 plans than at 1,000, and the mapping, which asks for every
    subject, grew 18× from 1,000 plans to 5,000; compacted (``optimize``), 7.5× (docs/benchmarks.md).
    Compaction takes a sixth of the load's time (26 of 159 s at 5,000 plans) and leaves the folder
    about 1.8× larger."""
    started = time.perf_counter()
    directory.mkdir(parents=True, exist_ok=False)
    store = pyoxigraph.Store(str(directory))
    for part in read_in_ranges(Path(dataset_path), range_bytes):
        store.bulk_load(input=part, format=pyoxigraph.RdfFormat.N_QUADS)
    store.flush()
    compacting = time.perf_counter()
    store.optimize()
    compacted = time.perf_counter() - compacting
    quads = len(store)
    del store  # releases the RocksDB lock, so a reader can open the folder
    return {"sparql_quads": quads, "sparql_seconds": time.perf_counter() - started,
            "sparql_optimize_seconds": compacted}


class CypherStore:
    """One LadybugDB database and connection; ``query`` returns plain (columns, rows) for the API."""

    def __init__(self, path: Path, read_only: bool = True) -> None:
        self.database = ladybug.Database(str(path), read_only=read_only)
        self.connection = ladybug.Connection(self.database)

    def query(self, cypher: str, params: dict[str, Any] | None = None) -> tuple[list[str], list[list[Any]]]:
        result = self.connection.execute(cypher, params or {})
        if isinstance(result, list):  # several statements: the last one answers
            result = result[-1]
        return result.get_column_names(), result.get_all()

    def close(self) -> None:
        self.connection.close()
        self.database.close()

    def __enter__(self) -> CypherStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_cypher(folder: Path, read_only: bool = True) -> CypherStore:
    """The build folder's LadybugDB database (read-only by default: the served build never changes)."""
    path = Path(folder) / CYPHER_DIR / CYPHER_FILE
    if not path.is_file():
        raise FileNotFoundError(f"no LadybugDB database at {path}")
    return CypherStore(path, read_only=read_only)


def open_sparql(folder: Path, read_only: bool = True) -> pyoxigraph.Store:
    """The build folder's Oxigraph store (read-only by default)."""
    path = Path(folder) / SPARQL_DIR
    if not path.is_dir():
        raise FileNotFoundError(f"no Oxigraph store at {path}")
    return pyoxigraph.Store.read_only(str(path)) if read_only else pyoxigraph.Store(str(path))


def quote(name: str) -> str:
    """A Cypher identifier in backticks, so labels and properties may be keywords (``Match``, ``order``)."""
    return "`" + name.replace("`", "``") + "`"


def _columns(properties: dict[str, str]) -> dict[str, str]:
    """A table's columns after ``iri``/the endpoints: its properties, then ``graphs`` unless a property has it."""
    return {**properties, **({} if GRAPHS in properties else {GRAPHS: STRING_LIST})}


def _ddl_columns(columns: dict[str, str]) -> str:
    """Typed column declarations; every name quoted, since property names come from the data."""
    return ", ".join(f"{quote(name)} {kind}" for name, kind in columns.items())


def _create_tables(connection: ladybug.Connection, schema: Schema) -> None:
    for label, table in schema.labels.items():
        connection.execute(f"CREATE NODE TABLE {quote(label)}(iri STRING, "
                           f"{_ddl_columns(_columns(table.properties))}, PRIMARY KEY(iri))")
    for name, rel in schema.relationships.items():
        pairs = ", ".join(f"FROM {quote(a)} TO {quote(b)}" for a, b in rel.pairs)
        connection.execute(f"CREATE REL TABLE {quote(name)}({pairs}, {_ddl_columns(_columns(rel.properties))})")


def _copy_nodes(connection: ladybug.Connection, spool: _Spooled, schema: Schema, tmp: Path) -> None:
    for index, label in enumerate(schema.labels):
        if ("node", label) not in spool.files:  # a declared table this corpus leaves empty
            continue
        columns = _columns(schema.labels[label].properties)
        listed = spool.schema.listed[label]
        rows = ([_cell(iri, STRING)] + _cells(uniform_lists(props, listed), tuple(graphs), columns)
                for iri, props, graphs in spool.rows(("node", label)))
        _copy(connection, label, tmp / f"node-{index}.csv", {"iri": STRING, **columns}, rows, "")


def _copy_relationships(connection: ladybug.Connection, spool: _Spooled, schema: Schema, tmp: Path) -> None:
    """One file per (type, start label, end label): a table with several pairs is copied pair by pair."""
    groups = sorted((name, start, end) for name, rel in schema.relationships.items() for start, end in rel.pairs)
    for index, (name, start, end) in enumerate(groups):
        if ("rel", name, start, end) not in spool.files:
            continue
        columns = _columns(schema.relationships[name].properties)
        rows = ([a, b] + _cells(props, tuple(graphs), columns)
                for a, b, props, graphs in spool.rows(("rel", name, start, end)))
        options = f" (from={json.dumps(start)}, to={json.dumps(end)})"
        keys = {"from": STRING, "to": STRING}
        _copy(connection, name, tmp / f"rel-{index}.csv", {**keys, **columns}, rows, options)


def _copy(connection: ladybug.Connection, table: str, path: Path, columns: dict[str, str],
          rows: Iterable[list[str]], options: str) -> None:
    """Write ``rows`` as CSV and COPY them into ``table``, splitting the list cells back on the way in.

    The parallel CSV reader is used only when no value holds a newline.
    """
    multiline = False
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for row in rows:
            if not multiline:
                joined = "".join(row)
                multiline = "\n" in joined or "\r" in joined
            writer.writerow(row)
    names = [f"c{i}" for i in range(len(columns))]
    read = ", ".join(f"{n} {'STRING' if kind == STRING_LIST else kind}" for n, kind in zip(names, columns.values()))
    out = ", ".join(_split(n) if kind == STRING_LIST else n for n, kind in zip(names, columns.values()))
    connection.execute(
        f"COPY {quote(table)} FROM (LOAD WITH HEADERS ({read}) FROM {json.dumps(str(path))} "
        f"(HEADER=false, AUTO_DETECT=false, PARALLEL={'false' if multiline else 'true'}, NULL_STRINGS=[{json.dumps(NULL)}]) "
        f"RETURN {out}){options}")


def _split(column: str) -> str:
    """The Cypher that turns a written list cell back into a STRING[] (NULL stays NULL)."""
    return (f"CASE WHEN {column} = '' THEN CAST([] AS STRING[]) ELSE "
            f"list_transform(string_split({column}, '{ITEM_SEP}'), i -> right(i, size(i) - 1)) END")


def _cells(props: dict[str, Value], graphs: tuple[str, ...], columns: dict[str, str]) -> list[str]:
    """The property cells of one row; the ``graphs`` column comes from the node's or relationship's graphs."""
    return [_cell(list(graphs) if name == GRAPHS and GRAPHS not in props else props.get(name), kind)
            for name, kind in columns.items()]


def _cell(value: Value | None, kind: str) -> str:
    """One CSV field for a column of type ``kind`` (the schema widens mixed types, so values are converted)."""
    if value is None:
        return NULL if kind in (STRING, STRING_LIST) else ""
    if kind == STRING_LIST:
        items = value if isinstance(value, list) and all(type(i) is str for i in value) else \
            [_text(item) for item in (value if isinstance(value, list) else [value])]
        if any(ITEM_SEP in item for item in items):
            raise ValueError(f"a list item holds the reserved separator U+E001: {items!r}")
        return ITEM_SEP.join(ITEM_MARK + item for item in items)
    if kind == BOOLEAN:
        return "true" if value else "false"
    if kind == INT64:
        return str(int(value))
    if kind == DOUBLE:
        return repr(float(value))
    text = value if type(value) is str else _text(value)
    if text == NULL:
        raise ValueError(f"a string value is the reserved NULL marker {NULL!r}")
    return text


def _text(value: Value) -> str:
    """A value in a STRING column or list: booleans in Cypher spelling, lists as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
