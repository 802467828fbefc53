"""Tables laid out one cell per line (000, 002, 004) or one row per line.

One cell per line: a row ends at its last cell, the attribute (约束性/预期性) or,
in a 十三五 completion table, the status (完成/未完成); the row number (序号),
where there is one, confirms where the next row starts.  One row per line
(plans of other provinces, cells separated by spaces or tabs) is read the same
way, the cells being the line's words.  注: lines right under the table become
its notes.
"""

from __future__ import annotations

import re

from ..model import IndicatorRow, IndicatorTable, Line, Span
from .cells import INT, Cell, is_note, is_prose, is_unit, is_value, terminator_role
from .header import Column, finish_columns, read_header, table_kind
from .rows import RowState, read_row

MAX_TABLE_LINES = 600  # lines read ahead for cells: well past any plausible table end


def read_per_line(lines: list[Line], ti: int, start: int, end: int, hi: int,
                  offset: int) -> tuple[IndicatorTable, int] | None:
    """The table titled ``lines[ti].text[start:end]`` whose header starts at ``lines[hi]``,
    column ``offset``, with the index of its last line; None when no table is there."""
    if hi >= len(lines):
        return None
    split = len(lines[hi].text[offset:].split()) >= 3  # several header words on one line: a row per line
    cells = _cell_stream(lines, hi, offset, split)
    columns, k = read_header(cells)
    table_notes: list[str] = []
    columns = finish_columns(columns, table_notes) if columns else None
    if columns is None:
        return None
    title = lines[ti].text[start:end]
    rows, last = _read_rows(cells, k, columns, split)
    if not rows:
        return None
    last_line, stop = _read_footnotes(lines, last.line, table_notes)
    table = IndicatorTable(table_kind(title, columns), title,
                           Span(lines[ti].start + start, stop or last.end), rows, table_notes)
    return table, last_line


def _line_cells(lines: list[Line], i: int, offset: int, split: bool) -> list[Cell]:
    """The cells of ``lines[i]`` from ``offset``: the whole line, or its whitespace-separated words."""
    line = lines[i]
    text = line.text
    if not split:
        piece = text[offset:]
        stripped = piece.strip()
        if not stripped:
            return []
        begin = line.start + offset + piece.index(stripped)
        return [Cell(stripped, begin, begin + len(stripped), i)]
    return [Cell(m.group(), line.start + m.start(), line.start + m.end(), i)
            for m in re.finditer(r"\S+", text) if m.start() >= offset]


def _cell_stream(lines: list[Line], i: int, offset: int, split: bool) -> list[Cell]:
    """Cells from ``lines[i]`` onwards, stopping well after any plausible table end."""
    cells: list[Cell] = []
    for j in range(i, min(len(lines), i + MAX_TABLE_LINES)):
        cells += _line_cells(lines, j, offset if j == i else 0, split)
    return cells


def _read_rows(cells: list[Cell], k: int, columns: list[Column],
               split: bool) -> tuple[list[IndicatorRow], Cell]:
    """Rows from ``cells[k:]`` until one is no row; returns (rows, last cell used)."""
    rows, state, last = [], RowState(), cells[k - 1]
    while k < len(cells):
        found = _next_row(cells, k, columns, state, split)
        if found is None:
            break
        row_cells, ending = found
        rows.append(read_row(row_cells, columns, state, ending))
        k += len(row_cells)
        last = row_cells[-1]
        if ending == "cut":
            break
    return rows, last


def _next_row(cells: list[Cell], k: int, columns: list[Column], state: RowState,
              split: bool) -> tuple[list[Cell], str] | None:
    """The cells of the row starting at ``cells[k]`` and how the row ended.

    A row ends at its attribute/status cell (or, with no such column, at the end of
    its line or after as many cells as there are columns): 'complete'.  When that
    cell is missing, the next row number followed by a name, a line break in
    one-row-per-line layout, or a name after the values ends the row early and the
    table goes on ('open'); the end of the text, prose, or too many cells end the
    row and the table ('cut').
    """
    first = cells[k]
    if is_prose(first.text) or terminator_role(first.text) or not _may_start_row(first.text, columns, state):
        return None
    has_term = columns[-1].role in ("attribute", "status")
    following = int(first.text) + 1 if INT.fullmatch(first.text) else state.expected + 1
    row: list[Cell] = []
    ending = "cut"
    for j in range(k, min(len(cells), k + len(columns) + 2)):
        cell = cells[j]
        if row and is_prose(cell.text):
            break
        if row and ((split and cell.line != first.line) or
                    (columns[0].role == "sequence" and _starts_next_row(cells, j, following))):
            ending = "open"
            break
        row.append(cell)
        if (has_term and terminator_role(cell.text) and len(row) > 1) or (not has_term and len(row) == len(columns)):
            return row, "complete"
    if not has_term:
        return (row, "complete") if len(row) >= 2 else None
    trimmed = _trim_incomplete(row)
    ending = "open" if len(trimmed) < len(row) else ending
    plausible = INT.fullmatch(first.text) or any(is_value(c.text) for c in trimmed[1:])
    return (trimmed, ending) if plausible and len(trimmed) >= 2 else None


def _may_start_row(text: str, columns: list[Column], state: RowState) -> bool:
    """With a 序号 column a row starts with the next number (a skipped one or two are noted)."""
    if columns[0].role != "sequence":
        return True
    if INT.fullmatch(text):
        return 0 <= int(text) - state.expected <= 2
    return not is_value(text)


def _starts_next_row(cells: list[Cell], j: int, number: int) -> bool:
    """``cells[j]`` is row number ``number`` followed by a name (not by another value)."""
    if cells[j].text != str(number) or j + 1 >= len(cells):
        return False
    after = cells[j + 1].text
    return not (is_value(after) or is_unit(after) or terminator_role(after) or is_prose(after))


def _trim_incomplete(row: list[Cell]) -> list[Cell]:
    """A row without its last cell: drop what looks like the start of the next row.

    After a value, a plain text cell (neither unit nor value) is the next row's name.
    """
    seen_value = False
    for j, cell in enumerate(row[1:], start=1):
        if seen_value and not (is_value(cell.text) or is_unit(cell.text)):
            return row[:j]
        seen_value = seen_value or is_value(cell.text)
    return row


def _read_footnotes(lines: list[Line], li: int, notes: list[str]) -> tuple[int, int | None]:
    """注: lines right under the table (and their numbered continuations) join its notes.

    Returns the table's last line and, when there were notes, where the last one ends.
    """
    j, stop, expected = li + 1, None, None
    while j < len(lines):
        text = lines[j].text
        number = re.match(r"(?:注:)?\s*(\d+)[.、]", text)
        if is_note(text):
            expected = int(number.group(1)) + 1 if number else None
        elif not (expected and number and int(number.group(1)) == expected):
            break
        else:
            expected += 1
        notes.append(text)
        stop, j = lines[j].span.end, j + 1
    return j - 1 if stop else li, stop
