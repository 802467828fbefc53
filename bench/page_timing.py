"""Time from navigation to a drawn, settled graph on the page, for the largest neighbourhood of the corpus.

Run from the repository root after ``make run`` (or ``policykg build``) has built the graph:
``.venv/bin/python -m bench.page_timing [--runs 5] [--depths 1,2,3] [--url http://127.0.0.1:8000]``.
Without ``--url`` it starts ``policykg serve`` on a free loopback port and stops it
at the end.  Each run opens ``/?focus=<the national plan>&depth=N`` in a new
browser context (nothing cached) of Debian's chromium (``/usr/bin/chromium``,
driven by Playwright) and reads ``window.policykg.timings.firstSettled``: the
milliseconds from navigation start (``performance.timeOrigin``) until the page has
fetched the neighbourhood, drawn it, folded its large groups, run physics for its
bounded number of iterations and switched physics off.  Prints a table; asserts
nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from contextlib import contextmanager
from urllib.parse import quote

from rich.console import Console
from rich.table import Table

from bench.api_latency import server  # starts a private `policykg serve`, as the latency bench does

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FOCUS = "plan/national-14th-minzheng-plan"  # the largest neighbourhood of the bundled corpus


def measure(browser, url: str) -> dict:
    """One cold load of ``url``: the page's own timings and what it drew."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("() => window.policykg && window.policykg.settled", timeout=120_000)
        if page.evaluate("() => window.policykg.error"):
            raise RuntimeError(page.evaluate("() => window.policykg.error"))
        timings = page.evaluate("() => window.policykg.timings")
        load = timings["loads"][0]
        return {"settled": timings["firstSettled"], "fetch": load["fetchMs"], "draw": load["drawMs"],
                "physics": load["settleMs"], **page.evaluate("() => window.policykg.counts()")}
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server (default: start one)")
    parser.add_argument("--data-dir")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--depths", default="1,2")
    parser.add_argument("--focus", default=FOCUS)
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} is not installed: apt-get install chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    # The server this starts serves one client that reloads the page many times a second: no rate limit.
    os.environ.setdefault("POLICYKG_RATE_LIMIT", "0")

    table = Table(title=f"Navigation → settled graph, {args.runs} cold loads each, chromium headless "
                        f"({os.cpu_count()} CPUs)")
    for column in ("focus", "depth", "nodes", "edges", "drawn (groups)", "median ms", "max ms",
                   "fetch ms", "draw ms", "physics ms"):
        table.add_column(column, justify="left" if column == "focus" else "right")
    with (contextmanager(lambda: (yield args.url))() if args.url else server(args.data_dir)) as base, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for depth in (int(d) for d in args.depths.split(",")):
            url = f"{base}/?focus={quote(args.focus)}&depth={depth}"
            measure(browser, url)  # warm the server's caches and the OS's; not counted
            runs = [measure(browser, url) for _ in range(args.runs)]
            settled = [r["settled"] for r in runs]
            last = runs[-1]
            table.add_row(args.focus, str(depth), str(last["nodes"]), str(last["edges"]),
                          f"{last['visibleNodes']} ({last['groups']})", f"{statistics.median(settled):.0f}",
                          f"{max(settled):.0f}", f"{statistics.median(r['fetch'] for r in runs):.0f}",
                          f"{statistics.median(r['draw'] for r in runs):.0f}",
                          f"{statistics.median(r['physics'] for r in runs):.0f}")
        browser.close()
    Console(width=160).print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
