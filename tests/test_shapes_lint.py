"""A broken shape stops the check with exit code 2 – never a silent "conforms" (shapes_lint)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from arkitektur import catalogue, resources
from arkitektur.catalogue import load_shapes
from arkitektur.cli import main
from arkitektur.errors import ShapesError
from arkitektur.shapes_lint import lint

HEAD = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix regel: <https://w3id.org/arkitektur/regler#> .

regel:px sh:declare [ sh:prefix "ark" ; sh:namespace "https://w3id.org/arkitektur/ontologi#"^^xsd:anyURI ] .
"""


def shape(body: str, sparql: str | None = None, constraint_extra: str = "") -> str:
    text = HEAD + f"""
regel:T-1 a sh:NodeShape ;
    ark:regel "MOD-1" ;
    sh:severity sh:Violation ;
    sh:message "besked"@da , "message"@en ;
    {body}"""
    if sparql is not None:
        text += f""" ;
    sh:sparql [ a sh:SPARQLConstraint ; sh:prefixes regel:px ; {constraint_extra}
        sh:select \"\"\"{sparql}\"\"\" ]"""
    return text + " .\n"


GOOD_SPARQL = "SELECT $this ?value WHERE { $this ark:system ?value . FILTER NOT EXISTS { ?value a ark:ItSystem } }"

BROKEN = {
    "unknown-term": ("ARK-E31", shape("sh:targetClass ark:Systemanvendelse ; "
                                      "sh:property [ sh:path ark:systemejer ; sh:minCont 1 ]")),
    "sparql-syntax": ("ARK-E33", shape("sh:targetClass ark:Systemanvendelse",
                                       "SELECT $this WHERE { $this ark:system ?value . FILTER(?value = }")),
    "severity-on-constraint": ("ARK-E32", shape("sh:targetClass ark:Systemanvendelse", GOOD_SPARQL,
                                                "sh:severity sh:Warning ;")),
    "targets-nothing": ("ARK-E34", shape("sh:property [ sh:path ark:systemejer ; sh:minCount 1 ]")),
    "values-in-sparql": ("ARK-E33", shape("sh:targetClass ark:Systemanvendelse",
                                          "SELECT $this WHERE { VALUES ?x { 1 } $this ark:system ?x }")),
    "minus-in-sparql": ("ARK-E33", shape("sh:targetClass ark:Systemanvendelse",
                                         "SELECT $this WHERE { $this ark:system ?x MINUS { ?x a ark:ItSystem } }")),
    "undeclared-prefix": ("ARK-E33", shape("sh:targetClass ark:Systemanvendelse",
                                           "SELECT $this WHERE { $this ukendt:system ?x }")),
    "two-selects": ("ARK-E33", shape("sh:targetClass ark:Systemanvendelse", GOOD_SPARQL,
                                     'sh:select "SELECT $this WHERE { $this ?p ?o }" ;')),
}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "regel.ttl"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_lint_rejects_a_broken_shape(tmp_path, case):
    code, text = BROKEN[case]
    g, loc = load_shapes([_write(tmp_path, text)])
    with pytest.raises(ShapesError) as exc:
        lint(g, loc)
    assert exc.value.code == code
    assert exc.value.file and exc.value.file.endswith("regel.ttl") and exc.value.line


@pytest.mark.parametrize("text", [
    shape("sh:targetClass ark:Systemanvendelse", GOOD_SPARQL),
    shape("sh:targetSubjectsOf ark:system ; sh:property [ sh:path ark:system ; sh:minCount 1 ]"),
    shape("sh:deactivated true"),  # a post-processing rule (DISP-3) needs no target
])
def test_lint_accepts_sound_shapes(tmp_path, text):
    lint(*load_shapes([_write(tmp_path, text)]))


def test_the_shipped_shapes_pass_the_lint():
    lint(*load_shapes(resources.shape_files()))


@pytest.fixture
def shapes_dir(tmp_path, monkeypatch):
    """Point the package at a temporary shapes directory (and forget the cached catalogue)."""

    def use(text: str) -> None:
        path = _write(tmp_path, text)
        monkeypatch.setattr(resources, "shape_files", lambda: [path])
        catalogue.shipped.cache_clear()

    yield use
    catalogue.shipped.cache_clear()


@pytest.mark.parametrize("case", ["unknown-term", "sparql-syntax", "severity-on-constraint", "targets-nothing"])
@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_check_exits_2_on_a_broken_shape_whatever_the_engine(shapes_dir, tmp_path, case, engine):
    code, text = BROKEN[case]
    shapes_dir(text)
    model = tmp_path / "model.ttl"
    model.write_text('@prefix ark: <https://w3id.org/arkitektur/ontologi#> .\n'
                     '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                     '<https://example.org/a> a ark:Systemanvendelse ; rdfs:label "A"@da .\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(model), "--engine", engine, "--as-of", "2016-06-01"])
    assert result.exit_code == 2, result.output
    assert code in result.stderr
