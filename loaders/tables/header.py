"""The header: which column is which, and what kind of value each value column holds.

A header is recognised by its words (tables.yaml: header, value_kinds), read
from cells (a header word may be split over cells) or from run-together text.
The header also decides the table's kind: target table or 十三五 completion table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .cells import Cell
from .lexicon import squash, table_lexicon


@dataclass
class Column:
    """One header column: its role and, for value columns, year and kind."""

    role: str  # sequence, domain, name, unit, value, attribute, status
    label: str
    year: int | None = None
    kind: str | None = None  # value columns: baseline, target, actual


def header_column(text: str) -> Column | None:
    """The column a header word (or joined words) stands for, if any."""
    lex, word = table_lexicon(), squash(text)
    if word in lex.header_roles:
        return Column(lex.header_roles[word], word)
    match = lex.year_header.fullmatch(word)
    if match:
        kind = lex["value_kinds"].get(match.group("kind") or "")
        return Column("value", word, int(match.group("year")), kind)
    return None


def read_header(cells: Sequence[Cell]) -> tuple[list[Column], int]:
    """Header columns at the start of ``cells``, joining words split over cells.

    The longest join wins, so '指标' + '属性' is the attribute column, not a name
    column followed by a stray word, except that the first cell reading as the
    name column stays alone while no name column has been read: '指标' + '单位' is
    the name column followed by the unit column.
    """
    columns, k, most = [], 0, table_lexicon()["max_header_join"]
    while k < len(cells):
        alone = header_column(cells[k].text)
        name_first = alone is not None and alone.role == "name" and all(c.role != "name" for c in columns)
        for size in range(1 if name_first else min(most, len(cells) - k), 0, -1):
            column = header_column("".join(c.text for c in cells[k : k + size]))
            if column:
                columns.append(column)
                k += size
                break
        else:
            break
    return columns, k


def read_header_run(text: str, pos: int) -> tuple[list[Column], int]:
    """Header columns glued together in running text, longest word first at each step."""
    lex, columns = table_lexicon(), []
    words = sorted(lex.header_roles, key=len, reverse=True)
    while pos < len(text):
        word = next((w for w in words if text.startswith(w, pos)), None)
        year = lex.year_header.match(text, pos)
        if year and (word is None or year.end() - pos > len(word)):
            columns.append(header_column(year.group()))
            pos = year.end()
        elif word:
            columns.append(Column(lex.header_roles[word], word))
            pos += len(word)
        else:
            break
    return columns, pos


def finish_columns(columns: list[Column], notes: list[str]) -> list[Column] | None:
    """Give each value column its kind, or None when this is no indicator header.

    An indicator header has a name column, at least one value column and three
    columns in all; that keeps prose such as '主要发展指标达到…' out.  A value column
    dated before the target year is a baseline (2020 实际值 in a 十四五 table, 2015
    in a 十三五 one); one dated in the target year is the actual (2020 实际值 in a
    十三五 table); a bare year with no target column beside it is the target.
    """
    roles = [c.role for c in columns]
    values = [c for c in columns if c.role == "value"]
    if "name" not in roles or not values or len(columns) < 3:
        return None
    targets = [c.year for c in values if c.kind == "target" and c.year]
    target_year = max(targets) if targets else None
    for col in values:
        before = col.kind
        if col.kind in (None, "actual") and col.year:
            if target_year is None:
                last = max(c.year or 0 for c in values)
                col.kind = "target" if col.kind is None and col.year == last else "baseline"
            else:
                col.kind = "baseline" if col.year < target_year else "actual"
        col.kind = col.kind or "target"
        if before is None:
            notes.append(f"column '{col.label}' names no kind of value: read as {col.kind}")
    return columns


def table_kind(title: str, columns: list[Column]) -> str:
    """'completion' for a 十三五 completion table (by its title or a status column), else 'target'."""
    completion = any(w in title for w in table_lexicon()["completion_title_words"])
    return "completion" if completion or any(c.role == "status" for c in columns) else "target"
