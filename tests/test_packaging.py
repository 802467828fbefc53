"""Every Python package folder is listed in pyproject.toml, so a wheel install is complete."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_installed_under_policykg():
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(setup["packages"])
    for name, folder in setup["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder)
            dotted = ".".join([name, *relative.parts]) if relative.parts else name
            assert dotted in listed, f"{init.parent} is not listed in pyproject.toml as {dotted}"


def test_every_ontology_data_file_is_in_the_package_data():
    """A lexicon the loaders read (areas-cn.tsv, *.yaml) must ship in the wheel, or a wheel install fails."""
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    patterns = setup["package-data"]["policykg.ontology"]
    folder = ROOT / setup["package-dir"]["policykg.ontology"]
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts:
            relative = path.relative_to(folder)
            assert any(relative.match(p) and len(relative.parts) == len(Path(p).parts) for p in patterns), relative
