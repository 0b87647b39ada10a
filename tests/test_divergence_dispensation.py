"""docs/divergens.md (issue 14, "one truth"): a valid dispensation travels with the cell it exempts, and a
member with no usage for a target task is ``ikke registreret`` — in the matrix and as ``check`` sees it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest

from arkitektur.check import prepare, run_check
from arkitektur.divergence import build_matrix
from arkitektur.presenters.divergence import render
from arkitektur.findings import Severity

from hostile import assert_no_traceback, copy_models, run, snapshot

DATA = Path(__file__).parent / "data" / "divergens"
EX = "https://example.org/"
VI, FA = EX + "viborg", EX + "favrskov"
OEK = EX + "oekonomi"
D = dt.date.fromisoformat
PREFIXES = """\
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
# Viborg keeps Prisme for økonomi (HEL-2, no plan) — with the directors' approval until 2017-12-31.
DISPENSATION = PREFIXES + """
ex:beslutning a ark:Beslutning ; rdfs:label "Direktionen godkender"@da ;
    ark:dato "2016-04-05"^^xsd:date ; ark:udfald ark:Godkendt .
ex:disp-prisme a ark:Dispensation ; rdfs:label "Dispensation: Prisme til 2017"@da ;
    ark:regel "HEL-2" ; ark:gaelder ex:vi-prisme ; ark:begrundelse "Skifter med lønnen." ;
    ark:besluttetVed ex:beslutning ; ark:udloeber "{udloeber}"^^xsd:date .
"""


def _repo(tmp_path: Path, extra: str = "") -> Path:
    repo = tmp_path / "models"
    shutil.copytree(DATA, repo)
    if extra:
        (repo / "ekstra.ttl").write_text(extra, encoding="utf-8")
    return repo


def _cell(matrix, opgave, kommune):
    return next(c for r in matrix.rows if r.opgave == opgave for c in r.members if c.kommune == kommune)


def test_valid_dispensation_is_on_the_cell_and_the_status_stays(tmp_path):
    repo = _repo(tmp_path, DISPENSATION.format(udloeber="2017-12-31"))
    m = build_matrix(prepare([repo], D("2016-06-01")))
    c = _cell(m, OEK, VI)
    assert (c.status, c.dispensation, c.dispensation_udloeber) == ("divergerende", EX + "disp-prisme",
                                                                    D("2017-12-31"))
    # Only that cell: every other one carries null.
    data = json.loads(render(m, "json"))
    cells = [cell for row in data["rows"] for cell in row["members"]]
    assert [cell["dispensation"] for cell in cells].count(EX + "disp-prisme") == 1
    assert all(list(cell)[-1] == "dispensation" for cell in cells)   # added last in the cell
    assert sum(cell["dispensation"] is None for cell in cells) == len(cells) - 1
    # The checker agrees: the same usage's HEL-2 finding is info, with the same dispensation.
    hel2 = [f for f in run_check([repo], as_of=D("2016-06-01")).findings
            if f.rule == "HEL-2" and f.focus == EX + "vi-prisme"]
    assert [(f.severity, f.dispensation) for f in hel2] == [(Severity.INFO, EX + "disp-prisme")]


def test_dispensation_shows_with_its_expiry_in_text_markdown_and_csv(tmp_path):
    m = build_matrix(prepare([_repo(tmp_path, DISPENSATION.format(udloeber="2017-12-31"))], D("2016-06-01")))
    assert "divergerende (dispensation til 2017-12-31)" in render(m, "text")
    assert "diverging (dispensation until 2017-12-31)" in render(m, "text", "en")
    assert "❌ divergerende (dispensation til 2017-12-31)<br>Prisme" in render(m, "markdown")
    rows = list(csv.DictReader(io.StringIO(render(m, "csv"))))
    vi = next(r for r in rows if (r["opgave"], r["kommune"]) == (OEK, VI))
    assert (vi["dispensation"], vi["dispensation_udloeber"]) == (EX + "disp-prisme", "2017-12-31")
    assert sum(bool(r["dispensation"]) for r in rows) == 1


