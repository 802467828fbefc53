"""The scale benchmark of issue 7: build, load and query cost from the 5 real plans to thousands of documents.

Run from the repository root (needs Debian's ``wrk``, and the ``bench`` extra: psutil, matplotlib):

    .venv/bin/python -m bench.run [--sizes 5,50,500,5000] [--query-sizes 5,5000] [--clients 1,16,64]
                                  [--seconds 10] [--out bench/results/STAMP/] [--work DIR]
                                  [--skip-build] [--skip-load] [--skip-query] [--rebuild]

* Build: each N built in its own process from an empty data directory (N = 5 is
  ``data/corpus``; other sizes come from ``bench/generate_corpus.py``, or ``--generator``);
  documents and triples per second, peak memory of the process tree, share of each stage.
* Load: the build's paths into LadybugDB and Oxigraph against the engines' own bulk
  loaders on the same data (``bench/scale/load_bench.py``).
* Query: wrk on three API routes, SPARQL, ``/api/health`` and a bare FastAPI route (the
  ceiling of the HTTP stack), at each client count, for each of ``--query-sizes`` that
  was built; the same questions in-process.
* The goals of the issue, each with its figure and met/missed.

Writes ``OUT/results.json`` (every figure), ``OUT/results.md`` (the tables, for
docs/benchmarks.md), PNG plots and the logs of every child process.  Builds are kept
in ``--work`` (default ``OUT/work``): pass the same ``--work`` again to reuse them.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from rich.console import Console

from bench.scale import build_bench, goals, load_bench, loadgen, machine, plots, query_bench, report
from bench.scale.corpora import DEFAULT_GENERATOR
from bench.scale.procs import write_json

# Off a terminal (a log, a pipe) rich would wrap at 80 columns: the tables need more.
console = Console(width=None if sys.stdout.isatty() else int(os.environ.get("COLUMNS") or 200))


def sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes, default=[5, 50, 500, 5000], help="documents per build")
    parser.add_argument("--query-sizes", type=sizes, default=[5, 5000], help="builds to query (those built)")
    parser.add_argument("--load-sizes", type=sizes, help="builds to load again (default: --sizes)")
    parser.add_argument("--clients", type=sizes, default=[1, 16, 64], help="concurrent wrk connections")
    parser.add_argument("--seconds", type=float, default=10, help="wrk seconds per row; in-process budget per "
                                                                  "question")
    parser.add_argument("--reps", type=int, default=200, help="in-process calls per question (at most)")
    parser.add_argument("--out", type=Path, help="default: bench/results/<stamp>/")
    parser.add_argument("--work", type=Path, help="corpora and builds per N, reused by a later run "
                                                  "(default: OUT/work)")
    parser.add_argument("--generator", default=DEFAULT_GENERATOR,
                        help="generate(n, out, seed) for synthetic corpora: module:function or FILE.py:function")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--build-workers", type=int, help="POLICYKG_BUILD_WORKERS for the builds (default: theirs)")
    parser.add_argument("--load-methods", default=",".join(load_bench.METHODS),
                        help=f"of {','.join(load_bench.METHODS)}")
    parser.add_argument("--programme", help="the programme id for the lookup and neighbourhood routes "
                                            "(default: picked from the API)")
    parser.add_argument("--server-timeout", type=float, default=1800, help="seconds to wait for a server to start")
    parser.add_argument("--skip-build", action="store_true", help="use the builds already in --work")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-query", action="store_true")
    parser.add_argument("--rebuild", action="store_true", help="build again even if --work holds the build")
    return parser.parse_args(argv)


def _stop_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so the measuring child and its workers are stopped too."""
    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    _stop_on_sigterm()
    out = (args.out or ROOT / "bench" / "results" / time.strftime("%Y%m%dT%H%M%S")).resolve()
    work = (args.work or out / "work").resolve()
    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    if not args.skip_query and not loadgen.available():
        console.print("[red]wrk is not installed (apt-get install wrk): queries are skipped[/red]")
        args.skip_query = True

    def say(message: str) -> None:
        console.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {message}", soft_wrap=True, highlight=False)

    results: dict = {"command": " ".join(shlex.quote(a) for a in ["bench/run.py", *(argv or sys.argv[1:])]),
                     "machine": machine.describe(), "out": str(out), "work": str(work),
                     "config": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}}
    say(results["machine"]["summary"])

    def save() -> None:  # after each part: a run stopped midway keeps what it measured
        write_json(out / "results.json", results)

    results["build"] = build_bench.run_builds(args.sizes, work, args.generator, args.seed, args.rebuild,
                                              args.skip_build, args.build_workers, say)
    save()
    if not args.skip_load:
        methods = tuple(m for m in args.load_methods.split(",") if m)
        results["load"] = load_bench.run_loads(args.load_sizes or args.sizes, work, out, methods, say)
        save()
    if not args.skip_query:
        results["query"] = query_bench.run_queries(args.query_sizes, work, out, args.clients, args.seconds,
                                                   args.reps, args.programme, args.server_timeout, say)
        save()
    results["goals"] = goals.evaluate(results.get("build", {}), results.get("query", {}))
    machine.finish(results["machine"])
    made = plots.all_plots(results, out)
    tabs = report.all_tables(results)
    (out / "results.md").write_text(report.markdown(results, tabs, made), encoding="utf-8")
    save()
    console.print()
    report.print_tables(tabs, console)
    console.print(f"figures: {out / 'results.json'}, {out / 'results.md'}, plots: {', '.join(made) or 'none'}",
                  soft_wrap=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
