"""The rules' wrong answers from issue 13, each checked with both engines and through the real command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from arkitektur.check import ENGINES, run_check
from hostile import PREFIXES, assert_no_traceback, run, snapshot

AS_OF = dt.date(2016, 6, 1)
EX = "https://example.org/"



def _check(tmp_path: Path, text: str, engine: str, name: str = "model.ttl"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return run_check([tmp_path], as_of=AS_OF, engine=engine).findings


def _hits(findings, rule: str) -> set:
    return {(f.focus, f.value) for f in findings if f.rule == rule}


# -- membership belongs to (kommune, samarbejde) ------------------------------------------------

# Skive is in two collaborations: in "nord" from 2017-01-01 (a Medlemskab), in "syd" from the start
# (ark:medlem only). Silkeborg is only in Nord, Viborg only in Syd.
TWO_COLLABORATIONS = PREFIXES + """
ex:silkeborg a ark:Kommune ; rdfs:label "Silkeborg Kommune"@da ; ark:kommunekode "740" .
ex:viborg a ark:Kommune ; rdfs:label "Viborg Kommune"@da ; ark:kommunekode "791" .
ex:skive a ark:Kommune ; rdfs:label "Skive Kommune"@da ; ark:kommunekode "779" .
ex:nord a ark:Samarbejde ; rdfs:label "Nord"@da ; ark:medlem ex:silkeborg , ex:skive .
ex:syd a ark:Samarbejde ; rdfs:label "Syd"@da ; ark:medlem ex:viborg , ex:skive .
ex:medlemskab-skive-nord a ark:Medlemskab ; rdfs:label "Skive i Nord"@da ;
    ark:samarbejde ex:nord ; ark:kommune ex:skive ; ark:medlemFra "2017-01-01"^^xsd:date .
kle00:00.01.10 a ark:Opgave ; skos:notation "00.01.10" ; rdfs:label "Sagsstyring og journalisering"@da .
"""


def _udbud(name: str, deltagere: list[str], day: str) -> str:
    who = " , ".join(f"ex:{d}" for d in deltagere)
    return (f'ex:{name} a ark:Udbud ; rdfs:label "{name}"@da ; ark:deltager {who} ;\n'
            f'    ark:omfatter kle00:00.01.10 ; ark:planlagtDato "{day}"^^xsd:date .\n')


@pytest.mark.parametrize("engine", ENGINES)
def test_a_join_date_in_one_collaboration_does_not_excuse_a_tender_of_another(tmp_path, engine):
    # Syd tenders in 2016 without Skive: Skive has been a member of Syd from the start, so this is
    # HEL-1 – its medlemFra in Nord (2017) says nothing about Syd.
    text = TWO_COLLABORATIONS + _udbud("udbud-syd", ["viborg"], "2016-09-01")
    assert _hits(_check(tmp_path, text, engine), "HEL-1") == {(EX + "udbud-syd", EX + "skive")}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_join_date_still_excuses_a_tender_of_its_own_collaboration(tmp_path, engine):
    # Nord tenders in 2016 without Skive (it joins Nord in 2017): no finding.
    text = TWO_COLLABORATIONS + _udbud("udbud-nord", ["silkeborg"], "2016-09-01")
    assert _hits(_check(tmp_path, text, engine), "HEL-1") == set()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_member_of_two_collaborations_with_two_join_dates(tmp_path, engine):
    # Skive also joins Syd, in 2016-08: Syd's tender of 2016-09 needs it, Nord's does not.
    text = (TWO_COLLABORATIONS
            + 'ex:medlemskab-skive-syd a ark:Medlemskab ; rdfs:label "Skive i Syd"@da ;\n'
              '    ark:samarbejde ex:syd ; ark:kommune ex:skive ; ark:medlemFra "2016-08-01"^^xsd:date .\n'
            + _udbud("udbud-nord", ["silkeborg"], "2016-09-01")
            + _udbud("udbud-syd", ["viborg"], "2016-09-01"))
    assert _hits(_check(tmp_path, text, engine), "HEL-1") == {(EX + "udbud-syd", EX + "skive")}


def _cli(folder: Path, engine: str, *extra) -> tuple:
    """``arkitektur check`` in a child process: (exit code, findings as JSON); nothing written."""
    before = snapshot(folder)
    r = run("check", folder, "--as-of", AS_OF.isoformat(), "--engine", engine, "--format", "json", *extra)
    assert_no_traceback(r)
    assert snapshot(folder) == before
    return r.code, json.loads(r.out)["findings"] if r.out.strip() else None


@pytest.mark.parametrize("engine", ENGINES)
def test_the_command_reports_the_tender_of_the_other_collaboration(tmp_path, engine):
    (tmp_path / "model.ttl").write_text(TWO_COLLABORATIONS + _udbud("udbud-syd", ["viborg"], "2016-09-01"),
                                        encoding="utf-8")
    code, findings = _cli(tmp_path, engine, "--select", "HEL-1")
    assert code == 1
    assert [(f["focus"], f["value"]) for f in findings] == [(EX + "udbud-syd", EX + "skive")]


# -- ark:realiseres: any text, a language-tagged one included -------------------------------------

def _gevinst(realiseres: str) -> str:
    return PREFIXES + f"""
