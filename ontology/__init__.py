"""Ontology, vocabularies, SHACL shapes and lexicons: data files, read by the loaders and the graph.

The one place that finds them: every layer asks ``ontology_dir`` (the installed package
folder) or ``load_lexicon``, never a path of its own.  The one home of the IRI bases as
well: the ontology's namespace (as ``policykg.ttl`` declares it), the base every entity
IRI is minted under, and the base of the API's problem types.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml

ONTOLOGY_IRI = "https://w3id.org/policykg/ontology"  # the owl:Ontology of policykg.ttl
PKG_BASE = ONTOLOGY_IRI + "#"  # its classes and properties (vann:preferredNamespaceUri, prefix pkg:)
ID_BASE = "https://w3id.org/policykg/id/"  # every entity: plans, sections, programmes, concepts, graphs
PROBLEMS_BASE = "https://w3id.org/policykg/problems/"  # the ``type`` of the API's problem documents


def ontology_dir() -> Path:
    """The installed ``ontology`` folder (``policykg.ontology``)."""
    return Path(str(resources.files("policykg.ontology")))


@cache
def load_lexicon(name: str) -> dict:
    """``ontology/lexicon/NAME.yaml`` as a dict, read once per process."""
    path = ontology_dir() / "lexicon" / f"{name}.yaml"
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}
