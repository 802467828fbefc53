"""Files for other tools: GraphML (Gephi, yEd, Cytoscape), plain CSV, and compacted JSON-LD.

- ``write_graphml(pg, path)``: the property graph through networkx.  Every node
  has ``label``, ``name_zh``, ``name_en`` and its properties; every edge has
  ``type`` and its properties; both have ``graphs`` (the named graphs that state
  them).  **GraphML cannot store lists**: a list property is written as one
  string, its items joined with ``"; "`` (``LIST_SEPARATOR``).  A property whose
  values have different types on different nodes is written as a string (ints
  and floats mixed: as a double), so each GraphML key has one type.  Characters
  XML 1.0 forbids (control characters) are dropped.
- ``write_csv(pg, folder)``: ``nodes.csv`` (``iri,label,name_zh,name_en,props,graphs``)
  and ``relationships.csv`` (``start,type,end,props,graphs``); ``props`` is the
  full property map as JSON (lists stay lists), ``graphs`` the named graphs
  joined with ``"; "``.  UTF-8, RFC 4180 quoting.
- ``write_jsonld(dataset, path, context_path)``: the RDF dataset (named graphs
  kept) as JSON-LD compacted with the published context ``ontology/context.jsonld``
  (prefixes and short terms), the context inlined so the file stands alone.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from rdflib import Dataset

from policykg.graph.exports.projection import _nx, text
from policykg.graph.mapping.model import Node, PropertyGraph, Value
from policykg.ontology import ontology_dir

LIST_SEPARATOR = "; "
CONTEXT_FILE = ontology_dir() / "context.jsonld"
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_RESERVED = {"label", "name_zh", "name_en", "graphs", "type"}


def _column_types(items) -> dict[str, type]:
    """One Python type per property name over all ``items``' props: str wins over mixed types."""
    types: dict[str, type] = {}
    for props in items:
        for name, value in props.items():
            kind = str if isinstance(value, list) else type(value)
            known = types.get(name)
            if known is None or known is kind:
                types[name] = kind
            elif {known, kind} <= {int, float}:
                types[name] = float
            else:
                types[name] = str
    return types


def _graphml_value(value: Value, kind: type):
    if isinstance(value, list) or kind is str:
        return _XML_FORBIDDEN.sub("", text(value))
    return kind(value)


def to_graphml_graph(pg: PropertyGraph):
    """The ``MultiDiGraph`` written to GraphML: scalar attributes only.

    ``label`` is what Gephi, yEd and Cytoscape show on a node, so it holds the node's name
    (Chinese, else English, else its text, else the end of its IRI); the class is ``type``.
    """
    nx = _nx()
    graph = nx.MultiDiGraph()
    node_types = _column_types(node.props for node in pg.nodes)
    for node in pg.nodes:
        attrs = {name: _graphml_value(value, node_types[name]) for name, value in node.props.items()
                 if name not in _RESERVED}
        graph.add_node(node.iri, label=_display_name(node), type=node.label, name_zh=_graphml_value(node.props.get("name_zh", ""), str),
                       name_en=_graphml_value(node.props.get("name_en", ""), str),
                       graphs=LIST_SEPARATOR.join(node.graphs), **attrs)
    edge_types = _column_types(rel.props for rel in pg.relationships)
    for rel in pg.relationships:
        attrs = {name: _graphml_value(value, edge_types[name]) for name, value in rel.props.items()
                 if name not in _RESERVED}
        graph.add_edge(rel.start, rel.end, key=rel.type, type=rel.type,
                       graphs=LIST_SEPARATOR.join(rel.graphs), **attrs)
    return graph


def _display_name(node: Node) -> str:
    for key in ("name_zh", "name_en", "text", "quote"):
        if node.props.get(key):
            return text(node.props[key])
    return node.iri.rstrip("/").rsplit("/", 1)[-1]


def write_graphml(pg: PropertyGraph, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _nx().write_graphml(to_graphml_graph(pg), path, encoding="utf-8")
    return path


def write_csv(pg: PropertyGraph, folder: Path) -> list[Path]:
    """``nodes.csv`` and ``relationships.csv`` in ``folder``; their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dump = lambda props: json.dumps(props, ensure_ascii=False, sort_keys=True)  # noqa: E731
    nodes, relationships = folder / "nodes.csv", folder / "relationships.csv"
    with nodes.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["iri", "label", "name_zh", "name_en", "props", "graphs"])
        for node in pg.nodes:
            writer.writerow([node.iri, node.label, text(node.props.get("name_zh")),
                             text(node.props.get("name_en")), dump(node.props), LIST_SEPARATOR.join(node.graphs)])
    with relationships.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["start", "type", "end", "props", "graphs"])
        for rel in pg.relationships:
            writer.writerow([rel.start, rel.type, rel.end, dump(rel.props), LIST_SEPARATOR.join(rel.graphs)])
    return [nodes, relationships]


def load_context(context_path: Path = CONTEXT_FILE) -> dict:
    """The ``@context`` object of a context file."""
    return json.loads(Path(context_path).read_text(encoding="utf-8"))["@context"]


def write_jsonld(dataset: Dataset, path: Path, context_path: Path = CONTEXT_FILE) -> Path:
    """The dataset as JSON-LD compacted with the context of ``context_path`` (inlined)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    dataset.serialize(destination=path, format="json-ld", context=load_context(context_path),
                      auto_compact=True, indent=1, ensure_ascii=False)
    return path
