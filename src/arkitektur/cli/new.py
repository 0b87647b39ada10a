"""``arkitektur new kommune`` / scaffolds a new member municipality and says what it still has to model."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import parse_date
from ..scaffold import new_kommune
from ..words import NEW, words
from .app import main
from .options import lang_option


@main.group("new")
def new_group():
    """Opret nye elementer / scaffold new elements."""


@new_group.command("kommune")
@click.argument("name", metavar="NAVN")
@click.option("--kode", metavar="123", help="Kommunekoden (tre cifre) / the municipality code.")
@click.option("--samarbejde", metavar="IRI",
              help="Samarbejdets IRI; kun nødvendig, når repositoriet har flere / only when there are several.")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=Path("models"), show_default=True,
              help="Repositoriets models-mappe / the repository's models folder.")
@click.option("--fra", metavar="ÅÅÅÅ-MM-DD", help="Medlem fra (standard: i dag) / member from (default: today).")
@lang_option("Sprog for næste skridt og fejl; filerne skrives på dansk / language of the next steps and "
             "errors; the files are written in Danish.")
def new_kommune_command(name, kode, samarbejde, directory, fra, lang):
    """Opret et nyt medlem / scaffold a new member municipality.

    Skriver <dir>/<slug>/kommune.ttl (kommunen og dens forum) og medlemskab-<slug>.ttl ved siden af
    samarbejdets fil (ark:Medlemskab med medlemFra og <samarbejde> ark:medlem <kommune>). Eksisterende
    filer ændres aldrig; findes kommunen allerede, afvises kommandoen med exit 2. Se docs/onboarding.md.
    """
    plan = new_kommune(name, directory=directory, kode=kode, samarbejde=samarbejde,
                       fra=parse_date(fra, what="--fra") if fra else None)
    w = words(NEW, lang)
    fra_text = plan.fra.isoformat()
    click.echo(w["created"].format(name=plan.name, iri=plan.kommune, fra=fra_text))
    for path in plan.files:
        click.echo(f"  {path}")
    click.echo("")
    click.echo(w["next"])
    for line in w["step1"]:
        click.echo(line.format(name=plan.name, folder=plan.folder))
    if plan.maalloesninger:
        for line in w["targets"]:
            click.echo(line.format(n=len(plan.maalloesninger)))
        for opgave, system, senest in plan.maalloesninger:
            click.echo(f"       - {opgave} → {system}" + (w["by"].format(d=senest) if senest else ""))
    click.echo(w["step2"].format(folder=plan.folder))
    if plan.udbud_uden:
        click.echo(w["step3"].format(fra=fra_text, name=plan.name))
        for u in plan.udbud_uden:
            click.echo(f"       - {u}")
    click.echo(w["run"].format(models=plan.folder.parent))
