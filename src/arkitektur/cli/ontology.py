"""``arkitektur ontology`` / OWL consistency of ontology + models with HermiT, reported in Danish."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import loader
from ..check import model_paths
from .app import main
from .options import lang_option


@main.command("ontology")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@lang_option()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--java", metavar="STI", help="Java-programmet, hvis det ikke ligger på PATH / the java executable.")
@click.pass_context
def ontology_command(ctx, paths, lang, fmt, java):
    """OWL-konsistens og klassifikation (HermiT) af ontologi + modeller / OWL consistency with HermiT.

    Exit 0: konsistent; 1: inkonsistente klasser eller individer; 2: input kan ikke læses, eller Java mangler.
    """
    from ..reasoning import check_consistency  # only this command needs it

    repo = loader.load(model_paths(list(paths) or [Path("models")]))
    report = check_consistency(repo.graph(), java=java)
    items = []
    for kind, iris in (("klasse", report.inconsistent_classes), ("individ", report.inconsistent_individuals)):
        for iri in iris:
            file, line = repo.locator.locate(iri)
            reason = report.reasons.get(iri)
            items.append({"kind": kind, "iri": iri, "file": file, "line": line,
                          "message": reason.besked(lang) if reason else None})
    if fmt == "json":
        click.echo(json.dumps({"consistent": report.consistent, "inconsistent": items,
                               "hermit_runs": report.hermit_runs, "seconds": round(report.seconds, 2),
                               "notes": [m.besked(lang) for m in report.messages]},
                              ensure_ascii=False, indent=2))
    else:
        for note in report.messages:
            click.echo(f"note: {note.besked(lang)}")
        for it in items:
            where = f"{it['file']}:{it['line']}" if it["file"] and it["line"] else "?"
            kind = it["kind"] if lang == "da" else {"klasse": "class", "individ": "individual"}[it["kind"]]
            click.echo(f"{where}: {kind} {it['iri']}: {it['message'] or ''}".rstrip())
        if report.consistent and not items:
            click.echo("Ontologi og modeller er OWL-konsistente (HermiT)." if lang == "da"
                       else "Ontology and models are OWL-consistent (HermiT).")
        else:
            n = len(items)
            click.echo(f"Inkonsistent: {n} klasser/individer skal rettes." if lang == "da"
                       else f"Inconsistent: {n} classes/individuals to fix.")
    ctx.exit(0 if report.consistent and not report.inconsistent_classes else 1)
