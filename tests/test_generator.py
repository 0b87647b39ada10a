"""The benchmark generator: seeded and deterministic, valid Turtle, and a defect for every rule of the catalogue."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest

from arkitektur import loader
from arkitektur.catalogue import shipped
from arkitektur.check import run_check
from benchmarks.generate import PLANTERS, generate

logging.getLogger("rdflib").setLevel(logging.ERROR)


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def test_the_same_seed_gives_the_same_repository(tmp_path):
    generate(tmp_path / "a", 2, 12, seed=3)
    generate(tmp_path / "b", 2, 12, seed=3)
    generate(tmp_path / "c", 2, 12, seed=4)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b") != _digest(tmp_path / "c")


def test_every_rule_of_the_catalogue_has_a_planter():
    assert {r.id for r in shipped().ordered()} <= set(PLANTERS)
    with pytest.raises(ValueError):
        generate(Path("/nonexistent"), 1, 1, rules=["XYZ-9"])


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("lille")
    return root, generate(root, 2, 15, seed=2015)


def test_the_repository_has_the_layout_of_models_and_reads_cleanly(small):
    root, summary = small
    assert (root / "arkitektur.toml").read_text().startswith('as_of = "2016-06-01"')
    assert {p.name for p in root.iterdir() if p.is_dir()} == {"samarbejde", "silkeborg", "viborg"}
    repo = loader.load_store([root])
    assert repo.notes == [] and len(repo.model_files) == summary.files
    assert len(repo.model) > summary.statements  # plus the ontology and the marked model subjects


def test_every_rule_finds_its_planted_defects(small):
    root, summary = small
    result = run_check([root])  # as_of from the generated arkitektur.toml
    found = {f.rule for f in result.findings}
    rules = {r.id for r in shipped().ordered()}
    assert set(summary.planted) == rules
    assert found == rules, f"rules without a finding: {sorted(rules - found)}"


def test_size_grows_with_municipalities_and_systems(tmp_path):
    one = generate(tmp_path / "1", 2, 20, seed=1).statements
    two = generate(tmp_path / "2", 4, 20, seed=1).statements
    three = generate(tmp_path / "3", 4, 40, seed=1).statements
    assert 1.6 < two / one < 2.4 and 1.6 < three / two < 2.4
