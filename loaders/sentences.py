"""Sentences: the unit a relation's evidence quotes.

A sentence ends at 。 ; ! ? or a line break.  Relations are read one sentence at
a time, so each relation's quote is the sentence that says it.  Some sources wrap
lines at a fixed width (the national plan's boxes): a long line that stops
without punctuation goes on in the next line, so that line break is no end.
"""

from __future__ import annotations

import re

from .headings import patterns
from .model import Span

_END = re.compile(r"[。;；!！?？\n]")
WRAPPED_LINE = 28  # a line at least this long, ending without punctuation, was wrapped


def _is_wrap(text: str, newline: int) -> bool:
    """Whether the line break at ``newline`` only wraps a sentence onto the next line."""
    line_start = text.rfind("\n", 0, newline) + 1
    line = text[line_start:newline].rstrip()
    return (len(line) >= WRAPPED_LINE and not _END.match(line[-1]) and line[-1] not in ":："
            and not patterns()["toc_entry_end"].search(line))


def sentence_at(text: str, offset: int) -> Span:
    """The sentence of ``text`` that holds ``offset`` (without its leading spaces)."""
    start = offset
    while start > 0 and not (_END.match(text[start - 1]) and not _wrap_at(text, start - 1)):
        start -= 1
    end = _END.search(text, offset)
    while end and _wrap_at(text, end.start()):
        end = _END.search(text, end.end())
    stop = end.end() if end and text[end.start()] != "\n" else (end.start() if end else len(text))
    while start < stop and text[start].isspace():
        start += 1
    return Span(start, stop)


def sentences_in(text: str, span: Span) -> list[Span]:
    """The sentences of ``text[span]``, each as a span of ``text``; blank ones are dropped."""
    found, start = [], span.start
    for match in _END.finditer(text, span.start, span.end):
        if _wrap_at(text, match.start()):
            continue
        stop = match.end() if match.group() != "\n" else match.start()
        _append(text, found, start, stop)
        start = match.end()
    _append(text, found, start, span.end)
    return found


def _wrap_at(text: str, position: int) -> bool:
    return text[position] == "\n" and _is_wrap(text, position)


def _append(text: str, found: list[Span], start: int, stop: int) -> None:
    while start < stop and text[start].isspace():
        start += 1
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    if stop > start:
        found.append(Span(start, stop))
