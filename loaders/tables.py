"""Indicator tables (主要发展指标) that lost their grid on the way to plain text.

Plans print their targets as tables; the texts we get have flattened them in
three ways, and this module reads all three into ``IndicatorTable`` objects:

- one cell per line (000, 002, 004): a row ends at its last cell, the attribute
  (约束性/预期性) or, in a 十三五 completion table, the status (完成/未完成); the row
  number (序号), where there is one, confirms where the next row starts;
- one row per line, cells separated by spaces or tabs (plans of other provinces):
  the same reading, the cells being the line's whitespace-separated words;
- everything run together inside a paragraph (001): the row number, the name's
  closing ``(unit)`` and the final attribute/status word delimit the cells, and
  numbers that touch (``95100``) are split by the scored rule of ``_split_run``.

Whatever had to be guessed (a missing unit cell, a value column left empty, a run
of digits split in two, a truncated attribute) is written to the row's notes, so
nothing shifts silently.  Every word list lives in ``ontology/lexicon/tables.yaml``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Sequence

import yaml

from .model import IndicatorRow, IndicatorTable, IndicatorValue, Line, Span

LEXICON_PATH = Path(__file__).resolve().parent.parent / "ontology" / "lexicon" / "tables.yaml"

_INT = re.compile(r"\d{1,3}")
_PAREN = re.compile(r"\(([^()]*)\)")
_RUN = re.compile(r"[\d.]*\d[\d.]*")


@dataclass
class TableMatch:
    """A table found in ``lines``: the lines it spans (title line to last row or notes)."""

    table: IndicatorTable
    first_line: int
    last_line: int


@dataclass(frozen=True)
class _Cell:
    """One cell as written, with absolute offsets into the normalised text."""

    text: str
    start: int
    end: int
    line: int

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass
class _Column:
    """One header column: its role and, for value columns, year and kind."""

    role: str  # sequence, domain, name, unit, value, attribute, status
    label: str
    year: int | None = None
    kind: str | None = None  # value columns: baseline, target, actual


@dataclass
class _RowState:
    """What one row passes to the next: the row number expected and the current 领域."""

    expected: int = 1
    domain: str | None = None


# --------------------------------------------------------------------------- lexicon


@dataclass
class _Lexicon:
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
def _lex() -> _Lexicon:
    """Load tables.yaml once; build the patterns every other function relies on."""
    raw = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    roles = {_squash(w): role for role, words in raw["header"].items() for w in words}
    kinds = _alternation(raw["value_kinds"])
    suffixes = _alternation(raw["year_suffixes"])
    year = re.compile(rf"(?P<year>(?:19|20)\d{{2}})(?:{suffixes})?(?P<kind>{kinds})?")
    comparators = sorted(raw["comparator_prefixes"].items(), key=lambda kv: -len(kv[0]))
    prefix = f"(?:{_alternation(raw['hedge_words'])})?(?:{_alternation(raw['comparator_prefixes'])})?"
    suffixes_cmp = _alternation(raw["comparator_suffixes"])
    tail = f"(?:{suffixes_cmp})?"
    units = _alternation(raw["units"])
    number = re.compile(rf"(?P<num>\d+(?:\.\d+)?)\s*(?:{units})?\s*(?P<suffix>{suffixes_cmp})?")
    empty = _alternation(raw["empty_marks"])
    value_token = re.compile(rf"{empty}|{prefix}\s*[\d.]*\d[\d.]*\s*%?{tail}|[^\d\s—]+")
    trailing = re.compile(rf"(?:{empty}|{prefix}\s*[\d.]*\d[\d.]*\s*%?{tail})+$")
    headings = [re.compile(p) for p in raw["heading_patterns"]]
    return _Lexicon(raw, roles, year, comparators, number, value_token, trailing, headings)


def _alternation(words) -> str:
    """A regex alternation of ``words``, longest first so the longest word wins."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _squash(text: str) -> str:
    """Header words are compared without whitespace: '2025年 目标值' is '2025年目标值'."""
    return re.sub(r"\s+", "", text)


# ------------------------------------------------------------------- cell classes


