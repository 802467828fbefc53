"""Areas and the order in which their plans are generated.

The hierarchy (全国 › 31 provinces › prefecture-level cities › counties) is
``data/areas.yaml``.  ``PlanSequence`` deals the plans out one index at a time:
index 0 is the national plan; each later index is a province, city or county
whose parent already has its plan at a lower index, or (a "special" plan) a
second plan of an area that has its general plan already, on one topic.  The
deal depends only on the seed and on the indices before it, never on how many
plans are asked for, so the first 50 plans of 500 are the 50 plans of 50.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import cache

from .lexicon import data

# Weights of the next plan's kind while candidates of that kind remain.
WEIGHTS = {"provincial": 0.07, "municipal": 0.24, "county": 0.57, "special": 0.12}
ETHNIC = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,4}族)+自治[州县旗]$")
SUFFIXES = ["维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "自治旗",
            "地区", "林区", "特区", "省", "市", "县", "区", "盟", "旗"]


@dataclass(eq=False)
class Area:
    name: str
    pinyin: str
    level: str  # national | provincial | municipal | county
    parent: Area | None = None
    children: list[Area] = field(default_factory=list)

    @property
    def short(self) -> str:
        """The name without its suffix, as plans write it in running text (海口, 内蒙古)."""
        if self.level == "national":
            return "全国"
        ethnic = ETHNIC.match(self.name)
        if ethnic:
            return ethnic.group(1)
        for suffix in SUFFIXES:
            if self.name.endswith(suffix) and len(self.name) - len(suffix) >= 2:
                return self.name[: -len(suffix)]
        return self.name

    @property
    def unit(self) -> str:
        """The area's own word (省, 市, 县, 区, 州 …) for 全省, 我市, 县政府."""
        if self.level == "national":
            return "国"
        for word, unit in (("自治区", "区"), ("自治州", "州"), ("自治县", "县"), ("自治旗", "旗"), ("地区", "区")):
            if self.name.endswith(word):
                return unit
        return self.name[-1]

    @property
    def municipality(self) -> bool:
        """A province-level city (北京市, 天津市, 上海市, 重庆市)."""
        return self.level == "provincial" and self.name.endswith("市")


@cache
def hierarchy() -> Area:
    """全国 and everything below it, from ``data/areas.yaml``."""
    nation = Area("全国", "quanguo", "national")
    for p in data("areas")["provinces"]:
        province = _child(nation, p["name"], p["pinyin"], "provincial")
        for c in p.get("cities") or []:
            city = _child(province, c["name"], c["pinyin"], "municipal")
            for entry in c.get("counties") or []:
                _child(city, *entry.split(" "), "county")
        for entry in p.get("counties") or []:
            _child(province, *entry.split(" "), "county")
    return nation


def _child(parent: Area, name: str, pinyin: str, level: str) -> Area:
    area = Area(name, pinyin, level, parent)
    parent.children.append(area)
    return area


@dataclass(frozen=True)
class Slot:
    """What plan index ``index`` is: whose, of which kind, and the index of the plan it follows."""

    index: int
    area: Area
    kind: str  # general | special
    topic: str | None  # a key of plans.yaml special_topics for special plans
    parent: int | None  # the index of the plan this one is based on

    @property
    def level(self) -> str:
        return self.area.level


class PlanSequence:
    """The deal of plans to indices, for one seed; grows as far as it is asked."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.slots: list[Slot] = []
        self.general: dict[int, int] = {}  # id(area) -> index of its general plan
        self.pools: dict[str, list] = {"provincial": [], "municipal": [], "county": [], "special": []}
        self.topics = sorted(data("plans")["special_topics"])

    def __getitem__(self, index: int) -> Slot:
        while len(self.slots) <= index:
            self._deal()
        return self.slots[index]

    def _deal(self) -> None:
        index = len(self.slots)
        rng = random.Random(f"policykg-gen/{self.seed}/slot/{index}")
        if index == 0:
            self._emit(Slot(0, hierarchy(), "general", None, None))
            return
        kinds = [k for k in WEIGHTS if self.pools[k]]
        if not kinds:
            raise IndexError(f"the area hierarchy has no plan left to deal at index {index}")
        kind = rng.choices(kinds, weights=[WEIGHTS[k] for k in kinds])[0]
        pool = self.pools[kind]
        picked = pool.pop(rng.randrange(len(pool)))
        if kind == "special":
            area, topic = picked
            self._emit(Slot(index, area, "special", topic, self.general[id(area)]))
        else:
            self._emit(Slot(index, picked, "general", None, self.general[id(picked.parent)]))

    def _emit(self, slot: Slot) -> None:
        self.slots.append(slot)
        if slot.kind != "general":
            return
        area = slot.area
        self.general[id(area)] = slot.index
        for child in area.children:
            self.pools[child.level].append(child)
        if area.level != "national":
            self.pools["special"] += [(area, topic) for topic in self.topics]
