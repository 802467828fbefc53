"""Writing the dataset in service to a file in one of the standard RDF formats."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from policykg.graph.builds.datadir import load_dataset

# name on the command line → (rdflib format, keeps named graphs)
FORMATS = {
    "trig": ("trig", True),
    "nq": ("nquads", True),
    "jsonld": ("json-ld", True),
    "ttl": ("turtle", False),
    "nt": ("nt", False),
    "jsonld-context": ("json-ld", True),  # JSON-LD compacted with ontology/context.jsonld
}


# formats of the property graph (what Cypher stores receive), by name on the command line
PROPERTY_GRAPH_FORMATS = ("neo4j-csv", "cypher", "graphml", "csv")
FOLDER_FORMATS = ("neo4j-csv", "csv")  # the others write one file


class ExportError(RuntimeError):
    pass


def check_out(fmt: str, out: Path) -> None:
    """``ExportError`` when ``out`` is of the wrong kind for ``fmt`` (a folder where a file goes, or the other
    way round), said before anything is read or written."""
    out = Path(out)
    if fmt in FOLDER_FORMATS and out.exists() and not out.is_dir():
        raise ExportError(f"--out {out} is a file, and {fmt} writes a folder of files: give a folder path "
                          f"(new or existing), e.g. {out.with_suffix('')}-{fmt}/")
    if fmt not in FOLDER_FORMATS and out.is_dir():
        raise ExportError(f"--out {out} is a folder, and {fmt} writes one file: give a file path, e.g. "
                          f"{out / ('policykg.' + fmt.split('-')[0])}")


def export(data_dir: Path, fmt: str, out: Path) -> int:
    """Write the dataset to ``out``; formats without named graphs get the union of all graphs."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    check_out(fmt, out)
    rdflib_format, keeps_graphs = FORMATS[fmt]
    dataset = load_dataset(data_dir)
    if keeps_graphs:
        target = dataset
    else:
        target = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            target.add((s, p, o))
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonld-context":
        from policykg.graph.exports.files import write_jsonld

        write_jsonld(dataset, out)
    else:
        target.serialize(destination=out, format=rdflib_format)
    return sum(1 for _ in dataset.quads((None, None, None, None)))


def export_property_graph(data_dir: Path, fmt: str, out: Path) -> str:
    """The property graph as files: ``neo4j-csv`` (a folder for ``neo4j-admin database import``),
    ``cypher`` (a script for ``cypher-shell``), ``graphml`` (Gephi, Cytoscape), ``csv`` (nodes and relationships)."""
    from policykg.graph.exports.neo4j_files import write_cypher_script, write_neo4j_csv
    from policykg.graph.mapping.mapper import map_dataset

    from policykg.graph.exports.files import write_csv, write_graphml

    check_out(fmt, out)
    pg = map_dataset(load_dataset(data_dir))
    if fmt == "graphml":
        write_graphml(pg, out)
        return f"{len(pg.nodes)} nodes and {len(pg.relationships)} relationships as GraphML"
    if fmt == "csv":
        files = write_csv(pg, out)
        return f"{len(files)} files ({len(pg.nodes)} nodes, {len(pg.relationships)} relationships)"
    if fmt == "neo4j-csv":
        files = write_neo4j_csv(pg, out)
        return f"{len(files)} files ({len(pg.nodes)} nodes, {len(pg.relationships)} relationships)"
    write_cypher_script(pg, out)
    return f"a script of {len(pg.nodes)} nodes and {len(pg.relationships)} relationships"
