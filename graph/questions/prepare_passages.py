"""Prepare the outline paths and the passage index (``prepared.sql``: ``outline``, ``passage``, ``passage_range``,
``passage_bigrams``) from a graph.

Passages are read a batch of documents at a time (a 5,000-plan graph has millions), numbered in (level,
document, place in the text) order, so that a level, a plan and a chapter are each one range of numbers and a
filtered search is a range of the index, not a join.  Each passage's outline path (chapter › section › box ›
item) is worked out here once, from the graph's ``IS_PART_OF`` links and the names already in ``entity``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator

from policykg.graph.questions.lookups import Lookups
from policykg.graph.questions.passages import LEVELS, bigrams
from policykg.graph.questions.plans import DIVISION_LABELS, levels as document_levels

DOCUMENT_BATCH = 200  # documents whose passages are read at a time (~300 passages each)
_DOCUMENTS = "MATCH (p:Passage)-[:IN_DOCUMENT]->(d) RETURN d.iri AS d, count(*) AS n"
_PARTS = "MATCH (a)-[:IS_PART_OF]->(b) RETURN a.iri AS a, b.iri AS b"
_PASSAGES = ("MATCH (p:Passage)-[:IN_DOCUMENT]->(d) WHERE d.iri IN $documents "
             "OPTIONAL MATCH (p)-[:IN_DIVISION]->(v) "
             "RETURN d.iri AS d, p.iri AS iri, p.passage_kind AS kind, p.char_start AS s, p.char_end AS e, "
             "p.text AS text, v.iri AS division")
_MENTIONS = ("MATCH (p:Passage)-[:IN_DOCUMENT]->(d) WHERE d.iri IN $documents "
             "MATCH (p)-[:MENTIONS]->(x) RETURN p.iri AS iri, x.iri AS x")


def write_outline(connection: sqlite3.Connection, lookups: Lookups) -> "Outline":
    """Fill ``outline`` (after ``entity``: the parts' names are read from it); the outline, for the passages."""
    outline = Outline(connection, lookups)
    connection.executemany("INSERT INTO outline VALUES (?, ?)",
                           ((iri, json.dumps(outline.path(iri), ensure_ascii=False)) for iri in sorted(outline.named)))
    return outline


def write_passages(connection: sqlite3.Connection, lookups: Lookups, outline: "Outline") -> int:
    """Fill the passage tables from the graph ``lookups`` reads; how many passages."""
    levels = document_levels(lookups)
    documents = sorted((row["d"] for row in lookups.rows(_DOCUMENTS)),
                       key=lambda d: (LEVELS.index(levels[d]) if levels.get(d) in LEVELS else len(LEVELS), d))
    batches = (list(_passages(lookups, documents[start:start + DOCUMENT_BATCH], outline, levels))
               for start in range(0, len(documents), DOCUMENT_BATCH))
    return insert_passages(connection, batches)


def insert_passages(connection: sqlite3.Connection, batches: Iterable[list[tuple]]) -> int:
    """Write batches of passage rows, in the index's order, to ``passage``, ``passage_bigrams`` and
    ``passage_range``: each row (iri, document, kind, char_start, char_end, path JSON, text, mentions JSON,
    the (kind, key) ranges it is in); how many.  Whatever the rows were read from (the graph; the benchmark
    reads them from the loaders)."""
    ranges: dict[tuple[str, str], list[int]] = {}
    pos = 0
    for rows in batches:
        connection.executemany("INSERT INTO passage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               ((pos + i, *row[:-1]) for i, row in enumerate(rows)))
        connection.executemany("INSERT INTO passage_bigrams (rowid, pairs) VALUES (?, ?)",
                               ((pos + i, bigrams(row[6])) for i, row in enumerate(rows)))
        for i, row in enumerate(rows):
            for key in row[-1]:
                ranges.setdefault(key, [pos + i, pos + i])[1] = pos + i
        pos += len(rows)
    connection.executemany("INSERT INTO passage_range VALUES (?, ?, ?, ?)",
                           sorted((kind, key, first, last) for (kind, key), (first, last) in ranges.items()))
    return pos


def _passages(lookups: Lookups, documents: list[str], outline: "Outline", levels: dict[str, str]) -> Iterator[tuple]:
    """The batch's passages as ``passage`` rows (without ``pos``) and the ranges each one is in, in order."""
    mentions: dict[str, list[str]] = {}
    for link in sorted(lookups.rows(_MENTIONS, documents=documents), key=lambda r: (r["iri"], r["x"])):
        mentions.setdefault(link["iri"], []).append(link["x"])
    order = {d: i for i, d in enumerate(documents)}
    rows = sorted((tuple(row.values()) for row in lookups.rows(_PASSAGES, documents=documents)),
                  key=lambda r: (order[r[0]], r[3], r[4], r[1]))
    for document, iri, kind, start, end, text, division in rows:
        path = outline.path(division)
        keys = [("plan", document)] + ([("level", levels[document])] if document in levels else [])
        keys += [("chapter", path[0]["iri"])] if path else []
        yield (iri, document, kind, start, end, json.dumps(path, ensure_ascii=False), text,
               json.dumps(mentions.get(iri, []), ensure_ascii=False), keys)


class Outline:
    """Each part of a plan's outline and its parent, so a passage's path is a walk up from its part."""

    def __init__(self, connection: sqlite3.Connection, lookups: Lookups) -> None:
        self.parent = {row["a"]: row["b"] for row in lookups.rows(_PARTS)}
        marks = ",".join("?" * len(DIVISION_LABELS))
        self.named = {iri: {"iri": iri, "type": label, "name": name, "marker": marker}
                      for iri, label, name, marker in connection.execute(
                          "SELECT iri, label, coalesce(name_zh, name_en), marker FROM entity "
                          f"WHERE label IN ({marks})", DIVISION_LABELS)}
        self.paths: dict[str, list[dict]] = {}

    def path(self, division: str | None) -> list[dict]:
        """The parts from the outermost (a chapter) down to ``division``; [] outside the outline."""
        if division is None or division not in self.named:
            return []
        if division not in self.paths:
            parent = self.parent.get(division)
            self.paths[division] = [*self.path(parent), self.named[division]]
        return self.paths[division]
