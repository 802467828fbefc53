"""Turning normalised text into lines, including text whose lines were run together.

Documents copied from sharing sites arrive as one long run of text (001): their
headings sit inline.  The table of contents names every heading, so the run is
split where those headings recur in the body, and at numbered items (1. 2. …)
that follow a full stop.  Split lines keep their offsets; nothing is rewritten.
"""

from __future__ import annotations

import re

from .headings import patterns
from .model import Line, NormalisedText

_TOC_IN_LINE = re.compile(r"目\s*录")


def _pattern(name: str) -> re.Pattern:
    """A pattern of ``ontology/lexicon/headings.yaml`` (``re`` caches the compiled form)."""
    return re.compile(patterns()["lex"][name])


def text_lines(text: NormalisedText) -> list[Line]:
    """The non-empty lines of ``text``, stripped, long run-together lines split."""
    lines: list[Line] = []
    position = 0
    for raw_line in text.text.split("\n"):
        stripped = raw_line.strip()
        if stripped:
            lines.append(Line(stripped, position + raw_line.index(stripped)))
        position += len(raw_line) + 1
    limit = patterns()["lex"]["run_together_min_chars"]
    return [piece for line in lines for piece in (split_run_together(line) if len(line.text) >= limit else [line])]


def split_run_together(line: Line) -> list[Line]:
    """Split one long line at the headings its table of contents lists."""
    toc = _TOC_IN_LINE.search(line.text)
    if not toc:
        return [line]
    entries, body_start = _toc_entries(line.text, toc.end())
    if not entries:
        return [line]
    cuts = _heading_positions(line.text, entries, body_start)
    cuts += [m.start() for m in _pattern("run_together_item").finditer(line.text, body_start)]
    return _cut(line, sorted(set(cuts)))


def _toc_entries(text: str, start: int) -> tuple[list[tuple[str, str]], int]:
    """(marker, title) pairs of the contents, and where the body begins (the first entry again)."""
    markers = list(_pattern("contents_entry").finditer(text, start))
    if not markers:
        return [], start
    first = markers[0].group() + text[markers[0].end(): markers[1].start() if len(markers) > 1 else None]
    body_start = text.find(first, markers[0].end())
    if body_start < 0:
        return [], start
    entries = []
    toc_markers = [m for m in markers if m.start() < body_start]
    for m, following in zip(toc_markers, toc_markers[1:] + [None]):
        end = following.start() if following else body_start
        entries.append((m.group(), text[m.end(): end]))
    return entries, body_start


def _heading_positions(text: str, entries: list[tuple[str, str]], start: int) -> list[int]:
    """Where each contents entry recurs in the body, in order: its start and its end.

    The last entry of a contents often runs into an appendix title, so an entry
    is looked for by the longest prefix of its title that the body holds.
    """
    positions, cursor = [], start
    for marker, title in entries:
        for length in range(len(title), 1, -1):
            found = text.find(marker + title[:length], cursor)
            if found >= 0:
                cursor = found + len(marker) + length
                positions += [found, cursor]
                break
    return positions


def _cut(line: Line, cuts: list[int]) -> list[Line]:
    pieces, bounds = [], [0] + [c for c in cuts if 0 < c < len(line.text)] + [len(line.text)]
    for begin, end in zip(bounds, bounds[1:]):
        piece = line.text[begin:end]
        stripped = piece.strip()
        if stripped:
            pieces.append(Line(stripped, line.start + begin + piece.index(stripped)))
    return pieces
