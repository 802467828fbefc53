"""The page's ready-made views, each as a neighbourhood-shaped answer plus what is listed beside the graph.

Each view asks the same questions the REST API answers (``graph.neighbourhood``,
``graph.programmes``, ``graph.plans``), so the page and ``/api/…`` never
disagree, and gives ``{"focus", "nodes", "edges", "side"}``; ``projection``
draws the graph part and the page renders ``side`` (a list of programmes with
their quotes, a table of aligned indicators).

Where plans sit says their level, so those views place them (``vis: {"x", "y",
"fixed"}`` on the node; physics leaves pinned nodes alone): the overview in rows,
national at the top; the cascade as its table, a column per level (national at
the left) and a line per set of aligned indicators.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from policykg.graph.questions import coverage, neighbourhood, plans, programmes
from policykg.graph.questions.entity_index import entity_id
from policykg.graph.questions.lookups import Lookups, entry_ref

LEVEL_GAP = 260  # vertical distance between two plan levels, in vis-network units
COLUMN_GAP = 320  # horizontal distance between two plans of one level: room for their names
CASCADE_COLUMN, CASCADE_LINE = 300, 56  # the cascade's grid: a column per plan level, a line per aligned set


def neighbours(lookups: Lookups, iri: str, depth: int, types: set[str] | None, limit: int) -> dict[str, Any]:
    """An entity's neighbourhood, as ``/api/entities/{id}/neighbours`` answers it (each edge's sentences
    counted, fetched from /api/relations when the edge is clicked), with its focus."""
    answer = neighbourhood.neighbours(lookups, iri, depth, types, limit, evidence=False)
    return {**answer, "focus": entity_id(iri), "side": {}}


# -- plans ------------------------------------------------------------------------------------------

def ranks(documents: list[dict[str, Any]], pairs: list[tuple[str, str]]) -> dict[str, float]:
    """How far down the cascade each document sits: 0 national, 1 provincial, 2 municipal, 3 county.

    A plan only cited (no level of its own) sits half a level above the first plan based on it."""
    rank = {d["iri"]: float(plans.LEVEL_ORDER[d["level"]]) for d in documents if d["level"] in plans.LEVEL_ORDER}
    for source, target in pairs:
        if target not in rank and source in rank:
            rank[target] = rank[source] - 0.5
    return rank


def _plan_nodes(documents: list[dict[str, Any]], rank: dict[str, float]) -> list[dict[str, Any]]:
    """Plan nodes in rows by level (national at the top), each row centred, pinned: nothing else to place."""
    rows: dict[float, list[dict[str, Any]]] = {}
    for document in documents:
        rows.setdefault(rank.get(document["iri"], 1.0), []).append(document)
    nodes = []
    for level, row in rows.items():
        for column, document in enumerate(row):
            nodes.append({**{k: document[k] for k in ("id", "iri", "type", "name_zh", "name_en")},
                          "vis": {"x": round((column - (len(row) - 1) / 2) * COLUMN_GAP), "y": round(level * LEVEL_GAP),
                                  "fixed": {"x": True, "y": True}}})
    return nodes


def overview(lookups: Lookups) -> dict[str, Any]:
    """Every plan and article of the corpus and the plans they cite, by level, with BASED_ON between them."""
    documents = plans.documents(lookups)
    pairs = plans.based_on(lookups)
    nodes = _plan_nodes(documents, ranks(documents, pairs))
    edges = [{"source": s, "type": "BASED_ON", "target": t} for s, t in pairs]
    focus = next((d["id"] for d in documents if d["level"] == "national"), None)
    return {"focus": focus, "nodes": nodes, "edges": edges, "truncated": False,
            "side": {"plans": [_plan_summary(d) for d in documents]}}


def _plan_summary(document: dict[str, Any]) -> dict[str, Any]:
    return {**{k: document[k] for k in ("id", "iri", "type", "name_zh", "name_en", "level", "in_corpus",
                                        "programmes", "indicators")},
            "jurisdiction": document["jurisdiction"]}


def cascade(lookups: Lookups, iri: str) -> dict[str, Any]:
    """A plan, the plans it is based on (up) and those based on it (down), and the indicators that align.

    ``side.rows`` is the table: one row per set of aligned indicators (a connected
    component of ALIGNED_WITH among the cascade's indicators) found in at least
    two of its plans, one cell per plan.  The drawing is the same table turned
    into a grid: one column per plan level (its plan at the head, its indicators
    below it), one line per set of aligned indicators, so an alignment reads
    across from the national plan to the municipal one."""
    documents = {d["iri"]: d for d in plans.documents(lookups)}
    pairs = plans.based_on(lookups)
    members = {iri} | _reach(pairs, iri, up=True) | _reach(pairs, iri, up=False)
    rank = ranks(list(documents.values()), pairs)
    ordered = sorted(members, key=lambda p: (rank.get(p, 9), p))
    edges = [{"source": s, "type": "BASED_ON", "target": t} for s, t in pairs if s in members and t in members]

    rows_by_iri = {row["iri"]: row for row in plans.indicators(lookups, plans=members)}
    aligned = nx.Graph()
    for plan_iri in ordered:
        if documents.get(plan_iri, {}).get("in_corpus"):
            for edge in neighbourhood.neighbours(lookups, plan_iri, 2, {"Plan", "Indicator"}, 2000)["edges"]:
                if edge["type"] == "ALIGNED_WITH" and edge["source"] in rows_by_iri and edge["target"] in rows_by_iri:
                    aligned.add_edge(edge["source"], edge["target"], method=edge.get("method"), score=edge.get("score"))
    table = []
    for component in nx.connected_components(aligned):
        rows = sorted((rows_by_iri[i] for i in component), key=lambda r: (rank.get(r["plan"]["iri"], 9), r["iri"]))
        if len({r["plan"]["iri"] for r in rows}) >= 2:
            table.append({"name_zh": rows[0]["name_zh"], "cells": [_cell(r) for r in rows], "rows": rows})
    table.sort(key=lambda r: (-len({c["plan"]["id"] for c in r["cells"]}), r["name_zh"] or ""))

    nodes: list[dict[str, Any]] = []
    heads = 0
    for plan_iri in ordered:  # one column per level, national at the left; cited-only plans above their column
        if plan_iri in documents:
            document, level = documents[plan_iri], rank.get(plan_iri, 1.0)
            above = sum(1 for n in nodes if n["vis"]["x"] == round(level * CASCADE_COLUMN))
            if document["in_corpus"]:  # every other head a little higher: BASED_ON lines do not run through one
                y, heads = -90 - 60 * (heads % 2), heads + 1
            else:
                y = -240 - 60 * above
            nodes.append({**{k: document[k] for k in ("id", "iri", "type", "name_zh", "name_en")},
                          "vis": {"x": round(level * CASCADE_COLUMN), "y": y, "fixed": {"x": True, "y": True}}})
    shown = set()
    for line, group in enumerate(table):  # one line per set of aligned indicators, as in the table
        beside: dict[str, int] = {}
        for row in group.pop("rows"):
            plan_iri = row["plan"]["iri"]
            beside[plan_iri] = beside.get(plan_iri, 0) + 1
            x = round(rank.get(plan_iri, 1.0) * CASCADE_COLUMN + 70 * (beside[plan_iri] - 1))
            nodes.append({**{k: row[k] for k in ("id", "iri", "type", "name_zh", "name_en")},
                          "vis": {"x": x, "y": line * CASCADE_LINE, "fixed": {"x": True, "y": True}}})
            edges.append({"source": row["iri"], "type": "IN_DOCUMENT", "target": plan_iri})
            shown.add(row["iri"])
    for a, b, data in aligned.edges(data=True):
        if a in shown and b in shown:
            source, target = sorted((a, b), key=lambda i: (rank.get(rows_by_iri[i]["plan"]["iri"], 9), i))
            edges.append({"source": source, "type": "ALIGNED_WITH", "target": target, **data})
    return {"focus": entity_id(iri), "nodes": nodes, "edges": edges, "truncated": False,
            "side": {"plans": [_plan_summary(documents[p]) for p in ordered if p in documents], "rows": table,
                     "coverage": coverage.coverage(lookups, iri)}}


def _reach(pairs: list[tuple[str, str]], start: str, up: bool) -> set[str]:
    """The plans ``start`` is based on (``up``), or those based on it, at any number of steps."""
    step: dict[str, set[str]] = {}
    for source, target in pairs:
        a, b = (source, target) if up else (target, source)
        step.setdefault(a, set()).add(b)
    found: set[str] = set()
    frontier = [start]
    while frontier:
        frontier = [n for p in frontier for n in step.get(p, ()) if n not in found and n != start]
        found.update(frontier)
    return found


def _cell(row: dict[str, Any]) -> dict[str, Any]:
    """One indicator row as the tables show it: plan, values with unit and year, attribute."""
    return {**{k: row.get(k) for k in ("id", "iri", "name_zh", "name_en", "plan", "unit", "attribute", "level",
                                       "baseline", "target", "actual", "table")},
            "alignments": row.get("alignments", [])}


# -- indicators across plans ------------------------------------------------------------------------

def compare(lookups: Lookups, text: str) -> dict[str, Any]:
    """``/api/indicators/compare?q=``: each group of aligned indicators with their plans, and the table rows."""
    groups = plans.compare(lookups, text)
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for group in groups:
        for row in group["indicators"]:
            nodes[row["iri"]] = {k: row[k] for k in ("id", "iri", "type", "name_zh", "name_en")}
            nodes.setdefault(row["plan"]["iri"], dict(row["plan"]))
            edges[(row["iri"], row["plan"]["iri"])] = {"source": row["iri"], "type": "IN_DOCUMENT",
                                                        "target": row["plan"]["iri"]}
            for link in row["alignments"]:
                other = link["indicator"]["iri"]
                if (other, row["iri"]) not in edges:  # rows are ordered national first: keep that direction
                    edges[(row["iri"], other)] = {"source": row["iri"], "type": "ALIGNED_WITH", "target": other,
                                                  "method": link["method"], "score": link["score"]}
    top = groups[0]["indicators"][0]["id"] if groups and groups[0]["indicators"] else None
    return {"focus": top, "nodes": list(nodes.values()), "edges": list(edges.values()), "truncated": False,
            "side": {"q": text, "groups": [{"name_zh": g["name_zh"], "plans": g["plans"],
                                            "rows": [_cell(r) for r in g["indicators"]]} for g in groups]}}


# -- programmes serving a group ---------------------------------------------------------------------

def group(lookups: Lookups, iri: str) -> dict[str, Any]:
    """A target group, every narrower group, the programmes serving any of them (SERVES, with the sentence
    that says so) and their plans; ``side.programmes`` lists them with the group matched and the quote."""
    depths = lookups.narrower("TargetGroup", iri)
    found, _ = programmes.find(lookups, programmes.ProgrammeFilter(group=iri))
    described = programmes.cards(lookups, found, depths)
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, Any]] = []
    for concept in lookups.hierarchy("TargetGroup"):
        if concept["iri"] in depths:
            nodes[concept["iri"]] = {k: concept[k] for k in ("id", "iri", "type", "name_zh", "name_en")}
            broader = (lookups.index.get(b) for b in concept["broader"])
            edges += [{"source": concept["iri"], "type": "BROADER", "target": b.iri}
                      for b in broader if b is not None and b.iri in depths]
    listed = []
    for programme in described:
        nodes[programme["iri"]] = {k: programme[k] for k in ("id", "iri", "type", "name_zh", "name_en")}
        if programme["plan"]:
            nodes.setdefault(programme["plan"]["iri"], dict(programme["plan"]))
            edges.append({"source": programme["iri"], "type": "IN_DOCUMENT", "target": programme["plan"]["iri"]})
        links = [link for link in programme["serves"] if link["concept"]["iri"] in depths]
        for link in links:
            edges.append({"source": programme["iri"], "type": "SERVES", "target": link["concept"]["iri"],
                          "evidence": link["evidence"], "matched_words": link["matched_words"]})
        listed.append({**{k: programme[k] for k in ("id", "iri", "name_zh", "name_en", "kind", "plan")},
                       "matched_groups": programme["matched_groups"],
                       "serves": links})
    entry = lookups.index.by_iri[iri]
    return {"focus": entry.id, "nodes": list(nodes.values()), "edges": edges, "truncated": False,
            "side": {"group": entry_ref(entry), "narrower": len(depths) - 1, "programmes": listed}}
