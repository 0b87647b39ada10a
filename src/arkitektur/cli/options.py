"""Fælles tilvalg / options shared by the commands: one name for one thing (``--lang``) and the
width the text output is wrapped to."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import click

LANGS = ("da", "en")
#: ``ctx.meta`` key: the language the command's messages and errors are written in (cli/app.py reads it).
LANG_KEY = "arkitektur.lang"
#: Narrower than this, wrapping makes text harder to read than a long line does.
MIN_WIDTH = 40


def _remember(ctx: click.Context, _param, value):
    # Stored at parse time, so an error raised while the command runs is written in this language too.
    if value is not None:
        ctx.meta[LANG_KEY] = value
    return value


def lang_option(help: str = "Sprog for teksten / language of the text.", default: str | None = "da"):
    """``--lang da|en``: the same name, values and default on every command that writes text for people."""
    return click.option("--lang", type=click.Choice(LANGS), default=default, show_default=default is not None,
                        callback=_remember, is_eager=True, help=help)


def as_of_option(what: str):
    """``--as-of ÅÅÅÅ-MM-DD``: ``what`` says what the date is for; the default is the same everywhere."""
    return click.option("--as-of", "as_of", metavar="ÅÅÅÅ-MM-DD",
                        help=f"{what} (standard: as_of i arkitektur.toml, ellers i dag).")


def prepared(targets: list[Path], as_of: str | None):
    """The models under ``targets`` loaded and derived (``check.prepare``) as of ``--as-of``, else
    as_of in arkitektur.toml, else today."""
    from ..check import prepare, resolve_as_of
    from ..config import option_date

    return prepare(targets, resolve_as_of(targets, option_date(as_of)))


def view_file(view: str, fmt: str) -> Path:
    """Where ``render`` writes png/pdf without ``-o``: VISNING.png/.pdf here – never over a file
    that nobody named on the command line (ARK-E138)."""
    from ..errors import UsageError

    output = Path(f"{view}.{fmt}")
    if output.exists() or output.is_symlink():
        raise UsageError(f"{output} findes allerede; angiv -o {output} for at overskrive den (eller et andet navn).",
                         f"{output} already exists; give -o {output} to overwrite it (or another name).",
                         code="ARK-E138", file=str(output))
    return output


def echo_report(report, to_stderr: bool) -> None:
    """An import's or export's loss report (``interchange.report.Report``); on stderr when the
    result itself goes to stdout."""
    text = report.text()
    if text:
        click.echo(text, nl=False, err=to_stderr)


def _stdout_is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stdout
        return False


def terminal_width(output=None) -> int | None:
    """The width to wrap text output to, or ``None`` for no wrapping.

    Only a terminal is wrapped: output to a file (``-o``) or through a pipe (``> fil.txt``,
    ``| grep``) keeps one line per finding or row, as scripts, grep and editors expect – also when
    the shell or a CI runner exports COLUMNS (many do). In a terminal COLUMNS wins (so
    ``COLUMNS=60`` narrows it), else the terminal's own width; never narrower than ``MIN_WIDTH``.
    See docs/udvikling/konventioner.md.
    """
    if output is not None or not _stdout_is_tty():
        return None
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), MIN_WIDTH)
    return max(shutil.get_terminal_size(fallback=(100, 24)).columns, MIN_WIDTH)
