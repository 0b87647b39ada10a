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


@pytest.mark.slow
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


@pytest.mark.slow
def test_report_dotdot_child_process_has_no_traceback(tmp_path):
    out = tmp_path / "w" / "pack"
    report.write_pack(small_pack("<html>gammel</html>"), out)
    r = run("report", MODELS, "-o", "w/pack/diagrammer/..", cwd=tmp_path)
    assert r.code == 0, str(r)
    assert_no_traceback(r)
    assert "gammel" not in (out / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "w").iterdir()) == ["pack"]


@pytest.mark.slow
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

    monkeypatch.setattr(files.shutil, "rmtree", no_rmtree)
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


# --------------------------------------------------------------------------- fmt: 2. concurrent edits, 3. all or nothing, 4. links

UGLY = "@prefix ex: <http://e/> .\nex:b ex:p ex:o . ex:a ex:p ex:o .\n"
EDIT = "ex:c ex:p ex:ny .\n"
_ARKITEKTUR = Path(sys.executable).with_name("arkitektur")


def unprivileged(*args, cwd: Path | None = None):
    """``arkitektur ARGS`` in a child that permission bits apply to. We run as root (CI too), and
    root ignores chmod; the venv lives under /root, so instead of another user the child is root
    without capabilities (setpriv), which obeys file modes like any user."""
    from hostile import Run

    cmd = [str(_ARKITEKTUR), *map(str, args)]
    if is_root():
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("root, and setpriv (util-linux) is missing: no way to drop the privilege to ignore chmod")
        cmd = [setpriv, "--inh-caps=-all", "--bounding-set=-all", "--", *cmd]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120, errors="replace",
                          env={**os.environ, "COLUMNS": "100"})
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def ugly(tmp_path):
    """Two folders of non-canonical files."""
    for folder in ("a", "b"):
        (tmp_path / "m" / folder).mkdir(parents=True)
        for name in ("x.ttl", "y.ttl"):
            (tmp_path / "m" / folder / name).write_text(UGLY, encoding="utf-8")
    return tmp_path / "m"


def test_fmt_never_overwrites_an_edit_made_while_it_runs(ugly, monkeypatch):
    from click.testing import CliRunner

    from arkitektur import fmt as fmt_mod
    from arkitektur.cli import main

    victim = ugly / "b" / "x.ttl"
    real = fmt_mod.format_file

    def format_then_someone_edits(path, display=None):
        result = real(path, display)
        if path == victim:  # the colleague saves between our read and our write
            with open(victim, "a", encoding="utf-8") as fh:
                fh.write(EDIT)
        return result

    monkeypatch.setattr(fmt_mod, "format_file", format_then_someone_edits)
    res = CliRunner().invoke(main, ["fmt", str(ugly)])
    assert res.exit_code == 2, res.output
    assert "ARK-E110" in res.stderr and str(victim) in res.stderr and "Traceback" not in res.output
    assert victim.read_text(encoding="utf-8") == UGLY + EDIT                 # the edit is kept
    for other in ("a/x.ttl", "a/y.ttl", "b/y.ttl"):                          # all or nothing
        assert (ugly / other).read_text(encoding="utf-8") == UGLY
    assert sorted(p.name for p in (ugly / "b").iterdir()) == ["x.ttl", "y.ttl"]


