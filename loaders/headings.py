"""Recognising headings: which family a document uses, and what a heading line says.

The patterns live in ``ontology/lexicon/headings.yaml``; this module only applies
them.  Two families are known: 第X章/第X节, and 一、/(一)/1.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from .lexicon import load_lexicon


@dataclass(frozen=True)
class Heading:
    level: int
    number: int
    marker: str
    title: str


@cache
def _compiled() -> dict:
    lex = load_lexicon("headings")
    families = {
        name: {
            "detect": re.compile(spec["detect"]),
            "levels": {int(k): re.compile(v) for k, v in spec["levels"].items()},
        }
        for name, spec in lex["families"].items()
    }
    return {
        "families": families,
        "toc": [re.compile(p) for p in lex["toc_markers"]],
        "toc_entry_end": re.compile(lex["toc_entry_end"]),
        "box": re.compile(lex["box"]),
        "box_items": [re.compile(p) for p in lex["box_items"]],
        "glossary": re.compile(lex["glossary"]),
        "glossary_entry": re.compile(lex["glossary_entry"]),
        "trailers": [re.compile(p) for p in lex["trailers"]],
        "run_on_item": re.compile(lex["title_run_on_item"]),
        "lex": lex,
    }


def patterns() -> dict:
    """The compiled patterns of ``headings.yaml``."""
    return _compiled()


def detect_family(lines: list[str]) -> str:
    """The heading family used most often by ``lines`` ('zhang' or 'yi'); 'yi' when none is."""
    counts = {name: sum(1 for line in lines if fam["detect"].match(line))
              for name, fam in patterns()["families"].items()}
    best = max(counts, key=counts.get)
    return best if counts[best] else "yi"


def chinese_number(numeral: str) -> int:
    """二十三 → 23, 十 → 10, 7 → 7 (digit values from the Unicode database)."""
    if numeral.isdigit():
        return int(numeral)
    total, current = 0, 0
    for ch in numeral:
        value = int(unicodedata.numeric(ch))
        if value >= 10:
            total += (current or 1) * value
            current = 0
        else:
            current = value
    return total + current


def match_heading(line: str, family: str, max_level: int = 3) -> Heading | None:
    """The heading ``line`` starts with, in ``family``, or None."""
    for level, pattern in patterns()["families"][family]["levels"].items():
        if level > max_level:
            continue
        match = pattern.match(line)
        if not match:
            continue
        title = heading_title(match.group("title"), strict=level == 3)
        if title is None:
            return None
        return Heading(level, chinese_number(match.group("num")), match.group("marker"), title)
    return None


def heading_title(rest: str, strict: bool = False) -> str | None:
    """The title part of a heading line whose body may run on in the same line.

    ``strict`` (for 1./2. headings, easily confused with list items) accepts only a
    short line or a title closed by a terminator; otherwise None.
    """
    lex = patterns()["lex"]
    limit = lex["max_title_chars"]
    rest = rest.strip()
    if not strict and len(rest) > limit:
        for known in lex["common_titles"]:
            if rest.startswith(known):
                return known
    cut = min((i for i, ch in enumerate(rest[: limit + 1]) if ch in lex["title_terminators"]), default=None)
    item = patterns()["run_on_item"].search(rest, 1, limit + 1)
    if item and (cut is None or item.start() < cut):
        cut = item.start()  # the body's first item runs on: …社会福利体系一是完善…
    if cut:
        return rest[:cut]
    return (rest or None) if len(rest) <= limit else None


def is_toc_marker(line: str) -> bool:
    return any(p.match(line) for p in patterns()["toc"])
