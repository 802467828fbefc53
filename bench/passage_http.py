"""``/api/passages`` over HTTP at scale (issue 18), beside the bare route: the real app, its middleware and
thread pool, answering from a corpus's passage index as ``bench.passage_search`` made it.

    python -m bench.passage_search CORPUS OUT            # the index: OUT/passages.sqlite
    python -m bench.passage_http OUT/passages.sqlite [--clients 1,16,64] [--seconds 5] [--data-dir BUILD]

The server is ``create_api`` over a build of the bundled corpus (``--data-dir``, default the configured one:
``make build``) with the answer cache and the rate limit off, and the route's ``lookups`` swapped for one
reading INDEX, so each request is a new question to an index of N plans, as ``policykg serve`` over a build of
them would answer it, save one thing: INDEX holds passages, not entities, so plans and mentions are named by
their IRIs only (a key lookup each in a build).  The ceiling is ``bench.scale.ceiling_app`` (a bare route
returning a constant, same uvicorn options) at the same client counts, on the same machine, just before.
Needs Debian's ``wrk``.  Asserts nothing; prints a Markdown table and writes ``--out`` (JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from bench.scale import loadgen
from bench.scale.ceiling_app import PATH as CEILING_PATH
from bench.scale.servers import ceiling_server, free_port, serve

QUERIES = ["服务", "养老服务", "喘息服务", "慈善信託", "万人次", "12349", "养老 OR 儿童", '"社会救助"', "养老服*"]


def app_over(index: Path, data_dir: Path):
    """The API with the passages read from ``index``."""
    from policykg.api import params
    from policykg.api.app import create_api
    from policykg.api.settings import Settings
    from policykg.graph.questions.lookups import Lookups
    from policykg.graph.questions.prepared import Prepared

    app = create_api(Settings.from_env(data_dir=data_dir, rate_limit=0, answer_cache_mb=0))
    passages = Lookups(reader=None, prepared=Prepared(index))  # type: ignore[arg-type]  # no graph is asked

    async def passage_lookups() -> Lookups:
        return passages

    app.dependency_overrides[params.lookups] = passage_lookups
    return app


def _serve(index: Path, data_dir: Path, port: int) -> None:
    import uvicorn

    from bench.scale.ceiling_app import UVICORN_OPTIONS

    uvicorn.run(app_over(index, data_dir), host="127.0.0.1", port=port, **UVICORN_OPTIONS)


def measure(index: Path, data_dir: Path, clients: list[int], seconds: float, log_dir: Path) -> dict:
    """wrk on the ceiling, then on each query of ``QUERIES`` (cache off), at each client count."""
    result: dict = {"index": str(index), "clients": clients, "seconds": seconds, "ceiling": {}, "queries": {}}
    with ceiling_server(log_dir / "ceiling.log") as ceiling:
        for n in clients:
            result["ceiling"][n] = loadgen.run(ceiling.url + CEILING_PATH, n, seconds)
    port = free_port()
    command = [sys.executable, "-m", "bench.passage_http", str(index), "--serve", str(port),
               "--data-dir", str(data_dir)]
    with serve(command, "/api/health", log_dir / "passages-server.log", port, 600) as server:
        for query in QUERIES:
            url = f"{server.url}/api/passages?{urllib.parse.urlencode({'q': query})}"
            first = json.loads(urllib.request.urlopen(url, timeout=60).read())
            runs = {n: loadgen.run(url, n, seconds) for n in clients}
            for n, run in runs.items():
                run["of_ceiling"] = run["rps"] / result["ceiling"][n]["rps"] if result["ceiling"][n]["rps"] else None
            result["queries"][query] = {"total": first["total"], "total_exact": first.get("total_exact"),
                                        "order": first.get("order"), "runs": runs}
    return result


def table(result: dict) -> str:
    lines = ["| query | matches | clients | p50 ms | p99 ms | req/s | of the bare route |",
             "|---|--:|--:|--:|--:|--:|--:|"]
    for n, run in result["ceiling"].items():
        lines.append(f"| bare route (ceiling) | | {n} | {run['p50_ms']:.2f} | {run['p99_ms']:.2f} | {run['rps']:,.0f} "
                     "| 100% |")
    for query, found in result["queries"].items():
        total = f"{found['total']:,}{'' if found['total_exact'] is not False else '+'}"
        for n, run in found["runs"].items():
            share = f"{run['of_ceiling']:.0%}" if run.get("of_ceiling") is not None else "–"
            errors = f" ({run['errors']} errors)" if run.get("errors") else ""
            lines.append(f"| {query} | {total} | {n} | {run['p50_ms']:.2f} | {run['p99_ms']:.2f} "
                         f"| {run['rps']:,.0f}{errors} | {share} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path, help="passages.sqlite made by bench.passage_search")
    parser.add_argument("--clients", default="1,16,64")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--data-dir", type=Path, default=Path(os.environ.get("POLICYKG_DATA_DIR", "data/build")),
                        help="a build (any: its graph is not asked), for the app to start")
    parser.add_argument("--out", type=Path, help="JSON of every figure (default: beside INDEX)")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)  # the server process
    args = parser.parse_args(argv)
    if not args.index.is_file():
        parser.error(f"{args.index}: no such index; make one with python -m bench.passage_search CORPUS OUT")
    if args.serve:
        _serve(args.index, args.data_dir, args.serve)
        return 0
    if not loadgen.available():
        parser.error("wrk is not installed (apt install wrk)")
    if not (args.data_dir / "current").exists():
        parser.error(f"{args.data_dir}: no build to start the app on; make build (or pass --data-dir)")
    out = args.out or args.index.with_name("passage_http.json")
    result = measure(args.index, args.data_dir, [int(c) for c in args.clients.split(",")], args.seconds,
                     out.parent)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
