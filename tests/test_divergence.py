"""The harmonisation matrix (docs/divergens.md) on tests/data/divergens/: every status, date and share is known."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from arkitektur.check import prepare
from arkitektur.cli import main
from arkitektur.divergence import build_matrix
from arkitektur.presenters.divergence import render

DATA = Path(__file__).parent / "data" / "divergens"
EX = "https://example.org/"
SK, VI, FA, SV = (EX + k for k in ("silkeborg", "viborg", "favrskov", "skive"))
ESDH, OEK, LOEN = (EX + t for t in ("esdh", "oekonomi", "loen"))
D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def matrix():
    return build_matrix(prepare([DATA], D("2016-06-01")))


@pytest.fixture(scope="module")
def matrix_2017():
    return build_matrix(prepare([DATA], D("2017-06-01")))


def _cells(m):
    return {(r.opgave, c.kommune): c for r in m.rows for c in r.members}


def test_rows_are_target_tasks_and_supported_tasks_in_notation_order(matrix):
    # ex:arkiv is only supported by an Udfaset usage: no row.
    assert [r.opgave for r in matrix.rows] == [ESDH, OEK, LOEN]
    assert [(r.maalsystem, r.senest) for r in matrix.rows] == [
        (EX + "sbsys", D("2018-12-31")), (EX + "opus", D("2017-12-31")), (None, None)]


def test_every_member_appears_in_every_row(matrix):
    for r in matrix.rows:
        assert [c.label for c in r.members] == ["Favrskov", "Silkeborg", "Skive", "Viborg"]


def test_statuses_at_2016(matrix):
    got = {k: c.status for k, c in _cells(matrix).items()}
    assert got == {
        (ESDH, SK): "konvergeret",        # target system IDrift, nothing else
        (ESDH, VI): "planlagt",           # Acadre IDrift, Udbud 2017-09-01 ≤ senest 2018-12-31
        (ESDH, FA): "planlagt",           # target AND another system IDrift: not converged; Udbud in time
        (ESDH, SV): "ikke omfattet",      # joins 2017-01-01
        (OEK, SK): "konvergeret",
        (OEK, VI): "divergerende",        # its Udbud (2018-03-01) is after senest (2017-12-31): no plan
        (OEK, FA): "ikke registreret",    # no usage at all, no plan (docs/divergens.md)
        (OEK, SV): "ikke omfattet",
        (LOEN, SK): "ikke omfattet",      # no target for the task
        (LOEN, VI): "ikke omfattet",
        (LOEN, FA): "ikke omfattet",
        (LOEN, SV): "ikke omfattet",
    }


def test_late_member_counts_once_it_has_joined(matrix_2017):
    got = {k: c.status for k, c in _cells(matrix_2017).items() if k[1] == SV}
    assert got == {(ESDH, SV): "divergerende", (OEK, SV): "divergerende", (LOEN, SV): "ikke omfattet"}
    assert matrix_2017.summary() == {FA: 0.0, SK: 1.0, SV: 0.0, VI: 0.0, "samlet": 0.25}


def test_systems_contract_end_and_notice_date(matrix):
    c = _cells(matrix)
    # P6M: notice date exactly six months before the end.
    assert (c[ESDH, SK].systemer, c[ESDH, SK].udloebsdato, c[ESDH, SK].opsigelsesdato) == (
        [EX + "sbsys"], D("2019-12-31"), D("2019-06-30"))
    # No notice period: notice date = udloebsdato. The Indfases SBSYS is not "in use".
    assert (c[ESDH, VI].systemer, c[ESDH, VI].udloebsdato, c[ESDH, VI].opsigelsesdato) == (
        [EX + "acadre"], D("2018-06-30"), D("2018-06-30"))
    assert [u.livscyklus.rsplit("#", 1)[1] for u in c[ESDH, VI].anvendelser] == ["IDrift", "Indfases"]
    # Two IDrift usages: the latest contract end counts (Acadre 2019-06-30, not SBSYS 2018-12-31).
    assert (c[ESDH, FA].systemer, c[ESDH, FA].kontrakt, c[ESDH, FA].udloebsdato, c[ESDH, FA].opsigelsesdato) == (
        [EX + "acadre", EX + "sbsys"], EX + "k-fa-acadre", D("2019-06-30"), D("2019-06-30"))
    assert (c[OEK, VI].udloebsdato, c[OEK, VI].opsigelsesdato) == (D("2018-12-31"), D("2018-06-30"))
    assert (c[OEK, FA].systemer, c[OEK, FA].udloebsdato, c[OEK, FA].opsigelsesdato) == ([], None, None)
    # Shared contract with a 12-month notice period.
    assert (c[LOEN, SK].udloebsdato, c[LOEN, SK].opsigelsesdato) == (D("2017-03-31"), D("2016-03-31"))
    assert c[LOEN, SK].kontrakt == c[LOEN, FA].kontrakt == EX + "k-loen-faelles"
    assert c[ESDH, VI].planer == [EX + "udbud-esdh"] and c[OEK, VI].planer == []


def test_summary_counts_active_members_only(matrix):
    # Silkeborg 2/2, Viborg 0/2, Favrskov 0/2; Skive is not a member yet and not in the summary.
    assert matrix.summary() == {FA: 0.0, SK: 1.0, VI: 0.0, "samlet": 0.3333}


def test_json_is_the_spec_contract(matrix):
    data = json.loads(render(matrix, "json"))
    assert data["as_of"] == "2016-06-01"
    row = data["rows"][0]
    assert {"opgave", "label", "maalsystem", "senest", "members"} <= set(row)
    assert row["opgave"] == ESDH and row["label"] == "Sags- og dokumenthåndtering"
    assert row["maalsystem"] == EX + "sbsys" and row["senest"] == "2018-12-31"
    sk = next(m for m in row["members"] if m["kommune"] == SK)
    assert {k: sk[k] for k in ("kommune", "status", "systemer", "udloebsdato", "opsigelsesdato")} == {
        "kommune": SK, "status": "konvergeret", "systemer": [EX + "sbsys"],
        "udloebsdato": "2019-12-31", "opsigelsesdato": "2019-06-30"}
    fa_oek = next(m for m in data["rows"][1]["members"] if m["kommune"] == FA)
    assert fa_oek["udloebsdato"] is None and fa_oek["opsigelsesdato"] is None
    assert data["summary"] == {FA: 0.0, SK: 1.0, VI: 0.0, "samlet": 0.3333}
    assert data["rows"][2]["maalsystem"] is None and data["rows"][2]["senest"] is None
    sv = next(m for m in row["members"] if m["kommune"] == SV)
    assert (sv["status"], sv["aktiv"], sv["medlem_fra"]) == ("ikke omfattet", False, "2017-01-01")
    assert all(r["samarbejde"] == EX + "sam" for r in data["rows"])


def test_cli_formats():
    runner = CliRunner()
    res = runner.invoke(main, ["divergence", str(DATA), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["as_of"] == "2016-06-01"   # from arkitektur.toml
    res = runner.invoke(main, ["divergence", str(DATA), "--as-of", "2017-06-01", "--format", "json"])
    assert json.loads(res.output)["summary"]["samlet"] == 0.25
    res = runner.invoke(main, ["divergence", str(DATA)])
    assert res.exit_code == 0
    assert "ikke omfattet (medlem fra 2017-01-01)" in res.output
    assert "Acadre (i drift), SBSYS (indfases)" in res.output   # other life cycles are shown too
    assert "Samlet     33,3 %  2 af 6" in res.output   # one formatter: "33,3 %" as in the pack
    res = runner.invoke(main, ["divergence", str(DATA), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(res.output)))
    assert len(rows) == 3 * 4
    assert {(r["opgave"], r["kommune"], r["status"]) for r in rows} >= {(OEK, VI, "divergerende")}
    res = runner.invoke(main, ["divergence", str(DATA), "--format", "markdown", "--lang", "en"])
    assert res.exit_code == 0
    assert "| Task | Target system | By | Favrskov | Silkeborg | Skive | Viborg |" in res.output
    assert "not covered" in res.output and "diverging" in res.output
    res = runner.invoke(main, ["divergence", str(DATA), "--as-of", "2016-13-01"])
    assert res.exit_code == 2


def test_two_collaborations_give_rows_per_collaboration(tmp_path):
    for f in DATA.glob("*.ttl"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "andet.ttl").write_text("""
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:sam2 a ark:Samarbejde ; rdfs:label "Lønsamarbejdet"@da ; ark:medlem ex:viborg , ex:skive .
ex:maal2 a ark:Maalarkitektur ; rdfs:label "Løn"@da ; ark:samarbejde ex:sam2 ;
    ark:gaelderFra "2016-01-01"^^xsd:date ; ark:maalloesning ex:ml-loen .
