"""A networkx projection of the ``PropertyGraph``, and the analytics the page shows.

- ``to_networkx(pg)``: a ``MultiDiGraph`` keyed by node iri; node attributes
  ``label``, ``name_zh``, ``name_en`` ("" when the node has none, so every node
  has all three); one edge per relationship, keyed by and carrying ``type``.
- ``centrality(pg, labels)``: degree (relationships in + out) and betweenness
  (normalised, on the undirected simple graph of the *whole* projection) of the
  nodes with one of ``labels``, most central first.
- ``shortest_path(pg, a, b)``: the iris of a shortest undirected path.

networkx is imported lazily, so importing this module never fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from policykg.graph.mapping.model import PropertyGraph, Value

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx


def _nx():
    try:
        import networkx
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("the networkx projection needs networkx: pip install 'networkx>=3.2'") from error
    return networkx


def text(value: Value | None) -> str:
    """A property as one string: lists joined with '; ', None as ''."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def display_name(iri: str, props: dict) -> str:
    """name_zh, else name_en, else the last segment of the iri."""
    return text(props.get("name_zh")) or text(props.get("name_en")) or iri.rstrip("/#").rsplit("/", 1)[-1]


def to_networkx(pg: PropertyGraph) -> "nx.MultiDiGraph":
    nx = _nx()
    graph = nx.MultiDiGraph()
    for node in pg.nodes:
        graph.add_node(node.iri, label=node.label, name_zh=text(node.props.get("name_zh")),
                       name_en=text(node.props.get("name_en")))
    for rel in pg.relationships:
        graph.add_edge(rel.start, rel.end, key=rel.type, type=rel.type)
    return graph


def centrality(pg: PropertyGraph, labels: Iterable[str] = ("Body", "Programme"),
               graph: "nx.MultiDiGraph | None" = None) -> list[tuple[str, str, int, float]]:
    """(iri, name, degree, betweenness) of the nodes with one of ``labels``, by betweenness, then degree.

    ``graph``: a projection already made with ``to_networkx(pg)``, to save making it again.
    """
    nx = _nx()
    graph = graph if graph is not None else to_networkx(pg)
    wanted = set(labels)
    betweenness = nx.betweenness_centrality(nx.Graph(graph.to_undirected(as_view=True)), normalized=True)
    props = {node.iri: node.props for node in pg.nodes}
    rows = [(iri, display_name(iri, props[iri]), graph.degree(iri), betweenness.get(iri, 0.0))
            for iri, data in graph.nodes(data=True) if data["label"] in wanted]
    return sorted(rows, key=lambda row: (-row[3], -row[2], row[0]))


def shortest_path(pg: PropertyGraph, a_iri: str, b_iri: str,
                  graph: "nx.MultiDiGraph | None" = None) -> list[str]:
    """The iris of a shortest path from ``a_iri`` to ``b_iri``, edges taken either way; [] if none.

    Raises ``KeyError`` when either iri is not a node.
    """
    nx = _nx()
    graph = graph if graph is not None else to_networkx(pg)
    for iri in (a_iri, b_iri):
        if iri not in graph:
            raise KeyError(f"not a node of the graph: {iri}")
    try:
        return list(nx.shortest_path(graph.to_undirected(as_view=True), a_iri, b_iri))
    except nx.NetworkXNoPath:
        return []
