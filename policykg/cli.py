"""The ``policykg`` command line: ``build`` and ``export`` (other tools rely on these forms)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from policykg.build import BuildReport, build
from policykg.export import FORMATS, ExportError, export
from policykg.graph.datadir import resolve_data_dir

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
console = Console(stderr=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policykg", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    data_dir_help = "where the graph lives (default: $POLICYKG_DATA_DIR or ./data/build)"

    build_cmd = commands.add_parser("build", help="build the graph from a corpus folder")
    build_cmd.add_argument("--data-dir", help=data_dir_help)
    build_cmd.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                           help=f"folder of *.txt plans and *.meta.yaml sidecars (default: {DEFAULT_CORPUS})")
    build_cmd.set_defaults(run=_build)

    export_cmd = commands.add_parser("export", help="write the graph to a file")
    export_cmd.add_argument("--data-dir", help=data_dir_help)
    export_cmd.add_argument("--format", required=True, choices=sorted(FORMATS))
    export_cmd.add_argument("--out", required=True, type=Path)
    export_cmd.set_defaults(run=_export)
    return parser


def _build(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    if not args.corpus.is_dir():
        console.print(f"[red]corpus folder not found: {args.corpus}[/red]")
        return 2
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("building", total=None)
        report = build(args.corpus, data_dir,
                       progress=lambda name, stage: bar.update(task, description=f"{stage:8} {name}"))
    _print_report(report)
    return 1 if not any(d.triples for d in report.documents) else 0


def _print_report(report: BuildReport) -> None:
    classes = sorted({c for d in report.documents for c in d.counts})
    table = Table(title=f"policykg build: {report.triples} triples in {report.seconds:.1f} s")
    for column in ["document", "kind", *classes, "triples"]:
        table.add_column(column, justify="left" if column in ("document", "kind") else "right")
    for doc in report.documents:
        if doc.error:
            continue
        table.add_row(f"{doc.file[:3]} {doc.title}", doc.kind,
                      *[str(doc.counts.get(c, 0)) for c in classes], str(doc.triples))
    Console().print(table)
    for doc in report.documents:
        for warning in doc.warnings:
            console.print(f"[yellow]warning[/yellow] {doc.file}: {warning}")
        if doc.error:
            console.print(f"[red]skipped[/red] {doc.error}")
    console.print(f"graph in service: {report.build_dir}")


def _export(args: argparse.Namespace) -> int:
    try:
        quads = export(resolve_data_dir(args.data_dir), args.format, args.out)
    except ExportError as error:
        console.print(f"[red]{error}[/red]")
        return 2
    console.print(f"wrote {quads} quads as {args.format} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
