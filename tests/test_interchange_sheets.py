"""Spreadsheets: KITOS' Excel layout by header text, Danish dates, our template both ways, formula
injection on export, and hostile files (formulas, zip bomb, DTD) refused with exit 2 and nothing written."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
import rdflib
import rdflib.namespace as rns
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from rdflib import Literal, URIRef

from arkitektur import loader
from arkitektur.cli import main
from arkitektur.interchange import sheets
from arkitektur.namespaces import ARK

FIXTURE = Path(__file__).resolve().parent / "data" / "interchange" / "repo"
KOMMUNE = "https://example.org/test/silkeborg"
SBSYS_UUID = "c0000000-0000-4000-8000-000000000001"
D = lambda s: Literal(s, datatype=rns.XSD.date)  # noqa: E731


def kitos_workbook(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "IT Systemer i anvendelse"
    # KITOS writes the user's visible columns in the user's order: map by header, not position.
    ws.append(["Livscyklus", "Systemejer", "IT System", "Systemejer (e-mail)", "KLE ID", "IT-System (UUID)",
               "Ibrugtagningsdato", "Slutdato for anvendelse", "Dato for seneste risikovurdering", "Leverandør",
               "Noter"])
    ws.append(["I drift", "Jens Hansen", "SBSYS", "jh@silkeborg.dk", "00.01.10, 00.01.00", SBSYS_UUID,
               "01-01-2016", None, "31.03.2019", "Fujitsu A/S", "Fælles ESDH"])
    ws.append(["Under afprøvning", None, "Nexus", None, "27.24.00", "c0000000-0000-4000-8000-000000000004",
               None, None, None, None, None])
    ws.append(["Ikke i drift", None, "KMD Opus", None, None, "c0000000-0000-4000-8000-000000000002",
               "01-01-2010", "31-12-2018", dt.datetime(2018, 5, 1), "KMD A/S", None])
    ks = wb.create_sheet("IT Kontrakter")
    ks.append(["Kontrakt ID", "Gyldig til", "IT Kontrakt", "Gyldig fra", "Leverandør", "Opsigelse (måneder)",
               "Drift/år", "Genanskaffelsesplan", "IT Systemer (UUID)", "Uopsigelig til"])
    ks.append(["K-1", dt.datetime(2019, 12, 31), "SBSYS drift", "01-01-2016", "Fujitsu A/S", "6", "250.000,50",
               "Q2 | 2019", SBSYS_UUID, "31-12-2017"])
    wb.save(path)


def run(*args):
    r = CliRunner().invoke(main, [*map(str, args)])
    return r.exit_code, r.stdout, r.stderr


def test_kitos_excel_layout_imports(tmp_path):
    f = tmp_path / "kitos.xlsx"
    kitos_workbook(f)
    out = tmp_path / "ud.ttl"
    code, stdout, err = run("import", "xlsx", f, "--kommune", KOMMUNE, "-o", out)
    assert code == 0, err
    g = loader.load([out]).model
    base = "https://w3id.org/arkitektur/import/kitos-excel/"
    usage = next(s for s in g.subjects(ARK.system, URIRef(f"https://w3id.org/arkitektur/kitos/it-system/{SBSYS_UUID}")))
    assert str(usage).startswith(base)
    assert (usage, ARK.livscyklus, ARK.IDrift) in g
    assert (usage, ARK.kommune, URIRef(KOMMUNE)) in g
    assert (usage, ARK.systemejer, Literal("Jens Hansen")) in g
    assert (usage, ARK.risikovurderet, D("2019-03-31")) in g
    assert len(set(g.objects(usage, ARK.understoetterOpgave))) == 2
    lifecycles = set(g.objects(None, ARK.livscyklus))
    assert {ARK.IDrift, ARK.Indfases, ARK.Udfaset} <= lifecycles  # 'Ikke i drift' with a past end: Udfaset
    contract = next(g.subjects(rns.RDFS.label, Literal("SBSYS drift", lang="da")))
    assert (contract, ARK.udloebsdato, D("2019-12-31")) in g
    assert (contract, ARK.startdato, D("2016-01-01")) in g
    assert (contract, ARK.aarligPris, Literal("250000.50", datatype=rns.XSD.decimal)) in g
    assert (contract, ARK.opsigelsesfrist, Literal("P6M", datatype=rns.XSD.duration)) in g
    assert (usage, ARK.kontrakt, contract) in g
    assert (URIRef(f"{contract}/udbud"), ARK.planlagtDato, D("2019-04-01")) in g
    assert "Uopsigelig til" in stdout and "Noter" in stdout  # columns without a place are reported


def test_kitos_csv_layout_in_windows_1252(tmp_path):
    f = tmp_path / "kitos.csv"
    text = "IT System;Livscyklus;IT-System (UUID);Ibrugtagningsdato\r\nSBSYS;Under udfasning;%s;31.12.2015\r\n" % SBSYS_UUID
    f.write_bytes(text.encode("cp1252"))
    result = sheets.import_file(f, kind="csv", kommune=KOMMUNE)
    assert ARK.Udfases in set(result.graph.objects(None, ARK.livscyklus))
    assert any("ibrugtagning" in k for k in result.report.lost)


def test_kitos_layout_needs_a_municipality(tmp_path):
    f = tmp_path / "kitos.xlsx"
    kitos_workbook(f)
    code, _, err = run("import", "xlsx", f)
    assert code == 2 and "--kommune" in err


def test_template_round_trip(tmp_path):
    repo = loader.load([FIXTURE])
    data, _ = sheets.export_xlsx(repo)
    f = tmp_path / "skabelon.xlsx"
    f.write_bytes(data)
    result = sheets.import_file(f, kind="xlsx", repo=[FIXTURE])
    g, m = result.graph, repo.model
    for u in m.subjects(rns.RDF.type, ARK.Systemanvendelse):
        for p in (ARK.system, ARK.kommune, ARK.livscyklus, ARK.kontrakt, ARK.understoetterOpgave):
            assert set(g.objects(u, p)) == set(m.objects(u, p)), (u, p)
    k = URIRef("https://example.org/test/kontrakt-sbsys")
    for p in (ARK.startdato, ARK.udloebsdato, ARK.opsigelsesfrist, ARK.leverandoer, ARK.databehandleraftale,
              ARK.kontraktpart):
        assert set(g.objects(k, p)) == set(m.objects(k, p)), p
    i = URIRef("https://example.org/test/int-cpr")
    for p in (ARK.fra, ARK.til, ARK.via, ARK.moenster, ARK.overfoerer, ARK.retsgrundlag):
        assert set(g.objects(i, p)) == set(m.objects(i, p)), p


RISKY = '=HYPERLINK("http://evil.example","klik")'


def _risky_repo(tmp_path: Path) -> Path:
    f = tmp_path / "farlig.ttl"
    risky = RISKY.replace('"', '\\"')
    f.write_text(
        "@prefix ark: <https://w3id.org/arkitektur/ontologi#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://example.org/k> a ark:Kommune ; rdfs:label "Kommune"@da .\n'
        '<https://example.org/s> a ark:ItSystem ; rdfs:label "System"@da .\n'
        '<https://example.org/u> a ark:Systemanvendelse ; rdfs:label "-1+2"@da ;\n'
        f'    ark:kommune <https://example.org/k> ; ark:system <https://example.org/s> ; ark:systemejer "{risky}" ;\n'
        '    ark:systemansvarlig "@SUM(A1)" .\n', encoding="utf-8")
    return f


def test_export_writes_formula_like_cells_as_text(tmp_path):
    src = _risky_repo(tmp_path)
    code, _, err = run("export", "xlsx", src, "-o", tmp_path / "a.xlsx")
    assert code == 0, err
    ws = load_workbook(tmp_path / "a.xlsx")["Systemanvendelser"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str) and c.value[:1] in "=@-"]
    assert cells and all(c.data_type == "s" for c in cells)
    code, _, err = run("export", "csv", src, "-o", tmp_path / "csv")
    assert code == 0, err
    text = (tmp_path / "csv" / "systemanvendelser.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM" in text and "'-1+2" in text
    # our own escaped csv imports back to the exact values
    result = sheets.import_file(tmp_path / "csv" / "systemanvendelser.csv", kind="csv")
    g = result.graph
    assert {str(o) for o in g.objects(None, ARK.systemejer)} == {RISKY}
    assert {str(o) for o in g.objects(None, ARK.systemansvarlig)} == {"@SUM(A1)"}
    assert {str(o) for o in g.objects(None, rns.RDFS.label)} >= {"-1+2"}


def _zip(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def _hostile(tmp_path: Path, kind: str) -> Path:
    if kind == "formula.xlsx":
        wb = Workbook()
        wb.active.append(["IT System", "Livscyklus"])
        wb.active.append(['=WEBSERVICE("http://evil.example")', "I drift"])
        f = tmp_path / kind
        wb.save(f)
        return f
    if kind == "zipbomb.xlsx":
        f = tmp_path / kind
        _zip(f, {"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"\0" * (20 * 1024 * 1024)})
        return f
    if kind == "doctype.xlsx":
        wb = Workbook()
        wb.active.append(["IT System", "Livscyklus"])
        buf = io.BytesIO()
        wb.save(buf)
        f = tmp_path / kind
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(f, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "xl/worksheets/sheet1.xml":
                    dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
                    data = data.replace(b"?>", b"?>" + dtd, 1) if data.startswith(b"<?xml") else dtd + data
                dst.writestr(info, data)
        return f
    if kind == "formula.csv":
        f = tmp_path / kind
        f.write_text("IT System;Livscyklus\r\n=cmd|' /C calc'!A0;I drift\r\n", encoding="utf-8")
        return f
    if kind == "notzip.xlsx":
        f = tmp_path / kind
        f.write_bytes(b"PK\x03\x04 not really")
        return f
    raise AssertionError(kind)


@pytest.mark.parametrize("kind,code_id", [("formula.xlsx", "ARK-E78"), ("zipbomb.xlsx", "ARK-E74"),
                                          ("doctype.xlsx", "ARK-E70"), ("formula.csv", "ARK-E78"),
                                          ("notzip.xlsx", "ARK-E73")])
def test_hostile_spreadsheets_are_refused(tmp_path, kind, code_id):
    f = _hostile(tmp_path, kind)
    out = tmp_path / "ud"
    code, stdout, err = run("import", kind.rsplit(".", 1)[1], f, "--kommune", KOMMUNE, "-o", out)
    assert code == 2, (stdout, err)
    assert code_id in err
    assert not out.exists()


def test_values():
    assert sheets.parse_date("31-12-2019") == dt.date(2019, 12, 31)
    assert sheets.parse_date("31.12.2019") == dt.date(2019, 12, 31)
    assert sheets.parse_date("2019-12-31") == dt.date(2019, 12, 31)
    assert sheets.parse_date(43830) == dt.date(2019, 12, 31)
    assert sheets.parse_date("31-02-2019") is None
    assert str(sheets.parse_decimal("1.234.567,50")) == "1234567.50"
    assert str(sheets.parse_decimal("250000")) == "250000"
    assert sheets.months("P1Y6M") == 18 and sheets.months("6") == 6
    from arkitektur.interchange.sheets_io import formula_like

    assert formula_like("=1+1") and formula_like("@SUM(A1)") and formula_like("+cmd|x")
    assert not formula_like("-") and not formula_like("+45 12 34 56 78") and not formula_like("-5")


def test_an_ambiguous_name_is_warned_about_and_not_carried_over(tmp_path):
    """Two suppliers called "Fujitsu A/S" in the repository: the contract's and the system's
    supplier cannot be chosen – reported as not carried over, no triple, and never a crash (it was an
    AssertionError)."""
    repo = loader.load([FIXTURE])
    data, _ = sheets.export_xlsx(repo)
    f = tmp_path / "skabelon.xlsx"
    f.write_bytes(data)
    twin = tmp_path / "repo"
    twin.mkdir()
    (twin / "model.ttl").write_bytes((FIXTURE / "model.ttl").read_bytes())
    (twin / "tvilling.ttl").write_text(
        "@prefix ark: <https://w3id.org/arkitektur/ontologi#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://example.org/test/fujitsu-2> a ark:Leverandoer ; rdfs:label "Fujitsu A/S"@da .\n',
        encoding="utf-8")
    result = sheets.import_file(f, kind="xlsx", repo=[twin])
    lost = [what for what in result.report.lost if "flere noder" in what]
    assert lost and result.report.examples[lost[0]] == "Fujitsu A/S"
    k = URIRef("https://example.org/test/kontrakt-sbsys")
    assert (k, rns.RDF.type, ARK.Kontrakt) in result.graph
    assert list(result.graph.objects(k, ARK.leverandoer)) == []
    assert list(result.graph.objects(URIRef("https://example.org/test/sbsys"), ARK.leverandoer)) == []


@pytest.mark.slow
def test_import_repo_leaves_out_the_own_rules_examples(tmp_path):
    """``import xlsx --repo models/`` on the repository's own export: every supplier is found once –
    the own rules' examples (regler/eksempler) describe "KMD A/S" again, and made it ambiguous
    (an internal error before)."""
    models = Path(__file__).resolve().parents[1] / "models"
    book, out = tmp_path / "m.xlsx", tmp_path / "m.ttl"
    runner = CliRunner()
    res = runner.invoke(main, ["export", "xlsx", str(models), "-o", str(book)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["import", "xlsx", str(book), "--repo", str(models), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "flere noder" not in res.output and "intern fejl" not in res.output
    g = rdflib.Graph().parse(out)
    kmd = URIRef("https://w3id.org/arkitektur/eksempel/samarbejde#Lev_KMD")
    assert (None, ARK.leverandoer, kmd) in g
