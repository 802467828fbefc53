"""Programmes: filter by group (through the hierarchy), domain, plan, body and text; details with evidence.

Filters are separate small statements whose answers are intersected, so each
starts from a key on every engine (``Lookups.keyed``); the page of programmes is
then described in four batched statements (the programmes, what they serve,
their domains and their alignments), whatever the filters were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policykg.graph.questions.entity_index import fold
from policykg.graph.questions.lookups import BODY_LINKS, Lookups

_DETAILS = """
UNWIND $iris AS i MATCH (p:Programme {iri: i})
OPTIONAL MATCH (p)-[:IN_DOCUMENT]->(d)
OPTIONAL MATCH (p)-[:PROGRAMME_KIND]->(k:Concept)
RETURN p.iri AS iri, p.name_zh AS name_zh, p.origin AS origin, p.timing AS timing, d.iri AS plan,
       k.notation AS kind,
       p.quote AS quote, p.document AS document, p.division AS division, p.source_file AS source_file,
       p.char_start AS char_start, p.char_end AS char_end"""
_LINKED = """
UNWIND $iris AS i MATCH (p:Programme {{iri: i}})
OPTIONAL MATCH (p)-[s:{rel}]->(c:{label})
RETURN p.iri AS programme, c.iri AS concept, s.matched AS matched, s.quotes AS quotes,
       s.documents AS documents, s.divisions AS divisions, s.spans AS spans{extra}"""
# Serves links say where they were read and how sure the reading is (loaders/measures/links.py).
_READING = ", s.window AS window, s.confidence AS confidence"
_ALIGNED = """
UNWIND $iris AS i MATCH (p:Programme {iri: i})
OPTIONAL MATCH (p)-[a:ALIGNED_WITH]-(o:Programme)
RETURN p.iri AS programme, o.iri AS other, a.method AS method, a.score AS score"""
_USING = """
UNWIND $iris AS i MATCH (c:{label} {{iri: i}})
OPTIONAL MATCH (p:Programme)-[s:{rel}]->(c)
RETURN p.iri AS programme, c.iri AS concept, s.matched AS matched"""
_OF_PLAN = """
UNWIND $iris AS i MATCH (d:{label} {{iri: i}})
OPTIONAL MATCH (p:Programme)-[:IN_DOCUMENT]->(d)
RETURN p.iri AS programme"""
_OF_BODY = f"""
UNWIND $iris AS i MATCH (b:Body {{iri: i}})
OPTIONAL MATCH (p:Programme)-[:{BODY_LINKS}]->(b)
RETURN DISTINCT p.iri AS programme"""


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
    """The programmes matching every filter (sorted by plan, then position), and why each group matched.

    Kept for the last questions asked (``Lookups.cached``): at thousands of plans a broad group such as
    老年人 matches tens of thousands of programmes, and the pages of one question share the answer."""
    return lookups.cached(("programmes", where), lambda: _find(lookups, where))


def _find(lookups: Lookups, where: ProgrammeFilter) -> tuple[list[str], dict[str, list[dict[str, Any]]]]:
    candidates: set[str] | None = None
    matched_groups: dict[str, list[dict[str, Any]]] = {}
    if where.group:
        matched_groups = _serving(lookups, where.group, where.exact)
        candidates = set(matched_groups)
    if where.domain:
        candidates = _narrow(candidates, _in_domain(lookups, where.domain, where.exact))
    if where.plan:
        label = lookups.index.by_iri[where.plan].label
        candidates = _narrow(candidates, {r["programme"] for r in lookups.keyed(
            _OF_PLAN.format(label=label), [where.plan], "programme")})
    if where.body:
        candidates = _narrow(candidates, {r["programme"] for r in lookups.keyed(_OF_BODY, [where.body], "programme")})
    entries = [e for e in lookups.index.by_label.get("Programme", []) if candidates is None or e.iri in candidates]
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
    refs = {iri: lookups.ref(iri) for iri in depths}  # one per group, shared by its rows (100 k at 5,000 plans)
    found: dict[str, list[dict[str, Any]]] = {}
    for row in lookups.keyed(_USING.format(label="TargetGroup", rel="SERVES"), sorted(depths), "programme",
                             needs="SERVES"):
        found.setdefault(row["programme"], []).append(
            {"group": refs[row["concept"]], "levels_below": depths[row["concept"]],
             "matched_words": row["matched"] or []})
    return found


def _in_domain(lookups: Lookups, domain: str, exact: bool) -> set[str]:
    depths = lookups.narrower("PolicyDomain", domain, exact)
    return {row["programme"] for row in lookups.keyed(_USING.format(label="PolicyDomain", rel="IN_DOMAIN"),
                                                      sorted(depths), "programme", needs="IN_DOMAIN")}


def describe(lookups: Lookups, iris: list[str]) -> list[dict[str, Any]]:
    """Full descriptions of the programmes ``iris`` (in that order): plan, kind, evidence, groups, domains."""
    if not iris:
        return []
    details = {r["iri"]: r for r in lookups.keyed(_DETAILS, iris, "plan")}
    linked = {"serves": _linked(lookups, iris, "SERVES", "TargetGroup", _READING),
              "domains": _linked(lookups, iris, "IN_DOMAIN", "PolicyDomain")}
    aligned: dict[str, list[dict[str, Any]]] = {}
    for row in lookups.keyed(_ALIGNED, iris, "other", needs="ALIGNED_WITH"):
        aligned.setdefault(row["programme"], []).append(
            {"programme": lookups.ref(row["other"]), "method": row["method"], "score": row["score"]})
    described = []
    for iri in iris:
        row = details.get(iri)
        if row is None:
            continue
        described.append({**lookups.ref(iri), "kind": row["kind"], "origin": row["origin"], "timing": row["timing"],
                          "plan": lookups.ref(row["plan"]), "evidence": lookups.evidence(row),
                          "serves": linked["serves"].get(iri, []), "domains": linked["domains"].get(iri, []),
                          "aligned_with": sorted(aligned.get(iri, []), key=lambda a: a["programme"]["iri"])})
    return described


def _linked(lookups: Lookups, iris: list[str], rel: str, label: str,
            extra: str = "") -> dict[str, list[dict[str, Any]]]:
    """Programme IRI → the concepts it is linked to by ``rel``, each with the sentences that say so."""
    found: dict[str, list[dict[str, Any]]] = {}
    for row in lookups.keyed(_LINKED.format(rel=rel, label=label, extra=extra), iris, "concept", needs=rel):
        link = {"concept": lookups.ref(row["concept"]), "matched_words": list(row["matched"] or []),
                "evidence": lookups.statement_evidence(row["quotes"], row["documents"], row["divisions"],
                                                       row["spans"])}
        if extra:
            link |= {"window": row["window"], "confidence": row["confidence"]}
        found.setdefault(row["programme"], []).append(link)
    for links in found.values():
        links.sort(key=lambda link: link["concept"]["iri"])
    return found
