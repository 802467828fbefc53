"""Generate N civil-affairs plan documents of realistic shape, for benchmarks at scale (issue 7).

Run from the repository root::

    .venv/bin/python -m bench.generate_corpus --documents 500 --out /tmp/gen500 [--seed 0] [--force]
    .venv/bin/policykg build --corpus /tmp/gen500 --data-dir /tmp/gen500-data

Plan 0 is the national plan; then provinces, their cities and their counties (real
names, data/areas.yaml), each citing its parent plan by exact title, and special
plans (养老服务, 社会救助 …) of areas that have their general plan.  Both heading
families, contents, programme boxes, flattened indicator tables, glossaries and
the noise of the bundled corpus, at moderate rates (bench/corpus_gen/data/*.yaml).

Each file depends only on (seed, its index): the 50-document corpus is the first
50 files of the 500-document one.  Files are ``gNNNNN_<level>_<pinyin>.txt``
with a ``.meta.yaml`` sidecar where the title cannot tell level and jurisdiction
(and for some others).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import yaml
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bench.corpus_gen import Corpus, Document

GENERATED = re.compile(r"^g\d{5,}_[a-z]+_.+\.(txt|meta\.yaml)$")


def generate(n: int, out: Path, seed: int = 0, progress=None) -> list[Path]:
    """Write plans 0..n-1 of ``seed`` into ``out`` (created if needed); the text files, in index order.

    ``progress``, if given, is called with each document after it is written.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(seed)
    paths = []
    for index in range(n):
        document = corpus.document(index)
        paths.append(write(document, out))
        if progress is not None:
            progress(document)
    return paths


def write(document: Document, out: Path) -> Path:
    path = out / f"{document.spec.stem}.txt"
    path.write_bytes(document.data)
    if document.sidecar is not None:
        text = yaml.safe_dump(document.sidecar, allow_unicode=True, sort_keys=False)
        path.with_name(f"{document.spec.stem}.meta.yaml").write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", "-n", type=int, required=True, help="how many plans (N)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write them to")
    parser.add_argument("--seed", type=int, default=0, help="which corpus (default 0)")
    parser.add_argument("--force", action="store_true",
                        help="write into a folder that is not empty (earlier generated files are removed first)")
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    if args.documents < 1:
        parser.error("--documents must be at least 1")
    if args.out.exists() and not args.out.is_dir():
        parser.error(f"{args.out} exists and is not a folder")
    existing = sorted(args.out.iterdir()) if args.out.is_dir() else []
    if existing and not args.force:
        console.print(f"[red]{args.out} is not empty ({len(existing)} entries): "
                      "choose an empty folder, or add --force[/red]", soft_wrap=True)
        return 2
    removed = [p for p in existing if p.is_file() and GENERATED.match(p.name)]
    for path in removed:
        path.unlink()
    if removed:
        console.print(f"removed {len(removed)} earlier generated files from {args.out}")
    others = [p.name for p in existing if p not in removed]
    if others:
        console.print(f"[yellow]left {len(others)} other entries in {args.out} (they are not generated "
                      f"files): {', '.join(others[:5])}{' …' if len(others) > 5 else ''}[/yellow]", soft_wrap=True)

    specs, sizes = [], []
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("generating", total=args.documents)

        def advance(document: Document) -> None:
            specs.append(document.spec)
            sizes.append(len(document.data))
            bar.update(task, advance=1, description=f"{document.spec.stem[:40]:40}")

        generate(args.documents, args.out, args.seed, advance)
    report(specs, sizes, args.out, Console())
    return 0


def report(specs, sizes: list[int], out: Path, console: Console) -> None:
    """Counts: plans by level and kind, structure, tables, noise, sizes."""
    table = Table(title=f"{len(specs)} plans in {out}",
                  caption="special: an area's second plan, on one topic (养老服务, 社会救助 …)")
    table.add_column("what")
    table.add_column("count", justify="right")
    by_level = Counter((s.level, s.kind) for s in specs)
    for level in ("national", "provincial", "municipal", "county"):
        table.add_row(f"{level} plans (+ special)",
                      f"{by_level[level, 'general']} + {by_level[level, 'special']}")
    table.add_row("第X章 headings / 一、 headings", f"{sum(s.family == 'zhang' for s in specs)} / "
                                                  f"{sum(s.family == 'yi' for s in specs)}")
    table.add_row("with a table of contents", str(sum(s.toc for s in specs)))
    table.add_row("chapters / sections", f"{sum(len(s.chapters) for s in specs)} / {sum(s.sections for s in specs)}")
    table.add_row("boxes (专栏) / their programme items", f"{sum(len(s.boxes) for s in specs)} / "
                                                       f"{sum(len(b.items) for s in specs for b in s.boxes)}")
    table.add_row("programmes named in prose", str(sum(len(set(s.record.prose_programmes)) for s in specs)))
    table.add_row("indicator rows (十四五 / 十三五)",
                  f"{sum(len(t.rows) for s in specs for t in s.tables if t.kind == 'target')} / "
                  f"{sum(len(t.rows) for s in specs for t in s.tables if t.kind == 'completion')}")
    layouts = Counter(t.layout for s in specs for t in s.tables if t.kind == "target")
    table.add_row("target tables (cell / row per line, run)",
                  f"{layouts['cells']} / {layouts['rows']} / {layouts['run']}")
    table.add_row("rows that lost their unit cell", str(sum(r.unit_cell_lost for s in specs for t in s.tables
                                                          for r in t.rows)))
    table.add_row("with a glossary / terms", f"{sum(bool(s.glossary) for s in specs)} / "
                                            f"{sum(len(s.glossary) for s in specs)}")
    table.add_row("distinct target-group labels", str(len({g for s in specs for g in s.record.groups})))
    table.add_row("with a sidecar", str(sum(s.sidecar is not None for s in specs)))
    noise = Counter(n.split(":")[0] if not n.startswith("preamble") else n for s in specs for n in s.noise)
    for name, count in sorted(noise.items()):
        table.add_row(f"noise: {name}", str(count))
    table.add_row("encodings", ", ".join(f"{e} {c}" for e, c in sorted(Counter(s.encoding for s in specs).items())))
    table.add_row("size (kB): total / mean / min / max",
                  f"{sum(sizes) / 1e3:.0f} / {sum(sizes) / len(sizes) / 1e3:.1f} / "
                  f"{min(sizes) / 1e3:.1f} / {max(sizes) / 1e3:.1f}")
    console.print(table)


if __name__ == "__main__":
    sys.exit(main())
