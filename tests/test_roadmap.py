"""The roadmap (docs/divergens.md) on tests/data/divergens/: contract ends, notice dates, Udbud, windows, flags."""

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
from arkitektur.presenters.roadmap import render
from arkitektur.roadmap import build_roadmap, joint_windows

DATA = Path(__file__).parent / "data" / "divergens"
EX = "https://example.org/"
SK, VI, FA, SV = (EX + k for k in ("silkeborg", "viborg", "favrskov", "skive"))
ESDH, OEK, LOEN = (EX + t for t in ("esdh", "oekonomi", "loen"))
D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def ctx():
    return prepare([DATA], D("2016-06-01"))


@pytest.fixture(scope="module")
def roadmap(ctx):
    return build_roadmap(ctx)


def _windows(r):
    return [(w.opgave, w.fra, w.til, w.kommuner, w.udbud) for w in r.windows]


def test_joint_windows_follow_the_spec_walk():
    d = D
    # Inclusive: an end exactly 12 months after the start is in the window.
    assert joint_windows([(d("2018-06-30"), "a"), (d("2019-06-30"), "b")], 12) == [
        [(d("2018-06-30"), "a"), (d("2019-06-30"), "b")]]
    assert joint_windows([(d("2018-06-30"), "a"), (d("2019-07-01"), "b")], 12) == []
    # A window starts at the earliest end not yet in one; it does not slide.
    ends = [(d("2018-01-31"), "a"), (d("2018-12-31"), "b"), (d("2019-06-30"), "c"), (d("2019-12-31"), "d")]
    assert joint_windows(ends, 12) == [ends[:2], ends[2:]]
    assert joint_windows([(d("2018-01-31"), "a")], 12) == []
    # Shared contract: same end for two members is a window of two.
    assert joint_windows([(d("2017-03-31"), "b"), (d("2017-03-31"), "a")], 12) == [
        [(d("2017-03-31"), "a"), (d("2017-03-31"), "b")]]


def test_windows(roadmap):
    assert _windows(roadmap) == [
        # Shared contract of Favrskov and Silkeborg + Viborg nine months later.
        (LOEN, D("2017-03-31"), D("2017-12-31"), [FA, SK, VI], []),
        # Viborg 2018-06-30, Favrskov exactly 12 months later (inclusive); Silkeborg 2019-12-31 falls outside
        # and is alone. The planned Udbud has both as deltagere: it is named.
        (ESDH, D("2018-06-30"), D("2019-06-30"), [VI, FA], [EX + "udbud-esdh"]),
        # Viborg 2018-12-31 alone; Silkeborg 2020-12-31 and Skive 2021-06-30 (after its medlemFra).
        (OEK, D("2020-12-31"), D("2021-06-30"), [SK, SV], []),
    ]
    data = json.loads(render(roadmap, "json"))
    assert data["windows"][1] == {"opgave": ESDH, "fra": "2018-06-30", "til": "2019-06-30",
                                  "kommuner": [VI, FA], "udbud": [EX + "udbud-esdh"],
                                  "samarbejde": EX + "sam", "label": "00.01.00 Sags- og dokumenthåndtering"}


def test_window_length_is_an_option(ctx):
    r = build_roadmap(ctx, window_months=11)
    # Viborg's 2018-06-30 is now alone; Favrskov 2019-06-30 and Silkeborg 2019-12-31 form a window that
    # the Udbud (without Silkeborg) does not cover.
    assert (ESDH, D("2019-06-30"), D("2019-12-31"), [FA, SK], []) in _windows(r)
    assert len(build_roadmap(ctx, window_months=1).windows) == 1  # only the shared contract's window


def test_late_member_contract_before_membership_is_no_candidate(roadmap):
    esdh = next(t for t in roadmap.tasks if t.opgave == ESDH)
    sv = next(m for m in esdh.members if m.kommune == SV)
    assert (sv.udloebsdato, sv.kandidat, sv.medlem_fra, sv.aktiv) == (D("2016-12-31"), False, D("2017-01-01"), False)
    oek = next(t for t in roadmap.tasks if t.opgave == OEK)
    assert next(m for m in oek.members if m.kommune == SV).kandidat is True


