"""The meeting pack as a decision paper (issue 14 items 2, 3, 7): Til beslutning, Styring, every principle.

The expected decision items are checked by hand against the models (see each test); the example
has no gate, dispensation, notice date or target due within six months of 2016-06-01, so a copy of
it with a few dates moved and a file of its own (``styring-test.ttl``) has one of each kind.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from arkitektur import report
from arkitektur.cli import main
from arkitektur.divergence import build_matrix
from arkitektur.errors import UsageError
from arkitektur.report import data, decisions
from arkitektur.report.html import NAV, page
from arkitektur.roadmap import build_roadmap

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
AS_OF = dt.date(2016, 6, 1)
SAM = "https://w3id.org/arkitektur/eksempel/samarbejde#"

EXTRA = """\
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sam: <https://w3id.org/arkitektur/eksempel/samarbejde#> .
@prefix sk: <https://w3id.org/arkitektur/eksempel/silkeborg#> .
@prefix vi: <https://w3id.org/arkitektur/eksempel/viborg#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

sam:Fase_Pilot a ark:Fase ;
    rdfs:label "Pilot <&> forsøg"@da ;
    ark:beslutningspunkt sam:B_Pilot ;
    ark:samarbejde sam:SilkeborgViborg ;
    ark:startdato "2016-05-01"^^xsd:date ;
    ark:slutdato "2016-12-31"^^xsd:date .

sam:B_Pilot a ark:Beslutning ;
    rdfs:label "GO/no-GO til piloten"@da ;
    ark:besluttetAf sam:Direktion_Silkeborg ;
    ark:dato "2016-04-01"^^xsd:date ;
    ark:vedroerer sam:Fase_Pilot .

sam:Fase_Udrulning a ark:Fase ;
    rdfs:label "Udrulning"@da ;
    ark:beslutningspunkt sam:B_Udrulning ;
    ark:samarbejde sam:SilkeborgViborg ;
    ark:startdato "2016-11-01"^^xsd:date ;
    ark:slutdato "2017-03-31"^^xsd:date .

sam:B_Udrulning a ark:Beslutning ;
    rdfs:label "GO/no-GO til udrulningen"@da ;
    ark:besluttetAf sam:Direktion_Viborg ;
    ark:dato "2016-10-15"^^xsd:date ;
    ark:vedroerer sam:Fase_Udrulning .

sam:P_Test a ark:Digitaliseringsprojekt ;
    rdfs:label "Fælles testprojekt"@da ;
    ark:bidragerTil sam:Maal_FaellesPlatform ;
    ark:deltager sk:Silkeborg , vi:Viborg ;
    ark:gevinst sam:Gevinst_G13 ;
    ark:startdato "2016-03-01"^^xsd:date ;
    ark:status ark:Igang .

sam:B_Test_Silkeborg a ark:Beslutning ;
    rdfs:label "Silkeborgs forum godkender testprojektet"@da ;
    ark:besluttetAf sam:Forum_Silkeborg ;
    ark:dato "2016-03-01"^^xsd:date ;
    ark:udfald ark:Godkendt ;
    ark:vedroerer sam:P_Test .
"""


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def example():
    ctx, result = report.collect([MODELS], AS_OF)
    return ctx, result, build_matrix(ctx), build_roadmap(ctx)


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    """The example with a dispensation, a notice date and a target due within six months, an overdue
    gate, a gate due, and a running project Viborg's forum never approved."""
    root = tmp_path_factory.mktemp("beslutning") / "models"
    shutil.copytree(MODELS, root)
    # InsuBiz: udløb 2016-12-31, opsigelsesfrist P3M → opsigelsesdato 2016-09-30.
    _edit(root / "viborg" / "kontrakter.ttl", 'ark:udloebsdato "2017-04-30"', 'ark:udloebsdato "2016-12-31"')
    # Silkeborg Løn's dispensation now ends 2016-09-30 (still valid on 2016-06-01).
    _edit(root / "samarbejde" / "maalarkitektur.ttl", 'ark:udloeber "2017-12-31"', 'ark:udloeber "2016-09-30"')
    # Jobcenter: KMD Momentum by 2017-12-31 → Silkeborg (KMD Opera, no plan) must decide by 2016-06-30.
    _edit(root / "samarbejde" / "maalarkitektur.ttl",
          'ark:opgave kle15:15.20.00 ;\n    ark:senest "2018-06-30"', 'ark:opgave kle15:15.20.00 ;\n    ark:senest "2017-12-31"')
    (root / "samarbejde" / "styring-test.ttl").write_text(EXTRA, encoding="utf-8")
    ctx, result = report.collect([root], AS_OF)
    return ctx, result, build_matrix(ctx), build_roadmap(ctx)


