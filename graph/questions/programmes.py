"""Programmes: filter by group (through the hierarchy), domain, plan, body and text; details with evidence.

A list (``find``, ``cards``) reads what the build prepared (``prepared.py``): the
page is a range of the programmes in the facets asked for, and each programme a
card written by the build from the same statements the detail route runs.  The
detail (``describe``) reads the graph itself, keyed by the programmes' IRIs, with
every aligned programme.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from policykg.graph.questions.entity_index import fold
from policykg.graph.questions.lookups import Lookups

# Each statement is written once and run two ways: keyed (``KEYED``: the programmes of one page, by
# primary key) for the detail route, and over every programme (``EVERY``) when the build prepares the
# list cards (prepare.py), so a card and a detail say the same.
KEYED, EVERY = "UNWIND $iris AS i MATCH (p:Programme {iri: i})", "MATCH (p:Programme)"
DETAILS = """{start}
OPTIONAL MATCH (p)-[:IN_DOCUMENT]->(d)
OPTIONAL MATCH (p)-[:PROGRAMME_KIND]->(k:Concept)
RETURN p.iri AS iri, p.name_zh AS name_zh, p.origin AS origin, p.timing AS timing, d.iri AS plan,
       k.notation AS kind,
       p.quote AS quote, p.document AS document, p.division AS division, p.source_file AS source_file,
       p.char_start AS char_start, p.char_end AS char_end"""
LINKED = """{start}
OPTIONAL MATCH (p)-[s:{rel}]->(c:{label})
RETURN p.iri AS programme, c.iri AS concept, s.matched AS matched, s.quotes AS quotes,
       s.documents AS documents, s.divisions AS divisions, s.spans AS spans{extra}"""
# Serves links say where they were read and how sure the reading is (loaders/measures/links.py).
READING = ", s.window AS window, s.confidence AS confidence"
LINKS = {"serves": ("SERVES", "TargetGroup", READING), "domains": ("IN_DOMAIN", "PolicyDomain", "")}
ALIGNED = """
UNWIND $iris AS i MATCH (p:Programme {iri: i})
OPTIONAL MATCH (p)-[a:ALIGNED_WITH]-(o:Programme)
RETURN p.iri AS programme, o.iri AS other, a.method AS method, a.score AS score"""
BODIES = "MATCH (p:Programme)-[:{rel}]->(b:Body) RETURN DISTINCT p.iri AS programme, b.iri AS body"
DETAIL_KEYS = ("kind", "origin", "timing", "plan", "quote", "document", "division", "source_file", "char_start",
               "char_end")
LINK_KEYS = ("concept", "matched", "quotes", "documents", "divisions", "spans", "window", "confidence")


@dataclass(frozen=True)
class ProgrammeFilter:
    """Resolved filters (IRIs); ``exact`` turns off the narrower groups and domains."""

    group: str | None = None
    domain: str | None = None
    plan: str | None = None
    body: str | None = None
    text: str | None = None
    exact: bool = False


def find(lookups: Lookups, where: ProgrammeFilter, limit: int | None = None, offset: int = 0) -> tuple[list[str], int]:
    """One page of the programmes matching every filter (in plan order, then IRI; ``limit`` None: all of them)
    and how many match: a range of the build's prepared tables (prepared.py), whatever the number of matches."""
    facets = []
    for kind, key in (("group", where.group), ("domain", where.domain), ("plan", where.plan), ("body", where.body)):
        if key:
            facets.append((f"{kind}-exact" if where.exact and kind in ("group", "domain") else kind, key))
    words = fold(where.text).split() if where.text else []
    # one word: a range of the per-entity index; several (they must meet in one name): the names holding them
    among = lookups.prepared.containing(words, {"Programme"}) if len(words) > 1 else None
    return lookups.prepared.programmes(facets, -1 if limit is None else limit, offset, among,
                                       words[0] if len(words) == 1 else None)


def matched_groups(groups: list[list[str]], depths: dict[str, int]) -> str:
    """Why a programme matched ``group=``, as a JSON list: of the groups it serves (a card's ``groups``: each
    group's IRI and its rendered ``"group":…,"matched_words":…`` members), those among ``depths`` (the group
    asked for and those under it, ``Lookups.narrower``), nearest first."""
    found = sorted((depths[iri], iri, members) for iri, members in groups if iri in depths)
    return "[" + ",".join(f'{{"levels_below":{depth},{members}}}' for depth, _, members in found) + "]"


def card_texts(lookups: Lookups, iris: list[str], depths: dict[str, int] | None = None) -> list[str]:
    """The programmes ``iris`` as a list shows them, as JSON text (rendered by the build: a page is spliced
    together, never turned into Python objects); with ``depths`` (``group=``), each with its ``matched_groups``."""
    found = lookups.prepared.cards(iris)
    texts = []
    for iri in iris:
        if iri in found:
            text, groups = found[iri]
            if depths is not None:
                text = text[:-1] + ',"matched_groups":' + matched_groups(groups, depths) + "}"
            texts.append(text)
    return texts


ALIGNED_INLINE = 100  # aligned programmes a detail lists; the rest a page at a time (aligned_text)


