"""Document structure: chapters, sections, sub-sections, boxes, tables and the glossary.

Works on the lines of the body (after the table of contents).  A heading is
accepted only when its number follows the previous heading of its level (一, 二,
三 …), which keeps list items, table cells and quoted numbers from posing as
headings.  Everything found keeps its span in the normalised text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .headings import Heading, detect_family, is_toc_marker, match_heading, patterns
from .model import Box, BoxItem, Division, GlossaryEntry, IndicatorTable, Line, Span
from .tables import TableMatch, find_indicator_tables


@dataclass
class Structure:
    family: str
    body_start: int  # index of the first body line
    chapters: list[Division] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)
    glossary_span: Span | None = None
    loose_tables: list[IndicatorTable] = field(default_factory=list)  # tables before any chapter
    body_end: int = 0  # offset where the body ends (glossary or trailer)
    warnings: list[str] = field(default_factory=list)


def parse_structure(lines: list[Line]) -> Structure:
    """Find the body of a document and its divisions."""
    family = detect_family([line.text for line in lines])
    start = find_body_start(lines, family)
    tables = find_indicator_tables(lines)
    structure = Structure(family=family, body_start=start)
    _Parser(structure, lines, tables).run()
    if not structure.chapters:
        structure.chapters = topic_sections(lines)
    return structure


def topic_sections(lines: list[Line]) -> list[Division]:
    """An unnumbered text's topic lines as its sections (the first line is its title)."""
    p = patterns()
    topic = re.compile(p["lex"]["topic_line"])
    sections: list[Division] = []
    end = lines[-1].span.end if lines else 0
    for line in lines[1:]:
        if any(t.match(line.text) for t in p["trailers"]):
            end = line.start
            break
        if topic.match(line.text):
            sections.append(Division(2, len(sections) + 1, "", line.text, line.span, Span(line.start, end)))
    for current, following in zip(sections, sections[1:]):
        current.body = Span(current.span.start, following.span.start)
    if sections:
        last = sections[-1]
        last.body = Span(last.span.start, end)
    return sections


def find_body_start(lines: list[Line], family: str) -> int:
    """Index of the first chapter heading of the body, skipping any table of contents.

    A table of contents repeats the chapter headings, so the body begins at the
    last line that repeats the first chapter's heading.  With no chapter at all,
    the body begins after the last table-of-contents marker (or at line 0).
    """
    first_title, start = None, None
    for index, line in enumerate(lines):
        heading = match_heading(line.text, family, max_level=1)
        if heading and heading.number == 1:
            title = heading.title.rstrip("0123456789")  # contents lines may end in a page number
            if first_title is None:
                first_title = title
            if title.startswith(first_title) or first_title.startswith(title):
                start = index
    if start is not None:
        return start
    toc = [i for i, line in enumerate(lines) if is_toc_marker(line.text)]
    return toc[-1] + 1 if toc else 0


