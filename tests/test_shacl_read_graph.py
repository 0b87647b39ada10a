"""``shacl_validate.read_graph`` keeps what the default engine needs to skip converting the data
back (issue 17 item 5, docs/ydelse.md): pyoxigraph's own quads and the triples as a list – dropped
as soon as the graph changes, so a changed graph is never validated by its stale copy."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from arkitektur import loader, shacl_validate
from arkitektur.engine_oxigraph import _quads

EX = "https://example.org/"
TEXT = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:datatype <http://www.w3.org/2001/XMLSchema#integer> ] .
ex:a a ex:C ; ex:p "01"^^<http://www.w3.org/2001/XMLSchema#integer>, "x"@DA .
ex:b a ex:C ; ex:q [ ex:p ex:a ] .
"""


def _read(tmp_path) -> Graph:
    path = tmp_path / "data.ttl"
    path.write_text(TEXT, encoding="utf-8")
    g, notes = shacl_validate.read_graph([path])
    assert notes == []
    return g


def test_the_graph_keeps_its_quads_and_triples(tmp_path):
    g = _read(tmp_path)
    assert sorted(g.read_triples) == sorted(g)
    same, converted = ox.Store(), ox.Store()
    same.extend(g.ox_quads)
    converted.extend(_quads(list(g)))
    assert set(same) == set(converted)  # blank nodes, canonical literals and language tags alike


def test_a_change_drops_them_and_the_results_follow_the_graph(tmp_path):
    g = _read(tmp_path)
    shapes = _read(tmp_path)
    before = {(str(r.focus), str(r.component)) for r in shacl_validate.validate(g, shapes).results}
    assert before == {(f"{EX}a", "http://www.w3.org/ns/shacl#DatatypeConstraintComponent"),
                      (f"{EX}b", "http://www.w3.org/ns/shacl#MinCountConstraintComponent")}
    g.add((URIRef(EX + "b"), URIRef(EX + "p"), Literal(2)))
    g.remove((URIRef(EX + "a"), URIRef(EX + "p"), Literal("x", lang="da")))
    assert g.ox_quads is None and g.read_triples is None
    after = {(str(r.focus), str(r.component)) for r in shacl_validate.validate(g, shapes).results}
    assert after == set()


def test_a_file_shares_its_equal_terms(tmp_path):
    """Equal terms of one file are one object: rdflib then compares them by identity, not by its
    Python ``__eq__`` (the shapes index and the engine look terms up tens of thousands of times)."""
    path = tmp_path / "data.ttl"
    path.write_text(TEXT, encoding="utf-8")
    triples = loader.parse_file(path).triples
    predicates = [p for _, p, _ in triples if p == URIRef(EX + "p")]
    assert len(predicates) == 3 and all(p is predicates[0] for p in predicates)
    subjects = [s for s, _, _ in triples if s == URIRef(EX + "a")]
    assert len(subjects) == 3 and all(s is subjects[0] for s in subjects)


def test_blank_node_labels_stay_apart_between_files_and_as_written_in_the_first(tmp_path):
    from rdflib import BNode

    for name in ("a", "b"):
        (tmp_path / f"{name}.ttl").write_text(f"<https://example.org/{name}> <https://example.org/p> _:b1 .\n"
                                              "_:b1 <https://example.org/q> 1 .\n", encoding="utf-8")
    g, _ = shacl_validate.read_graph([tmp_path / "a.ttl", tmp_path / "b.ttl"])
    a = g.value(URIRef("https://example.org/a"), URIRef("https://example.org/p"))
    b = g.value(URIRef("https://example.org/b"), URIRef("https://example.org/p"))
    assert a == BNode("b1") and isinstance(b, BNode) and b != a
    assert len(g) == 4 and len(g.ox_quads) == 4
    assert {q.object.value for q in g.ox_quads if q.predicate.value.endswith("/p")} == {"b1", str(b)}
