"""A neighbourhood answer → a networkx graph → pyvis → the node and edge lists the page's vis-network draws.

Every view of the page (a neighbourhood, the programmes serving a group, a
plan's cascade, an indicator across plans) is first an answer in the shape of
``/api/entities/{id}/neighbours``: ``nodes`` (API ids, types, names) and
``edges`` (IRIs of both ends, relation type, evidence).  Here it becomes a
``networkx.MultiDiGraph`` (one edge per relation type between two nodes), which
answers the graph questions the page needs (distances from the focus, degrees,
which neighbours to group), and pyvis's ``Network.from_nx`` turns it into
vis-network's options, with colour, shape and legend names per class from
``styles.yaml`` and each edge labelled by its relation in both languages.

Large neighbourhoods: more than ``threshold`` neighbours of one class around one
node, farther from the focus than that node, are listed as a *cluster*; the page
folds them into one node (vis-network ``cluster``) that opens on double-click, so
the national plan's hundreds of parts do not freeze the tab.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx
from pyvis.network import Network

from policykg.visual.styles import Styles

FAR = 10**6  # the distance of a node not connected to the focus
EDGE_KEYS = ("evidence", "evidence_count", "matched_words", "method", "score")  # what an edge carries from the API


def to_networkx(answer: dict[str, Any]) -> nx.MultiDiGraph:
    """The answer's nodes (keyed by API id) and edges (keyed by relation type, with their evidence)."""
    graph = nx.MultiDiGraph()
    id_of: dict[str, str] = {}
    for node in answer["nodes"]:
        attrs = {k: node.get(k) for k in ("iri", "type", "name_zh", "name_en")}
        if node.get("vis"):
            attrs["vis"] = node["vis"]
        graph.add_node(node["id"], **attrs)
        id_of[node["iri"]] = node["id"]
    for edge in answer["edges"]:
        source, target = id_of.get(edge["source"]), id_of.get(edge["target"])
        if source is None or target is None:
            continue
        attrs = {k: edge[k] for k in EDGE_KEYS if edge.get(k) is not None}
        graph.add_edge(source, target, key=edge["type"], type=edge["type"], **attrs)
    return graph


def distances(graph: nx.MultiDiGraph, focus: str | None) -> dict[str, int]:
    """Steps from the focus, either direction on each step (what the neighbourhood's depth counts)."""
    if focus is None or focus not in graph:
        return {}
    return nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), focus)


