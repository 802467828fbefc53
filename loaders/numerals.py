"""Chinese numerals in years and dates: 二〇二一 → 2021, 十二 → 12, 二十一 → 21.

Plans write their period and their date of issue in words as often as in digits
(二○一一年十二月二十日).  One reading for both, with its digits as data in
``ontology/lexicon/numerals.yaml``.
"""

from __future__ import annotations

import re
from functools import cache

from .lexicon import load_lexicon


@cache
def _numerals() -> dict:
    return load_lexicon("numerals")


def digit_class() -> str:
    """A regex character class of the Chinese digits (for a year written in words)."""
    return "[" + re.escape("".join(_numerals()["digits"])) + "]"


def number_class() -> str:
    """A regex character class of the characters of a month or day in words (digits and 十)."""
    return "[" + re.escape("".join(_numerals()["digits"]) + _numerals()["ten"]) + "]"


def year(text: str) -> int:
    """A year in digits, in Chinese digits (二〇二一) or mixed: digit by digit."""
    digits = _numerals()["digits"]
    return int("".join(str(digits.get(ch, ch)) for ch in text))


def small_number(words: str) -> int:
    """A month or a day in words: tens before 十 (one when none is written), units after it."""
    ten, digits = _numerals()["ten"], _numerals()["digits"]
    if ten not in words:
        return year(words)
    tens, units = words.split(ten, 1)
    return (digits[tens] if tens else 1) * 10 + (digits[units] if units else 0)