def detail_text(lookups: Lookups, iri: str, aligned_limit: int = ALIGNED_INLINE) -> str | None:
    """The detail route's answer as JSON text (``describe`` of one programme, rendered by the build), with the
    first ``aligned_limit`` aligned programmes: a national programme aligns with thousands (610 KB at 5,000
    plans), so ``aligned_count`` says how many and ``aligned_text`` pages through them."""
    found = lookups.prepared.detail(iri, aligned_limit)
    if found is None:
        return None
    card, aligned = found
    return card[:-1] + ',"aligned_with":[' + ",".join(aligned) + "]}"


def aligned_text(lookups: Lookups, iri: str, limit: int, offset: int) -> str | None:
    """A page of the programmes aligned with ``iri`` (IRI order) as the JSON text of a ``Page``, or None."""
    found = lookups.prepared.detail(iri, limit, offset)
    if found is None:
        return None
    card, aligned = found
    total = json.loads(card)["aligned_count"]
    return f'{{"total":{total},"limit":{limit},"offset":{offset},"items":[{",".join(aligned)}]}}'


def cards(lookups: Lookups, iris: list[str], depths: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """``card_texts`` as dicts: everything the detail has, with the number of aligned programmes instead of the
    programmes (one page of national programmes aligns with thousands)."""
    return [json.loads(text) for text in card_texts(lookups, iris, depths)]


def render_aligned(lookups: Lookups, iris: list[str]) -> list[tuple[str, str, str]]:
    """(programme, aligned programme, its JSON as the detail lists it) for ``iris``, read with ``describe``'s
    statement."""
    return [(row["programme"], row["other"], _json({"programme": lookups.ref(row["other"]), "method": row["method"],
                                                    "score": row["score"]}))
            for row in lookups.keyed(ALIGNED, iris, "other", needs="ALIGNED_WITH")]


def render_card(lookups: Lookups, iri: str, raw: dict[str, Any]) -> tuple[str, str]:
    """A card's JSON text and its groups' (``prepared.sql``), from its graph rows (``raw_rows``)."""
    card = {**_assemble(lookups, iri, raw), "aligned_count": raw["aligned"]}
    groups = [[link["concept"]["iri"], _json({"group": link["concept"], "matched_words": link["matched_words"]})[1:-1]]
              for link in card["serves"]]
    return _json(card), _json(groups)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def describe(lookups: Lookups, iris: list[str]) -> list[dict[str, Any]]:
    """Full descriptions of the programmes ``iris`` (in that order), read from the graph: plan, kind, evidence,
    groups, domains and every aligned programme."""
    if not iris:
        return []
    raw = raw_rows(lookups, KEYED, iris)
    aligned: dict[str, list[dict[str, Any]]] = {}
    for row in lookups.keyed(ALIGNED, iris, "other", needs="ALIGNED_WITH"):
        aligned.setdefault(row["programme"], []).append(
            {"programme": lookups.ref(row["other"]), "method": row["method"], "score": row["score"]})
    return [{**_assemble(lookups, iri, raw[iri]), "aligned_count": len(aligned.get(iri, [])),
             "aligned_with": sorted(aligned.get(iri, []), key=lambda a: a["programme"]["iri"])}
            for iri in iris if iri in raw]


def raw_rows(lookups: Lookups, start: str, iris: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Programme IRI → its details and links as the graph gives them (``start``: KEYED with ``iris``, or EVERY)."""
    def read(statement: str, present: str | None = None, needs: str | None = None) -> list[dict[str, Any]]:
        if start == KEYED:
            return lookups.keyed(statement.format(start=start), iris or [], present, needs=needs)
        if needs is not None and not lookups.has(needs):
            return []
        return [row for row in lookups.rows(statement.format(start=start)) if present is None or row[present]]

    raw = {row["iri"]: {"details": {k: row[k] for k in DETAIL_KEYS}, "serves": [], "domains": [], "aligned": 0}
           for row in read(DETAILS, "iri")}
    for key, (rel, label, extra) in LINKS.items():
        for row in read(LINKED.replace("{rel}", rel).replace("{label}", label).replace("{extra}", extra),
                        "concept", needs=rel):
            if row["programme"] in raw:
                raw[row["programme"]][key].append({k: row.get(k) for k in LINK_KEYS})
    return raw


def _assemble(lookups: Lookups, iri: str, raw: dict[str, Any]) -> dict[str, Any]:
    row = raw["details"]
    return {**lookups.ref(iri), "kind": row["kind"], "origin": row["origin"], "timing": row["timing"],
            "plan": lookups.ref(row["plan"]), "evidence": lookups.evidence(row),
            "serves": _links(lookups, raw["serves"], reading=True), "domains": _links(lookups, raw["domains"])}


def _links(lookups: Lookups, rows: list[dict[str, Any]], reading: bool = False) -> list[dict[str, Any]]:
    """The concepts a programme is linked to, each with the sentences that say so (in concept order)."""
    found = []
    for row in rows:
        link = {"concept": lookups.ref(row["concept"]), "matched_words": list(row["matched"] or []),
                "evidence": lookups.statement_evidence(row["quotes"], row["documents"], row["divisions"],
                                                       row["spans"])}
        if reading:
            link |= {"window": row["window"], "confidence": row["confidence"]}
        found.append(link)
    return sorted(found, key=lambda link: link["concept"]["iri"])
