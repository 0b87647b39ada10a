"""``arkitektur check`` / parses options, runs the check, prints one format, returns the exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import catalogue as catalogue_mod
from ..check import DEFAULT_ENGINE, ENGINES, run_check
from ..config import option_date
from ..files import write_output
from ..findings import Severity
from ..formats import FORMATS, render
from .app import endpoint_option, keep_until_exit, main
from .options import as_of_option, lang_option, terminal_width


@main.command("check")
@endpoint_option()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Outputformat / output format.")
@as_of_option("Dato der tjekkes pr.")
@lang_option()
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation",
              show_default=True, help="Laveste alvor der giver exit-kode 1.")
@click.option("--select", metavar="REGEL,...", help="Kun disse regler / only these rules.")
@click.option("--ignore", metavar="REGEL,...", help="Spring disse regler over / skip these rules.")
@click.option("--engine", type=click.Choice(ENGINES), default=DEFAULT_ENGINE, show_default=True,
              help="Valideringsmotor / validation engine.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Skriv til fil i stedet for stdout.")
@click.pass_context
def check_command(ctx, paths, fmt, as_of, lang, fail_on, select, ignore, engine, output):
    """Tjek modellerne mod principperne / check the models against the principles.

    Indlæser ontologi, regler, referencedata og alle .ttl-filer under PATHS (standard: models/).
    Exit 0: intet på eller over --fail-on; 1: fund på eller over; 2: input der ikke kan læses.
    """
    day = option_date(as_of)
    targets = list(paths) or [Path("models")]
    result = run_check(targets, as_of=day, lang=lang, select=select, ignore=ignore, engine=engine,
                       keep=keep_until_exit())
    text = render(fmt, result, lang=lang, catalogue=catalogue_mod.for_paths(targets), width=terminal_width(output))
    if fmt != "text":  # the text output shows the notes at its top; the other formats have no place
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
    write_output(text, output, stdout=sys.stdout, inputs=targets)
    worst = result.worst()
    threshold = Severity.parse(fail_on)
    ctx.exit(1 if worst is not None and worst >= threshold else 0)
