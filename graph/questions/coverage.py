"""How the plans that follow a plan take up its programmes and indicators: the coverage matrix.

Rows are a plan's own programmes and indicators; columns are the plans of the corpus below it (a national
plan: every provincial, municipal and county plan; a provincial one: those below it); a cell says whether
that plan has the same thing (the alignment the build made: the same name, a synonym, a normalised or
similar name) and, for an indicator, whether its target changed, with the entity that takes it up so its
evidence is one click away.  Nothing here reads text: it reads the alignments (``ALIGNED_WITH``).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from policykg.graph.questions import plans, programmes
from policykg.graph.questions.lookups import Lookups

# The alignment's method → how the cell reads (data of loaders/align.py's methods).
TAKEN_UP = {"exact-name": "same-name", "synonym": "synonym", "normalised-name": "same-name-normalised",
            "char-ngram": "similar-name"}
_ALIGNED = """
UNWIND $iris AS x MATCH (i:{label} {{iri: x}})-[a:ALIGNED_WITH]-(o:{label})
RETURN i.iri AS iri, o.iri AS other, a.method AS method, a.score AS score"""


def coverage(lookups: Lookups, plan: str) -> dict[str, Any]:
    """The matrix for ``plan``: ``plans`` (the columns, by level), ``rows`` (its programmes, then its indicators,
    each with one cell per column that takes it up)."""
    documents = plans.documents(lookups)
    level = {d["iri"]: plans.LEVEL_ORDER.get(d["level"] or "", 9) for d in documents}
    columns = [d for d in documents if d["in_corpus"] and d["iri"] != plan and level[d["iri"]] > level.get(plan, 9)]
    wanted = {d["iri"] for d in columns}
    own_programmes, _ = programmes.find(lookups, programmes.ProgrammeFilter(plan=plan))
    own_indicators = plans.indicators(lookups, plan=plan)
    rows = [_row(lookups, "Programme", iri, None) for iri in own_programmes]
    rows += [_row(lookups, "Indicator", row["iri"], row) for row in own_indicators]
    aligned = _aligned(lookups, "Programme", own_programmes) + _aligned(lookups, "Indicator",
                                                                          [r["iri"] for r in own_indicators])
    others = lookups.prepared.entries({a["other"] for a in aligned})
    targets = {r["iri"]: r for r in plans.indicators(lookups, iris={a["other"] for a in aligned
                                                                   if others.get(a["other"]) and
                                                                   others[a["other"]].label == "Indicator"})}
    by_iri = {row["entity"]["iri"]: row for row in rows}
    for link in sorted(aligned, key=lambda a: (-(a["score"] or 0), a["other"])):
        entry = others.get(link["other"])
        if entry is None or entry.document not in wanted:
            continue
        row = by_iri[link["iri"]]
        cells = row["cells"].setdefault(entry.document, [])
        cells.append(_cell(lookups, row, link, targets.get(link["other"])))
    for row in rows:
        row["taken_up_by"] = len(row["cells"])
    return {"plan": lookups.ref(plan), "plans": [{k: d[k] for k in ("id", "iri", "type", "name_zh", "name_en",
                                                                     "level")} for d in columns], "rows": rows}


def _row(lookups: Lookups, label: str, iri: str, indicator: dict | None) -> dict[str, Any]:
    row: dict[str, Any] = {"kind": label, "entity": lookups.ref(iri), "cells": {}}
    if indicator is not None:
        row["target"] = indicator.get("target")
        row["unit"] = indicator.get("unit")
    return row


def _aligned(lookups: Lookups, label: str, iris: list[str]) -> list[dict[str, Any]]:
    return lookups.keyed(_ALIGNED.format(label=label), iris, "other", needs="ALIGNED_WITH")


def _cell(lookups: Lookups, row: dict[str, Any], link: dict[str, Any], other: dict | None) -> dict[str, Any]:
    cell = {"entity": lookups.ref(link["other"]), "how": TAKEN_UP.get(link["method"], link["method"]),
            "method": link["method"], "score": link["score"]}
    if row["kind"] == "Indicator" and other is not None:
        mine, theirs = (row.get("target") or {}).get("value"), (other.get("target") or {}).get("value")
        cell["target"] = other.get("target")
        cell["target_changed"] = mine is not None and theirs is not None and mine != theirs
    return cell


def as_csv(matrix: dict[str, Any]) -> str:
    """The matrix as CSV: one line per row, per column plan the names that take it up and how (UTF-8, with
    the BOM spreadsheet programs need to read Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = matrix["plans"]
    writer.writerow(["kind", "id", "name", "target", "taken_up_by", *(p["name_zh"] for p in columns)])
    for row in matrix["rows"]:
        entity = row["entity"]
        writer.writerow([row["kind"], entity["id"], entity["name_zh"], (row.get("target") or {}).get("text") or "",
                         row["taken_up_by"], *("; ".join(_cell_text(c) for c in row["cells"].get(p["iri"], []))
                                               for p in columns)])
    return "\ufeff" + out.getvalue()


def _cell_text(cell: dict[str, Any]) -> str:
    text = f"{cell['entity']['name_zh']} ({cell['how']}"
    if cell.get("target_changed"):
        text += f", target {(cell.get('target') or {}).get('text')}"
    return text + ")"
