"""One plan: its structure (chapters, sections, boxes, tables, glossary) as lines of text.

``PlanBuilder.build`` returns a ``Plan``: the lines, each with its kind (so noise can spare
headings and tables), and a ``Spec`` of what a careful reader, or the loaders,
should find in it: title, parent plan, chapters, boxes and their programmes,
table rows with their values, glossary terms.  Everything is drawn from the
plan's own random generator, seeded by (seed, index).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from .areas import Area, PlanSequence, Slot, hierarchy
from .lexicon import data, modules, national_bodies
from .tables import TableSpec, completion_table, target_table
from .text import SCALE, Filler, Record

NUMERALS = "一二三四五六七八九"
LINE_START = re.compile(r"[一二三四五六七八九十]+、|\(|（|第|\d|专栏|名词解释|——")
FAMILY_ZHANG = {"national": 1.0, "provincial": 0.8, "municipal": 0.45, "county": 0.25}


@dataclass
class Line:
    kind: str  # chrome, front, title, toc, cite, heading, prose, box, item, table, glossary, trailer
    text: str


@dataclass
class BoxSpec:
    number: int
    title: str
    items: list[str]  # item titles the loaders should read as programmes
    style: str  # numbered (" 01 title") or inline ("1.title。…")


@dataclass
class Section:
    title: str
    lines: list[Line] = field(default_factory=list)
    runon: str = ""  # text that runs on in the heading line (“(一)指导思想。坚持…”)


@dataclass
class Chapter:
    title: str
    intro: list[Line] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


@dataclass
class Spec:
    index: int
    stem: str
    level: str
    area: str
    parent_area: str | None
    kind: str  # general | special
    topic: str | None
    title: str
    parent_index: int | None
    parent_title: str | None
    family: str = "zhang"
    toc: bool = False
    chunked: bool = False
    chapters: list[str] = field(default_factory=list)
    sections: int = 0
    boxes: list[BoxSpec] = field(default_factory=list)
    tables: list[TableSpec] = field(default_factory=list)
    glossary: list[str] = field(default_factory=list)
    record: Record = field(default_factory=Record)
    sidecar: dict | None = None
    noise: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    issuers: list[str] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)  # titles of the 依据《…》 sentence


@dataclass
class Plan:
    spec: Spec
    front: list[Line]
    toc: list[Line]
    opening: list[Line]
    chapters: list[Chapter]
    glossary: list[Line]


def chinese(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十."""
    if number < 10:
        return NUMERALS[number - 1]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + (NUMERALS[ones - 1] if ones else "")


def rng_for(seed: int, index: int, purpose: str) -> random.Random:
    return random.Random(f"policykg-gen/{seed}/{index}/{purpose}")


@cache
def homonyms() -> frozenset[str]:
    """Area names that more than one area bears (朝阳区, 鼓楼区 …): their plans name the city first."""
    counts: Counter[str] = Counter()
    stack = [hierarchy()]
    while stack:
        area = stack.pop()
        counts[area.name] += 1
        stack += area.children
    return frozenset(name for name, count in counts.items() if count > 1)


def plan_title(slot: Slot, seed: int) -> str:
    """The title of the plan at ``slot``: cheap, so children can cite their parent by it."""
    rng = rng_for(seed, slot.index, "title")
    lex = data("plans")["titles"]
    area = slot.area
    if slot.level == "national":
        return lex["national"][0]
    qualify = area.level == "county" and area.parent.level == "municipal" and (
        area.name in homonyms() or (area.name.endswith("区") and rng.random() < 0.4))
    name = area.parent.name + area.name if qualify else area.name
    if slot.kind == "special":
        return lex["special"].format(area=name, topic=data("plans")["special_topics"][slot.topic]["title"])
    if qualify:
        return lex["qualified"].format(parent=area.parent.name, area=area.name)
    return rng.choice(lex["general"]).format(area=name)


