"""``arkitektur new kommune`` / scaffolds a new member municipality and says what it still has to model."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import parse_date
from ..scaffold import new_kommune
from .app import main


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
def new_kommune_command(name, kode, samarbejde, directory, fra):
    """Opret et nyt medlem / scaffold a new member municipality.

    Skriver <dir>/<slug>/kommune.ttl (kommunen og dens forum) og medlemskab-<slug>.ttl ved siden af
    samarbejdets fil (ark:Medlemskab med medlemFra og <samarbejde> ark:medlem <kommune>). Eksisterende
    filer ændres aldrig; findes kommunen allerede, afvises kommandoen med exit 2. Se docs/onboarding.md.
    """
    plan = new_kommune(name, directory=directory, kode=kode, samarbejde=samarbejde,
                       fra=parse_date(fra, what="--fra") if fra else None)
    click.echo(f"Oprettet / created {plan.name} Kommune <{plan.kommune}>, medlem fra {plan.fra.isoformat()}:")
    for path in plan.files:
        click.echo(f"  {path}")
    click.echo("")
    click.echo("Næste skridt / next steps (docs/onboarding.md):")
    click.echo(f"  1. Registrér {plan.name}s systemanvendelser (ark:Systemanvendelse med ark:kommune, ark:system,")
    click.echo(f"     ark:livscyklus, ark:understoetterOpgave, ark:kontrakt) i {plan.folder}/systemanvendelser.ttl.")
    if plan.maalloesninger:
        click.echo(f"     Målarkitekturen har {len(plan.maalloesninger)} målløsning(er); for hver opgave tjekker HEL-2/HEL-3,")
        click.echo("     om kommunens system er målsystemet:")
        for opgave, system, senest in plan.maalloesninger:
            click.echo(f"       - {opgave} → {system}" + (f" (senest {senest})" if senest else ""))
    click.echo(f"  2. Kontrakter, integrationer og dataflows i {plan.folder}/ (se de andre medlemmers mapper).")
    if plan.udbud_uden:
        click.echo(f"  3. Udbud planlagt fra {plan.fra.isoformat()} skal have {plan.name} som ark:deltager "
                   "(HEL-1 melder dem nu):")
        for u in plan.udbud_uden:
            click.echo(f"       - {u}")
    click.echo(f"  Kør / run: arkitektur check {plan.folder.parent}")