def _is_unit(text: str) -> bool:
    """A known unit, possibly with a magnitude prefix (万人, 亿元)."""
    lex, t = _lex(), text.strip()
    if t in lex["units"]:
        return True
    return len(t) > 1 and t[0] in lex["unit_prefixes"] and t[1:] in lex["units"]


def _is_empty(text: str) -> bool:
    return text.strip() in _lex()["empty_marks"]


def _parse_number(text: str) -> tuple[float | None, str | None]:
    """The number and comparator a value cell states; (None, None) when it states none."""
    lex, t = _lex(), text.strip()
    if _is_empty(t):
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


def _is_value(text: str) -> bool:
    """A cell that can only be a value: a number, an empty mark or a comparison."""
    lex, t = _lex(), text.strip()
    if _is_empty(t) or _parse_number(t)[0] is not None or _RUN.fullmatch(t):
        return True
    starts = list(lex["comparator_prefixes"]) + lex["hedge_words"]
    return any(t.startswith(w) for w in starts)


def _terminator_role(text: str) -> str | None:
    """'attribute' or 'status' when the cell is such a word (or a truncated attribute)."""
    lex, t = _lex(), text.strip()
    if t in lex["status_words"]:
        return "status"
    if t in lex["attribute_words"]:
        return "attribute"
    short = lex["min_truncated_attribute"]
    if len(t) >= short and any(w.startswith(t) and w != t for w in lex["attribute_words"]):
        return "attribute"
    return None


def _is_prose(text: str) -> bool:
    """Text that cannot be a table cell: a sentence, a heading, a note, or too long."""
    lex, t = _lex(), text.strip()
    if len(t) > lex["max_cell_chars"] or any(ch in t for ch in lex["row_breakers"]):
        return True
    return _is_note(t) or any(p.match(t) for p in lex.headings)


def _is_note(text: str) -> bool:
    return any(text.startswith(s) for s in _lex()["note_starters"])


def _name_unit(name: str) -> tuple[str, str | None]:
    """Split a trailing '(unit)' off a name when it is a known unit: ('…床位数', '张')."""
    match = re.search(r"\(([^()]*)\)\s*$", name)
    if match and _is_unit(match.group(1)):
        return name[: match.start()].strip(), match.group(1).strip()
    return name, None


# --------------------------------------------------------------------- the header


def _header_column(text: str) -> _Column | None:
    """The column a header word (or joined words) stands for, if any."""
    lex, word = _lex(), _squash(text)
    if word in lex.header_roles:
        return _Column(lex.header_roles[word], word)
    match = lex.year_header.fullmatch(word)
    if match:
        kind = lex["value_kinds"].get(match.group("kind") or "")
        return _Column("value", word, int(match.group("year")), kind)
    return None


def _read_header(cells: Sequence[_Cell]) -> tuple[list[_Column], int]:
    """Header columns at the start of ``cells``, joining words split over cells.

    The longest join wins, so '指标' + '属性' is the attribute column, not a name
    column followed by a stray word, except that the first cell reading as the
    name column stays alone while no name column has been read: '指标' + '单位' is
    the name column followed by the unit column.
    """
    columns, k, most = [], 0, _lex()["max_header_join"]
    while k < len(cells):
        alone = _header_column(cells[k].text)
        name_first = alone is not None and alone.role == "name" and all(c.role != "name" for c in columns)
        for size in range(1 if name_first else min(most, len(cells) - k), 0, -1):
            column = _header_column("".join(c.text for c in cells[k : k + size]))
            if column:
                columns.append(column)
                k += size
                break
        else:
            break
    return columns, k


def _read_header_run(text: str, pos: int) -> tuple[list[_Column], int]:
    """Header columns glued together in running text, longest word first at each step."""
    lex, columns = _lex(), []
    words = sorted(lex.header_roles, key=len, reverse=True)
    while pos < len(text):
        word = next((w for w in words if text.startswith(w, pos)), None)
        year = lex.year_header.match(text, pos)
        if year and (word is None or year.end() - pos > len(word)):
            columns.append(_header_column(year.group()))
            pos = year.end()
        elif word:
            columns.append(_Column(lex.header_roles[word], word))
            pos += len(word)
        else:
            break
    return columns, pos


def _finish_columns(columns: list[_Column], notes: list[str]) -> list[_Column] | None:
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


