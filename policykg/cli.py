"""The ``policykg`` command line: ``build``, ``serve``, ``load``, ``push``, ``export`` and ``query`` (other tools rely on these forms)."""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from policykg import __version__
from policykg.build_pool import POOL_FROM, build_workers
from policykg.export import FORMATS, PROPERTY_GRAPH_FORMATS, ExportError, export, export_property_graph
from policykg.graph.backends import BACKENDS, backend
from policykg.graph.builds.datadir import DataDir, NoBuildError, load_dataset, resolve_data_dir

if TYPE_CHECKING:
    from policykg.build import BuildReport

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
console = Console(stderr=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return args.run(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policykg", description=__doc__)
    parser.add_argument("--version", action="version", version=f"policykg {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    data_dir_help = "where the graph lives (default: $POLICYKG_DATA_DIR or ./data/build)"

    build_cmd = commands.add_parser("build", help="build the graph from a corpus folder")
    build_cmd.add_argument("--data-dir", help=data_dir_help)
    build_cmd.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                           help=f"folder of *.txt plans and *.meta.yaml sidecars (default: {DEFAULT_CORPUS})")
    build_cmd.add_argument("--workers", type=int, default=None,
                           help="processes that parse and validate documents (default: POLICYKG_BUILD_WORKERS "
                                "or one per CPU; a corpus of under 8 files is done in one)")
    build_cmd.set_defaults(run=_build)

    serve_cmd = commands.add_parser("serve", help="serve the API and the graph page (builds first if needed)")
    serve_cmd.add_argument("--data-dir", help=data_dir_help)
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve_cmd.add_argument("--backend", choices=list(BACKENDS),
                           help="Cypher store: embedded LadybugDB (default) or Neo4j ($NEO4J_URI, $NEO4J_USER, "
                                "$NEO4J_PASSWORD; fill it with `policykg load --neo4j-uri`)")
    serve_cmd.add_argument("--sparql-endpoint", metavar="URL",
                           help="serve /sparql from this SPARQL 1.1 query URL (a store the graph was pushed to with "
                                "`policykg push`, e.g. http://localhost:7878/query) instead of the build's Oxigraph; "
                                "the same checks and limits apply (default: $POLICYKG_SPARQL_ENDPOINT)")
    serve_cmd.add_argument("--buffer-pool-mb", type=int, metavar="MB",
                           help="LadybugDB's buffer pool (its page cache and queries' working memory) in the server "
                                "and in each Cypher worker: with the workers, what the server's memory settles at "
                                "(default: $POLICYKG_BUFFER_POOL_MB or 512; at least 384)")
    serve_cmd.add_argument("--db-threads", type=int, metavar="N",
                           help="LadybugDB's query threads in the server and in each Cypher worker "
                                "(default: $POLICYKG_DB_THREADS or 2)")
    serve_cmd.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus to build from if needed")
    serve_cmd.set_defaults(run=_serve)

    load_cmd = commands.add_parser("load", help="fill the embedded stores, or Neo4j with --neo4j-uri")
    load_cmd.add_argument("--data-dir", help=data_dir_help)
    load_cmd.add_argument("--neo4j-uri", metavar="URI",
                          help="a Bolt server (bolt://… or neo4j://…) to fill instead of the embedded stores; "
                               "user and password from --neo4j-user and --neo4j-password, else $NEO4J_USER and "
                               "$NEO4J_PASSWORD")
    load_cmd.add_argument("--neo4j-user")
    load_cmd.add_argument("--neo4j-password")
    load_cmd.add_argument("--neo4j-database")
    load_cmd.add_argument("--dialect", choices=["neo4j", "falkordb"], help="default: detected from the server")
    load_cmd.set_defaults(run=_load)

    push_cmd = commands.add_parser("push", help="PUT every named graph to a SPARQL 1.1 Graph Store Protocol endpoint")
    push_cmd.add_argument("--data-dir", help=data_dir_help)
    push_cmd.add_argument("--sparql-store", required=True, metavar="URL",
                          help="e.g. http://localhost:7878/store (Oxigraph), http://localhost:3030/ds/data (Fuseki)")
    push_cmd.add_argument("--body", choices=["nt", "ttl"], default="nt")
    push_cmd.add_argument("--user")
    push_cmd.add_argument("--password")
    push_cmd.set_defaults(run=_push)

    export_cmd = commands.add_parser("export", help="write the graph to a file (or a folder, for neo4j-csv)")
    export_cmd.add_argument("--data-dir", help=data_dir_help)
    export_cmd.add_argument("--format", required=True, choices=sorted([*FORMATS, *PROPERTY_GRAPH_FORMATS]))
    export_cmd.add_argument("--out", required=True, type=Path)
    export_cmd.set_defaults(run=_export)

    query_cmd = commands.add_parser("query", help="run a researcher question of the catalogue "
                                                  "(graph/questions/queries/) on the graph in service")
    query_cmd.add_argument("name", nargs="?", help="the question (without it: the list of questions)")
    query_cmd.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                           help="a parameter (repeat for several); the question's example otherwise")
    query_cmd.add_argument("--language", choices=["sparql", "cypher"], default="sparql",
                           help="run its SPARQL on Oxigraph (default) or its Cypher on LadybugDB")
    query_cmd.add_argument("--format", choices=["table", "csv", "json"], default="table")
    query_cmd.add_argument("--data-dir", help=data_dir_help)
    query_cmd.set_defaults(run=_query)
    return parser


# The request line and headers together: a GET /sparql carries its query in the URL, so more than h11's
# default 16 kB; past it the connection is closed (a longer query goes in a POST body, up to the body limit).
MAX_HEAD_BYTES = 64 * 1024


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from policykg.api.http_protocol import ProblemH11Protocol
    from policykg.api.settings import Settings
    from policykg.app import create_app

    data_dir = resolve_data_dir(args.data_dir)
    if DataDir(data_dir).current() is None:
        console.print(f"no graph in {data_dir} yet: building it from {args.corpus}", soft_wrap=True)
        if (status := _build(argparse.Namespace(data_dir=str(data_dir), corpus=args.corpus))) != 0:
            return status
    if (taken := _port_taken(args.host, args.port)) is not None:
        console.print(f"[red]cannot serve on {args.host}:{args.port}: {taken}; choose another with --port (or "
                      "--host)[/red]", soft_wrap=True)
        return 2
    try:
        settings = Settings.from_env(data_dir=data_dir, backend=args.backend, sparql_endpoint=args.sparql_endpoint,
                                     buffer_pool_mb=args.buffer_pool_mb, db_threads=args.db_threads)
    except ValueError as error:
        console.print(f"[red]{error}[/red]", soft_wrap=True)
        return 2
    if (problem := backend(settings.backend).unreachable()) is not None:
        console.print(f"[red]cannot serve from {settings.backend}: {escape(problem)}[/red]", soft_wrap=True)
        return 2
    app = create_app(settings)
    console.print(f"serving {data_dir} on http://{args.host}:{args.port}/ (API docs: /docs)", soft_wrap=True)
    # Keep idle connections longer than clients do (httpx and browsers: ~5 s), so a client never
    # reuses a connection at the moment the server closes it (uvicorn's default is also 5 s).
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", timeout_keep_alive=75,
                h11_max_incomplete_event_size=MAX_HEAD_BYTES, http=ProblemH11Protocol)
    return 0