def test_member_contract_ends_and_notice_dates(roadmap):
    got = {(t.opgave, m.kommune): (m.udloebsdato, m.opsigelsesdato) for t in roadmap.tasks for m in t.members}
    assert got == {
        (ESDH, FA): (D("2019-06-30"), D("2019-06-30")), (ESDH, SK): (D("2019-12-31"), D("2019-06-30")),
        (ESDH, SV): (D("2016-12-31"), D("2016-12-31")), (ESDH, VI): (D("2018-06-30"), D("2018-06-30")),
        (OEK, FA): (None, None), (OEK, SK): (D("2020-12-31"), D("2020-12-31")),
        (OEK, SV): (D("2021-06-30"), D("2021-06-30")), (OEK, VI): (D("2018-12-31"), D("2018-06-30")),
        (LOEN, FA): (D("2017-03-31"), D("2016-03-31")), (LOEN, SK): (D("2017-03-31"), D("2016-03-31")),
        (LOEN, SV): (None, None), (LOEN, VI): (D("2017-12-31"), D("2017-12-31")),
    }
    esdh = next(t for t in roadmap.tasks if t.opgave == ESDH)
    fa = next(m for m in esdh.members if m.kommune == FA)
    assert [(c["kontrakt"], c["udloebsdato"], c["opsigelsesdato"]) for c in fa.kontrakter] == [
        (EX + "k-fa-sbsys", D("2018-12-31"), D("2018-06-30")), (EX + "k-fa-acadre", D("2019-06-30"), D("2019-06-30"))]


def test_procurements_per_task(roadmap):
    got = {t.opgave: [(u.udbud, u.planlagt_dato, u.deltagere) for u in t.udbud] for t in roadmap.tasks}
    assert got == {ESDH: [(EX + "udbud-esdh", D("2017-09-01"), [FA, VI])],
                   OEK: [(EX + "udbud-oekonomi", D("2018-03-01"), [VI])], LOEN: []}


def test_flags(roadmap):
    got = {(f.type, f.opgave, f.kommune, f.dato) for f in roadmap.flags}
    assert got == {
        # Locked in past the target's senest by a non-target IDrift contract.
        ("fastlaast", ESDH, FA, D("2019-06-30")),      # Acadre, senest 2018-12-31
        ("fastlaast", OEK, VI, D("2018-12-31")),       # Prisme, senest 2017-12-31
        ("fastlaast", OEK, SV, D("2021-06-30")),
        # Notice dates already passed (shared contract, 12 months' notice) ...
        ("opsigelse_passeret", LOEN, FA, D("2016-03-31")),
        ("opsigelse_passeret", LOEN, SK, D("2016-03-31")),
        # ... or within the coming year.
        ("opsigelse_snart", ESDH, SV, D("2016-12-31")),
        # An Udbud planned after the target's senest is no plan.
        ("udbud_efter_senest", OEK, None, D("2018-03-01")),
    }


def test_later_as_of_flags_an_expired_contract(ctx):
    r = build_roadmap(prepare([DATA], D("2017-06-01")))
    assert ("udloebet", ESDH, SV, D("2016-12-31")) in {(f.type, f.opgave, f.kommune, f.dato) for f in r.flags}


def test_cli(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["roadmap", str(DATA), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["as_of"] == "2016-06-01" and data["vindue_maaneder"] == 12
    assert {"windows", "tasks", "flags"} <= set(data)
    assert all({"opgave", "fra", "til", "kommuner", "udbud"} <= set(w) for w in data["windows"])
    assert len(data["tasks"]) == 3 and {"members", "udbud", "windows", "flags"} <= set(data["tasks"][0])
    res = runner.invoke(main, ["roadmap", str(DATA), "--vindue", "11", "--format", "json"])
    assert [w["kommuner"] for w in json.loads(res.output)["windows"]][1] == [FA, SK]
    res = runner.invoke(main, ["roadmap", str(DATA)])
    assert res.exit_code == 0
    # The text is the calendar and the windows (docs/divergens.md); members in the repository's order
    # in every row (Favrskov before Viborg, though Viborg's contract ends first).
    assert "  2018-06-30 – 2019-06-30  00.01.00 Sags- og dokumenthåndtering  Favrskov, Viborg" in res.output
    assert "Favrskov er bundet af Acadre til 2019-06-30, efter målløsningens frist 2018-12-31" in res.output
    assert "Acadre (før medlemskab)" in res.output
    assert "Systemer i drift" not in res.output  # divergence's tables are not repeated
    res = runner.invoke(main, ["roadmap", str(DATA), "--format", "csv"])
    events = list(csv.DictReader(io.StringIO(res.output)))
    assert [e["dato"] for e in events] == sorted(e["dato"] for e in events)
    assert {e["haendelse"] for e in events} == {"udloeb", "opsigelse", "udbud", "vindue"}
    assert sum(e["haendelse"] == "vindue" for e in events) == 3
    res = runner.invoke(main, ["roadmap", str(DATA), "--format", "markdown", "--lang", "en"])
    assert res.exit_code == 0 and "### Joint procurement windows" in res.output
    out = tmp_path / "r.md"
    assert runner.invoke(main, ["roadmap", str(DATA), "--format", "markdown", "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("## Køreplan pr. 2016-06-01")
    assert runner.invoke(main, ["roadmap", str(DATA), "--vindue", "0"]).exit_code == 2
