"""Dispensations end to end (docs/modelsprog.md#begreber, DISP-1 … DISP-3), on GEV-3.

GEV-3 (a Gevinst contributes to no Maal, warning) is the simplest rule to dispense from: one
Gevinst without ark:bidragerTil gives exactly one finding, on the Gevinst.
"""

from __future__ import annotations

import datetime as dt

import pytest

from arkitektur.check import run_check
from arkitektur.findings import Severity
from arkitektur.formats import json_

EX = "https://example.org/"
GEVINST = EX + "gevinst-homogen-drift"
DISP = EX + "dispensation-homogen-drift"
AS_OF = dt.date(2016, 6, 1)

MODEL = """\
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:silkeborg a ark:Kommune ; rdfs:label "Silkeborg Kommune"@da ; ark:kommunekode "740" .
ex:viborg a ark:Kommune ; rdfs:label "Viborg Kommune"@da ; ark:kommunekode "791" .
ex:samarbejde a ark:Samarbejde ;
    rdfs:label "It- og digitaliseringssamarbejdet Silkeborg-Viborg"@da ;
    ark:medlem ex:silkeborg , ex:viborg .
ex:direktion a ark:Direktion ;
    rdfs:label "Kommunaldirektørerne i Silkeborg og Viborg"@da ;
    ark:samarbejde ex:samarbejde .
ex:maal-faelles-platform a ark:Maal ;
    rdfs:label "Én ensartet it-platform i begge kommuner"@da ;
    ark:samarbejde ex:samarbejde .

ex:gevinst-homogen-drift a ark:Gevinst ;
    rdfs:label "Effektiv it-drift og support på en homogen platform"@da ;
    ark:gevinsttype ark:Organisatorisk ;
    ark:modtager "It-/digitaliseringsorganisationen" ;
    ark:realiseres "2018"^^xsd:gYear {maal} .

ex:beslutning a ark:Beslutning ;
    rdfs:label "Direktionen om dispensation for driftsgevinsten"@da ;
    ark:besluttetAf ex:direktion ;
    ark:vedroerer ex:dispensation-homogen-drift ;
    ark:udfald {udfald} ;
    ark:dato "{dato}"^^xsd:date .

ex:dispensation-homogen-drift a ark:Dispensation ;
    rdfs:label "Dispensation: driftsgevinsten afventer den fælles strategi"@da ;
    ark:regel "GEV-3" ;
    ark:gaelder ex:gevinst-homogen-drift ;
    ark:begrundelse "De fælles mål fastlægges i den fælles digitaliseringsstrategi." ;
    ark:besluttetVed ex:beslutning ;
    ark:udloeber "{udloeber}"^^xsd:date .
"""


def _check(tmp_path, *, udfald="ark:Godkendt", dato="2016-03-15", udloeber="2016-12-31", maal=False,
           as_of=AS_OF):
    path = tmp_path / "model.ttl"
    text = MODEL.replace("{udfald}", udfald).replace("{dato}", dato).replace("{udloeber}", udloeber)
    text = text.replace("{maal}", ";\n    ark:bidragerTil ex:maal-faelles-platform" if maal else "")
    path.write_text(text, encoding="utf-8")
    result = run_check([path], as_of=as_of)
    return result, {(f.rule, f.focus): f for f in result.findings}


def _json_finding(result, rule, focus):
    doc = json_.document(result)
    found = [f for f in doc["findings"] if f["rule"] == rule and f["focus"] == focus]
    assert len(found) == 1, found
    return found[0]


def test_the_base_model_gives_no_other_findings(tmp_path):
    result, by_key = _check(tmp_path, maal=True, udloeber="2016-12-31")
    # With the goal linked, the valid dispensation is stale: DISP-3 is the only finding, so the
    # other tests see GEV-3 and the DISP rules alone.
    assert set(by_key) == {("DISP-3", DISP)}


def test_valid_dispensation_turns_the_finding_into_info(tmp_path):
    result, by_key = _check(tmp_path)
    f = by_key[("GEV-3", GEVINST)]
    assert f.severity is Severity.INFO
    assert f.dispensation == DISP
    assert not [k for k in by_key if k[0].startswith("DISP-")]
    j = _json_finding(result, "GEV-3", GEVINST)
    assert j["severity"] == "info"
    assert j["dispensation"] == DISP
    assert json_.document(result)["conforms"] is True


