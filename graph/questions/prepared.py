"""The tables a build prepared for the REST questions, read: keyed range reads, counts as lookups.

A new question (``programmes?group=老年人`` at thousands of plans) used to read
every matching programme out of the graph to sort and count them in Python
before showing fifty.  The build knows every answer's order and size in advance,
so it writes them once (``prepare.py``, tables in ``prepared.sql``) to a SQLite
file in the build folder; here a page is one range of a primary key and a count
is one row.  SQLite because it is in the standard library, opens in
microseconds, pages its file through the OS cache (no memory of its own to
size) and is safe to read from many threads with a connection each.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import threading
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policykg.ontology import ID_BASE

SCHEMA = Path(__file__).with_name("prepared.sql")
FORMAT = "2"  # the tables' layout: a file of another layout is prepared again, not misread
TRIGRAM = 3  # search words this long are looked up in the trigram index; shorter ones scan the names
_ENTRY = "SELECT iri, label, name_zh, name_en, alt_labels, marker, document, folded FROM entity"


def entity_id(iri: str) -> str:
    """The API's id of an entity: its IRI without the ``…/id/`` base (vocabulary IRIs stay whole)."""
    return iri[len(ID_BASE):] if iri.startswith(ID_BASE) else iri


@dataclass(frozen=True)
class Entry:
    iri: str
    label: str
    name_zh: str | None
    name_en: str | None
    alt_labels: tuple[str, ...] = ()
    marker: str | None = None
    document: str | None = None
    folded: tuple[str, ...] = field(default=(), compare=False)  # every name, folded for search

    @property
    def id(self) -> str:
        return entity_id(self.iri)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.name_zh, self.name_en, *self.alt_labels) if n)


class PreparedMissing(RuntimeError):
    """The file is absent or of another layout: prepare it again (``prepare.prepare``)."""