def test_fmt_edit_during_the_run_in_a_child_process(ugly):
    """Same, in a child process: the edit lands after formatting, just before the renames."""
    victim = ugly / "a" / "y.ttl"
    script = (
        "import sys\nfrom arkitektur import files\nreal = files._Plan.write_temp\n"
        "def hook(self, mask):\n"
        f"    if str(self.real).endswith('a/y.ttl'):\n"
        f"        open(self.real, 'a', encoding='utf-8').write({EDIT!r})\n"
        "    return real(self, mask)\n"
        "files._Plan.write_temp = hook\n"
        "from arkitektur.cli import main\nsys.argv = ['arkitektur', 'fmt', sys.argv[1]]\nmain()\n")
    proc = subprocess.run([sys.executable, "-c", script, str(ugly)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "ARK-E110" in proc.stderr and str(victim) in proc.stderr
    assert victim.read_text(encoding="utf-8") == UGLY + EDIT
    for other in ("a/x.ttl", "b/x.ttl", "b/y.ttl"):
        assert (ugly / other).read_text(encoding="utf-8") == UGLY
    assert not [p for p in ugly.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.slow  # a subprocess per case; CI runs it, the default run stays under a minute
def test_two_fmt_runs_at_once_both_succeed(ugly):
    """A file another fmt already formatted is not 'changed under us': it holds what we would write."""
    from arkitektur.fmt import format_text

    for i in range(60):
        (ugly / "a" / f"n{i}.ttl").write_text(UGLY.replace("ex:o", f"ex:o{i}"), encoding="utf-8")
    wanted = {p: format_text(p.read_text(encoding="utf-8")) for p in ugly.rglob("*.ttl")}
    procs = [subprocess.Popen([str(_ARKITEKTUR), "fmt", str(ugly)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    assert all(p.read_text(encoding="utf-8") == text for p, text in wanted.items())
    assert not [p for p in ugly.rglob("*") if p.name.endswith(".tmp")]


def test_fmt_with_a_read_only_folder_writes_nothing(ugly):
    os.chmod(ugly / "b", 0o555)
    try:
        before = snapshot(ugly)
        r = unprivileged("fmt", ugly)
        assert_refused(r, "ARK-E42", str(ugly / "b" / "x.ttl"), str(ugly / "b" / "y.ttl"), "ingen filer er ændret")
        assert snapshot(ugly) == before          # a/ is not rewritten either: all or nothing
    finally:
        os.chmod(ugly / "b", 0o755)


def test_fmt_with_an_unwritable_file_in_a_writable_folder_keeps_going_atomically(ugly):
    """A read-only *file* in a writable folder is replaced like any editor would (rename), keeping its mode."""
    os.chmod(ugly / "a" / "x.ttl", 0o444)
    r = unprivileged("fmt", ugly)
    assert r.code == 0, str(r)
    assert_no_traceback(r)
    assert stat.S_IMODE((ugly / "a" / "x.ttl").stat().st_mode) == 0o444
    assert (ugly / "a" / "x.ttl").read_text(encoding="utf-8") != UGLY


def test_fmt_formats_a_links_target_once_and_keeps_the_links(tmp_path):
    (tmp_path / "delt").mkdir()
    (tmp_path / "m").mkdir()
    target = tmp_path / "delt" / "fælles.ttl"
    target.write_text(UGLY, encoding="utf-8")
    os.chmod(target, 0o640)
    (tmp_path / "m" / "link1.ttl").symlink_to("../delt/fælles.ttl")
    (tmp_path / "m" / "link2.ttl").symlink_to(target)
    r = run("fmt", tmp_path / "m")
    assert r.code == 0, str(r)
    assert_no_traceback(r)
    assert os.readlink(tmp_path / "m" / "link1.ttl") == "../delt/fælles.ttl"
    assert os.readlink(tmp_path / "m" / "link2.ttl") == str(target)
    formatted = target.read_text(encoding="utf-8")
    assert formatted != UGLY and formatted.index("ex:a") < formatted.index("ex:b")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert "1 fil(er) formateret" in r.out
    assert sorted(p.name for p in (tmp_path / "delt").iterdir()) == ["fælles.ttl"]


# --------------------------------------------------------------------------- 5. files.write_all / write_atomic


def test_write_atomic_follows_the_umask_for_a_new_file_and_keeps_a_mode(tmp_path):
    old = os.umask(0o022)
    try:
        files.write_atomic(tmp_path / "ny.ttl", b"x")
        (tmp_path / "gammel.ttl").write_bytes(b"a")
        os.chmod(tmp_path / "gammel.ttl", 0o604)
        files.write_atomic(tmp_path / "gammel.ttl", b"b")
        os.umask(0o077)
        files.write_atomic(tmp_path / "privat.ttl", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "ny.ttl").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "gammel.ttl").stat().st_mode) == 0o604
    assert stat.S_IMODE((tmp_path / "privat.ttl").stat().st_mode) == 0o600


def test_write_all_checks_everything_before_the_first_rename(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"gammel")
    (tmp_path / "mappe").mkdir()
    before = snapshot(tmp_path)
    with pytest.raises(files.WriteErrors) as exc:
        files.write_all({tmp_path / "a.txt": b"ny", tmp_path / "mappe": b"x", tmp_path / "findes-ikke" / "b": b"y"})
    assert [e.code for e in exc.value.errors] == ["ARK-E111", "ARK-E112"]
    assert snapshot(tmp_path) == before


def test_write_all_creates_missing_folders_only_when_everything_can_be_written(tmp_path):
    (tmp_path / "mappe").mkdir()
    before = snapshot(tmp_path)
    with pytest.raises(files.WriteError) as exc:
        files.write_all({tmp_path / "ny" / "dyb" / "a.csv": b"x", tmp_path / "mappe": b"y"}, make_dirs=True)
    assert exc.value.code == "ARK-E111" and snapshot(tmp_path) == before
    files.write_all({tmp_path / "ny" / "dyb" / "a.csv": b"x"}, make_dirs=True)
    assert (tmp_path / "ny" / "dyb" / "a.csv").read_bytes() == b"x"


def test_write_all_refuses_a_changed_file_and_two_links_that_disagree(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(b"nu")
    (tmp_path / "l.txt").symlink_to("a.txt")
    with pytest.raises(files.WriteError) as exc:
        files.write_atomic(f, b"ny", expected=b"dengang")
    assert exc.value.code == "ARK-E110"
    with pytest.raises(files.WriteError) as exc:
        files.write_all({f: b"1", tmp_path / "l.txt": b"2"})
    assert exc.value.code == "ARK-E113"
    assert f.read_bytes() == b"nu" and (tmp_path / "l.txt").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "l.txt"]


def test_write_to_a_full_device_is_a_clear_error():
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with pytest.raises(files.WriteError) as exc:
        files.write_atomic(Path("/dev/full"), b"x" * 100_000)
    assert exc.value.code == "ARK-E42"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)                        # never renamed over


@pytest.mark.parametrize("command", [
    ["export", "archimate", MODELS, "-o", "{d}/ud.xml"],
    ["export", "xlsx", MODELS, "-o", "{d}/ud.xlsx"],
    ["export", "csv", MODELS, "-o", "{d}/csv"],
])
@pytest.mark.slow
def test_export_files_follow_the_umask(tmp_path, command):
    args = [str(a).replace("{d}", str(tmp_path)) for a in command]
    proc = subprocess.run(["sh", "-c", 'umask 022 && exec "$0" "$@"', str(_ARKITEKTUR), *args],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written and all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in written), \
        [(p.name, oct(p.stat().st_mode)) for p in written]


@pytest.mark.slow
def test_import_file_follows_the_umask_and_a_rewrite_keeps_its_mode(tmp_path):
    def umask022(*args):
        return subprocess.run(["sh", "-c", 'umask 022 && exec "$0" "$@"', str(_ARKITEKTUR), *map(str, args)],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)

    assert umask022("export", "archimate", MODELS, "-o", "ud.xml").returncode == 0
    proc = umask022("import", "archimate", "ud.xml", "-o", "ind.ttl")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert stat.S_IMODE((tmp_path / "ind.ttl").stat().st_mode) == 0o644
    os.chmod(tmp_path / "ind.ttl", 0o664)
    proc = umask022("import", "archimate", "ud.xml", "-o", "ind.ttl", "--overskriv")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert stat.S_IMODE((tmp_path / "ind.ttl").stat().st_mode) == 0o664


# --------------------------------------------------------------------------- 6. -o in every command


def _first_query() -> str:
    return run("query", "--list").out.split()[0]


COMMANDS = {
    "check": lambda: ["check", MODELS],
    "render": lambda: ["render", "maal", MODELS, "--format", "dot"],
    "query": lambda: ["query", _first_query(), MODELS],
    "roadmap": lambda: ["roadmap", MODELS],
    "divergence": lambda: ["divergence", MODELS],
}


@pytest.fixture(scope="module")
def git_models(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path_factory.mktemp("gitrepo")
    shutil.copytree(MODELS, root / "models")
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "v1"]):
        subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@e.org", *args], cwd=root, check=True)
    return root / "models"


def _command(name: str, git_models: Path) -> list:
    if name == "diff":
        return ["diff", "--base", "HEAD", "--skip-check", git_models]
    return COMMANDS[name]()


@pytest.mark.parametrize("name", [*COMMANDS, "diff"])
@pytest.mark.slow
def test_output_to_a_folder_a_missing_folder_or_a_full_disk_is_a_clear_error(name, tmp_path, git_models):
    (tmp_path / "mappe").mkdir()
    base = _command(name, git_models)
    cases = [(tmp_path / "mappe", "ARK-E111"), (tmp_path / "findes-ikke" / "ud.txt", "ARK-E112")]
    if Path("/dev/full").exists():
        cases.append((Path("/dev/full"), "ARK-E42"))
    before = snapshot(tmp_path)
    for out, code in cases:
        r = run(*base, "-o", out)
        assert_refused(r, code, str(out))
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("name", [*COMMANDS, "diff"])
@pytest.mark.slow
def test_output_to_a_file_and_to_dev_stdout_still_work(name, tmp_path, git_models):
    base = _command(name, git_models)
    r = run(*base)
    assert r.code in (0, 1) and r.out, str(r)
    out = tmp_path / "ud.txt"
    f = run(*base, "-o", out)
    assert f.code == r.code and not f.out and out.read_text(encoding="utf-8") == r.out, str(f)
    assert_no_traceback(f)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~files.umask()
    s = run(*base, "-o", "/dev/stdout")
    assert s.code == r.code and s.out == r.out, str(s)


@pytest.mark.slow  # a subprocess per case; CI runs it, the default run stays under a minute
def test_rules_docs_into_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "fil").write_text("x", encoding="utf-8")
    before = snapshot(tmp_path)
    assert_refused(run("rules", "--docs", tmp_path / "fil"), "ARK-E114", str(tmp_path / "fil"))
    assert snapshot(tmp_path) == before
    r = run("rules", "--docs", tmp_path / "ny" / "regler")
    assert r.code == 0, str(r)
    assert_no_traceback(r)
    assert len(list((tmp_path / "ny" / "regler").glob("*.md"))) > 5


# --------------------------------------------------------------------------- 7. the top-level crash guard


def _boom(*args, **kwargs):
    raise ValueError("bum\nanden linje")


def test_an_unexpected_exception_is_exit_3_with_one_line_and_a_traceback_file(monkeypatch, tmp_path):
    import re

    from click.testing import CliRunner

    from arkitektur.cli import check as check_cli
    from arkitektur.cli import main

    monkeypatch.setattr(check_cli, "run_check", _boom)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    res = CliRunner().invoke(main, ["check", str(MODELS)])
    assert res.exit_code == 3, res.output
    assert "Traceback" not in res.stderr
    assert "intern fejl i arkitektur: ValueError: bum – " in res.stderr and "anden linje" not in res.stderr
    assert "internal error in arkitektur" in res.stderr
    saved = Path(re.search(r"fejlsporet er gemt i (\S+)\.", res.stderr).group(1))
    assert saved.parent == tmp_path and "Traceback (most recent call last)" in saved.read_text(encoding="utf-8")
    assert "anden linje" in saved.read_text(encoding="utf-8")

    res = CliRunner().invoke(main, ["--debug", "check", str(MODELS)])
    assert res.exit_code == 3 and "Traceback (most recent call last)" in res.stderr
    assert "intern fejl i arkitektur: ValueError: bum" in res.stderr


def test_keyboard_interrupt_is_exit_130_without_aborted(monkeypatch):
    from click.testing import CliRunner

    from arkitektur.cli import check as check_cli
    from arkitektur.cli import main

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(check_cli, "run_check", interrupted)
    res = CliRunner().invoke(main, ["check", str(MODELS)])
    assert res.exit_code == 130 and res.output == "", res.output


def test_a_crash_in_a_child_process_is_exit_3_not_1(tmp_path):
    script = ("import sys\nfrom arkitektur.cli import check\n"
              "def boom(*a, **k):\n    raise RuntimeError('uventet')\n"
              "check.run_check = boom\nfrom arkitektur.cli import main\n"
              "sys.argv = ['arkitektur', 'check', sys.argv[1]]\nmain()\n")
    proc = subprocess.run([sys.executable, "-c", script, str(MODELS)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr and "intern fejl i arkitektur: RuntimeError: uventet" in proc.stderr
    assert len(list(tmp_path.glob("arkitektur-fejl-*.txt"))) == 1


@pytest.mark.slow  # a subprocess per case; CI runs it, the default run stays under a minute
def test_a_closed_pipe_is_quiet_and_not_a_finding():
    """`arkitektur check | head`: the reader is gone before check writes (deterministic)."""
    proc = subprocess.Popen([str(_ARKITEKTUR), "check", str(MODELS)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", "replace")
    assert proc.wait(timeout=120) == 141, err
    assert err == ""


@pytest.mark.parametrize("old_pack", [False, True], ids=["new-folder", "earlier-pack"])
@pytest.mark.slow
def test_ctrl_c_during_report_is_exit_130_and_leaves_nothing(tmp_path, old_pack):
    import signal
    import time

    # Stand-ins for Graphviz that say they have started and then wait: the interrupt is sent while a
    # layout is certainly running, however fast the machine (no timing guess).
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    started = tmp_path / "layout-started"
    for engine in ("dot", "neato", "sfdp"):
        fake = bin_dir / engine
        fake.write_text(f"#!/bin/sh\ntouch '{started}'\nexec sleep 60\n", encoding="utf-8")
        fake.chmod(0o755)
    out = tmp_path / "ud"
    out.mkdir()
    if old_pack:
        report.write_pack(small_pack("<html>gammel</html>"), out / "pakke")
    before = snapshot(out)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    # A runner started in the background (CI, nohup) ignores SIGINT, and an ignored signal stays
    # ignored across exec: report would then rightly never see the Ctrl-C. Give it the default.
    proc = subprocess.Popen([str(_ARKITEKTUR), "report", str(MODELS), "-o", str(out / "pakke")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not started.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started.exists(), "report never reached Graphviz"
    interrupted = time.monotonic()
    proc.send_signal(signal.SIGINT)
    err = proc.communicate(timeout=30)[1].decode("utf-8", "replace")
    assert time.monotonic() - interrupted < 5, "report waited for the layout after Ctrl-C"
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Aborted" not in err
    assert snapshot(out) == before   # no new folder, no temporary folder; an earlier pack is intact


# --------------------------------------------------------------------------- 8. SIGKILL mid-write


@pytest.mark.slow
def test_sigkill_during_fmt_leaves_every_file_old_or_new(tmp_path):
    import random
    import signal
    import time

    from arkitektur.fmt import format_text
    from arkitektur.loader import discover

    texts = {f"f{i:03}.ttl": f"@prefix ex: <http://e/> .\nex:b{i} ex:p ex:o . ex:a{i} ex:p ex:o{i} .\n"
             for i in range(100)}
    new = {name: format_text(text) for name, text in texts.items()}

    def fresh(folder: Path) -> Path:
        folder.mkdir()
        for name, text in texts.items():
            (folder / name).write_text(text, encoding="utf-8")
        return folder

    start = time.monotonic()
    assert run("fmt", fresh(tmp_path / "måling")).code == 0   # how long a whole run takes here
    span = time.monotonic() - start
    rng = random.Random(13)
    for attempt in range(15):
        folder = fresh(tmp_path / f"forsøg{attempt}")
        proc = subprocess.Popen([str(_ARKITEKTUR), "fmt", str(folder)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.1, span))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        for name in texts:
            content = (folder / name).read_text(encoding="utf-8")
            assert content in (texts[name], new[name]), f"{name} is neither old nor new after SIGKILL"
        # Stale temporary files (.NAME.xxxx.tmp) are never taken for model files ...
        assert [p.name for p in discover([folder])] == sorted(texts)
        if attempt % 5 == 0:  # ... and a new run finishes the job
            r = run("fmt", folder)
            assert r.code == 0, str(r)
            assert_no_traceback(r)
            assert all((folder / n).read_text(encoding="utf-8") == new[n] for n in texts)


# --------------------------------------------------------------------------- more hostile destinations


@pytest.mark.slow
def test_report_and_export_into_a_read_only_folder_name_each_file_and_write_nothing(tmp_path):
    (tmp_path / "ro").mkdir()
    os.chmod(tmp_path / "ro", 0o555)
    try:
        before = snapshot(tmp_path)
        assert_refused(unprivileged("report", MODELS, "-o", tmp_path / "ro" / "pakke"), "ARK-E42", "ro/pakke")
        r = unprivileged("export", "csv", MODELS, "-o", tmp_path / "ro" / "csv")
        assert_refused(r, "ARK-E42", "kontrakter.csv", "systemanvendelser.csv", "skrivebeskyttet")
        assert snapshot(tmp_path) == before
    finally:
        os.chmod(tmp_path / "ro", 0o755)


@pytest.mark.slow  # a subprocess per case; CI runs it, the default run stays under a minute
def test_output_through_a_symlink_loop_is_a_clear_error(tmp_path):
    (tmp_path / "løkke").symlink_to("løkke")
    before = snapshot(tmp_path)
    assert_refused(run("roadmap", MODELS, "-o", tmp_path / "løkke"), "ARK-E42", "løkke")
    assert snapshot(tmp_path) == before


@pytest.mark.slow  # a subprocess per case; CI runs it, the default run stays under a minute
def test_output_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path):
    (tmp_path / "ud").mkdir()
    (tmp_path / "ud" / "rapport.txt").write_text("gammel", encoding="utf-8")
    os.chmod(tmp_path / "ud" / "rapport.txt", 0o640)
    (tmp_path / "link.txt").symlink_to("ud/rapport.txt")
    r = run("divergence", MODELS, "-o", tmp_path / "link.txt")
    assert r.code == 0, str(r)
    assert_no_traceback(r)
    assert os.readlink(tmp_path / "link.txt") == "ud/rapport.txt"
    assert (tmp_path / "ud" / "rapport.txt").read_text(encoding="utf-8") != "gammel"
    assert stat.S_IMODE((tmp_path / "ud" / "rapport.txt").stat().st_mode) == 0o640
    assert sorted(p.name for p in (tmp_path / "ud").iterdir()) == ["rapport.txt"]
