"""Fjendtlige skrivetilfælde / hostile writing cases (issue 13): nothing the user wrote is ever lost.

Every case asserts the exit code, that stderr holds no traceback, and (``snapshot``) that no file
changed that should not have.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from arkitektur import files, report
from arkitektur.errors import ArkitekturError
from hostile import MODELS, assert_no_traceback, assert_refused, is_root, run, snapshot

NOBODY = 65534


def small_pack(html: str = "<html>ny</html>") -> report.Pack:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    return report.Pack(title="t", as_of=dt.date(2016, 6, 1), html=html,
                       diagrams=[report.Diagram(name="maal", view="maal", title="Mål", raw=svg)], notes=[])


# --------------------------------------------------------------------------- 1. report -o


def test_report_through_a_symlink_never_deletes_an_unrelated_folder(tmp_path):
    """The issue's reproduction: -o B/data, a link to ../A/packdir; A/data must survive."""
    (tmp_path / "A" / "data").mkdir(parents=True)
    (tmp_path / "A" / "packdir").mkdir()
    (tmp_path / "B").mkdir()
    (tmp_path / "A" / "data" / "doc.txt").write_text("x\n", encoding="utf-8")
    (tmp_path / "B" / "data").symlink_to("../A/packdir")
    r = run("report", MODELS, "-o", "B/data", cwd=tmp_path)
    assert r.code == 0, str(r)
    assert_no_traceback(r)
    assert (tmp_path / "A" / "data" / "doc.txt").read_text(encoding="utf-8") == "x\n"
    assert os.readlink(tmp_path / "B" / "data") == "../A/packdir"          # the link is kept
    assert (tmp_path / "A" / "packdir" / "index.html").is_file()           # the pack went to its target
    assert (tmp_path / "A" / "packdir" / report.MARKER).is_file()
    assert sorted(p.name for p in (tmp_path / "A").iterdir()) == ["data", "packdir"]  # no temp/old left


def test_report_into_a_link_to_a_full_folder_is_refused(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "vigtig.txt").write_text("behold", encoding="utf-8")
    (tmp_path / "pakke").symlink_to("mine")
    before = snapshot(tmp_path)
    with pytest.raises(ArkitekturError) as exc:
        report.write_pack(small_pack(), tmp_path / "pakke")
    assert exc.value.code == "ARK-E108"
    assert snapshot(tmp_path) == before


def test_report_dotdot_into_an_earlier_pack_replaces_that_pack(tmp_path):
    out = tmp_path / "w" / "pack"
    report.write_pack(small_pack("<html>gammel</html>"), out)
    index = report.write_pack(small_pack(), out / "diagrammer" / "..")
    assert index == out / "index.html"
    assert (out / "index.html").read_text(encoding="utf-8") == "<html>ny</html>"
    assert sorted(p.name for p in (tmp_path / "w").iterdir()) == ["pack"]


def test_report_dotdot_child_process_has_no_traceback(tmp_path):
    out = tmp_path / "w" / "pack"
    report.write_pack(small_pack("<html>gammel</html>"), out)
    r = run("report", MODELS, "-o", "w/pack/diagrammer/..", cwd=tmp_path)
    assert r.code == 0, str(r)
    assert_no_traceback(r)
    assert "gammel" not in (out / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "w").iterdir()) == ["pack"]


def test_report_refuses_an_earlier_pack_holding_a_file_of_the_user(tmp_path):
    out = tmp_path / "pakke"
    report.write_pack(small_pack("<html>gammel</html>"), out)
    (out / "referat.docx").write_bytes(b"mine noter")
    before = snapshot(tmp_path)
    r = run("report", MODELS, "-o", out)
    assert_refused(r, "ARK-E108", str(out))
    assert snapshot(tmp_path) == before


def test_report_refuses_a_pack_whose_diagram_folder_is_a_link(tmp_path):
    out = tmp_path / "pakke"
    report.write_pack(small_pack(), out)
    (tmp_path / "andet").mkdir()
    (tmp_path / "andet" / "x.svg").write_text("<svg/>", encoding="utf-8")
    shutil.rmtree(out / "diagrammer")
    (out / "diagrammer").symlink_to(tmp_path / "andet")
    before = snapshot(tmp_path)
    with pytest.raises(ArkitekturError) as exc:
        report.write_pack(small_pack(), out)
    assert exc.value.code == "ARK-E108" and snapshot(tmp_path) == before


def test_report_old_pack_is_removed_file_by_file_never_rmtree(tmp_path, monkeypatch):
    out = tmp_path / "pakke"
    report.write_pack(small_pack("<html>gammel</html>"), out)

    def no_rmtree(path, *a, **k):
        assert ".tmp" in Path(path).name, f"rmtree of {path}"

    monkeypatch.setattr(report.shutil, "rmtree", no_rmtree)
    report.write_pack(small_pack(), out)
    assert (out / "index.html").read_text(encoding="utf-8") == "<html>ny</html>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pakke"]


def test_report_pack_follows_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        report.write_pack(small_pack(), tmp_path / "pakke")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "pakke").stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "pakke" / "index.html").stat().st_mode) == 0o640


def test_report_to_root_or_a_file_is_refused(tmp_path):
    (tmp_path / "fil").write_text("x", encoding="utf-8")
    before = snapshot(tmp_path)
    for out in (Path("/"), tmp_path / "fil"):
        with pytest.raises(ArkitekturError) as exc:
            report.write_pack(small_pack(), out)
        assert exc.value.code == "ARK-E108"
    assert snapshot(tmp_path) == before