class Prepared:
    """Read access to one prepared file; one SQLite connection per thread, opened read-only (the file never
    changes once prepared, so ``immutable``: no locks; a text filter's temporary table is the connection's own)."""

    def __init__(self, path: Path, keep: tempfile.TemporaryDirectory | None = None) -> None:
        self.path = path
        self._keep = keep  # a temporary file's folder, removed on close
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        found = self._one("SELECT value FROM about WHERE key = 'format'") if path.exists() else None
        if found != FORMAT:
            raise PreparedMissing(f"{path}: {'no prepared tables' if found is None else 'prepared tables of layout '}"
                                  f"{'' if found is None else found}")

    # -- connections -----------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(f"{self.path.as_uri()}?mode=ro&immutable=1", uri=True,
                                         check_same_thread=False)
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def _rows(self, sql: str, params: Sequence = ()) -> list[tuple]:
        try:
            return self._connection().execute(sql, params).fetchall()
        except sqlite3.DatabaseError as error:
            if "no such table" in str(error):
                raise PreparedMissing(f"{self.path}: {error}") from error
            raise

    def _one(self, sql: str, params: Sequence = ()) -> object:
        rows = self._rows(sql, params)
        return rows[0][0] if rows else None

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
        if self._keep is not None:
            self._keep.cleanup()
            self._keep = None

    # -- entities ---------------------------------------------------------------------------
    def entry(self, iri: str) -> Entry | None:
        rows = self._rows(_ENTRY + " WHERE iri = ?", (iri,))
        return _entry(rows[0]) if rows else None

    def entries(self, iris: Iterable[str]) -> dict[str, Entry]:
        """The entries of ``iris`` that exist, by IRI (one statement per 500)."""
        found: dict[str, Entry] = {}
        batch: list[str] = []
        for iri in [*iris, None]:
            if iri is not None:
                batch.append(iri)
            if batch and (iri is None or len(batch) == 500):
                marks = ",".join("?" * len(batch))
                found |= {row[0]: _entry(row) for row in self._rows(f"{_ENTRY} WHERE iri IN ({marks})", batch)}
                batch = []
        return found

    def of_label(self, label: str) -> list[Entry]:
        return [_entry(row) for row in self._rows(_ENTRY + " WHERE label = ? ORDER BY iri", (label,))]

    def label_counts(self) -> dict[str, int]:
        return dict(self._rows("SELECT label, n FROM label_count ORDER BY label"))

    def named(self, label: str, folded: str) -> list[Entry]:
        """The entries of ``label`` one of whose folded names is ``folded`` (IRI order)."""
        rows = self._rows(f"{_ENTRY} WHERE iri IN (SELECT iri FROM name WHERE label = ? AND folded = ?) "
                          "ORDER BY iri", (label, folded))
        return [_entry(row) for row in rows]

    def containing(self, words: list[str], labels: set[str] | None = None) -> list[Entry]:
        """Entries with a folded name holding every word: long words looked up in the trigram index, and
        only when every word is short are all names scanned."""
        long_words = [w for w in words if len(w) >= TRIGRAM]
        if long_words:
            match = " AND ".join('"' + w.replace('"', '""') + '"' for w in long_words)
            sql = "SELECT DISTINCT iri FROM name_text WHERE name_text MATCH ?"
            params: list[object] = [match]
            sql += "".join(" AND instr(folded, ?) > 0" for w in words if len(w) < TRIGRAM)
            params += [w for w in words if len(w) < TRIGRAM]
        else:
            sql = "SELECT DISTINCT iri FROM name WHERE " + " AND ".join("instr(folded, ?) > 0" for _ in words)
            params = list(words)
        if labels:
            sql = f"SELECT iri FROM ({sql}) WHERE iri IN (SELECT iri FROM entity WHERE label IN " \
                  f"({','.join('?' * len(labels))}))"
            params += sorted(labels)
        return list(self.entries(row[0] for row in self._rows(sql, params)).values())

    # -- hierarchies --------------------------------------------------------------------------
    def narrower(self, label: str, iri: str) -> dict[str, int]:
        """``iri`` and every concept under it, each with its distance below ``iri``."""
        return dict(self._rows("SELECT concept, depth FROM narrower WHERE label = ? AND ancestor = ?", (label, iri)))

    # -- programmes -------------------------------------------------------------------------------
    def programmes(self, facets: list[tuple[str, str]], limit: int, offset: int,
                   among: Iterable[str] | None = None) -> tuple[list[str], int]:
        """One page of the programmes in every facet ``(kind, key)`` (and in ``among`` if given), in plan
        order, and how many there are.  The smallest facet drives; the others are primary-key probes."""
        found = [self._facet(kind, key) for kind, key in facets or [("all", "")]]
        if any(f is None for f in found):
            return [], 0  # a facet nothing belongs to (a group no programme serves)
        ids = [f[0] for f in sorted(found, key=lambda f: f[1])]  # type: ignore[index]
        joins = [f"JOIN facet_member m{i} ON m{i}.facet = ? AND m{i}.pos = m0.pos" for i in range(1, len(ids))]
        params: list[object] = ids[1:]
        if among is not None:
            self._fill_among(among)
            joins.append("JOIN among a ON a.iri = p.iri")
        base = f"FROM facet_member m0 JOIN programme p ON p.pos = m0.pos {' '.join(joins)} WHERE m0.facet = ?"
        params.append(ids[0])
        page = [row[0] for row in self._rows(f"SELECT p.iri {base} ORDER BY m0.pos LIMIT ? OFFSET ?",
                                             [*params, limit, offset])]
        total = found[0][1] if len(ids) == 1 and among is None \
            else int(self._one(f"SELECT count(*) {base}", params) or 0)  # type: ignore[index]
        return page, total

    def _facet(self, kind: str, key: str) -> tuple[int, int] | None:
        rows = self._rows("SELECT id, n FROM facet WHERE kind = ? AND key = ?", (kind, key))
        return rows[0] if rows else None

    def _fill_among(self, iris: Iterable[str]) -> None:
        """The connection's own temporary table of a text filter's programmes (the file stays read-only)."""
        connection = self._connection()
        connection.execute("CREATE TEMP TABLE IF NOT EXISTS among (iri TEXT PRIMARY KEY)")
        connection.execute("DELETE FROM among")
        connection.executemany("INSERT OR IGNORE INTO among VALUES (?)", ((iri,) for iri in iris))

    def cards(self, iris: list[str]) -> dict[str, dict]:
        """The list cards of ``iris`` (those that exist), by IRI."""
        if not iris:
            return {}
        marks = ",".join("?" * len(iris))
        rows = self._rows(f"SELECT p.iri, c.body FROM programme p JOIN card c ON c.pos = p.pos "
                          f"WHERE p.iri IN ({marks})", iris)
        return {iri: json.loads(zlib.decompress(body)) for iri, body in rows}

    def document_counts(self, label: str) -> dict[str, int]:
        return dict(self._rows("SELECT document, n FROM document_count WHERE label = ?", (label,)))


def _entry(row: tuple) -> Entry:
    iri, label, name_zh, name_en, alt_labels, marker, document, folded = row
    return Entry(iri, label, name_zh, name_en, tuple(json.loads(alt_labels)), marker, document,
                 tuple(json.loads(folded)))
