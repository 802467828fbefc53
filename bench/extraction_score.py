"""Recall and precision of the measure reader against the hand-read sets in tests/expected/measures/.

    .venv/bin/python -m bench.extraction_score                 # the chunker (the build's reader)
    .venv/bin/python -m bench.extraction_score --reader patterns   # the earlier reader, to compare
    .venv/bin/python -m bench.extraction_score --json out.json --show-misses 000

Programmes match by name, compared without quotation marks and spaces, in
simplified characters; a name that holds the other (or is held by it) matches when
the shorter is at least ``CONTAINED`` of the longer (the reader may keep or drop a
head such as 专项行动 that the reader of the text wrote), or ``SUFFIX`` of it when
it is its end (the same head and the words nearest it).  Serves links match by
(programme, group concept); a hand-read group the vocabulary lacks
(``new: X < Y``) matches a link to ``Y``.  Bodies match by canonical name.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import opencc
import yaml
from rdflib import SKOS
from rich.console import Console
from rich.table import Table

from policykg.loaders.pipeline import parse_document
from policykg.loaders.programmes import find_programmes
from policykg.loaders.relations import find_bodies, find_relations
from policykg.loaders.vocab import vocabulary_graph

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "expected" / "measures"
CORPUS = ROOT / "data" / "corpus"
CONTAINED = 0.7
SUFFIX = 0.5  # a name that ends another (same head, the nearest words) matches at half its length
_T2S = opencc.OpenCC("t2s")
_NOISE = re.compile(r"[“”\"‘’'《》\s·]")


def key(name: str) -> str:
    """A name compared as the reader would compare it: simplified, no quotes or spaces."""
    return _NOISE.sub("", _T2S.convert(str(name)))


@dataclass
class Gold:
    lines: list[tuple[int, int]] = field(default_factory=list)  # the raw lines the parts cover
    programmes: dict[str, dict] = field(default_factory=dict)  # key → entry
    serves: set[tuple[str, str]] = field(default_factory=set)  # (programme key, concept label)
    bodies: dict[str, dict] = field(default_factory=dict)  # canonical key → entry
    body_links: set[tuple[str, str, str]] = field(default_factory=set)
    canonical_of: dict[str, str] = field(default_factory=dict)  # every written form's canonical key


def load_gold(doc: str) -> Gold:
    """All parts of one document's hand-read set, merged."""
    gold = Gold()
    links = []
    for path in sorted(EXPECTED.glob(f"{doc}*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        first, last = data.get("lines") or (1, 10**9)
        gold.lines.append((int(first), int(last)))
        for entry in data.get("programmes") or []:
            gold.programmes.setdefault(key(entry["name"]), entry)
        for entry in data.get("serves") or []:
            gold.serves.add((key(entry["programme"]), _concept_label(entry.get("concept"))))
        for entry in data.get("bodies") or []:
            canonical = key(entry.get("canonical") or entry["written"])
            gold.bodies.setdefault(canonical, entry)
            gold.canonical_of.setdefault(key(entry["written"]), canonical)
        for entry in data.get("body_links") or []:
            if entry.get("programme") != "PLAN" and entry.get("role") in ("lead", "cooperating", "responsible"):
                links.append(entry)
    # a link names its body as written (公安 of 民政与教育、公安等部门); bodies match by canonical name
    gold.body_links = {(key(e["programme"]), gold.canonical_of.get(key(e["body"]), key(e["body"])), e["role"])
                       for e in links}
    return gold


def _concept_label(concept) -> str:
    """``new: X < Y`` counts as its broader concept Y (the reader links to the nearest concept it has)."""
    text = str(concept or "").strip()
    if text.startswith("new:"):
        narrower, _, broader = text[4:].partition("<")
        label = narrower.strip()
        return label if _known(label) else broader.strip()
    return text


def _known(label: str) -> bool:
    return label in _labels_by_iri().values()


_LABELS: dict[str, str] = {}


def _labels_by_iri() -> dict[str, str]:
    if not _LABELS:
        for concept, label in vocabulary_graph().subject_objects(SKOS.prefLabel):
            if getattr(label, "language", None) == "zh":
                _LABELS[str(concept)] = str(label)
    return _LABELS


def match_names(gold: list[str], found: list[str]) -> dict[str, str]:
    """Gold key → found key, one to one: equal names first, then the closest containing one."""
    matched: dict[str, str] = {}
    free = set(found)
    for name in gold:
        if name in free:
            matched[name] = name
            free.discard(name)
    for name in gold:
        if name in matched:
            continue
        close = sorted(f for f in free if _close(f, name))  # in order: a tie goes the same way every run
        if close:
            best = max(close, key=lambda f: min(len(f), len(name)) / max(len(f), len(name)))
            matched[name] = best
            free.discard(best)
    return matched


def _close(a: str, b: str) -> bool:
    """One name holds the other: at ``CONTAINED`` of its length, or at ``SUFFIX`` when it ends it
    (the chunker stops at 的 where a reader kept a descriptive clause: …四位一体的救助保护机制)."""
    short, long_ = sorted((a, b), key=len)
    if short not in long_:
        return False
    ratio = len(short) / len(long_)
    return ratio >= CONTAINED or (long_.endswith(short) and ratio >= SUFFIX)


def _gold_name(gold: Gold, name: str) -> str:
    """A found body's name as the hand-read set's canonical one, where the reader's canonical name is a form the
    set writes (民政部 for 中华人民共和国民政部): bodies are counted so too (``gold_body_keys``)."""
    return name if name in gold.bodies else gold.canonical_of.get(name, name)


def score_document(doc: str, reader: str) -> dict:
    path = next(CORPUS.glob(f"{doc}_*.txt"))
    gold = load_gold(doc)
    document = parse_document(path)
    programmes = [p for p in find_programmes(document, reader=reader) if _covered(document, p.span, gold)]
    relations = find_relations(document, programmes, reader=reader)
    found = {key(p.name): p for p in programmes}
    matched = match_names(list(gold.programmes), list(found))
    back = {f: g for g, f in matched.items()}
    labels = _labels_by_iri()
    found_serves = {(back.get(key(r.programme), key(r.programme)), labels.get(r.target, r.target))
                    for r in relations if r.predicate == "serves"}
    bodies = [b for b in find_bodies(document) if _covered(document, b.span, gold)] if reader == "chunker" else []
    found_bodies = {key(b.canonical) for b in bodies}
    body_iri_names = {b.iri: key(b.canonical) for b in bodies}
    roles = {"leadBody": "lead", "cooperatingBody": "cooperating", "responsibleBody": "responsible"}
    found_links = {(back.get(key(r.programme), key(r.programme)), _gold_name(gold, body_iri_names.get(r.target, key(r.matched))),
                    roles[r.predicate]) for r in relations if r.predicate in roles}
    gold_body_keys = set(gold.bodies) | {key(e["written"]) for e in gold.bodies.values()}
    body_hits = {b for b in found_bodies if b in gold_body_keys}
    return {
        "doc": doc,
        "programmes": _pr(len(gold.programmes), len(found), len(matched)),
        "by_kind": _by_kind(gold, found, matched),
        "timing": {"matched": len(matched),
                   "agree": sum(1 for g, f in matched.items() if gold.programmes[g].get("period") == found[f].period)},
        "serves": _pr(len(gold.serves), len(found_serves), len(gold.serves & found_serves)),
        "bodies": _pr(len(gold.bodies), len(found_bodies),
                      sum(1 for k, e in gold.bodies.items() if k in found_bodies or key(e["written"]) in found_bodies),
                      found_hits=len(body_hits)),
        "body_links": _pr(len(gold.body_links), len(found_links), len(gold.body_links & found_links)),
        "missed_programmes": sorted(g for g in gold.programmes if g not in matched),
        "extra_programmes": sorted(f for f in found if f not in back),
        "missed_serves": sorted(gold.serves - found_serves),
        "extra_serves": sorted(found_serves - gold.serves),
        "missed_bodies": sorted(k for k, e in gold.bodies.items()
                                if k not in found_bodies and key(e["written"]) not in found_bodies),
        "extra_bodies": sorted(found_bodies - gold_body_keys),
        "missed_body_links": sorted(gold.body_links - found_links),
        "extra_body_links": sorted(found_links - gold.body_links),
    }


def _covered(document, span, gold: Gold) -> bool:
    """Whether ``span`` lies on a raw line that the hand-read parts cover (a part may be missing)."""
    raw = document.text.raw_span(span)
    line = document.text.raw.count("\n", 0, raw.start) + 1
    return any(first <= line <= last for first, last in gold.lines)


def _pr(gold: int, found: int, hits: int, found_hits: int | None = None) -> dict:
    correct = hits if found_hits is None else found_hits
    return {"gold": gold, "found": found, "hits": hits,
            "recall": round(hits / gold, 3) if gold else None,
            "precision": round(correct / found, 3) if found else None}


def _by_kind(gold: Gold, found: dict, matched: dict[str, str]) -> dict:
    kinds: dict[str, Counter] = defaultdict(Counter)
    for name, entry in gold.programmes.items():
        kinds[entry.get("kind", "?")]["gold"] += 1
        kinds[entry.get("kind", "?")]["hits"] += name in matched
    return {k: {"gold": c["gold"], "hits": c["hits"], "recall": round(c["hits"] / c["gold"], 3)}
            for k, c in sorted(kinds.items())}


def documents() -> list[str]:
    return sorted({p.name[:3] for p in EXPECTED.glob("[0-9][0-9][0-9]*.yaml")})


def total(scores: list[dict], part: str) -> dict:
    gold = sum(s[part]["gold"] for s in scores)
    found = sum(s[part]["found"] for s in scores)
    hits = sum(s[part]["hits"] for s in scores)
    return _pr(gold, found, hits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reader", choices=["chunker", "patterns"], default="chunker")
    parser.add_argument("--json", type=Path, help="write every score and miss here")
    parser.add_argument("--show-misses", metavar="DOC", help="print the misses and extras of one document")
    args = parser.parse_args(argv)
    scores = [score_document(doc, args.reader) for doc in documents()]
    if not scores:
        print(f"no hand-read sets in {EXPECTED}", file=sys.stderr)
        return 1
    console = Console()
    table = Table(title=f"reader: {args.reader} (recall / precision, gold → found)")
    table.add_column("doc")
    for part in ("programmes", "serves", "bodies", "body_links"):
        table.add_column(part)
    for row in [*scores, {"doc": "all", **{p: total(scores, p) for p in ("programmes", "serves", "bodies", "body_links")}}]:
        table.add_row(row["doc"], *[_cell(row[p]) for p in ("programmes", "serves", "bodies", "body_links")])
    console.print(table)
    timing = [sum(s["timing"][k] for s in scores) for k in ("matched", "agree")]
    console.print(f"timing (planned / achieved / both) agrees with the reader of the text for "
                  f"{timing[1]} of {timing[0]} matched programmes ({timing[1] / max(timing[0], 1):.0%})")
    if args.show_misses:
        for score in scores:
            if score["doc"] == args.show_misses:
                for part in ("missed_programmes", "extra_programmes", "missed_serves", "extra_serves",
                             "missed_bodies", "extra_bodies", "missed_body_links", "extra_body_links"):
                    console.print(f"[bold]{part}[/] ({len(score[part])}): {score[part]}")
    if args.json:
        args.json.write_text(json.dumps(scores, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _cell(pr: dict) -> str:
    r = "–" if pr["recall"] is None else f"{pr['recall']:.2f}"
    p = "–" if pr["precision"] is None else f"{pr['precision']:.2f}"
    return f"{r} / {p} ({pr['gold']}→{pr['found']})"


if __name__ == "__main__":
    sys.exit(main())