@pytest.mark.parametrize("extra", [
    DISPENSATION.format(udloeber="2016-05-31"),                                        # expired
    DISPENSATION.format(udloeber="2017-12-31").replace("ark:Godkendt", "ark:Afvist"),  # not approved
    DISPENSATION.format(udloeber="2017-12-31").replace('"HEL-2"', '"HEL-3"'),          # another rule
])
def test_a_dispensation_the_checker_does_not_apply_is_not_on_the_cell(tmp_path, extra):
    repo = _repo(tmp_path, extra)
    assert _cell(build_matrix(prepare([repo], D("2016-06-01"))), OEK, VI).dispensation is None
    hel2 = [f for f in run_check([repo], as_of=D("2016-06-01")).findings
            if f.rule == "HEL-2" and f.focus == EX + "vi-prisme"]
    assert [f.severity for f in hel2] == [Severity.VIOLATION]


def test_no_usage_or_only_phased_out_is_ikke_registreret_but_a_planned_one_is_divergerende(tmp_path):
    m = build_matrix(prepare([_repo(tmp_path)], D("2016-06-01")))
    assert _cell(m, OEK, FA).status == "ikke registreret"
    assert "ikke registreret" in render(m, "text") and "not registered" in render(m, "text", "en")
    # Counts as not converged: Favrskov 0 of 2.
    assert m.summary()[FA] == 0.0
    old = PREFIXES + """
ex:fa-gl-prisme a ark:Systemanvendelse ; rdfs:label "Favrskov: gammel Prisme"@da ;
    ark:system ex:prisme ; ark:kommune ex:favrskov ; ark:livscyklus ark:Udfaset ;
    ark:understoetterOpgave ex:oekonomi .
"""
    m = build_matrix(prepare([_repo(tmp_path / "udfaset", old)], D("2016-06-01")))
    assert _cell(m, OEK, FA).status == "ikke registreret"
    coming = old + """
ex:fa-opus a ark:Systemanvendelse ; rdfs:label "Favrskov: Opus på vej"@da ;
    ark:system ex:opus ; ark:kommune ex:favrskov ; ark:livscyklus ark:Planlagt ;
    ark:understoetterOpgave ex:oekonomi .
"""
    m = build_matrix(prepare([_repo(tmp_path / "planlagt", coming)], D("2016-06-01")))
    assert _cell(m, OEK, FA).status == "divergerende"   # the repository knows: not in operation yet


# --------------------------------------------------------------------------- the example, as a user runs it

SK_LOEN = "https://w3id.org/arkitektur/eksempel/samarbejde#Dispensation_SilkeborgLoen"
SK = "https://w3id.org/arkitektur/eksempel/silkeborg#Silkeborg"


@pytest.mark.slow
def test_example_silkeborg_loen_is_dispensed_in_the_matrix(tmp_path):
    models = copy_models(tmp_path)
    r = run("divergence", str(models), "--format", "json")
    assert r.code == 0 and r.err == "", r.err
    cells = [(row["label"], c) for row in json.loads(r.out)["rows"] for c in row["members"]
             if c["dispensation"]]
    assert [(label, c["kommune"], c["status"], c["dispensation"]) for label, c in cells] == [
        ("Løn og personaleadministration", SK, "divergerende", SK_LOEN)]
    r = run("divergence", str(models))
    assert_no_traceback(r)
    assert "Silkeborg Kommune  divergerende (dispensation til 2017-12-31)" in r.out


@pytest.mark.slow
def test_three_members_with_new_kommune_shows_ikke_registreret(tmp_path):
    models = copy_models(tmp_path)
    r = run("new", "kommune", "Skive", "--kode", "779", "--fra", "2016-01-01", "--dir", str(models))
    assert r.code == 0, r.err
    before = snapshot(models)
    r = run("divergence", str(models), "--format", "json")
    assert r.code == 0 and r.err == "", r.err
    data = json.loads(r.out)
    for row in data["rows"]:
        assert len(row["members"]) == 3        # every member in every row
    skive = [c for row in data["rows"] if row["maalsystem"] for c in row["members"]
             if c["kommune"].endswith("#Skive")]
    assert skive and {c["status"] for c in skive} == {"ikke registreret"}
    assert data["summary"]["samlet"] < 0.625   # Skive's cells count as not converged
    r = run("divergence", str(models))
    assert_no_traceback(r)
    assert "Skive Kommune      ikke registreret" in r.out and "Skive Kommune      divergerende" not in r.out
    assert snapshot(models) == before
