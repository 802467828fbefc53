"""The property-graph model every Cypher store receives: nodes, relationships, and their schema.

``graph/mapping.py`` turns the RDF dataset into a ``PropertyGraph``; each store
(LadybugDB, Neo4j, FalkorDB, CSV files) writes the same ``PropertyGraph``, so a
Cypher query written for one runs on the others.  Embedded engines such as
LadybugDB need a declared schema (one table per label, typed columns, the label
pairs of each relationship type); ``PropertyGraph.schema()`` derives it from the
data, deterministically.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Union

Value = Union[str, int, float, bool, list]

# Cypher type names shared by the stores (LadybugDB's names; Neo4j is schemaless).
STRING, INT64, DOUBLE, BOOLEAN, STRING_LIST = "STRING", "INT64", "DOUBLE", "BOOLEAN", "STRING[]"


@dataclass(frozen=True)
class Node:
    iri: str  # the unique key in every store
    label: str  # exactly one label per node (embedded engines allow one table per node)
    props: dict[str, Value] = field(default_factory=dict, hash=False, compare=False)
    graphs: tuple[str, ...] = ()  # the named graphs (documents) that state it


@dataclass(frozen=True)
class Relationship:
    start: str  # the start node's iri
    type: str  # UPPER_SNAKE
    end: str  # the end node's iri
    props: dict[str, Value] = field(default_factory=dict, hash=False, compare=False)
    graphs: tuple[str, ...] = ()


@dataclass
class LabelSchema:
    properties: dict[str, str]  # property → type


@dataclass
class RelationshipSchema:
    properties: dict[str, str]
    pairs: list[tuple[str, str]]  # (start label, end label), sorted


@dataclass
class Schema:
    labels: dict[str, LabelSchema]
    relationships: dict[str, RelationshipSchema]


@dataclass
class PropertyGraph:
    nodes: list[Node] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)

    def schema(self) -> Schema:
        """Labels with their typed properties, relationship types with theirs and their label pairs."""
        label_of = {node.iri: node.label for node in self.nodes}
        labels: dict[str, dict[str, str]] = defaultdict(dict)
        for node in self.nodes:
            merge_types(labels[node.label], node.props)
        relationships: dict[str, dict[str, str]] = defaultdict(dict)
        pairs: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for rel in self.relationships:
            merge_types(relationships[rel.type], rel.props)
            pairs[rel.type].add((label_of[rel.start], label_of[rel.end]))
        return Schema(
            labels={name: LabelSchema(dict(sorted(props.items()))) for name, props in sorted(labels.items())},
            relationships={name: RelationshipSchema(dict(sorted(props.items())), sorted(pairs[name]))
                           for name, props in sorted(relationships.items())},
        )


def value_type(value: Value) -> str:
    """The column type of a property value (bool before int: a bool is an int in Python)."""
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return INT64
    if isinstance(value, float):
        return DOUBLE
    if isinstance(value, list):
        return STRING_LIST
    return STRING


def merge_types(columns: dict[str, str], props: dict[str, Value]) -> None:
    """Add ``props``' types to ``columns``; a property seen with two types becomes a STRING."""
    for name, value in props.items():
        kind = value_type(value)
        known = columns.get(name)
        if known is None:
            columns[name] = kind
        elif known != kind:
            columns[name] = DOUBLE if {known, kind} == {INT64, DOUBLE} else STRING
