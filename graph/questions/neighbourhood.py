"""An entity's neighbourhood (breadth first, bounded) and the shortest path between two entities.

Both answer ``{"nodes": […], "edges": […]}``; every edge keeps its direction, its
type and, for relationships a sentence states (``SERVES``, ``IN_DOMAIN``,
``ALIGNED_WITH``…), the evidence.  What differs between engines: the functions
for a relationship's type and direction and a node's label, how a list of nodes
of several labels is looked up (``_frontier``), and the shortest-path syntax.
"""

from __future__ import annotations

from typing import Any

from policykg.graph.questions.lookups import Lookups, entry_ref

MAX_DEPTH, MAX_PATH = 3, 8
EDGES_PER_NODE = 2  # an answer holds at most this many edges per node of ``max_nodes``: the steps' LIMIT
_TYPE_OF = {"ladybug": "label(r)", "neo4j": "type(r)", "falkordb": "type(r)"}
_LABEL_OF = {"ladybug": "label(b)", "neo4j": "labels(b)[0]", "falkordb": "labels(b)[0]"}
# Whether ``r`` starts at the frontier's node ``a`` (the match is undirected): on an undirected match
# LadybugDB's start_node(r) is ``a`` whichever way ``r`` points; its hidden ``_SRC`` is not.
_FORWARD = {"ladybug": "struct_extract(r, '_SRC') = id(a)", "neo4j": "startNode(r) = a",
            "falkordb": "startNode(r) = a"}
# One step: the frontier's nodes looked up by key and their relationships either way (``_match``), at most
# ``$limit`` rows.  One between two frontier nodes is read from its start only; none back to the frontier before
# (``$done``: that step read them).
_STEP = """{match}
WITH a, r, b, {forward} AS forward
WHERE b IS NOT NULL AND (forward OR NOT b.iri IN $iris){where}
RETURN a.iri AS a, {type} AS type, b.iri AS b, forward, {evidence}
LIMIT $limit"""
# The step once the answer holds ``max_nodes``: only relationships between frontier nodes can join it, and each
# is an outgoing one of a frontier node (no direction to find, half the relationships to read).
_WITHIN = """{match}
WITH a, r, b WHERE b IS NOT NULL AND b.iri IN $iris
RETURN a.iri AS a, {type} AS type, b.iri AS b, true AS forward, {evidence}
LIMIT $limit"""
_EVIDENCE = ("r.quotes AS quotes, r.documents AS documents, r.divisions AS divisions, r.spans AS spans, "
             "r.matched AS matched, r.method AS method, r.score AS score")
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
               max_nodes: int = 300) -> dict[str, Any]:
    """Nodes within ``depth`` steps (either direction) of ``iri``, only of ``types`` if given, at most ``max_nodes``.

    Breadth first: a node is kept before any node farther away. When a limit cuts the answer (``truncated``),
    which nodes of the last level reached are kept is the engine's order, and edges between kept nodes may
    be missing. An answer holds at most ``EDGES_PER_NODE × max_nodes`` edges; each step is one statement that
    stops at the edges the answer may still hold and, once it is full of nodes, reads only edges between them,
    so a hub (a programme kind, a broad group: thousands of programmes at thousands of plans) sends Python
    what the answer can hold, not its degree."""
    seen = {iri: 0}
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
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
            edges.setdefault(_key(row), _edge(lookups, row))
        frontier, done = reached, looked_up
        if not frontier:
            break
    nodes = [{**_node(lookups, n), "distance": d} for n, d in sorted(seen.items(), key=lambda kv: (kv[1], kv[0]))]
    return {"nodes": nodes, "edges": [e for k, e in sorted(edges.items()) if k[0] in seen and k[2] in seen],
            "truncated": truncated}


def _step(lookups: Lookups, frontier: list[str], done: list[str], types: set[str] | None, full: bool,
          limit: int) -> list[dict[str, Any]]:
    """At most ``limit`` relationships at the frontier, outgoing and incoming, as (a, other) rows with
    ``forward``, in one statement; only those between frontier nodes when the answer is ``full``."""
    if not frontier:
        return []
    dialect = lookups.reader.dialect
    labels = sorted({lookups.index.by_iri[i].label for i in frontier})
    where = "".join(clause for clause, given in ((" AND NOT b.iri IN $done", done),
                                                 (f" AND {_LABEL_OF[dialect]} IN $types", types)) if given)
    statement = (_WITHIN if full else _STEP).format(
        match=_match(dialect, labels, len(frontier), "-[r]->" if full else "-[r]-"), forward=_FORWARD[dialect],
        type=_TYPE_OF[dialect], where=where, evidence=_EVIDENCE)
    params = {"iri": frontier[0], "iris": frontier, "done": done, "types": sorted(types or ()), "limit": limit}
    return lookups.rows(statement, **{name: value for name, value in params.items() if f"${name}" in statement})


def _match(dialect: str, labels: list[str], nodes: int, arrow: str) -> str:
    """The frontier's nodes as ``a`` and their relationships ``r`` to ``b``.

    One node is a key lookup followed by its own adjacency, which the engine stops at the LIMIT; a list is
    looked up (``_frontier``) and then followed with ``OPTIONAL MATCH`` (``Lookups.keyed`` says why)."""
    if nodes == 1:
        return f"MATCH (a:{labels[0]} {{iri: $iri}}){arrow}(b)"
    return f"{_frontier(dialect, labels)}\nOPTIONAL MATCH (a){arrow}(b)"


def _frontier(dialect: str, labels: list[str]) -> str:
    """The frontier's nodes as ``a``, each looked up by key under its label.

    LadybugDB and Neo4j take a label disjunction (``a:Plan|Programme``; LadybugDB looks a single label up by
    its primary key, several by joining their tables); FalkorDB does not, so there each label is an
    ``OPTIONAL MATCH`` of its own (an index lookup each) and ``a`` the one that matched."""
    if dialect != "falkordb" or len(labels) == 1:
        return f"UNWIND $iris AS i MATCH (a:{'|'.join(labels)} {{iri: i}})"
    lookups = " ".join(f"OPTIONAL MATCH (a{n}:{label} {{iri: i}})" for n, label in enumerate(labels))
    found = ", ".join(f"a{n}" for n in range(len(labels)))
    return f"UNWIND $iris AS i {lookups} WITH coalesce({found}) AS a WHERE a IS NOT NULL"


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
                                                         n=min(max_length, MAX_PATH))
    rows = lookups.rows(statement, a=start, b=end, k=SHORTEST_PATHS)  # a LIMIT in the text costs memory (reader)
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