def _table_kind(title: str, columns: list[_Column]) -> str:
    completion = any(w in title for w in _lex()["completion_title_words"])
    return "completion" if completion or any(c.role == "status" for c in columns) else "target"


# ----------------------------------------------------------------------- titles


def _find_title(text: str, pos: int) -> tuple[int, int] | None:
    """The next table title in ``text`` from ``pos``: (start, end).

    Overlapping title words are merged ('发展主要指标' + '主要指标完成情况'); a title
    inside a paragraph starts after the last sentence mark before it.
    """
    lex = _lex()
    hits = [(m.start(), m.start() + len(w)) for w in lex["title_words"]
            for m in re.finditer(re.escape(w), text[pos:])]
    if not hits:
        return None
    hits = sorted((s + pos, e + pos) for s, e in hits)
    first, end = hits[0]
    for start, stop in hits[1:]:
        if start < end:
            end = max(end, stop)
    window = text[max(0, first - lex["max_title_chars"]) : first]
    marks = [i for i, ch in enumerate(window) if ch in lex["sentence_marks"]]
    if marks:
        begin = first - len(window) + marks[-1] + 1
    else:
        begin = 0 if first <= lex["max_title_chars"] else first
    while begin < first and text[begin].isspace():
        begin += 1
    if lex["title_must_contain"] not in text[begin:end]:
        return _find_title(text, first + 1)
    return begin, end


def find_indicator_tables(lines: list[Line]) -> list[TableMatch]:
    """Every indicator table in one document's lines, in order.

    A table starts at a title (tables.yaml: title_words) followed at once by header
    cells; titles in prose ('设置16项主要发展指标,围绕…') have no header and are skipped.
    Several tables may sit in one run-together line, so the search goes on inside
    the line after each table.
    """
    found: list[TableMatch] = []
    i, pos = 0, 0
    while i < len(lines):
        title = _find_title(lines[i].text, pos)
        if title is None:
            i, pos = i + 1, 0
            continue
        match = _parse_table(lines, i, *title)
        if match is None:
            pos = title[1]
            continue
        found.append(match)
        last = lines[match.last_line]
        if match.table.span.end < last.span.end:
            i, pos = match.last_line, match.table.span.end - last.start
        else:
            i, pos = match.last_line + 1, 0
    return found


def _parse_table(lines: list[Line], i: int, start: int, end: int) -> TableMatch | None:
    """Read the table whose title is ``lines[i].text[start:end]``, in whichever layout follows."""
    line = lines[i]
    rest = line.text[end:]
    if not rest.strip():
        return _parse_cells(lines, i, start, end, i + 1, 0)
    words = rest.split()
    if len(words) >= 2 and _header_column(words[0]) and rest[:1].isspace():
        return _parse_cells(lines, i, start, end, i, end)
    return _parse_run(lines, i, start, end)


# ---------------------------------------------------------- one cell (or row) per line


def _line_cells(lines: list[Line], i: int, offset: int, split: bool) -> list[_Cell]:
    """The cells of ``lines[i]`` from ``offset``: the whole line, or its whitespace-separated words."""
    line = lines[i]
    text = line.text
    if not split:
        piece = text[offset:]
        stripped = piece.strip()
        if not stripped:
            return []
        begin = line.start + offset + piece.index(stripped)
        return [_Cell(stripped, begin, begin + len(stripped), i)]
    return [_Cell(m.group(), line.start + m.start(), line.start + m.end(), i)
            for m in re.finditer(r"\S+", text) if m.start() >= offset]


def _cell_stream(lines: list[Line], i: int, offset: int, split: bool) -> list[_Cell]:
    """Cells from ``lines[i]`` onwards, stopping well after any plausible table end."""
    cells: list[_Cell] = []
    for j in range(i, min(len(lines), i + 600)):
        cells += _line_cells(lines, j, offset if j == i else 0, split)
    return cells


