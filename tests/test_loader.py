"""loader: model files read into one graph – each file's blank nodes its own."""

from __future__ import annotations

from arkitektur import loader


def test_blank_node_labels_are_scoped_to_their_model_file(tmp_path):
    """Two model files that both write ``_:b1`` describe two nodes (RDF 1.1 Concepts §3.4), in the
    rdflib path (reference engine, export, …) as in the store path."""
    from rdflib import BNode, URIRef

    for name in ("a", "b"):
        (tmp_path / f"{name}.ttl").write_text(
            f"<https://example.org/{name}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> _:b1 .\n"
            f'_:b1 <http://www.w3.org/2000/01/rdf-schema#label> "{name}" .\n', encoding="utf-8")
    repo = loader.load([tmp_path])
    see = URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso")
    a = repo.model.value(URIRef("https://example.org/a"), see)
    b = repo.model.value(URIRef("https://example.org/b"), see)
    assert isinstance(a, BNode) and isinstance(b, BNode) and a != b
    labels = {str(repo.model.value(n, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))) for n in (a, b)}
    assert labels == {"a", "b"}
    store = loader.load_store([tmp_path])
    assert len(list(store.model.objects(None, see))) == 2
