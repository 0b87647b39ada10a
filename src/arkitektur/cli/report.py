"""``arkitektur report`` / parses options, builds the HTML meeting pack and writes it into one folder."""

from __future__ import annotations

from pathlib import Path

import click

from .. import render as render_mod
from .. import report
from ..report import decisions
from ..check import resolve_as_of
from ..config import option_date
from .app import main


@main.command("report")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Mappe til mødepakken (index.html og diagrammer/); erstattes kun, hvis den er tom "
                   "eller en tidligere mødepakke.")
@click.option("--as-of", "as_of", metavar="ÅÅÅÅ-MM-DD",
              help="Dato mødepakken gælder pr. (standard: as_of i arkitektur.toml, ellers i dag).")
@click.option("--horisont", "horisont", metavar="6m|1år|ÅÅÅÅ-MM-DD", default=None,
              help="Hvor langt frem »Til beslutning« ser: måneder (6m), år (1år) eller en dato "
                   "(standard: 6m).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=render_mod.DEFAULT_TIMEOUT, show_default=True,
              help="Sekunder Graphviz må bruge pr. diagram.")
@click.pass_context
def report_command(ctx, paths, output, as_of, horisont, timeout):
    """Mødepakke / static HTML meeting pack for the digitalisation forums.

    Til beslutning (det, fora og direktører skal beslutte inden --horisont), nøgletal, styring
    (faser, GO / no-GO, beslutninger, projekter), fund pr. princip og kommune, harmoniseringsmatrix, køreplan, gevinster pr. type og
    år og alle diagrammer i én mappe, der kan læses uden net. Skrives først i en midlertidig mappe
    og flyttes på plads til sidst: ved en fejl ændres intet.
    """
    ctx.meta["arkitektur.lang"] = "da"
    targets = list(paths) or [Path("models")]
    day = resolve_as_of(targets, option_date(as_of))
    decisions.horizon(day, horisont)   # a bad --horisont stops before anything is loaded
    context, result = report.collect(targets, day)
    pack = report.build_pack(context, result, timeout=timeout, horizon=horisont)
    index = report.write_pack(pack, output)
    for note in pack.notes:
        click.echo(f"bemærk: {note}", err=True)
    drawn = sum(1 for d in pack.diagrams if d.svg is not None)
    click.echo(f"mødepakke pr. {day.isoformat()}: {len(result.findings)} fund, {drawn} af {len(pack.diagrams)} "
               f"diagrammer → {index}", err=True)
