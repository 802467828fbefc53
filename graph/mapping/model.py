"""The property-graph model every Cypher store receives: nodes, relationships, and their schema.

``graph/mapping/mapper.py`` turns the RDF dataset into a ``PropertyGraph``; each store
(LadybugDB, Neo4j, FalkorDB, CSV files) writes the same ``PropertyGraph``, so a
Cypher query written for one runs on the others.  Embedded engines such as
LadybugDB need a declared schema (one table per label, typed columns, the label
pairs of each relationship type); ``PropertyGraph.schema()`` derives it from the
data, deterministically.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
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
        builder = SchemaBuilder()
        for node in self.nodes:
            builder.add_node(node)
        for rel in self.relationships:
            builder.add_relationship(rel)
        return builder.schema()


class SchemaBuilder:
    """A graph's ``Schema``, worked out one node and one relationship at a time (nodes first).

    ``PropertyGraph.schema()`` uses it, and so does a writer that never holds the
    whole graph (``embedded.spool``), part by part in several processes if need be (``merge``).
    """

    def __init__(self, base: Schema | None = None) -> None:
        """``base``: tables and columns to have whatever the data holds (``graph/schema.declared_schema``);
        the data adds labels, columns and pairs to it, and widens a column whose values need it."""
        self.label_of: dict[str, str] = {}
        self.far_labels: Mapping[str, str] | None = None  # of relationship ends mapped elsewhere (another part)
        self.listed: dict[str, set[str]] = defaultdict(set)  # per label: properties that are a list somewhere
        self._labels: dict[str, dict[str, str]] = defaultdict(dict)
        self._relationships: dict[str, dict[str, str]] = defaultdict(dict)
        self._pairs: dict[str, set[tuple[str, str]]] = defaultdict(set)
        if base is not None:
            self._seed(base)

    def _seed(self, base: Schema) -> None:
        for label, table in base.labels.items():
            self._labels[label].update(table.properties)
            self.listed[label] |= {name for name, kind in table.properties.items() if kind == STRING_LIST}
        for name, rel in base.relationships.items():
            self._relationships[name].update(rel.properties)
            self._pairs[name].update(rel.pairs)

    def add_node(self, node: Node) -> None:
        self.label_of[node.iri] = node.label
        _merge_types(self._labels[node.label], node.props)
        self.listed[node.label] |= {k for k, v in node.props.items() if isinstance(v, list)}

    def add_relationship(self, rel: Relationship) -> tuple[str, str]:
        """Adds ``rel``; its (start label, end label)."""
        pair = (self._label(rel.start), self._label(rel.end))
        _merge_types(self._relationships[rel.type], rel.props)
        self._pairs[rel.type].add(pair)
        return pair

    def _label(self, iri: str) -> str:
        """A node's label: this part's own nodes first, then the labels of every node, if given."""
        known = self.label_of.get(iri)
        if known is not None or self.far_labels is None:
            return known if known is not None else self.label_of[iri]  # KeyError: no such node
        return self.far_labels[iri]

    def merge(self, other: SchemaBuilder) -> None:
        """Add what ``other`` saw (another part of the same graph): columns widen as if one builder saw both."""
        for label, columns in other._labels.items():
            _merge_columns(self._labels[label], columns)
        for label, names in other.listed.items():
            self.listed[label] |= names
        for name, columns in other._relationships.items():
            _merge_columns(self._relationships[name], columns)
        for name, pairs in other._pairs.items():
            self._pairs[name] |= pairs

    def schema(self, uniform_lists: bool = False) -> Schema:
        """The schema; with ``uniform_lists``, as if ``uniform_lists`` had been applied to every node first
        (a property that is a list on one node of a label is a STRING[] column)."""
        labels = {}
        for label, types in sorted(self._labels.items()):
            if uniform_lists:
                types = {**types, **{name: STRING_LIST for name in self.listed[label]}}
            labels[label] = LabelSchema(dict(sorted(types.items())))
        return Schema(labels=labels, relationships={
            name: RelationshipSchema(dict(sorted(props.items())), sorted(self._pairs[name]))
            for name, props in sorted(self._relationships.items())})


def uniform_lists(props: dict[str, Value], listed: set[str]) -> dict[str, Value]:
    """``props`` with each property of ``listed`` (a list on some node of the label) as a list of strings."""
    for name in listed & props.keys():
        value = props[name]
        props[name] = [str(v) for v in (value if isinstance(value, list) else [value])]
    return props


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


def _merge_types(columns: dict[str, str], props: dict[str, Value]) -> None:
    """Add ``props``' types to ``columns``; a property seen with two types becomes a STRING."""
    _merge_columns(columns, {name: value_type(value) for name, value in props.items()})


def _merge_columns(columns: dict[str, str], types: dict[str, str]) -> None:
    """Add column ``types`` to ``columns``: INT64 and DOUBLE make a DOUBLE, other mixtures a STRING."""
    for name, kind in types.items():
        known = columns.get(name)
        if known is None:
            columns[name] = kind
        elif known != kind:
            columns[name] = DOUBLE if {known, kind} == {INT64, DOUBLE} else STRING