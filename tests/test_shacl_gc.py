"""The default engine pauses Python's cyclic garbage collector while it validates an rdflib graph
(``arkitektur shacl``; issue 17 item 5, docs/ydelse.md) and restores it afterwards – also when the
shapes are refused."""

from __future__ import annotations

import gc

import pytest
from rdflib import Graph

from arkitektur import engine_oxigraph
from arkitektur.errors import ShapesError

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
"""


def _graph(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def test_paused_while_validating_and_restored():
    seen = []
    data = _graph("@prefix ex: <https://example.org/> . ex:a a ex:C .")
    assert gc.isenabled()
    results = engine_oxigraph.validate(data, _graph(SHAPES), on_results=lambda batch: seen.append(gc.isenabled()))
    assert len(results) == 1 and seen == [False]
    assert gc.isenabled()


def test_restored_after_a_refusal_and_left_off_if_it_was_off():
    refused = _graph(SHAPES.replace("sh:minCount 1", "sh:minCount 9"))  # above what the engine counts
    with pytest.raises(ShapesError):
        engine_oxigraph.validate(_graph(""), refused)
    assert gc.isenabled()
    gc.disable()
    try:
        engine_oxigraph.validate(_graph(""), _graph(SHAPES))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_compiled_plan_does_not_keep_its_shapes_graph_alive():
    """The engine caches a plan per shapes graph, weakly: once the caller lets go of the graph, it
    is freed (the index kept with the plan once pointed back at it and kept every graph alive)."""
    import weakref

    shapes = _graph(SHAPES)
    ref = weakref.ref(shapes)
    engine_oxigraph.validate(_graph("@prefix ex: <https://example.org/> . ex:a a ex:C ."), shapes)
    del shapes
    gc.collect()
    assert ref() is None
