"""``arkitektur report``: the meeting pack's content, benefits per type and year, escaping and atomic writing."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal

from arkitektur import report
from arkitektur.check import prepare
from arkitektur.cli import main
from arkitektur.errors import ArkitekturError
from arkitektur.findings import CheckResult, Finding, Severity

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
AS_OF = dt.date(2016, 6, 1)
SK = "https://w3id.org/arkitektur/eksempel/silkeborg#"
VI = "https://w3id.org/arkitektur/eksempel/viborg#"
SAM = "https://w3id.org/arkitektur/eksempel/samarbejde#"
HAS_DOT = shutil.which("dot") is not None


def example_result() -> CheckResult:
    """The example's known findings in short (README "Kendte fund"), without running pySHACL."""
    f = [
        Finding(rule="FDA-2.1", severity=Severity.VIOLATION, focus=SK + "Int_CPR_SilkeborgLoen",
                message="Grunddata hentes uden om Serviceplatformen.", label="Silkeborg: CPR-udtræk direkte til Silkeborg Løn",
                kommune=SK + "Silkeborg", file="models/silkeborg/integrationer.ttl", line=35),
        Finding(rule="HEL-2", severity=Severity.VIOLATION, focus=VI + "Prisme", message="Økonomi skal være KMD Opus Økonomi.",
                label="Viborg: Prisme", kommune=VI + "Viborg", file="models/viborg/systemanvendelser.ttl", line=300),
        Finding(rule="STY-1", severity=Severity.VIOLATION, focus=SK + "Fleetsched", message="Mangler systemansvarlig.",
                label="Silkeborg: Fleetsched", kommune=SK + "Silkeborg", file="models/silkeborg/systemanvendelser.ttl",
                line=120),
        Finding(rule="SMA-1", severity=Severity.WARNING, focus=SAM + "P_Kompetencer", message="Projekt uden mål.",
                label="Kompetenceudvikling", file="models/samarbejde/projekter.ttl", line=40),
        Finding(rule="HEL-2", severity=Severity.INFO, focus=SK + "SilkeborgLoen", message="Dispensation.",
                label="Silkeborg: Silkeborg Løn", kommune=SK + "Silkeborg", file="models/silkeborg/systemanvendelser.ttl",
                line=330, dispensation=SAM + "Dispensation_SilkeborgLoen"),
    ]
    return CheckResult(as_of=AS_OF.isoformat(), findings=f, files=["x.ttl"] * 19)


@pytest.fixture(scope="module")
def ctx():
    return prepare([MODELS], AS_OF)


@pytest.fixture(scope="module")
def pack(ctx):
    return report.build_pack(ctx, example_result())


