"""`arkitektur check` ends its process without freeing what it loaded (cli/app.py, docs/ydelse.md),
and loses nothing by it: the output piped or written with -o, the notes on stderr, exit codes 0/1/2."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from arkitektur.cli import app, main

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"

# The console script's own call (main() with no arguments), with an atexit handler that says
# whether the interpreter finalised: after a fast exit it never runs.
_RUN = """
import atexit, sys
atexit.register(lambda: print("finalised", file=sys.stderr))
from arkitektur.cli import main
sys.argv = ["arkitektur", *sys.argv[1:]]
main()
"""


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _RUN, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def _in_process(*args: str):
    return CliRunner().invoke(main, list(args))


def test_a_finished_check_exits_at_once_with_its_whole_output_piped(tmp_path):
    shutil.copytree(MODELS, tmp_path / "models")
    (tmp_path / "models" / "tom.ttl").write_text("# kun en kommentar\n", encoding="utf-8")  # a note
    run = _run("check", "models", "--format", "json", cwd=tmp_path)
    same = _in_process("check", str(tmp_path / "models"), "--format", "json")
    assert (run.returncode, same.exit_code) == (1, 1)  # the example repository has findings
    assert run.stdout == same.stdout.replace(str(tmp_path) + "/", "") and run.stdout.rstrip().endswith("}")
    assert "finalised" not in run.stderr  # the fast exit: no finalisation …
    assert "note: models/tom.ttl: tom fil" in run.stderr  # … and the notes written before it are there


def test_exit_code_0_and_the_output_file_written_with_o(tmp_path):
    out = tmp_path / "fund.json"
    run = _run("check", str(MODELS), "--format", "json", "--select", "MOD-3", "-o", str(out))
    assert run.returncode == 0 and run.stdout == ""
    assert "finalised" not in run.stderr
    assert out.read_text(encoding="utf-8") == _in_process("check", str(MODELS), "--format", "json",
                                                         "--select", "MOD-3").stdout


def test_an_unreadable_file_still_exits_2_the_ordinary_way(tmp_path):
    (tmp_path / "x.ttl").write_text("ikke turtle\n", encoding="utf-8")
    run = _run("check", str(tmp_path))
    assert run.returncode == 2 and "ARK-E02" in run.stderr
    assert "finalised" in run.stderr  # nothing was loaded to keep: the interpreter ends as usual


def test_in_process_nothing_is_kept_and_nothing_exits():
    """A CliRunner (or any caller of main.main([...])) does not own the process: the check's
    context is freed as usual and the runner gets the exit code."""
    result = _in_process("check", str(MODELS))
    assert result.exit_code == 1
    assert app._KEPT == []
    assert app.keep_until_exit() is None


def test_a_closed_stdout_is_no_crash(tmp_path):
    """Started with stdout closed (``>&-``, Python's ``sys.stdout`` is None): ``-o`` is written and
    the exit code is the check's, not a traceback from flushing nothing."""
    out = tmp_path / "fund.json"
    r = subprocess.run([sys.executable, "-c", _RUN, "check", str(MODELS), "--format", "json", "-o", str(out)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120,
                       preexec_fn=lambda: __import__("os").close(1))
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr and "finalised" not in r.stderr
    assert out.read_text(encoding="utf-8").startswith("{")