def _parse_cells(lines: list[Line], ti: int, start: int, end: int, hi: int, offset: int) -> TableMatch | None:
    """A table laid out one cell per line, or one row per line (cells split on whitespace)."""
    if hi >= len(lines):
        return None
    split = len(lines[hi].text[offset:].split()) >= 3
    cells = _cell_stream(lines, hi, offset, split)
    columns, k = _read_header(cells)
    table_notes: list[str] = []
    columns = _finish_columns(columns, table_notes) if columns else None
    if columns is None or k == 0:
        return None
    title = lines[ti].text[start:end]
    rows, k, last = _read_cell_rows(cells, k, columns, split)
    if not rows:
        return None
    last_line, stop = _read_footnotes(lines, last.line, table_notes)
    table = IndicatorTable(_table_kind(title, columns), title,
                           Span(lines[ti].start + start, stop or last.end), rows, table_notes)
    return TableMatch(table, ti, last_line)


def _read_cell_rows(cells: list[_Cell], k: int, columns: list[_Column], split: bool):
    """Rows from ``cells[k:]`` until one is no row; returns (rows, next index, last cell used)."""
    rows, state, last = [], _RowState(), cells[k - 1]
    while k < len(cells):
        found = _next_row(cells, k, columns, state, split)
        if found is None:
            break
        row_cells, ending = found
        rows.append(_read_row(row_cells, columns, state, ending))
        k += len(row_cells)
        last = row_cells[-1]
        if ending == "cut":
            break
    return rows, k, last


def _next_row(cells: list[_Cell], k: int, columns: list[_Column], state: _RowState,
              split: bool) -> tuple[list[_Cell], str] | None:
    """The cells of the row starting at ``cells[k]`` and how the row ended.

    A row ends at its attribute/status cell (or, with no such column, at the end of
    its line or after as many cells as there are columns): 'complete'.  When that
    cell is missing, the next row number followed by a name, a line break in
    one-row-per-line layout, or a name after the values ends the row early and the
    table goes on ('open'); the end of the text, prose, or too many cells end the
    row and the table ('cut').
    """
    first = cells[k]
    if _is_prose(first.text) or _terminator_role(first.text) or not _may_start_row(first.text, columns, state):
        return None
    has_term = columns[-1].role in ("attribute", "status")
    following = int(first.text) + 1 if _INT.fullmatch(first.text) else state.expected + 1
    row: list[_Cell] = []
    ending = "cut"
    for j in range(k, min(len(cells), k + len(columns) + 2)):
        cell = cells[j]
        if row and _is_prose(cell.text):
            break
        if row and ((split and cell.line != first.line) or
                    (columns[0].role == "sequence" and _starts_next_row(cells, j, following))):
            ending = "open"
            break
        row.append(cell)
        if (has_term and _terminator_role(cell.text) and len(row) > 1) or (not has_term and len(row) == len(columns)):
            return row, "complete"
    if not has_term:
        return (row, "complete") if len(row) >= 2 else None
    trimmed = _trim_incomplete(row)
    ending = "open" if len(trimmed) < len(row) else ending
    plausible = _INT.fullmatch(first.text) or any(_is_value(c.text) for c in trimmed[1:])
    return (trimmed, ending) if plausible and len(trimmed) >= 2 else None


def _may_start_row(text: str, columns: list[_Column], state: _RowState) -> bool:
    """With a 序号 column a row starts with the next number (a skipped one or two are noted)."""
    if columns[0].role != "sequence":
        return True
    if _INT.fullmatch(text):
        return 0 <= int(text) - state.expected <= 2
    return not _is_value(text)


def _starts_next_row(cells: list[_Cell], j: int, number: int) -> bool:
    """``cells[j]`` is row number ``number`` followed by a name (not by another value)."""
    if cells[j].text != str(number) or j + 1 >= len(cells):
        return False
    after = cells[j + 1].text
    return not (_is_value(after) or _is_unit(after) or _terminator_role(after) or _is_prose(after))


def _trim_incomplete(row: list[_Cell]) -> list[_Cell]:
    """A row without its last cell: drop what looks like the start of the next row.

    After a value, a plain text cell (neither unit nor value) is the next row's name.
    """
    seen_value = False
    for j, cell in enumerate(row[1:], start=1):
        if seen_value and not (_is_value(cell.text) or _is_unit(cell.text)):
            return row[:j]
        seen_value = seen_value or _is_value(cell.text)
    return row


