"""Repositoriets indstillinger / reads ``arkitektur.toml`` (as_of and defaults) from the repository root."""

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

    @property
    def root(self) -> Path | None:
        return self.path.parent if self.path else None


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
        data = tomllib.loads(path.read_text(encoding="utf-8"))
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
    return Config(path=path, as_of=parsed)
