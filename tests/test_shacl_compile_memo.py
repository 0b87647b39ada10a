"""The compiler writes a nested shape's expression once and copies it (``shacl_compile._Compiler.conforms``,
issue 17 item 5): the copies are the very text a second walk would write, and each copy still tells
the engine which predicates' literals to judge (the marks of ill-typed literals)."""

from __future__ import annotations

import re

from rdflib import Graph, URIRef

from arkitektur import shacl_compile, shacl_validate

EX = "https://example.org/"
SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path ex:a ; sh:node ex:Indre ] ;
    sh:property [ sh:path ex:b ; sh:node ex:Indre ] ;
    sh:property [ sh:path ex:c ; sh:or ( ex:Indre [ sh:node ex:Liste ] ) ] .
ex:Indre sh:datatype xsd:integer .
ex:Liste sh:property [ sh:path ex:naeste ; sh:maxCount 1 ; sh:node ex:Indre ] .
"""
DATA = """
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:x a ex:C ; ex:a 1 ; ex:b "abc"^^xsd:integer ; ex:c ex:y .
ex:y ex:naeste "12x"^^xsd:integer .
"""


def _graph(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def test_the_copies_are_what_a_second_walk_writes(monkeypatch):
    copied = shacl_compile.compile_shapes(_graph(SHAPES))
    monkeypatch.setattr(shacl_compile, "_IRI_WITH_QUESTION", re.compile(r"[\s\S]"))  # nothing copied
    walked = shacl_compile.compile_shapes(_graph(SHAPES))
    assert [q.text for q in copied.queries] == [q.text for q in walked.queries]
    assert copied.datatype_predicates == walked.datatype_predicates
    assert {URIRef(EX + "a"), URIRef(EX + "b"), URIRef(EX + "naeste")} <= copied.datatype_predicates
    assert sum(q.text.count("sameTerm(DATATYPE(") for q in copied.queries) == 4  # Indre, four times


def test_each_copy_judges_its_own_predicate():
    """ex:Indre is first written under ex:a; its copy under ex:b must still mark ex:b's ill-typed
    literal, or "abc"^^xsd:integer would pass sh:datatype."""
    results = shacl_validate.validate(_graph(DATA), _graph(SHAPES)).results
    assert sorted((str(r.path), str(r.component).rsplit("#", 1)[-1]) for r in results) == [
        (EX + "b", "NodeConstraintComponent"),
        (EX + "c", "OrConstraintComponent"),
    ]
