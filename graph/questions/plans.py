"""Plans (and articles) with their cascade and outline; indicators and the same indicator across plans."""

from __future__ import annotations

import csv
import io
from typing import Any

from policykg.graph.backends.reader import QuerySyntaxError
from policykg.graph.questions.entity_index import fold
from policykg.graph.questions.lookups import Lookups

LEVEL_ORDER = {"national": 0, "provincial": 1, "municipal": 2, "county": 3}
DOCUMENT_LABELS = ("Plan", "Article")
DIVISION_LABELS = ("Chapter", "Section", "SubSection", "Box", "BoxItem", "IndicatorTable", "Glossary")
_PERIOD = "p.period_start AS period_start, p.period_end AS period_end, "
_EVIDENCE = ("p.quote AS quote, p.document AS document, p.source_file AS source_file, "
             "p.char_start AS char_start, p.char_end AS char_end")
_DOCUMENTS = {
    "Plan": "MATCH (p:Plan) RETURN p.iri AS iri, p.identifier AS identifier, p.issued AS issued, "
            "p.loaded AS loaded, p.english_title_by_rule AS by_rule, " + _PERIOD + _EVIDENCE,
    "Article": "MATCH (p:Article) RETURN p.iri AS iri, p.identifier AS identifier, NULL AS issued, "
               "p.loaded AS loaded, NULL AS by_rule, " + _PERIOD + _EVIDENCE,
}
_LINKS = "MATCH (p:{label})-[:{rel}]->(o) RETURN p.iri AS iri, o.iri AS other"
_LEVELS = "MATCH (p:{label})-[:LEVEL]->(o:Concept) RETURN p.iri AS iri, o.notation AS other"
_OUTLINE = """
MATCH (x:{label})-[:IN_DOCUMENT]->(p:{document} {{iri: $iri}})
MATCH (x)-[:IS_PART_OF]->(parent)
RETURN x.iri AS iri, parent.iri AS parent, x.char_start AS char_start"""
_INDICATORS = """
UNWIND $iris AS x MATCH (i:Indicator {iri: x})
OPTIONAL MATCH (i)-[:IN_DOCUMENT]->(p:Plan)
OPTIONAL MATCH (i)-[:IN_TABLE]->(:IndicatorTable)-[:TABLE_KIND]->(k:Concept)
RETURN i.iri AS iri, p.iri AS plan, k.notation AS table_kind, i.unit AS unit, i.attribute_text AS attribute,
       i.status_text AS status, i.domain_text AS domain,
       i.baseline_text AS baseline_text, i.baseline_value AS baseline_value, i.baseline_comparator AS baseline_comparator,
       i.baseline_year AS baseline_year, i.target_text AS target_text, i.target_value AS target_value,
       i.target_comparator AS target_comparator, i.target_year AS target_year, i.actual_text AS actual_text,
       i.actual_value AS actual_value, i.actual_comparator AS actual_comparator, i.actual_year AS actual_year,
       i.parse_note AS parse_notes, i.quote AS quote, i.document AS document, i.division AS division,
       i.source_file AS source_file, i.char_start AS char_start, i.char_end AS char_end"""
_ALIGNED = """
UNWIND $iris AS x MATCH (i:Indicator {iri: x})
OPTIONAL MATCH (i)-[a:ALIGNED_WITH]-(o:Indicator)
RETURN i.iri AS iri, o.iri AS other, a.method AS method, a.score AS score"""


def documents(lookups: Lookups) -> list[dict[str, Any]]:
    """Every plan and article: metadata, level, area, issuers, counts and evidence; corpus documents first."""
    return lookups.memo(("documents",), lambda: _documents(lookups))


def levels(lookups: Lookups) -> dict[str, str]:
    """Each document's level (national, provincial, municipal, county), where the graph gives one."""
    return {iri: found[0] for iri, found in _links(lookups, "LEVEL", _LEVELS).items() if found}


def _documents(lookups: Lookups) -> list[dict[str, Any]]:
    links = {rel: _links(lookups, rel) for rel in ("JURISDICTION", "ISSUER", "BASED_ON")}
    level_of = levels(lookups)
    counts = _counts(lookups)
    found = []
    for label in DOCUMENT_LABELS:
        for row in lookups.rows(_DOCUMENTS[label]):
            iri = row["iri"]
            found.append({**lookups.ref(iri), "english_title_by_rule": bool(row["by_rule"]),
                          "identifier": row["identifier"], "issued": row["issued"],
                          "in_corpus": bool(row["loaded"]), "period_start": _year(row["period_start"]),
                          "period_end": _year(row["period_end"]), "level": level_of.get(iri),
                          "jurisdiction": [lookups.ref(a) for a in links["JURISDICTION"].get(iri, [])],
                          "issuers": [lookups.ref(b) for b in links["ISSUER"].get(iri, [])],
                          "programmes": counts["Programme"].get(iri, 0), "indicators": counts["Indicator"].get(iri, 0),
                          "evidence": lookups.evidence(row)})
    return sorted(found, key=lambda d: (not d["in_corpus"], LEVEL_ORDER.get(d["level"] or "", 9), d["iri"]))


