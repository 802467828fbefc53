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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from policykg.ontology import ID_BASE

SCHEMA = Path(__file__).with_name("prepared.sql")
FORMAT = "14"  # the tables' layout: a file of another layout is prepared again, not misread
COUNT_CAP = 100_000  # passages a search counts: past it, ``total`` says "at least" (a count reads every match)
RANKED = 5_000  # passages a search ranks by bm25; a broader word's page is in the index's order
TRIGRAM = 3  # search words this long are looked up in the trigram index; shorter ones character by character
LABEL_BITS = 32  # entity_text's rowid: the label's number, then the entity's place in the label
SEPARATOR = "\x1f"  # between an entity's names in entity_text (" x " in entity_chars): no word spans two
_FETCH = 256  # names read at a time while a page of search fills
CACHE_KIB = 1024  # SQLite's page cache per connection (one per thread): the OS caches the file for all of them
_ENTRY_COLUMNS = "e.iri, e.label, e.name_zh, e.name_en, e.alt_labels, e.marker, e.document, e.folded"
_ENTRY = f"SELECT {_ENTRY_COLUMNS} FROM entity e"


# One statement a step of a neighbourhood, bounded in the engine: the frontier's nodes in their order (CROSS JOIN
# keeps the join order), each node's relationships in the prepared order (``adjacent_by_node``), the step's
# filters, and the LIMIT stops the walk: a hub's degree costs only the rows the answer can hold.  The rows come
# back as one JSON array: read a row at a time, sqlite3 lets go of the GIL at every row, and under load each
# row then waited for another thread's turn (5,000 plans, 16 clients: 8 answers a second; docs/benchmarks.md).
_STEP = """SELECT json_group_array(json_array(a, type, b, forward, json(shown))) FROM (
SELECT f.value AS a, r.type AS type, o.iri AS b, r.source = n.num AS forward, r.shown AS shown
FROM json_each(:frontier) f CROSS JOIN node n ON n.iri = f.value CROSS JOIN adjacent j ON j.node = n.num
CROSS JOIN relation r ON r.id = j.relation
CROSS JOIN node o ON o.num = CASE WHEN r.source = n.num THEN r.target ELSE r.source END
WHERE (r.source = n.num OR o.iri NOT IN (SELECT value FROM json_each(:frontier)))
  AND o.iri NOT IN (SELECT value FROM json_each(:done))
  AND (:types IS NULL OR o.label IN (SELECT value FROM json_each(:types)))
LIMIT :limit)"""
# Once an answer is full of nodes: the relationships from one of them to another, read from their starts.
_BETWEEN = """SELECT json_group_array(json_array(a, type, b, 1, json(shown))) FROM (
SELECT f.value AS a, r.type AS type, o.iri AS b, r.shown AS shown
FROM json_each(:among) f CROSS JOIN node n ON n.iri = f.value CROSS JOIN relation r ON r.source = n.num
CROSS JOIN node o ON o.num = r.target
WHERE o.iri IN (SELECT value FROM json_each(:among))
LIMIT :limit)"""


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
        self._connections: list[tuple[threading.Thread, sqlite3.Connection]] = []
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
            connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            self._local.connection = connection
            with self._lock:
                self._close_orphans()
                self._connections.append((threading.current_thread(), connection))
        return connection

    def _close_orphans(self) -> None:
        """Close the connections of threads that have ended: a server's worker threads come and go (anyio
        ends one idle for 10 s), and each kept its connection and its page cache for good."""
        alive = []
        for thread, connection in self._connections:
            if thread.is_alive():
                alive.append((thread, connection))
            else:
                connection.close()
        self._connections = alive

    def _rows(self, sql: str, params: Sequence | Mapping = ()) -> list[tuple]:
        try:
            return self._connection().execute(sql, params).fetchall()
        except sqlite3.DatabaseError as error:
            if "no such table" in str(error):
                raise PreparedMissing(f"{self.path}: {error}") from error
            raise

    def _one(self, sql: str, params: Sequence | Mapping = ()) -> object:
        rows = self._rows(sql, params)
        return rows[0][0] if rows else None

    def close(self) -> None:
        with self._lock:
            for _, connection in self._connections:
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

    def containing(self, words: list[str], labels: set[str] | None = None) -> list[str]:
        """The IRIs of the entries with a folded name holding every word."""
        names, params = _matching(words, labels)
        return [row[0] for row in self._rows(f"SELECT DISTINCT n.iri {names}", params)]

    def ranked(self, words: list[str], labels: set[str] | None, limit: int, offset: int,
               ) -> tuple[list[tuple[Entry, float]], int]:
        """One page of the entries with a name holding every word, best first, and how many there are.

        Names equal to the words score 3, names starting with the first word 2 + (length of the words ÷
        length of the name), the others 1 + that share; an entry scores its best name.  Equal scores go in
        the names' ``rank`` (prepared.sql).  So the page is the first entries met walking the exact names,
        then the starting ones, then the rest, each in ``rank`` order: the walk stops once the page is full."""
        phrase, wanted = " ".join(words), offset + limit
        found: dict[str, float] = {}
        for score, (names, params) in ((3.0, _exact(phrase, labels)), (2.0, _matching(words, labels, start=True)),
                                       (1.0, _matching(words, labels))):
            self._walk(f"SELECT n.iri, n.folded {names} ORDER BY n.rank", params, found, wanted,
                       lambda name, base=score: base if base == 3.0 else base + len(phrase) / max(len(name), 1))
            if len(found) >= wanted:
                break
        page = list(found.items())[offset:wanted]
        entries = self.entries(iri for iri, _ in page)
        return [(entries[iri], score) for iri, score in page], self._count(words, labels)

    def _walk(self, sql: str, params: Sequence, found: dict[str, float], wanted: int, score) -> None:
        """Add the entries of the names ``sql`` returns (iri, folded name), in its order, until ``wanted``."""
        if len(found) >= wanted:
            return
        for iri, name in self._stream(sql, params):  # closing the stream early closes its cursor
            if iri not in found:
                found[iri] = score(name)
                if len(found) == wanted:
                    return

    def _count(self, words: list[str], labels: set[str] | None) -> int:
        """How many entries have a name holding every word: for one word, one count of the per-entity index
        (a range of its rowids per label); for several (they must meet in one name), distinct entries."""
        if len(words) > 1 or _unmatchable(words):
            names, params = _matching(words, labels)
            return int(self._one(f"SELECT count(DISTINCT n.iri) {names}", params) or 0)
        table, query = _entity_index(words[0])
        if not labels:
            return int(self._one(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (query,)) or 0)
        numbers = [row[0] for row in self._rows(f"SELECT number FROM label_count WHERE label IN "
                                                f"({','.join('?' * len(labels))})", sorted(labels))]
        return sum(int(self._one(f"SELECT count(*) FROM {table} WHERE {table} MATCH ? AND rowid BETWEEN ? AND ?",
                                 (query, *_label_range(number))) or 0) for number in numbers)

    # -- hierarchies --------------------------------------------------------------------------
    def narrower(self, label: str, iri: str) -> dict[str, int]:
        """``iri`` and every concept under it, each with its distance below ``iri``."""
        return dict(self._rows("SELECT concept, depth FROM narrower WHERE label = ? AND ancestor = ?", (label, iri)))

    # -- programmes -------------------------------------------------------------------------------
    def programmes(self, facets: list[tuple[str, str]], limit: int, offset: int,
                   among: Iterable[str] | None = None, word: str | None = None) -> tuple[list[str], int]:
        """One page of the programmes in every facet ``(kind, key)`` (and in ``among``, with a name holding
        ``word``, if given), in plan order, and how many there are.  The smallest facet drives; the others
        are primary-key probes; ``word`` alone is a range of the per-entity index, in list order."""
        if word is not None and not facets:
            return self._listed("Programme", word, "programme", limit, offset)
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
        if word is not None:
            positions, word_params = self._positions("Programme", word)
            base += f" AND m0.pos IN ({positions})"
            params += word_params
        page = [row[0] for row in self._rows(f"SELECT p.iri {base} ORDER BY m0.pos LIMIT ? OFFSET ?",
                                             [*params, limit, offset])]
        total = found[0][1] if len(ids) == 1 and among is None and word is None \
            else int(self._one(f"SELECT count(*) {base}", params) or 0)  # type: ignore[index]
        return page, total

    def _positions(self, label: str, word: str) -> tuple[str, list[object]]:
        """A statement of the places in ``label``'s list (``programme.pos``, ``indicator.pos``) of the entries
        with a name holding ``word`` (prepare.py numbers the per-entity index so), in that order."""
        number = self._one("SELECT number FROM label_count WHERE label = ?", (label,))
        if number is None or _unmatchable([word]):
            return "SELECT 0 AS p WHERE 0", []
        table, query = _entity_index(word)
        low, high = _label_range(int(number))
        return (f"SELECT rowid - ? AS p FROM {table} WHERE {table} MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid",
                [low, query, low, high])

    def _listed(self, label: str, word: str, table: str, limit: int, offset: int) -> tuple[list[str], int]:
        """A page of ``table`` (programme, indicator: ``pos``, ``iri``) holding ``word`` in a name, and the total:
        both read off the per-entity index in list order."""
        positions, params = self._positions(label, word)
        page = [row[0] for row in self._rows(f"SELECT t.iri FROM ({positions}) x CROSS JOIN {table} t ON t.pos = x.p "
                                             "ORDER BY x.p LIMIT ? OFFSET ?", [*params, limit, offset])]
        total = int(self._one(f"SELECT count(*) FROM ({positions})", params) or 0)
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

    def indicators(self, plan: str | None, among: Iterable[str] | None, limit: int, offset: int,
                   word: str | None = None) -> tuple[list[str], int]:
        """One page of the listed indicators (of ``plan``, among ``among``, with a name holding ``word``, if
        given), in the API's order, and how many there are."""
        if word is not None and plan is None and among is None:
            return self._listed("Indicator", word, "indicator", limit, offset)
        where, params = ("WHERE i.plan = ?", [plan]) if plan else ("", [])
        if word is not None:
            positions, word_params = self._positions("Indicator", word)
            where = f"{where or 'WHERE 1'} AND i.pos IN ({positions})"
            params += word_params
        join = ""
        if among is not None:
            self._fill_among(among)
            join = "JOIN among a ON a.iri = i.iri"
        base = f"FROM indicator i {join} {where}"
        page = [row[0] for row in self._rows(f"SELECT i.iri {base} ORDER BY i.pos LIMIT ? OFFSET ?",
                                             [*params, limit, offset])]
        return page, int(self._one(f"SELECT count(*) {base}", params) or 0)

    # -- neighbourhoods ------------------------------------------------------------------------
    def step(self, frontier: list[str], done: list[str], types: set[str] | None, limit: int) -> list[list]:
        """At most ``limit`` relationships at ``frontier``, either way, in the frontier's order then the prepared
        order: [node, type, other end, whether the node is the start, what the edge shows or None].  None goes
        back to ``done`` (the step before read them) or to another node of ``types`` (all if None); one
        between two frontier nodes is read from its start only."""
        return json.loads(self._one(_STEP, {"frontier": json.dumps(frontier), "done": json.dumps(done),
                                            "types": json.dumps(sorted(types)) if types else None,
                                            "limit": limit}))

    def between(self, iris: list[str], limit: int) -> list[list]:
        """At most ``limit`` relationships from one of ``iris`` to another, rows as ``step`` gives them."""
        return json.loads(self._one(_BETWEEN, {"among": json.dumps(iris), "limit": limit}))

    def _stream(self, sql: str, params: Sequence) -> Iterator[tuple]:
        cursor = self._connection().execute(sql, params)
        try:
            while rows := cursor.fetchmany(_FETCH):
                yield from rows
        finally:
            cursor.close()

    def cards(self, iris: list[str]) -> dict[str, tuple[str, list]]:
        """The list cards of ``iris`` (those that exist), by IRI: the card's JSON text and the groups it serves."""
        if not iris:
            return {}
        marks = ",".join("?" * len(iris))
        rows = self._rows(f"SELECT p.iri, c.body, c.groups FROM programme p JOIN card c ON c.pos = p.pos "
                          f"WHERE p.iri IN ({marks})", iris)
        return {iri: (body, json.loads(groups)) for iri, body, groups in rows}

    def detail(self, iri: str, aligned_limit: int = -1, aligned_offset: int = 0) -> tuple[str, list[str]] | None:
        """A programme's card (JSON text) and a page of its aligned programmes (JSON texts, in IRI order; all of
        them with the default limit): an index range of ``aligned_by_programme``."""
        rows = self._rows("SELECT c.pos, c.body FROM programme p JOIN card c ON c.pos = p.pos WHERE p.iri = ?", (iri,))
        if not rows:
            return None
        pos, body = rows[0]
        return body, [row[0] for row in self._rows("SELECT item FROM aligned WHERE pos = ? ORDER BY other "
                                                   "LIMIT ? OFFSET ?", (pos, aligned_limit, aligned_offset))]

    def outline_path(self, iri: str | None) -> list[dict]:
        """Where the part ``iri`` of a plan's outline sits: the parts from its chapter down to itself
        ([] for anything else)."""
        text = self._one("SELECT path FROM outline WHERE iri = ?", (iri,)) if iri else None
        return json.loads(text) if text else []

    def outline_paths(self, iris: Iterable[str]) -> dict[str, list[dict]]:
        """``outline_path`` of every part of ``iris`` that has one, in one statement."""
        text = self._one("SELECT json_group_object(o.iri, json(o.path)) FROM json_each(?) w "
                         "JOIN outline o ON o.iri = w.value", (json.dumps(sorted(set(iris))),))
        return json.loads(text) if text else {}

    def passages(self, expression: str, ranges: list[tuple[str, str]], limit: int, offset: int,
                 ) -> tuple[list[tuple], int, bool, bool]:
        """A page of the passages matching an FTS5 ``expression`` over ``passage_bigrams``, within every (kind,
        key) range given (a level, a plan, a chapter); how many match (counted up to ``COUNT_CAP``), whether
        that count is exact, and whether the page is ranked by bm25 (at most ``RANKED`` matches: ranking reads
        every match, ~2 µs each) or in the index's order (national plans first, each in the order of its text)."""
        first, last = 0, 2**62
        for kind, key in ranges:
            bounds = self._rows("SELECT first, last FROM passage_range WHERE kind = ? AND key = ?", (kind, key))
            if not bounds:
                return [], 0, True, True
            first, last = max(first, bounds[0][0]), min(last, bounds[0][1])
        where = "passage_bigrams MATCH ? AND rowid BETWEEN ? AND ?"
        total = int(self._one(f"SELECT count(*) FROM (SELECT rowid FROM passage_bigrams WHERE {where} LIMIT ?)",
                              (expression, first, last, COUNT_CAP + 1)))
        exact, ranked = total <= COUNT_CAP, total <= RANKED
        total = min(total, COUNT_CAP)
        if not total or offset >= total:
            return [], total, exact, ranked
        order = "ORDER BY rank" if ranked else "ORDER BY rowid"
        page = [pos for pos, in self._rows(f"SELECT rowid FROM passage_bigrams WHERE {where} {order} LIMIT ? OFFSET ?",
                                           (expression, first, last, limit, offset))]
        marks = ",".join("?" * len(page))
        rows = {row[0]: row for row in self._rows(f"SELECT * FROM passage WHERE pos IN ({marks})", page)}
        return [rows[pos] for pos in page], total, exact, ranked

    def passage_around(self, iri: str, before: int, after: int) -> tuple[tuple | None, list[tuple]]:
        """The passage ``iri`` (None when there is none) and the passages of its document from ``before``
        places before it to ``after`` places after it, itself included, in the order of the text."""
        found = self._rows("SELECT * FROM passage WHERE iri = ?", (iri,))
        if not found:
            return None, []
        pos, document = found[0][0], found[0][2]
        return found[0], self._rows("SELECT * FROM passage WHERE pos BETWEEN ? AND ? AND document = ? ORDER BY pos",
                                    (pos - before, pos + after, document))

    def document_counts(self, label: str) -> dict[str, int]:
        return dict(self._rows("SELECT document, n FROM document_count WHERE label = ?", (label,)))


