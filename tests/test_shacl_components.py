"""The default engine runs SPARQL-based constraint components (SHACL §6), sh:closed in nested shapes
and ``$shapesGraph``/``$currentShape`` exactly, and refuses what it cannot (issue 17)."""

from __future__ import annotations

import json

import pytest

from hostile import assert_no_traceback, assert_refused, run
from w3c_shacl import SUITE

pytestmark = pytest.mark.skipif(not SUITE.is_dir(), reason="W3C SHACL suite not found beside the clone")

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
"""

# A component with a mandatory and an optional parameter, an ASK validator for node and property
# shapes and a SELECT validator for property shapes only (sh:propertyValidator wins there).
COMPONENT = PREFIXES + """
ex:PrefixComponent a sh:ConstraintComponent ;
    sh:parameter [ sh:path ex:prefix ] , [ sh:path ex:suffix ; sh:optional true ] ;
    sh:validator [ a sh:SPARQLAskValidator ; sh:message "skal begynde med {$prefix}"@da ;
        sh:ask "ASK { FILTER(STRSTARTS(STR($value), $prefix) && (!BOUND($suffix) || STRENDS(STR($value), $suffix))) }" ] ;
    sh:propertyValidator [ a sh:SPARQLSelectValidator ; sh:message "{?value} skal begynde med {$prefix}" ;
        sh:select "SELECT $this ?value WHERE { $this $PATH ?value . FILTER(!STRSTARTS(STR(?value), $prefix)) }" ] .
"""


def _results(r) -> list[dict]:
    assert_no_traceback(r)
    return json.loads(r.out)["results"]


def test_an_ask_validator_gives_one_result_per_value_node_it_answers_false_for(tmp_path):
    f = tmp_path / "t.ttl"
    f.write_text(COMPONENT + """
ex:S a sh:NodeShape ; sh:targetNode "KL-1", "FDA-2", "KL-3x" ; ex:prefix "KL" ; ex:suffix "1" .
ex:T a sh:NodeShape ; sh:targetNode "KL-9" ; ex:suffix "1" .   # no ex:prefix: does not apply
""", encoding="utf-8")
    r = run("shacl", f, "--format", "json")
    assert r.code == 1, str(r)
    got = sorted((x["focusNode"], x["value"], x["sourceShape"], x["sourceConstraintComponent"], x["resultMessage"][0])
                 for x in _results(r))
    assert got == [(f'"{v}"', f'"{v}"', "<https://example.org/S>", "<https://example.org/PrefixComponent>",
                    'skal begynde med KL') for v in ("FDA-2", "KL-3x")]


def test_a_property_validator_runs_with_path_and_parameters_and_fills_the_message(tmp_path):
    f = tmp_path / "t.ttl"
    f.write_text(COMPONENT + """
ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:id ; ex:prefix "KL" ] .
ex:a ex:id "KL-1", "FDA-2" .
""", encoding="utf-8")
    r = run("shacl", f, "--format", "json")
    assert r.code == 1, str(r)
    [x] = _results(r)
    assert (x["focusNode"], x["resultPath"], x["value"]) == ("<https://example.org/a>", "<https://example.org/id>", '"FDA-2"')
    assert x["resultMessage"] == ['"FDA-2" skal begynde med KL']


def test_a_component_in_a_nested_shape_is_refused_not_skipped(tmp_path):
    f = tmp_path / "t.ttl"
    f.write_text(COMPONENT + """
ex:S a sh:NodeShape ; sh:targetNode "KL-1" ; sh:node ex:Inner .
ex:Inner ex:prefix "KL" .
""", encoding="utf-8")
    assert_refused(run("shacl", f), "ARK-E36", "nested shape")


def test_sh_closed_in_a_nested_shape(tmp_path):
    f = tmp_path / "t.ttl"
    f.write_text(PREFIXES + """
ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b ; sh:node ex:Closed .
ex:Closed sh:closed true ; sh:ignoredProperties ( ex:note ) ; sh:property [ sh:path ex:name ] .
ex:a ex:name "A" ; ex:note "ok" .
ex:b ex:name "B" ; ex:extra 1 .
""", encoding="utf-8")
    r = run("shacl", f, "--format", "json")
    assert r.code == 1, str(r)
    [x] = _results(r)
    assert (x["focusNode"], x["sourceConstraintComponent"]) == ("<https://example.org/b>", "<http://www.w3.org/ns/shacl#NodeConstraintComponent>")


def test_shapes_graph_and_current_shape_are_pre_bound(tmp_path):
    f = tmp_path / "t.ttl"
    f.write_text(PREFIXES + """
ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b ; ex:limit 2 ; sh:sparql [ sh:prefixes ex:p ; sh:select \"\"\"
    SELECT $this WHERE { $this ex:n ?n . GRAPH $shapesGraph { $currentShape ex:limit ?max } FILTER(?n > ?max) }\"\"\" ] .
ex:p sh:declare [ sh:prefix "ex" ; sh:namespace "https://example.org/"^^xsd:anyURI ] .
ex:a ex:n 1 . ex:b ex:n 3 .
""", encoding="utf-8")
    r = run("shacl", f, "--format", "json")
    assert r.code == 1, str(r)
    assert [x["focusNode"] for x in _results(r)] == ["<https://example.org/b>"]
