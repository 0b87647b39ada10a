"""``arkitektur roadmap`` / parses options, builds the contract and procurement calendar, prints one format."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import roadmap
from ..presenters import roadmap as presenter
from ..files import write_output
from .app import endpoint_option, main
from .options import as_of_option, lang_option, prepared, terminal_width


@main.command("roadmap")
@endpoint_option()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@as_of_option("Dato køreplanen gælder pr.")
@click.option("--vindue", "window", type=click.IntRange(min=1, max=120), default=12, show_default=True,
              help="Længste afstand i måneder fra første til sidste kontraktudløb i et fælles udbudsvindue.")
@click.option("--format", "fmt", type=click.Choice(list(presenter.FORMATS)), default="text",
              show_default=True, help="Outputformat / output format.")
@lang_option()
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Skriv til fil i stedet for stdout.")
@click.pass_context
def roadmap_command(ctx, paths, as_of, window, fmt, lang, output):
    """Køreplan / roadmap: kontraktudløb, opsigelsesdatoer, udbud og fælles udbudsvinduer pr. opgave.

    Et vindue starter ved det tidligste kontraktudløb, der ikke allerede er i et vindue, og tager
    alle udløb højst --vindue måneder efter; vinduer med mindst to kommuner vises (docs/divergens.md).
    """
    targets = list(paths) or [Path("models")]
    plan = roadmap.build_roadmap(prepared(targets, as_of), window_months=window, lang=lang)
    text = presenter.render(plan, fmt, lang, terminal_width(output))
    write_output(text, output, stdout=sys.stdout, inputs=targets)
