"""Sentences: the unit a relation's evidence quotes.

A sentence ends at 。 ; ! ? or a line break.  Relations are read one sentence at
a time, so each relation's quote is the sentence that says it.
"""

from __future__ import annotations

import re

from .model import Span

_END = re.compile(r"[。;；!！?？\n]")


def sentence_at(text: str, offset: int) -> Span:
    """The sentence of ``text`` that holds ``offset`` (without its leading spaces)."""
    start = offset
    while start > 0 and not _END.match(text[start - 1]):
        start -= 1
    end = _END.search(text, offset)
    stop = end.end() if end and text[end.start()] != "\n" else (end.start() if end else len(text))
    while start < stop and text[start].isspace():
        start += 1
    return Span(start, stop)


def sentences_in(text: str, span: Span) -> list[Span]:
    """The sentences of ``text[span]``, each as a span of ``text``; blank ones are dropped."""
    found, start = [], span.start
    for match in _END.finditer(text, span.start, span.end):
        stop = match.end() if match.group() != "\n" else match.start()
        _append(text, found, start, stop)
        start = match.end()
    _append(text, found, start, span.end)
    return found


def _append(text: str, found: list[Span], start: int, stop: int) -> None:
    while start < stop and text[start].isspace():
        start += 1
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    if stop > start:
        found.append(Span(start, stop))
