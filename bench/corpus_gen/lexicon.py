"""What the generator draws from: the project's own vocabularies and lexicons, and its data YAML.

Target groups, policy domains, bodies and programme suffixes come from ``ontology/``
(the files the loaders read), so the entities a generated plan names are ones the
loaders recognise; everything else (areas, titles, sentences, indicators, noise) is
YAML under ``bench/corpus_gen/data/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from rdflib import RDF, SKOS, Graph, Namespace, URIRef

from policykg.loaders.lexicon import ontology_dir

DATA = Path(__file__).resolve().parent / "data"
PKG = Namespace("https://w3id.org/policykg/ontology#")
GROUP = "https://w3id.org/policykg/id/group/"
DOMAIN = "https://w3id.org/policykg/id/domain/"
MIN_ALT_LABEL = 4  # shorter altLabels (特困, 三留守) read badly as recipients


@cache
def data(name: str) -> dict:
    """``bench/corpus_gen/data/NAME.yaml``."""
    with (DATA / f"{name}.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def project_lexicon(name: str) -> dict:
    """``ontology/lexicon/NAME.yaml`` of the project (what the loaders read)."""
    with (ontology_dir() / "lexicon" / f"{name}.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def _vocab(name: str) -> Graph:
    return Graph().parse(ontology_dir() / "vocab" / f"{name}.ttl")


def _zh(graph: Graph, concept: URIRef, predicate: URIRef) -> list[str]:
    return sorted(str(label) for label in graph.objects(concept, predicate)
                  if getattr(label, "language", None) == "zh")


@dataclass(frozen=True)
class GroupLabels:
    preferred: tuple[str, ...]  # one prefLabel per concept of the subtree
    alternative: tuple[str, ...]  # their altLabels long enough to read as recipients


@cache
def group_labels(top: str) -> GroupLabels:
    """Labels of the target group ``top`` (an id of target-groups.ttl) and of every group below it."""
    graph = _vocab("target-groups")
    root = URIRef(GROUP + top)
    if (root, RDF.type, PKG.TargetGroup) not in graph:
        raise KeyError(f"no target group {top!r} in ontology/vocab/target-groups.ttl")
    below = {root}
    changed = True
    while changed:  # skos:broader* downwards
        found = {c for c in graph.subjects(SKOS.broader, None) if set(graph.objects(c, SKOS.broader)) & below}
        changed = not found <= below
        below |= found
    preferred = sorted({label for c in below for label in _zh(graph, c, SKOS.prefLabel)})
    alternative = sorted({label for c in below for label in _zh(graph, c, SKOS.altLabel)
                          if len(label) >= MIN_ALT_LABEL})
    return GroupLabels(tuple(preferred), tuple(alternative))


@cache
def domain_label(domain: str) -> str:
    """The Chinese prefLabel of a policy domain of policy-domains.ttl (KeyError if there is none)."""
    labels = _zh(_vocab("policy-domains"), URIRef(DOMAIN + domain), SKOS.prefLabel)
    if not labels:
        raise KeyError(f"no policy domain {domain!r} in ontology/vocab/policy-domains.ttl")
    return labels[0]


@cache
def national_bodies() -> tuple[str, ...]:
    """Preferred Chinese names of the national bodies of bodies.ttl (issuers, lead bodies)."""
    graph = _vocab("bodies")
    return tuple(sorted(label for b in graph.subjects(RDF.type, PKG.Body)
                        if (b, PKG.level, PKG["level-national"]) in graph
                        for label in _zh(graph, b, SKOS.prefLabel)))


@cache
def suffix_of_kind() -> dict[str, str]:
    """Programme kind (project, action, …) → the last word that gives it (programmes.yaml)."""
    found: dict[str, str] = {}
    for word, kind in project_lexicon("programmes")["suffixes"].items():
        found.setdefault(kind, word)
    return found


def launch_verbs() -> list[str]:
    return list(project_lexicon("programmes")["launch_verbs"])


def spam_tokens() -> list[str]:
    return list(project_lexicon("noise")["spam_tokens"])


def programme_stop_characters() -> str:
    return "".join(project_lexicon("programmes")["stop_characters"])


@cache
def modules() -> dict[str, dict]:
    """The domain modules of modules.yaml, each checked against the project's vocabularies."""
    found = data("modules")["modules"]
    kinds = suffix_of_kind()
    for key, module in found.items():
        domain_label(key)
        for top in module["groups"]:
            group_labels(top)
        unknown = set(module["kinds"]) - set(kinds)
        if unknown:
            raise KeyError(f"module {key}: programme kinds {sorted(unknown)} have no suffix in programmes.yaml")
    return found
