"""Places named at the start of a title or a body's name: which area, at which level.

A plan's jurisdiction is the place its title opens with (长春市九台区儿童发展规划 →
九台区, a county-level district), written in full, shortened (红河州 for 红河哈尼族彝族
自治州) or with its parent before it (北京延庆区).  The gazetteer
``ontology/lexicon/areas-cn.tsv`` says what each place is, so 楚雄市 (a county-level
city) is not taken for a prefecture and 杭州市 is not cut at 州.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .lexicon import alternation, load_lexicon, ontology_dir

# How a place is shortened: its short name and the end of its kind of name (红河州 for
# 红河哈尼族彝族自治州); a county's short name and 州 would name a prefecture that is not there.
SHORT_SUFFIXES = {"自治州": ("州", "自治州"), "自治县": ("县", "自治县"), "自治旗": ("旗", "自治旗"),
                  "自治区": ("自治区",), "地区": ("地区",), "州": ("州",), "市": ("市",), "县": ("县",),
                  "区": ("区",), "旗": ("旗",), "盟": ("盟",), "省": ("省",)}


@dataclass(frozen=True)
class Area:
    name: str  # the gazetteer's full name
    code: str  # the adcode
    level: str  # provincial | municipal | county
    parent: str  # the parent's adcode ('' for a province)


@dataclass(frozen=True)
class Place:
    """A place as a text writes it, and the area it names."""

    written: str
    area: Area

    @property
    def level(self) -> str:
        return self.area.level


@cache
def _gazetteer() -> tuple[dict[str, list[Area]], int]:
    """Written forms (full names, short name + suffix) → the areas they may name; the longest form's length."""
    forms: dict[str, list[Area]] = {}
    path = ontology_dir() / "lexicon" / "areas-cn.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        name, code, short, level, parent = line.split("\t")
        area = Area(name, code, level, parent)
        ending = next((e for e in sorted(SHORT_SUFFIXES, key=len, reverse=True) if name.endswith(e)), None)
        suffixes = SHORT_SUFFIXES.get(ending, ()) if len(short) >= 2 else ()
        written = {name} | {short + suffix for suffix in suffixes}
        for form in written:
            forms.setdefault(form, []).append(area)
    return forms, max(map(len, forms))


def _areas_at(text: str, start: int) -> list[tuple[str, list[Area]]]:
    """Every gazetteer form that ``text`` holds at ``start``, longest first."""
    forms, longest = _gazetteer()
    found = []
    for end in range(min(len(text), start + longest), start + 1, -1):
        areas = forms.get(text[start:end])
        if areas:
            found.append((text[start:end], areas))
    return found


def _exact(written: str, areas: list[Area]) -> list[Area]:
    """A full name beats a short form that happens to be spelt the same."""
    full = [a for a in areas if a.name == written]
    return full or areas


def leading_place(text: str) -> Place | None:
    """The most specific place ``text`` opens with: 长春市九台区… → 九台区; 北京延庆区… → 延庆区.

    A place followed by one of its own sub-areas gives the sub-area; a name that is
    several areas (朝阳区) is resolved by the parent written before it when there is one.
    """
    place, start, parents = None, 0, None
    while True:
        choice = _choose(_areas_at(text, start), parents)
        if choice is None:
            return place
        written, area = choice
        place = Place(written, area)
        start += len(written)
        parents = {area.code}


def _choose(candidates: list[tuple[str, list[Area]]], parents: set[str] | None
            ) -> tuple[str, Area] | None:
    for written, areas in candidates:
        areas = _exact(written, areas)
        if parents is not None:
            areas = [a for a in areas if a.parent in parents]
            if not areas:
                continue
        levels = {a.level for a in areas}
        if len(levels) == 1:
            return written, sorted(areas, key=lambda a: a.code)[0]
    return None


def unknown_place(title: str) -> tuple[str, str] | None:
    """(level, name) of a place the gazetteer lacks (a scrubbed 某某县, a new district), read from its name
    only when the title's period marker follows it (某某县“十四五”…); None otherwise."""
    rules = load_lexicon("levels")
    suffixes = alternation(rules["unknown_place_suffixes"])
    followers = alternation(rules["unknown_place_followers"])
    match = re.match(rf"^(?P<area>[\u4e00-\u9fff]{{1,8}}?(?P<suffix>{suffixes}))(?={followers})", title)
    if match is None or len(match.group("area")) < 2:
        return None
    return rules["unknown_place_suffixes"][match.group("suffix")], match.group("area")


def bare(name: str) -> bool:
    """A body named without its place: 省民政厅, 市政府办公室 (not 市场监管局)."""
    rules = load_lexicon("levels")
    return name.startswith(tuple(rules["bare_level_words"])) and not name.startswith(tuple(rules["not_level_words"]))


def qualify(name: str, jurisdiction: str | None) -> str:
    """省民政厅 in a plan of 江苏省 is 江苏省民政厅: every place's office is its own body.  A bare name of
    another level (省委 in a city's plan) and any other name stay as written."""
    if not jurisdiction or name.startswith(jurisdiction) or not bare(name):
        return name
    for word in sorted(load_lexicon("levels")["bare_level_words"], key=len, reverse=True):
        if name.startswith(word) and len(name) > len(word):
            return jurisdiction + name[len(word):] if jurisdiction.endswith(word) else name
    return name


def national(text: str) -> bool:
    """A title that names the whole country (中国儿童发展纲要, 全国…, 国家…)."""
    return text.startswith(tuple(load_lexicon("levels")["national_title_starts"]))
