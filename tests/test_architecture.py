"""The data flows one way: each layer imports only the layers below it, and no modules import each other.

Layers, bottom to top (``docs/architecture.md``): ``ontology/`` (data files and the
one way to find them), ``loaders/`` (documents → RDF), ``graph/`` (stores, mapping,
questions), ``api/`` (HTTP), ``visual/`` (the page, asking through the API's services),
and ``policykg/`` (build, load, export, the command line and the app that composes
API and page).  ``policykg/__init__.py`` holds only the version and may be imported
from anywhere.  The import graph is read from the source with ``ast``, lazy imports
inside functions included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
# folder → (package, layer); higher layers may import lower ones
LAYERS = {"ontology": ("policykg.ontology", 0), "loaders": ("policykg.loaders", 1),
          "graph": ("policykg.graph", 2), "api": ("policykg.api", 3), "visual": ("policykg.visual", 4),
          "policykg": ("policykg", 5)}


def _module(path: Path) -> str:
    folder, *rest = path.relative_to(ROOT).with_suffix("").parts
    rest = rest[:-1] if rest and rest[-1] == "__init__" else rest
    return ".".join([LAYERS[folder][0], *rest])


def _imported(path: Path, module: str) -> set[str]:
    """Every module name ``path`` imports (``from a import b`` names ``a.b`` too: ``b`` may be a module)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1] + [node.module or ""]).strip(".") \
                if node.level else node.module or ""
            names |= {base} | {f"{base}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


@pytest.fixture(scope="module")
def imports() -> nx.DiGraph:
    paths = {_module(p): p for folder in LAYERS for p in (ROOT / folder).rglob("*.py")}
    graph = nx.DiGraph()
    for module, path in paths.items():
        graph.add_node(module)
        for name in _imported(path, module):
            if name in paths and name != module:
                graph.add_edge(module, name)
    assert graph.number_of_nodes() > 100 and graph.number_of_edges() > 200
    return graph


def _layer(module: str) -> int:
    return max((layer for package, layer in LAYERS.values() if module == package or module.startswith(package + ".")
                and (package != "policykg" or module.split(".")[1] not in
                     ("ontology", "loaders", "graph", "api", "visual"))), default=5)


def test_each_layer_imports_only_the_layers_below_it(imports: nx.DiGraph) -> None:
    upward = sorted(f"{a} → {b}" for a, b in imports.edges if b != "policykg" and _layer(b) > _layer(a))
    assert upward == []


def test_no_modules_import_each_other(imports: nx.DiGraph) -> None:
    cycles = sorted(sorted(c) for c in nx.strongly_connected_components(imports) if len(c) > 1)
    assert cycles == []


# inside graph/: the sub-packages, bottom to top; a module at graph/'s top level is at the bottom
GRAPH_LAYERS = {"builds": 0, "mapping": 1, "exports": 2, "backends": 3, "questions": 4}


def _graph_layer(module: str) -> int:
    parts = module.split(".")
    return GRAPH_LAYERS.get(parts[2], 0) if len(parts) > 2 else 0


def test_inside_graph_each_part_imports_only_the_parts_below_it(imports: nx.DiGraph) -> None:
    """The build folder, the mapping, the exports, the stores and the questions, in that order."""
    inside = [(a, b) for a, b in imports.edges if a.startswith("policykg.graph.") and b.startswith("policykg.graph.")]
    assert len(inside) > 40
    upward = sorted(f"{a} → {b}" for a, b in inside if _graph_layer(b) > _graph_layer(a))
    assert upward == []
    assert [_graph_layer(m) for m in ("policykg.graph.terms", "policykg.graph.builds.datadir",
                                      "policykg.graph.mapping.mapper", "policykg.graph.exports.files",
                                      "policykg.graph.backends.bolt", "policykg.graph.questions.lookups")] == \
        [0, 0, 1, 2, 3, 4]


def test_the_layers_are_read_as_declared() -> None:
    """The rule above could pass by reading nothing: check the layer of a few known modules."""
    assert [_layer(m) for m in ("policykg.ontology", "policykg.loaders.metadata", "policykg.graph.mapping.mapper",
                                "policykg.api.app", "policykg.visual.routes", "policykg.app",
                                "policykg.build")] == [0, 1, 2, 3, 4, 5, 5]


def _listings(path: Path, names: set[str]) -> list[str]:
    """Literal tuples, lists, sets and dict keys in ``path`` holding two or more of ``names`` (choosing one
    backend by name is a use; listing several is what the registry alone does)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        items = node.keys if isinstance(node, ast.Dict) else \
            node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else []
        listed = {item.value for item in items if isinstance(item, ast.Constant) and item.value in names}
        if len(listed) >= 2:
            found.append(f"{path.name}:{node.lineno} {sorted(listed)}")
    return found


def test_backend_names_are_listed_in_the_registry_alone(tmp_path: Path) -> None:
    """``graph/backends/__init__.py`` maps each name to its reader and writer; settings, services and
    the command line take their choices from there, so no other module lists two backends."""
    from policykg.graph.backends import CYPHER_BACKENDS, REGISTRY, SPARQL_BACKENDS

    assert CYPHER_BACKENDS == ("embedded", "neo4j") and SPARQL_BACKENDS == ("oxigraph", "sparql-endpoint")
    names = set(REGISTRY)
    registry = ROOT / "graph" / "backends" / "__init__.py"
    sources = [p for folder in LAYERS for p in (ROOT / folder).rglob("*.py") if p != registry]
    assert len(sources) > 100
    assert [hit for path in sources for hit in _listings(path, names)] == []
    # the check can fail: a module listing two of them is found
    listing = tmp_path / "settings.py"
    listing.write_text('CHOICES = ["embedded", "neo4j"]\nDEFAULT = "embedded"\n', encoding="utf-8")
    assert [hit.split(" ", 1)[1] for hit in _listings(listing, names)] == ["['embedded', 'neo4j']"]