class _Parser:
    """A single pass over the body lines, keeping the current chapter/section/box."""

    def __init__(self, structure: Structure, lines: list[Line], tables: list[TableMatch]) -> None:
        self.s = structure
        self.lines = lines
        self.tables = {t.first_line: t for t in tables if t.first_line >= structure.body_start}
        self.stack: list[Division] = []  # open divisions, chapter first
        self.box: Box | None = None
        self.in_glossary = False
        self.glossary_end = 0  # the end of the glossary's last line
        self.p = patterns()

    def run(self) -> None:
        index = self.s.body_start
        end = self.lines[-1].span.end if self.lines else 0
        self.s.body_end = end
        while index < len(self.lines):
            line = self.lines[index]
            if index in self.tables:
                if self.tables[index].table.span.start > line.start:
                    self._line(line)  # a run-together line: a heading may precede its table
                self._add_table(self.tables[index].table)
                index = self.tables[index].last_line + 1
                continue
            if self._is_trailer(line):
                self.s.body_end = line.start
                break
            self._line(line)
            index += 1
        self._close_all(self.s.body_end)
        if self.s.glossary_span:  # to the trailer, or (none after it) to its last line
            end = max(self.s.body_end, self.glossary_end)
            self.s.glossary_span = Span(self.s.glossary_span.start, end)

    def _line(self, line: Line) -> None:
        if self.p["glossary"].match(line.text):
            if not self.in_glossary:
                self._close_all(line.start)
                self.s.body_end = line.start
                self.in_glossary = True
                self.s.glossary_span = line.span
            return
        if self.in_glossary:
            self._glossary_line(line)
            self.glossary_end = line.span.end
            return
        heading = self._accepted_heading(line.text)
        if heading:
            self._open(heading, line)
            return
        box = self.p["box"].match(line.text)
        if box and self.stack:
            self.box = Box(int(box.group("num")), box.group("title").strip(), line.span, body=line.span)
            self._deepest(max_level=2).boxes.append(self.box)
            return
        if self.box:
            self._box_line(line)

    def _accepted_heading(self, text: str) -> Heading | None:
        levels = len(self.p["families"][self.s.family]["levels"])
        heading = match_heading(text, self.s.family, max_level=levels)
        if not heading or (self.box and heading.level == 3):
            return None
        if heading.level > len(self.stack) + 1 and not (heading.level == 3 and self.stack):
            return None
        siblings = self._siblings(heading.level)
        expected = siblings[-1].number + 1 if siblings else 1
        return heading if heading.number == expected else None

    def _siblings(self, level: int) -> list[Division]:
        if level == 1:
            return self.s.chapters
        parents = [d for d in self.stack if d.level < level]
        return [c for c in parents[-1].children if c.level == level] if parents else []

    def _open(self, heading: Heading, line: Line) -> None:
        self._close_from(heading.level, line.start)
        self.box = None
        title_end = line.text.find(heading.title, len(heading.marker)) + len(heading.title)
        heading_span = Span(line.start, line.start + title_end) if title_end > len(heading.title) else line.span
        division = Division(heading.level, heading.number, heading.marker, heading.title,
                            span=heading_span, body=Span(line.start, line.start))
        if heading.level == 1:
            self.s.chapters.append(division)
        else:
            self.stack[-1].children.append(division)
        self.stack.append(division)

    def _close_from(self, level: int, offset: int) -> None:
        while self.stack and self.stack[-1].level >= level:
            closed = self.stack.pop()
            closed.body = Span(closed.span.start, offset)

    def _close_all(self, offset: int) -> None:
        self._close_from(1, offset)
        self.box = None

    def _deepest(self, max_level: int) -> Division:
        return [d for d in self.stack if d.level <= max_level][-1]

    def _add_table(self, table: IndicatorTable) -> None:
        self.box = None
        if self.stack:
            self.stack[-1].tables.append(table)
        else:
            self.s.loose_tables.append(table)

    def _box_line(self, line: Line) -> None:
        """A numbered item opens; any other line continues the current item."""
        assert self.box is not None
        self.box.body = Span(self.box.span.start, line.span.end)
        expected = len(self.box.items) + 1
        for pattern in self.p["box_items"]:
            match = pattern.match(line.text)
            if match and int(match.group("num")) == expected:
                title = _item_title(match.group("title"))
                titled = title == match.group("title").strip()
                self.box.items.append(BoxItem(expected, title, line.span, body=line.span, titled=titled))
                return
        if self.box.items:
            item = self.box.items[-1]
            item.body = Span(item.body.start, line.span.end)

    def _glossary_line(self, line: Line) -> None:
        entry = self.p["glossary_entry"].match(line.text)
        if entry:
            self.s.glossary.append(GlossaryEntry(entry.group("term").strip(),
                                                 entry.group("definition").strip(), line.span))
        elif self.s.glossary:
            last = self.s.glossary[-1]
            last.definition += line.text
            last.span = Span(last.span.start, line.span.end)

    def _is_trailer(self, line: Line) -> bool:
        return any(p.match(line.text) for p in self.p["trailers"])


def _item_title(text: str) -> str:
    """A box item's title: the line up to its first full stop (items in some plans have no title line)."""
    text = text.strip()
    cut = text.find("。")
    return text[:cut] if cut > 0 else text
