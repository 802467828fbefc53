"""The build's mapping stage alone, over the Oxigraph store of a build already made.

    .venv/bin/python -m bench.mapping_stage BUILD/sparql OUT [--workers 2]

It runs what ``policykg.build._write_stores`` runs between Oxigraph and LadybugDB: the nodes' labels
found once (``build_mapping.map_jobs``), then the stretches mapped and spooled by a pool of workers
(``build_mapping.map_part``), and prints the seconds (labels, each stretch, summed, wall) and the rows.
The spool is written under OUT and removed.  A change to the mapping can so be measured at 5,000 plans
in twenty minutes instead of a whole build's hour (docs/benchmarks.md, sixth session).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from policykg.build_mapping import map_jobs, map_part
from policykg.build_pool import DocumentPool


def measure(store: Path, out: Path, workers: int) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="spool-", dir=out) as spool, DocumentPool(workers) as pool:
        jobs = map_jobs(store, Path(spool), pool.workers)
        labelled = time.perf_counter()
        parts = list(pool.map(map_part, jobs, chunksize=1))
        return {"workers": workers, "labels_seconds": labelled - started,
                "wall_seconds": time.perf_counter() - started,
                "summed_seconds": sum(part.seconds for part in parts),
                "part_seconds": [part.seconds for part in parts],
                "nodes": sum(part.node_count for part in parts),
                "relationships": sum(part.relationship_count for part in parts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("store", type=Path, help="a build's Oxigraph folder (BUILD/sparql)")
    parser.add_argument("out", type=Path, help="where the spool goes while it runs, and mapping_stage.json")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not args.store.is_dir():
        parser.error(f"{args.store} is not a folder (give a build's sparql folder)")
    figures = measure(args.store, args.out, args.workers)
    (args.out / "mapping_stage.json").write_text(json.dumps(figures, indent=1))
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":  # the pool's workers import this module again
    main()
