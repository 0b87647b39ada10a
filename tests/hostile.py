"""Fælles redskaber til den fjendtlige inputsuite / helpers for the hostile-input tests (issue 13).

Every hostile case runs the real console command in a child process (so exit codes, tracebacks,
umask and signals are what a user gets) and asserts three things: the exit code, that stderr holds
no Python traceback, and that no file changed that should not have (``snapshot`` before and after).
Cases whose subject is a refused argument or input, not the process, run the same command in this
process (``invoke``): the same exit code and messages, without a second of interpreter start each.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
_ARKITEKTUR = Path(sys.executable).with_name("arkitektur")


@dataclass
class Run:
    code: int
    out: str
    err: str

    def __str__(self) -> str:  # shown by pytest when an assertion fails
        return f"exit {self.code}\n--- stdout ---\n{self.out[-3000:]}\n--- stderr ---\n{self.err[-3000:]}"


def run(*args, cwd: Path | None = None, env: dict | None = None, timeout: float = 120,
        stdin: str | None = None) -> Run:
    """``arkitektur ARGS`` in a child process; never raises on a non-zero exit."""
    full_env = {**os.environ, "COLUMNS": "100", **(env or {})}
    proc = subprocess.run([str(_ARKITEKTUR), *map(str, args)], cwd=cwd, env=full_env, input=stdin,
                          capture_output=True, text=True, timeout=timeout, errors="replace")
    return Run(proc.returncode, proc.stdout, proc.stderr)


def invoke(*args, env: dict | None = None) -> Run:
    """``arkitektur ARGS`` in this process (click's CliRunner); never raises on a non-zero exit."""
    from click.testing import CliRunner

    from arkitektur.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], env={"COLUMNS": "100", **(env or {})})
    return Run(result.exit_code, result.stdout, result.stderr)


def assert_no_traceback(r: Run) -> None:
    assert "Traceback (most recent call last)" not in r.err, str(r)
    assert "Traceback (most recent call last)" not in r.out, str(r)


def assert_refused(r: Run, *needles: str, code: int = 2) -> None:
    """Exit ``code`` (2: input that cannot be read), no traceback, every needle in stderr."""
    assert r.code == code, str(r)
    assert_no_traceback(r)
    for needle in needles:
        assert needle in r.err, f"{needle!r} not in stderr\n{r}"


def snapshot(folder: Path) -> dict:
    """path -> (kind, content or link target, mode) for everything under ``folder`` (links not followed)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in sorted(dirnames + filenames):
            p = Path(dirpath) / name
            st = p.lstat()
            rel = str(p.relative_to(folder))
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(p), None)
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", None, stat.S_IMODE(st.st_mode))
            else:
                try:
                    data = p.read_bytes()
                except OSError:
                    data = None  # unreadable on purpose (chmod 000)
                out[rel] = ("file", data, stat.S_IMODE(st.st_mode))
    return out


def copy_models(dest: Path) -> Path:
    """A private copy of the example repository (models/) under ``dest``."""
    target = dest / "models"
    shutil.copytree(MODELS, target)
    return target


# The prefixes of the small hand-written test models (ex: for the test's own nodes).
PREFIXES = """\
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix kle00: <http://www.kle-online.dk/emneplan/00/#_> .
"""


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a model file by ``new`` (``old`` must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def plant_typos(models: Path) -> None:
    """The typos of issue 16 in a copy of the example: an unknown property, a dangling reference,
    an unknown class."""
    edit(models / "silkeborg" / "systemanvendelser.ttl", "ark:systemansvarlig \"Informatik",
         "ark:systemansvarig \"Informatik")
    edit(models / "silkeborg" / "integrationer.ttl", "ark:via ark:Serviceplatformen .\n",
         "ark:via ark:Serviceplatform .\n")
    edit(models / "viborg" / "systemanvendelser.ttl", "vi:Acadre\n    a ark:Systemanvendelse ;",
         "vi:Acadre\n    a ark:Systemanvendlse ;")


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0
