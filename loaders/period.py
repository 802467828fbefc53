"""A plan's period (规划期): its first and last year, read from its title, else its front text.

Researchers compare a place's successive plans (十三五 → 十四五 → 十五五), so every plan
carries ``pkg:periodStart``/``pkg:periodEnd``.  Plans name their period in a few ways:
by ordinal (十四五, “十五五”, 第十四个五年) or by years ((2021-2025年), 2021—2025,
（2021—2030年）).  The words, separators and the year of one known plan are data in
``ontology/lexicon/periods.yaml``; this module only finds them.

Only the plan's *own* words count: its title, a title line of the front text, or its
规划期 sentence.  A cited title (《…纲要》 with its 二〇三五年远景目标, 《“十三五”…规划》 in a
review) is skipped, and so is prose about another period (“十三五”时期…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Iterable, NamedTuple

from .iris import area_iri
from .lexicon import alternation, load_lexicon
from .model import PlanMetadata, Span
from .normalise import fold
from .numerals import digit_class, year


class Period(NamedTuple):
    """A plan period: first year, last year, and where it was read (a span of the text given)."""

    start: int
    end: int
    span: Span | None


@dataclass(frozen=True)
class _Lexicon:
    raw: dict
    ordinal: re.Pattern
    years: re.Pattern

    def __getitem__(self, key: str):
        return self.raw[key]


@cache
def _lexicon() -> _Lexicon:
    """periods.yaml with its word lists compiled into two patterns (ordinals, year ranges)."""
    raw = load_lexicon("periods")
    ordinals = alternation(raw["ordinals"])
    forms = "|".join(p.replace("{ordinal}", f"(?P<o{i}>{ordinals})") for i, p in enumerate(raw["ordinal_patterns"]))
    before = re.escape(raw["numerals_before"])
    after = alternation(raw["not_after"])
    ordinal = re.compile(rf"(?<![{before}])(?:{forms})(?!{after})")
    digit = f"(?:[0-9]|{digit_class()})"
    year = rf"{digit}{{4}}"
    suffix = re.escape(raw["year_suffix"])
    years = re.compile(rf"(?P<a>{year})\s*{suffix}?\s*(?:{alternation(raw['separators'])})\s*(?P<b>{year})")
    return _Lexicon(raw, ordinal, years)


def _ordinal_period(number: int) -> tuple[int, int]:
    """The years of the ``number``-th five-year plan, counted from the lexicon's anchor."""
    lex = _lexicon()
    step = lex["years_per_plan"]
    start = lex["anchor"]["start"] + (number - lex["anchor"]["ordinal"]) * step
    return start, start + step - 1


def plan_ordinal(start: int) -> int:
    """Which five-year plan starts in ``start`` (2021 → 14), counted from the lexicon's anchor."""
    lex = _lexicon()
    return lex["anchor"]["ordinal"] + (start - lex["anchor"]["start"]) // lex["years_per_plan"]


def find_periods(text: str) -> list[Period]:
    """Every period written in ``text`` (not skipping anything), in text order; spans index ``text``."""
    lex = _lexicon()
    folded = fold(text)
    found = []
    for match in lex.years.finditer(folded):
        start, end = year(match["a"]), year(match["b"])
        if lex["first_year"] <= start < end <= lex["last_year"] and end - start < lex["max_span_years"]:
            found.append(Period(start, end, Span(match.start(), match.end())))
    for match in lex.ordinal.finditer(folded):
        written = next(v for k, v in match.groupdict().items() if v)
        found.append(Period(*_ordinal_period(lex["ordinals"][written]), Span(match.start(), match.end())))
    return sorted(found, key=lambda p: p.span.start)


def title_period(title: str) -> Period | None:
    """The period a title names, years before ordinals ((2021—2030年) is more precise than 十四五).

    Cited titles inside the title are skipped: 贯彻《…第十四个五年规划…纲要》实施方案."""
    own = [p for p in find_periods(title) if not _cited(title, p.span.start)]
    dated = [p for p in own if p.span and not is_ordinal(title, p)]
    return (dated or own or [None])[0]


def is_ordinal(text: str, period: Period) -> bool:
    """Whether ``period`` is written in ``text`` by its ordinal (十四五), not by its years."""
    return not re.search(r"\d", fold(text[period.span.start:period.span.end]))


def _cited(text: str, position: int) -> bool:
    """Whether ``position`` is inside a 《…》 that cites another document (not one right after 印发)."""
    lex = _lexicon()
    opened = text.rfind(lex["cited_open"], 0, position)
    if opened < 0 or text.rfind(lex["cited_close"], opened, position) >= 0:
        return False
    return not any(text[:opened].endswith(word) for word in lex["own_title_before"])


def text_period(text: str, front_end: int) -> Period | None:
    """The period of the front text ``text[:front_end]``: a title line of the plan, else its 规划期 sentence."""
    front = text[:front_end]
    return _title_line_period(front) or _sentence_period(front)


_TRAILING_BRACKET = re.compile(r"\([^()]*\)\s*$")  # a bracketed period after a title: (2021年—2025年)


