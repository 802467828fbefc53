"""``/sparql`` against the bare engine: ``policykg serve`` and ``oxigraph serve-read-only`` on the same store.

Both servers read the build's Oxigraph store (``<data>/current/sparql``) at the same time, read-only;
Oxigraph with ``--union-default-graph``, which is what ``/sparql`` does when a query names no dataset, so
both give the same answer (checked before measuring: the same number of rows, triples or the same boolean).
For each round, query and client count, wrk runs against Oxigraph and then at once against ``/sparql``
(GET, the query URL-encoded, in the same format: SPARQL results JSON for SELECT and ASK, N-Triples for
CONSTRUCT, which is what Oxigraph answers a request without Accept with), so the figures of a row are taken
within the same few seconds of a shared machine; the load average is read before each row.  The report
gives the median over the rounds of requests per second, p50 and p99, and the ratio to Oxigraph.

The ``floor`` row is each HTTP stack with nothing to do (Oxigraph ``ASK {}``, policykg ``/api/health``): no
query can be answered faster than that, so it bounds every ratio of small queries.

``--before-env PYTHONPATH=/a/copy --before-env PYTHONSAFEPATH=1`` starts a second ``policykg serve`` from
another copy of the package (the code before a change; PYTHONSAFEPATH keeps the working directory off
``sys.path``) and measures it in the same rows, so before and after are compared in the same minute.

    .venv/bin/python -m bench.scale.sparql_bench --data /work/bench-work/build-500/data --out sparql.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import urllib.parse
import urllib.request
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import Any

from bench.scale import loadgen
from bench.scale.servers import Server, free_port, get, policykg_server, serve

PREFIXES = ("PREFIX pkg: <https://w3id.org/policykg/ontology#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
# name → (query, /sparql's format= for it).  wrk sends no Accept header, to which Oxigraph answers a table or
# a boolean in SPARQL results JSON and a graph in N-Quads (N-Triples, for triples): /sparql is asked for the same.
QUERIES: dict[str, tuple[str, str]] = {
    "select-10": (PREFIXES + "SELECT ?programme ?name WHERE { ?programme a pkg:Programme ; rdfs:label ?name } "
                  "LIMIT 10", "json"),
    "select-5000": (PREFIXES + "SELECT ?programme ?name WHERE { ?programme a pkg:Programme ; rdfs:label ?name } "
                    "LIMIT 5000", "json"),
    "construct": (PREFIXES + "CONSTRUCT { ?programme pkg:serves ?group . ?group skos:prefLabel ?label } WHERE { "
                  "?programme pkg:serves ?group . ?group skos:prefLabel ?label } LIMIT 500", "nt"),
    "ask": (PREFIXES + 'ASK { ?group skos:prefLabel "老年人"@zh }', "json"),
}
FLOOR = "floor"  # the HTTP stacks alone: Oxigraph ``ASK {}``, policykg ``/api/health``
Urls = dict[str, dict[str, str]]  # query → server → URL


def oxigraph_cli() -> str:
    """The ``oxigraph`` command of this interpreter's environment (the pyoxigraph version's twin), else PATH's."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise SystemExit("no `oxigraph` command: pip install oxigraph (the CLI) into this environment")
    return found


def oxigraph_server(store: Path, log: Path, timeout: float = 120) -> AbstractContextManager[Server]:
    port = free_port()
    command = [oxigraph_cli(), "serve-read-only", "--location", str(store), "--union-default-graph",
               "--bind", f"127.0.0.1:{port}"]
    return serve(command, "/query?query=" + urllib.parse.quote("ASK {}"), log, port, timeout)


def urls(servers: dict[str, str]) -> Urls:
    """Per query, each server's URL for it (the same URL-encoded query); ``servers``: name → base URL."""
    found: Urls = {}
    for name, (query, fmt) in QUERIES.items():
        encoded = urllib.parse.urlencode({"query": query})
        found[name] = {server: f"{base}/query?{encoded}" if server == "oxigraph"
                       else f"{base}/sparql?{encoded}&format={fmt}" for server, base in servers.items()}
    found[FLOOR] = {server: f"{base}/query?" + urllib.parse.urlencode({"query": "ASK {}"}) if server == "oxigraph"
                    else f"{base}/api/health" for server, base in servers.items()}
    return found


def size_of(body: bytes, media_type: str) -> Any:
    """What an answer holds: a row count, a boolean, or a triple count (parsed with pyoxigraph)."""
    import pyoxigraph as ox

    media_type = media_type.split(";")[0].strip()
    if media_type == "application/sparql-results+json":
        answer = json.loads(body)
        return answer["boolean"] if "boolean" in answer else len(answer["results"]["bindings"])
    return sum(1 for _ in ox.parse(body, ox.RdfFormat.from_media_type(media_type)))


