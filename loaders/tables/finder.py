"""Finding the tables: a title (tables.yaml: title_words), then whichever layout follows.

The title search runs over every line; a title counts only when a header
follows it, so titles in prose are skipped.  The layout is told by what comes
after the title: nothing (cells on the next lines), header words separated by
whitespace (row per line), or header words run together (one paragraph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import IndicatorTable, Line
from .header import header_column
from .lexicon import table_lexicon
from .per_line import read_per_line
from .run_together import read_run_together


@dataclass
class TableMatch:
    """A table found in ``lines``: the lines it spans (title line to last row or notes)."""

    table: IndicatorTable
    first_line: int
    last_line: int


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
        match = _read_table(lines, i, *title)
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


def _read_table(lines: list[Line], i: int, start: int, end: int) -> TableMatch | None:
    """Read the table whose title is ``lines[i].text[start:end]``, in whichever layout follows."""
    rest = lines[i].text[end:]
    words = rest.split()
    if not words:
        read = read_per_line(lines, i, start, end, i + 1, 0)
    elif len(words) >= 2 and header_column(words[0]) and rest[:1].isspace():
        read = read_per_line(lines, i, start, end, i, end)
    else:
        read = read_run_together(lines, i, start, end)
    if read is None:
        return None
    table, last_line = read
    return TableMatch(table, i, last_line)


def _find_title(text: str, pos: int) -> tuple[int, int] | None:
    """The next table title in ``text`` from ``pos``: (start, end).

    Overlapping title words are merged ('发展主要指标' + '主要指标完成情况'); a title
    inside a paragraph starts after the last sentence mark before it.
    """
    lex = table_lexicon()
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
