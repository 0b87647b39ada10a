"""Udvikling (issue 14 item 5): the planned trajectory and the git history of the converged share.

The model is tests/data/divergens/ (as of 2016-06-01: 6 target cells, 2 converged; Viborg and
Favrskov have the ESDH Udbud of 2017-09-01 as plan). The history runs on a small git repository
built here, with commit dates set, so every share is known.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from arkitektur import report
from arkitektur.check import prepare
from arkitektur.cli import main
from arkitektur.divergence import build_matrix
from arkitektur.findings import CheckResult
from arkitektur.report import html
from arkitektur.trajectory import history, planned, quarter_ends

# Slow: builds git histories and runs the meeting pack per commit. CI runs it; the default run stays under a minute
# (docs/udvikling/konventioner.md, "Tests").
pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data" / "divergens"
D = dt.date.fromisoformat


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = dict(os.environ)
    if date:
        env.update(GIT_COMMITTER_DATE=f"{date}T12:00:00+02:00", GIT_AUTHOR_DATE=f"{date}T12:00:00+02:00")
    proc = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                           "-c", "commit.gpgsign=false", *args], cwd=repo, capture_output=True, text=True,
                          check=True, env=env)
    return proc.stdout.strip()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> tuple[Path, str]:
    """v1 (2016-06-01) the model; v2 (2016-09-15) Viborg runs SBSYS; a README commit; v4 (2017-02-01)
    Favrskov phases Acadre out. Skive joins on 2017-01-01."""
    root = tmp_path_factory.mktemp("historik")
    models = root / "models"
    shutil.copytree(DATA, models)
    shutil.move(models / "arkitektur.toml", root / "arkitektur.toml")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "v1", date="2016-06-01")
    first = git(root, "rev-parse", "HEAD")
    _edit(models / "viborg.ttl", "ark:system ex:acadre ; ark:kommune ex:viborg ; ark:livscyklus ark:IDrift",
          "ark:system ex:sbsys ; ark:kommune ex:viborg ; ark:livscyklus ark:IDrift")
    git(root, "commit", "-q", "-a", "-m", "Viborg kører SBSYS", date="2016-09-15")
    (root / "README.md").write_text("Ikke en model.\n", encoding="utf-8")
    git(root, "add", "README.md")
    git(root, "commit", "-q", "-m", "README", date="2016-10-01")
    _edit(models / "favrskov.ttl", "ark:system ex:acadre ; ark:kommune ex:favrskov ; ark:livscyklus ark:IDrift",
          "ark:system ex:acadre ; ark:kommune ex:favrskov ; ark:livscyklus ark:Udfaset")
    git(root, "commit", "-q", "-a", "-m", "Favrskov: Acadre udfaset", date="2017-02-01")
    return root, first


def test_quarter_ends():
    assert quarter_ends(D("2016-06-01"), D("2016-12-31")) == [D("2016-06-30"), D("2016-09-30"), D("2016-12-31")]
    assert quarter_ends(D("2016-06-30"), D("2016-07-01")) == [D("2016-09-30")]


def test_planned_trajectory_converges_the_planned_cells_in_the_quarter_of_their_udbud():
    matrix = build_matrix(prepare([DATA], D("2016-06-01")))
    points = planned(matrix, prepare([DATA], D("2016-06-01")).graph)
    # as-of, then every quarter end up to the last senest (ESDH: 2018-12-31).
    assert [p.dato for p in points] == [D("2016-06-01")] + quarter_ends(D("2016-06-01"), D("2018-12-31"))
    assert len(points) == 12
    got = {p.dato: (p.konvergeret, p.i_alt) for p in points}
    assert got[D("2016-06-01")] == (2, 6)    # = the matrix today
    assert got[D("2017-06-30")] == (2, 6)
    # Viborg and Favrskov: the ESDH Udbud of 2017-09-01; Viborg's economy (no plan) and Favrskov's
    # economy (not registered) do not move.
    assert got[D("2017-09-30")] == (4, 6)
    assert got[D("2018-12-31")] == (4, 6)
    assert points[-1].andel == 0.6667


def test_history_one_row_per_model_commit_measured_on_its_date(repo):
    root, first = repo
    rows = history([root / "models"], f"{first}..HEAD")
    assert [(r.besked, r.dato, r.konvergeret, r.i_alt) for r in rows] == [
        ("v1", D("2016-06-01"), 2, 6),
        ("Viborg kører SBSYS", D("2016-09-15"), 3, 6),
        # Skive is a member from 2017-01-01: two more cells, and Favrskov's ESDH converged.
        ("Favrskov: Acadre udfaset", D("2017-02-01"), 4, 8),
    ]
    assert [r.andel for r in rows] == [0.3333, 0.5, 0.5]
    assert rows[0].commit == first and all(r.fejl is None for r in rows)


def test_history_with_as_of_uses_one_yardstick(repo):
    root, first = repo
    rows = history([root / "models"], f"{first}..", as_of=D("2016-06-01"))
    assert [(r.konvergeret, r.i_alt) for r in rows] == [(2, 6), (3, 6), (4, 6)]


def test_divergence_historik_json_csv_text(repo):
    root, first = repo
    runner = CliRunner()
    res = runner.invoke(main, ["divergence", str(root / "models"), "--historik", f"{first}..HEAD", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["historik"] == f"{first}..HEAD"
    assert [(c["dato"], c["andel"], c["konvergeret"], c["i_alt"]) for c in data["commits"]] == [
        ("2016-06-01", 0.3333, 2, 6), ("2016-09-15", 0.5, 3, 6), ("2017-02-01", 0.5, 4, 8)]
    assert set(data["commits"][0]) == {"commit", "dato", "andel", "konvergeret", "i_alt", "besked", "fejl"}
    res = runner.invoke(main, ["divergence", str(root / "models"), "--historik", f"{first}..HEAD", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(res.output)))
    assert [(r["dato"], r["andel"], r["konvergeret"], r["i_alt"]) for r in rows] == [
        ("2016-06-01", "0.3333", "2", "6"), ("2016-09-15", "0.5", "3", "6"), ("2017-02-01", "0.5", "4", "8")]
    res = runner.invoke(main, ["divergence", str(root / "models"), "--historik", f"{first}..HEAD"])
    assert res.exit_code == 0
    # One formatter for percentages: "33,3 %" as everywhere else in Danish.
    assert re.search(r"2016-06-01\s+33,3 %\s+2 af 6\s+v1", res.output), res.output
    assert re.search(r"2017-02-01\s+50 %\s+4 af 8\s+Favrskov: Acadre udfaset", res.output)
    res = runner.invoke(main, ["divergence", str(root / "models"), "--historik", f"{first}..HEAD", "--lang", "en"])
    assert "33.3%" in res.output and "2 of 6" in res.output


@pytest.mark.parametrize("span", ["HEAD", "..HEAD", "HEAD...HEAD~1"])
def test_historik_that_is_no_range_is_a_usage_error(repo, span):
    root, _ = repo
    res = CliRunner().invoke(main, ["divergence", str(root / "models"), "--historik", span])
    assert res.exit_code == 2
    assert "ARK-E134" in res.output and "er ikke et interval" in res.output and "Traceback" not in res.output


def test_historik_unknown_revision_is_exit_2(repo):
    root, _ = repo
    res = CliRunner().invoke(main, ["divergence", str(root / "models"), "--historik", "findes-ikke..HEAD"])
    assert res.exit_code == 2 and "ARK-E52" in res.output


def test_report_udvikling_section_draws_plan_and_history(repo, tmp_path):
    root, first = repo
    res = CliRunner().invoke(main, ["report", str(root / "models"), "-o", str(tmp_path / "pakke"),
                                    "--as-of", "2017-02-01", "--historik", f"{first}..HEAD"])
    assert res.exit_code == 0, res.output
    html = (tmp_path / "pakke" / "index.html").read_text(encoding="utf-8")
    sec = re.search(r'<section id="udvikling">.*?</section>', html, re.S).group(0)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in sec and "<script" not in sec
    # The history: three commits, each with its share in the table and a dot in the chart.
    assert sec.count('r="6" fill="#fff"') == 3 + 1   # + the legend's dot
    for text in ("33,3 %", "2 af 6", "Viborg kører SBSYS", "Favrskov: Acadre udfaset", first[:12]):
        assert text in sec
    # Section order: after gevinster, before diagrammer; in the navigation too.
    assert html.index('id="gevinster"') < html.index('id="udvikling"') < html.index('id="diagrammer"')
    assert '<a href="#udvikling">Udvikling</a>' in html


def test_chart_escapes_commit_messages_and_has_no_script():
    matrix = build_matrix(prepare([DATA], D("2016-06-01")))
    ctx = prepare([DATA], D("2016-06-01"))
    from arkitektur.trajectory import Commit
    evil = Commit(dato=D("2016-07-01"), konvergeret=1, i_alt=2, commit="a" * 40,
                  besked="<script>alert(1)</script> & co")
    out = html.udvikling(ctx, matrix, [evil], None)["svg"]
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in out
    report.check_svg(out)   # the pack's own SVG check accepts it


def test_pack_without_historik_says_how_to_get_it(tmp_path):
    ctx = prepare([DATA], D("2016-06-01"))
    pack = report.build_pack(ctx, CheckResult(as_of="2016-06-01", files=[], findings=[]), timeout=30)
    sec = re.search(r'<section id="udvikling">.*?</section>', pack.html, re.S).group(0)
    assert "arkitektur report --historik REV..REV" in sec and "Faktisk: git-historikken (ikke valgt)" in sec
    # The plan table keeps the quarters where the share moves: as-of, K3 2017, and the last.
    assert re.findall(r'<th class="tal">([^<]+)</th>', sec) == ["2016-06-01", "K3 2017", "K4 2018"]


def test_trajectory_stops_after_twenty_years_and_at_the_end_of_the_calendar():
    assert len(quarter_ends(D("2016-06-01"), D("9999-12-31"))) == 80
    assert quarter_ends(D("9999-10-01"), D("9999-12-31")) == [D("9999-12-31")]
    assert quarter_ends(D("9999-12-31"), D("9999-12-31")) == []


def test_a_commit_with_broken_models_gets_fejl_and_the_history_goes_on(tmp_path):
    root = tmp_path / "brudt"
    shutil.copytree(DATA, root / "models")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "v1", date="2016-06-01")
    first = git(root, "rev-parse", "HEAD")
    viborg = root / "models" / "viborg.ttl"
    good = viborg.read_text(encoding="utf-8")
    viborg.write_text(good + "\nex:x ark:kommune .\n", encoding="utf-8")
    git(root, "commit", "-q", "-a", "-m", "brudt", date="2016-07-01")
    viborg.write_text(good, encoding="utf-8")
    git(root, "commit", "-q", "-a", "-m", "rettet", date="2016-08-01")
    rows = history([root / "models"], f"{first}..")
    assert [(r.besked, r.andel) for r in rows] == [("v1", 0.3333), ("brudt", None), ("rettet", 0.3333)]
    assert rows[1].fejl.startswith("ARK-E") and rows[0].fejl is None
    res = CliRunner().invoke(main, ["divergence", str(root / "models"), "--historik", f"{first}.."])
    assert res.exit_code == 0 and "kan ikke læses" in res.output