def same_answers(table: Urls) -> dict[str, Any]:
    """Each query asked once of every server as wrk asks it: the sizes of the answers, which must agree."""
    checked = {}
    for name in QUERIES:
        answers = {}
        for server, url in table[name].items():
            with urllib.request.urlopen(url, timeout=120) as response:
                body, media_type = response.read(), response.headers.get("Content-Type", "")
            answers[server] = {"size": size_of(body, media_type), "bytes": len(body), "media_type": media_type}
        if len({answer["size"] for answer in answers.values()}) != 1:
            raise SystemExit(f"{name}: not the same answer: {answers}")
        checked[name] = answers
    return checked


def one_round(table: Urls, clients: list[int], seconds: float) -> list[dict[str, Any]]:
    """Every query at every client count, the servers one after the other."""
    rows = []
    for name, by_server in table.items():
        for count in clients:
            row: dict[str, Any] = {"query": name, "clients": count, "loadavg": os.getloadavg()[0]}
            for server, url in by_server.items():
                row[server] = loadgen.run(url, count, seconds)
            rows.append(row)
            print(f"  {name:12} {count} clients, load {row['loadavg']:4.1f}: " + ", ".join(
                f"{server} {row[server]['rps']:8.1f} req/s" for server in by_server), flush=True)
    return rows


def medians(rounds: list[list[dict[str, Any]]], servers: list[str]) -> list[dict[str, Any]]:
    """Per query and client count: the median over the rounds of each figure, and each server's ratio of the
    median requests per second to Oxigraph's."""
    table = []
    for cells in zip(*rounds):
        row: dict[str, Any] = {"query": cells[0]["query"], "clients": cells[0]["clients"],
                               "loadavg": statistics.median(c["loadavg"] for c in cells)}
        for server in servers:
            row[server] = {key: statistics.median(c[server][key] for c in cells)
                           for key in ("rps", "p50_ms", "p99_ms", "errors")}
            top = row["oxigraph"]["rps"]
            row[server]["ratio"] = row[server]["rps"] / top if top else None
        table.append(row)
    return table


def markdown(table: list[dict[str, Any]], servers: list[str]) -> str:
    head = "| query | clients | load | " + " | ".join(
        f"{s} req/s | p50 ms | p99 ms" + ("" if s == "oxigraph" else " | ratio") for s in servers) + " |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in table:
        cells = [r["query"], str(r["clients"]), f"{r['loadavg']:.1f}"]
        for s in servers:
            f = r[s]
            cells += [f"{f['rps']:.1f}", f"{f['p50_ms']:.2f}", f"{f['p99_ms']:.2f}"]
            cells += [] if s == "oxigraph" else [f"{f['ratio']:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run(data: Path, out: Path | None, clients: list[int], seconds: float, rounds: int,
        server_env: dict[str, str], before_env: dict[str, str]) -> dict[str, Any]:
    from policykg.graph.builds.datadir import SPARQL_DIR, DataDir

    build = DataDir(data).current()
    if build is None:
        raise SystemExit(f"no build in service in {data}")
    logs = (out.parent if out else Path("/tmp")) / "sparql-bench-logs"
    env = {"POLICYKG_ANSWER_CACHE_MB": "0"}
    with ExitStack() as stack:
        bases = {"oxigraph": stack.enter_context(oxigraph_server(build / SPARQL_DIR, logs / "oxigraph.log")).url}
        if before_env:
            bases["before"] = stack.enter_context(
                policykg_server(data, logs / "policykg-before.log", 300, {**env, **before_env})).url
        bases["policykg"] = stack.enter_context(policykg_server(data, logs / "policykg.log", 300,
                                                                {**env, **server_env})).url
        table = urls(bases)
        answers = same_answers(table)
        for by_server in table.values():  # warm: the workers' first answers, the caches
            for url in by_server.values():
                for _ in range(3):
                    get(url)
        all_rounds = []
        for number in range(rounds):
            print(f"round {number + 1} of {rounds}", flush=True)
            all_rounds.append(one_round(table, clients, seconds))
    servers = list(bases)
    result = {"data": str(data), "build": str(build), "clients": clients, "seconds": seconds, "servers": servers,
              "server_env": server_env, "before_env": before_env, "wrk": loadgen.version(), "answers": answers,
              "rounds": all_rounds, "table": medians(all_rounds, servers)}
    print(markdown(result["table"], servers))
    if out:
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return result


def _pairs(items: list[str]) -> dict[str, str]:
    return dict(item.split("=", 1) for item in items)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a data directory (its `current` build is served)")
    parser.add_argument("--out", type=Path, help="write the figures here (JSON)")
    parser.add_argument("--clients", default="1,8", help="client counts, comma-separated (default 1,8)")
    parser.add_argument("--seconds", type=float, default=6, help="seconds per wrk run (default 6)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; medians are reported (default 3)")
    parser.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                        help="added to policykg serve's environment")
    parser.add_argument("--before-env", action="append", default=[], metavar="KEY=VALUE",
                        help="start a second policykg serve with these added (e.g. PYTHONPATH=/copy/before/a/change "
                             "and PYTHONSAFEPATH=1) and measure it beside the first")
    args = parser.parse_args(argv)
    run(args.data, args.out, [int(c) for c in args.clients.split(",")], args.seconds, args.rounds,
        _pairs(args.server_env), _pairs(args.before_env))


if __name__ == "__main__":
    main()
