"""Normalisation: raw text → clean simplified text, with a map back to raw offsets.

What it undoes, and why each is safe to undo:
- page-chunk markers of document-sharing sites (``\\n2、``), which also cut words in half;
- spam tokens a reposting site injected (listed in ``ontology/lexicon/noise.yaml``);
- pinyin glosses glued after characters (關(guān)), which split names and titles;
- traditional characters (OpenCC ``t2s``), so one lexicon serves every source;
- width variants and odd spaces (NFKC, one character at a time), so ``（一）`` and ``(一)``
  or ``１`` and ``1`` match the same patterns.
Every output character remembers the raw offset it came from (``NormalisedText``),
so quotes written as evidence are verbatim source text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import opencc

from .lexicon import load_lexicon
from .model import NormalisedText

_LINE = re.compile(r"[^\n]*\n?")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise(raw: str) -> NormalisedText:
    """Normalise ``raw`` and keep, for each output character, its raw offset."""
    noise = load_lexicon("noise")
    deleted = _chunk_marker_ranges(raw, noise["page_chunk"]) + _token_ranges(raw, noise["spam_tokens"])
    deleted += [(m.start(), m.end()) for m in re.finditer("\r", raw)]
    deleted += [(m.start(), m.end()) for m in re.finditer(noise["glosses"], raw)]
    chars, offsets = _delete_ranges(raw, deleted)
    return NormalisedText(raw=raw, text=fold("".join(chars)), offsets=offsets + [len(raw)])


def fold(text: str) -> str:
    """Traditional characters to simplified and width variants to plain, one character for one,
    so a span of ``text`` indexes the result too (a title or a line read outside ``normalise``)."""
    spaces = load_lexicon("noise")["spaces"]
    return "".join(_fold_char(ch, spaces) for ch in _to_simplified(text))


def _chunk_marker_ranges(raw: str, rule: dict) -> list[tuple[int, int]]:
    """Ranges covering ``\\nN、`` page-chunk markers, when the text is chunked at all.

    A chunked text numbers its lines 1, 2, 3 … without gaps; a plan's own ``一、``
    or ``1、`` list items never run that long and that regularly, so the rule is to
    require ``min_chunks`` consecutive numbers on ``min_share`` of the lines.
    """
    sep = re.escape(rule["separator"])
    lines = [(m.start(), m.group()) for m in _LINE.finditer(raw) if m.group().strip()]
    numbered = [(start, line) for start, line in lines if re.match(rf"\d+{sep}", line)]
    if len(numbered) < rule["min_chunks"]:
        return []
    first = next(i for i, (start, _) in enumerate(lines) if start == numbered[0][0])
    expected, ranges = 1, []
    for start, line in lines[first:]:
        match = re.match(rf"(\d+){sep}", line)
        if not match or int(match.group(1)) != expected:
            break
        newline = start - 1 if expected > 1 and start > 0 and raw[start - 1] == "\n" else start
        ranges.append((newline, start + match.end()))
        expected += 1
    if expected - 1 < rule["min_share"] * (len(lines) - first):
        return []
    return ranges


def _token_ranges(raw: str, tokens: list[str]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for token in tokens for m in re.finditer(re.escape(token), raw)]


def _delete_ranges(raw: str, ranges: list[tuple[int, int]]) -> tuple[list[str], list[int]]:
    """The characters of ``raw`` outside ``ranges``, with their raw offsets."""
    keep = bytearray(b"\x01") * len(raw)
    for start, end in ranges:
        keep[start:end] = bytes(end - start)
    offsets = [i for i, flag in enumerate(keep) if flag]
    return [raw[i] for i in offsets], offsets


def _to_simplified(text: str) -> str:
    """OpenCC t2s, line by line; a line whose length would change is converted per character.

    Phrase-level conversion is more accurate, but the offset map needs one output
    character per input character, which t2s keeps for all but rare phrases.
    """
    converter = _t2s()
    out = []
    for line in _LINE.findall(text):
        converted = converter.convert(line)
        if len(converted) != len(line):
            converted = "".join(c if len(c := converter.convert(ch)) == 1 else ch for ch in line)
        out.append(converted)
    return "".join(out)


def _fold_char(ch: str, spaces: list[str]) -> str:
    """Spaces to ' ', width variants to their plain form (only when NFKC gives one character)."""
    if ch in spaces:
        return " "
    if ord(ch) < 0x80 or "\u4e00" <= ch <= "\u9fff":
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch
