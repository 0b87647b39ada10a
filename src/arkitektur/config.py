"""Repositoriets indstillinger / reads ``arkitektur.toml`` (as_of, own rule folders) from the repository root."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, UsageError

CONFIG_NAME = "arkitektur.toml"


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    as_of: dt.date | None = None
    # The folders of the repository's own rules (docs/egne-regler.md), resolved and checked.
    regler: tuple[Path, ...] = ()


def find_config(paths: list[Path]) -> Path | None:
    """The nearest ``arkitektur.toml`` at or above the first path given."""
    if not paths:
        return None
    start = paths[0].resolve()
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        try:
            if candidate.is_file():
                return candidate
        except OSError as exc:  # a folder on the way up that may not be searched (no x right)
            raise _unreadable(candidate, exc) from None
    return None


def _unreadable(path: Path, exc: OSError) -> InputError:
    return InputError(
        f"kan ikke læse {CONFIG_NAME}: {exc.strerror}. Giv læseadgang til filen og dens mappe.",
        f"cannot read {CONFIG_NAME}: {exc.strerror}. Grant read access to the file and its folder.",
        code="ARK-E11",
        file=str(path),
    )


# Only the calendar date YYYY-MM-DD: date.fromisoformat also takes 20160601 and 2016-W22-3.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(text: str, *, what: str = "--as-of") -> dt.date:
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise UsageError(
            f"{what}: '{text}' er ikke en dato på formen ÅÅÅÅ-MM-DD.",
            f"{what}: '{text}' is not a date of the form YYYY-MM-DD.",
            code="ARK-E10",
        ) from None


def option_date(text: str | None, *, what: str = "--as-of") -> dt.date | None:
    """A date option as given on the command line: None when absent; an empty or malformed value
    is an error, never quietly the default."""
    return None if text is None else parse_date(text, what=what)


def load_config(paths: list[Path]) -> Config:
    path = find_config(paths)
    if path is None:
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            f"kan ikke læse {CONFIG_NAME}: {exc}",
            f"cannot read {CONFIG_NAME}: {exc}",
            code="ARK-E11",
            file=str(path),
        ) from None
    as_of = data.get("as_of")
    if isinstance(as_of, dt.date) and not isinstance(as_of, dt.datetime):  # TOML local date
        parsed = as_of
    elif as_of is None:
        parsed = None
    else:
        parsed = parse_date(str(as_of), what=f"{path}: as_of")
    return Config(path=path, as_of=parsed, regler=_rule_folders(path, data, text))


def _key_line(text: str, key: str) -> int | None:
    """The line ``key = …`` stands on (tomllib gives no positions)."""
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*{key}\s*=", line):
            return n
    return None


def _rule_folders(path: Path, data: dict, text: str) -> tuple[Path, ...]:
    """``regler = ["regler/"]``: folders relative to ``arkitektur.toml``, each one that exists, is a
    folder and lies inside the repository (the folder of ``arkitektur.toml``). A wrong entry stops
    the command (ARK-E115, ARK-E116): a rule that silently did not run is worse than no rule."""
    value = data.get("regler")
    if value is None:
        return ()
    line = _key_line(text, "regler")

    def refuse(da: str, en: str, code: str = "ARK-E115") -> UsageError:
        return UsageError(da, en, code=code, file=str(path), line=line)

    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise refuse('regler skal være en liste af mapper, fx regler = ["regler/"].',
                     'regler must be a list of folders, e.g. regler = ["regler/"].')
    root = path.parent.resolve()
    out: list[Path] = []
    for entry in value:
        folder = (path.parent / entry)
        try:
            resolved = folder.resolve()
            exists, is_dir = folder.exists(), folder.is_dir()
        except OSError as exc:
            raise refuse(f"regler: '{entry}' kan ikke læses: {exc.strerror}.",
                         f"regler: '{entry}' cannot be read: {exc.strerror}.") from None
        if resolved != root and root not in resolved.parents:
            raise refuse(f"regler: '{entry}' ligger uden for repositoriet ({path.parent}); egne regler skal ligge i det.",
                         f"regler: '{entry}' lies outside the repository ({path.parent}); own rules must lie in it.",
                         "ARK-E116")
        if not exists:
            raise refuse(f"regler: mappen '{entry}' findes ikke (set fra {path.parent}).",
                         f"regler: the folder '{entry}' does not exist (relative to {path.parent}).")
        if not is_dir:
            raise refuse(f"regler: '{entry}' er en fil; angiv mappen, reglerne ligger i.",
                         f"regler: '{entry}' is a file; name the folder the rules are in.")
        if folder not in out:
            out.append(folder)
    return tuple(out)
