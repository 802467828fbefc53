"""The rules of the RDF → property-graph mapping, read from ``ontology/lexicon/property-graph.yaml``.

Names (labels, property names, relationship types) and literal conversion live
here; ``graph/mapping/mapper.py`` applies them to a dataset.  ``docs/property-graph.md``
describes the result for people writing Cypher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from policykg.ontology import load_lexicon

from policykg.graph.mapping.model import Value

INTEGER_TYPES = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
                 XSD.positiveInteger, XSD.negativeInteger, XSD.nonPositiveInteger, XSD.unsignedInt,
                 XSD.unsignedLong, XSD.unsignedShort, XSD.unsignedByte}
FLOAT_TYPES = {XSD.decimal, XSD.double, XSD.float}


@dataclass(frozen=True)
class Rules:
    """The mapping rules with every CURIE expanded to a full IRI."""

    label_priority: tuple[tuple[URIRef, str], ...]  # (class, label), most specific first
    pkg: str  # the pkg: namespace: any class in it may label a node
    concept_class: URIRef
    concept_label: str
    not_nodes: frozenset[URIRef]
    properties: dict[URIRef, str]  # predicate → property-name template
    name_priority: tuple[URIRef, ...]
    list_properties: frozenset[str]
    skip_predicates: frozenset[URIRef]
    keep_when_node_object: frozenset[URIRef]
    inverse_of: dict[URIRef, URIRef]
    symmetric: frozenset[URIRef]
    level_rank: dict[URIRef, int]
    statement_properties: dict[URIRef, str]
    indicator_roles: dict[URIRef, str]
    indicator_value_fields: dict[URIRef, str]

    def term(self, name: str) -> URIRef:
        return _term(self.pkg, name)  # asked a million times per build: one URIRef per name


@cache
def _term(namespace: str, name: str) -> URIRef:
    return URIRef(namespace + name)


@cache
def load_rules() -> Rules:
    """The rules of ``property-graph.yaml``, read once per process."""
    raw = load_lexicon("property-graph")
    prefixes = raw["prefixes"]

    def iri(curie: str) -> URIRef:
        prefix, _, local = curie.partition(":")
        return URIRef(prefixes[prefix] + local)

    return Rules(
        label_priority=tuple((iri(c), local_name(iri(c))) for c in raw["label_priority"]),
        pkg=prefixes["pkg"],
        concept_class=iri(raw["concept_class"]),
        concept_label=raw["concept_label"],
        not_nodes=frozenset(iri(c) for c in raw["not_nodes"]),
        properties={iri(p): name for p, name in raw["properties"].items()},
        name_priority=tuple(iri(p) for p in raw["name_priority"]),
        list_properties=frozenset(raw["list_properties"]),
        skip_predicates=frozenset(iri(p) for p in raw["skip_predicates"]),
        keep_when_node_object=frozenset(iri(p) for p in raw["keep_when_node_object"]),
        inverse_of={iri(p): iri(q) for p, q in raw["inverse_of"].items()},
        symmetric=frozenset(iri(p) for p in raw["symmetric"]),
        level_rank={iri(c): rank for c, rank in raw["level_rank"].items()},
        statement_properties={iri(p): name for p, name in raw["statement_properties"].items()},
        indicator_roles={iri(p): name for p, name in raw["indicator_roles"].items()},
        indicator_value_fields={iri(p): name for p, name in raw["indicator_value_fields"].items()},
    )


def local_name(iri: str) -> str:
    """The part after the last ``#`` or ``/``: ``eli:is_part_of`` → ``is_part_of``."""
    return re.split(r"[#/]", str(iri))[-1]


def snake_case(name: str) -> str:
    """``valueText`` → ``value_text``, ``is_part_of`` stays, ``subOrganizationOf`` → ``sub_organization_of``."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^0-9A-Za-z]+", "_", name).strip("_").lower()


def relationship_type(predicate: URIRef) -> str:
    """UPPER_SNAKE of the predicate's local name: ``pkg:inDocument`` → ``IN_DOCUMENT``."""
    return snake_case(local_name(predicate)).upper()


def label_of(types: set[URIRef], rules: Rules) -> str | None:
    """The one label of a subject with these rdf:types, or None when it is not a node."""
    if types & rules.not_nodes:
        return None
    for cls, label in rules.label_priority:
        if cls in types:
            return label
    pkg_classes = sorted(t for t in types if str(t).startswith(rules.pkg))
    if pkg_classes:
        return local_name(pkg_classes[0])
    return rules.concept_label if rules.concept_class in types else None


def property_name(predicate: URIRef, literal: Literal, rules: Rules) -> str:
    """The property a literal of ``predicate`` becomes (``name_zh``, ``value_text``, ``alt_labels``…)."""
    template = rules.properties.get(predicate) or snake_case(local_name(predicate)) + "_{lang}"
    lang = (literal.language or "").lower().replace("-", "_")
    return template.replace("{lang}", lang) if lang else template.replace("_{lang}", "")


def literal_value(literal: Literal) -> Value:
    """A literal as a property value: integers → int, decimals and doubles → float, booleans → bool,
    anything else (strings, xsd:date, xsd:gYear) → its lexical form (ISO for dates)."""
    datatype = literal.datatype
    try:
        if datatype in INTEGER_TYPES:
            return int(str(literal))
        if datatype in FLOAT_TYPES:
            return float(str(literal))
        if datatype == XSD.boolean:
            return str(literal).strip().lower() in {"true", "1"}
    except ValueError:
        pass  # an ill-typed literal keeps its text
    return str(literal)


def sort_key(value: Value) -> tuple:
    """Orders mixed property values deterministically (by type, then value)."""
    return (type(value).__name__, str(value))
