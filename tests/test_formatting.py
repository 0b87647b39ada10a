"""One formatter (issue 14): shares, dates and names look the same in divergence, diff and the pack."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Graph, Literal, URIRef

from arkitektur import formatting, tables
from arkitektur.namespaces import RDFS

from hostile import assert_no_traceback, copy_models, run


@pytest.mark.parametrize("share, da, en", [
    (0.625, "62,5 %", "62.5%"), (0.3333, "33,3 %", "33.3%"), (0.5, "50 %", "50%"), (1.0, "100 %", "100%"),
    (0.0, "0 %", "0%"), (0.6667, "66,7 %", "66.7%"), (0.99996, "100 %", "100%"), (None, "–", "–"),
])
def test_percent(share, da, en):
    assert formatting.percent(share, "da") == da
    assert formatting.percent(share, "en") == en
    assert tables.percent(share) == da   # the old entry point writes the same


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
