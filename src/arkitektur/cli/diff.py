"""``arkitektur diff`` / parses options, compares two git revisions semantically, prints one format."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import semdiff
from ..presenters import diff as presenter
from ..config import option_date
from ..files import write_output
from .app import main
from .options import as_of_option, lang_option


@main.command("diff")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--base", required=True, metavar="REV", help="Git-revisionen der sammenlignes med (fx origin/main).")
@click.option("--head", metavar="REV", help="Den nye side (standard: arbejdskopien, også uindcheckede ændringer).")
@as_of_option("Dato begge sider tjekkes pr.")
@click.option("--format", "fmt", type=click.Choice(list(presenter.FORMATS)), default="text",
              show_default=True, help="Outputformat; markdown passer som kommentar på en pull request.")
@lang_option()
@click.option("--skip-check", is_flag=True,
              help="Spring tjekket af begge sider over (ingen fund sammenlignes; meget hurtigere).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Skriv til fil i stedet for stdout.")
@click.pass_context
def diff_command(ctx, paths, base, head, as_of, fmt, lang, skip_check, output):
    """Semantisk diff / semantic diff of the models between two git revisions.

    Viser elementer (systemer, anvendelser, integrationer, kontrakter, projekter …) der er
    tilføjet, fjernet eller ændret (egenskab for egenskab), fund der er kommet til eller rettet,
    og ændringen i konvergens pr. kommune. PATHS er som for 'check' (standard: models/).
    """
    day = option_date(as_of)
    result = semdiff.semantic_diff(list(paths), base, head, as_of=day, lang=lang, run_check=not skip_check)
    text = presenter.render(result, fmt, lang)
    write_output(text, output, stdout=sys.stdout, inputs=list(paths) or [Path("models")])