def _exact(phrase: str, labels: set[str] | None) -> tuple[str, list[object]]:
    """A FROM clause (alias ``n``, the name table) of the names that are ``phrase``, and its parameters."""
    return f"FROM name n WHERE n.folded = ?{_of_labels(labels)}", [phrase, *sorted(labels or ())]


def _matching(words: list[str], labels: set[str] | None = None, start: bool = False) -> tuple[str, list[object]]:
    """A FROM clause (alias ``n``, the name table) of the names holding every word (the first at the start of
    the name if ``start``), as an index returns them (``rank`` order), and its parameters.  Words of three
    characters or more are looked up in the trigram index, shorter ones checked in the names it returns;
    when only short words are asked, or the first must start the name and is short, the index of single
    characters answers alone."""
    if _unmatchable(words):
        return "FROM name n WHERE 0", []
    of_labels, label_params = _of_labels(labels), sorted(labels or ())
    long_words = [w for w in words if len(w) >= TRIGRAM]
    if long_words and not (start and len(words[0]) < TRIGRAM):
        phrases = [_phrase(w) for w in long_words]
        if start:  # the first word is long here, and first of long_words
            phrases[0] = "^" + phrases[0]
        query = " AND ".join(phrases)
        short = [w for w in words if len(w) < TRIGRAM]
        tests = "".join(" AND instr(n.folded, ?) > 0" for _ in short)
        return (f"FROM name_text t CROSS JOIN name n ON n.rank = t.rowid WHERE name_text MATCH ?{tests}{of_labels}",
                [query, *short, *label_params])
    query = " AND ".join(("^" if start and i == 0 else "") + _phrase(spaced(w)) for i, w in enumerate(words))
    return (f"FROM name_chars t CROSS JOIN name n ON n.rank = t.rowid WHERE name_chars MATCH ?{of_labels}",
            [query, *label_params])