def context(area: Area, topic: str | None) -> dict[str, str]:
    """The words a plan uses of its own government (全市, 我市, 市民政局 …)."""
    level = data("plans")["levels"][area.level]
    words = {key: value.format(unit=area.unit) for key, value in level.items()}
    if area.municipality:
        words["bureau"] = "市民政局"
    words.update(area=area.name if area.level != "national" else "全国", short=area.short,
                 parent=area.parent.name if area.parent else "")
    topic_title = data("plans")["special_topics"][topic]["title"] if topic else "民政事业发展规划"
    words["topic_short"] = topic_title.removesuffix("规划").removesuffix("发展").removesuffix("建设")
    return words


class PlanBuilder:
    """Builds one plan from its slot: ``PlanBuilder(sequence, index).build(…)``."""

    def __init__(self, sequence: PlanSequence, index: int) -> None:
        self.seed = sequence.seed
        self.slot = slot = sequence[index]
        self.rng = rng_for(self.seed, index, "body")
        self.ctx = context(slot.area, slot.topic)
        parent_slot = sequence[slot.parent] if slot.parent is not None else None
        area = slot.area
        self.spec = Spec(
            index=index, stem=file_stem(slot), level=slot.level, area=area.name,
            parent_area=area.parent.name if area.parent else None, kind=slot.kind, topic=slot.topic,
            title=plan_title(slot, self.seed), parent_index=slot.parent,
            parent_title=plan_title(parent_slot, self.seed) if parent_slot else None)
        self.filler = Filler(self.rng, self.ctx, self.spec.record, SCALE[slot.level])
        self.plans = data("plans")
        rng = self.rng
        self.scale = {"national": 1.7, "provincial": 1.45, "municipal": 1.2, "county": 1.0}[slot.level]
        self.scale *= rng.uniform(0.75, 1.2) * (0.75 if slot.kind == "special" else 1.0)
        self.spec.family = "zhang" if rng.random() < FAMILY_ZHANG[slot.level] else "yi"
        self.spec.toc = rng.random() < (0.7 if self.spec.family == "zhang" else 0.35)
        self.style = rng.choice(self.plans["paragraph_styles"])
        self.box_style = rng.choice(["numbered", "inline"])
        self.box_rate = (0.45 if self.spec.family == "zhang" else 0.2) * (1.3 if slot.level == "national" else 1)
        self.glossary_wanted = rng.random() < (0.4 if self.spec.family == "zhang" else 0.2)

    # -- the whole plan -----------------------------------------------------------------------

    def build(self, chunked: bool, lost_unit_rate: float) -> Plan:
        spec = self.spec
        spec.chunked = chunked
        spec.issuers = issuers_of(self.slot)
        if chunked:  # a sharing site's text: 一、 headings with their contents (001)
            spec.family, spec.toc, self.glossary_wanted = "yi", True, False
        self.table_layout = "run" if chunked else ("rows" if self.rng.random() < 0.15 else "cells")
        self.lost_unit_rate = lost_unit_rate
        chapters = self._chapters()
        spec.chapters = [c.title for c in chapters]
        spec.sections = sum(len(c.sections) for c in chapters)
        glossary = self._glossary() if self.glossary_wanted else []
        toc = self._toc(chapters, bool(glossary)) if spec.toc else []
        title = [Line("title", spec.title)]
        return Plan(spec, title, toc, self._opening(), chapters, glossary)

    def _chapters(self) -> list[Chapter]:
        if self.slot.kind == "special":
            middle = self._special_chapters()
        elif self.spec.family == "yi" and self.rng.random() < 0.6:
            middle = [self._task_chapter()]
        else:
            middle = self._block_chapters()
        return [*self._intro_chapters(), *middle, self._guarantee_chapter()]

    # -- chapter 1: background, requirements, targets --------------------------------------------

    def _intro_chapters(self) -> list[Chapter]:
        rng, lex = self.rng, self.plans["intro"]
        review = Section(rng.choice(lex["review"]), self._list_paragraphs(lex["review_sentences"], 4, 8))
        if rng.random() < 0.35:
            title = rng.choice(data("indicators")["table_titles"]["completion"])
            completion = completion_table(rng, self.filler.fill(title))
            self.spec.tables.append(completion)
            review.lines += [Line("table", t) for t in completion.lines]
        situation = Section(rng.choice(lex["situation"]), self._paragraphs(lex["situation_sentences"], 1, 2, 3))
        thought = Section(rng.choice(lex["thought"]), self._paragraphs(lex["thought_sentences"], 1, 1, 3))
        principles = Section(rng.choice(lex["principles"]),
                             self._list_paragraphs(lex["principles_sentences"], 3, 6, keep_first=False))
        goals = Section(rng.choice(lex["goals"]), self._list_paragraphs(lex["goals_sentences"], 2, 5, keep_first=True))
        goals.lines += self._target_table()
        if self.spec.family == "yi":
            runon = rng.random() < 0.4
            for section in (thought, goals):
                if runon and section.lines and section.lines[0].kind == "prose":
                    section.runon = section.lines.pop(0).text
            return [Chapter(rng.choice(lex["yi_background"]), sections=[review, situation]),
                    Chapter(rng.choice(lex["yi_requirements"]), sections=[thought, principles, goals])]
        sections = [review, situation, thought, *([principles] if rng.random() >= 0.5 else []), goals]
        intro = self._paragraphs(lex["situation_sentences"], 1, 1, 2) if rng.random() < 0.5 else []
        return [Chapter(rng.choice(lex["chapter"]), intro, sections)]

    def _target_table(self) -> list[Line]:
        titles = data("indicators")["table_titles"]["target"]
        title = self.rng.choice(titles if self.slot.kind == "special" else titles[:-1])
        table = target_table(self.rng, self.filler.fill(title), self.table_layout, self.slot.topic,
                             self.lost_unit_rate, SCALE[self.slot.level])
        self.spec.tables.append(table)
        lines = [Line("prose", self.filler.fill(self.plans["intro"]["goals_table_lead"]))]
        lines += [Line("table", t) for t in table.lines]
        if self.table_layout != "run" and self.rng.random() < 0.3:
            lines.append(Line("table", self.rng.choice(data("indicators")["table_titles"]["notes"])))
        return lines

    # -- the middle: domain chapters ------------------------------------------------------------------

    def _block_chapters(self) -> list[Chapter]:
        rng = self.rng
        blocks = list(data("modules")["blocks"])
        if rng.random() < 0.3:  # some plans put elderly care before the services
            blocks.remove("elderly")
            blocks.insert(rng.randint(1, 3), "elderly")
        chapters = []
        for block in blocks:
            keys = [k for k, m in modules().items() if m["block"] == block]
            chosen = [k for k in keys if rng.random() < 0.75] or keys[:1]
            sections = []
            for key in chosen:
                extra = rng.randint(1, 4) if key == "elderly-care" else 1
                titles = rng.sample(modules()[key]["sections"], min(extra, len(modules()[key]["sections"])))
                sections += [self._module_section(key, t) for t in titles]
            title = rng.choice(self.plans["block_chapters"][block])
            intro = self._paragraphs(self._block_intro(chosen), 1, 1, 3) if rng.random() < 0.6 else []
            chapters.append(Chapter(title, intro, sections))
        return chapters

    def _block_intro(self, keys: list[str]) -> list[str]:
        return [s for k in keys for s in modules()[k]["sentences"]]

    def _task_chapter(self) -> Chapter:
        """All the tasks as the sections of one chapter (004: 三、重点任务 (一)…(七))."""
        rng = self.rng
        keys = [k for k, m in modules().items() if m["block"] != "guarantee"]
        chosen = sorted(rng.sample(keys, rng.randint(6, 10)), key=keys.index)
        sections = [self._module_section(k, rng.choice(modules()[k]["sections"]), subsections=rng.random() < 0.4)
                    for k in chosen]
        return Chapter(rng.choice(self.plans["yi_tasks"]), sections=sections)

    def _special_chapters(self) -> list[Chapter]:
        """A special plan: one chapter per module of its topic, its sections the module's themes."""
        rng = self.rng
        chapters = []
        for key in self.plans["special_topics"][self.slot.topic]["modules"]:
            module = modules()[key]
            themes = list(dict.fromkeys(module["sections"] + module["leads"]))
            title = rng.choice(self.plans["special_chapter"]).format(section=rng.choice(module["sections"]))
            picked = rng.sample(themes, min(len(themes), rng.randint(3, 5)))
            picked = [t for t in picked if t != title.removeprefix("着力")] or picked
            chapters.append(Chapter(title, sections=[self._module_section(key, t) for t in picked]))
        return chapters

    def _guarantee_chapter(self) -> Chapter:
        rng, lex = self.rng, data("modules")["guarantee"]
        chosen = rng.sample(lex["sections"], rng.randint(4, len(lex["sections"])))
        sections = [Section(rng.choice(s["title"]), self._paragraphs(s["sentences"], 1, 1, 3)) for s in chosen]
        if rng.random() < 0.5:
            sections.insert(rng.randint(0, len(sections)),
                            self._module_section("minzheng-informatisation",
                                                 rng.choice(modules()["minzheng-informatisation"]["sections"])))
        return Chapter(rng.choice(lex["chapters"]), sections=sections)

    # -- sections and paragraphs --------------------------------------------------------------------

    def _module_section(self, key: str, title: str, subsections: bool = False) -> Section:
        rng, filler = self.rng, self.filler.use(key)
        module = modules()[key]
        count = max(1, round(rng.randint(2, 5) * self.scale))
        leads = rng.sample(module["leads"], min(count, len(module["leads"])))
        lines = []
        yi_items = subsections and self.spec.family == "yi"
        for number, lead in enumerate(leads, start=1):
            body = "".join(filler.sentences(rng.randint(2, 5)))
            if yi_items:
                lines.append(Line("heading3", f"{number}.{lead}。{body}"))
            else:
                lines.append(Line("prose", self._styled(lead, body, number)))
        if rng.random() < 0.6:
            sentence = filler.fill(rng.choice(self.plans["programme_sentences"]), roles=self._roles())
            where = rng.randrange(len(lines))
            lines[where] = Line(lines[where].kind, lines[where].text + sentence)
        section = Section(title, lines)
        if rng.random() < self.box_rate and not self.spec.chunked:
            section.lines += self._box(key)
        return section

    def _styled(self, lead: str, body: str, number: int) -> str:
        style = self.style
        if style == "lead":
            return f"{lead}。{body}"
        if style == "dash":
            return f"——{lead}。{body}"
        if style == "enumerate" and number <= len(self.plans["enumerators"]):
            return f"{self.plans['enumerators'][number - 1]}{lead}。{body}"
        return body

    def _paragraphs(self, pool: list[str], low: int, high: int, per: int) -> list[Line]:
        """``low``..``high`` paragraphs (scaled) of up to ``per`` sentences drawn from ``pool``."""
        count = max(1, round(self.rng.randint(low, high) * self.scale))
        lines = []
        for _ in range(count):
            sentences = self.rng.sample(pool, min(len(pool), self.rng.randint(max(1, per - 1), per)))
            lines.append(Line("prose", "".join(self.filler.fill(s) for s in sentences)))
        return lines

    def _list_paragraphs(self, pool: list[str], low: int, high: int, keep_first: bool = True) -> list[Line]:
        """One paragraph per item, in the pool's order (——…, as plans list achievements)."""
        count = min(len(pool), self.rng.randint(low, high))
        chosen = sorted(self.rng.sample(range(1, len(pool)), count - 1)) if keep_first else []
        picks = [0, *chosen] if keep_first else sorted(self.rng.sample(range(len(pool)), count))
        return [Line("prose", self.filler.fill(pool[i])) for i in picks]

    def _roles(self) -> str:
        """Who leads and who cooperates: the bodies of the vocabulary for national plans."""
        rng, plans = self.rng, self.plans
        if self.slot.level == "national":
            lead = rng.choice([b for b in national_bodies() if b.startswith("民政")] or ["民政部"])
            coop = "、".join(rng.sample(plans["national_departments"], 2))
        else:
            unit = self.slot.area.unit
            lead = f"{self.slot.area.name}{self.ctx['bureau'][1:]}" if rng.random() < 0.5 else self.ctx["bureau"]
            coop = "、".join(unit + d for d in rng.sample(plans["departments"], 2))
        return self.filler.fill(rng.choice(plans["body_roles"]), lead=lead, coop=coop)

    # -- boxes -----------------------------------------------------------------------------------

    def _box(self, key: str) -> list[Line]:
        rng, filler, lex = self.rng, self.filler.use(key), self.plans["boxes"]
        number = len(self.spec.boxes) + 1
        kind = rng.choice(["project", "project", "project", "action", "scheme"])
        title = filler.programme(key, kind=kind)
        lines = [Line("box", rng.choice(lex["heading"]).format(k=number, title=title))]
        items = []
        for item in range(1, rng.randint(2, 5) + 1):
            item_kind = rng.choice(["item", "item", "project", "pilot", "platform", "action"])
            name = filler.programme(key, kind=item_kind) if rng.random() < 0.6 else filler.core(key)
            body = "".join(filler.sentences(rng.randint(1, 2)))
            body += filler.fill(rng.choice(lex["item_group_sentence"]))
            if rng.random() < 0.5:
                body += filler.fill(rng.choice(lex["item_target_sentence"]))
            if rng.random() < 0.5:
                body += self._roles()
            if self.box_style == "numbered":
                lines.append(Line("item", f" {item:02d} {name}"))
                lines += [Line("itembody", chunk) for chunk in _wrap(body, rng.randint(30, 36))]
                items.append(name)
            else:
                lines.append(Line("item", f"{item}.{name}。{body}"))
                if len(name) <= 20:
                    items.append(name)
        self.spec.boxes.append(BoxSpec(number, title, items, self.box_style))
        return lines

    # -- glossary, contents, opening ---------------------------------------------------------------------

    def _glossary(self) -> list[Line]:
        rng, lex = self.rng, data("glossary")
        heading = rng.choice(lex["headings"])
        terms = rng.sample(sorted(lex["terms"]), rng.randint(3, 8))
        entries = [(t, lex["terms"][t]) for t in terms]
        for _ in range(rng.randint(0, 2)):
            coined = rng.choice(lex["coined"])
            term = self.filler.brand() + coined["kind"]
            if term not in dict(entries):
                entries.insert(rng.randint(0, len(entries)), (term, self.filler.fill(coined["definition"])))
        self.spec.glossary = [t for t, _ in entries]
        return [*(Line("glossary", h) for h in heading), *(Line("glossary", f"{t}:{d}") for t, d in entries)]

    def _toc(self, chapters: list[Chapter], glossary: bool) -> list[Line]:
        rng = self.rng
        lines = [Line("toc", rng.choice(["目 录", "目录", "目  录"]))]
        # Page numbers after chapter entries; never in a run-together text (001 has none, and
        # the loaders cannot split such a text at its headings when its contents have them).
        pages = rng.random() < 0.3 and not self.spec.chunked
        page = 1
        for c_number, chapter in enumerate(chapters, start=1):
            page += rng.randint(2, 9)
            suffix = str(page) if pages else ""
            lines.append(Line("toc", heading_text(self.spec.family, 1, c_number, chapter.title) + suffix))
            for s_number, section in enumerate(chapter.sections, start=1):
                lines.append(Line("toc", heading_text(self.spec.family, 2, s_number, section.title)))
        if glossary:
            lines.append(Line("toc", "附件:名词解释"))
        return lines

    def _opening(self) -> list[Line]:
        """The purpose and the 依据《parent》… sentence; then, sometimes, the period of the plan."""
        rng, lex, spec = self.rng, self.plans["openings"], self.spec
        titles = self.plans["titles"]
        cites: list[str] = []
        if spec.parent_title:
            if spec.parent_index == 0 and rng.random() < 0.5:
                cites.append(lex["cite_with_issuer"].format(issuers="民政部、国家发展改革委", title=spec.parent_title))
            else:
                cites.append(f"《{spec.parent_title}》")
        if self.slot.level in ("municipal", "county") and spec.kind == "general" and rng.random() < 0.4:
            cites.insert(0, f"《{titles['national'][0]}》")
        if self.slot.level == "national":
            cites.append(f"《{titles['national_outline']}》")
        elif rng.random() < 0.8:
            cites.append("《" + titles["outline"].format(area=self.slot.area.name) + "》")
        joiner = rng.choice(["和", "、", ""])
        joined = joiner.join(cites) if len(cites) < 3 else "、".join(cites[:-1]) + "和" + cites[-1]
        spec.cites = [c.split("《", 1)[1].rstrip("》") for c in cites]
        purpose = rng.choice(lex["special_purpose" if spec.kind == "special" else "purpose"])
        cite = rng.choice(lex["cite"]).format(verb=rng.choice(["依据", "根据"]), cites=joined, self="{self}")
        lines = [Line("cite", self.filler.fill(purpose) + self.filler.fill(cite))]
        period = rng.choice(lex["period"])
        if period:
            lines.append(Line("prose", period))
        return lines


