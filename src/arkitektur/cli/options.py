"""Fælles tilvalg / options shared by the commands: one name for one thing (``--lang``) and the
width the text output is wrapped to."""

from __future__ import annotations

import os
import shutil
import sys

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