ex:ml-loen a ark:Maalloesning ; rdfs:label "SD Løn"@da ; ark:opgave ex:loen ;
    ark:maalsystem ex:sdloen ; ark:senest "2018-12-31"^^xsd:date .
""", encoding="utf-8")
    m = build_matrix(prepare([tmp_path], D("2016-06-01")))
    sam2 = [r for r in m.rows if r.samarbejde == EX + "sam2"]
    assert [r.opgave for r in sam2] == [ESDH, OEK, LOEN]  # every task a member of sam2 supports, + the target
    loen2 = {c.kommune: c.status for c in sam2[2].members}
    assert loen2 == {VI: "konvergeret", SV: "ikke registreret"}  # member of sam2 from the start, no Løn usage
    assert [c.samarbejde for c in m.samarbejder] == [EX + "sam", EX + "sam2"]
    assert m.samarbejder[1].summary() == {SV: 0.0, VI: 1.0, "samlet": 0.5}
    # The top summary adds up each member's cells over both collaborations.
    assert m.summary() == {FA: 0.0, SK: 1.0, SV: 0.0, VI: round(1 / 3, 4), "samlet": round(3 / 8, 4)}
    assert json.loads(render(m, "json"))["rows"][-1]["samarbejde"] == EX + "sam2"
    for fmt in ("text", "csv", "markdown"):
        assert render(m, fmt)


def test_no_collaboration_gives_an_empty_matrix(tmp_path):
    (tmp_path / "x.ttl").write_text("""
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://example.org/k> a ark:Kommune ; rdfs:label "K"@da .
""", encoding="utf-8")
    m = build_matrix(prepare([tmp_path], D("2016-06-01")))
    assert m.rows == [] and m.summary() == {"samlet": None}
    assert "Ingen opgaver at vise." in render(m, "text")