def _read_footnotes(lines: list[Line], li: int, notes: list[str]) -> tuple[int, int | None]:
    """注: lines right under the table (and their numbered continuations) join its notes."""
    j, stop, expected = li + 1, None, None
    while j < len(lines):
        text = lines[j].text
        number = re.match(r"(?:注:)?\s*(\d+)[.、]", text)
        if _is_note(text):
            expected = int(number.group(1)) + 1 if number else None
        elif not (expected and number and int(number.group(1)) == expected):
            break
        else:
            expected += 1
        notes.append(text)
        stop, j = lines[j].span.end, j + 1
    return j - 1 if stop else li, stop


# ------------------------------------------------------------- run-together text


def _parse_run(lines: list[Line], li: int, start: int, end: int) -> TableMatch | None:
    """A table run together inside one line (001): header words, then glued rows."""
    line = lines[li]
    columns, pos = _read_header_run(line.text, end)
    table_notes: list[str] = []
    columns = _finish_columns(columns, table_notes) if columns else None
    if columns is None or columns[-1].role not in ("attribute", "status"):
        return None
    rows, state = [], _RowState()
    while (found := _next_run_row(line, li, pos, columns, state)) is not None:
        cells, pos = found
        rows.append(_read_row(cells, columns, state, "complete"))
    if not rows:
        return None
    title = line.text[start:end]
    span = Span(line.start + start, rows[-1].span.end)
    return TableMatch(IndicatorTable(_table_kind(title, columns), title, span, rows, table_notes), li, li)


def _next_run_row(line: Line, li: int, pos: int, columns: list[_Column],
                  state: _RowState) -> tuple[list[_Cell], int] | None:
    """The cells of the glued row at ``pos`` and where the next row starts, if a row is there."""
    text, cells = line.text, []
    if columns[0].role == "sequence":
        number = _INT.match(text, pos)
        if not number or int(number.group()) != state.expected:
            return None
        cells.append(_run_cell(line, li, number.start(), number.end()))
        pos = number.end()
    term = _find_run_terminator(text, pos, columns[-1].role)
    if term is None:
        return None
    body = text[pos : term[0]]
    if len(body) < 2 or _is_prose(body):
        return None
    name_end = _run_name_end(body)
    cells.append(_run_cell(line, li, pos, pos + name_end))
    for m in _lex().value_token.finditer(body, name_end):
        if m.group().strip():
            cells.append(_run_cell(line, li, pos + m.start(), pos + m.end()))
    cells.append(_run_cell(line, li, *term))
    return cells, term[1]


def _run_cell(line: Line, li: int, begin: int, end: int) -> _Cell:
    return _Cell(line.text[begin:end], line.start + begin, line.start + end, li)


def _find_run_terminator(text: str, pos: int, role: str) -> tuple[int, int] | None:
    """Where the row's attribute (or status) word is, within one row's length of ``pos``.

    A status word (完成) must follow a value (a digit, %, a dash or the unit's ')'),
    so a name that merely contains 完成 does not end the row.
    """
    lex = _lex()
    words = sorted(lex["attribute_words" if role == "attribute" else "status_words"], key=len, reverse=True)
    limit = min(len(text), pos + lex["max_run_row_chars"])
    hits = sorted((i, -len(w)) for w in words for i in _positions(text, w, pos, limit))
    for i, negative in hits:
        if role == "attribute" or (i > pos and re.match(r"[\d%—\-)]", text[i - 1])):
            return i, i - negative
    return None


def _positions(text: str, word: str, pos: int, limit: int) -> list[int]:
    found, i = [], text.find(word, pos, limit + len(word))
    while i >= 0:
        found.append(i)
        i = text.find(word, i + 1, limit + len(word))
    return found


def _run_name_end(body: str) -> int:
    """Where the name ends in a glued row body: after its '(unit)', else before trailing values.

    The unit is the last bracket whose content is a known unit or which only values
    follow; '乡镇(街道)…覆盖率(%)50' ends after '(%)', not after '(街道)'.
    """
    lex = _lex()
    for m in reversed(list(_PAREN.finditer(body))):
        rest = body[m.end():].strip()
        if _is_unit(m.group(1)) or not rest or lex.trailing_values.fullmatch(rest):
            return m.end()
    tail = lex.trailing_values.search(body)
    return tail.start() if tail and tail.start() > 0 else len(body)


