"""GEV-4, forfaldne gevinster / overdue benefits (issue 14 item 4, docs/modelsprog.md and docs/regler/GEV-4.md): the last
day of ark:realiseres, computed once in derive, judged the same by both engines and on the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from arkitektur.check import run_check
from arkitektur.derive import derive, realisation_last_day
from arkitektur.namespaces import AFL, ARK, XSD

from hostile import assert_no_traceback, run, snapshot

EX = "https://example.org/"

YEAR, DATE = XSD.gYear, XSD.date


@pytest.mark.parametrize("value, expected", [
    (Literal("2015", datatype=YEAR), dt.date(2015, 12, 31)),
    (Literal("2015Z", datatype=YEAR), dt.date(2015, 12, 31)),                  # a gYear may carry a zone
    (Literal("2016-03-31", datatype=DATE), dt.date(2016, 3, 31)),
    (Literal("2016-2017"), dt.date(2017, 12, 31)),                             # the LAST year of a range
    (Literal("2014–2015", lang="da"), dt.date(2015, 12, 31)),                  # en dash, language tag
    (Literal("Q3 2016"), dt.date(2016, 12, 31)),
    (Literal("2016-03-31"), dt.date(2016, 12, 31)),                            # a plain string is text
    (Literal("fra første projekt"), None),                                     # no year: not evaluated
    (Literal("fra første udbud", lang="da"), None),
    (Literal("inden 12345"), None),                                            # not a four-digit year
    (Literal("2015x", datatype=YEAR), None),                                   # ill-typed: MOD-4's
    (Literal("2016-13-45", datatype=DATE), None),
    (Literal("0000", datatype=YEAR), None),
    (URIRef(EX + "aar-2015"), None),
])
def test_last_day_of_realiseres(value, expected):
    assert realisation_last_day(value) == expected


def test_derive_states_the_last_day_once_per_benefit_and_the_latest_of_several():
    g = Graph()
    a, b, c = (URIRef(EX + n) for n in ("a", "b", "c"))
    g.add((a, ARK.realiseres, Literal("2015", datatype=YEAR)))
    g.add((b, ARK.realiseres, Literal("2015", datatype=YEAR)))
    g.add((b, ARK.realiseres, Literal("2016-2017")))
    g.add((c, ARK.realiseres, Literal("fra første projekt")))
    facts = derive(g, dt.date(2016, 6, 1))
    assert facts.realisation_due == {a: dt.date(2015, 12, 31), b: dt.date(2017, 12, 31)}
    assert sorted(facts.graph.triples((None, AFL.realiseresSenest, None))) == sorted([
        (a, AFL.realiseresSenest, Literal("2015-12-31", datatype=DATE)),
        (b, AFL.realiseresSenest, Literal("2017-12-31", datatype=DATE)),
    ])


_MODEL = """\
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:maal a ark:Maal ; rdfs:label "Mål"@da .
{benefits}
"""


def _benefit(name: str, realiseres: str, *extra: str) -> str:
    props = [f'rdfs:label "{name}"@da', "ark:gevinsttype ark:Strategisk", 'ark:modtager "Alle"',
             f"ark:realiseres {realiseres}", "ark:bidragerTil ex:maal", *extra]
    return f"ex:{name} a ark:Gevinst ;\n    " + " ;\n    ".join(props) + " .\n"


def _gev4(tmp_path: Path, as_of: dt.date, *benefits: str, engine: str) -> dict:
    path = tmp_path / "gevinster.ttl"
    path.write_text(_MODEL.format(benefits="\n".join(benefits)), encoding="utf-8")
    result = run_check([path], as_of=as_of, engine=engine, select="GEV-4")
    return {f.focus[len(EX):]: f.to_json() for f in result.findings}


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_the_last_day_itself_is_in_time_the_day_after_is_overdue(tmp_path, engine):
    benefits = (_benefit("aar", '"2015"^^xsd:gYear'), _benefit("dato", '"2016-06-01"^^xsd:date'),
                _benefit("periode", '"2015-2016"'))
    assert _gev4(tmp_path, dt.date(2015, 12, 31), *benefits, engine=engine) == {}
    assert set(_gev4(tmp_path, dt.date(2016, 1, 1), *benefits, engine=engine)) == {"aar"}
    assert set(_gev4(tmp_path, dt.date(2016, 6, 1), *benefits, engine=engine)) == {"aar"}
    assert set(_gev4(tmp_path, dt.date(2016, 6, 2), *benefits, engine=engine)) == {"aar", "dato"}
    assert set(_gev4(tmp_path, dt.date(2017, 1, 1), *benefits, engine=engine)) == {"aar", "dato", "periode"}


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_status_decides_and_the_finding_names_the_last_day(tmp_path, engine):
    got = _gev4(
        tmp_path, dt.date(2016, 6, 1),
        _benefit("ingen", '"2015"^^xsd:gYear'),
        _benefit("ikke", '"2015"^^xsd:gYear', "ark:realiseringsstatus ark:IkkeRealiseret"),
        _benefit("undervejs", '"2014-2015"', "ark:realiseringsstatus ark:Undervejs"),
        _benefit("realiseret", '"2015"^^xsd:gYear', "ark:realiseringsstatus ark:Realiseret",
                 'ark:realiseretDato "2015-11-12"^^xsd:date', 'ark:realiseringsnote "Målt"@da'),
        _benefit("opgivet", '"2015"^^xsd:gYear', "ark:realiseringsstatus ark:Opgivet",
                 'ark:realiseretDato "2016-01-26"^^xsd:date', 'ark:realiseringsnote "Opgivet"@da'),
        _benefit("begivenhed", '"fra første projekt"'),
        _benefit("flere", '"2015"^^xsd:gYear , "2016-2017"'),  # the latest last day counts
        engine=engine,
    )
    assert set(got) == {"ingen", "ikke", "undervejs"}
    f = got["ingen"]
    assert (f["severity"], f["path"], f["value"]) == ("warning", str(ARK.realiseres), "2015-12-31")
    assert "2015-12-31" in f["message"]


def test_mod4_knows_the_new_terms(tmp_path):
    path = tmp_path / "gevinster.ttl"
    path.write_text(_MODEL.format(benefits=_benefit(
        "forkert", '"2015"^^xsd:gYear', "ark:realiseringsstatus ark:Faerdig",
        'ark:realiseretDato "2015-11"', "ark:realiseringsnote 5")), encoding="utf-8")
    result = run_check([path], as_of=dt.date(2016, 6, 1), select="MOD-1,MOD-4")
    got = {(f.rule, f.path) for f in result.findings}
    assert got == {("MOD-4", str(ARK.realiseringsstatus)), ("MOD-4", str(ARK.realiseretDato)),
                   ("MOD-4", str(ARK.realiseringsnote))}


@pytest.mark.slow
def test_cli_reports_overdue_benefits_as_warnings_and_writes_nothing(tmp_path):
    """A real run: warnings exit 0 by default and 1 with --fail-on warning; no traceback, no file touched."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "gevinster.ttl").write_text(_MODEL.format(benefits=_benefit("ingen", '"2015"^^xsd:gYear')),
                                        encoding="utf-8")
    before = snapshot(repo)
    r = run("check", str(repo), "--as-of", "2016-06-01", "--format", "json")
    assert r.code == 0, r
    assert_no_traceback(r)
    findings = [f for f in json.loads(r.out)["findings"] if f["rule"] == "GEV-4"]
    assert [(f["focus"], f["value"]) for f in findings] == [(EX + "ingen", "2015-12-31")]
    r = run("check", str(repo), "--as-of", "2016-06-01", "--fail-on", "warning", "--select", "GEV-4")
    assert r.code == 1, r
    assert_no_traceback(r)
    assert "GEV-4" in r.out and "2015-12-31" in r.out
    assert snapshot(repo) == before


def test_named_query_lists_what_gev4_finds_oldest_first():
    """``arkitektur query gevinster-forfaldne`` and GEV-4 name the same benefits (one condition)."""
    from arkitektur import query as query_mod
    from arkitektur.check import prepare
    from arkitektur.resources import examples_dir

    bad = examples_dir() / "GEV-4" / "bad.ttl"
    as_of = dt.date(2016, 6, 1)
    result = query_mod.run(prepare([bad], as_of).graph, query_mod.find("gevinster-forfaldne"))
    rows = [dict(zip(result.variables, (None if t is None else str(t) for t in row))) for row in result.rows]
    expected = {f.focus for f in run_check([bad], as_of=as_of, select="GEV-4").findings}
    assert {r["gevinst"] for r in rows} == expected and len(rows) == len(expected) == 4
    assert [r["forfaldt"] for r in rows] == sorted(r["forfaldt"] for r in rows)
    first = next(r for r in rows if r["gevinst"] == EX + "gevinst-repraesentation")
    assert (first["modtager"], first["realiseres"], first["forfaldt"], first["status"]) == (
        "Alle", "2015", "2015-12-31", "Ikke realiseret (ingen status)")
    assert first["projekt"] == "Fælles digitaliseringsenhed og styringsmodel"
