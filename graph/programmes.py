"""Programmes: filter by group (through the hierarchy), domain, plan, body and text; details with evidence.

Filters are separate small statements whose answers are intersected, so each
stays a labelled, indexed match on every engine; the page of programmes is then
described in three batched statements (the programmes, what they serve and
their domains), whatever the filters were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policykg.graph.entity_index import fold
from policykg.graph.lookups import BODY_LINKS, Lookups, chunks

_DETAILS = """
MATCH (p:Programme) WHERE p.iri IN $iris
MATCH (p)-[:IN_DOCUMENT]->(d)
OPTIONAL MATCH (p)-[:PROGRAMME_KIND]->(k:Concept)
RETURN p.iri AS iri, p.name_zh AS name_zh, p.origin AS origin, d.iri AS plan, k.notation AS kind,
       p.quote AS quote, p.document AS document, p.division AS division, p.source_file AS source_file,
       p.char_start AS char_start, p.char_end AS char_end"""
_LINKED = """
MATCH (p:Programme)-[s:{rel}]->(c:{label}) WHERE p.iri IN $iris
RETURN p.iri AS programme, c.iri AS concept, s.matched AS matched, s.quotes AS quotes,
       s.documents AS documents, s.divisions AS divisions, s.spans AS spans"""
_ALIGNED = """
MATCH (p:Programme)-[a:ALIGNED_WITH]-(o:Programme) WHERE p.iri IN $iris
RETURN p.iri AS programme, o.iri AS other, a.method AS method, a.score AS score"""


@dataclass(frozen=True)
class ProgrammeFilter:
    """Resolved filters (IRIs); ``exact`` turns off the narrower groups and domains."""

    group: str | None = None
    domain: str | None = None
    plan: str | None = None
    body: str | None = None
    text: str | None = None
    exact: bool = False


def find(lookups: Lookups, where: ProgrammeFilter) -> tuple[list[str], dict[str, list[dict[str, Any]]]]:
    """The programmes matching every filter (sorted by plan, then position), and why each group matched."""
    candidates: set[str] | None = None
    matched_groups: dict[str, list[dict[str, Any]]] = {}
    if where.group:
        matched_groups = _serving(lookups, where.group, where.exact)
        candidates = set(matched_groups)
    if where.domain:
        candidates = _narrow(candidates, _in_domain(lookups, where.domain, where.exact))
    if where.plan:
        label = lookups.index.by_iri[where.plan].label
        candidates = _narrow(candidates, {r["iri"] for r in lookups.rows(
            f"MATCH (p:Programme)-[:IN_DOCUMENT]->(d:{label} {{iri: $plan}}) RETURN p.iri AS iri", plan=where.plan)})
    if where.body:
        candidates = _narrow(candidates, {r["iri"] for r in lookups.rows(
            f"MATCH (p:Programme)-[:{BODY_LINKS}]->(b:Body {{iri: $body}}) RETURN DISTINCT p.iri AS iri",
            body=where.body)})
    entries = [e for e in lookups.index.entries if e.label == "Programme"
               and (candidates is None or e.iri in candidates)]
    if where.text:
        words = fold(where.text).split()
        entries = [e for e in entries if any(all(w in name for w in words) for name in e.folded)]
    ordered = sorted(entries, key=lambda e: (e.document or "", e.iri))
    return [e.iri for e in ordered], matched_groups


def _narrow(candidates: set[str] | None, found: set[str]) -> set[str]:
    return found if candidates is None else candidates & found


def _serving(lookups: Lookups, group: str, exact: bool) -> dict[str, list[dict[str, Any]]]:
    """Programme IRI → the groups (``group`` or narrower) it serves, each with its distance and the words matched."""
    depths = lookups.narrower("TargetGroup", group, exact)
    found: dict[str, list[dict[str, Any]]] = {}
    for batch in chunks(sorted(depths)):
        for row in lookups.rows("MATCH (p:Programme)-[s:SERVES]->(g:TargetGroup) WHERE g.iri IN $iris "
                                "RETURN p.iri AS programme, g.iri AS grp, s.matched AS matched", iris=batch):
            found.setdefault(row["programme"], []).append(
                {"group": lookups.ref(row["grp"]), "levels_below": depths[row["grp"]],
                 "matched_words": list(row["matched"] or [])})
    return found


def _in_domain(lookups: Lookups, domain: str, exact: bool) -> set[str]:
    depths = lookups.narrower("PolicyDomain", domain, exact)
    found: set[str] = set()
    for batch in chunks(sorted(depths)):
        found |= {r["iri"] for r in lookups.rows(
            "MATCH (p:Programme)-[:IN_DOMAIN]->(d:PolicyDomain) WHERE d.iri IN $iris RETURN p.iri AS iri", iris=batch)}
    return found


def describe(lookups: Lookups, iris: list[str]) -> list[dict[str, Any]]:
    """Full descriptions of the programmes ``iris`` (in that order): plan, kind, evidence, groups, domains."""
    if not iris:
        return []
    details = {r["iri"]: r for r in lookups.rows(_DETAILS, iris=iris)}
    linked = {"serves": _linked(lookups, iris, "SERVES", "TargetGroup"),
              "domains": _linked(lookups, iris, "IN_DOMAIN", "PolicyDomain")}
    aligned: dict[str, list[dict[str, Any]]] = {}
    for row in lookups.rows(_ALIGNED, iris=iris):
        aligned.setdefault(row["programme"], []).append(
            {"programme": lookups.ref(row["other"]), "method": row["method"], "score": row["score"]})
    described = []
    for iri in iris:
        row = details.get(iri)
        if row is None:
            continue
        described.append({**lookups.ref(iri), "kind": row["kind"], "origin": row["origin"],
                          "plan": lookups.ref(row["plan"]), "evidence": lookups.evidence(row),
                          "serves": linked["serves"].get(iri, []), "domains": linked["domains"].get(iri, []),
                          "aligned_with": sorted(aligned.get(iri, []), key=lambda a: a["programme"]["iri"])})
    return described


def _linked(lookups: Lookups, iris: list[str], rel: str, label: str) -> dict[str, list[dict[str, Any]]]:
    """Programme IRI → the concepts it is linked to by ``rel``, each with the sentences that say so."""
    found: dict[str, list[dict[str, Any]]] = {}
    for row in lookups.rows(_LINKED.format(rel=rel, label=label), iris=iris):
        found.setdefault(row["programme"], []).append({
            "concept": lookups.ref(row["concept"]), "matched_words": list(row["matched"] or []),
            "evidence": lookups.statement_evidence(row["quotes"], row["documents"], row["divisions"], row["spans"])})
    for links in found.values():
        links.sort(key=lambda link: link["concept"]["iri"])
    return found
