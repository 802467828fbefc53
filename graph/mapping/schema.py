"""The property-graph schema every Cypher store is given, from the mapping's data (``property-graph.yaml``).

LadybugDB refuses a statement naming a table or a column it does not have ("Table
Article does not exist", "Cannot find property status_text"), where Neo4j answers
nothing.  A schema worked out from the data alone depends on the corpus: a build of
one plan has no Article table, no ``status_text`` column (no completion table) and
no ``ALIGNED_WITH``.  So every label, relationship type and property the mapping can
produce is listed in ``property-graph.yaml`` (``schema:``), and the embedded writer
starts from it (``SchemaBuilder(base=declared_schema())``); the data only adds to it.
"""

from __future__ import annotations

from functools import cache
from itertools import product

from policykg.ontology import load_lexicon

from policykg.graph.mapping.model import LabelSchema, RelationshipSchema, Schema, STRING
from policykg.graph.mapping.rules import load_rules, local_name, snake_case

TYPES = frozenset({"STRING", "INT64", "DOUBLE", "BOOLEAN", "STRING[]"})


@cache
def declared_schema() -> Schema:
    """Every node table, relationship table and column the mapping can produce (a fresh copy is not needed:
    callers only read it)."""
    raw = load_lexicon("property-graph")["schema"]
    sets = raw["property_sets"]
    labels = {label: LabelSchema(dict(sorted(_properties(spec, sets).items())))
              for label, spec in raw["labels"].items()}
    _flat_values(labels)
    relationships = {}
    for name, spec in raw["relationships"].items():
        starts, ends = _labels(spec["from"], raw["label_sets"]), _labels(spec["to"], raw["label_sets"])
        relationships[name] = RelationshipSchema(dict(sorted(_properties(spec, sets).items())),
                                                 sorted(set(product(starts, ends))))
    schema = Schema(dict(sorted(labels.items())), dict(sorted(relationships.items())))
    _check(schema)
    return schema


def _properties(spec: dict, sets: dict[str, dict[str, str]]) -> dict[str, str]:
    """A label's or relationship's columns: its property sets, then its own properties."""
    found: dict[str, str] = {}
    for name in spec.get("sets", []):
        found.update(sets[name])
    found.update(spec.get("properties") or {})
    return found


def _labels(names: list[str], label_sets: dict[str, list[str]]) -> list[str]:
    """Labels, a set's name standing for its labels."""
    return [label for name in names for label in label_sets.get(name, [name])]


def _flat_values(labels: dict[str, LabelSchema]) -> None:
    """The Indicator's ``{role}_{field}`` columns (mapping.py's ``_flatten_values``), typed as the value's own."""
    rules = load_rules()
    value_columns = labels["IndicatorValue"].properties
    indicator = labels["Indicator"].properties
    for prefix in rules.indicator_roles.values():
        for predicate, suffix in rules.indicator_value_fields.items():
            column = rules.properties.get(predicate) or snake_case(local_name(predicate))
            indicator[f"{prefix}_{suffix}"] = value_columns.get(column, STRING)
    labels["Indicator"] = LabelSchema(dict(sorted(indicator.items())))


def _check(schema: Schema) -> None:
    """A typo in the YAML is an error here, not a table LadybugDB refuses in the middle of a build."""
    for name, table in [*schema.labels.items(), *schema.relationships.items()]:
        unknown = {kind for kind in table.properties.values() if kind not in TYPES}
        if unknown:
            raise ValueError(f"property-graph.yaml schema: {name} has unknown column types {sorted(unknown)}")
    for name, rel in schema.relationships.items():
        missing = {label for pair in rel.pairs for label in pair if label not in schema.labels}
        if missing:
            raise ValueError(f"property-graph.yaml schema: {name} joins undeclared labels {sorted(missing)}")
