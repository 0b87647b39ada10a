"""Qualified counts of three or more (issue 17 item 5): the default engine counts the conforming
value nodes per focus node (COUNT) instead of joining n distinct variables, whose join grew as
values^n – with exactly the results of the standard (pySHACL agrees)."""

from __future__ import annotations

from rdflib import Graph

from arkitektur import shacl_validate
from arkitektur.namespaces import SH
from arkitektur.shacl_compile import compile_shapes

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .

ex:Haand a sh:NodeShape ;
    sh:targetClass ex:Haand ;
    sh:property ex:Fingre, ex:Tommel .

ex:Fingre sh:path ex:finger ;
    sh:qualifiedValueShape [ sh:class ex:Finger ] ;
    sh:qualifiedValueShapesDisjoint true ;
    sh:qualifiedMinCount 4 ;
    sh:qualifiedMaxCount 4 .

ex:Tommel sh:path ex:finger ;
    sh:qualifiedValueShape [ sh:class ex:Tommelfinger ] ;
    sh:qualifiedValueShapesDisjoint true ;
    sh:qualifiedMinCount 1 ;
    sh:qualifiedMaxCount 1 .
"""

DATA = """
@prefix ex: <https://example.org/> .
ex:hel a ex:Haand ; ex:finger ex:t, ex:f1, ex:f2, ex:f3, ex:f4 .
ex:mangler a ex:Haand ; ex:finger ex:t, ex:f1, ex:f2, ex:f3 .
ex:ekstra a ex:Haand ; ex:finger ex:t, ex:f1, ex:f2, ex:f3, ex:f4, ex:f5 .
ex:tvivl a ex:Haand ; ex:finger ex:t, ex:f1, ex:f2, ex:f3, ex:tf .
ex:t a ex:Tommelfinger .
ex:f1 a ex:Finger . ex:f2 a ex:Finger . ex:f3 a ex:Finger . ex:f4 a ex:Finger . ex:f5 a ex:Finger .
ex:tf a ex:Finger, ex:Tommelfinger .
"""


def _graph(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def _results(results) -> set:
    return {(str(r.focus).rsplit("/", 1)[-1], str(r.shape).rsplit("/", 1)[-1], str(r.component).rsplit("#", 1)[-1])
            for r in results}


def test_counts_of_three_or_more_are_counted_not_joined():
    plan = compile_shapes(_graph(SHAPES))
    counted = [q for q in plan.queries if "COUNT(DISTINCT" in q.text]
    assert {(str(q.shape).rsplit("/", 1)[-1], q.component) for q in counted} == {
        ("Fingre", SH.QualifiedMinCountConstraintComponent), ("Fingre", SH.QualifiedMaxCountConstraintComponent)}
    # ex:Tommel counts to 1: one or two variables, joined as before (the shipped rules' form).
    assert all(str(q.shape).endswith("Tommel") for q in plan.queries if q not in counted)


def test_counted_results_are_the_standards():
    data = _graph(DATA)
    results = _results(shacl_validate.validate(data, _graph(SHAPES)).results)
    assert results == {
        ("mangler", "Fingre", "QualifiedMinCountConstraintComponent"),
        ("ekstra", "Fingre", "QualifiedMaxCountConstraintComponent"),
        # ex:tf is a finger and a thumb: disjoint siblings count it for neither.
        ("tvivl", "Fingre", "QualifiedMinCountConstraintComponent"),
    }
    assert _results(shacl_validate.validate(data, _graph(SHAPES), "pyshacl").results) == results
