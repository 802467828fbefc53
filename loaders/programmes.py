"""Programmes a plan names: its boxes, their titled items, names in prose, glossary terms.

The same name written several times is one programme; each writing adds the
sentence around it to the programme's own text.  Names in prose are read by the
chunker of ``loaders/measures`` (``READER = "chunker"``); the earlier reader, a
handful of patterns in ``ontology/lexicon/programmes.yaml``, is kept as
``"patterns"`` so the two can be compared on the expected sets
(``bench/extraction_score.py --reader patterns``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from .lexicon import alternation, load_lexicon
from .measures.lexicon import measures_lexicon
from .measures.prose import division_chain, merge_period, prose_measures
from .model import Box, Division, ParsedDocument, Programme, Span, divisions
from .sentences import sentence_at

READERS = ("chunker", "patterns")

CLAUSE_BREAKS = ",，"


@cache
def _rules() -> dict:
    lex = load_lexicon("programmes")
    suffix = "|".join(map(re.escape, lex["suffixes"]))
    verbs = alternation(lex["launch_verbs"])
    known = alternation(lex["known"])
    name = rf"[\u4e00-\u9fff“”·+]{{2,{lex['max_name']}}}?(?:{suffix})"
    return {
        "lex": lex,
        "patterns": [
            re.compile(rf"“(?P<name>[^“”]{{2,{lex['max_name']}}}(?:{suffix}))”"),
            re.compile(rf"(?P<name>“[^“”]{{1,15}}”[\u4e00-\u9fff]{{0,{lex['max_tail']}}}?(?:{suffix}))"),
            re.compile(rf"(?:{verbs})(?P<name>{name})"),
            re.compile(rf"(?P<name>{known})"),
        ],
    }


def kind_of(name: str, default: str = "item") -> str:
    """The programme kind its name's head word gives; known brands by the lexicon; else ``default``."""
    known = _rules()["lex"]["known"]
    if name in known:
        return known[name]
    head = measures_lexicon().head_of(name.rstrip("”"))
    return measures_lexicon().heads[head] if head else default


def find_programmes(document: ParsedDocument, reader: str = "chunker") -> list[Programme]:
    """Every programme of ``document``, in order of first appearance."""
    prose = prose_measures(document) if reader == "chunker" else _prose(document)
    found: dict[str, Programme] = {}
    for programme in [*_boxes(document), *_glossary(document, every=reader == "chunker"), *prose]:
        known = found.get(programme.name)
        if known is None:
            found[programme.name] = programme
        else:
            known.texts += [t for t in programme.texts if t not in known.texts]
            known.mentions += [m for m in programme.mentions if m not in known.mentions]
            if programme.origin == "prose":
                known.period = merge_period(known.period, programme.period) if known.origin == "prose" \
                    else known.period
    return sorted(found.values(), key=lambda p: p.span.start)


def division_at(chapters: list[Division], offset: int) -> Division | None:
    """The deepest division whose body holds ``offset``."""
    chain = division_chain(chapters, offset)
    return chain[-1] if chain else None


def _boxes(document: ParsedDocument) -> Iterator[Programme]:
    max_title = _rules()["lex"]["max_item_title"]
    for division in divisions(document.chapters):
        for box in division.boxes:
            if box.title:
                yield Programme(box.title, kind_of(box.title, "box"), "box", _title_span(document, box),
                                [box.body or box.span], division, box=box)
            for item in box.items:
                if item.titled or len(item.title) <= max_title:
                    yield Programme(item.title, kind_of(item.title), "box-item", item.span,
                                    [item.body or item.span], division, box=box, item=item)


def _title_span(document: ParsedDocument, box: Box) -> Span:
    line = document.text.text[box.span.start : box.span.end]
    start = box.span.start + line.rfind(box.title)
    return Span(start, start + len(box.title))


def _glossary(document: ParsedDocument, every: bool = True) -> Iterator[Programme]:
    """Glossary terms: every one (a plan defines a term because it launches it), or, for the
    pattern reader, those with a programme's suffix."""
    lex = _rules()["lex"]
    for entry in document.glossary:
        if every or entry.term in lex["known"] or any(entry.term.endswith(s) for s in lex["suffixes"]):
            name_span = Span(entry.span.start, entry.span.start + len(entry.term))
            yield Programme(entry.term, kind_of(entry.term, "term"), "glossary", name_span, [entry.span])


def _prose(document: ParsedDocument) -> Iterator[Programme]:
    """Names in the body: quoted names, names after a verb of launching, known brands."""
    text = document.text.text
    end = document.glossary_span.end if document.glossary_span else len(text)
    taken: list[Span] = []
    for pattern in _rules()["patterns"]:
        for match in pattern.finditer(text, document.plan_start, end):
            span = Span(match.start("name"), match.end("name"))
            if not _overlaps(span, taken) and _is_name(match.group("name")):
                taken.append(span)
    for span in sorted(taken, key=lambda s: s.start):
        name = text[span.start : span.end]
        yield Programme(name, kind_of(name), "prose", span, [_own_part(text, span, taken)],
                        division_at(document.chapters, span.start))


def _own_part(text: str, name: Span, names: list[Span]) -> Span:
    """The words that speak of the programme named at ``name``: its sentence from its clause on.

    A long sentence strings several measures together with commas; the clauses
    before the one naming the programme speak of other things, the ones after it
    say what it does and for whom (“推进X试点,促进…,满足残疾人…需求”).  Where one
    stretch names several programmes (“开展A计划和B工程”), each owns the text from
    the end of the name before it to the start of the name after it.
    """
    sentence = sentence_at(text, name.start)
    clause_start = max((i + 1 for i in range(sentence.start, name.start) if text[i] in CLAUSE_BREAKS),
                       default=sentence.start)
    clause_end = sentence.end
    before = [n.end for n in names if clause_start <= n.end <= name.start and n != name]
    after = [n.start for n in names if name.end <= n.start < clause_end and n != name]
    return Span(max(before, default=clause_start), min(after, default=clause_end))


def _overlaps(span: Span, taken: list[Span]) -> bool:
    return any(span.start < t.end and t.start < span.end for t in taken)


def _is_name(name: str) -> bool:
    """A candidate is a name, not a phrase: no stop word, no period quote, not generic, long enough."""
    lex = _rules()["lex"]
    if name in lex["known"]:
        return True
    bare = name.replace("“", "").replace("”", "")
    return (len(bare) >= lex["min_name"]
            and not any(ch in name for ch in lex["stop_characters"])
            and not any(quote in name for quote in lex["stop_quotes"])
            and bare not in lex["generic_names"])