class _Attrs(HTMLParser):
    """Every tag and attribute of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _hostile_model() -> str:
    """The hostile model of test_render.py (one copy, so diagrams and pack are tested on the same data)."""
    spec = importlib.util.spec_from_file_location("_test_render_ond", Path(__file__).with_name("test_render.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.HOSTILE


def parse(html: str) -> _Attrs:
    p = _Attrs()
    p.feed(html)
    return p


# --------------------------------------------------------------------------- benefits


def test_realisation_years_ranges_and_events():
    from rdflib.namespace import XSD
    assert report.realisation(Literal("2015", datatype=XSD.gYear)) == (2015, "2015")
    assert report.realisation(Literal("2017-03-01", datatype=XSD.date)) == (2017, "2017")
    assert report.realisation(Literal("2016-2017")) == (2016, "2016")      # a range counts in its first year
    assert report.realisation(Literal("2016–2017")) == (2016, "2016")
    assert report.realisation(Literal("fra første projekt")) == (None, "fra første projekt")
    assert report.realisation(None) == (None, "ikke angivet")


def test_benefits_of_the_memo_per_type_and_year(ctx):
    items = report.benefits(ctx.graph)
    assert len(items) == 13
    assert [b.label.split(".")[0] for b in items] == [str(i) for i in range(1, 14)]
    per_type = {}
    for b in items:
        per_type[b.type_label] = per_type.get(b.type_label, 0) + 1
    assert per_type == {"Strategisk": 4, "Økonomisk": 4, "Organisatorisk": 3, "Teknologisk": 2}
    assert report.benefit_columns(items) == ["2015", "2016", "2017", "2018", "fra første projekt", "fra første udbud"]
    g1 = items[0]
    assert g1.realiseres == "2016-2017" and g1.column == "2016" and g1.projekter


# --------------------------------------------------------------------------- the page


def test_pack_has_every_section_figure_and_diagram(pack):
    html = pack.html
    p = parse(html)
    ids = [a.get("id") for _, a in p.tags if a.get("id")]
    for section in ("noegletal", "fund", "harmonisering", "koereplan", "gevinster", "diagrammer"):
        assert section in ids
    first = html[html.index('id="noegletal"'):html.index('id="fund"')]
    assert 1 <= first.count("data-figur=") <= 6
    for figure in ("62,5 %", "66,7 %", "58,3 %", ">3<", ">21<", ">13<"):
        assert figure in first, figure
    assert '<html lang="da">' in html
    if HAS_DOT:
        # The seven diagrams, plus the Udvikling chart and the phases' time line drawn by the template.
        assert html.count("<svg") - html.count('<figure class="tidslinje">') == 7 + 1 and not pack.notes
        for d in pack.diagrams:
            assert d.svg and f'id="diagram-{d.name}"' in html
    assert [d.name for d in pack.diagrams] == ["landskab-silkeborg", "landskab-viborg", "integrationer", "dataflow",
                                               "harmonisering", "maal", "roadmap"]


def test_pack_needs_no_network(pack):
    html = pack.html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"<script|<link|<iframe|<img|@import|url\(\s*['\"]?https?:", html, re.I)
    for tag, attrs in parse(html).tags:
        if tag in ("svg",) or tag.startswith("svg"):
            continue
        src = attrs.get("src")
        assert src is None, (tag, src)
        href = attrs.get("href") or attrs.get("xlink:href")
        if href and tag == "a":
            assert href.startswith(("#", "diagrammer/", "http://www.kle-online.dk/")), href


def test_matrix_findings_and_benefits_are_in_the_pack(pack):
    html = pack.html
    matrix = html[html.index('id="harmonisering"'):html.index('id="koereplan"')]
    # Silkeborg Løn is dispensed (issue 14): its own class, not among the red ones.
    assert matrix.count('class="divergerende"') == 2 and matrix.count('class="planlagt"') == 6
    assert matrix.count('class="dispenseret"') == 1
    assert matrix.count('class="konvergeret"') == 15
    fund = html[html.index('id="fund"'):html.index('id="harmonisering"')]
    assert "Princip 3: Tænk helhed før lokalt" in fund and "Viborg Kommune" in fund and "Samarbejdet (fælles)" in fund
    assert "dispensation:" in fund
    gev = html[html.index('id="gevinster"'):html.index('id="diagrammer"')]
    assert "<th>fra første projekt</th>" in gev and "<th>fra første udbud</th>" in gev
    road = html[html.index('id="koereplan"'):html.index('id="gevinster"')]
    assert "Fælles udbudsvinduer (21)" in road and "InsuBiz" in road


def test_hostile_labels_come_out_as_text_in_html(tmp_path):
    (tmp_path / "ond.ttl").write_text(_hostile_model(), encoding="utf-8")
    ctx = prepare([tmp_path], AS_OF)
    evil = Finding(rule="HEL-2", severity=Severity.VIOLATION, focus="javascript:alert(1)",
                   message='<img src=x onerror=alert(1)> "javascript:alert(2)"', label="<script>alert(1)</script>",
                   kommune="https://example.org/Ond", file="<b>ond.ttl</b>", line=1)
    pack = report.build_pack(ctx, CheckResult(as_of=AS_OF.isoformat(), findings=[evil], files=["ond.ttl"]))
    html = pack.html
    assert not re.search(r"<script|<img|<b>|<i>S", html, re.I)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Ond &amp; &lt;b&gt;Kommune&lt;/b&gt;" in html
    for tag, attrs in parse(html).tags:
        assert not [k for k in attrs if k.lower().startswith("on")], (tag, attrs)
        for k, v in attrs.items():
            if k.lower() in ("href", "xlink:href", "src", "action"):
                assert not (v or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")), (tag, k, v)
    text = "".join(parse(html).text)
    assert "<script>alert(1)</script>" in text  # shown to the reader, literally


def test_unsafe_svg_is_refused():
    bad = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(report.UnsafeSvg):
        report.inline_svg(bad, "x")
    bad = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
           b'<a xlink:href="javascript:alert(1)"><text>x</text></a></svg>')
    with pytest.raises(report.UnsafeSvg):
        report.inline_svg(bad, "x")
    ok = report.inline_svg(b'<?xml version="1.0"?><!-- c --><svg xmlns="http://www.w3.org/2000/svg"><g id="a"/></svg>', "p")
    assert ok.startswith("<svg") and 'id="p-a"' in ok


# --------------------------------------------------------------------------- writing


def test_write_creates_replaces_and_refuses(pack, tmp_path):
    out = tmp_path / "moede"
    index = report.write_pack(pack, out)
    assert index == out / "index.html" and index.read_text(encoding="utf-8") == pack.html
    assert (out / report.MARKER).exists()
    if HAS_DOT:
        assert sorted(p.name for p in (out / "diagrammer").iterdir()) == sorted(f"{d.name}.svg" for d in pack.diagrams)
    (out / "index.html").write_text("gammel", encoding="utf-8")
    report.write_pack(pack, out)                       # an earlier pack is replaced
    assert (out / "index.html").read_text(encoding="utf-8") == pack.html
    other = tmp_path / "andet"
    other.mkdir()
    (other / "vigtig.txt").write_text("behold mig", encoding="utf-8")
    with pytest.raises(ArkitekturError) as exc:
        report.write_pack(pack, other)
    assert exc.value.code == "ARK-E108" and (other / "vigtig.txt").read_text(encoding="utf-8") == "behold mig"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["andet", "moede"]


def test_write_leaves_nothing_half_written(pack, tmp_path, monkeypatch):
    def broken(fd):
        raise OSError(28, "disken er fuld")

    out = tmp_path / "ny"
    old = tmp_path / "gammel"
    report.write_pack(pack, old)
    before = (old / "index.html").read_text(encoding="utf-8")
    monkeypatch.setattr(os, "fsync", broken)   # every file of the pack is fsynced before the swap
    for target in (out, old):
        with pytest.raises(ArkitekturError) as exc:
            report.write_pack(pack, target)
        assert exc.value.code == "ARK-E42"
    assert not out.exists()
    assert (old / "index.html").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gammel"]   # no temporary folders left


@pytest.mark.slow
def test_cli_report_writes_the_pack(tmp_path, monkeypatch):
    monkeypatch.setattr(report.data, "evaluate", lambda ctx, lang: list(example_result().findings))
    out = tmp_path / "pakke"
    res = CliRunner().invoke(main, ["report", str(MODELS), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "index.html").exists() and "mødepakke pr. 2016-06-01: 5 fund" in res.output
    (tmp_path / "fil").write_text("x", encoding="utf-8")
    res = CliRunner().invoke(main, ["report", str(MODELS), "-o", str(tmp_path / "fil")])
    assert res.exit_code == 2 and "ARK-E108" in res.output


def test_without_graphviz_the_pack_says_so_instead_of_failing(ctx, tmp_path, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    pack = report.build_pack(ctx, example_result())
    assert len(pack.notes) == 7 and all("apt-get install graphviz" in n for n in pack.notes)
    # Only the Udvikling chart and the phases' time line (drawn without Graphviz) are left.
    assert pack.html.count('<figure class="tidslinje">') == 1 and pack.html.count("<svg") == 2
    assert pack.html.count('class="diagram mangler"') == 7
    index = report.write_pack(pack, tmp_path / "pakke")
    assert index.exists() and not any((tmp_path / "pakke" / "diagrammer").iterdir())


# --------------------------------------------------------------------------- issue 14: one truth

DISP = "dispensation til 2017-12-31"


def test_key_figure_counts_the_dispensed_target_apart(pack):
    html = pack.html
    card = html[html.index('data-figur="3"'):]
    card = card[:card.index("</div>")]
    assert "Målløsninger uden plan" in card and '<p class="tal">3</p>' in card
    assert f"3 uden plan, heraf 1 med {DISP}" in card
    assert f"Silkeborg Kommune: 81.00.00 Løn og personaleadministration (§ {DISP})" in card
    # The two the checker rates as violations come first.
    assert card.index("KMD Opera") < card.index("Løn og") and card.index("Prisme") < card.index("Løn og")


def test_matrix_cell_of_silkeborg_loen_is_dispensed(pack):
    html = pack.html
    matrix = html[html.index('id="harmonisering"'):html.index('id="koereplan"')]
    cell = matrix[matrix.index('<td class="dispenseret">'):]
    cell = cell[:cell.index("</td>")]
    assert "Silkeborg Løn" in cell and DISP in cell and "divergerende" in cell and "ingen plan" not in cell


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz (dot) er ikke installeret")
@pytest.mark.slow
def test_three_members_pack_shows_ikke_registreret(tmp_path):
    from hostile import assert_no_traceback, copy_models, run, snapshot

    models = copy_models(tmp_path)
    r = run("new", "kommune", "Skive", "--kode", "779", "--fra", "2016-01-01", "--dir", str(models))
    assert r.code == 0, r.err
    before = snapshot(models)
    r = run("report", str(models), "-o", str(tmp_path / "pakke"))
    assert_no_traceback(r)
    assert r.code == 0, r.err
    html = (tmp_path / "pakke" / "index.html").read_text(encoding="utf-8")
    matrix = html[html.index('id="harmonisering"'):html.index('id="koereplan"')]
    assert "<th>Skive Kommune</th>" in matrix
    assert matrix.count('class="ikke-registreret"') == 12 and matrix.count('class="divergerende"') == 2
    card = html[html.index('data-figur="3"'):]
    card = card[:card.index("</div>")]
    assert f"15 uden plan, heraf 1 med {DISP} og 12 ikke registreret" in card
    assert snapshot(models) == before
