"""The compiler's index of the shapes graph answers as rdflib does (shacl_graph.ShapesIndex, Terms)."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from arkitektur.catalogue import shipped
from arkitektur.namespaces import SH
from arkitektur.shacl_graph import ShapesIndex, Terms


def _graphs():
    g = Graph()
    g.parse(data="""@prefix ex: <https://example.org/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
        ex:S a sh:NodeShape ; sh:in ( ex:a "b" 3 ) ; sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] ;
           sh:deactivated false ; sh:targetNode ex:a , "lit" , ex:b .
        ex:T a sh:NodeShape ; sh:property [ sh:path ex:p ] .""", format="turtle")
    return [g, shipped().graph]


@pytest.mark.parametrize("graph", _graphs(), ids=["small", "shipped"])
def test_the_index_answers_every_question_as_rdflib(graph):
    index = ShapesIndex(graph)
    assert len(index) == len(graph)
    subjects = set(graph.subjects())
    predicates = set(graph.predicates())
    objects = set(graph.objects())
    for s in subjects:
        # (as sets: rdflib's order follows its own indexes; the compiler sorts, or the order only
        # changes how a query is written – an RDF list's order, which matters, is compared below)
        assert sorted(index.predicate_objects(s)) == sorted(graph.predicate_objects(s))
        assert set(index.predicates(s, None)) == set(graph.predicates(s, None))
        for p in set(graph.predicates(s, None)):
            assert sorted(index.objects(s, p)) == sorted(graph.objects(s, p))
            assert len(list(index.objects(s, p))) == len(set(graph.objects(s, p)))
            if len(set(graph.objects(s, p))) == 1:
                assert index.value(s, p) == graph.value(s, p)
            assert ((s, p, None) in index) and (s, p, next(graph.objects(s, p))) in index
        if (s, RDF.first, None) in graph:
            assert index.items(s) == list(graph.items(s))
    for p in predicates:
        assert set(index.subjects(p, None)) == set(graph.subjects(p, None))
        for o in set(graph.objects(None, p)):
            assert sorted(index.subjects(p, o)) == sorted(graph.subjects(p, o))
    for o in list(objects)[:200]:
        assert set(index.subjects(None, o)) == set(graph.subjects(None, o))
    absent = (BNode(), SH.minCount, Literal(1))
    assert absent not in index and index.value(absent[0], SH.minCount) is None and index.items(RDF.nil) == []
    assert set(index.triples((None, None, None))) == set(graph)


def test_the_index_refuses_a_cyclic_list_as_rdflib_does():
    g = Graph()
    a, b = BNode(), BNode()
    g.add((a, RDF.first, URIRef("https://example.org/x")))
    g.add((a, RDF.rest, b))
    g.add((b, RDF.rest, a))
    with pytest.raises(ValueError):
        list(g.items(a))
    with pytest.raises(ValueError):
        ShapesIndex(g).items(a)


def test_terms_are_the_namespaces_terms():
    sh = Terms(SH)
    assert sh.minCount == SH.minCount and sh["not"] == SH["not"] and str(sh) == str(SH)
    assert "minCount" in vars(sh)  # looked up once, then a plain attribute
    rdf = Terms(RDF)
    assert rdf.type == RDF.type and rdf.first == RDF.first
