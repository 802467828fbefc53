"""Every Python package folder is listed in pyproject.toml, so a wheel install is complete."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_installed_under_policykg():
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(setup["packages"])
    for name, folder in setup["package-dir"].items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder)
            dotted = ".".join([name, *relative.parts]) if relative.parts else name
            assert dotted in listed, f"{init.parent} is not listed in pyproject.toml as {dotted}"


DATA_FOLDERS = {"ontology": "policykg/ontology", "graph/questions/queries": "policykg/graph/questions/queries",
                "api/static": "policykg/api/static", "api/templates": "policykg/api/templates",
                "visual/static": "policykg/visual/static", "visual/templates": "policykg/visual/templates"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> tuple[zipfile.ZipFile, str]:
    """A real wheel of the project, built as pip builds it; and what the build printed."""
    out = tmp_path_factory.mktemp("wheel")
    source = out / "source"  # a copy: setuptools writes build/ and *.egg-info/ beside the sources it builds
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info",
                                                                "__pycache__", "artifacts", "data"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    (path,) = out.glob("policykg-*.whl")
    return zipfile.ZipFile(path), built.stdout + built.stderr


@pytest.mark.slow
def test_the_wheel_holds_every_data_file(wheel):
    """A lexicon, a query, a vendored script or a template missing from the wheel breaks a wheel install."""
    archive, _ = wheel
    names = set(archive.namelist())
    for source, installed in DATA_FOLDERS.items():
        for path in (ROOT / source).rglob("*"):
            if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts:
                assert f"{installed}/{path.relative_to(ROOT / source).as_posix()}" in names, path


@pytest.mark.slow
def test_building_the_wheel_warns_of_nothing(wheel):
    """setuptools once warned of a deprecated licence table and of data folders 'absent from packages'."""
    _, said = wheel
    assert "absent from the `packages` configuration" not in said and "license` as a TOML table" not in said
