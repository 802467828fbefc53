"""The mapping workers' compact table of every node's label (graph/mapping/label_table.py)."""

from __future__ import annotations

import pickle

import pytest

from policykg.graph.mapping import label_table
from policykg.graph.mapping.label_table import LabelTable, digest

ID = "https://w3id.org/policykg/id/"


def _labels(count: int) -> dict[str, str]:
    kinds = ["Plan", "Programme", "Concept", "Chapter"]
    return {f"{ID}plan/{n % 97}/programme/“名称{n}”": kinds[n % len(kinds)] for n in range(count)}


def test_the_table_answers_as_the_dictionary_it_was_made_from():
    labels = _labels(20_000)
    table = LabelTable(labels)
    assert len(table) == len(labels)
    assert all(table[iri] == label and iri in table for iri, label in labels.items())
    ending_in_zero = [iri for iri in labels if digest(iri).endswith(b"\0")]
    assert ending_in_zero and all(table.get(iri) == labels[iri] for iri in ending_in_zero)  # numpy strips them


def test_an_iri_not_in_the_table_is_no_node():
    table = LabelTable(_labels(1_000))
    for missing in (f"{ID}plan/none", "", ID):
        assert missing not in table and table.get(missing) is None and table.get(missing, "x") == "x"
        with pytest.raises(KeyError):
            table[missing]
    assert 42 not in table  # not an IRI text


def test_a_pickled_table_is_the_same_table_without_its_recent_answers():
    labels = _labels(5_000)
    table = LabelTable(labels)
    asked = next(iter(labels))
    assert table.get(asked) == labels[asked]
    copy = pickle.loads(pickle.dumps(table))
    assert copy._recent == {}
    assert all(copy.get(iri) == label for iri, label in labels.items())


def test_recent_answers_are_bounded(monkeypatch):
    monkeypatch.setattr(label_table, "RECENT", 10)
    labels = _labels(100)
    table = LabelTable(labels)
    assert all(table.get(iri) == label for iri, label in labels.items())
    assert len(table._recent) <= 10


def test_a_table_refuses_what_it_cannot_tell_apart(monkeypatch):
    with pytest.raises(ValueError, match="at most 255"):
        LabelTable({f"{ID}{n}": f"Label{n}" for n in range(300)})
    monkeypatch.setattr(label_table, "digest", lambda iri: b"\1" * label_table.DIGEST_BYTES)
    with pytest.raises(ValueError, match="share a digest"):
        LabelTable({f"{ID}a": "Plan", f"{ID}b": "Plan"})
