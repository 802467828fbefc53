"""bench/run.py end to end at the smallest size: every part runs and writes its figures (nothing is timed here).

Runs ``bench/run.py --sizes 5 --query-sizes 5 --clients 1 --seconds 1`` (the bundled corpus:
one build, the load methods, wrk against each route and the ceiling, the in-process
questions) into a temporary folder and checks that ``results.json`` holds every part
with positive figures and that ``results.md`` holds the tables.  About 30 s.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow,  # the benchmark end to end: make test-fast leaves it out
              pytest.mark.skipif(shutil.which("wrk") is None,
                                 reason="wrk is not installed (Debian package wrk): bench/run.py measures with it")]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    pytest.importorskip("matplotlib", reason="the bench extra is not installed: pip install -e '.[bench]'")
    pytest.importorskip("psutil", reason="the bench extra is not installed: pip install -e '.[bench]'")
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run([sys.executable, "-m", "bench.run", "--sizes", "5", "--query-sizes", "5", "--clients", "1",
                           "--seconds", "1", "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads((out / "results.json").read_text(encoding="utf-8")), out


def test_build_figures(run):
    results, _ = run
    assert {"machine", "config", "build", "load", "query", "goals"} <= set(results)
    build = results["build"]["5"]
    assert build["status"] == "ok", build.get("error")
    assert build["loaded"] == 5 and build["triples"] > 0
    for key in ("seconds", "documents_per_second", "triples_per_second", "peak_tree_pss_bytes",
                "ru_maxrss_self_bytes"):
        assert build[key] > 0, key
    assert build["stage_shares"] and abs(sum(build["stage_shares"].values()) - 1) < 1e-6
    assert {"cypher", "sparql"} <= set(build["stage_seconds"])


def test_load_figures(run):
    results, _ = run
    load = results["load"]["5"]
    assert load["status"] == "ok", load.get("error")
    assert {"cypher write_cypher", "cypher engine", "cypher unwind", "sparql write_sparql", "sparql bulk_load",
            "sparql load (txn)"} <= set(load["methods"])
    assert all("error" not in m and m["rows"] > 0 and m["rows_per_second"] > 0 for m in load["methods"].values())
    assert {"cypher_vs_engine", "sparql_vs_bulk_load"} <= set(load["ratios"])


def test_query_figures(run):
    results, _ = run
    query = results["query"]
    assert query["ceiling"]["1"]["rps"] > 0
    size = query["sizes"]["5"]
    assert size["status"] == "ok", size.get("error")
    assert set(size["routes"]) == {"lookup", "group", "neighbours", "sparql", "health",
                                   "lookup uncached", "group uncached", "neighbours uncached"}
    for name, route in size["routes"].items():
        assert "error" not in route, (name, route.get("error"))
        run_1 = route["runs"]["1"]
        assert run_1["rps"] > 0 and run_1["p50_ms"] > 0 and run_1["p99_ms"] > 0 and run_1["of_ceiling"] > 0, name
        assert run_1["errors"] == 0, (name, run_1)
    inprocess = size["inprocess"]
    assert inprocess["index_seconds"] > 0
    assert set(inprocess["routes"]) == {"lookup", "group", "group uncached", "neighbours", "sparql"}
    assert all(r["ops_per_second"] > 0 and r["p99_ms"] >= r["p50_ms"] > 0 for r in inprocess["routes"].values())


def test_goals_tables_and_plots(run):
    results, out = run
    assert len(results["goals"]) == 5 and all(g["status"] for g in results["goals"])
    text = (out / "results.md").read_text(encoding="utf-8")
    assert "| N | documents |" in text and "|---|" in text and "### Goals" in text
    assert {"build_time.png", "build_stages.png", "load_rates.png", "query.png"} <= {p.name for p in out.glob("*.png")}
