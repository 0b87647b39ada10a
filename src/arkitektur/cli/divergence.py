"""``arkitektur divergence`` / parses options, builds the harmonisation matrix, prints one format."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import divergence, trajectory
from ..presenters import divergence as presenter
from ..config import option_date
from ..files import write_output
from .app import endpoint_option, main
from .options import as_of_option, lang_option, prepared, terminal_width


@main.command("divergence")
@endpoint_option(refuse=("historik",))
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@as_of_option("Dato matricen gælder pr.")
@click.option("--format", "fmt", type=click.Choice(list(presenter.FORMATS)), default="text",
              show_default=True, help="Outputformat / output format.")
@lang_option()
@click.option("--historik", metavar="REV..REV",
              help="I stedet for matricen: andelen konvergeret ved intervallets start og ved hvert commit i det, "
                   "der ændrer modellerne, målt på commit-datoen (eller --as-of); fx 'v1.0..HEAD' eller 'HEAD~20..'.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Skriv til fil i stedet for stdout.")
@click.pass_context
def divergence_command(ctx, paths, as_of, fmt, lang, historik, output):
    """Harmoniseringsmatrix / harmonisation matrix: per opgave og kommune system og status.

    Status pr. celle: konvergeret, planlagt, divergerende, ikke registreret eller ikke omfattet
    (docs/divergens.md), og en gyldig dispensation med udløb; til sidst andelen af opgaver med
    målløsning, der er konvergeret, pr. kommune og samlet. Med --historik: én række pr. commit.
    """
    targets = list(paths) or [Path("models")]
    if historik is not None:
        points = trajectory.history(targets, historik, as_of=option_date(as_of), lang=lang)
        write_output(presenter.render_history(historik, points, fmt, lang, terminal_width(output)), output, stdout=sys.stdout, inputs=targets)
        return
    matrix = divergence.build_matrix(prepared(targets, as_of), lang)
    text = presenter.render(matrix, fmt, lang, terminal_width(output))
    write_output(text, output, stdout=sys.stdout, inputs=targets)
