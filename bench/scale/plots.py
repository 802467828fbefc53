"""PNG plots of the figures (matplotlib, Agg backend: no display needed). Each function returns its file name,
or None when there is nothing to draw."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display
import matplotlib.pyplot as plt

from bench.scale.goals import BUILD_FACTOR, MAX_P99_MS


def _ok(section: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted((r for r in section.values() if r.get("status") == "ok"), key=lambda r: r["n"])


def _save(figure: Any, out: Path, name: str) -> str:
    figure.tight_layout()
    figure.savefig(out / name, dpi=120)
    plt.close(figure)
    return name


def build_time(build: dict[str, Any], out: Path) -> str | None:
    built = _ok(build)
    if not built:
        return None
    figure, axis = plt.subplots(figsize=(6, 4.5))
    ns, seconds = [r["n"] for r in built], [r["seconds"] for r in built]
    axis.plot(ns, seconds, "o-", label="measured")
    base = built[0]
    top = max(max(ns), 5000)
    line = [base["n"], top]
    axis.plot(line, [base["seconds"] * n / base["n"] for n in line], "--", color="grey",
              label=f"linear from N={base['n']}")
    axis.plot(line, [BUILD_FACTOR * base["seconds"] * n / base["n"] for n in line], ":", color="red",
              label=f"goal: {BUILD_FACTOR} × linear")
    axis.set(xscale="log", yscale="log", xlabel="documents", ylabel="build seconds", title="Build time")
    axis.legend()
    axis.grid(True, which="both", alpha=0.3)
    return _save(figure, out, "build_time.png")


def build_memory(build: dict[str, Any], out: Path) -> str | None:
    built = [r for r in _ok(build) if r.get("peak_tree_pss_bytes")]
    if not built:
        return None
    figure, axis = plt.subplots(figsize=(6, 4.5))
    ns = [r["n"] for r in built]
    axis.plot(ns, [r["peak_tree_pss_bytes"] / 2**20 for r in built], "o-", label="peak PSS, process tree")
    axis.plot(ns, [r["peak_tree_rss_bytes"] / 2**20 for r in built], "s--", label="peak RSS sum, process tree")
    axis.plot(ns, [r["ru_maxrss_self_bytes"] / 2**20 for r in built], "^:", label="peak RSS, main process")
    axis.set(xscale="log", xlabel="documents", ylabel="MB", title="Build memory")
    axis.legend()
    axis.grid(True, which="both", alpha=0.3)
    return _save(figure, out, "build_memory.png")


def build_stages(build: dict[str, Any], out: Path) -> str | None:
    built = [r for r in _ok(build) if r.get("stage_shares")]
    if not built:
        return None
    stages: list[str] = []
    for r in built:
        stages += [s for s in r["stage_shares"] if s not in stages]
    figure, axis = plt.subplots(figsize=(7, 4.5))
    labels = [f"{r['n']:,}" for r in built]
    bottom = [0.0] * len(built)
    colours = plt.get_cmap("tab20")
    for i, stage in enumerate(stages):
        values = [r["stage_shares"].get(stage, 0.0) * 100 for r in built]
        axis.bar(labels, values, bottom=bottom, label=stage, color=colours(i % 20))
        bottom = [b + v for b, v in zip(bottom, values)]
    axis.set(xlabel="documents", ylabel="% of stage seconds", title="Build: share of each stage")
    axis.legend(bbox_to_anchor=(1.02, 1), loc="upper left", fontsize="small")
    return _save(figure, out, "build_stages.png")


def load_rates(load: dict[str, Any], out: Path) -> str | None:
    loaded = _ok(load)
    if not loaded:
        return None
    methods: list[str] = []
    for r in loaded:
        methods += [m for m in r.get("methods", {}) if m not in methods]
    figure, axis = plt.subplots(figsize=(7, 4.5))
    for method in methods:
        points = [(r["n"], r["methods"][method]["rows_per_second"]) for r in loaded
                  if r["methods"].get(method, {}).get("rows_per_second")]
        axis.plot([p[0] for p in points], [p[1] for p in points], "o-", label=method)
    axis.set(xscale="log", yscale="log", xlabel="documents", ylabel="rows (or quads) per second",
             title="Load rates")
    axis.legend(bbox_to_anchor=(1.02, 1), loc="upper left", fontsize="small")
    axis.grid(True, which="both", alpha=0.3)
    return _save(figure, out, "load_rates.png")


def query(query: dict[str, Any], out: Path) -> str | None:
    """Per query N: throughput (and p99) of each route at each client count, the ceiling beside them."""
    sizes = [s for s in query.get("sizes", {}).values() if s.get("status") == "ok"]
    if not sizes:
        return None
    clients = [str(c) for c in query["clients"]]
    figure, axes = plt.subplots(2, len(sizes), figsize=(6 * len(sizes), 8), squeeze=False)
    for column, size in enumerate(sizes):
        names = [n for n, r in size["routes"].items() if r.get("runs")] + ["ceiling"]
        width = 0.8 / len(clients)
        for k, count in enumerate(clients):
            runs = [size["routes"][n]["runs"].get(count, {}) if n != "ceiling" else
                    query.get("ceiling", {}).get(count, {}) for n in names]
            xs = [i + k * width for i in range(len(names))]
            axes[0][column].bar(xs, [r.get("rps", 0) for r in runs], width, label=f"{count} clients")
            if any(r.get("p99_ms") for r in runs):
                axes[1][column].bar(xs, [r.get("p99_ms") or 0 for r in runs], width, label=f"{count} clients")
        for row, (ylabel, title) in enumerate((("requests per second", "throughput"), ("p99 ms", "p99 latency"))):
            axis = axes[row][column]
            axis.set_xticks([i + 0.4 - width / 2 for i in range(len(names))], names, rotation=20)
            axis.set(yscale="log", ylabel=ylabel, title=f"N = {size['n']:,}: {title}")
            axis.legend(fontsize="small")
        axes[1][column].axhline(MAX_P99_MS, color="red", linestyle=":", linewidth=1)
    return _save(figure, out, "query.png")


def all_plots(results: dict[str, Any], out: Path) -> list[str]:
    made = [build_time(results.get("build", {}), out), build_memory(results.get("build", {}), out),
            build_stages(results.get("build", {}), out), load_rates(results.get("load", {}), out),
            query(results.get("query", {}), out)]
    return [name for name in made if name]