def _port_taken(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (in use, no such address), or None: asked before saying
    "serving on …", so a taken port is one clear line, not a traceback after a promise."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind(infos[0][4])
    except OSError as error:
        return "the port is in use" if error.errno == errno.EADDRINUSE else (error.strerror or str(error))
    return None


def _load(args: argparse.Namespace) -> int:
    from policykg.graph.backends.bolt import BoltTarget, unreachable
    from policykg.load import load_embedded, load_server

    data_dir = resolve_data_dir(args.data_dir)
    if DataDir(data_dir).current() is None:
        console.print(f"[red]no graph has been built in {data_dir}: run `policykg build` first[/red]", soft_wrap=True)
        return 2
    if not args.neo4j_uri:
        folder, stats = load_embedded(data_dir)
        console.print(f"LadybugDB {stats['cypher_nodes']} nodes + {stats['cypher_relationships']} relationships "
                      f"in {stats['cypher_seconds']:.2f} s; Oxigraph {stats['sparql_quads']} quads in "
                      f"{stats['sparql_seconds']:.2f} s; in service: {folder}", soft_wrap=True)
        return 0
    target = BoltTarget.from_env(uri=args.neo4j_uri, user=args.neo4j_user, password=args.neo4j_password,
                                 database=args.neo4j_database, dialect=args.dialect)
    if (problem := unreachable(target)) is not None:
        console.print(f"[red]{escape(problem)}[/red]", soft_wrap=True)
        return 2
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("loading", total=None)
        stats = load_server(data_dir, target, progress=lambda stage, done, total: bar.update(
            task, description=f"{stage} {done}/{total}", completed=done, total=total))
    console.print(f"{target.uri} ({stats['dialect']}): {stats['nodes']} nodes + {stats['relationships']} "
                  f"relationships in {stats['seconds']:.2f} s", soft_wrap=True)
    return 0


def _build(args: argparse.Namespace) -> int:
    # Imported here, not at the top: the build's libraries (rdflib, pyshacl, the loaders: 150 MB) are not the
    # server's, and each SPARQL worker process (spawned) imports this module again as its ``__main__``.
    from policykg.build import BuildError, build

    data_dir = resolve_data_dir(args.data_dir)
    if not args.corpus.is_dir():
        console.print(f"[red]corpus folder not found: {escape(str(args.corpus))}[/red]", soft_wrap=True)
        return 2
    try:
        build_workers(getattr(args, "workers", None), POOL_FROM)  # a bad --workers or POLICYKG_BUILD_WORKERS
    except ValueError as error:
        console.print(f"[red]{escape(str(error))}[/red]", soft_wrap=True)
        return 2
    try:
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("building", total=None)
            report = build(args.corpus, data_dir, workers=getattr(args, "workers", None),
                           progress=lambda name, stage: bar.update(task, description=f"{stage:8} {escape(name)}"))
    except BuildError as error:
        _print_problems(error.report)
        return _build_failed(str(error), data_dir)
    except OSError as error:  # the data directory cannot be written: read-only, disk full, file too large
        return _build_failed(f"the build could not be written: {error}", data_dir)
    _print_report(report)
    return 1 if not any(d.triples for d in report.documents) else 0


def _build_failed(problem: str, data_dir: Path) -> int:
    """Say why the build failed and what is in service now (it did not change)."""
    current = DataDir(data_dir).current()
    still = f"the graph in service is unchanged: {current}" if current else f"no graph is in service in {data_dir}"
    console.print(f"[red]build failed: {escape(problem)}[/red]\n{escape(still)}", soft_wrap=True)
    return 1


MAX_DOCUMENT_COLUMNS = 12


def _print_report(report: BuildReport) -> None:
    """Two tables: the documents, then instances per class for each document (and the total)."""
    out = Console()
    loaded = [d for d in report.documents if not d.error]
    documents = Table(title=f"policykg build: {len(loaded)} documents, {report.triples} triples "
                            f"in {report.seconds:.1f} s")
    for column in ("#", "file", "kind", "title", "triples"):
        documents.add_column(column, justify="right" if column in ("#", "triples") else "left",
                             overflow="fold")
    for number, doc in enumerate(loaded, start=1):
        documents.add_row(str(number), escape(doc.file), doc.kind, escape(doc.title or ""), str(doc.triples))
    out.print(documents)
    shown = loaded if len(loaded) <= MAX_DOCUMENT_COLUMNS else []
    counts = Table(title="instances per class and document (#)")
    counts.add_column("class")
    for number in range(1, len(shown) + 1):
        counts.add_column(str(number), justify="right")
    counts.add_column("total", justify="right")
    for cls in sorted({c for d in loaded for c in d.counts}):
        row = [d.counts.get(cls, 0) for d in loaded]
        counts.add_row(cls, *[str(n) for n in row[: len(shown)]], str(sum(row)))
    out.print(counts)
    _print_problems(report)
    if report.stores:
        stores = report.stores
        console.print(f"stores: LadybugDB {stores['cypher_nodes']} nodes + {stores['cypher_relationships']} "
                      f"relationships in {stores['cypher_seconds']:.2f} s; Oxigraph {stores['sparql_quads']} quads "
                      f"in {stores['sparql_seconds']:.2f} s", soft_wrap=True)
    console.print(f"graph in service: {escape(str(report.build_dir))}", soft_wrap=True)


def _print_problems(report: BuildReport) -> None:
    """Warnings and skipped files, one line each, on stderr (file names and messages escaped, not markup)."""
    for warning in report.warnings:
        console.print(f"[yellow]warning[/yellow] {escape(warning)}", soft_wrap=True)
    for doc in report.documents:
        for warning in doc.warnings:
            console.print(f"[yellow]warning[/yellow] {escape(doc.file)}: {escape(warning)}", soft_wrap=True)
        if doc.error:
            console.print(f"[red]skipped[/red] {escape(doc.error)}", soft_wrap=True)


def _push(args: argparse.Namespace) -> int:
    from policykg.graph.backends.sparql_endpoint import GraphStoreError, push

    try:
        report = push(load_dataset(resolve_data_dir(args.data_dir)), args.sparql_store, fmt=args.body,
                      auth=(args.user, args.password or "") if args.user else None)
    except (NoBuildError, GraphStoreError) as error:
        console.print(f"[red]{error}[/red]", soft_wrap=True)
        return 2
    for graph in report.graphs:
        console.print(f"{graph.graph}: {graph.triples} triples in {graph.seconds:.2f} s (HTTP {graph.status})",
                      soft_wrap=True)
    console.print(f"{report.triples} triples in {len(report.graphs)} graphs to {args.sparql_store} "
                  f"in {report.seconds:.2f} s", soft_wrap=True)
    return 0


def _export(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    try:
        if args.format in PROPERTY_GRAPH_FORMATS:
            written = export_property_graph(data_dir, args.format, args.out)
            console.print(f"wrote {written} as {args.format} to {args.out}", soft_wrap=True)
            return 0
        quads = export(data_dir, args.format, args.out)
    except (ExportError, NoBuildError) as error:
        console.print(f"[red]{escape(str(error))}[/red]", soft_wrap=True)
        return 2
    except OSError as error:  # a folder on the way that is a file, no permission, a full disk
        console.print(f"[red]cannot write {escape(str(args.out))}: {escape(error.strerror or str(error))}[/red]",
                      soft_wrap=True)
        return 2
    console.print(f"wrote {quads} quads as {args.format} to {args.out}", soft_wrap=True)
    return 0


def _query(args: argparse.Namespace) -> int:
    from policykg.graph.questions import catalogue

    if args.name is None:
        table = Table("question", "parameters (example)", "title")
        for named in catalogue.queries():
            table.add_row(named.name, ", ".join(f"{k}={v}" for k, v in named.params.items()), named.title_en)
        Console().print(table)
        return 0
    try:
        named = catalogue.query(args.name)
    except KeyError:
        names = ", ".join(q.name for q in catalogue.queries())
        console.print(f"[red]no question {escape(args.name)!r}: choose one of {names}[/red]", soft_wrap=True)
        return 2
    params = dict(pair.partition("=")[::2] for pair in args.param)
    if (unknown := sorted(set(params) - set(named.params))) or any("=" not in pair for pair in args.param):
        console.print(f"[red]{named.name} takes {', '.join(f'--param {k}=…' for k in named.params) or 'no parameters'}"
                      f"{'; not ' + ', '.join(unknown) if unknown else ''}[/red]", soft_wrap=True)
        return 2
    data_dir = resolve_data_dir(args.data_dir)
    if (build := DataDir(data_dir).current()) is None:
        console.print(f"[red]no graph has been built in {data_dir}: run `policykg build` first[/red]", soft_wrap=True)
        return 2
    columns, rows = _ask_catalogue(named, args.language, build, params)
    _print_rows(columns, rows, args.format)
    return 0


def _ask_catalogue(named: Any, language: str, build: Path, params: dict[str, str]) -> tuple:
    """The catalogue question ``named`` run on the build's own store for ``language``: (columns, rows)."""
    from policykg.graph.backends.embedded import open_cypher, open_sparql
    from policykg.graph.questions import catalogue

    if language == "cypher":
        with open_cypher(build) as store:
            return catalogue.answer("cypher", store, named, params)
    return catalogue.answer("sparql", open_sparql(build), named, params)


def _print_rows(columns: list[str], rows: list[tuple], fmt: str) -> None:
    """Rows on standard output: a rich table, CSV with a header, or JSON objects (one list)."""
    import csv
    import json

    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt == "json":
        print(json.dumps([dict(zip(columns, row)) for row in rows], ensure_ascii=False, indent=1))
    else:
        table = Table(*columns)
        for row in rows:
            table.add_row(*(escape(cell) for cell in row))
        Console().print(table)
        console.print(f"{len(rows)} rows", soft_wrap=True)


if __name__ == "__main__":
    sys.exit(main())