@pytest.mark.parametrize("udfald", ["ark:Go", "ark:Godkendt"])
def test_go_and_godkendt_both_approve(tmp_path, udfald):
    _result, by_key = _check(tmp_path, udfald=udfald)
    assert by_key[("GEV-3", GEVINST)].dispensation == DISP


def test_dispensation_expiring_on_the_as_of_date_is_still_valid(tmp_path):
    _result, by_key = _check(tmp_path, udloeber=AS_OF.isoformat())
    f = by_key[("GEV-3", GEVINST)]
    assert (f.severity, f.dispensation) == (Severity.INFO, DISP)
    assert ("DISP-2", DISP) not in by_key


def test_expired_dispensation_gives_disp2_and_the_finding_comes_back(tmp_path):
    result, by_key = _check(tmp_path, udloeber="2016-05-31")
    d2 = by_key[("DISP-2", DISP)]
    assert d2.severity is Severity.VIOLATION
    assert d2.value == "2016-05-31"
    f = by_key[("GEV-3", GEVINST)]
    assert f.severity is Severity.WARNING
    assert f.dispensation is None
    assert ("DISP-3", DISP) not in by_key  # expired is not valid, so never stale
    assert _json_finding(result, "GEV-3", GEVINST)["dispensation"] is None
    assert _json_finding(result, "GEV-3", GEVINST)["severity"] == "warning"
    assert _json_finding(result, "DISP-2", DISP)["severity"] == "violation"
    assert json_.document(result)["conforms"] is False


def test_valid_dispensation_matching_no_finding_gives_disp3(tmp_path):
    result, by_key = _check(tmp_path, maal=True)
    assert ("GEV-3", GEVINST) not in by_key
    f = by_key[("DISP-3", DISP)]
    assert f.severity is Severity.INFO
    j = _json_finding(result, "DISP-3", DISP)
    assert j["severity"] == "info"
    assert j["label"] == "Dispensation: driftsgevinsten afventer den fælles strategi"


@pytest.mark.parametrize(
    ("udfald", "dato"),
    [
        ("ark:Afvist", "2016-03-15"),  # rejected
        ("ark:NoGo", "2016-03-15"),  # no-GO
        ("ark:Godkendt", "2016-06-02"),  # approved, but dated after as-of: does not count yet
    ],
    ids=["afvist", "nogo", "dateret-efter-as-of"],
)
def test_dispensation_without_an_approval_in_force_is_not_valid(tmp_path, udfald, dato):
    result, by_key = _check(tmp_path, udfald=udfald, dato=dato)
    f = by_key[("GEV-3", GEVINST)]
    assert f.severity is Severity.WARNING
    assert f.dispensation is None
    assert ("DISP-3", DISP) not in by_key  # not valid, so not stale either
    assert ("DISP-2", DISP) not in by_key  # not expired either
    assert _json_finding(result, "GEV-3", GEVINST)["dispensation"] is None


def test_approval_dated_after_as_of_counts_once_as_of_reaches_it(tmp_path):
    _result, by_key = _check(tmp_path, dato="2016-06-02", as_of=dt.date(2016, 6, 2))
    assert by_key[("GEV-3", GEVINST)].dispensation == DISP


def test_incomplete_dispensation_gives_disp1_and_is_not_valid(tmp_path):
    path = tmp_path / "model.ttl"
    text = MODEL.replace("{udfald}", "ark:Godkendt").replace("{dato}", "2016-03-15").replace("{maal}", "")
    text = text.replace('    ark:begrundelse "De fælles mål fastlægges i den fælles digitaliseringsstrategi." ;\n', "")
    text = text.replace("{udloeber}", "2016-12-31")
    path.write_text(text, encoding="utf-8")
    result = run_check([path], as_of=AS_OF)
    by_key = {(f.rule, f.focus): f for f in result.findings}
    d1 = by_key[("DISP-1", DISP)]
    assert d1.severity is Severity.VIOLATION
    assert d1.path == "https://w3id.org/arkitektur/ontologi#begrundelse"
    f = by_key[("GEV-3", GEVINST)]
    assert (f.severity, f.dispensation) == (Severity.WARNING, None)
