"""What a single cell is: a value, a unit, an attribute/status word, prose or a note.

Each layout cuts its text into ``Cell`` objects; these predicates classify one
cell's text, so the readers can tell where a row starts, what it holds and
where it ends, whatever the layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Span
from .lexicon import table_lexicon

INT = re.compile(r"\d{1,3}")  # a row number (序号)
RUN = re.compile(r"[\d.]*\d[\d.]*")  # digits and dots: a number, or numbers run together


@dataclass(frozen=True)
class Cell:
    """One cell as written, with absolute offsets into the normalised text."""

    text: str
    start: int
    end: int
    line: int

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


def is_unit(text: str) -> bool:
    """A known unit, possibly with a magnitude prefix (万人, 亿元)."""
    lex, t = table_lexicon(), text.strip()
    if t in lex["units"]:
        return True
    return len(t) > 1 and t[0] in lex["unit_prefixes"] and t[1:] in lex["units"]


def is_empty(text: str) -> bool:
    """A mark (——, -, …) saying the cell is empty on purpose."""
    return text.strip() in table_lexicon()["empty_marks"]


def parse_number(text: str) -> tuple[float | None, str | None]:
    """The number and comparator a value cell states; (None, None) when it states none."""
    lex, t = table_lexicon(), text.strip()
    if is_empty(t):
        return None, None
    for hedge in sorted(lex["hedge_words"], key=len, reverse=True):
        if t.startswith(hedge):
            t = t[len(hedge):].strip()
            break
    comparator = None
    for word, symbol in lex.comparators:
        if t.startswith(word):
            comparator, t = symbol, t[len(word):].strip()
            break
    match = lex.number.fullmatch(t)
    if not match:
        return None, None
    suffix = match.group("suffix")
    if suffix and comparator is None:
        comparator = lex["comparator_suffixes"][suffix]
    return float(match.group("num")), comparator or "="


def is_value(text: str) -> bool:
    """A cell that can only be a value: a number, an empty mark or a comparison."""
    lex, t = table_lexicon(), text.strip()
    if is_empty(t) or parse_number(t)[0] is not None or RUN.fullmatch(t):
        return True
    starts = list(lex["comparator_prefixes"]) + lex["hedge_words"]
    return any(t.startswith(w) for w in starts)


def terminator_role(text: str) -> str | None:
    """'attribute' or 'status' when the cell is such a word (or a truncated attribute)."""
    lex, t = table_lexicon(), text.strip()
    if t in lex["status_words"]:
        return "status"
    if t in lex["attribute_words"]:
        return "attribute"
    short = lex["min_truncated_attribute"]
    if len(t) >= short and any(w.startswith(t) and w != t for w in lex["attribute_words"]):
        return "attribute"
    return None


def is_prose(text: str) -> bool:
    """Text that cannot be a table cell: a sentence, a heading, a note, or too long."""
    lex, t = table_lexicon(), text.strip()
    if len(t) > lex["max_cell_chars"] or any(ch in t for ch in lex["row_breakers"]):
        return True
    return is_note(t) or any(p.match(t) for p in lex.headings)


def is_note(text: str) -> bool:
    """A footnote (注: …): never a cell; right under a table, one of its notes."""
    return any(text.startswith(s) for s in table_lexicon()["note_starters"])


def split_name_unit(name: str) -> tuple[str, str | None]:
    """Split a trailing '(unit)' off a name when it is a known unit: ('…床位数', '张')."""
    match = re.search(r"\(([^()]*)\)\s*$", name)
    if match and is_unit(match.group(1)):
        return name[: match.start()].strip(), match.group(1).strip()
    return name, None
