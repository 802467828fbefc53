"""An entity's neighbourhood (breadth first, bounded) and the shortest path between two entities.

Both answer ``{"nodes": […], "edges": […]}``; every edge keeps its direction, its
type and, for relationships a sentence states (``SERVES``, ``IN_DOMAIN``,
``ALIGNED_WITH``…), the evidence.  The only statements that differ between
engines are the relationship-type function and the shortest-path syntax.
"""

from __future__ import annotations

from typing import Any

from policykg.graph.questions.lookups import Lookups, entry_ref

MAX_DEPTH, MAX_PATH = 3, 8
_TYPE_OF = {"ladybug": "label(r)", "neo4j": "type(r)", "falkordb": "type(r)"}
_STEP = """
UNWIND $iris AS i MATCH (a:{label} {{iri: i}})
OPTIONAL MATCH (a){arrow}(b)
RETURN a.iri AS a, {type} AS type, b.iri AS b, r.quotes AS quotes, r.documents AS documents,
       r.divisions AS divisions, r.spans AS spans, r.matched AS matched, r.method AS method, r.score AS score"""
# Every shortest path (up to SHORTEST_PATHS of them): engines pick different ones among equals, so
# the answer is the first in order of iris, the same on every backend.
SHORTEST_PATHS = 200
_SHORTEST = {
    "ladybug": "MATCH p = (a:{la} {{iri: $a}})-[* ALL SHORTEST 1..{n}]-(b:{lb} {{iri: $b}}) "
               "RETURN properties(nodes(p), 'iri') AS iris LIMIT {k}",
    "neo4j": "MATCH p = allShortestPaths((a:{la} {{iri: $a}})-[*..{n}]-(b:{lb} {{iri: $b}})) "
             "RETURN [x IN nodes(p) | x.iri] AS iris LIMIT {k}",
}
_SHORTEST["falkordb"] = (  # FalkorDB's shortestPath() follows relationship direction only
    "MATCH (a:{la} {{iri: $a}}), (b:{lb} {{iri: $b}}) CALL algo.SPpaths({{sourceNode: a, targetNode: b, "
    "relDirection: 'both', maxLen: {n}, pathCount: 0}}) YIELD path RETURN [x IN nodes(path) | x.iri] AS iris "
    "LIMIT {k}")
_BETWEEN = """
MATCH (a:{la} {{iri: $a}})-[r]->(b:{lb} {{iri: $b}})
RETURN a.iri AS a, {type} AS type, b.iri AS b, r.quotes AS quotes, r.documents AS documents,
       r.divisions AS divisions, r.spans AS spans, r.matched AS matched, r.method AS method, r.score AS score"""


def neighbours(lookups: Lookups, iri: str, depth: int = 1, types: set[str] | None = None,
               max_nodes: int = 300) -> dict[str, Any]:
    """Nodes within ``depth`` steps (either direction) of ``iri``, only of ``types`` if given, at most ``max_nodes``.

    When the limit cuts the answer (``truncated``), which nodes are kept is the engine's order, and edges
    between kept nodes may be missing: without ``types``, each statement of a step reads at most
    ``2 × max_nodes`` relationships, so a hub (a programme kind, a broad group: thousands of programmes at
    thousands of plans) costs what the answer can hold, not its degree."""
    seen = {iri: 0}
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    frontier, truncated = [iri], False
    for level in range(1, min(depth, MAX_DEPTH) + 1):
        reached: list[str] = []
        rows, cut = _step(lookups, frontier, None if types else 2 * max_nodes)
        truncated |= cut
        for row in rows:
            other = row["b"]
            label = lookups.index.by_iri[other].label if other in lookups.index.by_iri else None
            if types and label not in types:
                continue
            if other not in seen:
                if len(seen) >= max_nodes:
                    truncated = True
                    continue
                seen[other] = level
                reached.append(other)
            edges.setdefault(_key(row), _edge(lookups, row))
        frontier = reached
        if not frontier:
            break
    nodes = [{**_node(lookups, n), "distance": d} for n, d in sorted(seen.items(), key=lambda kv: (kv[1], kv[0]))]
    return {"nodes": nodes, "edges": [e for k, e in sorted(edges.items()) if k[0] in seen and k[2] in seen],
            "truncated": truncated}


