"""Numbers run together ('95100'): split into well-formed parts by a scored rule.

Flattening sometimes glues a row's baseline, target and actual into one run of
digits.  Every cut into well-formed numbers is scored (tables.yaml:
decimal_penalty, zero_penalty, ambiguity_margin) and the likeliest is taken;
the reading, and any close rival, goes into the row's notes.
"""

from __future__ import annotations

import math
import re
from itertools import combinations

from .cells import RUN, Cell
from .lexicon import table_lexicon


def fit_runs(cells: list[Cell], columns: int, percent: bool, notes: list[str]) -> list[Cell]:
    """Cells with every run of touching numbers ('95100') split into its parts."""
    out: list[Cell] = []
    for cell in cells:
        if not RUN.fullmatch(cell.text) or _well_formed(cell.text, percent):
            out.append(cell)
            continue
        room = max(2, columns - (len(cells) - 1))
        out += _split_run(cell, room, percent, notes)
    return out


def _well_formed(text: str, percent: bool) -> bool:
    """A number as tables print it: no leading zero, few decimals, a share ≤ 100."""
    lex = table_lexicon()
    if not re.fullmatch(rf"(0|[1-9]\d*)(\.\d{{1,{lex['max_decimals']}}})?", text):
        return False
    return not percent or float(text) <= lex["percent_max"]


def _split_run(cell: Cell, most: int, percent: bool, notes: list[str]) -> list[Cell]:
    """Split a run of touching numbers into 2..``most`` well-formed parts, and say how.

    The rule (tables.yaml): every part well formed (``_well_formed``); among the
    readings left, the lowest score wins, the score being how far apart the parts
    are (log10 of largest/smallest: a row's baseline, target and actual are of one
    magnitude) plus a penalty per decimal digit and per zero part.  A near tie is
    named in the note, and an unsplittable run is kept whole and noted.
    """
    text = cell.text
    readings = sorted((_score(p), len(p), p) for p in _readings(text, most, percent))
    if not readings:
        notes.append(f"run-together cells '{text}' could not be split into well-formed numbers; kept whole")
        return [cell]
    best = readings[0][2]
    note = f"run-together cells '{text}' read as {' | '.join(best)}"
    close = [r[2] for r in readings[1:] if r[0] - readings[0][0] <= table_lexicon()["ambiguity_margin"]]
    if close:
        note += " (also possible: " + "; ".join(" | ".join(r) for r in close) + ")"
    notes.append(note)
    cells, at = [], cell.start
    for part in best:
        cells.append(Cell(part, at, at + len(part), cell.line))
        at += len(part)
    return cells


def _readings(text: str, most: int, percent: bool) -> list[tuple[str, ...]]:
    """Every way to cut ``text`` into 2..``most`` well-formed numbers."""
    found = []
    for count in range(2, most + 1):
        for cuts in combinations(range(1, len(text)), count - 1):
            bounds = (0, *cuts, len(text))
            parts = tuple(text[a:b] for a, b in zip(bounds, bounds[1:]))
            if all(_well_formed(p, percent) for p in parts):
                found.append(parts)
    return found


def _score(parts: tuple[str, ...]) -> float:
    """Lower is likelier: parts of one magnitude, few decimals, no zeros."""
    lex = table_lexicon()
    numbers = [float(p) for p in parts]
    nonzero = [n for n in numbers if n > 0] or [1.0]
    spread = math.log10(max(nonzero) / min(nonzero))
    decimals = sum(len(p.split(".")[1]) for p in parts if "." in p)
    zeros = sum(1 for n in numbers if n == 0)
    return spread + lex["decimal_penalty"] * decimals + lex["zero_penalty"] * zeros
