"""Finder de medleverede data (ontologi, shapes, referencedata) / locates the shipped data files."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# Installed as a wheel, pyproject's force-include puts ontology/ and shapes/ under
# arkitektur/_data/. In an editable install (or a plain checkout on sys.path) they are at the
# repository root, two levels above this file's package folder (src/arkitektur/).
_REPO_ROOT = Path(__file__).resolve().parents[2]


def _shipped(name: str) -> Path:
    installed = Path(str(files("arkitektur"))) / "_data" / name
    if installed.is_dir():
        return installed
    return _REPO_ROOT / name


def ontology_dir() -> Path:
    """The folder with the OWL ontology modules (and ``reference/`` with shipped reference data)."""
    return _shipped("ontology")


def shapes_dir() -> Path:
    """The folder with the SHACL shapes, one or more files per rule family."""
    return _shipped("shapes")


def examples_dir() -> Path:
    """The folder with each rule's example models: ``shapes/examples/<RULE>/{bad,good}.ttl``."""
    return shapes_dir() / "examples"


def ontology_files() -> list[Path]:
    """Every ``*.ttl`` under the ontology folder, recursively (including ``reference/``), sorted."""
    root = ontology_dir()
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*.ttl") if p.is_file())


def shape_files() -> list[Path]:
    """The ``*.ttl`` files directly in the shapes folder, sorted (not the examples below it)."""
    root = shapes_dir()
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("*.ttl") if p.is_file())
