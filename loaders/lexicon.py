"""The loaders' access to the data files under ``ontology/`` (found by ``policykg.ontology``).

Rules that change more often than code — noise tokens, heading patterns, word
lists — live in YAML files there, so adding one needs no code change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from policykg.ontology import load_lexicon, ontology_dir

__all__ = ["alternation", "load_lexicon", "ontology_dir"]


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of a lexicon's ``words``, longest first so the longest word wins (十四 before 十)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
