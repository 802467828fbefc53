"""Indicator tables as the plain-text files carry them: one cell per line, one row per line, or
run together (see ``loaders/tables``), with the values each row was generated with.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .lexicon import data

EMPTY = "——"
NO_DECIMALS_UNITS = {"个", "张", "人", "人次", "元/月", "家", "处"}
# Which 领域 the tables of a special plan draw from first, by topic (plans.yaml special_topics).
TOPIC_FIELDS = {"elderly": ["养老服务"], "elderly-development": ["养老服务"],
                "assistance": ["基本民生保障"], "children": ["基本社会服务", "基本民生保障"],
                "community": ["基层社会治理"], "organisations": ["基层社会治理"],
                "social-work": ["基层社会治理"], "funeral": ["基本社会服务"]}


@dataclass
class RowSpec:
    name: str  # the name as its cell reads, without a (unit) the loader splits off
    unit: str | None
    baseline: str | None  # as written; None when the table has no such column
    target: str | None
    attribute: str | None = None
    actual: str | None = None
    status: str | None = None
    unit_cell_lost: bool = False


@dataclass
class TableSpec:
    kind: str  # target | completion
    title: str
    layout: str  # cells | rows | run
    rows: list[RowSpec] = field(default_factory=list)
    has_baseline: bool = True
    lines: list[str] = field(default_factory=list)


def _number(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text.removesuffix(".0")


def _decimals(spec: dict, rng: random.Random) -> int:
    if "decimals" in spec:
        return spec["decimals"]
    if spec.get("unit") in NO_DECIMALS_UNITS:
        return 0
    return 1 if rng.random() < 0.25 else 0


def target_row(spec: dict, rng: random.Random, with_unit_column: bool, scale: float = 1.0) -> RowSpec:
    """One 十四五 row: 2020 value (or —— for a new measure), 2025 target, attribute.

    A ``scaled`` measure (a count) has provincial ranges, multiplied by ``scale``.
    """
    factor = scale if spec.get("scaled") else 1.0
    decimals = _decimals(spec, rng)
    if factor < 1 and decimals and spec.get("unit", "").startswith("万"):
        decimals = 2
    name = rng.choice([spec["name"], *spec.get("variants", [])]) if rng.random() < 0.35 else spec["name"]
    unit = spec.get("unit")
    cap = spec.get("cap", float("inf"))
    base_value = None
    if "base" in spec:
        base_value = min(cap, rng.uniform(*spec["base"]) * factor)
    baseline = EMPTY if base_value is None or rng.random() < spec.get("new", 0.15) else _number(base_value, decimals)
    if "text_target" in spec:
        target = spec["text_target"]
    else:
        start = base_value if base_value is not None else 0.0
        value = min(cap, start + rng.uniform(*spec["rise"]) * factor)
        forms = data("indicators")["target_forms"][spec.get("forms", "plain")]
        target = rng.choice(forms).format(v=_number(value, decimals))
    attribute = "约束性" if rng.random() < spec.get("binding", 0.3) else "预期性"
    if not with_unit_column and unit:
        name = f"{name}({unit})"
    return RowSpec(name, unit, baseline, target, attribute)


def completion_row(spec: dict, rng: random.Random) -> RowSpec:
    """One 十三五 row: 2015 value, 2020 target, 2020 actual and whether the target was met."""
    decimals = spec.get("decimals", 1 if rng.random() < 0.3 else 0)
    cap = spec.get("cap", float("inf"))
    base = min(cap, rng.uniform(*spec["base"]))
    goal = min(cap, max(base, rng.uniform(*spec["target"])))
    if spec.get("transferred") and rng.random() < 0.5:
        return RowSpec(spec["name"], spec["unit"], _number(base, decimals), _number(goal, decimals),
                       actual=EMPTY, status="职能转隶")
    actual = min(cap, goal * rng.uniform(0.82, 1.35))
    actual_text, goal_text = _number(actual, decimals), _number(goal, decimals)
    met = float(actual_text) >= float(goal_text)
    return RowSpec(spec["name"], spec["unit"], _number(base, decimals), goal_text, actual=actual_text,
                   status="完成" if met else "未完成")


def target_table(rng: random.Random, title: str, layout: str, topic: str | None,
                 lost_unit_rate: float, scale: float = 1.0) -> TableSpec:
    """A 主要发展指标 table: 6–20 rows, grouped by 领域 as plans print them."""
    lex = data("indicators")
    pool = list(lex["indicators"])
    preferred = TOPIC_FIELDS.get(topic or "", [])
    rng.shuffle(pool)
    if preferred:
        pool.sort(key=lambda s: s.get("field") not in preferred)
        count = rng.randint(5, 10)
    else:
        count = rng.randint(8, 20)
    chosen = pool[:count]
    fields = list(dict.fromkeys(s["field"] for s in lex["indicators"]))
    chosen.sort(key=lambda s: fields.index(s["field"]))
    if layout == "cells":
        header = rng.choice(lex["headers"]["target"])
    elif layout == "rows":
        header = rng.choice(lex["headers"]["row_per_line"]).split(" ")
    else:
        header = ["序号", "主要指标", "2020年", "2025年目标值", "属性"]
    has_unit = "单位" in header
    has_baseline = any(h.startswith("2020") for h in header)
    has_field = "领域" in header
    table = TableSpec("target", title, layout, has_baseline=has_baseline)
    for spec in chosen:
        row = target_row(spec, rng, has_unit, scale)
        if not has_baseline:
            row.baseline = None
        table.rows.append(row)
    # A lost unit cell (000): only where the row's unit is no share, as in the source.
    if layout == "cells" and has_unit and lost_unit_rate:
        for row in table.rows:
            if row.unit not in (None, "%") and rng.random() < lost_unit_rate:
                row.unit_cell_lost = True
    table.lines = _render_target(table, header, has_field, [s["field"] for s in chosen], layout)
    return table


def _render_target(table: TableSpec, header: list[str], has_field: bool, fields: list[str],
                   layout: str) -> list[str]:
    has_seq = header[0] == "序号"
    has_unit = "单位" in header
    if layout == "run":
        glued = "".join(header)
        for number, row in enumerate(table.rows, start=1):
            glued += f"{number}{row.name}{row.baseline or ''}{row.target}{row.attribute}"
        return [table.title, glued]
    lines = [table.title]
    if layout == "rows":
        lines.append(" ".join(header))
    else:
        lines += header
    previous_field = None
    for number, (row, field_name) in enumerate(zip(table.rows, fields, strict=True), start=1):
        cells = [str(number)] if has_seq else []
        if has_field and field_name != previous_field:
            cells.append(field_name)
        previous_field = field_name
        cells.append(row.name)
        if has_unit and not row.unit_cell_lost:
            cells.append(row.unit or "-")
        if row.baseline is not None:
            cells.append(row.baseline)
        cells += [row.target, row.attribute]
        if layout == "rows":
            lines.append(" ".join(cells))
        else:
            lines += cells
    return lines


def completion_table(rng: random.Random, title: str) -> TableSpec:
    """A 十三五 完成情况 table (000, 001): 2015 value, 2020 target and actual, status."""
    lex = data("indicators")
    pool = list(lex["completion"])
    rng.shuffle(pool)
    header = rng.choice(lex["headers"]["completion"])
    has_seq, has_unit = header[0] == "序号", "单位" in header
    table = TableSpec("completion", title, "cells")
    lines = [title, *header]
    for number, spec in enumerate(pool[: rng.randint(5, len(pool))], start=1):
        row = completion_row(spec, rng)
        if not has_unit:
            row.name = f"{row.name}({row.unit})"
        table.rows.append(row)
        cells = [str(number)] if has_seq else []
        cells.append(row.name)
        if has_unit:
            cells.append(row.unit)
        cells += [row.baseline, row.target, row.actual, row.status]
        lines += cells
    table.lines = lines
    return table