ex:gevinst a ark:Gevinst ; rdfs:label "Færre manuelle sagsskridt"@da ;
    ark:gevinsttype ark:Oekonomisk ; ark:modtager "Borgerservice" ;
    ark:realiseres {realiseres} .
"""


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("realiseres", [
    '"fra første fælles projekt"@da', '"from the first joint project"@en', '"2016-2017"', '"2017"^^xsd:gYear',
    '"2017-03-01"^^xsd:date',
])
def test_realiseres_takes_any_text_a_language_tagged_one_included(tmp_path, engine, realiseres):
    assert _hits(_check(tmp_path, _gevinst(realiseres), engine), "MOD-4") == set()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("realiseres", ['"2017-13-45"^^xsd:date', "ex:et-aar"])
def test_realiseres_still_refuses_ill_typed_dates_and_iris(tmp_path, engine, realiseres):
    assert {f for f, _ in _hits(_check(tmp_path, _gevinst(realiseres), engine), "MOD-4")} == {EX + "gevinst"}


# -- one order for every engine -------------------------------------------------------------------

def test_findings_that_tie_on_rule_focus_path_and_value_still_have_one_order():
    from arkitektur.findings import Finding, Severity

    base = Finding(rule="MOD-4", severity=Severity.VIOLATION, focus=EX + "k", message="b", path=EX + "p",
                   value="x", file="m.ttl", line=3)
    variants = [base, base.with_(message="a"), base.with_(severity=Severity.WARNING),
                base.with_(label="K"), base.with_(kommune=EX + "viborg"), base.with_(dispensation=EX + "d"),
                base.with_(message_en="a"), base.with_(label="")]
    ordered = sorted(variants, key=Finding.sort_key)
    for shuffled in (list(reversed(variants)), variants[3:] + variants[:3]):
        assert sorted(shuffled, key=Finding.sort_key) == ordered
        assert [f.message_en for f in sorted(shuffled, key=Finding.sort_key)] == [f.message_en for f in ordered]
    assert len({f.sort_key() for f in variants}) == len(variants)


@pytest.mark.slow
def test_both_engines_write_byte_identical_json():
    """The whole JSON document of the example repository, through the command. (Generated
    repositories: tests/test_engines.py compares every finding, in output order.)"""
    from hostile import MODELS

    folder = MODELS
    if not any(folder.rglob("*.ttl")):
        pytest.skip("models/ is empty")
    before = snapshot(folder)
    outputs = []
    for engine in ENGINES:
        r = run("check", folder, "--as-of", AS_OF.isoformat(), "--engine", engine, "--format", "json",
                "--fail-on", "info", timeout=600)
        assert_no_traceback(r)
        assert r.code == 1, str(r)
        outputs.append(r.out)
    assert snapshot(folder) == before
    assert len(json.loads(outputs[0])["findings"]) > 5
    assert outputs[0] == outputs[1]


# -- ark:aarligPris: every type derived from xsd:decimal, within its range; no NaN/INF -------------

def _kontrakt(pris: str) -> str:
    return PREFIXES + f"""
ex:kmd a ark:Leverandoer ; rdfs:label "KMD A/S"@da .
ex:kontrakt a ark:Kontrakt ; rdfs:label "ESDH-kontrakt"@da ; ark:leverandoer ex:kmd ;
    ark:startdato "2014-01-01"^^xsd:date ; ark:udloebsdato "2019-12-31"^^xsd:date ;
    ark:aarligPris {pris} .
"""


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("pris", [
    '"450000"^^xsd:long', '"450000"^^xsd:int', '"120"^^xsd:byte', '"450000"^^xsd:nonNegativeInteger',
    '"0450000"^^xsd:unsignedInt', "450000", "450000.00", '"450000.5"^^xsd:decimal', '"-3"^^xsd:negativeInteger',
])
def test_a_price_of_any_decimal_type_within_its_range_is_no_finding(tmp_path, engine, pris):
    assert _hits(_check(tmp_path, _kontrakt(pris), engine), "MOD-4") == set()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("pris", [
    '"450000"^^xsd:byte', '"-5"^^xsd:nonNegativeInteger', '"0"^^xsd:positiveInteger',
    '"NaN"^^xsd:decimal', '"INF"^^xsd:decimal', '"-INF"^^xsd:decimal',
    '"450.000 kr."^^xsd:decimal', '"450000"', '"1.5E5"^^xsd:double',
])
def test_a_price_out_of_range_or_not_a_decimal_is_a_finding(tmp_path, engine, pris):
    hits = _hits(_check(tmp_path, _kontrakt(pris), engine), "MOD-4")
    assert {focus for focus, _ in hits} == {EX + "kontrakt"}


@pytest.mark.parametrize("engine", ENGINES)
def test_an_out_of_range_price_is_shown_as_the_file_wrote_it(tmp_path, engine):
    (tmp_path / "model.ttl").write_text(_kontrakt('"450000"^^xsd:byte'), encoding="utf-8")
    code, findings = _cli(tmp_path, engine, "--select", "MOD-4")
    assert code == 1
    assert [(f["focus"], f["path"], f["value"]) for f in findings] == [
        (EX + "kontrakt", "https://w3id.org/arkitektur/ontologi#aarligPris", "450000")]