def heading_text(family: str, level: int, number: int, title: str) -> str:
    if family == "zhang":
        return f"第{chinese(number)}{'章' if level == 1 else '节'} {title}"
    if level == 1:
        return f"{chinese(number)}、{title}"
    return f"({chinese(number)}){title}"


def _wrap(text: str, width: int) -> list[str]:
    """A box item's text cut into lines of about ``width`` characters, as the national plan's boxes are.

    A cut is moved on where the next line would start like a heading or an item (一、 (二) 3.),
    and out of quotes: the loaders read a name quoted across a line break (“\n金民工程”) as
    another programme whose IRI clashes with the name's own, and SHACL then drops the plan.
    """
    lines, start = [], 0
    while len(text) - start > width:
        cut = start + width
        opened = text.rfind("“", start, cut)
        if opened > text.rfind("”", start, cut):  # inside a quote: cut after it
            closed = text.find("”", cut)
            cut = closed + 1 if closed >= 0 else len(text)
        while cut < len(text) and LINE_START.match(text, cut):
            cut += 1
        lines.append(text[start:cut])
        start = cut
    return [*lines, text[start:]] if start < len(text) else lines


def file_stem(slot: Slot) -> str:
    """g00042_<level>_<pinyin>[-<topic>]: sorted by index."""
    name = slot.area.pinyin + (f"-{slot.topic}" if slot.topic else "")
    return f"g{slot.index:05d}_{slot.level}_{name}"


def body_lines(plan: Plan) -> list[Line]:
    """The chapters as lines, headings in the plan's family."""
    family = plan.spec.family
    lines: list[Line] = []
    for c_number, chapter in enumerate(plan.chapters, start=1):
        lines.append(Line("heading", heading_text(family, 1, c_number, chapter.title)))
        lines += chapter.intro
        for s_number, section in enumerate(chapter.sections, start=1):
            heading = heading_text(family, 2, s_number, section.title)
            if section.runon:
                lines.append(Line("heading", f"{heading}。{section.runon}"))
            else:
                lines.append(Line("heading", heading))
            lines += section.lines
    return lines


def issuers_of(slot: Slot) -> list[str]:
    """The bodies that issue a plan: the civil-affairs bureau and the development commission."""
    area = slot.area
    if slot.level == "national":
        return ["民政部", "国家发展和改革委员会"]
    bureau = f"{area.name}民政厅" if area.level == "provincial" and not area.municipality else f"{area.name}民政局"
    drc = f"{area.name}发展和改革{'局' if area.level == 'county' else '委员会'}"
    return [bureau] if slot.kind == "special" else [bureau, drc]
