"""docs/modelsprog.md's term list is generated from the ontology and the shapes and must not drift.

Regenerate after changing the ontology or a rule's required properties:
``ARKITEKTUR_GOLDEN=1 pytest tests/test_modelsprog.py``.
"""

import os
from pathlib import Path

from arkitektur import modeldocs, resources

DOC = Path(__file__).resolve().parents[1] / "docs" / "modelsprog.md"


def test_modelsprog_is_current():
    current = DOC.read_text(encoding="utf-8")
    text = modeldocs.page(current)
    if os.environ.get("ARKITEKTUR_GOLDEN"):
        DOC.write_text(text, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == text, "kør: ARKITEKTUR_GOLDEN=1 pytest tests/test_modelsprog.py"


def test_every_ark_class_and_property_is_on_the_page():
    from rdflib import Graph

    from arkitektur.namespaces import ARK, OWL, RDF

    g = Graph()
    for path in resources.ontology_dir().glob("*.ttl"):
        g.parse(path, format="turtle")
    text = DOC.read_text(encoding="utf-8")
    terms = {s for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
             for s in g.subjects(RDF.type, t) if str(s).startswith(str(ARK))}
    assert len(terms) > 50
    missing = [t for t in terms if f"`ark:{t[len(ARK):]}`" not in text]
    assert not missing


def test_required_properties_come_from_the_shapes():
    text = DOC.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `ark:gevinsttype`"))
    assert "[GEV-2](regler/GEV-2.md)" in row