def document(lookups: Lookups, iri: str) -> dict[str, Any] | None:
    """One plan or article with the plans it is based on, those based on it, and its outline."""
    found = next((dict(d) for d in documents(lookups) if d["iri"] == iri), None)
    if found is None:
        return None
    pairs = based_on(lookups)
    found["based_on"] = [lookups.ref(target) for source, target in pairs if source == iri]
    found["based_on_by"] = [lookups.ref(source) for source, target in pairs if target == iri]
    successions = _links(lookups, "SUCCEEDS")
    found["succeeds"] = [lookups.ref(earlier) for earlier in successions.get(iri, [])]
    found["succeeded_by"] = [lookups.ref(later) for later, earlier in sorted(successions.items()) if iri in earlier]
    found["outline"] = outline(lookups, iri)
    return found


def _year(value: object) -> int | None:
    """A period year as a number (the property graph keeps xsd:gYear as its text, "2021")."""
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None


def based_on(lookups: Lookups) -> list[tuple[str, str]]:
    """Every (document, the plan it is based on) pair, sorted; read once per build (two statements)."""
    return lookups.memo(("based_on",), lambda: sorted(
        (source, target) for source, targets in _links(lookups, "BASED_ON").items() for target in targets))


def _links(lookups: Lookups, rel: str, statement: str = _LINKS) -> dict[str, list[str]]:
    """Document IRI → the IRIs (or values) it links to by ``rel``."""
    found: dict[str, list[str]] = {}
    for label in DOCUMENT_LABELS:
        try:
            rows = lookups.rows(statement.format(label=label, rel=rel))
        except QuerySyntaxError:  # LadybugDB refuses a relationship type that never starts at this label
            continue
        for row in rows:
            found.setdefault(row["iri"], []).append(row["other"])
    return {k: sorted(set(v)) for k, v in found.items()}


def _counts(lookups: Lookups) -> dict[str, dict[str, int]]:
    return {label: lookups.prepared.document_counts(label) for label in ("Programme", "Indicator")}


def outline(lookups: Lookups, iri: str) -> list[dict[str, Any]]:
    """The document's chapters, sections, boxes and tables as a tree, in the order of the text."""
    nodes: dict[str, dict[str, Any]] = {}
    parents: dict[str, str] = {}
    label = lookups.index.by_iri[iri].label
    for division in DIVISION_LABELS:
        try:
            rows = lookups.rows(_OUTLINE.format(label=division, document=label), iri=iri)
        except QuerySyntaxError:  # LadybugDB: no IS_PART_OF starts at this label in this store
            continue
        for row in rows:
            marker = lookups.index.by_iri[row["iri"]].marker
            nodes[row["iri"]] = {**lookups.ref(row["iri"]), "marker": marker, "position": row["char_start"],
                                 "children": []}
            parents[row["iri"]] = row["parent"]
    roots = []
    for node_iri, node in sorted(nodes.items(), key=lambda kv: (kv[1]["position"] or 0, kv[0])):
        parent = nodes.get(parents[node_iri])
        (parent["children"] if parent else roots).append(node)
    return roots


