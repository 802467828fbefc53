"""The figures as tables: printed with rich, and written as Markdown (``results.md``) for docs/benchmarks.md.

Each table is built once as plain rows (``Tab``) and rendered both ways.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bench.scale.query_bench import ROUTES


@dataclass
class Tab:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""
    text: tuple[str, ...] = ("note", "goal", "measured", "status", "answer", "route", "method", "question",
                             "source")  # left-aligned columns (and the first); the others are figures

    def left(self, index: int) -> bool:
        return index == 0 or self.columns[index] in self.text

    def add(self, *cells: Any) -> None:
        self.rows.append(["" if c is None else str(c) for c in cells])


def mb(value: float | None) -> str:
    return f"{value / 2**20:,.0f} MB" if value else "–"


def num(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.2f}" if value < 100 else f"{value:,.0f}"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def build_tables(build: dict[str, Any]) -> list[Tab]:
    main = Tab("Build", ["N", "documents", "workers", "seconds", "docs/s", "triples", "triples/s", "vs linear",
                         "peak memory", "peak RSS sum", "note"],
               note="seconds: `build()` in a fresh process (imports excluded); workers: the processes parsing and "
                    "validating documents, as policykg/build_pool.py chooses them; vs linear: seconds over the smallest "
                    "N's seconds × N/N₀ (1.00 = linear); peak memory: PSS summed over the build's process tree "
                    "(workers included), sampled every 0.2 s; peak RSS sum counts shared pages in each process.")
    stages = Tab("Build: share of time per stage", ["N", "source"])
    names: list[str] = []
    for result in build.values():
        for stage in result.get("stage_seconds", {}):
            if stage not in names:
                names.append(stage)
    stages.columns += names
    stages.note = ("source build: the BuildReport's own seconds per stage (per-document stages summed over the "
                   "worker processes); progress: wall time between the build's progress calls, the store writes "
                   "taken from BuildReport.stores. Each cell: share (seconds).")
    for key, r in build.items():
        if r.get("status") != "ok":
            main.add(key, *["–"] * 9, f"{r.get('status')}: {_short(r.get('error'))}")
            continue
        docs = f"{r['loaded']:,}" + (f" (+{r['failed']} failed)" if r.get("failed") else "")
        note = "cached " + str(r.get("measured_at", "")) if r.get("cached") else ""
        main.add(f"{r['n']:,}", docs, r.get("workers") or "–", num(r["seconds"], 1), num(r["documents_per_second"], 2), num(r["triples"]),
                 num(r["triples_per_second"]), num(r.get("vs_linear"), 2), mb(r.get("peak_tree_pss_bytes")),
                 mb(r.get("peak_tree_rss_bytes")), note)
        shares, seconds = r.get("stage_shares", {}), r.get("stage_seconds", {})
        stages.add(f"{r['n']:,}", r.get("stage_source"),
                   *[f"{pct(shares[s])} ({seconds[s]:,.1f})" if s in shares else "–" for s in names])
    return [main, stages]


def load_table(load: dict[str, Any]) -> Tab:
    tab = Tab("Load into the embedded stores (same data per N)",
              ["N", "method", "rows", "seconds", "rows/s", "vs bulk loader"],
              note="cypher write_cypher: the build's LadybugDB path (Python writes CSV, then COPY FROM); cypher "
                   "engine: the time of those COPY statements, commit and checkpoint inside LadybugDB (its bulk "
                   "loader's own speed); unwind: Cypher UNWIND batches. sparql write_sparql: the build's Oxigraph "
                   "path (bulk_load, then compaction); bulk_load: the engine's bulk loader alone; load (txn): its "
                   "transactional loader. Rows: nodes + relationships for LadybugDB, quads for Oxigraph.")
    against = {"cypher write_cypher": "cypher_vs_engine", "cypher unwind": None,
               "sparql write_sparql": "sparql_vs_bulk_load", "sparql load (txn)": "txn_vs_bulk_load"}
    for key, r in load.items():
        if r.get("status") != "ok":  # the methods measured before it failed are still shown
            tab.add(key, f"{r.get('status')}: {_short(r.get('error'))}", "", "", "", "")
        for method, m in r.get("methods", {}).items():
            if m.get("error"):
                tab.add(f"{int(key):,}", method, "", "", "", f"failed: {_short(m['error'], 60)}")
                continue
            ratio = r.get("ratios", {}).get(against.get(method) or "")
            if method == "cypher unwind":
                ratio = r.get("ratios", {}).get("unwind_vs_copy")
                ratio_text = f"{ratio:.2f} × write_cypher" if ratio else ""
            else:
                ratio_text = f"{ratio:.2f}" if ratio else ""
            tab.add(f"{int(key):,}", method, num(m["rows"]), num(m["seconds"], 2), num(m["rows_per_second"]),
                    ratio_text)
    return tab


def query_tables(query: dict[str, Any]) -> list[Tab]:
    tabs = []
    ceiling = Tab("Ceiling: a bare FastAPI route, same uvicorn settings", ["clients", "req/s (mean)", "p50 ms",
                                                                          "p99 ms", "drift before → after"])
    for count, c in query.get("ceiling", {}).items():
        ceiling.add(count, num(c["rps"]), ms(c.get("p50_ms")), ms(c.get("p99_ms")), pct(c.get("drift")))
    tabs.append(ceiling)
    for key, size in query.get("sizes", {}).items():
        tab = Tab(f"Queries over HTTP, N = {int(key):,} (wrk, {query.get('seconds')} s per row)",
                  ["route", "clients", "p50 ms", "p99 ms", "req/s", "of ceiling", "errors"])
        if size.get("status") != "ok":
            tab.add(f"{size.get('status')}: {_short(size.get('error'))}", "", "", "", "", "", "")
            tabs.append(tab)
            continue
        tab.note = (f"programme: `{size.get('programme')}`; server ready in {num(size.get('ready_seconds'), 1)} s, "
                    f"RSS {mb(size.get('server_rss_bytes', {}).get('after_start'))} after start, "
                    f"{mb(size.get('server_rss_bytes', {}).get('after_load'))} after the load")
        for name, route in size.get("routes", {}).items():
            if route.get("error"):
                tab.add(ROUTES[name], "", "", "", "", "", route["error"][:80])
                continue
            for count, run in route.get("runs", {}).items():
                tab.add(ROUTES[name], count, ms(run.get("p50_ms")), ms(run.get("p99_ms")), num(run["rps"]),
                        pct(run.get("of_ceiling")), run["errors"])
        tabs.append(tab)
    inproc = Tab("The same questions in-process (no HTTP), one at a time",
                 ["N", "question", "calls", "p50 ms", "p99 ms", "ops/s", "HTTP at 1 client ÷ in-process", "answer"])
    for key, size in query.get("sizes", {}).items():
        found = size.get("inprocess") or {}
        if not found.get("routes"):
            continue
        inproc.add(f"{int(key):,}", "entity index load", 1, ms(found["index_seconds"] * 1e3), "", "", "",
                   f"{found['index_entries']:,} entries")
        for name, f in found["routes"].items():
            http = size.get("routes", {}).get(name, {}).get("runs", {})
            first = http.get(min(http, key=int)) if http else None
            share = first["rps"] / f["ops_per_second"] if first and first.get("clients") == 1 and \
                f["ops_per_second"] else None
            inproc.add(f"{int(key):,}", ROUTES[name], f["reps"], ms(f["p50_ms"]), ms(f["p99_ms"]),
                       num(f["ops_per_second"], 1), pct(share), _answer(f.get("answer_size")))
    tabs.append(inproc)
    return tabs


def goals_table(goals: list[dict[str, Any]]) -> Tab:
    tab = Tab("Goals (figures, not tests)", ["goal", "measured", "status"])
    for goal in goals:
        tab.add(goal["goal"], goal["measured"], goal["status"])
    return tab


def _answer(size: Any) -> str:
    if isinstance(size, dict):
        return ", ".join(f"{k} {v}" for k, v in size.items())
    return "" if size is None else str(size)


def _short(text: Any, width: int = 90) -> str:
    text = str(text or "").strip().splitlines()[0] if text else ""
    return text if len(text) <= width else text[:width - 1] + "…"


def all_tables(results: dict[str, Any]) -> list[Tab]:
    tabs: list[Tab] = []
    if results.get("build"):
        tabs += build_tables(results["build"])
    if results.get("load"):
        tabs.append(load_table(results["load"]))
    if results.get("query", {}).get("sizes"):
        tabs += query_tables(results["query"])
    tabs.append(goals_table(results.get("goals", [])))
    return tabs


def print_tables(tabs: list[Tab], console: Console) -> None:
    for tab in tabs:
        table = Table(title=tab.title, caption=escape(tab.note) if tab.note else None, caption_justify="left")
        for i, column in enumerate(tab.columns):
            table.add_column(column, justify="left" if tab.left(i) else "right", overflow="fold")
        for row in tab.rows:
            table.add_row(*(escape(c) for c in row))
        console.print(table)


def markdown(results: dict[str, Any], tabs: list[Tab], plots: list[str]) -> str:
    info = results.get("machine", {})
    measured = (f"Measured {info.get('started', '')} on {info.get('summary', '')}; commit "
                f"{info.get('git_commit', '')[:10]}{' (with uncommitted changes)' if info.get('git_dirty') else ''}; "
                f"load average {_loadavg(info.get('loadavg_at_start'))} at the start, "
                f"{_loadavg(info.get('loadavg_at_end'))} at the end; uvicorn with {info.get('uvicorn_http')}, "
                f"{info.get('wrk', '')}.")
    lines = ["## Benchmarks at scale (issue 7)", "", measured, "", f"Command: `{results.get('command', '')}`", ""]
    for tab in tabs:
        lines += [f"### {tab.title}", "", "| " + " | ".join(tab.columns) + " |",
                  "|" + "|".join("---" if tab.left(i) else "--:" for i in range(len(tab.columns))) + "|"]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in tab.rows]
        lines += ["", tab.note, ""] if tab.note else [""]
    if plots:
        lines += ["### Plots", ""] + [f"![{p}]({p})" for p in plots] + [""]
    return "\n".join(lines)


def _loadavg(values: Any) -> str:
    return "/".join(f"{v:.2f}" for v in values) if values else "?"