def _title_line_period(front: str) -> Period | None:
    """The period of the first line that is a plan title (short, ends with a plan word, period optional)."""
    lex = _lexicon()
    position = 0
    for line in front.split("\n"):
        stripped = line.strip()
        offset = position + (line.index(stripped) if stripped else 0)
        position += len(line) + 1
        if not stripped or len(stripped) > lex["title_line_max_chars"] or stripped.startswith(lex["cited_open"]):
            continue
        found = title_period(stripped)
        core = _TRAILING_BRACKET.sub("", fold(stripped))
        if found is not None and core.endswith(tuple(load_lexicon("metadata")["title_endings"])):
            return Period(found.start, found.end, _shift(found.span, offset))
    return None


def _sentence_period(front: str) -> Period | None:
    """The period of the first sentence naming the plan's term (规划期为2021—2025年), outside cited titles."""
    lex = _lexicon()
    front = fold(front)  # one character for one: spans still index the text given
    for word in sorted(lex["period_sentence_words"], key=len, reverse=True):
        for hit in re.finditer(re.escape(word), front):
            if _cited(front, hit.start()):
                continue
            stop = min((i for i in (front.find(ch, hit.end()) for ch in lex["sentence_ends"]) if i >= 0),
                       default=len(front))
            sentence = front[hit.start():stop]
            found = [p for p in find_periods(sentence) if not _cited(sentence, p.span.start)]
            if found:
                return Period(found[0].start, found[0].end, _shift(found[0].span, hit.start()))
    return None


def _shift(span: Span | None, by: int) -> Span | None:
    return Span(span.start + by, span.end + by) if span else None


def read_period(title: str, text: str, title_start: int | None = None, body_start: int = 0) -> Period | None:
    """The plan's period: from its ``title`` (spans then index ``text`` when ``title_start`` is given),
    else from the front of ``text`` (before ``body_start`` and the lexicon's ``front_chars`` into the body)."""
    found = title_period(title)
    if found is not None:
        return Period(found.start, found.end, _shift(found.span, title_start) if title_start is not None else None)
    return text_period(text, body_start + _lexicon()["front_chars"])


def set_period(metadata: PlanMetadata, text: str, body_start: int) -> None:
    """Fill ``metadata``'s period from its title and the normalised ``text`` (the pipeline's one call)."""
    start = metadata.title_span.start if metadata.title_span else None
    found = read_period(metadata.title, text, start, body_start)
    if found is not None:
        metadata.period_start, metadata.period_end, metadata.period_span = found


def strip_period(title: str) -> str:
    """``title`` without the periods it names: 海南省“十三五”民政事业发展规划 → 海南省“”民政事业发展规划."""
    periods = find_periods(title)
    for period in sorted(periods, key=lambda p: -p.span.start):
        end = period.span.end
        if title[end:end + 1] == _lexicon()["year_suffix"]:
            end += 1
        title = title[:period.span.start] + title[end:]
    return title


def plan_field(title: str, place: str | None = None) -> str:
    """What a plan is about, for telling successive plans of one place and field: the title without
    its place, its period and quotes or brackets (海南省“十四五”民政事业发展规划 → 民政事业发展规划)."""
    lex = _lexicon()
    field = strip_period(fold(title))
    if place:
        field = field.replace(place, "")
    return "".join(ch for ch in field if ch not in lex["field_drop_chars"]).strip()


@dataclass(frozen=True)
class PlanPeriod:
    """What the build knows of a loaded plan to find its predecessor."""

    iri: str
    jurisdiction: str | None  # the area's IRI
    field: str
    start: int
    end: int


def plan_period(metadata: PlanMetadata, iri: str) -> PlanPeriod | None:
    """What the build needs of a plan to find its predecessor; None for an article or a plan of unknown period."""
    if metadata.kind != "plan" or metadata.period_start is None or metadata.period_end is None:
        return None
    area = str(area_iri(metadata.jurisdiction)) if metadata.jurisdiction else None
    return PlanPeriod(iri, area, plan_field(metadata.title, metadata.jurisdiction),
                      metadata.period_start, metadata.period_end)


def successions(plans: Iterable[PlanPeriod]) -> list[tuple[str, str]]:
    """(plan, the plan it succeeds) pairs: same jurisdiction and field, periods of the same length, the earlier
    one ending the year before the later one starts (a ten-year outline follows a ten-year outline, not a
    five-year plan).  Plans with no jurisdiction or field are never linked (a guess would mislead)."""
    by_end: dict[tuple[str, str, int, int], list[str]] = {}
    candidates = [p for p in plans if p.jurisdiction and p.field]
    for plan in candidates:
        by_end.setdefault((plan.jurisdiction, plan.field, plan.end - plan.start, plan.end), []).append(plan.iri)
    pairs = {(plan.iri, earlier) for plan in candidates
             for earlier in by_end.get((plan.jurisdiction, plan.field, plan.end - plan.start, plan.start - 1), [])
             if earlier != plan.iri}
    return sorted(pairs)