def indicators(lookups: Lookups, plan: str | None = None, text: str | None = None,
               iris: set[str] | None = None, plans: set[str] | None = None) -> list[dict[str, Any]]:
    """Indicator rows with baseline, target and actual values (text as written, number, comparator, year):
    of ``plan`` (or of ``plans``), named like ``text``, among ``iris``; all of them without a filter.

    The prepared tables choose the candidates (the ones given, by the document that states them, by name),
    the store describes them by key; the plan is checked again on the store's ``IN_DOCUMENT``."""
    words = fold(text).split() if text else []
    wanted = {plan} if plan else plans
    if iris is not None:
        entries = [e for e in lookups.prepared.entries(iris).values() if e.label == "Indicator"]
    elif words:
        entries = lookups.prepared.entries(lookups.prepared.containing(words, {"Indicator"})).values()
    else:
        entries = lookups.prepared.of_label("Indicator", wanted)
    candidates = sorted(e.iri for e in entries if (wanted is None or e.document in wanted)
                        and (not words or any(all(w in name for w in words) for name in e.folded)))
    found = []
    for row in lookups.keyed(_INDICATORS, candidates, "plan"):
        if row["table_kind"] is None or (wanted is not None and row["plan"] not in wanted):
            continue
        values = {role: {"text": row[f"{role}_text"], "value": row[f"{role}_value"],
                         "comparator": row[f"{role}_comparator"], "year": row[f"{role}_year"]}
                  for role in ("baseline", "target", "actual") if row[f"{role}_text"] is not None}
        found.append({**lookups.ref(row["iri"]), "plan": lookups.ref(row["plan"]), "table": row["table_kind"],
                      "unit": row["unit"], "attribute": row["attribute"], "status": row["status"],
                      "domain": row["domain"], **values, "parse_notes": list(row["parse_notes"] or []),
                      "evidence": lookups.evidence(row)})
    return sorted(found, key=lambda i: (i["plan"]["iri"], i["evidence"]["char_start"] if i["evidence"] else 0))


def indicator_page(lookups: Lookups, plan: str | None, text: str | None, limit: int, offset: int,
                   ) -> dict[str, Any]:
    """A page of ``indicators(plan=…, text=…)`` and its total: the prepared order read as a range, only the
    page's rows described by the store (a plan's hundreds of rows, a corpus's hundred thousand, cost a page)."""
    words = fold(text).split() if text else []
    among = lookups.prepared.containing(words, {"Indicator"}) if len(words) > 1 else None
    iris, total = lookups.prepared.indicators(plan, among, limit, offset, words[0] if len(words) == 1 else None)
    rows = {row["iri"]: row for row in indicators(lookups, iris=set(iris))}
    return {"total": total, "limit": limit, "offset": offset, "items": [rows[iri] for iri in iris if iri in rows]}


def compare(lookups: Lookups, text: str) -> list[dict[str, Any]]:
    """The indicators named like ``text`` with everything aligned to them: one group per indicator, by level."""
    seeds = {i["iri"] for i in indicators(lookups, text=text)}
    clusters: list[set[str]] = []
    edges: dict[str, list[dict[str, Any]]] = {}
    for row in lookups.keyed(_ALIGNED, sorted(seeds), "other", needs="ALIGNED_WITH"):
        edges.setdefault(row["iri"], []).append(row)
    for seed in sorted(seeds):
        if any(seed in c for c in clusters):
            continue
        cluster = {seed} | {e["other"] for e in edges.get(seed, [])}
        clusters.append(cluster)
    levels = {d["iri"]: d["level"] for d in documents(lookups)}
    groups = []
    for cluster in clusters:
        rows = indicators(lookups, iris=cluster)
        rows.sort(key=lambda r: (LEVEL_ORDER.get(levels.get(r["plan"]["iri"]) or "", 9), r["plan"]["iri"]))
        for row in rows:
            row["level"] = levels.get(row["plan"]["iri"])
            row["alignments"] = [{"indicator": lookups.ref(e["other"]), "method": e["method"], "score": e["score"]}
                                 for e in sorted(edges.get(row["iri"], []), key=lambda e: e["other"])
                                 if e["other"] in cluster]
        groups.append({"name_zh": rows[0]["name_zh"] if rows else None, "plans": len({r["plan"]["iri"] for r in rows}),
                       "indicators": rows})
    return sorted(groups, key=lambda g: (-g["plans"], g["name_zh"] or ""))


def compare_csv(groups: list[dict[str, Any]]) -> str:
    """``compare``'s groups as CSV, one line per indicator row (UTF-8 with a BOM, for spreadsheets)."""
    out = io.StringIO()
    writer = csv.writer(out)
    roles = ("baseline", "target", "actual")
    writer.writerow(["group", "plan", "level", "indicator", "id", *(f"{r}_{f}" for r in roles for f in ("text", "value")),
                     "unit", "target_year", "attribute", "aligned_method", "aligned_score"])
    for number, group in enumerate(groups, start=1):
        first = group["indicators"][0]["iri"] if group["indicators"] else None
        for row in group["indicators"]:
            link = next((a for a in row["alignments"] if a["indicator"]["iri"] == first), None)
            writer.writerow([number, row["plan"]["name_zh"], row.get("level") or "", row["name_zh"], row["id"],
                             *((row.get(r) or {}).get(f) for r in roles for f in ("text", "value")),
                             row.get("unit") or "", (row.get("target") or {}).get("year") or "",
                             row.get("attribute") or "", link["method"] if link else "", link["score"] if link else ""])
    return "\ufeff" + out.getvalue()
