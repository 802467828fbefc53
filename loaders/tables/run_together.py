"""Tables run together inside one paragraph line (001).

Flattening lost every break: title, header words and rows follow each other
without separators.  The row number, the name's closing ``(unit)`` and the
row's final attribute/status word delimit the cells; numbers that touch
(``95100``) are left to ``runs`` to split when the row is read.
"""

from __future__ import annotations

import re

from ..model import IndicatorTable, Line, Span
from .cells import INT, Cell, is_prose, is_unit
from .header import Column, finish_columns, read_header_run, table_kind
from .lexicon import table_lexicon
from .rows import RowState, read_row

_PAREN = re.compile(r"\(([^()]*)\)")


def read_run_together(lines: list[Line], li: int, start: int, end: int) -> tuple[IndicatorTable, int] | None:
    """The table titled ``lines[li].text[start:end]``, header words and glued rows after it,
    with the index of its last line (``li``: the table never leaves its line)."""
    line = lines[li]
    columns, pos = read_header_run(line.text, end)
    table_notes: list[str] = []
    columns = finish_columns(columns, table_notes) if columns else None
    if columns is None or columns[-1].role not in ("attribute", "status"):
        return None
    rows, state = [], RowState()
    while (found := _next_row(line, li, pos, columns, state)) is not None:
        cells, pos = found
        rows.append(read_row(cells, columns, state, "complete"))
    if not rows:
        return None
    title = line.text[start:end]
    span = Span(line.start + start, rows[-1].span.end)
    return IndicatorTable(table_kind(title, columns), title, span, rows, table_notes), li


def _next_row(line: Line, li: int, pos: int, columns: list[Column],
              state: RowState) -> tuple[list[Cell], int] | None:
    """The cells of the glued row at ``pos`` and where the next row starts, if a row is there."""
    text, cells = line.text, []
    if columns[0].role == "sequence":
        number = INT.match(text, pos)
        if not number or int(number.group()) != state.expected:
            return None
        cells.append(_cell(line, li, number.start(), number.end()))
        pos = number.end()
    term = _find_terminator(text, pos, columns[-1].role)
    if term is None:
        return None
    body = text[pos : term[0]]
    if len(body) < 2 or is_prose(body):
        return None
    name_end = _name_end(body)
    cells.append(_cell(line, li, pos, pos + name_end))
    for m in table_lexicon().value_token.finditer(body, name_end):
        if m.group().strip():
            cells.append(_cell(line, li, pos + m.start(), pos + m.end()))
    cells.append(_cell(line, li, *term))
    return cells, term[1]


def _cell(line: Line, li: int, begin: int, end: int) -> Cell:
    """The cell ``line.text[begin:end]``, with offsets into the whole text."""
    return Cell(line.text[begin:end], line.start + begin, line.start + end, li)


def _find_terminator(text: str, pos: int, role: str) -> tuple[int, int] | None:
    """Where the row's attribute (or status) word is, within one row's length of ``pos``.

    A status word (完成) must follow a value (a digit, %, a dash or the unit's ')'),
    so a name that merely contains 完成 does not end the row.
    """
    lex = table_lexicon()
    words = sorted(lex["attribute_words" if role == "attribute" else "status_words"], key=len, reverse=True)
    limit = min(len(text), pos + lex["max_run_row_chars"])
    hits = sorted((i, -len(w)) for w in words for i in _positions(text, w, pos, limit))
    for i, negative in hits:
        if role == "attribute" or (i > pos and re.match(r"[\d%—\-)]", text[i - 1])):
            return i, i - negative
    return None


def _positions(text: str, word: str, pos: int, limit: int) -> list[int]:
    """Every start of ``word`` in ``text`` from ``pos``, up to ``limit``."""
    found, i = [], text.find(word, pos, limit + len(word))
    while i >= 0:
        found.append(i)
        i = text.find(word, i + 1, limit + len(word))
    return found


def _name_end(body: str) -> int:
    """Where the name ends in a glued row body: after its '(unit)', else before trailing values.

    The unit is the last bracket whose content is a known unit or which only values
    follow; '乡镇(街道)…覆盖率(%)50' ends after '(%)', not after '(街道)'.
    """
    lex = table_lexicon()
    for m in reversed(list(_PAREN.finditer(body))):
        rest = body[m.end():].strip()
        if is_unit(m.group(1)) or not rest or lex.trailing_values.fullmatch(rest):
            return m.end()
    tail = lex.trailing_values.search(body)
    return tail.start() if tail and tail.start() > 0 else len(body)