def _items(facts, horizon=None):
    ctx, result, matrix, plan = facts
    end = decisions.horizon(AS_OF, horizon)
    return [(i.kind, i.dato.isoformat(), i.overskredet, i.emne)
            for i in decisions.decision_items(ctx, result, matrix, plan, end)]


def _html(facts, horizon=None) -> str:
    ctx, result, matrix, plan = facts
    return page(ctx, result, matrix, plan, [], data.benefits(ctx.graph), horizon)[1]


class _Sections(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self.ids.append(dict(attrs).get("id"))


def _section(html: str, sid: str) -> str:
    m = re.search(rf'<section id="{sid}">(.*?)</section>', html, re.S)
    assert m, sid
    return m.group(1)


# --------------------------------------------------------------------------- sections


def test_sections_in_the_agreed_order(example):
    html = _html(example)
    parser = _Sections()
    parser.feed(html)
    mine = [s for s in parser.ids if s in ("til-beslutning", "noegletal", "styring", "fund")]
    assert mine == ["til-beslutning", "noegletal", "styring", "fund"]
    assert parser.ids[0] == "til-beslutning"
    assert [a for a, _ in NAV][:4] == ["til-beslutning", "noegletal", "styring", "fund"]
    assert [a for a, _ in NAV if a in parser.ids] == parser.ids


# --------------------------------------------------------------------------- Til beslutning


def test_example_has_nothing_due_within_six_months_and_names_the_next(example):
    # By hand, as of 2016-06-01 (horizon 2016-12-01): next GO/no-GO 2017-02-28; the only valid
    # dispensation ends 2017-12-31; the nearest notice date is InsuBiz 2017-01-30 (Viborg); KMD Opera
    # (Silkeborg, no plan) must be replaced by 2018-06-30, so decided by 2016-12-30; no STY-2 finding.
    assert _items(example) == []
    ctx, result, matrix, plan = example
    nxt = decisions.next_after(ctx, result, matrix, plan, decisions.horizon(AS_OF, None))
    assert (nxt.kind, nxt.dato) == (decisions.MAALLOESNING, dt.date(2016, 12, 30))
    section = _section(_html(example), "til-beslutning")
    assert "Intet skal besluttes før 2016-12-01 (horisont 6m, pr. 2016-06-01)." in section
    assert "Næste efter horisonten: 2016-12-30" in section


def test_horizon_changes_the_list(example):
    assert _items(example, "12m") == [
        ("maalloesning", "2016-12-30", False,
         "Silkeborg Kommune: 15.20.00 Beskæftigelsesindsats i jobcentret – skifte fra KMD Opera til KMD Momentum"),
        ("opsigelse", "2017-01-30", False, "Viborg Kommune: InsuBiz (87.00.00 Arbejdsmiljø, forsikring og arbejdsskader)"),
        ("gate", "2017-02-28", False, "Organisationsetablering (2017–2018): GO/no-GO efter harmoniseringsfasen "
                                      "(planlagt primo 2017)"),
    ]
    # A date works as well; 2017-01-30 is the notice date itself (inclusive).
    assert [i[:2] for i in _items(example, "2017-01-30")] == [("maalloesning", "2016-12-30"), ("opsigelse", "2017-01-30")]
    assert _items(example, "1år") == _items(example, "12m")


def test_notice_date_names_the_joint_window_it_opens(example):
    ctx, result, matrix, plan = example
    items = decisions.decision_items(ctx, result, matrix, plan, dt.date(2017, 6, 1))
    insubiz = next(i for i in items if i.kind == decisions.OPSIGELSE)
    assert "fælles udbudsvindue 2017-04-30 – 2017-12-31 med Silkeborg Kommune, uden planlagt udbud" in insubiz.konsekvens
    assert insubiz.hvem == "Strategisk digitaliseringsforum, Viborg Kommune"
    assert insubiz.href == "#koereplan"
    gate = next(i for i in items if i.kind == decisions.GATE)
    assert gate.hvem == "Kommunaldirektøren, Silkeborg Kommune; Kommunaldirektøren, Viborg Kommune"
    assert gate.href == "#fase-Fase_Organisationsetablering"


def test_every_kind_overdue_first_then_by_date(moved):
    # By hand (horizon 2016-12-01): overdue first – Testprojekt running since 2016-03-01 without
    # Viborg's approval (STY-2), Pilot started 2016-05-01 while its 2016-04-01 point has no outcome;
    # then KMD Opera decided by 2017-12-31 − 18 months = 2016-06-30, the dispensation ending and the
    # InsuBiz notice date, both 2016-09-30, and the Udrulning gate 2016-10-15.
    assert _items(moved) == [
        ("godkendelse", "2016-03-01", True, "Fælles testprojekt: godkendelse i Viborg Kommune"),
        ("gate", "2016-04-01", True, "Pilot <&> forsøg: GO/no-GO til piloten"),
        ("maalloesning", "2016-06-30", False,
         "Silkeborg Kommune: 15.20.00 Beskæftigelsesindsats i jobcentret – skifte fra KMD Opera til KMD Momentum"),
        ("dispensation", "2016-09-30", False, "Dispensation: Silkeborg Løn frem for KMD Opus Løn til udgangen af 2017"),
        ("opsigelse", "2016-09-30", False, "Viborg Kommune: InsuBiz (87.00.00 Arbejdsmiljø, forsikring og arbejdsskader)"),
        ("gate", "2016-10-15", False, "Udrulning: GO/no-GO til udrulningen"),
    ]


def test_overdue_gate_shows_overskredet_and_text_is_escaped(moved):
    html = _html(moved)
    section = _section(html, "til-beslutning")
    row = re.search(r'<tr class="gate overskredet"[^>]*>(.*?)</tr>', section, re.S).group(1)
    assert "2016-04-01" in row and '<span class="flag">overskredet</span>' in row
    assert "Pilot &lt;&amp;&gt; forsøg" in row and "Pilot <&>" not in html
    assert 'href="#fase-Fase_Pilot"' in row
    assert "6 sager, heraf 2 overskredet." in section
    # The link leads somewhere: the phase row and the project row exist further down.
    styring = _section(html, "styring")
    assert 'id="fase-Fase_Pilot"' in styring and 'id="projekt-P_Test"' in styring


def test_dispensation_item_says_what_comes_back(moved):
    ctx, result, matrix, plan = moved
    items = decisions.decision_items(ctx, result, matrix, plan, dt.date(2016, 12, 1))
    d = next(i for i in items if i.kind == decisions.DISPENSATION)
    assert d.konsekvens.startswith("Fra 2016-10-01 er Silkeborg Kommunes Silkeborg Løn igen et fund (HEL-2) "
                                   "mod målløsningen KMD Opus Løn")
    assert d.hvem == "Kommunaldirektøren, Silkeborg Kommune; Kommunaldirektøren, Viborg Kommune"


# --------------------------------------------------------------------------- Styring


def test_phase_status(example, moved):
    ctx = example[0]
    got = {p.label: (p.status, p.gate) for p in decisions.phases(ctx, dt.date(2016, 12, 1))}
    assert got == {"Definering (2015)": ("afsluttet", "gate passeret"),
                   "Harmonisering (2016–2017)": ("i gang", "gate passeret"),
                   "Organisationsetablering (2017–2018)": ("ikke startet", "afventer GO / no-GO")}
    # Within a horizon that reaches its first point the gate is due.
    assert {p.label: p.gate for p in decisions.phases(ctx, dt.date(2017, 6, 1))}[
        "Organisationsetablering (2017–2018)"] == "gate forfalden"
    got = {p.label: (p.status, p.gate) for p in decisions.phases(moved[0], dt.date(2016, 12, 1))}
    assert got["Pilot <&> forsøg"] == ("i gang", "gate overskredet")
    assert got["Udrulning"] == ("ikke startet", "gate forfalden")


def test_no_go_phase(moved, tmp_path):
    root = tmp_path / "models"
    shutil.copytree(MODELS, root)
    (root / "samarbejde" / "nogo.ttl").write_text(EXTRA.replace(
        'ark:dato "2016-04-01"^^xsd:date ;', 'ark:dato "2016-04-01"^^xsd:date ;\n    ark:udfald ark:NoGo ;'),
        encoding="utf-8")
    ctx, _ = report.collect([root], AS_OF)
    assert {p.label: p.gate for p in decisions.phases(ctx, dt.date(2016, 12, 1))}["Pilot <&> forsøg"] == "No-Go"


def test_styring_section_time_line_log_and_projects(example):
    section = _section(_html(example), "styring")
    svg = re.search(r"<svg .*?</svg>", section, re.S).group(0)
    assert "<script" not in svg and "Harmonisering (2016–2017)" in svg and "i gang · gate passeret" in svg
    assert "pr. 2016-06-01" in svg and "horisont 2016-12-01" in svg
    # Decision log: the year up to 2016-06-01, newest first; the 2015-04-27 GO is older.
    log = re.search(r'<table class="beslutningslog">(.*?)</table>', section, re.S).group(1)
    dates = re.findall(r'<td class="dato">(\d{4}-\d{2}-\d{2})</td>', log)
    assert dates[0] == "2016-04-05" and dates[-1] == "2015-09-08" and dates == sorted(dates, reverse=True)
    # 18 decisions: 2 planned for 2017 (not in force), 1 from 2015-04-27 older than a year.
    assert len(dates) == 15 and "1 ældre beslutning vises ikke." in section
    assert "Strategisk digitaliseringsforum, Viborg Kommune</td><td class=\"udfald\">Afvist" in log
    # Projects by status, running first; Viborg's rejection of the care tender was settled by the directors.
    assert section.index("<h4>I gang (5)</h4>") < section.index("<h4>Idé (2)</h4>")
    row = re.search(r'<tr id="projekt-P_Omsorgsudbud">(.*?)</tr>', section, re.S).group(1)
    assert "Viborg Kommune: <span class=\"\">afgjort af direktionen 2016-04-05</span>" in row
    assert "2016-10-03 – 2017-03-01</span> Fælles markedsdialog og miniudbud via SKI 02.19 <em>(ikke startet)</em>" in row
    assert "https://" not in section   # labels, never IRIs


def test_project_without_approval_is_marked(moved):
    section = _section(_html(moved), "styring")
    row = re.search(r'<tr id="projekt-P_Test" class="mangler">(.*?)</tr>', section, re.S).group(1)
    assert 'Viborg Kommune: <span class="flag">mangler godkendelse</span>' in row


# --------------------------------------------------------------------------- every principle (item 7)


def test_every_principle_in_order_with_zero_findings_overholdt(example):
    ctx, result = example[0], example[1]
    rows = data.findings(result, ctx)["by_principle"]
    assert [r["name"] for r in rows] == [
        "Princip 1: Al digitalisering styres efter gevinstkortlægning", "Princip 2: Tænk stort, men start småt",
        "Princip 3: Tænk helhed før lokalt", "Styring", "Afvigelser", "Kontrakttiming", "Modelintegritet",
        "FDA-regel 1.1", "FDA-regel 2.1 og 7.1", "FDA-regel 3.1", "FDA-regel 4.1", "FDA-regel 6.1", "FDA-regel 7.1",
        # the collaboration's own principles (models/regler/), after the shipped ones
        "Silkeborg–Viborg: følsomme data kun med databehandleraftale", "Silkeborg–Viborg: intet nyt lokalt ESDH"]
    zero = {r["name"] for r in rows if r["total"] == 0}
    # The example's findings (README "Kendte fund") touch neither governance nor deviations nor FDA 3.1/6.1/7.1.
    assert zero == {"Styring", "Afvigelser", "Modelintegritet", "FDA-regel 3.1", "FDA-regel 6.1", "FDA-regel 7.1",
                    "Silkeborg–Viborg: intet nyt lokalt ESDH"}
    fund = _section(_html(example), "fund")
    row = re.search(r'<tr class="overholdt"><td>Styring</td>(.*?)</tr>', fund, re.S).group(1)
    assert "overholdt" in row


# --------------------------------------------------------------------------- the option


def test_horizon_parsing():
    assert decisions.horizon(AS_OF, None) == dt.date(2016, 12, 1)
    assert decisions.horizon(AS_OF, "3m") == dt.date(2016, 9, 1)
    assert decisions.horizon(AS_OF, "2år") == dt.date(2018, 6, 1)
    assert decisions.horizon(AS_OF, "2017-01-01") == dt.date(2017, 1, 1)
    # "Forever" dates: past the calendar's end the horizon is its last day, not an error.
    assert decisions.horizon(dt.date(9999, 12, 31), None) == dt.date.max
    for bad, code in (("seks", "ARK-E129"), ("2017-13-01", "ARK-E129"), ("2016-05-31", "ARK-E130")):
        with pytest.raises(UsageError) as err:
            decisions.horizon(AS_OF, bad)
        assert err.value.code == code


@pytest.mark.parametrize("value, code", [("6 uger", "ARK-E129"), ("2015-01-01", "ARK-E130")])
def test_cli_bad_horizon_exits_2_and_writes_nothing(tmp_path, value, code):
    out = tmp_path / "pakke"
    res = CliRunner().invoke(main, ["report", str(MODELS), "-o", str(out), "--as-of", "2016-06-01",
                                    "--horisont", value])
    assert res.exit_code == 2, res.output
    assert code in res.output and "--horisont" in res.output and "Traceback" not in res.output
    assert not out.exists()
