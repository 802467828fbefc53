"""One row's cells → ``IndicatorRow``, column by column, noting every guess.

The layouts decide which cells form a row; this module decides what each cell
is.  When a row has a cell for every column, cells are read by position; when
cells are missing, the reading is decided from what the cells look like and
the guess is written to the row's notes, so nothing shifts silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import IndicatorRow, IndicatorValue, Span
from .cells import (INT, Cell, is_empty, is_unit, is_value, parse_number, split_name_unit,
                    terminator_role)
from .header import Column
from .lexicon import table_lexicon
from .runs import fit_runs


@dataclass
class RowState:
    """What one row passes to the next: the row number expected and the current 领域."""

    expected: int = 1
    domain: str | None = None


def read_row(cells: list[Cell], columns: list[Column], state: RowState, ending: str) -> IndicatorRow:
    """One row's cells → IndicatorRow, column by column, noting every guess.

    ``ending`` says how the row ended: 'complete' (at its last cell), 'open' (its
    last cell missing, the table going on) or 'cut' (the table ending with it).
    """
    cells, cols = list(cells), list(columns)
    row = IndicatorRow(name="", span=Span(cells[0].start, cells[-1].end))
    if cols[-1].role in ("attribute", "status"):
        _take_terminator(row, cells, cols.pop(), ending == "complete")
    if cols and cols[0].role == "sequence":
        _take_sequence(row, cells, cols.pop(0), state)
    if cols and cols[0].role == "domain":
        _take_domain(row, cells, len(cols), state)
        cols.pop(0)
    if cols and cols[0].role == "name":
        cols.pop(0)
    if not cells:
        row.notes.append("row has no name cell")
        return row
    name_cell = cells.pop(0)
    row.name, name_unit = split_name_unit(name_cell.text)
    _take_middle(row, cells, cols, name_unit, ending == "cut")
    return row


def _take_terminator(row: IndicatorRow, cells: list[Cell], col: Column, complete: bool) -> None:
    """The last cell: attribute or status, kept as written; a truncated attribute is noted."""
    role = terminator_role(cells[-1].text) if complete and len(cells) > 1 else None
    if role is None:
        row.notes.append(f"no {col.label} cell: the row ends without it")
        return
    text = cells.pop().text
    setattr(row, role, text)
    if role == "attribute" and text not in table_lexicon()["attribute_words"]:
        full = next(w for w in table_lexicon()["attribute_words"] if w.startswith(text))
        row.notes.append(f"attribute written '{text}' (truncated), presumably {full}")


def _take_sequence(row: IndicatorRow, cells: list[Cell], col: Column, state: RowState) -> None:
    """The row number: checked against the count, so a lost or repeated row shows."""
    if cells and INT.fullmatch(cells[0].text):
        number = int(cells.pop(0).text)
        if number != state.expected:
            row.notes.append(f"row number {number} where {state.expected} was expected")
        state.expected = number + 1
    else:
        row.notes.append(f"no {col.label} cell (row {state.expected} expected)")
        state.expected += 1


def _take_domain(row: IndicatorRow, cells: list[Cell], columns_left: int, state: RowState) -> None:
    """The 领域 cell, printed only on the first row of its group; later rows inherit it."""
    if _has_domain(cells, columns_left):
        state.domain = cells.pop(0).text
    row.domain = state.domain


def _has_domain(cells: list[Cell], columns_left: int) -> bool:
    """The row prints its 领域: it has a cell for every column, starts with a known
    domain word, or opens with two text cells (domain, name) and still has a value."""
    if len(cells) < 2:
        return False
    if len(cells) >= columns_left:
        return True
    first, second = cells[0].text, cells[1].text
    if first in table_lexicon()["domain_words"]:
        return True
    if is_value(first) or is_unit(second) or is_value(second) or terminator_role(second):
        return False
    return len(first) <= 12 and any(is_value(c.text) for c in cells[2:])


def _take_middle(row: IndicatorRow, cells: list[Cell], cols: list[Column], name_unit: str | None,
                 cut: bool) -> None:
    """Unit and value cells: positional when all are there; otherwise decided and noted."""
    for role in ("status", "attribute"):
        if any(c.role == role for c in cols):
            _take_word_cell(row, cells, role)
            cols = [c for c in cols if c.role != role]
    unit_cols = [c for c in cols if c.role == "unit"]
    value_cols = [c for c in cols if c.role == "value"]
    if unit_cols:
        _take_unit(row, cells, cols, name_unit)
    else:
        row.unit = name_unit
        if name_unit is None and row.name.endswith(")"):
            row.notes.append("no unit: the table has no unit column and the name's brackets hold no known unit")
    _take_values(row, cells, value_cols, cut)


def _take_word_cell(row: IndicatorRow, cells: list[Cell], role: str) -> None:
    """A status or attribute column that is not the last: found by its word, not its place."""
    for cell in cells:
        if terminator_role(cell.text) == role:
            setattr(row, role, cell.text)
            cells.remove(cell)
            return


def _take_unit(row: IndicatorRow, cells: list[Cell], cols: list[Column], name_unit: str | None) -> None:
    """The unit cell, or a note that it is missing (the later cells shifted up).

    With a cell for every column the unit is read by position.  With one too few,
    the unit cell is taken as missing when a value stands in its place.
    """
    index = next(i for i, c in enumerate(cols) if c.role == "unit")
    present = len(cells) >= len(cols)
    if not present and index < len(cells):
        candidate = cells[index].text
        present = is_unit(candidate) or (not is_value(candidate) and len(candidate) <= 4)
    if present and index < len(cells):
        text = cells.pop(index).text
        if is_empty(text):
            row.unit = name_unit
            row.notes.append(f"unit cell written '{text}' (no unit)")
        else:
            row.unit = text
            if name_unit and name_unit != text:
                row.notes.append(f"unit cell '{text}' differs from the name's '({name_unit})'")
        return
    row.unit = name_unit
    where = f"unit '{name_unit}' taken from the name's brackets" if name_unit else "unit unknown"
    row.notes.append(f"unit cell missing (the row has one cell too few and a value stands in its place); {where}")


def _take_values(row: IndicatorRow, cells: list[Cell], cols: list[Column], cut: bool) -> None:
    """Value cells → baseline/target/actual; run-together numbers split, gaps noted.

    When fewer values than value columns remain, they fill the last columns: a
    plan that gives one number gives its target, and a completion row that gives
    two gives target and actual (the baseline is the one new indicators lack).
    A row cut short at the end of the text lost its last cells instead, so there
    the values fill the first columns.
    """
    percent = row.unit in table_lexicon()["percent_units"]
    values = fit_runs(cells, len(cols), percent, row.notes)
    if len(values) > len(cols):
        extra = ", ".join(f"'{c.text}'" for c in values[len(cols):])
        row.notes.append(f"more value cells than value columns: {extra} ignored")
        values = values[: len(cols)]
    if len(values) < len(cols):
        cols = _columns_for_missing(row, values, cols, cut)
    for cell, col in zip(values, cols):
        _set_value(row, col, cell)


def _columns_for_missing(row: IndicatorRow, values: list[Cell], cols: list[Column], cut: bool) -> list[Column]:
    """The value columns that fewer values than columns are read into, with a note saying so."""
    labels = ", ".join(c.label for c in cols)
    if not values:
        row.notes.append(f"no value cells for the value columns ({labels})")
        return []
    chosen = cols[: len(values)] if cut else cols[len(cols) - len(values):]
    why = "the row is cut short: its first columns" if cut else "values fill the last columns"
    read = " and ".join(c.label for c in chosen)
    row.notes.append(f"{len(values)} value(s) for {len(cols)} value columns ({labels}): read as {read} ({why})")
    if any(re.fullmatch(r"\d{4,}", c.text) for c in values):
        row.notes.append("a value of four or more digits may be two numbers run together; it was not split")
    return chosen


def _set_value(row: IndicatorRow, col: Column, cell: Cell) -> None:
    """Store the value under its column's kind; a second column of one kind is noted, not kept."""
    number, comparator = parse_number(cell.text)
    value = IndicatorValue(cell.text, number, comparator, col.year, cell.span)
    if getattr(row, col.kind) is not None:
        row.notes.append(f"second {col.kind} column '{col.label}': '{cell.text}' not kept")
        return
    setattr(row, col.kind, value)
