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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policykg.ontology import ID_BASE

SCHEMA = Path(__file__).with_name("prepared.sql")
FORMAT = "8"  # the tables' layout: a file of another layout is prepared again, not misread
TRIGRAM = 3  # search words this long are looked up in the trigram index; shorter ones scan the names
_ENTRY_COLUMNS = "e.iri, e.label, e.name_zh, e.name_en, e.alt_labels, e.marker, e.document, e.folded"
_ENTRY = f"SELECT {_ENTRY_COLUMNS} FROM entity e"


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

    def __init__(self, path: Path, keep: tempfile.TemporaryDirectory | None = None, *,
                 writing: sqlite3.Connection | None = None) -> None:
        self.path = path
        self._keep = keep  # a temporary file's folder, removed on close
        self._local = threading.local()
        self._writing = writing  # ``prepare``'s own connection, read through while it fills the file
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        found = self._one("SELECT value FROM about WHERE key = 'format'") if path.exists() else None
        if found != FORMAT and writing is None:
            raise PreparedMissing(f"{path}: {'no prepared tables' if found is None else 'prepared tables of layout '}"
                                  f"{'' if found is None else found}")

    # -- connections -----------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        if self._writing is not None:
            return self._writing
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

    def of_label(self, label: str, documents: Iterable[str] | None = None) -> list[Entry]:
        """The entries of ``label`` (stated in one of ``documents`` if given), in IRI order."""
        if documents is None:
            return [_entry(row) for row in self._rows(_ENTRY + " WHERE label = ? ORDER BY iri", (label,))]
        wanted = sorted(documents)
        rows = self._rows(f"{_ENTRY} WHERE label = ? AND document IN ({','.join('?' * len(wanted))}) ORDER BY iri",
                          [label, *wanted])
        return [_entry(row) for row in rows]

    def label_counts(self) -> dict[str, int]:
        return dict(self._rows("SELECT label, n FROM label_count ORDER BY label"))

    def named(self, label: str, folded: str) -> list[Entry]:
        """The entries of ``label`` one of whose folded names is ``folded`` (IRI order)."""
        rows = self._rows(f"{_ENTRY} WHERE iri IN (SELECT iri FROM name WHERE label = ? AND folded = ?) "
                          "ORDER BY iri", (label, folded))
        return [_entry(row) for row in rows]

    def containing(self, words: list[str], labels: set[str] | None = None) -> list[Entry]:
        """Entries with a folded name holding every word (``_names_holding``)."""
        names, params = _names_holding(words)
        sql = f"SELECT DISTINCT n.iri FROM {names}"
        if labels:
            sql = f"SELECT h.iri FROM ({sql}) h JOIN entity e ON e.iri = h.iri " \
                  f"WHERE e.label IN ({','.join('?' * len(labels))})"
            params += sorted(labels)
        return list(self.entries(row[0] for row in self._rows(sql, params)).values())

    def ranked(self, words: list[str], rank: dict[str, int], labels: set[str] | None, limit: int, offset: int,
               ) -> tuple[list[tuple[Entry, float]], int]:
        """One page of the entries with a name holding every word, best first, and how many there are.

        The score of a name is 3 when it is the words, 2 + (length of the words ÷ its length) when it
        starts with the first word, else 1 + that share; an entry scores its best name.  Ties: ``rank`` of
        the label (99 if absent), then the shorter name, then the IRI."""
        names, params = _names_holding(words)
        phrase = " ".join(words)
        share = f"{len(phrase)}.0 / max(length(n.folded), 1)"
        hits = (f"SELECT n.iri, max(CASE WHEN n.folded = ? THEN 3.0 WHEN substr(n.folded, 1, {len(words[0])}) = ? "
                f"THEN 2.0 + {share} ELSE 1.0 + {share} END) AS score FROM {names} GROUP BY n.iri")
        params = [phrase, words[0], *params]
        where = ""
        if labels:
            where = f"WHERE e.label IN ({','.join('?' * len(labels))})"
            params += sorted(labels)
        label_rank = "CASE e.label " + " ".join(f"WHEN '{label}' THEN {n}" for label, n in rank.items()) + " ELSE 99 END"
        base = f"FROM ({hits}) h JOIN entity e ON e.iri = h.iri {where}"
        rows = self._rows(f"SELECT {_ENTRY_COLUMNS}, h.score, count(*) OVER () {base} ORDER BY h.score DESC, "
                          f"{label_rank}, length(coalesce(nullif(e.name_zh, ''), nullif(e.name_en, ''), '')), e.iri "
                          "LIMIT ? OFFSET ?", [*params, limit, offset])  # the total in the same pass
        total = rows[0][-1] if rows else int(self._one(f"SELECT count(*) {base}", params) or 0)
        return [(_entry(row[:-2]), row[-2]) for row in rows], total

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

    def cards(self, iris: list[str]) -> dict[str, tuple[str, list]]:
        """The list cards of ``iris`` (those that exist), by IRI: the card's JSON text and the groups it serves."""
        if not iris:
            return {}
        marks = ",".join("?" * len(iris))
        rows = self._rows(f"SELECT p.iri, c.body, c.groups FROM programme p JOIN card c ON c.pos = p.pos "
                          f"WHERE p.iri IN ({marks})", iris)
        return {iri: (body, json.loads(groups)) for iri, body, groups in rows}

    def detail(self, iri: str) -> tuple[str, list[str]] | None:
        """A programme's card (JSON text) and its aligned programmes (JSON texts, in IRI order)."""
        rows = self._rows("SELECT c.pos, c.body FROM programme p JOIN card c ON c.pos = p.pos WHERE p.iri = ?", (iri,))
        if not rows:
            return None
        pos, body = rows[0]
        return body, [row[0] for row in self._rows("SELECT item FROM aligned WHERE pos = ? ORDER BY other", (pos,))]

    def document_counts(self, label: str) -> dict[str, int]:
        return dict(self._rows("SELECT document, n FROM document_count WHERE label = ?", (label,)))


def _names_holding(words: list[str]) -> tuple[str, list[object]]:
    """A FROM clause (alias ``n``: iri, folded) of the names holding every word, and its parameters: words of
    three characters or more are looked up in the trigram index; only when every word is shorter are all
    names scanned."""
    if any("\0" in w for w in words):
        return "name n WHERE 0", []  # no name holds a NUL, and FTS5 would read it as the end of the query
    long_words = [w for w in words if len(w) >= TRIGRAM]
    short = [w for w in words if len(w) < TRIGRAM]
    tests = "".join(" AND instr(n.folded, ?) > 0" for _ in short)
    if long_words:
        return f"name_text n WHERE n.name_text MATCH ?{tests}", [_phrases(long_words), *short]
    return f"name_chars n WHERE n.name_chars MATCH ?{tests}", [_phrases([spaced(w) for w in short]), *short]


def spaced(text: str) -> str:
    """``name_chars``' form of a name: a space after every character, so each is a token of its own."""
    return " ".join(text)


def _phrases(words: list[str]) -> str:
    """An FTS5 query: every word, as a quoted phrase."""
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


def _entry(row: tuple) -> Entry:
    iri, label, name_zh, name_en, alt_labels, marker, document, folded = row
    return Entry(iri, label, name_zh, name_en, tuple(json.loads(alt_labels)), marker, document,
                 tuple(json.loads(folded)))
