"""Fund peger på det fejlagtige term / findings point at the offending term (issue 16 item 1, docs/fund.md)."""

from __future__ import annotations

import json

import pytest

from arkitektur.locator import Locator

from hostile import assert_no_traceback, copy_models, edit, plant_typos, run, snapshot

ARK = "https://w3id.org/arkitektur/ontologi#"
EX = "https://example.org/"

TEXT = '''@prefix ex: <https://example.org/> .
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:a a ark:Sytem ;
    ark:navn """to
linjer""" , "x\\"y"@da ;
    ark:del [ ark:via ex:inde ] , ( ex:l1 ex:l2 ) ;
    ark:slut "2013-12-31"^^xsd:date ; ark:tal 42 ;
    ark:stavfejl ex:b .
ex:b ark:via ex:c . ex:d ark:via   ex:e .
'''


def at(w) -> tuple:
    return (w.file, w.line, w.column)


def _loc() -> Locator:
    loc = Locator()
    loc.add_file("f.ttl", TEXT)
    return loc


def test_the_offending_term_in_a_block():
    loc = _loc()
    # an unknown property (MOD-1: value is the property): the predicate token
    assert at(loc.position(EX + "a", ARK + "stavfejl", ARK + "stavfejl")) == ("f.ttl", 10, 5)
    # an unknown class (MOD-1 via rdf:type): the class token after "a"
    w = loc.position(EX + "a", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ARK + "Sytem")
    assert (w.line, w.column, w.end_line, w.end_column, w.text) == (5, 8, 5, 17, "ark:Sytem")
    # a reference (MOD-2): the object token, after nested blank nodes and collections
    assert at(loc.position(EX + "a", ARK + "stavfejl", EX + "b"))[1:] == (10, 18)
    # literals: the value as written, a typed one up to the end of its datatype
    w = loc.position(EX + "a", ARK + "slut", "2013-12-31")
    assert (w.line, w.column, w.end_column) == (9, 14, 36)
    assert at(loc.position(EX + "a", ARK + "tal", "42"))[1:] == (9, 47)
    assert at(loc.position(EX + "a", ARK + "navn", 'x"y'))[1:] == (7, 13)
    w = loc.position(EX + "a", ARK + "navn", "to\nlinjer")
    assert (w.line, w.column, w.end_line, w.end_column) == (6, 14, 7, 10)


def test_without_such_a_triple_the_subject():
    loc = _loc()
    assert at(loc.position(EX + "a")) == ("f.ttl", 5, 1)
    assert at(loc.position(EX + "a", ARK + "navn", "andet")) == ("f.ttl", 5, 1)
    assert at(loc.position(EX + "a", ARK + "mangler")) == ("f.ttl", 5, 1)
    # a second statement on the same line: its own subject and object
    assert at(loc.position(EX + "d"))[1:] == (11, 21)
    assert at(loc.position(EX + "d", ARK + "via", EX + "e"))[1:] == (11, 36)
    # only mentioned, never a subject: the first mention
    assert at(loc.position(EX + "e"))[1:] == (11, 36)
    assert at(loc.position(EX + "nowhere")) == (None, None, None)


@pytest.mark.slow
def test_check_points_at_the_typo_in_every_format(tmp_path):
    """The two typos of issue 16: line and column of the term itself, in JSON, text, SARIF, GitHub."""
    models = copy_models(tmp_path)
    plant_typos(models)
    before = snapshot(models)
    r = run("check", models, "--format", "json", "--as-of", "2016-06-01")
    assert r.code == 1
    assert_no_traceback(r)
    findings = json.loads(r.out)["findings"]
    assert all(list(f)[list(f).index("line") + 1] == "column" for f in findings)

    def one(rule, value):
        hits = [f for f in findings if f["rule"] == rule and f["value"] == value]
        assert len(hits) == 1, hits
        return hits[0]

    sys = one("MOD-1", ARK + "systemansvarig")
    assert (sys["file"].endswith("silkeborg/systemanvendelser.ttl"), sys["line"], sys["column"]) == (True, 43, 5)
    via = one("MOD-2", ARK + "Serviceplatform")
    assert (via["file"].endswith("silkeborg/integrationer.ttl"), via["line"], via["column"]) == (True, 95, 13)
    cls = one("MOD-1", ARK + "Systemanvendlse")
    assert (cls["line"], cls["column"]) == (35, 7)
    # a finding without a written triple: the subject's first character
    sty = [f for f in findings if f["rule"] == "STY-1"][0]
    assert sty["column"] == 1

    text = run("check", models, "--as-of", "2016-06-01", "--select", "MOD-1,MOD-2")
    assert "silkeborg/systemanvendelser.ttl:43:5: " in text.out
    assert "silkeborg/integrationer.ttl:95:13: " in text.out
    gh = run("check", models, "--as-of", "2016-06-01", "--select", "MOD-2", "--format", "github")
    assert ",line=95,col=13," in gh.out
    sarif = json.loads(run("check", models, "--as-of", "2016-06-01", "--select", "MOD-2",
                           "--format", "sarif").out)
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 95 and region["startColumn"] == 13
    assert snapshot(models) == before
