"""How fast the passage index answers at scale (issue 18): a corpus's passages indexed as the build indexes
them, then the questions a researcher types, timed in-process.

The rows come from the loaders (``loaders.passages``: what the build writes as ``pkg:Passage``), not from a
built graph, so a 5,000-plan index is made in minutes instead of the build's hours; they go through the
build's own writer (``prepare_passages.insert_passages``) into the same tables (``prepared.sql``), and the
questions go through the route's own reader (``Prepared.passages``) and marking (``passages.marks``).  What
this leaves out of the route: naming the page's plans and mentions (a key lookup each) and HTTP.

    python -m bench.passage_search CORPUS OUT [--workers 2] [--reps 20]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from policykg.graph.questions.passages import LEVELS, marks, parse
from policykg.graph.questions.prepare_passages import insert_passages
from policykg.graph.questions.prepared import FORMAT, SCHEMA, Prepared
from policykg.loaders.iris import child_iri, plan_iri
from policykg.loaders.model import Division
from policykg.loaders.passages import find_passages
from policykg.loaders.pipeline import parse_document
from policykg.loaders.rdf import document_slug

QUERIES = ["服务", "养老", "养老服务", "留守老年人", "喘息服务", "万人次", "慈善信託", "12349", "养老 农村",
           "养老 OR 儿童", "养老 -农村", '"社会救助"', "养老服*"]


def document_rows(path: Path) -> tuple[int, str, list[tuple]]:
    """One document's passages as ``insert_passages`` rows (level rank, plan IRI, rows)."""
    document = parse_document(path)
    plan = plan_iri(document_slug(document))
    level = document.metadata.level
    rows = []
    for number, passage in enumerate(find_passages(document), start=1):
        raw = document.text.raw_span(passage.span)
        text = document.text.raw[raw.start:raw.end]
        if not text.strip():
            continue
        path_parts = _path(passage.container, document, str(plan))
        keys = [("plan", str(plan))] + ([("level", level)] if level in LEVELS else [])
        keys += [("chapter", path_parts[0]["iri"])] if path_parts else []
        rows.append((str(child_iri(plan, "passage", number)), str(plan), passage.kind, raw.start, raw.end,
                     json.dumps(path_parts, ensure_ascii=False), text, "[]", keys))
    return (LEVELS.index(level) if level in LEVELS else len(LEVELS)), str(plan), rows


def _path(container, document, plan: str) -> list[dict]:
    """A container's outline path (chapter first) as the build writes it; IRIs made alike (a chapter's by
    its number: the chapter filter's ranges are keyed by them)."""
    if container is None:
        return []
    if container == "glossary":
        return [{"iri": f"{plan}/glossary", "type": "Glossary", "name": "名词解释", "marker": None}]
    parts = _find(document.chapters, container, []) or []
    return [{"iri": f"{plan}/part/{depth}/{getattr(part, 'number', 0)}/{part.span.start}",
             "type": {1: "Chapter", 2: "Section", 3: "SubSection"}.get(getattr(part, "level", 0), type(part).__name__),
             "name": getattr(part, "title", ""), "marker": getattr(part, "marker", None)}
            for depth, part in enumerate(parts)]


def _find(divisions: list[Division], target, above: list) -> list | None:
    for division in divisions:
        here = [*above, division]
        if division is target:
            return here
        for box in division.boxes:
            if box is target:
                return [*here, box]
            for item in box.items:
                if item is target:
                    return [*here, box, item]
        for table in division.tables:
            if table is target:
                return [*here, table]
        found = _find(division.children, target, here)
        if found:
            return found
    return None


def build_index(corpus: Path, out: Path, workers: int) -> tuple[Path, dict]:
    files = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")
    started = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        documents = sorted(pool.map(document_rows, files, chunksize=8), key=lambda d: (d[0], d[1]))
    read = time.perf_counter() - started
    path = out / "passages.sqlite"
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    connection.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + SCHEMA.read_text())
    written = time.perf_counter()
    count = insert_passages(connection, (rows for _, _, rows in documents))
    connection.execute("INSERT INTO about VALUES ('format', ?)", (FORMAT,))
    connection.commit()
    connection.close()
    return path, {"documents": len(files), "passages": count, "read_seconds": round(read, 1),
                  "index_seconds": round(time.perf_counter() - written, 1), "file_mb": round(path.stat().st_size / 2**20)}


def time_queries(path: Path, reps: int, plan: str | None) -> list[dict]:
    prepared = Prepared(path)
    results = []
    for query in QUERIES:
        parsed = parse(query)
        for ranges in ([], [("plan", plan)]) if plan else ([],):
            times = []
            for _ in range(reps):
                started = time.perf_counter()
                rows, total, exact, ranked = prepared.passages(parsed.expression, ranges, 20, 0)
                for row in rows:
                    marks(row[7], parsed.words)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            results.append({"query": query, "filter": "plan" if ranges else "", "total": total, "exact": exact,
                            "order": "relevance" if ranked else "plan", "p50_ms": round(statistics.median(times), 2),
                            "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2)})
    floor = []
    for _ in range(reps):
        started = time.perf_counter()
        prepared._rows("SELECT 1")
        floor.append((time.perf_counter() - started) * 1000)
    results.append({"query": "(SELECT 1: the floor)", "filter": "", "total": None, "exact": None, "order": None,
                    "p50_ms": round(statistics.median(floor), 3), "p99_ms": round(max(floor), 3)})
    prepared.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    path, built = build_index(args.corpus, args.out, args.workers)
    with sqlite3.connect(path) as connection:
        plan = connection.execute("SELECT key FROM passage_range WHERE kind = 'plan' ORDER BY last - first DESC "
                                  "LIMIT 1").fetchone()[0]
    results = time_queries(path, args.reps, plan)
    (args.out / "passage_search.json").write_text(json.dumps({"index": built, "queries": results}, indent=1,
                                                             ensure_ascii=False))
    print(json.dumps(built, ensure_ascii=False))
    print("| query | filter | matches | order | p50 ms | p99 ms |\n|---|---|--:|---|--:|--:|")
    for r in results:
        total = "" if r["total"] is None else f"{r['total']:,}{'' if r['exact'] else '+'}"
        print(f"| {r['query']} | {r['filter']} | {total} | {r['order'] or ''} | {r['p50_ms']} | {r['p99_ms']} |")


if __name__ == "__main__":
    main()
