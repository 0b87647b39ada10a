"""Git-revisioner / the model files of a git revision, as ``arkitektur diff`` reads them.

The repository root, a revision's commit, and a copy of its ``.ttl`` files in a folder
(``git ls-tree`` / ``git cat-file``) for the strict loader to read.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from .errors import ArkitekturError, UsageError


class GitError(ArkitekturError):
    """git is missing, the folder is not a git repository, or a revision is unknown."""


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "--literal-pathspecs", *args], cwd=cwd, capture_output=True)
    except FileNotFoundError:
        raise GitError("git er ikke installeret eller ikke på PATH; at sammenligne revisioner (diff, --historik) "
                       "kræver git.",
                       "git is not installed or not on PATH; comparing revisions (diff, --historik) needs git.",
                       code="ARK-E50") from None


def _err(proc: subprocess.CompletedProcess) -> str:
    return " ".join(proc.stderr.decode("utf-8", "replace").split())[:300]


def repo_root(start: Path) -> Path:
    """The top folder of the git repository that holds ``start``."""
    folder = start.resolve()
    while not folder.is_dir():
        folder = folder.parent
    proc = _git(["rev-parse", "--show-toplevel"], folder)
    if proc.returncode != 0:
        raise GitError(f"{folder} er ikke i et git-repository; diff og --historik læser git-revisioner "
                       f"({_err(proc)}).",
                       f"{folder} is not inside a git repository; diff and --historik read git revisions "
                       f"({_err(proc)}).", code="ARK-E51")
    return Path(os.fsdecode(proc.stdout.strip())).resolve()


def resolve_rev(root: Path, rev: str) -> str:
    """The commit id of ``rev``; an unknown revision is a usage error."""
    proc = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], root)
    if proc.returncode != 0 or not rev or rev.startswith("-"):
        raise GitError(f"ukendt git-revision '{rev}'. Angiv en gren, et tag eller et commit-id, fx "
                       "'origin/main' (husk 'git fetch' og fetch-depth: 0 i CI).",
                       f"unknown git revision '{rev}'. Give a branch, tag or commit id, e.g. "
                       "'origin/main' (remember 'git fetch' and fetch-depth: 0 in CI).", code="ARK-E52")
    return proc.stdout.decode().strip()


def relative(root: Path, path: Path) -> str:
    full = path.resolve()
    try:
        rel = full.relative_to(root)
    except ValueError:
        raise UsageError(f"{path} ligger uden for git-repositoriet {root}.",
                         f"{path} lies outside the git repository {root}.", code="ARK-E53") from None
    return rel.as_posix() or "."


def export(root: Path, commit: str, rels: list[str], dest: Path) -> list[Path | None]:
    """Write the .ttl files under ``rels`` at ``commit`` below ``dest``; per rel the path to load (or None)."""
    out: list[Path | None] = []
    for rel in rels:
        proc = _git(["ls-tree", "-r", "-z", "--name-only", commit, "--", rel], root)
        if proc.returncode != 0:
            raise GitError(f"git ls-tree fejlede: {_err(proc)}", f"git ls-tree failed: {_err(proc)}",
                           code="ARK-E52")
        # git prints names as stored (bytes); a name that is not UTF-8 keeps its bytes (surrogateescape),
        # so cat-file and the temporary copy get the same name back (issue 13).
        names = [os.fsdecode(n) for n in proc.stdout.split(b"\0") if n]
        is_file = names == [rel]
        for name in names:
            if not name.endswith(".ttl"):
                continue
            blob = _git(["cat-file", "blob", f"{commit}:{name}"], root)
            if blob.returncode != 0:
                raise GitError(f"kan ikke læse {name} i {commit[:12]}: {_err(blob)}",
                               f"cannot read {name} at {commit[:12]}: {_err(blob)}", code="ARK-E52")
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blob.stdout)
        target = dest / rel
        if is_file:
            out.append(target if target.exists() else None)
        elif names or not rel.endswith(".ttl"):
            target.mkdir(parents=True, exist_ok=True)
            out.append(target)
        else:
            out.append(None)
    return out


def commits(root: Path, span: str, rels: list[str]) -> list[tuple[str, dt.date, str]]:
    """(commit, commit date, subject) of ``span``'s start and of every commit in "A..B" touching ``rels``, oldest first.

    The start itself comes first (the state the period begins from), as git's "A..B" leaves it out.
    "A.." means A up to HEAD.
    """
    start, sep, end = span.partition("..")
    if not sep or not start or end.startswith("."):
        raise UsageError(f"--historik: '{span}' er ikke et interval; skriv REV..REV, fx 'v1.0..HEAD' eller "
                         "'HEAD~10..' (fra og med den første revision til den sidste).",
                         f"--historik: '{span}' is not a range; write REV..REV, e.g. 'v1.0..HEAD' or 'HEAD~10..' "
                         "(from the first revision up to the last).", code="ARK-E134")
    first, last = resolve_rev(root, start), resolve_rev(root, end or "HEAD")
    fmt = "--format=%H%x09%cI%x09%s"
    head = _git(["log", "-1", fmt, first, "--"], root)
    proc = _git(["log", "--reverse", fmt, f"{first}..{last}", "--", *rels], root)
    if head.returncode != 0 or proc.returncode != 0:
        raise GitError(f"git log fejlede: {_err(proc if proc.returncode else head)}",
                       f"git log failed: {_err(proc if proc.returncode else head)}", code="ARK-E52")
    out = []
    for line in (head.stdout + proc.stdout).decode("utf-8", "replace").splitlines():
        commit, stamp, subject = (line.split("\t", 2) + ["", ""])[:3]
        out.append((commit, dt.date.fromisoformat(stamp[:10]), subject))
    return out
