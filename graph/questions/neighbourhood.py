"""An entity's neighbourhood (breadth first, bounded) and the shortest path between two entities.

Both answer ``{"nodes": […], "edges": […]}``; every edge keeps its direction, its
type and, for relationships a sentence states (``SERVES``, ``IN_DOMAIN``,
``ALIGNED_WITH``…), the evidence.  A neighbourhood is read from the adjacency the
build prepared (``prepared.sql``: each node's relationships either way, with what an
edge shows), so a step costs the rows the answer can hold, on every backend; a
path is asked of the engine (the shortest-path syntax is what differs between them).
"""

from __future__ import annotations

from typing import Any

from policykg.graph.questions.lookups import Lookups, entry_ref

MAX_DEPTH, MAX_PATH = 3, 8
EDGES_PER_NODE = 2  # an answer holds at most this many edges per node of ``max_nodes``: what a step reads
# The text layer (every sentence of every plan): searched through /api/passages and read in context, not
# drawn among the entities (a plan's neighbourhood would be its hundreds of sentences).
NOT_DRAWN = frozenset({"Passage"})
TYPE_OF = {"ladybug": "label(r)", "neo4j": "type(r)", "falkordb": "type(r)"}  # a relationship's type
# What an edge shows of a relationship a sentence states (prepare.py keeps it with each relationship).
EVIDENCE_FIELDS = ("quotes", "documents", "divisions", "spans", "matched", "method", "score")
EVIDENCE = ", ".join(f"r.{name} AS {name}" for name in EVIDENCE_FIELDS)
# Every shortest path (up to SHORTEST_PATHS of them): engines pick different ones among equals, so
# the answer is the first in order of iris, the same on every backend.
SHORTEST_PATHS = 200
_SHORTEST = {
    "ladybug": "MATCH p = (a:{la} {{iri: $a}})-[* ALL SHORTEST 1..{n}]-(b:{lb} {{iri: $b}}) "
               "RETURN properties(nodes(p), 'iri') AS iris LIMIT $k",
    "neo4j": "MATCH p = allShortestPaths((a:{la} {{iri: $a}})-[*..{n}]-(b:{lb} {{iri: $b}})) "
             "RETURN [x IN nodes(p) | x.iri] AS iris LIMIT $k",
}
_SHORTEST["falkordb"] = (  # FalkorDB's shortestPath() follows relationship direction only
    "MATCH (a:{la} {{iri: $a}}), (b:{lb} {{iri: $b}}) CALL algo.SPpaths({{sourceNode: a, targetNode: b, "
    "relDirection: 'both', maxLen: {n}, pathCount: 0}}) YIELD path RETURN [x IN nodes(path) | x.iri] AS iris "
    "LIMIT $k")
_BETWEEN = """
MATCH (a:{la} {{iri: $a}})-[r]->(b:{lb} {{iri: $b}})
RETURN a.iri AS a, {type} AS type, b.iri AS b, r.quotes AS quotes, r.documents AS documents,
       r.divisions AS divisions, r.spans AS spans, r.matched AS matched, r.method AS method, r.score AS score"""


def neighbours(lookups: Lookups, iri: str, depth: int = 1, types: set[str] | None = None,
               max_nodes: int = 300, evidence: bool = True) -> dict[str, Any]:
    """Nodes within ``depth`` steps (either direction) of ``iri``, only of ``types`` if given, at most ``max_nodes``;
    each edge with ``evidence_count`` and, if ``evidence``, the sentences themselves (nine tenths of an answer's
    size: 900 KB for 300 nodes at 5,000 plans).

    Breadth first: a node is kept before any node farther away. When a limit cuts the answer (``truncated``),
    which nodes of the last level reached are kept is the prepared order (relationship type, then the ends'
    IRIs), and edges between kept nodes may be missing. An answer holds at most ``EDGES_PER_NODE × max_nodes``
    edges; each step stops at the edges the answer may still hold and, once it is full of nodes, reads only
    edges between them, so a hub (a programme kind, a broad group: thousands of programmes at thousands of
    plans) costs what the answer can hold, not its degree."""
    seen = {iri: 0}
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}  # the first row read of each relationship
    frontier, done, truncated = [iri], [], False
    for level in range(1, min(depth, MAX_DEPTH) + 1):
        room = EDGES_PER_NODE * max_nodes - len(edges)
        if room <= 0:
            truncated = True
            break
        looked_up = [i for i in frontier if i in lookups.index.by_iri]
        full = truncated and len(seen) >= max_nodes  # no node can join: only edges between kept ones
        rows = _step(lookups, looked_up, done, types, full, room + 1)  # a row more than room: is there more?
        truncated |= len(rows) > room
        reached: list[str] = []
        for row in rows[:room]:
            other = row["b"]
            if other not in seen:
                if len(seen) >= max_nodes:
                    truncated = True
                    continue
                seen[other] = level
                reached.append(other)
            edges.setdefault(_key(row), row)
        frontier, done = reached, looked_up
        if not frontier:
            break
    nodes = [{**_node(lookups, n), "distance": d} for n, d in sorted(seen.items(), key=lambda kv: (kv[1], kv[0]))]
    kept = [row for key, row in sorted(edges.items()) if key[0] in seen and key[2] in seen]
    paths = lookups.paths(division for row in kept for division in row.get("divisions") or ()) if evidence else None
    return {"nodes": nodes, "edges": [_edge(lookups, row, paths) for row in kept], "truncated": truncated}