def _entity_index(word: str) -> tuple[str, str]:
    """The per-entity index that answers ``word`` (trigrams for three characters or more, else single
    characters) and its FTS5 query."""
    return ("entity_text", _phrase(word)) if len(word) >= TRIGRAM else ("entity_chars", _phrase(spaced(word)))


def _label_range(number: int) -> tuple[int, int]:
    """The first and last rowid of the per-entity indexes a label's entities can have."""
    return number << LABEL_BITS, ((number + 1) << LABEL_BITS) - 1


def _of_labels(labels: set[str] | None) -> str:
    return f" AND n.label IN ({','.join('?' * len(labels))})" if labels else ""


def _unmatchable(words: list[str]) -> bool:
    """A word no name holds: a NUL (FTS5 reads it as the end of the query) or the names' separator."""
    return any("\0" in w or SEPARATOR in w for w in words)


def spaced(text: str) -> str:
    """``name_chars``' form of a name: each character a token of its own, written as its code point (u8001
    for 老) so that the tokenizer keeps every one, punctuation and spaces included."""
    return " ".join(f"u{ord(char):x}" for char in text)


def _phrase(text: str) -> str:
    """An FTS5 phrase: the text quoted."""
    return '"' + text.replace('"', '""') + '"'


def _entry(row: tuple) -> Entry:
    iri, label, name_zh, name_en, alt_labels, marker, document, folded = row
    return Entry(iri, label, name_zh, name_en, tuple(json.loads(alt_labels)), marker, document,
                 tuple(json.loads(folded)))
