"""Meta-tests that keep the rule catalogue honest (STYLE.md, conventions 2 and 3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from arkitektur import loader, ruledocs
from arkitektur.catalogue import shipped
from arkitektur.derive import AFL_TERMS, derive
from arkitektur.namespaces import AFL, ARK, OWL, RDF, SH

CATALOGUE = shipped()
RULES = CATALOGUE.ordered()
DOCS = Path(__file__).resolve().parents[1] / "docs" / "regler"

# docs/regler/README.md: the default rule set is exactly this table (the product contract).
SPEC_RULES = [
    "MOD-1", "MOD-2", "MOD-3", "MOD-4", "STY-1", "STY-2", "STY-3", "GEV-1", "GEV-2", "GEV-3",
    "GEV-4", "SMA-1", "SMA-2", "SMA-3", "HEL-1", "HEL-2", "HEL-3", "HEL-4", "FDA-2.1", "FDA-3.1", "FDA-4.1",
    "FDA-6.1", "FDA-7.1", "KON-1", "KON-2", "KON-3", "DISP-1", "DISP-2", "DISP-3",
]
SPEC_SEVERITY = {"GEV-3": "W", "GEV-4": "W", "SMA-1": "W", "SMA-2": "W", "SMA-3": "W", "HEL-2": "V/W", "HEL-4": "W",
                 "FDA-4.1": "W", "FDA-7.1": "W", "KON-1": "W", "KON-3": "W", "DISP-3": "I"}


def test_catalogue_is_exactly_the_spec_table():
    assert [r.id for r in RULES] == SPEC_RULES


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_metadata_is_complete(rule):
    assert rule.severity_code == SPEC_SEVERITY.get(rule.id, "V")
    for attr in ("title", "message", "principle", "problem", "solution"):
        texts = getattr(rule, attr)
        assert texts.get("da") and texts.get("en"), f"{rule.id}: {attr} mangler på dansk eller engelsk"
    assert rule.source and rule.source.startswith("http")
    assert rule.bad_example() is not None and rule.good_example() is not None


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_shape_of_a_rule_has_severity_and_bilingual_message(rule):
    g = CATALOGUE.graph
    for shape in rule.shapes:
        assert g.value(shape, SH.severity) is not None, f"{shape}: mangler sh:severity"
        langs = {m.language for m in g.objects(shape, SH.message) if isinstance(m, Literal)}
        if langs != {"da", "en"}:  # a node shape may leave the texts to its property shapes
            for prop in g.objects(shape, SH.property):
                plangs = {m.language for m in g.objects(prop, SH.message) if isinstance(m, Literal)}
                assert plangs == {"da", "en"}, f"{shape}: sh:message mangler på dansk eller engelsk"


def _defined_terms() -> set:
    g = loader.ontology_graph()
    return {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef)}


def test_shapes_use_only_terms_the_ontology_defines():
    defined = _defined_terms()
    used = {t for triple in CATALOGUE.graph for t in triple
            if isinstance(t, URIRef) and str(t).startswith(str(ARK))}
    assert sorted(used - defined) == []


def test_shapes_use_only_derived_terms_that_derive_produces():
    text = " ".join(str(o) for o in CATALOGUE.graph.objects(None, SH.select))
    used = {t for triple in CATALOGUE.graph for t in triple if isinstance(t, URIRef) and str(t).startswith(str(AFL))}
    import re
    used |= {AFL[m] for m in re.findall(r"afl:([A-Za-z0-9]+)", text)}
    assert sorted(used - AFL_TERMS) == []


def test_derive_produces_only_documented_terms():
    facts = derive(loader.ontology_graph(), dt.date(2016, 6, 1))
    produced = {t for triple in facts.graph for t in triple if isinstance(t, URIRef) and str(t).startswith(str(AFL))}
    assert produced <= AFL_TERMS


def test_mod4_datatype_shapes_cover_every_datatype_property():
    onto = loader.ontology_graph()
    datatype_props = {p for p in onto.subjects(RDF.type, OWL.DatatypeProperty) if str(p).startswith(str(ARK))}
    covered = set(CATALOGUE.graph.objects(None, SH.targetSubjectsOf))
    free_text = {ARK.begrundelse, ARK.forudsaetning}  # plain or language-tagged text: any string form is right
    assert sorted(datatype_props - covered - free_text) == []


def test_rule_pages_in_docs_are_generated_from_the_shapes():
    """CI fails when docs/regler drifts from the shapes: run `arkitektur rules --docs docs/regler`."""
    expected = ruledocs.pages(CATALOGUE)
    present = {p.name for p in DOCS.glob("*.md")}
    assert present == set(expected), "kør: arkitektur rules --docs docs/regler"
    for name, text in expected.items():
        assert (DOCS / name).read_text(encoding="utf-8") == text, f"docs/regler/{name} er forældet"
