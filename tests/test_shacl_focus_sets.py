"""A shape with several targets (issue 17 item 5): the default engine finds its focus nodes once
(``shacl_compile.FocusSet``) instead of planning the targets' UNION in every constraint's query –
with exactly the results of the targets written inline, and nothing left in the store afterwards."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from arkitektur import engine_oxigraph, shacl_validate
from arkitektur.namespaces import SH
from arkitektur.shacl_compile import FOCUS_GRAPHS, compile_shapes
from arkitektur.storegraph import StoreGraph

EX = "https://example.org/"

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:Flere a sh:NodeShape ;
    sh:targetClass ex:System ;
    sh:targetNode ex:loes, "42"^^xsd:integer ;
    sh:targetSubjectsOf ex:ejer ;
    sh:nodeKind sh:IRI ;
    sh:property ex:FlereNavn ;
    sh:sparql [ sh:select \"\"\"SELECT $this WHERE { GRAPH ?g { ?s ?p ?o } }\"\"\" ] .

ex:En a sh:NodeShape ;
    sh:targetClass ex:System ;
    sh:property ex:EnNavn .

ex:FlereNavn sh:path ex:navn ; sh:minCount 1 .
ex:EnNavn sh:path ex:navn ; sh:maxCount 1 .
"""

DATA = """
@prefix ex: <https://example.org/> .
ex:a a ex:System ; ex:navn "A", "A2" .
ex:b a ex:System .
_:c ex:ejer ex:a .
"""


def _graph(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def _results(results) -> set:
    return {(str(r.shape).removeprefix(EX), r.focus if isinstance(r.focus, (BNode, Literal)) else str(r.focus),
             str(r.component).rsplit("#", 1)[-1]) for r in results}


def test_several_targets_are_found_once_and_read_by_the_core_queries():
    plan = compile_shapes(_graph(SHAPES))
    assert len(plan.focus_sets) == 1  # ex:Flere; ex:En has one target and keeps it inline
    focus_set = plan.focus_sets[0]
    assert focus_set.graph == FOCUS_GRAPHS + "0"
    assert focus_set.update.count(" UNION ") == 3  # four targets, in the update only
    reading = [q for q in plan.queries if q.focus_set is focus_set]
    assert {q.component for q in reading} == {SH.NodeKindConstraintComponent, SH.MinCountConstraintComponent}
    assert all(" UNION " not in q.text and f"GRAPH <{focus_set.graph}>" in q.text for q in reading)
    # The SHACL-SPARQL constraint keeps the targets inline: the focus graph must stay invisible to it.
    (sparql,) = [q for q in plan.queries if q.kind == "sparql"]
    assert sparql.focus_set is None and sparql.text.count(" UNION ") == 3
    assert all(q.focus_set is None for q in plan.queries if str(q.shape) in (EX + "En", EX + "EnNavn"))


def test_results_are_those_of_the_targets_themselves():
    data = _graph(DATA)
    results = shacl_validate.validate(data, _graph(SHAPES)).results
    blank = next(r.focus for r in results if isinstance(r.focus, BNode))
    assert _results(results) == {
        ("Flere", blank, "NodeKindConstraintComponent"),   # _:c, subject of ex:ejer
        ("Flere", Literal("42", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")),
         "NodeKindConstraintComponent"),
        ("FlereNavn", "https://example.org/b", "MinCountConstraintComponent"),
        ("FlereNavn", "https://example.org/loes", "MinCountConstraintComponent"),
        ("FlereNavn", blank, "MinCountConstraintComponent"),
        ("FlereNavn", Literal("42", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")),
         "MinCountConstraintComponent"),
        ("EnNavn", "https://example.org/a", "MaxCountConstraintComponent"),
    }
    # pySHACL, which knows no focus sets, agrees (rdflib runs no GRAPH on a plain graph: left out).
    without_graph = "\n".join(line for line in SHAPES.splitlines() if "GRAPH ?g" not in line)
    without_graph = without_graph.replace("sh:property ex:FlereNavn ;", "sh:property ex:FlereNavn .")
    assert _results(shacl_validate.validate(data, _graph(without_graph), "pyshacl").results) == _results(results)


def test_the_focus_graph_is_gone_after_the_validation():
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TURTLE)
    view = StoreGraph(store, lambda requests: [() for _ in requests])
    engine_oxigraph.validate(view, _graph(SHAPES))
    assert list(store.named_graphs()) == []


def test_default_graph_quads_leaves_out_the_engines_named_graphs():
    """``storegraph.default_graph_quads`` (the fast stand-in for ``quads_for_pattern(…, DefaultGraph())``
    that derive and the finding maker read through) answers as the slow call does while the engine's
    marks are in named graphs."""
    from arkitektur.storegraph import default_graph_quads

    store = ox.Store()
    a, p = ox.NamedNode(EX + "a"), ox.NamedNode(EX + "navn")
    store.add(ox.Quad(a, p, ox.Literal("A")))
    store.add(ox.Quad(a, p, ox.Literal("mærke"), ox.NamedNode(FOCUS_GRAPHS + "0")))
    for pattern in [(a, p, None), (a, None, None), (None, None, None), (None, p, ox.Literal("mærke"))]:
        assert list(default_graph_quads(store, *pattern)) == list(store.quads_for_pattern(*pattern, ox.DefaultGraph()))
    assert [q.object.value for q in default_graph_quads(store, a, p, None)] == ["A"]
    view = StoreGraph(store)
    assert list(view.objects(URIRef(EX + "a"), URIRef(EX + "navn"))) == [Literal("A")]


def test_the_lookups_find_what_the_update_finds():
    """A store made from an rdflib graph fills the focus graph by pattern lookups
    (``engine_oxigraph._fill_focus_set``), ``check``'s store by the SPARQL update: the same nodes –
    subclasses through a cycle, blank nodes, literal objects and targets, a class with no triple."""
    shapes = _graph("""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Alle a sh:NodeShape, rdfs:Class ;
    sh:targetClass ex:System, ex:Ingen ;
    sh:targetNode ex:loes, "042"^^xsd:integer ;
    sh:targetSubjectsOf ex:ejer ;
    sh:targetObjectsOf ex:navn ;
    sh:nodeKind sh:IRI ; sh:property [ sh:path ex:navn ; sh:minCount 1 ] .
""")
    data = """
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Fag rdfs:subClassOf ex:System . ex:Smal rdfs:subClassOf ex:Fag . ex:System rdfs:subClassOf ex:Smal .
ex:a a ex:Smal ; ex:navn "A", 7 . _:b a ex:Fag . _:c ex:ejer ex:a . ex:d a ex:Alle . ex:e a ex:Andet .
"""
    plan = compile_shapes(shapes)
    (focus_set,) = plan.focus_sets
    assert [k for k, _ in focus_set.targets] == ["class", "class", "node", "node", "subjects", "objects", "class"]
    quads = list(ox.parse(data.encode(), format=ox.RdfFormat.TURTLE))  # (Store.load renames blank nodes)
    found = []
    for fill in (lambda store: store.update(focus_set.update),
                 lambda store: engine_oxigraph._fill_focus_set(store, focus_set)):
        store = ox.Store()
        store.extend(quads)
        fill(store)
        found.append({q.object for q in store.quads_for_pattern(None, None, None, ox.NamedNode(focus_set.graph))})
    assert found[0] == found[1]
    assert len(found[0]) == 8  # ex:a, _:b, _:c, ex:d, ex:loes, 42, "A", 7
