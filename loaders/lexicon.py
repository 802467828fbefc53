"""Access to the data files under ``ontology/`` (lexicons, vocabularies, shapes).

Rules that change more often than code — noise tokens, heading patterns, word
lists — live in YAML files there, so adding one needs no code change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

import yaml


def ontology_dir() -> Path:
    """The installed ``ontology`` folder (``policykg.ontology``)."""
    return Path(str(resources.files("policykg.ontology")))


@cache
def load_lexicon(name: str) -> dict:
    """``ontology/lexicon/NAME.yaml`` as a dict, read once per process."""
    path = ontology_dir() / "lexicon" / f"{name}.yaml"
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of a lexicon's ``words``, longest first so the longest word wins (十四 before 十)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
