"""``arkitektur shacl``: any data against any shapes, a W3C validation report, exit 0 / 1 / 2."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph, Literal

from arkitektur.namespaces import RDF, SH
from hostile import assert_no_traceback, assert_refused, run
from w3c_shacl import SUITE

pytestmark = pytest.mark.skipif(not SUITE.is_dir(), reason="W3C SHACL suite not found beside the clone")

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "navn mangler"@da ] .
"""


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_a_failing_graph_gives_a_w3c_report_and_exit_1(engine):
    r = run("shacl", SUITE / "core" / "property" / "uniqueLang-001.ttl", "--engine", engine)
    assert r.code == 1, str(r)
    assert_no_traceback(r)
    g = Graph().parse(data=r.out, format="turtle")
    reports = list(g.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1
    assert g.value(reports[0], SH.conforms) == Literal(False)
    components = {g.value(res, SH.sourceConstraintComponent) for res in g.objects(reports[0], SH.result)}
    assert components == {SH.UniqueLangConstraintComponent}


def test_data_and_shapes_apart_json_and_exit_0(tmp_path):
    (tmp_path / "shapes.ttl").write_text(SHAPES, encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text('@prefix ex: <https://example.org/> .\nex:anna a ex:Person ; ex:name "Anna" .\n', encoding="utf-8")
    r = run("shacl", data, tmp_path / "shapes.ttl", "--format", "json")
    assert r.code == 0, str(r)
    assert json.loads(r.out) == {"conforms": True, "results": []}
    data.write_text('@prefix ex: <https://example.org/> .\nex:bo a ex:Person .\n', encoding="utf-8")
    r = run("shacl", data, tmp_path / "shapes.ttl", "--format", "json")
    assert r.code == 1, str(r)
    doc = json.loads(r.out)
    assert doc["conforms"] is False
    [result] = doc["results"]
    assert result["focusNode"] == "<https://example.org/bo>"
    assert result["resultPath"] == "<https://example.org/name>"
    assert result["sourceConstraintComponent"] == "<http://www.w3.org/ns/shacl#MinCountConstraintComponent>"
    assert result["resultSeverity"] == "<http://www.w3.org/ns/shacl#Violation>"
    assert result["resultMessage"] == ["navn mangler"]
    r = run("shacl", data, tmp_path / "shapes.ttl", "--format", "text")
    assert r.code == 1 and "MinCountConstraintComponent" in r.out and "navn mangler" in r.out, str(r)


def test_shapes_the_engine_cannot_run_exactly_are_refused_with_exit_2():
    # an ASK validator re-binding the pre-bound $value (SHACL §5.2.1 forbids it: an mf:Failure test)
    r = run("shacl", SUITE / "sparql" / "pre-binding" / "unsupported-sparql-006.ttl")
    assert_refused(r, "ARK-E36", "AS")


def test_unreadable_input_is_exit_2_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b \"open .\n", encoding="utf-8")
    r = run("shacl", bad)
    assert_refused(r, "ARK-E02", f"{bad}:2")
    assert_refused(run("shacl", tmp_path / "nope.ttl"), "ARK-E01")


def test_a_literal_focus_node_comes_back_as_written_even_when_falsy(tmp_path):
    """pyoxigraph stores "0.0"^^xsd:decimal as "0"; the report names the target as the shapes wrote
    it – also for a literal whose value is zero (falsy in rdflib)."""
    f = tmp_path / "t.ttl"
    f.write_text('@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                 '@prefix ex: <https://example.org/> .\n'
                 'ex:S a sh:NodeShape ; sh:targetNode "0.0"^^xsd:decimal ; sh:minExclusive 1 .\n', encoding="utf-8")
    r = run("shacl", f, "--format", "json")
    assert r.code == 1, str(r)
    [result] = json.loads(r.out)["results"]
    assert result["focusNode"] == result["value"] == '"0.0"^^<http://www.w3.org/2001/XMLSchema#decimal>'


RECURSIVE = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:KnowsShape a sh:NodeShape ; sh:targetNode ex:a ;
    sh:property [ sh:path ex:knows ; sh:node ex:KnowsShape ] .
"""


def test_a_recursive_shape_is_refused_not_a_crash(tmp_path):
    """SHACL leaves recursive shapes undefined: the default engine refuses one (ARK-E36, exit 2)
    rather than run out of stack (it was an internal error, exit 3)."""
    (tmp_path / "shapes.ttl").write_text(RECURSIVE, encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text("@prefix ex: <https://example.org/> .\nex:a ex:knows ex:b .\nex:b ex:knows ex:a .\n",
                    encoding="utf-8")
    r = run("shacl", data, tmp_path / "shapes.ttl")
    assert_refused(r, "ARK-E36", "<https://example.org/KnowsShape>")
    assert "rekursive former" in r.err and "(the shape <https://example.org/KnowsShape> uses recursive shapes," in r.err


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_blank_node_labels_are_scoped_to_their_file(tmp_path, engine):
    """``_:b1`` in two shapes files are two property shapes (RDF 1.1 Concepts §3.4), not one with
    two paths: one minCount result, and no refusal."""
    head = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://example.org/> .\n"
    (tmp_path / "s1.ttl").write_text(head + "ex:S1 a sh:NodeShape ; sh:targetNode ex:a ; sh:property _:b1 .\n"
                                     "_:b1 sh:path ex:knows ; sh:minCount 1 .\n", encoding="utf-8")
    (tmp_path / "s2.ttl").write_text(head + "ex:S2 a sh:NodeShape ; sh:targetNode ex:a ; sh:property _:b1 .\n"
                                     "_:b1 sh:path ex:name ; sh:minCount 1 .\n", encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text("@prefix ex: <https://example.org/> .\nex:a ex:knows ex:b .\n", encoding="utf-8")
    r = run("shacl", data, tmp_path / "s1.ttl", tmp_path / "s2.ttl", "--format", "json", "--engine", engine)
    assert r.code == 1, str(r)
    [result] = json.loads(r.out)["results"]
    assert result["focusNode"] == "<https://example.org/a>"
    assert result["resultPath"] == "<https://example.org/name>"
    assert result["sourceConstraintComponent"] == "<http://www.w3.org/ns/shacl#MinCountConstraintComponent>"
