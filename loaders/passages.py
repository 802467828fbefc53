"""Passages: the plan's own words, every one of them, as the units a researcher searches and reads.

A document is cut, from its first character to its last, into passages: each
heading, each table row (a line of an indicator table), each glossary definition,
and the sentences of everything else (the body's prose and boxes, the front
matter before the body).  Each passage knows its kind, its span and the deepest
part of the outline it sits in (an item, a box, a table, a section or chapter,
the glossary), so a search hit can say where in the plan it is.

What a passage mentions is read from what the other stages found in the same
stretch of text (programmes' names, indicators' rows, the words that named a
group, a domain or a body in a relation, the first mention of a body); nothing is
matched again here, so a passage mentions exactly what the graph says elsewhere.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from .model import Box, BoxItem, Division, IndicatorTable, ParsedDocument, Span
from .model import divisions
from .sentences import sentences_in

# Kinds of passage, as the graph writes them (pkg:passageKind).
FRONT, HEADING, SENTENCE, BOX, ROW, DEFINITION = "front", "heading", "sentence", "box", "row", "definition"
Container = Division | Box | BoxItem | IndicatorTable | str  # 'glossary' for the glossary


@dataclass
class Passage:
    span: Span  # of the normalised text
    kind: str
    container: Container | None  # the deepest part of the outline holding it; None before the body
    mentions: list[object] = field(default_factory=list)  # parsed programmes and rows; concept IRIs (str)


def find_passages(document: ParsedDocument) -> list[Passage]:
    """Every passage of ``document`` in text order; blank stretches give none."""
    text = document.text.text
    fixed = _fixed_passages(document)  # headings, table rows, definitions: cut as they are
    found: list[Passage] = []
    cursor = 0
    for passage in fixed:
        found += _prose(document, Span(cursor, passage.span.start))
        found.append(passage)
        cursor = max(cursor, passage.span.end)
    found += _prose(document, Span(cursor, len(text)))
    places = _Places(document)
    for passage in found:
        if passage.container is None and passage.kind != FRONT:
            passage.container = places.deepest(passage.span.start)
            if isinstance(passage.container, (Box, BoxItem)):
                passage.kind = BOX
    _mentions(document, found)
    return found


def _fixed_passages(document: ParsedDocument) -> list[Passage]:
    """Headings, table lines and glossary definitions: passages whatever their punctuation."""
    text = document.text.text
    fixed = [Passage(d.span, HEADING, d) for d in divisions(document.chapters)]
    for table in _tables(document):
        fixed += [Passage(row, ROW, table) for row in _table_rows(text, table)]
    fixed += [Passage(entry.span, DEFINITION, "glossary") for entry in document.glossary]
    fixed.sort(key=lambda p: (p.span.start, -p.span.end))
    kept, end = [], -1
    for passage in fixed:  # a table inside a heading's line, or overlapping entries: the first wins
        if passage.span.start >= end and passage.span.end > passage.span.start:
            kept.append(passage)
            end = passage.span.end
    return kept


def _prose(document: ParsedDocument, gap: Span) -> list[Passage]:
    """The sentences of a stretch between fixed passages (front matter before the body)."""
    if gap.end <= gap.start:
        return []
    found = []
    for sentence in sentences_in(document.text.text, gap):
        for piece in _split_at(sentence, document.body_start):
            kind = FRONT if piece.start < document.body_start else SENTENCE
            found.append(Passage(piece, kind, None))
    return found


def _split_at(span: Span, offset: int) -> list[Span]:
    if span.start < offset < span.end:
        return [Span(span.start, offset), Span(offset, span.end)]
    return [span]


def _table_rows(text: str, table: IndicatorTable) -> list[Span]:
    """A table's rows as the table reader found them, and the lines between them (title, header, notes):
    a table run together on one line (a scraped page) is still one passage per row."""
    rows, cursor = [], table.span.start
    for row in sorted((r.span for r in table.rows), key=lambda s: s.start):
        if row.start >= cursor:
            rows += _lines(text, Span(cursor, row.start))
            rows.append(row)
            cursor = row.end
    return rows + _lines(text, Span(cursor, table.span.end))


def _lines(text: str, span: Span) -> list[Span]:
    found, start = [], span.start
    while start < span.end:
        stop = text.find("\n", start, span.end)
        stop = span.end if stop < 0 else stop
        line = text[start:stop]
        if line.strip():
            lead = len(line) - len(line.lstrip())
            found.append(Span(start + lead, start + len(line.rstrip())))
        start = stop + 1
    return found


def _tables(document: ParsedDocument) -> list[IndicatorTable]:
    return [*document.preamble_tables, *(t for d in divisions(document.chapters) for t in d.tables)]


class _Places:
    """The parts of the outline by span: those starting at or before an offset are found by bisection, the
    deepest of them holding it by a look at each (a plan has a few hundred parts)."""

    def __init__(self, document: ParsedDocument) -> None:
        places: list[tuple[Span, Container]] = []
        for division in divisions(document.chapters):
            places.append((division.body, division))
            for box in division.boxes:
                places.append((box.body or box.span, box))
                places += [(item.body or item.span, item) for item in box.items]
        places += [(table.span, table) for table in _tables(document)]
        if document.glossary_span is not None:
            places.append((document.glossary_span, "glossary"))
        self.places = sorted(places, key=lambda p: (p[0].start, -(p[0].end)))
        self.starts = [span.start for span, _ in self.places]

    def deepest(self, offset: int) -> Container | None:
        """The innermost (shortest) part whose span holds ``offset``."""
        best = None
        for span, place in self.places[: bisect_right(self.starts, offset)]:
            if span.start <= offset < span.end and (best is None or span.end - span.start <= best[0]):
                best = (span.end - span.start, place)
        return best[1] if best else None


def _mentions(document: ParsedDocument, found: list[Passage]) -> None:
    """Each passage's entities: whatever another stage found written inside its span."""
    starts = [p.span.start for p in found]

    def add(span: Span, entity: object) -> None:
        index = bisect_right(starts, span.start) - 1
        if index >= 0 and span.start < found[index].span.end and entity not in found[index].mentions:
            found[index].mentions.append(entity)

    for programme in document.programmes:
        for span in [programme.span, *programme.mentions]:
            add(span, programme)
    for table in _tables(document):
        for row in table.rows:
            add(row.span, row)
    text = document.text.text
    for relation in document.relations:
        where = text.find(relation.matched, relation.evidence.start, relation.evidence.end) if relation.matched else -1
        while where >= 0:  # every place in the relation's window where the words that named it are written
            add(Span(where, where + len(relation.matched)), relation.target)
            where = text.find(relation.matched, where + len(relation.matched), relation.evidence.end)
    for body in document.bodies:
        add(body.span, body.iri)
