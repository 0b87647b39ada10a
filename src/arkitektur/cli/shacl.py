"""``arkitektur shacl`` / validates any data against any SHACL shapes and prints a W3C validation report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import shacl_validate
from ..check import DEFAULT_ENGINE, ENGINES
from ..files import write_output
from .app import main


@main.command("shacl")
@click.argument("data", nargs=1, type=click.Path(path_type=Path))
@click.argument("shapes", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(shacl_validate.REPORT_FORMATS), default="turtle",
              show_default=True, help="Rapportens format / report format (W3C sh:ValidationReport).")
@click.option("--engine", type=click.Choice(ENGINES), default=DEFAULT_ENGINE, show_default=True,
              help="Valideringsmotor / validation engine.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Skriv til fil i stedet for stdout.")
@click.pass_context
def shacl_command(ctx, data, shapes, fmt, engine, output):
    """Generel SHACL-validering / general SHACL validator (SHACL Core og SHACL-SPARQL).

    Validerer DATA (en .ttl-fil eller en mappe) mod formerne i SHAPES (standard: formerne i DATA
    selv) og skriver en W3C sh:ValidationReport. Relative IRI'er læses i forhold til filens sti.
    Exit 0: overholder; 1: overholder ikke; 2: input der ikke kan læses, eller former, som motoren
    ikke kan køre præcist (afvises, springes aldrig over).

    Validates DATA against SHAPES (default: the shapes in DATA) and prints a W3C validation report.
    Exit 0 conforms, 1 does not, 2 unreadable input or shapes the engine cannot run exactly.
    """
    data_graph, notes = shacl_validate.read_graph([data])
    shapes_graph = data_graph
    if shapes:
        shapes_graph, more = shacl_validate.read_graph(list(shapes))
        notes += more
    for note in notes:
        click.echo(f"bemærk: {note}", err=True)
    result = shacl_validate.validate(data_graph, shapes_graph, engine)
    text = shacl_validate.render(result, fmt)
    write_output(text, output, stdout=sys.stdout, inputs=[data, *shapes])
    ctx.exit(0 if result.conforms else 1)
