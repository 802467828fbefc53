"""Prepare the REST questions' tables (``prepared.sql``) from a graph, once per build.

The build calls ``prepare`` on its own LadybugDB before publishing; a server on
a graph that came without them (a Neo4j loaded elsewhere, an older build) makes
them at start in a temporary file (``open_lookups``).  Everything is read with a
handful of statements over whole labels, through the same ``GraphReader`` the
API uses, so the tables say what the graph says on every backend.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path

from policykg.graph.backends.reader import GraphReader, Limits, QuerySyntaxError
from policykg.graph.builds.datadir import PREPARED_FILE
from policykg.graph.questions import neighbourhood, plans, programmes
from policykg.graph.questions.entity_index import LABEL_RANK, fold
from policykg.graph.questions.lookups import BODY_LINKS, MAX_DEPTH, Lookups
from policykg.graph.questions.prepare_passages import write_outline, write_passages
from policykg.graph.questions.prepared import (FORMAT, LABEL_BITS, SCHEMA, SEPARATOR, Prepared, PreparedMissing,
                                               spaced)

HIERARCHIES = ("TargetGroup", "PolicyDomain", "Area")
FACET_OF = {"TargetGroup": "group", "PolicyDomain": "domain"}  # hierarchies programmes are filtered by
COUNTED = ("Programme", "Indicator")  # nodes counted per document
_LIMITS = Limits(timeout_s=3600, max_rows=10**9)  # the build's own reads: bounded by the data
_LABEL_OF = {"ladybug": "label(n)", "neo4j": "labels(n)[0]", "falkordb": "labels(n)[0]"}
_ALL_NODES = ("MATCH (n) RETURN n.iri AS iri, {label} AS label, n.name_zh AS name_zh, n.name_en AS name_en, "
              "n.alt_labels AS alt_labels, n.marker AS marker, n.document AS document")
_BROADER = "MATCH (n:{label})-[:BROADER]->(b:{label}) RETURN n.iri AS iri, b.iri AS broader"
_RELATION_TYPES = "MATCH ()-[r]->() RETURN {type} AS type, count(*) AS n"
_RELATIONS = "MATCH (a)-[r]->(b) WHERE {type} IN $types RETURN a.iri AS a, {type} AS type, b.iri AS b, {evidence}"
RELATION_BATCH = 200_000  # relationships read at a time (with their quotes: ~1.5 KB each in Python)


def open_lookups(reader: GraphReader, build: Path | None = None) -> Lookups:
    """The REST questions over ``reader``: with the tables ``build`` prepared if it has them, else with
    tables prepared now in a temporary file (removed when the lookups close)."""
    if build is not None and (build / PREPARED_FILE).exists():
        try:
            return Lookups(reader, Prepared(build / PREPARED_FILE))
        except PreparedMissing:
            pass  # another layout: prepare again below
    keep = tempfile.TemporaryDirectory(prefix="policykg-prepared-")
    path = Path(keep.name) / PREPARED_FILE
    prepare(reader, path)
    return Lookups(reader, Prepared(path, keep))


def prepare(reader: GraphReader, path: Path) -> dict[str, int]:
    """Write the tables for the graph ``reader`` reads to ``path`` (whole, or not at all); rows per table."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    connection = sqlite3.connect(partial)
    try:
        connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA.read_text())
        counts = _fill(connection, reader)
        connection.execute("INSERT INTO about VALUES ('format', ?)", (FORMAT,))
        connection.commit()
    except BaseException:
        connection.close()
        partial.unlink(missing_ok=True)
        raise
    connection.close()
    os.replace(partial, path)
    return counts


