"""Management spreadsheets (issue 15 item 5): labels instead of code names, a kommune column on every
sheet, Excel dates and amounts with Danish formats, autofilter, frozen header, fitting widths, the
harmonisation matrix with the diagrams' status colours, the findings — and export → import keeps
every triple the sheets carry."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from arkitektur import loader
from arkitektur.check import model_paths, run_check
from arkitektur.cli import main
from arkitektur.interchange import sheets
from arkitektur.interchange.sheets_io import AMOUNT_FORMAT, DATE_FORMAT
from arkitektur.namespaces import ARK
from arkitektur.views import DISPENSATION_STYLE, STATUS_STYLE

# Integration tests that draw with Graphviz or write workbooks: CI runs them; the default run stays
# under a minute (docs/udvikling/konventioner.md, "Tests").
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
FIXTURE = ROOT / "tests" / "data" / "interchange" / "repo"
SHEETS = ["Systemanvendelser", "Kontrakter", "Integrationer", "Harmonisering", "Fund"]
# What the template carries, per class: export → import must give exactly these triples back.
CARRIED = {
    ARK.Systemanvendelse: [RDFS.label, ARK.system, ARK.kommune, ARK.livscyklus, ARK.kontrakt,
                           ARK.understoetterOpgave, ARK.systemejer, ARK.systemansvarlig, DCTERMS.identifier],
    ARK.Kontrakt: [RDFS.label, ARK.leverandoer, ARK.startdato, ARK.udloebsdato, ARK.opsigelsesfrist,
                   ARK.forlaengelseTil, ARK.aarligPris, ARK.databehandleraftale, ARK.kontraktpart],
    ARK.Integration: [RDFS.label, ARK.fra, ARK.til, ARK.via, ARK.moenster, ARK.overfoerer, ARK.retsgrundlag],
}


def _rgb(hex_colour: str) -> str:
    return "00" + hex_colour.lstrip("#").upper()


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    out = tmp_path_factory.mktemp("xlsx") / "ledelse.xlsx"
    r = CliRunner().invoke(main, ["export", "xlsx", str(MODELS), "-o", str(out)])
    assert r.exit_code == 0, r.output
    return load_workbook(out)


def _column(ws, header: str) -> list:
    col = [c.value for c in ws[1]].index(header) + 1
    return [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)]


def test_every_sheet_has_kommune_filter_frozen_header_and_fitting_widths(workbook):
    assert workbook.sheetnames == SHEETS
    for ws in workbook:
        headers = [c.value for c in ws[1]]
        assert "kommune" in headers, ws.title
        assert ws.max_row > 1, ws.title
        assert ws.auto_filter.ref == f"A1:{get_column_letter(len(headers))}{ws.max_row}", ws.title
        assert ws.freeze_panes in ("A2", "B2", "C2"), ws.title
        assert all(c.font.b for c in ws[1])
        for i, h in enumerate(headers, start=1):
            cells = [ws.cell(row=r, column=i).value for r in range(1, ws.max_row + 1)]
            longest = max(len(str(v)) if not hasattr(v, "year") else 10 for v in cells if v is not None)
            width = ws.column_dimensions[get_column_letter(i)].width
            assert width >= min(longest, 58), (ws.title, h, width, longest)
            assert width <= 60
    kommuner = {c.value for c in _column(workbook["Kontrakter"], "kommune")}
    assert "Silkeborg Kommune | Viborg Kommune" in kommuner and "Viborg Kommune" in kommuner


def test_codes_are_labels_and_dates_are_excel_dates(workbook):
    lifecycles = {c.value for c in _column(workbook["Systemanvendelser"], "livscyklus")}
    assert "I drift" in lifecycles and not {"IDrift", "ark:IDrift"} & lifecycles
    patterns = {c.value for c in _column(workbook["Integrationer"], "mønster")}
    assert "Filoverførsel" in patterns and "Filoverfoersel" not in patterns
    expiry = [c for c in _column(workbook["Kontrakter"], "udløb") if c.value is not None]
    assert expiry and all(c.is_date and c.number_format == DATE_FORMAT for c in expiry)
    notice = [c for c in _column(workbook["Kontrakter"], "opsigelse (mdr)") if c.value is not None]
    assert notice and all(isinstance(c.value, int) for c in notice)


def test_matrix_sheet_has_the_diagrams_status_colours(workbook):
    ws = workbook["Harmonisering"]
    statuses = _column(ws, "status")
    disp = _column(ws, "dispensation")
    seen = set()
    for cell, d in zip(statuses, disp):
        style = DISPENSATION_STYLE if d.value else STATUS_STYLE[cell.value]
        assert cell.fill.fgColor.rgb == _rgb(style["fill"]), cell.value
        assert cell.font.color.rgb == _rgb(style["font"]), cell.value
        seen.add("dispenseret" if d.value else cell.value)
    assert {"konvergeret", "planlagt", "divergerende", "dispenseret"} <= seen
    assert ws.freeze_panes == "C2"  # KLE and task stay in view
    assert [c.value for c in ws[1]][:4] == ["KLE", "opgave", "kommune", "status"]
    assert all(c.is_date for c in _column(ws, "senest") if c.value is not None)


def test_findings_sheet_is_the_check(workbook):
    ws = workbook["Fund"]
    result = run_check([MODELS])
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(result.findings)
    first = result.findings[0]
    assert rows[0][:3] == (first.rule, {"violation": "overtrædelse", "warning": "advarsel", "info": "info"}[
        first.severity.label], "Silkeborg Kommune" if first.kommune.endswith("#Silkeborg") else "Viborg Kommune")
    assert rows[0][5] == f"{first.file}:{first.line}"
    dispensed = [r for r in rows if r[6]]
    assert dispensed and all(r[1] == "info" for r in dispensed)
    severities = {c.value: c.fill.fgColor.rgb for c in _column(ws, "alvor")}
    assert severities["overtrædelse"] == "00F4CCCC"


def test_amounts_are_numbers_with_a_kroner_format(tmp_path):
    data, _ = sheets.export_xlsx(loader.load([FIXTURE]))
    (tmp_path / "a.xlsx").write_bytes(data)
    ws = load_workbook(tmp_path / "a.xlsx")["Kontrakter"]
    price = _column(ws, "årlig pris")[0]
    assert price.value == 300000.5 and price.number_format == AMOUNT_FORMAT


def _diff(model, imported) -> list:
    out = []
    for cls, preds in CARRIED.items():
        for s in set(model.subjects(RDF.type, cls)):
            assert (s, RDF.type, cls) in imported, s
            for p in preds:
                a, b = set(model.objects(s, p)), set(imported.objects(s, p))
                if a != b:
                    out.append((s, p, a - b, b - a))
    return out


@pytest.mark.parametrize("lang", ["da", pytest.param("en", marks=pytest.mark.slow)])
def test_round_trip_keeps_every_carried_triple(tmp_path, lang):
    repo = loader.load(model_paths([MODELS]))
    data, _ = sheets.export_xlsx(repo, lang=lang)
    f = tmp_path / "rundtur.xlsx"
    f.write_bytes(data)
    result = sheets.import_file(f, kind="xlsx", repo=model_paths([MODELS]))
    assert _diff(repo.model, result.graph) == []
    assert not result.report.warnings  # every name was found again (KOMBIT as a supplier, too)
    assert (URIRef("https://w3id.org/arkitektur/eksempel/silkeborg#Int_Aktiv_Doc2Mail"), ARK.moenster,
            ARK.Filoverfoersel) in result.graph


def test_round_trip_of_the_hard_fixture_reports_what_it_cannot_keep(tmp_path):
    repo = loader.load([FIXTURE])
    data, report = sheets.export_xlsx(repo, extra=[])
    f = tmp_path / "rundtur.xlsx"
    f.write_bytes(data)
    result = sheets.import_file(f, kind="xlsx", repo=[FIXTURE])
    diff = {(str(s).rsplit("/", 1)[1], str(p).rsplit("#", 1)[1]) for s, p, _, _ in _diff(repo.model, result.graph)}
    # Two values the cells cannot hold exactly: both said in the export's loss report.
    assert diff == {("silkeborg-sbsys", "systemejer"), ("kontrakt-sbsys", "aarligPris")}
    lost = " ".join(report.lost)
    assert "ligner en IRI" in lost and "aarligPris" in lost
    u = URIRef("https://example.org/test/silkeborg-sbsys")
    assert (u, ARK.systemansvarlig, URIRef("https://example.org/test/it-afdelingen")) in result.graph
    two = URIRef("https://example.org/test/int-to-fra")
    assert len(set(result.graph.objects(two, ARK.fra))) == 2
    assert (URIRef("https://example.org/test/silkeborg"), RDFS.label, Literal("Silkeborg Municipality", lang="en")) \
        not in result.graph  # only the sheets' own nodes get names; references stay references


def test_import_skips_the_derived_sheets(tmp_path, workbook):
    f = tmp_path / "ledelse.xlsx"
    workbook.save(f)
    result = sheets.import_file(f, kind="xlsx", repo=model_paths([MODELS]))
    assert not [k for k in result.report.lost if "ikke genkendt" in k or "Harmonisering" in k or "Fund" in k]
    assert sum("afledt" in n for n in result.report.notes) == 2


def test_csv_has_the_same_labels(tmp_path):
    r = CliRunner().invoke(main, ["export", "csv", str(MODELS), "-o", str(tmp_path / "csv")])
    assert r.exit_code == 0, r.output
    usages = (tmp_path / "csv" / "systemanvendelser.csv").read_text(encoding="utf-8-sig")
    integrations = (tmp_path / "csv" / "integrationer.csv").read_text(encoding="utf-8-sig")
    assert ";I drift;" in usages and "IDrift" not in usages
    assert ";Filoverførsel;" in integrations and "Filoverfoersel" not in integrations
    contracts = (tmp_path / "csv" / "kontrakter.csv").read_text(encoding="utf-8-sig")
    assert contracts.splitlines()[0].startswith("id;navn;kommune;")


def test_import_reads_labels_in_danish_and_english_and_code_names(tmp_path):
    f = tmp_path / "integrationer.csv"
    f.write_text("id;navn;fra;til;mønster\n"
                 "ex:a;A;ex:x;ex:y;File transfer\nex:b;B;ex:x;ex:y;Filoverfoersel\nex:c;C;ex:x;ex:y;Filoverførsel\n",
                 encoding="utf-8")
    g = sheets.import_file(f, kind="csv").graph
    assert set(g.subjects(ARK.moenster, ARK.Filoverfoersel)) == {URIRef(f"https://example.org/{x}") for x in "abc"}
    f = tmp_path / "systemanvendelser.csv"
    f.write_text("id;kommune;system;livscyklus\nex:u1;ex:k;ex:s;In operation\nex:u2;ex:k;ex:s;IDrift\n"
                 "ex:u3;ex:k;ex:s;Being introduced\nex:u4;ex:k;ex:s;Udfases\n", encoding="utf-8")
    g = sheets.import_file(f, kind="csv").graph
    got = {str(s).rsplit("/", 1)[1]: o for s, o in g.subject_objects(ARK.livscyklus)}
    assert got == {"u1": ARK.IDrift, "u2": ARK.IDrift, "u3": ARK.Indfases, "u4": ARK.Udfases}
    assert (URIRef("https://example.org/u1"), RDF.type, ARK.Systemanvendelse) in g


@pytest.mark.slow
def test_kommune_by_name_filters_every_sheet(tmp_path):
    out = tmp_path / "viborg.xlsx"
    r = CliRunner().invoke(main, ["export", "xlsx", str(MODELS), "-o", str(out), "--kommune", "Viborg"])
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    for ws in wb:
        values = {c.value for c in _column(ws, "kommune")}
        assert values and all("Viborg Kommune" in v for v in values), (ws.title, values)
    assert {c.value for c in _column(wb["Harmonisering"], "kommune")} == {"Viborg Kommune"}
    r = CliRunner().invoke(main, ["export", "xlsx", str(MODELS), "-o", str(tmp_path / "x.xlsx"), "--kommune", "Aarhus"])
    assert r.exit_code == 2 and "ARK-E103" in r.output and not (tmp_path / "x.xlsx").exists()


@pytest.mark.slow
def test_english_export_has_english_headers_and_reads_back(tmp_path):
    """export xlsx/csv --lang en (issue 15 item 6): English headers, codes and severities; the sheet
    names stay, and import reads the English workbook back to the same triples."""
    from arkitektur.interchange.sheets.layout import TEMPLATE_EN
    from arkitektur.interchange.sheets.overview import FINDINGS_HEADERS_EN, MATRIX_HEADERS_EN

    out = tmp_path / "management.xlsx"
    r = CliRunner().invoke(main, ["export", "xlsx", str(MODELS), "-o", str(out), "--lang", "en"])
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    assert wb.sheetnames == SHEETS
    for name in ("Systemanvendelser", "Kontrakter", "Integrationer"):
        assert [c.value for c in wb[name][1]] == TEMPLATE_EN[name]
    assert [c.value for c in wb["Harmonisering"][1]] == MATRIX_HEADERS_EN
    assert [c.value for c in wb["Fund"][1]] == FINDINGS_HEADERS_EN
    assert {c.value for c in _column(wb["Systemanvendelser"], "lifecycle")} >= {"In operation"}
    assert {c.value for c in _column(wb["Kontrakter"], "data processing agreement")} - {None} <= {"yes", "no"}
    prices = [c for c in _column(wb["Kontrakter"], "annual price") if isinstance(c.value, (int, float))]
    assert prices and all(c.number_format == AMOUNT_FORMAT for c in prices)
    assert "violation" in {c.value for c in _column(wb["Fund"], "severity")}
    result = sheets.import_file(out, kind="xlsx", repo=model_paths([MODELS]))
    assert _diff(loader.load(model_paths([MODELS])).model, result.graph) == []
    assert not [w for w in result.report.lost if "kolonnen" in str(w)]  # every English column was known

    r = CliRunner().invoke(main, ["export", "csv", str(MODELS), "-o", str(tmp_path / "csv"), "--lang", "en"])
    assert r.exit_code == 0, r.output
    head = (tmp_path / "csv" / "kontrakter.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert head.split(";") == TEMPLATE_EN["Kontrakter"]