def cluster_plan(graph: nx.MultiDiGraph, focus: str | None, threshold: int,
                 keep: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Groups of more than ``threshold`` neighbours of one class around one node (the *hub*).

    Only neighbours farther from the focus than the hub are grouped (the outer
    shell: what the hub brought in), each node in one group at most, the focus
    and ``keep`` never.  Hubs are taken nearest the focus first, then by degree,
    so the national plan's parts are grouped around the plan itself.
    """
    if threshold <= 0 or not graph:
        return []
    distance = distances(graph, focus)
    undirected = graph.to_undirected(as_view=True)
    pinned = set(keep) | ({focus} if focus else set())
    hubs = sorted(graph.nodes, key=lambda n: (distance.get(n, FAR), -undirected.degree(n), n))
    grouped: set[str] = set()
    plan = []
    for hub in hubs:
        if hub in grouped:
            continue
        by_type: dict[str, list[str]] = defaultdict(list)
        for other in undirected.neighbors(hub):
            if other in grouped or other in pinned or distance.get(other, FAR) <= distance.get(hub, FAR):
                continue
            by_type[graph.nodes[other]["type"] or "?"].append(other)
        for node_type, members in sorted(by_type.items()):
            if len(members) > threshold:
                plan.append({"id": f"cluster:{hub}:{node_type}", "hub": hub, "type": node_type,
                             "members": sorted(members)})
                grouped.update(members)
    return plan


def names(node_id: str, data: dict[str, Any], styles: Styles) -> dict[str, str]:
    """The full name of a node in each language: its own, the other language's, or what its id says it is."""
    zh, en = data.get("name_zh"), data.get("name_en")
    if not zh and not en:
        last = node_id.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        named = styles.unnamed.get(last)
        zh, en = (named["zh"], named["en"]) if named else (last, last)
    return {"zh": zh or en or node_id, "en": en or zh or node_id}


def short(text: str, most: int) -> str:
    """A label cut to ``most`` characters (the tooltip and the side panel show it whole)."""
    return text if len(text) <= most else text[:most - 1].rstrip() + "…"


def _node_options(node_id: str, data: dict[str, Any], styles: Styles, degree: int, focus: str | None) -> dict:
    style = styles.of(data.get("type"))
    full = names(node_id, data, styles)
    grow = 1.6 if node_id == focus else 1.0
    options = {**style.vis(), "size": round((style.size + min(12.0, 2.5 * math.log2(1 + degree))) * grow),
               "type": style.name, "iri": data.get("iri"),
               "name_zh": full["zh"], "name_en": full["en"],
               "label_zh": short(full["zh"], styles.label_max["zh"]),
               "label_en": short(full["en"], styles.label_max["en"]),
               "title": "\n".join(dict.fromkeys([full["zh"], full["en"], f"{style.zh} · {style.en}"]))}
    options["label"] = options["label_zh"]
    if node_id == focus:
        options["borderWidth"] = 4
    options.update(data.get("vis") or {})
    return options


def _edge_options(source: str, rel_type: str, target: str, data: dict[str, Any], styles: Styles) -> dict:
    relation = styles.relation(rel_type)
    options = {"id": f"{source} -[{rel_type}]-> {target}", "type": rel_type, "label": relation["zh"],
               "label_zh": relation["zh"], "label_en": relation["en"],
               "title": f"{relation['zh']} · {relation['en']}", **styles.edge_vis(rel_type)}
    for key in EDGE_KEYS:
        if key in data:
            options[key] = data[key]
    if data.get("matched_words"):
        options["title"] += "\n" + "、".join(data["matched_words"])
    return options


def to_vis(graph: nx.MultiDiGraph, styles: Styles, focus: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """vis-network nodes and edges, made by pyvis from a networkx graph whose attributes are vis options."""
    drawn = nx.MultiDiGraph()
    undirected = graph.to_undirected(as_view=True)
    for node_id, data in graph.nodes(data=True):
        drawn.add_node(node_id, **_node_options(node_id, data, styles, undirected.degree(node_id), focus))
    for source, target, rel_type, data in graph.edges(keys=True, data=True):
        drawn.add_edge(source, target, key=rel_type, **_edge_options(source, rel_type, target, data, styles))
    network = Network(directed=True)
    network.from_nx(drawn, show_edge_weights=False)
    return {"nodes": network.nodes, "edges": network.edges}


def cluster_options(cluster: dict[str, Any], styles: Styles) -> dict[str, Any]:
    """How a folded group is drawn: its class's shape and colour, larger, with the count in the label."""
    style = styles.of(cluster["type"])
    count = len(cluster["members"])
    vis = style.vis()
    return {**cluster, "count": count, "label_zh": f"{style.zh} ×{count}", "label_en": f"{style.en} ×{count}",
            "node": {**vis, "size": round(style.size * 1.8 + 6), "borderWidth": 3, "font": {"size": 22},
                     "shapeProperties": {"borderDashes": [6, 3]},
                     "title": f"{style.zh} ×{count} · {style.en} ×{count}\n双击展开 · double-click to open"}}


def project(answer: dict[str, Any], styles: Styles, threshold: int | None = None,
            keep: Iterable[str] = ()) -> dict[str, Any]:
    """The answer drawn: vis nodes and edges, the groups to fold, counts, and the answer's own extra fields."""
    focus = answer.get("focus")
    graph = to_networkx(answer)
    threshold = styles.cluster_threshold if threshold is None else threshold
    clusters = cluster_plan(graph, focus, threshold, keep)
    drawn = to_vis(graph, styles, focus)
    extra = {k: v for k, v in answer.items() if k not in ("nodes", "edges")}
    return {**extra, **drawn, "clusters": [{**cluster_options(c, styles), "threshold": threshold} for c in clusters],
            "counts": {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}}
