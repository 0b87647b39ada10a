"""SHACL-SPARQL exactness in the default engine (issue 17): forbidden SPARQL is refused before it
runs, and $this is pre-bound by substitution wherever a join with the targets would answer otherwise."""

from __future__ import annotations

import socket

import pytest
from rdflib import Graph

from arkitektur import shacl_validate
from arkitektur.catalogue import shipped
from arkitektur.errors import ShapesError
from arkitektur.shacl_compile import compile_shapes
from arkitektur.shacl_sparql import inspect_sparql

P = "PREFIX ex: <https://example.org/>\n"


@pytest.mark.parametrize("query, construct", [
    ("SELECT $this WHERE { $this ?p ?o MINUS { $this a ex:X } }", "MINUS"),
    ("SELECT $this WHERE { VALUES ?o { 1 } $this ?p ?o }", "VALUES"),
    ("SELECT $this WHERE { $this ?p ?o } VALUES ?o { 1 }", "VALUES"),
    ("SELECT $this WHERE { SERVICE <http://127.0.0.1:9/sparql> { $this ?p ?o } }", "SERVICE"),
    ("SELECT $this WHERE { { SELECT ?x WHERE { ?x ?p ?o } } }", "$this"),
    ("SELECT $this WHERE { { SELECT * WHERE { $this ?p ?o } } }", "SELECT *"),
    ("SELECT $this WHERE { $this ?p ?o BIND(ex:a AS ?this) }", "AS"),
    ("SELECT (ex:a AS ?this) WHERE { ?s ?p ?o }", "AS"),
])
def test_what_shacl_forbids_is_refused(query, construct):
    forbidden, _ = inspect_sparql(P + query)
    assert forbidden is not None and construct in forbidden


@pytest.mark.parametrize("query, substitute", [
    ("SELECT $this WHERE { $this ex:p ?o FILTER(?o > 1) }", False),
    ("SELECT $this WHERE { { $this ex:p ?o } UNION { $this ex:q ?o } FILTER NOT EXISTS { $this ex:r ?o } }", False),
    ("SELECT $this ?v WHERE { { SELECT $this ?v WHERE { $this ex:p ?v } } }", False),
    ("SELECT $this WHERE { { FILTER(false) } UNION { FILTER($this = ex:a) } }", True),
    ("SELECT $this WHERE { { FILTER(bound($this)) } $this ex:p ?o }", True),
    ("SELECT $this WHERE { { SELECT $this WHERE { FILTER($this = ex:a) } } }", True),
    ("SELECT $this WHERE { ?x ex:p ?o . { BIND($this AS ?y) } }", True),
    ("SELECT $this WHERE { $this ex:p ?o } LIMIT 1", True),
])
def test_this_is_substituted_exactly_where_a_join_would_differ(query, substitute):
    assert inspect_sparql(P + query) == (None, substitute)


def test_no_shipped_rule_needs_the_slow_per_focus_path():
    assert [q.shape for q in compile_shapes(shipped().graph).queries if q.focus_query] == []


SERVICE_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:a a ex:Thing .
ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:sparql [ sh:select "SELECT $this WHERE { SERVICE <http://127.0.0.1:9/sparql> { $this ?p ?o } }" ] .
"""


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_a_shape_with_service_never_touches_the_network(engine, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the engine tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    g = Graph().parse(data=SERVICE_SHAPES, format="turtle")
    with pytest.raises(ShapesError):
        shacl_validate.validate(g, g, engine)
