"""``arkitektur fmt`` / formats the model files canonically, or with --check only reports which would change."""

from __future__ import annotations

from pathlib import Path

import click

from ..fmt import format_files
from ..words import FMT, words
from .app import echo_error, main
from .options import lang_option


@main.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True,
              help="Ændr intet; exit 1 hvis en fil ville blive ændret / change nothing; exit 1 if a file would change.")
@lang_option("Sprog for meddelelserne / language of the messages.")
@click.pass_context
def fmt_command(ctx, paths, check, lang):
    """Skriv Turtle-filerne i én kanonisk form / write the Turtle files in one canonical layout.

    Formaterer alle .ttl-filer under PATHS (standard: models/): præfikser sorteret, én blok pr.
    element sorteret efter IRI, rdf:type og labels først, derefter prædikater efter fuld IRI, ét
    objekt pr. linje. Kommentarer og literalers skrivemåde bevares; data ændres aldrig (ellers
    afvises filen). Relative IRI'er kræver @base i filen, som ved 'check'.

    Exit 0: alt er (nu) kanonisk; 1: med --check, filer der ville blive ændret; 2: en fil kan ikke
    læses, formateres eller skrives, eller blev ændret under kørslen – så skrives ingen filer. Et
    symlink bevares; filen, det peger på, formateres.
    """
    targets = list(paths) or [Path("models")]
    w = words(FMT, lang)
    results, errors = format_files(targets, check=check)
    if errors:
        for exc in errors:
            echo_error(exc, lang)
        click.echo(w["broken"].format(n=len(errors)), err=True)
        ctx.exit(2)
    changed = [r for r in results if r.changed]
    for r in changed:
        click.echo(f"{w['would'] if check else w['done']}: {r.display}")
    same = len(results) - len(changed)
    if check:
        click.echo(w["check"].format(n=len(changed), same=same), err=bool(changed))
        ctx.exit(1 if changed else 0)
    click.echo(w["sum"].format(n=len(changed), same=same))
    ctx.exit(0)
