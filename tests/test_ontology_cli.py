"""``arkitektur ontology``: consistent example, a Kommune that is also an ItSystem, and missing Java."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from arkitektur.cli import main

ROOT = Path(__file__).resolve().parents[1]
needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT kræver Java")

BAD = """@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:silkeborg a ark:Kommune ;
    rdfs:label "Silkeborg Kommune"@da .

ex:forvirret a ark:Kommune , ark:ItSystem ;
    rdfs:label "Kommune og system på én gang"@da .
"""


@needs_java
@pytest.mark.slow
def test_example_repository_is_consistent():
    result = CliRunner().invoke(main, ["ontology", str(ROOT / "models")])
    assert result.exit_code == 0, result.output
    assert "OWL-konsistente" in result.output


@needs_java
@pytest.mark.slow
def test_individual_both_kommune_and_itsystem_is_reported_at_its_line(tmp_path):
    (tmp_path / "m.ttl").write_text(BAD, encoding="utf-8")
    result = CliRunner().invoke(main, ["ontology", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'm.ttl'}:8: individ https://example.org/forvirret" in result.output
    assert "https://example.org/silkeborg" not in result.output


def test_missing_java_is_said_plainly(tmp_path):
    (tmp_path / "m.ttl").write_text(BAD, encoding="utf-8")
    result = CliRunner().invoke(main, ["ontology", str(tmp_path), "--java", str(tmp_path / "ingen-java")])
    assert result.exit_code == 2
    assert "Java blev ikke fundet" in result.stderr