# ----------------------------------------------------------------- reading a row


def _read_row(cells: list[_Cell], columns: list[_Column], state: _RowState, ending: str) -> IndicatorRow:
    """One row's cells → IndicatorRow, column by column, noting every guess.

    ``ending`` says how the row ended ('complete', 'open' or 'cut', see ``_next_row``).
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
    row.name, name_unit = _name_unit(name_cell.text)
    _take_middle(row, cells, cols, name_unit, ending == "cut")
    return row


def _take_terminator(row: IndicatorRow, cells: list[_Cell], col: _Column, complete: bool) -> None:
    """The last cell: attribute or status, kept as written; a truncated attribute is noted."""
    role = _terminator_role(cells[-1].text) if complete and len(cells) > 1 else None
    if role is None:
        row.notes.append(f"no {col.label} cell: the row ends without it")
        return
    text = cells.pop().text
    setattr(row, role, text)
    if role == "attribute" and text not in _lex()["attribute_words"]:
        full = next(w for w in _lex()["attribute_words"] if w.startswith(text))
        row.notes.append(f"attribute written '{text}' (truncated), presumably {full}")


def _take_sequence(row: IndicatorRow, cells: list[_Cell], col: _Column, state: _RowState) -> None:
    """The row number: checked against the count, so a lost or repeated row shows."""
    if cells and _INT.fullmatch(cells[0].text):
        number = int(cells.pop(0).text)
        if number != state.expected:
            row.notes.append(f"row number {number} where {state.expected} was expected")
        state.expected = number + 1
    else:
        row.notes.append(f"no {col.label} cell (row {state.expected} expected)")
        state.expected += 1


def _take_domain(row: IndicatorRow, cells: list[_Cell], columns_left: int, state: _RowState) -> None:
    """The 领域 cell, printed only on the first row of its group; later rows inherit it.

    It is there when the row has a cell for every column, when it is a known domain
    word, or when two text cells (domain, name) open a row that still has a value.
    """
    if _has_domain(cells, columns_left):
        state.domain = cells.pop(0).text
    row.domain = state.domain


def _has_domain(cells: list[_Cell], columns_left: int) -> bool:
    if len(cells) < 2:
        return False
    if len(cells) >= columns_left:
        return True
    first, second = cells[0].text, cells[1].text
    if first in _lex()["domain_words"]:
        return True
    if _is_value(first) or _is_unit(second) or _is_value(second) or _terminator_role(second):
        return False
    return len(first) <= 12 and any(_is_value(c.text) for c in cells[2:])


def _take_middle(row: IndicatorRow, cells: list[_Cell], cols: list[_Column], name_unit: str | None,
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


def _take_word_cell(row: IndicatorRow, cells: list[_Cell], role: str) -> None:
    """A status or attribute column that is not the last: found by its word, not its place."""
    for cell in cells:
        if _terminator_role(cell.text) == role:
            setattr(row, role, cell.text)
            cells.remove(cell)
            return


def _take_unit(row: IndicatorRow, cells: list[_Cell], cols: list[_Column], name_unit: str | None) -> None:
    """The unit cell, or a note that it is missing (the later cells shifted up).

    With a cell for every column the unit is read by position.  With one too few,
    the unit cell is taken as missing when a value stands in its place.
    """
    index = next(i for i, c in enumerate(cols) if c.role == "unit")
    present = len(cells) >= len(cols)
    if not present and index < len(cells):
        candidate = cells[index].text
        present = _is_unit(candidate) or (not _is_value(candidate) and len(candidate) <= 4)
    if present and index < len(cells):
        text = cells.pop(index).text
        if _is_empty(text):
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


def _take_values(row: IndicatorRow, cells: list[_Cell], cols: list[_Column], cut: bool) -> None:
    """Value cells → baseline/target/actual; run-together numbers split, gaps noted.

    When fewer values than value columns remain, they fill the last columns: a
    plan that gives one number gives its target, and a completion row that gives
    two gives target and actual (the baseline is the one new indicators lack).
    A row cut short at the end of the text lost its last cells instead, so there
    the values fill the first columns.
    """
    percent = row.unit in _lex()["percent_units"]
    values = _fit_runs(cells, len(cols), percent, row.notes)
    if len(values) > len(cols):
        extra = ", ".join(f"'{c.text}'" for c in values[len(cols):])
        row.notes.append(f"more value cells than value columns: {extra} ignored")
        values = values[: len(cols)]
    if len(values) < len(cols):
        cols = _columns_for_missing(row, values, cols, cut)
    for cell, col in zip(values, cols):
        _set_value(row, col, cell)


def _columns_for_missing(row: IndicatorRow, values: list[_Cell], cols: list[_Column], cut: bool) -> list[_Column]:
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


def _set_value(row: IndicatorRow, col: _Column, cell: _Cell) -> None:
    number, comparator = _parse_number(cell.text)
    value = IndicatorValue(cell.text, number, comparator, col.year, cell.span)
    if getattr(row, col.kind) is not None:
        row.notes.append(f"second {col.kind} column '{col.label}': '{cell.text}' not kept")
        return
    setattr(row, col.kind, value)


# ------------------------------------------------------------ run-together numbers


def _well_formed(text: str, percent: bool) -> bool:
    """A number as tables print it: no leading zero, few decimals, a share ≤ 100."""
    lex = _lex()
    if not re.fullmatch(rf"(0|[1-9]\d*)(\.\d{{1,{lex['max_decimals']}}})?", text):
        return False
    return not percent or float(text) <= lex["percent_max"]


def _fit_runs(cells: list[_Cell], columns: int, percent: bool, notes: list[str]) -> list[_Cell]:
    """Cells with every run of touching numbers ('95100') split into its parts."""
    out: list[_Cell] = []
    for index, cell in enumerate(cells):
        if not _RUN.fullmatch(cell.text) or _well_formed(cell.text, percent):
            out.append(cell)
            continue
        room = max(2, columns - (len(cells) - 1))
        parts = _split_run(cell, room, percent, notes)
        out += parts
    return out


def _split_run(cell: _Cell, most: int, percent: bool, notes: list[str]) -> list[_Cell]:
    """Split a run of touching numbers into 2..``most`` well-formed parts, and say how.

    The rule (tables.yaml): every part well formed (``_well_formed``); among the
    readings left, the lowest score wins, the score being how far apart the parts
    are (log10 of largest/smallest: a row's baseline, target and actual are of one
    magnitude) plus a penalty per decimal digit and per zero part.  A near tie is
    named in the note, and an unsplittable run is kept whole and noted.
    """
    text = cell.text
    readings = sorted((_score(p), len(p), p) for p in _readings(text, most, percent))
    if not readings:
        notes.append(f"run-together cells '{text}' could not be split into well-formed numbers; kept whole")
        return [cell]
    best = readings[0][2]
    note = f"run-together cells '{text}' read as {' | '.join(best)}"
    close = [r[2] for r in readings[1:] if r[0] - readings[0][0] <= _lex()["ambiguity_margin"]]
    if close:
        note += " (also possible: " + "; ".join(" | ".join(r) for r in close) + ")"
    notes.append(note)
    cells, at = [], cell.start
    for part in best:
        cells.append(_Cell(part, at, at + len(part), cell.line))
        at += len(part)
    return cells


def _readings(text: str, most: int, percent: bool) -> list[tuple[str, ...]]:
    """Every way to cut ``text`` into 2..``most`` well-formed numbers."""
    found = []
    for count in range(2, most + 1):
        for cuts in combinations(range(1, len(text)), count - 1):
            bounds = (0, *cuts, len(text))
            parts = tuple(text[a:b] for a, b in zip(bounds, bounds[1:]))
            if all(_well_formed(p, percent) for p in parts):
                found.append(parts)
    return found


def _score(parts: tuple[str, ...]) -> float:
    """Lower is likelier: parts of one magnitude, few decimals, no zeros."""
    lex = _lex()
    numbers = [float(p) for p in parts]
    nonzero = [n for n in numbers if n > 0] or [1.0]
    spread = math.log10(max(nonzero) / min(nonzero))
    decimals = sum(len(p.split(".")[1]) for p in parts if "." in p)
    zeros = sum(1 for n in numbers if n == 0)
    return spread + lex["decimal_penalty"] * decimals + lex["zero_penalty"] * zeros
