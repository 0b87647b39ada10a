"""Injection through labels into every output format (issue 13, "Keep it true").

A hostile architect (or an imported file) can put anything in an rdfs:label. Each format that shows
labels must stay well formed and inert: JSON and SARIF parse, XML (JUnit, SVG, ArchiMate) parses,
GitHub annotations stay one command per line, HTML carries no live markup, DOT keeps its structure,
CSV and spreadsheets run no formula. Real commands in child processes on a copy of the example.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import zipfile

import pytest
from defusedxml import ElementTree

from hostile import assert_no_traceback, copy_models, run, snapshot

# What a label can do to each format: close an HTML element and open a script, break out of a DOT
# string, start a workflow command on a new line, start a spreadsheet formula, close a Markdown table
# cell, and carry control and bidirectional characters.
EVIL = ('=HYPERLINK("http://evil.example","x")</td></title><script>alert(1)</script>'
        '"]; evil [label="x" ::error file=x::owned | cell ` \\n\u202e\u0007')
EVIL_TTL = EVIL.replace("\\", "\\\\").replace('"', '\\"').replace("\u0007", "\\u0007")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    models = copy_models(tmp_path_factory.mktemp("hostile"))
    for rel, old in (("silkeborg/systemanvendelser.ttl", '"Silkeborg: Fleetsched"@da'),
                     ("samarbejde/katalog.ttl", '"KMD Opera"@da')):
        path = models / rel
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, f'"{EVIL_TTL}"@da', 1), encoding="utf-8")
    return models


def _ok(r, codes=(0, 1)):
    assert r.code in codes, str(r)
    assert_no_traceback(r)


def _no_live_markup(text: str) -> None:
    assert "<script>alert(1)</script>" not in text
    assert "</td></title>" not in text


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "markdown", "github"])
def test_check_formats_stay_well_formed(hostile, fmt):
    before = snapshot(hostile)
    r = run("check", hostile, "--format", fmt)
    _ok(r)
    assert snapshot(hostile) == before
    if fmt in ("json", "sarif"):
        json.loads(r.out)
    elif fmt == "junit":
        ElementTree.fromstring(r.out.encode("utf-8"))
    elif fmt == "github":
        commands = [line for line in r.out.splitlines() if line.startswith("::")]
        assert commands and all(re.match(r"^::(error|warning|notice) ", c) for c in commands)
        assert "::error file=x::owned" not in r.out  # the label's own command stays inside its message
        assert all(line.startswith("::") or line.startswith("arkitektur:") for line in r.out.splitlines())
    elif fmt == "markdown":
        _no_live_markup(r.out)
        assert "| cell" not in r.out.replace("\\| cell", "")  # a pipe in a label cannot open a cell
    assert "\u0007" not in r.out  # no raw control character reaches a terminal or a file


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "text"])
@pytest.mark.slow
def test_divergence_and_roadmap_formats(hostile, fmt):
    for command in ("divergence", "roadmap"):
        r = run(command, hostile, "--format", fmt)
        _ok(r)
        if fmt == "json":
            json.loads(r.out)
        if fmt == "csv":
            for row in csv.reader(io.StringIO(r.out), delimiter=";" if r.out.count(";") > r.out.count(",") else ","):
                for cell in row:
                    assert not cell.startswith(("=", "+", "@")), cell
        if fmt == "markdown":
            _no_live_markup(r.out)
        assert "\u0007" not in r.out


@pytest.mark.parametrize("view", ["harmonisering", "maal", "integrationer"])
@pytest.mark.slow
def test_diagrams_keep_their_structure(hostile, view, tmp_path):
    svg = tmp_path / f"{view}.svg"
    r = run("render", view, hostile, "-o", svg)
    _ok(r, (0,))
    text = svg.read_text(encoding="utf-8")
    ElementTree.fromstring(text.encode("utf-8"))  # the SVG is well-formed XML
    assert "<script" not in text
    dot = run("render", view, hostile, "--format", "dot")
    _ok(dot, (0,))
    plain = subprocess.run(["dot", "-Tplain"], input=dot.out, capture_output=True, text=True, check=True).stdout
    nodes = [line.split()[1] for line in plain.splitlines() if line.startswith("node ")]
    assert nodes and "evil" not in nodes  # the label stayed inside its string: no node smuggled in


@pytest.mark.slow
def test_meeting_pack_has_no_live_markup(hostile, tmp_path):
    out = tmp_path / "pack"
    r = run("report", hostile, "-o", out)
    _ok(r, (0,))
    html = (out / "index.html").read_text(encoding="utf-8")
    _no_live_markup(html)
    assert html.count("<script") == html.count("</script>")  # only the pack's own scripts, if any
    for svg in (out / "diagrammer").glob("*.svg"):
        ElementTree.fromstring(svg.read_bytes())


@pytest.mark.slow
def test_exports_run_no_formula_and_parse(hostile, tmp_path):
    _ok(run("export", "archimate", hostile, "-o", tmp_path / "m.xml"), (0,))
    ElementTree.fromstring((tmp_path / "m.xml").read_bytes())
    _ok(run("export", "xlsx", hostile, "-o", tmp_path / "m.xlsx"), (0,))
    with zipfile.ZipFile(tmp_path / "m.xlsx") as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode("utf-8")  # no cell is a formula
    _ok(run("export", "csv", hostile, "-o", tmp_path / "csv"), (0,))
    for path in (tmp_path / "csv").glob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"):
            for cell in row:
                assert not cell.startswith(("=", "+", "@")), (path.name, cell)
