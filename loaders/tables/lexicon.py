"""The tables' word lists (ontology/lexicon/tables.yaml), loaded once and compiled.

Every word the parser knows (header words, units, attributes, comparators, …)
is data in tables.yaml, so a new word needs no code change.  This module turns
those lists into the lookups and regular expressions the other modules share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from ..lexicon import alternation, ontology_dir

# Read when the lexicon is first loaded: point it at another file (then ``table_lexicon.cache_clear()``)
# to parse with other words.
LEXICON_PATH = ontology_dir() / "lexicon" / "tables.yaml"


@dataclass
class TableLexicon:
    """tables.yaml with its word lists turned into lookups and regular expressions."""

    raw: dict
    header_roles: dict[str, str]
    year_header: re.Pattern
    comparators: list[tuple[str, str]]
    number: re.Pattern
    value_token: re.Pattern
    trailing_values: re.Pattern
    headings: list[re.Pattern]

    def __getitem__(self, key: str):
        return self.raw[key]


@cache
def table_lexicon() -> TableLexicon:
    """Load tables.yaml once; build the patterns every other function relies on.

    The path is this module's ``LEXICON_PATH``, looked up at call time: pointing
    it at another file (then ``cache_clear()``) loads other words, which is how
    the tests show that a new word needs no code change.
    """
    raw = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    roles = {squash(w): role for role, words in raw["header"].items() for w in words}
    kinds = alternation(raw["value_kinds"])
    suffixes = alternation(raw["year_suffixes"])
    year = re.compile(rf"(?P<year>(?:19|20)\d{{2}})(?:{suffixes})?(?P<kind>{kinds})?")
    comparators = sorted(raw["comparator_prefixes"].items(), key=lambda kv: -len(kv[0]))
    prefix = f"(?:{alternation(raw['hedge_words'])})?(?:{alternation(raw['comparator_prefixes'])})?"
    suffixes_cmp = alternation(raw["comparator_suffixes"])
    tail = f"(?:{suffixes_cmp})?"
    units = alternation(raw["units"])
    number = re.compile(rf"(?P<num>\d+(?:\.\d+)?)\s*(?:{units})?\s*(?P<suffix>{suffixes_cmp})?")
    empty = alternation(raw["empty_marks"])
    value_token = re.compile(rf"{empty}|{prefix}\s*[\d.]*\d[\d.]*\s*%?{tail}|[^\d\s—]+")
    trailing = re.compile(rf"(?:{empty}|{prefix}\s*[\d.]*\d[\d.]*\s*%?{tail})+$")
    headings = [re.compile(p) for p in raw["heading_patterns"]]
    return TableLexicon(raw, roles, year, comparators, number, value_token, trailing, headings)


def squash(text: str) -> str:
    """Header words are compared without whitespace: '2025年 目标值' is '2025年目标值'."""
    return re.sub(r"\s+", "", text)
