"""Every node's IRI, label and names, held in memory: id lookup, label resolution and ranked search.

The REST API resolves ids and labels (``group=老年人``, ``group=older persons``)
and searches names on every request; one pass over the store at start-up makes
those lookups dictionary reads instead of unlabelled scans, and tells each
lookup which label to ``MATCH`` on (an indexed, labelled match on every engine).
Search folds case, width and traditional characters (OpenCC t2s), so 老年人,
老年 and 老年人 in traditional script find the same entries.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import opencc

from policykg.graph.backends.reader import GraphReader, Limits
from policykg.ontology import ID_BASE
# Ranking among equally good name matches: what researchers look for first.
LABEL_RANK = {label: rank for rank, label in enumerate((
    "Programme", "TargetGroup", "Plan", "Article", "Indicator", "PolicyDomain", "Body", "ServiceInstitution",
    "Area", "GlossaryTerm", "Chapter", "Section", "SubSection", "Box", "BoxItem", "IndicatorTable"))}
# ``group=elderly`` as well as ``group=group/elderly``: the id's first segment per label
ID_PREFIX = {"TargetGroup": "group", "PolicyDomain": "domain", "Body": "body", "Area": "area", "Plan": "plan",
             "Article": "plan"}
_LABEL_OF = {"ladybug": "label(n)", "neo4j": "labels(n)[0]", "falkordb": "labels(n)[0]"}
_ALL_NODES = ("MATCH (n) RETURN n.iri AS iri, {label} AS label, n.name_zh AS name_zh, n.name_en AS name_en, "
              "n.alt_labels AS alt_labels, n.marker AS marker, n.document AS document")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Text as compared by search: NFKC (full width → ASCII), simplified characters, lower case."""
    return _t2s().convert(unicodedata.normalize("NFKC", text)).casefold().strip()


def entity_id(iri: str) -> str:
    """The API's id of an entity: its IRI without the ``…/id/`` base (vocabulary IRIs stay whole)."""
    return iri[len(ID_BASE):] if iri.startswith(ID_BASE) else iri


def entity_iri(identifier: str) -> str:
    """The IRI of an API id (an id, or already a full IRI)."""
    return identifier if identifier.startswith(("http://", "https://")) else ID_BASE + identifier.lstrip("/")


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


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    matched: str  # the name that matched


class EntityIndex:
    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.by_iri = {e.iri: e for e in entries}
        # per label, in IRI order: routes that list one kind (programmes, bodies, indicators) or count the
        # kinds (/api/health) must not walk every entry (640,862 at 5,000 plans: 50 ms a request)
        self.by_label: dict[str, list[Entry]] = {}
        self._by_name: dict[tuple[str, str], list[Entry]] = {}
        for entry in entries:
            self.by_label.setdefault(entry.label, []).append(entry)
            for name in entry.folded:
                self._by_name.setdefault((entry.label, name), []).append(entry)

    def counts(self) -> dict[str, int]:
        """How many entities of each label, by label."""
        return {label: len(entries) for label, entries in sorted(self.by_label.items())}

    @classmethod
    def load(cls, reader: GraphReader) -> EntityIndex:
        """One query over every node (no row limit: this is the server's own read)."""
        statement = _ALL_NODES.format(label=_LABEL_OF[reader.dialect])
        _, rows = reader.read(statement, limits=Limits(timeout_s=600, max_rows=10**9))
        entries = []
        for iri, label, name_zh, name_en, alt_labels, marker, document in rows:
            alts = tuple(alt_labels or ())
            names = [n for n in (name_zh, name_en, *alts) if n]
            entries.append(Entry(iri, label, name_zh, name_en, alts, marker, document,
                                 tuple(dict.fromkeys(fold(n) for n in names))))
        return cls(sorted(entries, key=lambda e: e.iri))

    def get(self, identifier: str) -> Entry | None:
        """The entry of an id or IRI."""
        return self.by_iri.get(entity_iri(identifier))

    def resolve(self, reference: str, label: str) -> Entry | None:
        """An entity of ``label`` named by its id, IRI or any of its names (Chinese, English, synonyms)."""
        for candidate in (reference, f"{ID_PREFIX.get(label, '')}/{reference}"):
            entry = self.get(candidate)
            if entry is not None and entry.label == label:
                return entry
        found = self._by_name.get((label, fold(reference)), [])
        return found[0] if found else None

    def name(self, iri: str | None) -> str | None:
        entry = self.by_iri.get(iri or "")
        return entry.name_zh or entry.name_en if entry else None

    def search(self, query: str, labels: set[str] | None = None, limit: int | None = 20) -> list[Hit]:
        """Names containing every word of ``query``, best first: exact, then prefix, then part of a name
        (``limit`` None: every one)."""
        words = fold(query).split()
        if not words:
            return []
        hits = []
        for entry in self.entries:
            if labels and entry.label not in labels:
                continue
            best = max((_score(name, words), name) for name in entry.folded) if entry.folded else (0.0, "")
            if best[0] > 0:
                hits.append(Hit(entry, best[0], best[1]))
        hits.sort(key=lambda h: (-h.score, LABEL_RANK.get(h.entry.label, 99),
                                 len(h.entry.name_zh or h.entry.name_en or ""), h.entry.iri))
        return hits if limit is None else hits[:limit]


def _score(name: str, words: list[str]) -> float:
    """How well one folded name matches the folded query words (0: not at all)."""
    if not all(word in name for word in words):
        return 0.0
    phrase = " ".join(words)
    if name == phrase:
        return 3.0
    if name.startswith(words[0]):
        return 2.0 + len(phrase) / max(len(name), 1)
    return 1.0 + len(phrase) / max(len(name), 1)
