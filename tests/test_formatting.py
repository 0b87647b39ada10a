"""One formatter (issue 14): shares, dates and names look the same in divergence, diff and the pack."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Graph, Literal, URIRef

from arkitektur import formatting, words
from arkitektur.namespaces import ARK, PREFIXES, RDFS, SKOS, curie, prefixes_in

from hostile import assert_no_traceback, copy_models, run


@pytest.mark.parametrize("share, da, en", [
    (0.625, "62,5 %", "62.5%"), (0.3333, "33,3 %", "33.3%"), (0.5, "50 %", "50%"), (1.0, "100 %", "100%"),
    (0.0, "0 %", "0%"), (0.6667, "66,7 %", "66.7%"), (0.99996, "100 %", "100%"), (None, "–", "–"),
])
def test_percent(share, da, en):
    assert formatting.percent(share, "da") == da
    assert formatting.percent(share, "en") == en


def test_date_label_and_dispensation():
    assert formatting.date(dt.date(2017, 12, 31)) == "2017-12-31" and formatting.date(None) == "–"
    g = Graph()
    x = URIRef("https://example.org/a#SilkeborgLoen")
    assert formatting.label(g, x) == "SilkeborgLoen"          # never the whole IRI
    g.add((x, RDFS.label, Literal("Silkeborg Løn", lang="da")))
    g.add((x, RDFS.label, Literal("Silkeborg Payroll", lang="en")))
    assert (formatting.label(g, x), formatting.label(g, x, "en")) == ("Silkeborg Løn", "Silkeborg Payroll")
    assert formatting.dispensation(dt.date(2017, 12, 31)) == "dispensation til 2017-12-31"
    assert formatting.dispensation(dt.date(2017, 12, 31), "en") == "dispensation until 2017-12-31"
    assert formatting.iso(dt.date(2017, 12, 31)) == "2017-12-31" and formatting.iso(None) is None


def test_one_rule_picks_the_label_whatever_the_order():
    pick = formatting.pick
    assert pick([("en", "Payroll"), ("da", "Løn")], "en") == "Payroll"
    assert pick([("en", "Payroll"), ("da", "Løn")], "de") == "Løn"            # else Danish
    assert pick([("de", "Lohn"), ("en", "Payroll")], "da") == "Payroll"      # else English
    assert pick([("de", "Lohn"), (None, "Løn")], "da") == "Løn"              # else untagged first
    assert pick([("fr", "b"), ("de", "a")]) == pick([("de", "a"), ("fr", "b")]) == "a"
    assert pick([]) is None
    g, x = Graph(), URIRef("https://example.org/a/")
    assert formatting.label(g, x) == "a" and formatting.tail(URIRef("urn:x")) == "urn:x"
    g.add((x, SKOS.prefLabel, Literal("Fra SKOS", lang="da")))
    assert formatting.label(g, x) == "Fra SKOS"                             # rdfs:label first, then skos:prefLabel
    g.add((x, RDFS.label, Literal("Fra RDFS")))
    assert formatting.label(g, x) == "Fra RDFS"


def test_one_curie_function_and_prefix_table():
    assert curie(str(ARK.IDrift)) == "ark:IDrift" and curie(str(ARK)) == "ark:"
    assert curie("https://w3id.org/arkitektur/ontologi#a/b") is None          # not a plain local name
    assert curie("https://example.org/x") is None
    table = {"ex": "https://example.org/", "exa": "https://example.org/a/", "ex2": "https://example.org/"}
    assert curie("https://example.org/a/Økonomi", table) == "exa:Økonomi"   # longest namespace, Unicode local
    assert curie("https://example.org/b", table) == "ex:b"                   # the first prefix of a namespace
    assert set(PREFIXES) >= {"ark", "afl", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms"}
    text = "@prefix ex: <https://example.org/> .\nPREFIX ex: <https://other.org/>\n@prefix : <urn:x#> .\n"
    assert prefixes_in(text) == {"ex": "https://example.org/", "": "urn:x#"}


def test_every_output_has_both_languages_with_the_same_words():
    for name in ("CHECK_TEXT", "CHECK_MARKDOWN", "DIVERGENCE", "ROADMAP", "DIFF"):
        table = getattr(words, name)
        assert set(table) == {"da", "en"} and set(table["da"]) == set(table["en"]), name
        assert words.words(table, "en") is table["en"] and words.words(table, "de") is table["da"]
    assert words.status("planlagt", "en") == "planned" and words.status("planlagt", "da") == "planlagt"


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
def test_example_divergence_and_pack_write_the_same_share(tmp_path):
    models = copy_models(tmp_path)
    r = run("divergence", str(models))
    assert_no_traceback(r)
    assert r.code == 0 and "Samlet 62,5 % 15 af 24" in _words(r.out)
    r = run("divergence", str(models), "--lang", "en")
    assert r.code == 0 and "Overall 62.5% 15 of 24" in _words(r.out)
    r = run("report", str(models), "-o", str(tmp_path / "pakke"))
    assert_no_traceback(r)
    assert r.code == 0 and "62,5 %" in (tmp_path / "pakke" / "index.html").read_text(encoding="utf-8")