def _fill(connection: sqlite3.Connection, reader: GraphReader) -> dict[str, int]:
    counts: dict[str, int] = {}
    nodes = _nodes(reader)
    counts["entity"] = _write(connection, "entity", sorted(_entities(nodes)))
    counts["name"] = _write_names(connection, nodes)
    by_label: dict[str, int] = defaultdict(int)
    per_document: dict[tuple[str, str], int] = defaultdict(int)
    for row in nodes:
        by_label[row["label"]] += 1
        if row["label"] in COUNTED and row["document"]:
            per_document[(row["label"], row["document"])] += 1
    _write(connection, "label_count", ((label, n, number) for number, (label, n) in enumerate(sorted(by_label.items()))))
    _write(connection, "document_count", sorted((label, doc, n) for (label, doc), n in per_document.items()))
    labels = {row["iri"]: row["label"] for row in nodes}
    del nodes
    counts["relation"] = _write_relations(connection, reader, labels)
    closures = {label: _closure(reader, label, [iri for iri, lab in labels.items() if lab == label])
                for label in HIERARCHIES}
    counts["narrower"] = _write(connection, "narrower", sorted(
        (label, ancestor, concept, depth) for label, closure in closures.items()
        for ancestor, under in closure.items() for concept, depth in under.items()))
    lookups = Lookups(reader, None, _LIMITS)  # statements only: no tables to read yet
    raw = programmes.raw_rows(lookups, programmes.EVERY)
    order = sorted(raw, key=lambda iri: (raw[iri]["details"]["document"] or "", iri))
    position = {iri: pos for pos, iri in enumerate(order)}
    counts["programme"] = _write(connection, "programme", enumerate(order))
    outline = write_outline(connection, lookups)  # before the cards: their evidence shows its path
    connection.commit()  # the entities, for the names the cards and alignments show
    named = Lookups(reader, Prepared(_path(connection), writing=connection), _LIMITS)
    counts["aligned"] = _write_aligned(connection, named, raw, order, position)
    counts["card"] = _write_cards(connection, named, raw, order)
    indicators = [(row["iri"], row["plan"]["iri"]) for row in plans.indicators(named)]
    counts["indicator"] = _write(connection, "indicator", ((pos, iri, plan) for pos, (iri, plan) in enumerate(indicators)))
    _write_entity_text(connection, {label: number for number, label in enumerate(sorted(by_label))},
                       {"Programme": position, "Indicator": {iri: pos for pos, (iri, _) in enumerate(indicators)}})
    counts["passage"] = write_passages(connection, lookups, outline)
    members: dict[tuple[str, str], set[int]] = defaultdict(set)
    for kind, key, iri in _facets(lookups, raw, closures):
        members[(kind, key)].add(position[iri])
    facets = sorted(members)
    _write(connection, "facet", ((i, kind, key, len(members[(kind, key)])) for i, (kind, key) in enumerate(facets)))
    counts["facet_member"] = _write(connection, "facet_member",
                                    ((i, pos) for i, facet in enumerate(facets) for pos in sorted(members[facet])))
    return counts


def _nodes(reader: GraphReader) -> list[dict]:
    columns, rows = reader.read(_ALL_NODES.format(label=_LABEL_OF[reader.dialect]), limits=_LIMITS)
    return [dict(zip(columns, row)) for row in rows]


def _entities(nodes: list[dict]) -> Iterator[tuple]:
    for row in nodes:
        alts = list(row["alt_labels"] or ())
        names = [n for n in (row["name_zh"], row["name_en"], *alts) if n]
        folded = list(dict.fromkeys(fold(n) for n in names))
        yield (row["iri"], row["label"], row["name_zh"], row["name_en"], json.dumps(alts, ensure_ascii=False),
               row["marker"], row["document"], json.dumps(folded, ensure_ascii=False))


def _write_names(connection: sqlite3.Connection, nodes: list[dict]) -> int:
    """Every folded name, numbered in search's order of equally good matches (prepared.sql), and indexed."""
    names = {(label, name, iri, len(display)) for iri, label, zh, en, *_, folded in _entities(nodes)
             for display in [zh or en or ""] for name in json.loads(folded)}
    ranked = sorted(names, key=lambda n: (len(n[1]), LABEL_RANK.get(n[0], len(LABEL_RANK)), n[3], n[2], n[1]))
    written = _write(connection, "name", ((rank, label, name, iri) for rank, (label, name, iri, _) in enumerate(ranked)))
    connection.execute("INSERT INTO name_text (rowid, folded) SELECT rank, folded FROM name")
    connection.create_function("spaced", 1, spaced, deterministic=True)
    connection.execute("INSERT INTO name_chars (rowid, chars) SELECT rank, spaced(folded) FROM name")
    return written