def _step(lookups: Lookups, frontier: list[str], limit: int | None) -> tuple[list[dict[str, Any]], bool]:
    """Every relationship at the frontier, outgoing and incoming, as (a → other) rows with ``forward``; and
    whether a statement stopped at ``limit`` rows.

    The frontier is looked up by key, label by label (``Lookups.keyed``): an unlabelled
    ``(a) WHERE a.iri IN …`` scanned every table of the graph twice per step."""
    by_label: dict[str, list[str]] = {}
    for iri in frontier:
        entry = lookups.index.by_iri.get(iri)
        if entry is not None:
            by_label.setdefault(entry.label, []).append(iri)
    rows, cut = [], False
    type_of = _TYPE_OF[lookups.reader.dialect]
    for label, iris in sorted(by_label.items()):
        for arrow, forward in (("-[r]->", True), ("<-[r]-", False)):
            statement = _STEP.format(label=label, arrow=arrow, type=type_of) + (f" LIMIT {limit}" if limit else "")
            found = lookups.rows(statement, iris=iris) if limit else lookups.keyed(statement, iris)
            cut |= limit is not None and len(found) >= limit
            rows += [{**row, "forward": forward} for row in found if row["b"] is not None]
    return rows, cut


def _key(row: dict[str, Any]) -> tuple[str, str, str]:
    start, end = (row["a"], row["b"]) if row["forward"] else (row["b"], row["a"])
    return start, row["type"], end


def _edge(lookups: Lookups, row: dict[str, Any]) -> dict[str, Any]:
    start, rel_type, end = _key(row)
    edge: dict[str, Any] = {"source": start, "type": rel_type, "target": end}
    if row.get("quotes"):
        edge["evidence"] = lookups.statement_evidence(row["quotes"], row["documents"], row["divisions"], row["spans"])
    if row.get("matched"):
        edge["matched_words"] = list(row["matched"])
    if row.get("method"):
        edge["method"], edge["score"] = row["method"], row["score"]
    return edge


def _node(lookups: Lookups, iri: str) -> dict[str, Any]:
    entry = lookups.index.by_iri.get(iri)
    return entry_ref(entry) if entry else {"id": iri, "iri": iri, "type": None, "name_zh": None, "name_en": None}


def path(lookups: Lookups, start: str, end: str, max_length: int = 6) -> dict[str, Any] | None:
    """A shortest path (either direction on each step) from ``start`` to ``end``, or None within ``max_length``."""
    index = lookups.index.by_iri
    statement = _SHORTEST[lookups.reader.dialect].format(la=index[start].label, lb=index[end].label,
                                                         n=min(max_length, MAX_PATH), k=SHORTEST_PATHS)
    rows = lookups.rows(statement, a=start, b=end)
    if not rows:
        return None
    iris = min((list(row["iris"]) for row in rows), key=lambda path: (len(path), path))
    edges = []
    for a, b in zip(iris, iris[1:]):
        edges.append(_between(lookups, a, b) or _between(lookups, b, a))
    return {"nodes": [_node(lookups, n) for n in iris], "edges": [e for e in edges if e], "length": len(iris) - 1}


def _between(lookups: Lookups, a: str, b: str) -> dict[str, Any] | None:
    index = lookups.index.by_iri
    statement = _BETWEEN.format(la=index[a].label, lb=index[b].label, type=_TYPE_OF[lookups.reader.dialect])
    rows = lookups.rows(statement, a=a, b=b)
    return _edge(lookups, {**rows[0], "forward": True}) if rows else None
