"""Gevinstopfølgning i mødepakken / the pack's benefit realisation follow-up (issue 14 item 4):
per benefit its type, receiver, last day and status; the overdue ones (GEV-4) first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from arkitektur import report
from arkitektur.report import data

MODELS = Path(__file__).resolve().parents[1] / "models"
AS_OF = dt.date(2016, 6, 1)


@pytest.fixture(scope="module")
def collected():
    return report.collect([MODELS], AS_OF)


def test_overdue_benefits_come_first_then_open_ones_by_date_then_the_realised(collected):
    ctx, result = collected
    assert {f.focus for f in result.findings if f.rule == "GEV-4"} == {
        "https://w3id.org/arkitektur/eksempel/samarbejde#Gevinst_G09"}
    rows = data.follow_up(data.benefits(ctx.graph), result)
    first, last = rows[0], rows[-1]
    assert first["label"].startswith("9. ") and first["forfalden"] and first["senest"] == "2015-12-31"
    assert first["status"] == "Undervejs"
    assert last["label"].startswith("2. ") and last["afsluttet"] and last["status"] == "Realiseret"
    assert last["dato"] == "2015-10-01"
    open_dates = [r["senest"] for r in rows if not r["forfalden"] and not r["afsluttet"] and r["senest"] != "–"]
    assert open_dates == sorted(open_dates) and open_dates[0] == "2017-12-31"
    assert sum(r["forfalden"] for r in rows) == 1 and len(rows) == 13


def test_the_pack_shows_the_follow_up_with_the_overdue_benefit_marked(collected):
    ctx, result = collected
    html = report.build_pack(ctx, result).html
    section = html[html.index('id="gevinster-opfoelgning"'):html.index('id="udvikling"')]
    assert section.index("9. Opbygning") < section.index("1. Øget modenhed") < section.index("2. Fælles repræsentation")
    assert section.count('class="forfalden"') == 1 and "forfalden</strong> – Undervejs" in section
    assert "Realiseret 2015-10-01" in section
    assert "Forudsætning: Kræver, at der reelt er etableret et formelt samarbejde." in section


def test_findings_are_grouped_per_principle_in_plain_words_with_rdf_terms_only_in_the_appendix(collected):
    ctx, result = collected
    assert data.plain("angiv ark:systemansvarlig eller ark:Serviceplatformen.", ctx.graph) == \
        "angiv systemansvarlig eller Serviceplatformen."
    html = report.build_pack(ctx, result).html
    fund = html[html.index('id="fund"'):html.index('id="harmonisering"')]
    assert "ark:" not in fund
    groups = [g for g in fund.split('<tr class="gruppe"><th colspan="4">')[1:]]
    assert [g.split("<", 1)[0] for g in groups][:3] == ["Princip 1: Al digitalisering styres efter gevinstkortlægning",
                                                         "Princip 2: Tænk stort, men start småt",
                                                         "Princip 3: Tænk helhed før lokalt"]
    bilag = html[html.index('id="bilag"'):]
    assert "ark:via" in bilag


@pytest.mark.slow
def test_a_third_member_without_usages_is_ikke_registreret_in_the_pack_matrix_and_diagrams(tmp_path):
    """Issue 14 "Show it": a member added by ``new kommune`` with no usages yet is grey, not red."""
    from hostile import copy_models, run

    models = copy_models(tmp_path)
    r = run("new", "kommune", "Skive", "--kode", "779", "--fra", "2016-01-01", "--dir", str(models))
    assert r.code == 0, r.err
    ctx, result = report.collect([models], AS_OF)
    pack = report.build_pack(ctx, result)
    html = pack.html
    matrix = html[html.index('id="harmonisering"'):html.index('id="koereplan"')]
    assert "Skive Kommune" in matrix and "ikke registreret" in matrix
    header = matrix.split("<th", 1)[1].split("</tr>", 1)[0]
    members = [h.split(">", 1)[1].split("<", 1)[0] for h in header.split("<th")[1:]]
    at = members.index("Skive Kommune") - members.index("Silkeborg Kommune")   # offset among the member cells
    cells = [row.split("<td")[-3:] for row in matrix.split("<tr")[1:] if row.count("<td") >= 6]
    skive = [c[at] for c in cells]
    assert skive and all("ikke registreret" in c for c in skive) and not any("divergerende" in c for c in skive)
    for view in ("maal", "harmonisering"):
        svg = next(d for d in pack.diagrams if d.view == view).raw.decode("utf-8")
        assert "Skive" in svg and "ikke registreret" in svg, view
