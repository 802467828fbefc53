"""Time the Bolt loader on the corpus and on a ``--copies``× copy of it.

Run from the repository root after a build:
``.venv/bin/python -m bench.load_bolt [--copies 100] [--data-dir DIR] [--neo4j-uri bolt://…]``.
Without ``--neo4j-uri`` it starts a private FalkorDB on loopback the way the tests
do (``bench/falkordb_server.py``) and stops it at the end.  Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
from contextlib import contextmanager

from bench.falkordb_server import falkordb_server
from bench.load_embedded import copy_graph
from policykg.graph.backends.bolt import BoltTarget, connect, load, run
from policykg.graph.builds.datadir import resolve_data_dir
from policykg.load import property_graph
from policykg.ontology import ID_BASE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--data-dir")
    parser.add_argument("--neo4j-uri")
    parser.add_argument("--batch-size", type=int, default=5000)
    args = parser.parse_args()
    pg = property_graph(resolve_data_dir(args.data_dir))
    server = (contextmanager(lambda: (yield BoltTarget.from_env(uri=args.neo4j_uri)))()
              if args.neo4j_uri else falkordb_server())
    with server as target:
        for name, graph in [("corpus", pg), (f"{args.copies}x", copy_graph(pg, args.copies))]:
            clear(target)
            report = load(graph, target, batch_size=args.batch_size)
            rows = report["nodes"] + report["relationships"]
            print(f"{name:8} {report['dialect']:9} {report['nodes']:>7} nodes {report['relationships']:>7} rels "
                  f"{report['seconds']:>7.2f} s {rows / report['seconds']:>8.0f} rows/s")


def clear(target: BoltTarget) -> None:
    """Remove what an earlier load wrote: the nodes with this project's IRIs (nothing else on a user's server)."""
    with connect(target) as (driver, dialect), driver.session(database=target.database) as session:
        session.execute_write(run, dialect, "MATCH (n) WHERE n.iri STARTS WITH $base DETACH DELETE n",
                              {"base": ID_BASE})


if __name__ == "__main__":
    main()