def _write_entity_text(connection: sqlite3.Connection, numbers: dict[str, int],
                       listed: dict[str, dict[str, int]]) -> None:
    """Each entity's names together (``entity_text``, ``entity_chars``), from the entities written: a label's
    entities are one range of rowids, so a search's total of one word in some labels is a count of a few
    ranges; a programme's or indicator's place in its range is its place in the API's list (``listed``), so
    a one-word text filter of those lists is a range of the index in list order."""
    places: dict[str, int] = defaultdict(int)
    text, chars = [], []
    for iri, label, folded in connection.execute("SELECT iri, label, folded FROM entity ORDER BY iri"):
        order = listed.get(label)
        if order is not None and iri in order:
            place = order[iri]
        else:  # after the listed ones
            place = len(order or ()) + places[label]
            places[label] += 1
        rowid = (numbers[label] << LABEL_BITS) + place
        names = json.loads(folded)
        if not names:  # a passage: searched by its text (passage_bigrams), not by a name
            continue
        text.append((rowid, SEPARATOR.join(names)))
        chars.append((rowid, " x ".join(spaced(name) for name in names)))
    connection.executemany("INSERT INTO entity_text (rowid, names) VALUES (?, ?)", text)
    connection.executemany("INSERT INTO entity_chars (rowid, chars) VALUES (?, ?)", chars)


def _write_relations(connection: sqlite3.Connection, reader: GraphReader, labels: dict[str, str]) -> int:
    """Every node numbered, every relationship with what an edge shows, and each node's relationships either
    way (prepared.sql).  Read a few types at a time (at most ``RELATION_BATCH`` rows), so the build never
    holds every relationship; numbered in (type, start, end) order whatever the batches, so every backend
    prepares the same tables."""
    drawn = sorted(iri for iri, label in labels.items() if label not in neighbourhood.NOT_DRAWN)
    number = {iri: num for num, iri in enumerate(drawn)}
    _write(connection, "node", ((num, iri, labels[iri]) for iri, num in number.items()))
    type_of = neighbourhood.TYPE_OF[reader.dialect]
    _, sizes = reader.read(_RELATION_TYPES.format(type=type_of), limits=_LIMITS)
    written = 0
    for batch in _batches(sorted((str(t), int(n)) for t, n in sizes), RELATION_BATCH):
        _, rows = reader.read(_RELATIONS.format(type=type_of, evidence=neighbourhood.EVIDENCE),
                              {"types": batch}, limits=_LIMITS)
        rows.sort(key=lambda row: (row[1], row[0], row[2]))
        relations = []
        for start, rel_type, end, *shown in rows:
            if start in number and end in number:
                fields = {name: value for name, value in zip(neighbourhood.EVIDENCE_FIELDS, shown) if value is not None}
                relations.append((written, rel_type, number[start], number[end],
                                  json.dumps(fields, ensure_ascii=False) if fields else None))
                written += 1
        del rows
        _write(connection, "relation", relations)
        connection.executemany("INSERT INTO adjacent VALUES (?, ?)", chain(
            ((source, rid) for rid, _, source, _, _ in relations),
            ((target, rid) for rid, _, source, target, _ in relations if target != source)))
    connection.execute("CREATE INDEX adjacent_by_node ON adjacent (node, relation)")
    return written


def _batches(sizes: list[tuple[str, int]], most: int) -> Iterator[list[str]]:
    """Consecutive runs of the types whose rows add up to at most ``most`` (a bigger type alone)."""
    batch: list[str] = []
    total = 0
    for name, n in sizes:
        if batch and total + n > most:
            yield batch
            batch, total = [], 0
        batch.append(name)
        total += n
    if batch:
        yield batch


