"""English titles made by rule, for plans whose title is only area + period + field (ontology/lexicon/titles.yaml).

海南省“十四五”民政事业发展规划 → "Hainan Province 14th Five-Year Plan for Civil Affairs";
郑州市“十四五”老龄事业发展规划 → "Zhengzhou City 14th Five-Year Plan for Ageing Affairs". The area's English
name comes from the areas vocabulary, else from pypinyin and the area's kind (市 → City). A title
with anything left over once area, period, field and plan words are read gets none: a wrong English title
would be worse than the Chinese one alone.
"""

from __future__ import annotations

from functools import cache

from pypinyin import Style, lazy_pinyin
from rdflib import SKOS

from .lexicon import load_lexicon
from .model import PlanMetadata
from .normalise import fold
from .period import find_periods, is_ordinal, plan_field, plan_ordinal
from .vocab import vocabulary_graph
from .iris import area_iri


@cache
def _rules() -> dict:
    rules = load_lexicon("titles")
    rules["fields"] = {fold(k): v for k, v in rules["fields"].items()}
    return rules


def english_title(metadata: PlanMetadata) -> str | None:
    """The plan's English title by rule, or None when its title is not area + period + field."""
    if metadata.kind != "plan" or metadata.period_start is None:
        return None
    rules = _rules()
    area = _area_name(metadata)
    if area is None:
        return None
    rest = plan_field(metadata.title, metadata.jurisdiction if metadata.level != "national" else None)
    for word in rules["period_words"]:
        rest = rest.removeprefix(word)
    for word in sorted(rules["plan_words"], key=len, reverse=True):
        if rest.endswith(word):
            field = rules["fields"].get(rest[: -len(word)])
            if field is not None:
                return _title(metadata, area, field)
    return None


def _title(metadata: PlanMetadata, area: str, field: str) -> str:
    ordinal = _ordinal(metadata.title)
    if ordinal is not None:
        return _rules()["with_ordinal"].format(area=area, ordinal=ordinal, field=field)
    return _rules()["with_years"].format(area=area, field=field, start=metadata.period_start,
                                         end=metadata.period_end).strip()


def _ordinal(title: str) -> str | None:
    """14th, when the title names the period by its ordinal (十四五); None for years (2021-2025年)."""
    for period in find_periods(title):
        if is_ordinal(title, period):
            number = plan_ordinal(period.start)
            suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
            return f"{number}{suffix}"
    return None


def _area_name(metadata: PlanMetadata) -> str | None:
    """The area's English name as the title's first words ("National" for a national plan); None when the
    title does not start with the plan's area."""
    if metadata.level == "national":
        return _rules()["national"]
    name = metadata.jurisdiction
    if not name or not fold(metadata.title).startswith(name):
        return None
    label = next((str(o) for o in vocabulary_graph().objects(area_iri(name), SKOS.prefLabel)
                  if getattr(o, "language", None) == "en"), None)
    if label is not None:
        return label
    if name in _rules()["area_names"]:
        return _rules()["area_names"][name]
    for ending, kind in sorted(_rules()["area_kinds"].items(), key=lambda kv: -len(kv[0])):
        if name.endswith(ending) and len(name) > len(ending):
            return f"{_pinyin(name[: -len(ending)]).capitalize()} {kind}"
    return None


def _pinyin(name: str) -> str:
    """A place name in pinyin, one word, with the apostrophe pinyin puts before a syllable starting with a, o or
    e (西安 → xi'an, not xian)."""
    syllables = lazy_pinyin(name, style=Style.NORMAL)
    return "".join(("'" if i and s[:1] in "aoe" else "") + s for i, s in enumerate(syllables))
