"""Every node's IRI, label and names: id lookup, label resolution and ranked search.

The REST API resolves ids and labels (``group=老年人``, ``group=older persons``)
and searches names on every request; the build's prepared tables (prepared.py)
make those lookups keyed reads instead of unlabelled scans, and tell each
lookup which label to ``MATCH`` on (an indexed, labelled match on every engine).
Search folds case, width and traditional characters (OpenCC t2s), so 老年人,
老年 and 老年人 in traditional script find the same entries.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

import opencc

from policykg.graph.questions.prepared import Entry, Prepared, entity_id
from policykg.ontology import ID_BASE

__all__ = ["CACHED", "EntityIndex", "Entry", "Hit", "LABEL_RANK", "entity_id", "entity_iri", "fold"]
# Ranking among equally good name matches: what researchers look for first.
LABEL_RANK = {label: rank for rank, label in enumerate((
    "Programme", "TargetGroup", "Plan", "Article", "Indicator", "PolicyDomain", "Body", "ServiceInstitution",
    "Area", "GlossaryTerm", "Chapter", "Section", "SubSection", "Box", "BoxItem", "IndicatorTable"))}
# ``group=elderly`` as well as ``group=group/elderly``: the id's first segment per label
ID_PREFIX = {"TargetGroup": "group", "PolicyDomain": "domain", "Body": "body", "Area": "area", "Plan": "plan",
             "Article": "plan"}
CACHED = 50_000  # entries kept by ``by_iri`` (a few hundred bytes each)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """``text`` in simplified characters (OpenCC's t2s: phrases first, so a length may change)."""
    return _t2s().convert(text)


def fold(text: str) -> str:
    """Text as compared by search: NFKC (full width → ASCII), simplified characters, lower case."""
    return _t2s().convert(unicodedata.normalize("NFKC", text)).casefold().strip()


def entity_iri(identifier: str) -> str:
    """The IRI of an API id (an id, or already a full IRI)."""
    return identifier if identifier.startswith(("http://", "https://")) else ID_BASE + identifier.lstrip("/")


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    matched: str  # the name that matched


class EntityIndex:
    """Ids, labels and names of every node, read from the build's prepared tables as they are asked for
    (the most recent ``CACHED`` entries kept): opening it costs nothing, whatever the size of the graph."""

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared
        self.by_iri = _ByIri(prepared)
        self.by_label = _ByLabel(prepared)

    def forget(self) -> None:
        """Drop the entries kept (a benchmark timing a first ask)."""
        self.by_iri.forget()

    def counts(self) -> dict[str, int]:
        """How many entities of each label, by label."""
        return self.prepared.label_counts()

    def get(self, identifier: str) -> Entry | None:
        """The entry of an id or IRI."""
        return self.by_iri.get(entity_iri(identifier))

    def resolve(self, reference: str, label: str) -> Entry | None:
        """An entity of ``label`` named by its id, IRI or any of its names (Chinese, English, synonyms)."""
        for candidate in (reference, f"{ID_PREFIX.get(label, '')}/{reference}"):
            entry = self.get(candidate)
            if entry is not None and entry.label == label:
                return entry
        found = self.prepared.named(label, fold(reference))
        return found[0] if found else None

    def name(self, iri: str | None) -> str | None:
        entry = self.by_iri.get(iri or "")
        return entry.name_zh or entry.name_en if entry else None

    def search(self, query: str, labels: set[str] | None = None, limit: int = 20,
               offset: int = 0) -> tuple[list[Hit], int]:
        """One page of the entries with a name containing every word of ``query``, best first (exact, then
        prefix, then part of a name; ``_score``), and how many there are: the prepared tables hold the names
        in ranking order, so a broad word (老: thousands of names) costs a page and a count, not every hit."""
        words = fold(query).split()
        if not words:
            return [], 0
        page, total = self.prepared.ranked(words, labels, limit, offset)
        return [Hit(entry, score, max(entry.folded, key=lambda name: (_score(name, words), name)))
                for entry, score in page], total


class _ByIri(Mapping[str, Entry]):
    """IRI → entry, read from the prepared tables; the last ``CACHED`` looked up kept (pages name the same
    plans, sections and groups over and over)."""

    def __init__(self, prepared: Prepared) -> None:
        self._read = lru_cache(maxsize=CACHED)(prepared.entry)
        self._prepared = prepared

    def forget(self) -> None:
        self._read.cache_clear()

    def __getitem__(self, iri: str) -> Entry:
        entry = self._read(iri)
        if entry is None:
            raise KeyError(iri)
        return entry

    def __contains__(self, iri: object) -> bool:
        return isinstance(iri, str) and self._read(iri) is not None

    def __iter__(self) -> Iterator[str]:
        for label in self._prepared.label_counts():
            yield from (entry.iri for entry in self._prepared.of_label(label))

    def __len__(self) -> int:
        return sum(self._prepared.label_counts().values())


class _ByLabel(Mapping[str, list[Entry]]):
    """Label → its entries in IRI order, read when asked (the labels themselves are one small table)."""

    def __init__(self, prepared: Prepared) -> None:
        self._prepared = prepared

    def __getitem__(self, label: str) -> list[Entry]:
        if label not in self._prepared.label_counts():
            raise KeyError(label)
        return self._prepared.of_label(label)

    def __iter__(self) -> Iterator[str]:
        return iter(self._prepared.label_counts())

    def __len__(self) -> int:
        return len(self._prepared.label_counts())


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