def _step(lookups: Lookups, frontier: list[str], done: list[str], types: set[str] | None, full: bool,
          limit: int) -> list[dict[str, Any]]:
    """At most ``limit`` relationships at the frontier, outgoing and incoming, as (a, other) rows with
    ``forward``; only those between frontier nodes when the answer is ``full``.

    One statement of the build's prepared adjacency (``Prepared.step``): it walks the frontier node after node
    and stops at ``limit``, so a hub's degree costs nothing beyond the rows the answer can hold.  A relationship
    between two frontier nodes is read from its start only; none goes back to the frontier before (``done``:
    that step read them)."""
    rows = lookups.prepared.between(frontier, limit) if full else lookups.prepared.step(frontier, done, types, limit)
    return [_row(*row) for row in rows]


def _row(a: str, rel_type: str, b: str, forward: int, shown: dict[str, Any] | None) -> dict[str, Any]:
    return {"a": a, "type": rel_type, "b": b, "forward": bool(forward), **(shown or {})}


def _key(row: dict[str, Any]) -> tuple[str, str, str]:
    start, end = (row["a"], row["b"]) if row["forward"] else (row["b"], row["a"])
    return start, row["type"], end


def _edge(lookups: Lookups, row: dict[str, Any], paths: dict[str, list[dict]] | None) -> dict[str, Any]:
    """An edge of an answer; its evidence only when ``paths`` were read for it (None: the count alone)."""
    start, rel_type, end = _key(row)
    edge: dict[str, Any] = {"source": start, "type": rel_type, "target": end,
                            "evidence_count": len(row.get("quotes") or ())}
    if row.get("quotes") and paths is not None:
        edge["evidence"] = lookups.statement_evidence(row["quotes"], row["documents"], row["divisions"], row["spans"],
                                                      paths)
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
                                                         n=min(max_length, MAX_PATH))
    rows = lookups.rows(statement, a=start, b=end, k=SHORTEST_PATHS)  # a LIMIT in the text costs memory (reader)
    if not rows:
        return None
    iris = min((list(row["iris"]) for row in rows), key=lambda path: (len(path), path))
    edges = []
    for a, b in zip(iris, iris[1:]):
        edges.append(relation(lookups, a, None, b) or relation(lookups, b, None, a))
    return {"nodes": [_node(lookups, n) for n in iris], "edges": [e for e in edges if e], "length": len(iris) - 1}


def relation(lookups: Lookups, source: str, rel_type: str | None, target: str) -> dict[str, Any] | None:
    """The relationship ``source -[rel_type]-> target`` (any type if None) with its evidence, as a
    neighbourhood's edge carries it with its sentences (the page asks for them when an edge is clicked)."""
    index = lookups.index.by_iri
    if source not in index or target not in index:
        return None
    statement = _BETWEEN.format(la=index[source].label, lb=index[target].label, type=TYPE_OF[lookups.reader.dialect])
    rows = [row for row in lookups.rows(statement, a=source, b=target) if rel_type in (None, row["type"])]
    return _edge(lookups, {**rows[0], "forward": True}, lookups.paths(rows[0]["divisions"] or ())) if rows else None
