"""-o kan ikke erstatte en model / a command's result never replaces the model it read (ARK-E137),
and ``render`` never replaces a file nobody named (ARK-E138)."""

from __future__ import annotations

import os

import pytest

from arkitektur.errors import ArkitekturError
from arkitektur.files import refuse_input
from hostile import assert_refused, copy_models, run, snapshot


@pytest.mark.parametrize("args", [
    ["check"], ["divergence"], ["roadmap"], ["render", "maal", "--format", "dot"],
])
@pytest.mark.slow
def test_o_naming_a_model_file_is_refused_and_the_model_is_kept(tmp_path, args):
    models = copy_models(tmp_path)
    before = snapshot(models)
    target = models / "viborg" / "systemanvendelser.ttl"
    r = run(*args, str(models), "-o", str(target))
    assert_refused(r, "ARK-E137", "systemanvendelser.ttl")
    assert snapshot(models) == before


@pytest.mark.slow
def test_o_through_a_link_to_a_model_is_refused(tmp_path):
    models = copy_models(tmp_path)
    link = tmp_path / "rapport.ttl"
    link.symlink_to(models / "silkeborg" / "systemanvendelser.ttl")
    before = snapshot(models)
    r = run("check", str(models), "-o", str(link))
    assert_refused(r, "ARK-E137")
    assert snapshot(models) == before


def test_shacl_o_naming_its_data_file_is_refused(tmp_path):
    data = tmp_path / "data.ttl"
    data.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n", encoding="utf-8")
    r = run("shacl", str(data), "-o", str(data))
    assert_refused(r, "ARK-E137")
    assert data.read_text(encoding="utf-8").startswith("@prefix ex:")


@pytest.mark.slow
def test_o_naming_a_new_ttl_file_among_the_models_is_refused(tmp_path):
    """It would be read as a model by the next check."""
    models = copy_models(tmp_path)
    r = run("check", str(models), "-o", str(models / "viborg" / "rapport.ttl"))
    assert_refused(r, "ARK-E137")
    assert not (models / "viborg" / "rapport.ttl").exists()


@pytest.mark.slow
def test_o_beside_the_models_is_written(tmp_path):
    """The guard refuses inputs only: a report file in the repository that is not a model is fine."""
    models = copy_models(tmp_path)
    out = models / "fund.json"
    r = run("check", str(models), "--format", "json", "-o", str(out))
    assert r.code == 1, r.stderr
    assert out.read_text(encoding="utf-8").lstrip().startswith("{")


def test_refuse_input_compares_resolved_paths(tmp_path):
    (tmp_path / "m").mkdir()
    model = tmp_path / "m" / "a.ttl"
    model.write_text("", encoding="utf-8")
    with pytest.raises(ArkitekturError) as exc:
        refuse_input(tmp_path / "m" / ".." / "m" / "a.ttl", [tmp_path / "m"])
    assert exc.value.code == "ARK-E137"
    refuse_input(tmp_path / "m" / "a.json", [tmp_path / "m"])  # not a model: allowed
    refuse_input(tmp_path / "b.ttl", [tmp_path / "m"])  # outside the inputs: allowed


@pytest.mark.slow
def test_render_png_without_o_never_replaces_an_existing_file(tmp_path):
    models = copy_models(tmp_path)
    work = tmp_path / "arbejde"
    work.mkdir()
    mine = work / "maal.png"
    mine.write_bytes(b"mit eget billede")
    r = run("render", "maal", str(models), "--format", "png", cwd=work)
    assert_refused(r, "ARK-E138", "maal.png")
    assert mine.read_bytes() == b"mit eget billede"
    r = run("render", "maal", str(models), "--format", "png", "-o", str(mine), cwd=work)
    assert r.code == 0, r.stderr
    assert mine.read_bytes().startswith(b"\x89PNG")
    os.remove(mine)
    r = run("render", "maal", str(models), "--format", "png", cwd=work)
    assert r.code == 0, r.stderr
    assert mine.read_bytes().startswith(b"\x89PNG")


def test_report_without_o_or_pdf_is_a_usage_error_with_an_id(tmp_path):
    r = run("report", str(tmp_path))
    assert_refused(r, "ARK-E139", "-o MAPPE")
