"""Which triples a rule query can read (lsp/footprint.py): the language server reruns a query only
when an edit changed a triple with one of these predicates (issue 16, item 4)."""

from __future__ import annotations

import pytest

from arkitektur.lsp.footprint import EVERYTHING, of_query

P = "PREFIX ex: <http://example.org/> "


def preds(text: str) -> set:
    fp = of_query(P + text)
    assert not fp.everything, text
    return {p.removeprefix("http://example.org/") for p in fp.predicates}


def test_constant_predicates_of_every_pattern_count():
    assert preds("SELECT ?this WHERE { ?this ex:a ?x . OPTIONAL { ?x ex:b ?y } "
                 "FILTER NOT EXISTS { ?this ex:c ?z } MINUS { ?this ex:d ?w } }") == {"a", "b", "c", "d"}


def test_paths_count_every_step():
    assert preds("SELECT ?this WHERE { ?this ex:a/ex:b* ?x . ?x ^ex:c|ex:d+ ?y . ?y (ex:e)? ?z }") == {"a", "b", "c", "d", "e"}


def test_exists_inside_a_filter_expression_counts():
    assert preds("SELECT ?this WHERE { ?this ex:a ?x FILTER(?x > 1 && EXISTS { ?x ex:b/ex:c ?y }) }") == {"a", "b", "c"}


def test_sub_select_and_union_count():
    assert preds("SELECT ?this WHERE { { SELECT ?this WHERE { ?this ex:a ?x } } UNION { ?this ex:b ?y } }") == {"a", "b"}


@pytest.mark.parametrize("text", [
    "SELECT ?this WHERE { ?this ?p ?o }",
    "SELECT ?this WHERE { ?this !(ex:a|ex:b) ?o }",
    "SELECT ?this WHERE { ?this ex:a ?x FILTER NOT EXISTS { ?x ?q ?y } }",
])
def test_any_predicate_means_every_edit(text):
    fp = of_query(P + text)
    assert fp.everything
    assert fp.touched_by({"http://example.org/unrelated"}, False)


def test_named_graphs_are_apart_from_the_data():
    fp = of_query(P + "SELECT ?this ?value WHERE { ?this ex:a ?value "
                      "FILTER NOT EXISTS { GRAPH <urn:g> { <urn:h> ?any ?value } } }")
    assert not fp.everything and fp.graphs
    assert {p.removeprefix("http://example.org/") for p in fp.predicates} == {"a"}
    assert fp.touched_by(set(), True)
    assert not fp.touched_by({"http://example.org/b"}, False)
    assert fp.touched_by({"http://example.org/a"}, False)


@pytest.mark.parametrize("text", [
    "SELECT ?this WHERE { SERVICE <http://example.org/sparql> { ?this ex:a ?x } }",
    "SELECT ?this WHERE { ?this ex:a ?x FILTER(?x < NOW()) }",
    "SELECT ?this WHERE { ?this ex:a ?x FILTER(?x < now # a comment\n ()) }",
    "SELECT ?this WHERE { ?this ex:a ?x FILTER(STRLEN(STRUUID ()) > 0) }",
    "SELECT ?this FROM <urn:arkitektur:ugyldige-literaler> WHERE { ?this ex:a ?x }",
    "SELECT ?this FROM NAMED <urn:g> WHERE { GRAPH ?g { ?this ex:a ?x } }",
    "SELECT ?this WHERE { ?this ex:a ?x BIND(RAND() AS ?r) }",
    "SELECT ?this WHERE { this is not SPARQL }",
])
def test_what_cannot_be_told_reads_everything(text):
    assert of_query(P + text) == EVERYTHING


def test_the_shipped_rules_mostly_have_a_footprint():
    """Only the rules over every property of every model element (MOD-1, MOD-2, the code lists of
    MOD-4) read any predicate; the others name theirs."""
    from arkitektur import catalogue
    from arkitektur.engine_oxigraph import plan_for

    plan = plan_for(catalogue.shipped().graph)
    everything = {str(q.shape).rsplit("#", 1)[-1] for q in plan.queries if of_query(q.text).everything}
    assert everything == {"MOD-1", "MOD-2", "MOD-4-kodeliste"}


def test_an_update_reads_its_where_not_its_template():
    from arkitektur.lsp.footprint import of_update

    fp = of_update(P + "INSERT { GRAPH <urn:g> { <urn:f> <urn:f> ?this } } WHERE { { ?this ex:a ?o } UNION { ?this a ex:C } }")
    assert not fp.everything
    assert fp.predicates == {"http://example.org/a", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"}
    assert of_update(P + "INSERT { ?s ex:b ?o } WHERE { ?s ?p ?o }").everything
    assert of_update("not an update") == EVERYTHING
