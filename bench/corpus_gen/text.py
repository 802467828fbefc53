"""Filling templates: ``{slot}`` and ``{slot:argument}`` → words, numbers, groups, programmes.

A ``Filler`` belongs to one document: it holds the document's random generator,
its context words (area, 全市, 市民政局 …) and records what it wrote that the
loaders should find (programmes named in prose, target groups), so the test can
compare the graph with what was generated.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from .lexicon import data, group_labels, launch_verbs, modules, programme_stop_characters, suffix_of_kind

SLOT = re.compile(r"\{([a-z_0-9]+)(?::([^{}]*))?\}")
MAX_PROSE_NAME = 24  # programmes.yaml max_name: a longer name is not read in prose
# Quantities ({q}, {qf}, scaled indicators) are written at provincial scale; this is how a
# plan of each level scales them (a county has a few dozen care homes, not thousands).
SCALE = {"national": 20.0, "provincial": 1.0, "municipal": 0.12, "county": 0.025}
ALT_LABEL_SHARE = 0.25


@dataclass
class Record:
    """What a document says that the graph should show."""

    prose_programmes: list[str] = field(default_factory=list)
    groups: set[str] = field(default_factory=set)


class Filler:
    def __init__(self, rng: random.Random, context: dict[str, str], record: Record | None = None,
                 scale: float = 1.0) -> None:
        self.rng = rng
        self.scale = scale
        self.context = context
        self.record = record or Record()
        self.module: dict = {}
        self.module_key = ""
        self._used: set[str] = set()
        self._depth = 0
        self._decks: dict[str, list[str]] = {}  # per module: sentences not yet dealt
        self._boxed: set[str] = set()  # names of boxes and items already used in this plan

    def use(self, module_key: str) -> Filler:
        """Draw groups, services and programmes from this module from now on."""
        self.module_key, self.module = module_key, modules()[module_key]
        return self

    def fill(self, template: str, **extra: str) -> str:
        """``template`` with every slot filled; a group is not repeated within one template."""
        if self._depth == 0:
            self._used = set()
        values = {**self.context, **extra}

        def one(match: re.Match) -> str:
            name, argument = match.group(1), match.group(2)
            if name in values:
                return values[name]
            handler = getattr(self, f"_{name}", None)
            if handler is None:
                raise KeyError(f"unknown slot {{{name}}} in {template!r}")
            return handler(argument)

        self._depth += 1
        try:
            return SLOT.sub(one, template)
        finally:
            self._depth -= 1

    # -- slots -------------------------------------------------------------------------

    def _n(self, argument: str) -> str:
        low, high = (int(x) for x in argument.split("-"))
        return str(self.rng.randint(low, high))

    def _f(self, argument: str) -> str:
        low, high = (float(x) for x in argument.split("-"))
        return f"{self.rng.uniform(low, high):.1f}"

    def _q(self, argument: str) -> str:
        low, high = (int(x) for x in argument.split("-"))
        return str(max(1, round(self.rng.uniform(low, high) * self.scale)))

    def _qf(self, argument: str) -> str:
        low, high = (float(x) for x in argument.split("-"))
        value = self.rng.uniform(low, high) * self.scale
        return f"{value:.1f}" if value >= 1 else f"{max(value, 0.01):.2f}"

    def _pick(self, argument: str) -> str:
        return self.rng.choice(argument.split("|"))

    def _g(self, argument: str | None) -> str:
        tops = [argument] if argument else self.module.get("groups") or ["people-in-need"]
        for _ in range(8):
            label = self.group(self.rng.choice(tops))
            if label not in self._used:
                break
        self._used.add(label)
        return label

    def _gs(self, argument: str) -> str:
        top, _, count = argument.partition(":")
        return "、".join(self._g(top or None) for _ in range(int(count or 2)))

    def _service(self, _: str | None) -> str:
        services = [s for s in self.module.get("services") or ["便民服务"] if s not in self._used]
        service = self.rng.choice(services or ["便民服务"])
        self._used.add(service)
        return service

    def _launch(self, _: str | None) -> str:
        return self.rng.choice(launch_verbs())

    def _p(self, argument: str | None) -> str:
        name = self.programme(argument or self.module_key, prose=True)
        self.record.prose_programmes.append(name)
        return name

    # -- things named --------------------------------------------------------------------

    def group(self, top: str) -> str:
        labels = group_labels(top)
        pool = labels.alternative if labels.alternative and self.rng.random() < ALT_LABEL_SHARE else labels.preferred
        label = self.rng.choice(pool)
        self.record.groups.add(label)
        return label

    def brand(self) -> str:
        brands = data("plans")["brands"]
        word = self.rng.choice(brands["first"]) + self.rng.choice(brands["second"])
        return self.fill(self.rng.choice(brands["shapes"]), b=word)

    def programme(self, module_key: str, kind: str | None = None, prose: bool = False) -> str:
        """A programme name: [qualifier or brand] + a core of the module + the word of its kind.

        A name for prose holds no bracket and no stop character, and is short enough
        to be read by the loaders' patterns (programmes.yaml).  A box or item name is
        not used twice in one plan (prose may name a box's programme again).
        """
        module = modules()[module_key]
        stop = programme_stop_characters() + "()"
        for _ in range(20):
            core = self.rng.choice(module["cores"])
            word = suffix_of_kind()[kind or self.rng.choice(module["kinds"])]
            if core.endswith(word):
                word = ""
            if self.rng.random() < 0.3:
                head = self.brand()
            else:
                head = self.fill(self.rng.choice(data("plans")["brands"]["qualifiers"]))
            name = head + core + word
            if prose and (len(name) <= MAX_PROSE_NAME and not any(ch in name for ch in stop)):
                return name
            if not prose and name not in self._boxed:
                self._boxed.add(name)
                return name
        return module_key  # unreachable with the shipped data; a visible sign if it ever is

    def core(self, module_key: str) -> str:
        """A bare core as an item's title (提升基层社会救助经办服务能力), not used before in the plan."""
        cores = modules()[module_key]["cores"]
        fresh = [c for c in cores if c not in self._boxed] or cores
        name = self.rng.choice(fresh)
        self._boxed.add(name)
        return name

    def sentences(self, count: int) -> list[str]:
        """``count`` sentences of the current module, filled, dealt from a shuffled deck so that a
        plan repeats a module's sentence only once it has used them all."""
        deck = self._decks.setdefault(self.module_key, [])
        dealt: list[str] = []
        while len(dealt) < min(count, len(self.module["sentences"])):
            if not deck:
                deck += self.module["sentences"]
                self.rng.shuffle(deck)
            sentence = deck.pop()
            if sentence not in dealt:
                dealt.append(sentence)
        return [self.fill(s) for s in dealt]
