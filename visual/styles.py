"""How each class of node and each relation is drawn, read from ``visual/static/styles.yaml``.

The colours, shapes, legend names (Chinese and English) and vis-network options
live in a data file so that changing the look of the page never means editing
code; this module only turns them into the option dicts pyvis and vis-network
take.  An unknown class (a label added to the graph later) is still drawn, with
the ``default_class`` style and its own name in the legend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

STATIC = Path(__file__).resolve().parent / "static"
STYLES_FILE = STATIC / "styles.yaml"
SHAPES = frozenset({"dot", "diamond", "star", "triangle", "triangleDown", "square", "hexagon"})
LANGUAGES = ("zh", "en")


def darker(colour: str, factor: float = 0.7) -> str:
    """The border colour of a fill colour ``#rrggbb``: the same hue, darker."""
    value = colour.lstrip("#")
    channels = [int(value[i:i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(c * factor):02x}" for c in channels)


@dataclass(frozen=True)
class ClassStyle:
    """One class: vis-network shape, fill colour, base size and its name in each language."""

    name: str
    shape: str
    colour: str
    size: int
    zh: str
    en: str

    @property
    def border(self) -> str:
        return darker(self.colour)

    def vis(self) -> dict[str, Any]:
        """The node options vis-network takes (pyvis passes them through unchanged)."""
        return {"shape": self.shape, "size": self.size,
                "color": {"background": self.colour, "border": self.border,
                          "highlight": {"background": self.colour, "border": "#000000"},
                          "hover": {"background": self.colour, "border": "#000000"}}}

    def legend(self) -> dict[str, Any]:
        return {"type": self.name, "shape": self.shape, "colour": self.colour, "border": self.border,
                "size": self.size, "zh": self.zh, "en": self.en}


@dataclass(frozen=True)
class Styles:
    classes: dict[str, ClassStyle]
    default: dict[str, Any]
    relations: dict[str, dict[str, Any]]
    unnamed: dict[str, dict[str, str]]
    cluster_threshold: int
    label_max: dict[str, int]
    network: dict[str, Any] = field(default_factory=dict)

    def of(self, label: str | None) -> ClassStyle:
        """The style of a class; an unknown class gets the default look under its own name."""
        if label in self.classes:
            return self.classes[label]
        name = label or "?"
        return ClassStyle(name, self.default["shape"], self.default["colour"], int(self.default["size"]), name, name)

    def relation(self, rel_type: str) -> dict[str, Any]:
        """Edge names and look of a relation type; an unknown type is named by itself, in lower case."""
        found = self.relations.get(rel_type)
        if found:
            return found
        words = rel_type.lower().replace("_", " ")
        return {"zh": words, "en": words}

    def edge_vis(self, rel_type: str) -> dict[str, Any]:
        """The edge options of a relation type: colour, width and dashes when the styles file sets them."""
        found = self.relation(rel_type)
        options: dict[str, Any] = {}
        if "colour" in found:
            options["color"] = {"color": found["colour"], "highlight": darker(found["colour"], 0.6),
                                "hover": darker(found["colour"], 0.8)}
        if "width" in found:
            options["weight"] = found["width"]  # pyvis's from_nx turns ``weight`` into ``width``
        if found.get("dashes"):
            options["dashes"] = True
        return options

    def page_config(self) -> dict[str, Any]:
        """What the page needs: the legend of every class, relation names, limits and vis-network options."""
        return {"classes": {name: style.legend() for name, style in self.classes.items()},
                "order": list(self.classes),  # the legend's order (the page's JSON has its keys sorted)
                "default_class": {**self.default, "border": darker(self.default["colour"])},
                "relations": {name: {"zh": r["zh"], "en": r["en"]} for name, r in self.relations.items()},
                "cluster_threshold": self.cluster_threshold, "label_max": self.label_max, "network": self.network}


def parse(data: dict[str, Any]) -> Styles:
    """Styles from the parsed YAML, checked: a bad shape or colour fails at start-up, not in the browser."""
    classes = {}
    for name, spec in data["classes"].items():
        if spec["shape"] not in SHAPES:
            raise ValueError(f"styles: class {name}: shape {spec['shape']!r} is not one of {sorted(SHAPES)}")
        if not (isinstance(spec["colour"], str) and len(spec["colour"]) == 7 and spec["colour"].startswith("#")):
            raise ValueError(f"styles: class {name}: colour {spec['colour']!r} is not #rrggbb")
        classes[name] = ClassStyle(name, spec["shape"], spec["colour"], int(spec["size"]), str(spec["zh"]),
                                   str(spec["en"]))
    for name, spec in data["relations"].items():
        if not all(spec.get(lang) for lang in LANGUAGES):
            raise ValueError(f"styles: relation {name} needs a zh and an en name")
    return Styles(classes=classes, default=dict(data["default_class"]), relations=dict(data["relations"]),
                  unnamed=dict(data.get("unnamed", {})), cluster_threshold=int(data["cluster_threshold"]),
                  label_max={lang: int(data["label_max"][lang]) for lang in LANGUAGES},
                  network=dict(data.get("network", {})))


@lru_cache(maxsize=4)
def load_styles(path: Path = STYLES_FILE) -> Styles:
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")))