def _closure(reader: GraphReader, label: str, concepts: list[str]) -> dict[str, dict[str, int]]:
    """Each concept → itself and every concept under it (up to ``MAX_DEPTH`` levels), with the distance."""
    try:
        _, rows = reader.read(_BROADER.format(label=label), limits=_LIMITS)
    except QuerySyntaxError:  # LadybugDB: no BROADER table between concepts of this label
        rows = []
    broader: dict[str, set[str]] = defaultdict(set)
    for iri, parent in rows:
        broader[iri].add(parent)
    closure: dict[str, dict[str, int]] = defaultdict(dict)
    for concept in concepts:
        level, depth, seen = {concept}, 0, {concept}
        while level and depth <= MAX_DEPTH:
            for ancestor in level:
                closure[ancestor].setdefault(concept, depth)
            level = {b for c in level for b in broader.get(c, ())} - seen
            seen |= level
            depth += 1
    return closure


def _facets(lookups: Lookups, raw: dict[str, dict], closures: dict[str, dict[str, dict[str, int]]],
            ) -> Iterator[tuple[str, str, str]]:
    """(kind, key, programme) for every way a list of programmes can be filtered."""
    above = {label: _ancestors(closure) for label, closure in closures.items()}
    for iri, card in raw.items():
        yield "all", "", iri
        if card["details"]["plan"]:
            yield "plan", card["details"]["plan"], iri
        for key, label in (("serves", "TargetGroup"), ("domains", "PolicyDomain")):
            kind = FACET_OF[label]
            for link in card[key]:
                yield f"{kind}-exact", link["concept"], iri
                for ancestor in above[label].get(link["concept"], (link["concept"],)):
                    yield kind, ancestor, iri
    for link in BODY_LINKS.split("|"):  # one statement per type: LadybugDB refuses a type it has no table for
        for row in lookups.rows(programmes.BODIES.format(rel=link)) if lookups.has(link) else []:
            if row["programme"] in raw:
                yield "body", row["body"], row["programme"]


def _ancestors(closure: dict[str, dict[str, int]]) -> dict[str, list[str]]:
    """Concept → every concept it is under (itself included)."""
    found: dict[str, list[str]] = defaultdict(list)
    for ancestor, under in closure.items():
        for concept in under:
            found[concept].append(ancestor)
    return found


def _path(connection: sqlite3.Connection) -> Path:
    return Path(connection.execute("PRAGMA database_list").fetchone()[2])


def _write_aligned(connection: sqlite3.Connection, lookups: Lookups, raw: dict[str, dict], order: list[str],
                   position: dict[str, int], batch: int = 2000) -> int:
    """Each programme's aligned programmes, rendered (a batch of programmes read, then written); their number
    goes on the cards."""
    written = 0
    for start in range(0, len(order), batch):
        rows = programmes.render_aligned(lookups, order[start:start + batch])
        for programme, _, _ in rows:
            raw[programme]["aligned"] += 1
        written += _write(connection, "aligned", ((position[p], other, item) for p, other, item in rows))
    return written


def _write_cards(connection: sqlite3.Connection, lookups: Lookups, raw: dict[str, dict], order: list[str],
                 batch: int = 2000) -> int:
    """Each programme's card rendered with the names of what it refers to, read from the entities written
    (through the same connection, so a batch is read, then written: ~6 KB a card, never all in memory)."""
    for start in range(0, len(order), batch):
        rows = []
        for pos in range(start, min(start + batch, len(order))):
            body, groups = programmes.render_card(lookups, order[pos], raw[order[pos]])
            rows.append((pos, body, groups))
        _write(connection, "card", rows)
    return len(order)


def _write(connection: sqlite3.Connection, table: str, rows: Iterable[tuple]) -> int:
    """Insert ``rows`` (streamed: a card table at thousands of plans is hundreds of MB) and count them."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    written = 0

    def counted() -> Iterator[tuple]:
        nonlocal written
        for row in chain([first], rows):
            written += 1
            yield row

    connection.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(first))})", counted())
    return written
