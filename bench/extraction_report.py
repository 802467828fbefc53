"""What the loaders read from each corpus document: measures, bodies, groups and links, as Markdown.

    .venv/bin/python -m bench.extraction_report > /tmp/report.md

Per document: programmes by kind and timing, bodies, group mentions, serves links by
window, responsible-body links; then, per plan, the programmes that serve six groups
asked about most (with every narrower group, as the API's ``group=`` does).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from rdflib import SKOS, URIRef

from policykg.loaders.measures.groups import groups_in
from policykg.loaders.model import Span
from policykg.loaders.pipeline import parse_document
from policykg.loaders.vocab import target_groups, vocabulary_graph

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
ASKED = ["农村留守老年人", "孤儿", "特困人员", "残疾人", "流浪乞讨人员", "失能老年人"]
BODY_ROLES = ("leadBody", "cooperatingBody", "responsibleBody")


def narrower_closure(concept: URIRef) -> set[URIRef]:
    """``concept`` and every concept below it (skos:broader read backwards)."""
    graph, found, todo = vocabulary_graph(), {concept}, [concept]
    while todo:
        for child in graph.subjects(SKOS.broader, todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _counts(counter: Counter) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))) or "–"


def report(paths: list[Path]) -> str:
    lines = ["| doc | programmes | by kind | by timing | bodies | group mentions | serves by window | body links |",
             "|---|--:|---|---|--:|--:|---|---|"]
    answers: dict[str, dict[str, list[str]]] = {}
    groups = target_groups()
    for path in paths:
        document = parse_document(path)
        text = document.text.text
        serves = [r for r in document.relations if r.predicate == "serves"]
        roles = Counter(r.predicate for r in document.relations if r.predicate in BODY_ROLES)
        mentions = len(groups_in(text, Span(document.body_start, len(text))))
        lines.append(f"| {path.name[:3]} | {len(document.programmes)} "
                     f"| {_counts(Counter(p.kind for p in document.programmes))} "
                     f"| {_counts(Counter(p.period for p in document.programmes))} | {len(document.bodies)} "
                     f"| {mentions} | {_counts(Counter(r.window for r in serves))} | {_counts(roles) if roles else '–'} |")
        for label in ASKED:
            wanted = {str(c) for c in narrower_closure(groups.concept(label))}
            names = sorted({r.programme for r in serves if r.target in wanted})
            answers.setdefault(label, {})[path.name[:3]] = names
    lines += ["", "| group (and narrower) | " + " | ".join(p.name[:3] for p in paths) + " |",
              "|---|" + "---|" * len(paths)]
    for label in ASKED:
        cells = [f"{len(v)}: " + "; ".join(v) if v else "–" for v in answers[label].values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    sys.stdout.write(report(sorted(CORPUS.glob("*.txt"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
