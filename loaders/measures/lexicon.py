"""``ontology/lexicon/measures.yaml``, read once and arranged for the readers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..lexicon import load_lexicon


@dataclass(frozen=True)
class MeasuresLexicon:
    raw: dict
    heads: dict[str, str]  # head word → kind, longest first
    stop_words: frozenset[str]
    stop_flags: frozenset[str]
    generic_names: frozenset[str]
    generic_modifiers: tuple[str, ...]  # longest first
    institution_kinds: frozenset[str]
    head_lengths: tuple[int, ...]  # the lengths of the head words, longest first

    def pattern(self, name: str) -> re.Pattern:
        """The lexicon's regular expression ``name`` (``lead_in``, ``inline_item``), compiled once."""
        return _compiled(self.raw[name])

    def head_of(self, word: str) -> str | None:
        """The head word ``word`` ends with (longest), or None."""
        for length in self.head_lengths:
            if word[-length:] in self.heads and len(word) >= length:
                return word[-length:]
        return None


@cache
def _compiled(expression: str) -> re.Pattern:
    return re.compile(expression)


@cache
def measures_lexicon() -> MeasuresLexicon:
    raw = load_lexicon("measures")
    heads = dict(sorted(raw["heads"].items(), key=lambda kv: len(kv[0]), reverse=True))
    return MeasuresLexicon(
        raw=raw,
        heads=heads,
        stop_words=frozenset(raw["stop_words"]),
        stop_flags=frozenset(raw["stop_flags"]),
        generic_names=frozenset(raw["generic_names"]),
        generic_modifiers=tuple(sorted(set(raw["generic_modifiers"]), key=len, reverse=True)),
        institution_kinds=frozenset(raw["institution_kinds"]),
        head_lengths=tuple(sorted({len(h) for h in heads}, reverse=True)),
    )
