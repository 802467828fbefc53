"""The REST API's questions, as Cypher over any ``GraphReader``, answered as plain dicts.

The statements use the subset of Cypher that LadybugDB, Neo4j and FalkorDB
share (labelled matches on ``iri``, bounded variable-length paths, ``IN`` lists),
so every backend gives the same answers; the one expression that differs (the
label of a node) comes from ``entity_index``.

Statements about a list of entities start from their keys and then follow
relationships with ``OPTIONAL MATCH`` (``keyed``): ``UNWIND $iris AS i MATCH
(p:Programme {iri: i}) OPTIONAL MATCH (p)-[s:SERVES]->(g)``.  LadybugDB plans
``WHERE p.iri IN $iris``, and a ``MATCH`` of the whole pattern after the key, as
scans of whole tables joined by hash (7–15 ms at 1,000 plans, growing with the
graph); this form is a primary-key lookup and then the node's own adjacency
(0.2–2 ms, growing with the answer).  Rows where the optional part found
nothing come back with NULLs, which ``keyed`` drops.  Every fact carries its evidence:
``evidence()`` for a node read from a text, ``statement_evidence()`` for a
relationship (``SERVES``, ``IN_DOMAIN``, ``ALIGNED_WITH``…).
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, TypeVar

from policykg.graph.backends.reader import GraphReader, Limits, QuerySyntaxError
from policykg.graph.questions.entity_index import Entry, EntityIndex, entity_id
from policykg.graph.questions.prepared import Prepared

MAX_DEPTH = 8  # the deepest concept hierarchy (groups, domains, areas) is 4 levels; 8 leaves room
BODY_LINKS = "LEAD_BODY|COOPERATING_BODY|RESPONSIBLE_BODY"
_OWN = Limits(timeout_s=30, max_rows=10**7)  # the server's own statements: bounded by the data, not by users
T = TypeVar("T")


class Lookups:
    """The graph's statements and the build's prepared tables (``prepared``: None while they are being made,
    when only the statements are used); ``prepare.open_lookups`` makes one for a reader and a build."""

    def __init__(self, reader: GraphReader, prepared: Prepared | None, limits: Limits = _OWN) -> None:
        self.reader = reader
        self.prepared = prepared  # type: ignore[assignment]
        self.index = EntityIndex(prepared) if prepared is not None else None  # type: ignore[assignment]
        self.limits = limits
        self._memo: dict[tuple, Any] = {}

    def memo(self, key: tuple, compute: Callable[[], T]) -> T:
        """An answer that takes no parameters, computed once: the build being served never changes."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def close(self) -> None:
        if self.prepared is not None:
            self.prepared.close()

    def forget(self) -> None:
        """Drop the entries the index keeps (a benchmark timing the first ask)."""
        if self.index is not None:
            self.index.forget()

    def has(self, relationship: str) -> bool:
        """Whether the store has the relationship type: LadybugDB refuses a statement naming a type it has no
        table for (a build whose plans align with nothing has no ``ALIGNED_WITH``), where Neo4j answers nothing."""
        def probe() -> bool:
            try:
                self.rows(f"MATCH ()-[r:{relationship}]->() RETURN 1 AS found LIMIT 1")
            except QuerySyntaxError:
                return False
            return True

        return self.memo(("has", relationship), probe)

    def rows(self, statement: str, **params: Any) -> list[dict[str, Any]]:
        columns, rows = self.reader.read(statement, params, self.limits)
        return [dict(zip(columns, row)) for row in rows]

    def keyed(self, statement: str, iris: Iterable[str], present: str | None = None, needs: str | None = None,
              **params: Any) -> list[dict[str, Any]]:
        """The rows of ``statement`` (which starts ``UNWIND $iris AS i MATCH (x:Label {iri: i})``) for ``iris``,
        in chunks; ``present``: the column an ``OPTIONAL MATCH`` fills, rows where it is null dropped;
        ``needs``: the relationship type it follows, none at all when the store has no such type (``has``)."""
        if needs is not None and not self.has(needs):
            return []
        found = []
        for batch in chunks(iris):
            found += [row for row in self.rows(statement, iris=batch, **params)
                      if present is None or row[present] is not None]
        return found

    # -- shared shapes ---------------------------------------------------------------
    def ref(self, iri: str | None) -> dict[str, Any] | None:
        """A short reference to an entity: id, IRI, label and names."""
        entry = self.index.by_iri.get(iri or "")
        if entry is None:
            return None if iri is None else {"id": entity_id(iri), "iri": iri, "type": None,
                                             "name_zh": None, "name_en": None}
        return entry_ref(entry)

    def evidence(self, row: dict[str, Any], prefix: str = "") -> dict[str, Any] | None:
        """The evidence of a node from its folded properties (``quote``, ``document``, ``division``…)."""
        if not row.get(prefix + "quote"):
            return None
        division = row.get(prefix + "division")
        return {"document": self.ref(row.get(prefix + "document")), "section": self.ref(division),
                "path": self.path(division),
                "quote": row[prefix + "quote"], "source_file": row.get(prefix + "source_file"),
                "char_start": row.get(prefix + "char_start"), "char_end": row.get(prefix + "char_end")}

    def path(self, division: str | None) -> list[dict[str, Any]]:
        """Where in the plan a part of its outline is: chapter › section › box › item, each with its title."""
        return self.prepared.outline_path(division) if self.prepared is not None and division else []

    def paths(self, divisions: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """``path`` of many parts in one read (an answer with hundreds of evidences asks once, not per quote)."""
        return self.prepared.outline_paths(divisions) if self.prepared is not None else {}

    def statement_evidence(self, quotes: list[str] | None, documents: list[str] | None,
                           divisions: list[str] | None, spans: list[str] | None,
                           paths: dict[str, list[dict[str, Any]]] | None = None) -> list[dict[str, Any]]:
        """The sentences that state a relationship, each with its document, section and span; ``paths`` (from
        ``paths``) saves a read per quote."""
        found = []
        for i, quote in enumerate(quotes or []):
            start, _, end = (spans[i] if spans and i < len(spans) else "").partition("-")
            division = (divisions or [""] * (i + 1))[i] or None
            found.append({"document": self.ref((documents or [""] * (i + 1))[i] or None),
                          "section": self.ref(division),
                          "path": self.path(division) if paths is None else paths.get(division or "", []),
                          "quote": quote,
                          "char_start": int(start) if start else None, "char_end": int(end) if end else None})
        return found

    # -- concept hierarchies -----------------------------------------------------------
    def narrower(self, label: str, iri: str, exact: bool = False) -> dict[str, int]:
        """The concept and (unless ``exact``) every narrower one, each with its distance below ``iri``."""
        return {iri: 0} if exact else self.prepared.narrower(label, iri)

    def hierarchy(self, label: str) -> list[dict[str, Any]]:
        """Every concept of ``label`` with its broader concepts and how many programmes use it directly."""
        return self.memo(("hierarchy", label), lambda: self._hierarchy(label))

    def _hierarchy(self, label: str) -> list[dict[str, Any]]:
        link = "SERVES" if label == "TargetGroup" else "IN_DOMAIN" if label == "PolicyDomain" else None
        rows = self.rows(f"MATCH (c:{label}) OPTIONAL MATCH (c)-[:BROADER]->(b:{label}) "
                         "RETURN c.iri AS iri, collect(b.iri) AS broader")
        used: dict[str, int] = {}
        if link:
            for row in self.rows(f"MATCH (:Programme)-[:{link}]->(c:{label}) RETURN c.iri AS iri, count(*) AS n"):
                used[row["iri"]] = row["n"]
        concepts = []
        for row in sorted(rows, key=lambda r: r["iri"]):
            entry = self.index.by_iri[row["iri"]]
            concepts.append({**entry_ref(entry), "alt_labels": list(entry.alt_labels),
                             "broader": [entity_id(b) for b in sorted(set(row["broader"] or [])) if b],
                             **({"programmes": used.get(row["iri"], 0)} if link else {})})
        narrower: dict[str, list[str]] = {}
        for concept in concepts:
            for broader in concept["broader"]:
                narrower.setdefault(broader, []).append(concept["id"])
        for concept in concepts:
            concept["narrower"] = sorted(narrower.get(concept["id"], []))
        return concepts


def entry_ref(entry: Entry) -> dict[str, Any]:
    return {"id": entry.id, "iri": entry.iri, "type": entry.label, "name_zh": entry.name_zh, "name_en": entry.name_en}


def chunks(items: Iterable[str], size: int = 500) -> Iterable[list[str]]:
    """Lists of at most ``size`` items, for ``UNWIND $iris`` without a huge parameter."""
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def entity(lookups: Lookups, iri: str) -> dict[str, Any] | None:
    """One entity with every property it has, and its evidence if a text states it."""
    entry = lookups.index.by_iri.get(iri)
    if entry is None:
        return None
    rows = lookups.rows(f"MATCH (n:{entry.label} {{iri: $iri}}) RETURN n AS n", iri=iri)
    if not rows:
        return None
    properties = dict(rows[0]["n"]["properties"])
    evidence = lookups.evidence(properties)
    for key in ("iri", "graphs", "quote", "document", "division", "source_file", "char_start", "char_end", "evidence"):
        properties.pop(key, None)
    return {**entry_ref(entry), "alt_labels": list(entry.alt_labels), "properties": properties, "evidence": evidence}
