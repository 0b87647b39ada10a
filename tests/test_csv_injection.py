"""Formelinjektion gennem labels / one guarded CSV writer for every command (issue 13).

A label such as ``=HYPERLINK("http://evil","x")`` or ``@SUM(1+1)`` would run as a formula when a
colleague opens the CSV in a spreadsheet. ``divergence``, ``query``, ``roadmap`` and ``export csv``
all write through ``tables.csv_table``, which puts an apostrophe in front of such text.
"""

from __future__ import annotations

import csv
import io

import pytest

from arkitektur import tables
from hostile import assert_no_traceback, copy_models, run, snapshot

HYPERLINK = '=HYPERLINK("http://evil","x")'
SUM = "@SUM(1+1)"
DDE = "-2+3+cmd|' /C calc'!A0"


def _turtle(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


@pytest.fixture
def hostile_models(tmp_path):
    """The example models with a municipality, a system and an integration named like formulas."""
    models = copy_models(tmp_path)
    for rel, old, new in (
        ("silkeborg/kommune.ttl", '"Silkeborg Kommune"@da', HYPERLINK),
        ("samarbejde/katalog.ttl", '    rdfs:label "SBSYS"@da ,', SUM),
        ("silkeborg/integrationer.ttl", '"Silkeborg: Breve: KMD Aktiv → KMD Doc2Mail"@da', DDE),
    ):
        path = models / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        replacement = f'"{_turtle(new)}"@da'
        if old.startswith("    rdfs:label"):
            replacement = f"    rdfs:label {replacement} ,"
        path.write_text(text.replace(old, replacement), encoding="utf-8")
    return models


def cells(text: str, delimiter: str = ",") -> list[str]:
    return [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter) for c in row]


def assert_guarded(text: str, *labels: str, delimiter: str = ",") -> None:
    found = cells(text, delimiter)
    for c in found:
        assert not c.startswith(tables.RISKY_START) or tables._NUMBER.fullmatch(c), f"unguarded cell {c!r}"
    for label in labels:
        assert any(c.startswith("'" + label) for c in found), f"{label!r} not in the output as text"


def test_divergence_csv_neutralises_formula_labels(hostile_models, tmp_path):
    before = snapshot(tmp_path)
    r = run("divergence", hostile_models, "--format", "csv")
    assert r.code == 0, str(r)
    assert_no_traceback(r)
    assert_guarded(r.out, HYPERLINK, SUM)
    assert snapshot(tmp_path) == before


def test_query_csv_neutralises_formula_labels(hostile_models, tmp_path):
    rq = tmp_path / "labels.rq"
    rq.write_text("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                  "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label\n", encoding="utf-8")
    before = snapshot(tmp_path)
    r = run("query", rq, "--path", hostile_models, "--format", "csv")
    assert r.code == 0, str(r)
    assert_no_traceback(r)
    assert_guarded(r.out, HYPERLINK, SUM, DDE)
    assert snapshot(tmp_path) == before


@pytest.mark.slow
def test_roadmap_csv_neutralises_formula_labels(hostile_models, tmp_path):
    before = snapshot(tmp_path)
    r = run("roadmap", hostile_models, "--format", "csv")
    assert r.code == 0, str(r)
    assert_no_traceback(r)
    assert_guarded(r.out, HYPERLINK)
    assert snapshot(tmp_path) == before


def test_export_csv_neutralises_formula_labels(hostile_models, tmp_path):
    out = tmp_path / "ud"
    before = snapshot(hostile_models)
    r = run("export", "csv", hostile_models, "-o", out)
    assert r.code == 0, str(r)
    assert_no_traceback(r)
    written = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.csv")}
    assert set(written) == {"systemanvendelser.csv", "kontrakter.csv", "integrationer.csv"}
    assert_guarded(written["systemanvendelser.csv"], HYPERLINK, delimiter=";")
    assert_guarded(written["integrationer.csv"], DDE, delimiter=";")
    for text in written.values():
        assert_guarded(text, delimiter=";")
    assert snapshot(hostile_models) == before


@pytest.mark.slow
def test_the_exported_csv_imports_back_with_the_labels_unchanged(hostile_models, tmp_path):
    out = tmp_path / "ud"
    assert run("export", "csv", hostile_models, "-o", out).code == 0
    target = tmp_path / "ind.ttl"
    r = run("import", "csv", out / "integrationer.csv", "-o", target, "--kommune", "silkeborg",
            "--base", "https://w3id.org/arkitektur/eksempel/silkeborg#")
    assert r.code == 0, str(r)
    assert_no_traceback(r)
    # The apostrophe is ours: import removes it again, so the label comes back as written.
    assert f'"{_turtle(DDE)}"' in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("value, expected", [
    (HYPERLINK, "'" + HYPERLINK),
    (SUM, "'" + SUM),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("\tfoo", "'\tfoo"),
    ("\r=1", "'\r=1"),
    ("-5", "-5"),
    ("+1.5e3", "+1.5e3"),
    (-5, "-5"),
    ("Silkeborg", "Silkeborg"),
    ("a=b", "a=b"),
    (None, ""),
])
def test_csv_cell(value, expected):
    assert tables.csv_cell(value) == expected
