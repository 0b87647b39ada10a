"""``arkitektur import`` / ArchiMate exchange files, KITOS (API or saved JSON) and spreadsheets to Turtle."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from ..errors import UsageError
from .app import main
from .options import echo_report


def _write_turtle(text: str, output: Path | None, overwrite: bool) -> None:
    from ..files import write_all

    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    if output.exists() and not overwrite:
        raise UsageError(
            f"{output} findes allerede; brug --overskriv for at erstatte den.",
            f"{output} already exists; use --overskriv to replace it.", code="ARK-E85", file=str(output))
    write_all({output: text.encode("utf-8")}, make_dirs=True)


def _check_base(base: str | None) -> None:
    """--base must be an absolute IRI: it is written into the Turtle unescaped as the start of every
    new IRI, so ``http://x/> <http://evil/`` would inject a triple (issue 13)."""
    if base is None:
        return
    import pyoxigraph as ox

    try:
        ox.NamedNode(base)
    except ValueError as exc:
        raise UsageError(
            f"--base: '{base}' er ikke en absolut IRI ({exc}). Skriv fx https://eksempel.dk/arkitektur/.",
            f"--base: '{base}' is not an absolute IRI ({exc}). Write e.g. https://example.org/architecture/.",
            code="ARK-E87") from None


def _target(output: Path | None, stem: str) -> Path | None:
    if output is None:
        return None
    if output.suffix.lower() == ".ttl":
        return output
    return output / f"{stem}.ttl"


def _write_import(result, file: Path, command: str, output: Path | None, overwrite: bool,
                  say_written: bool = False) -> None:
    """An importer's graph as Turtle to ``-o`` (a folder: FILE.ttl in it) or stdout, and its report
    (on stderr when the Turtle goes to stdout)."""
    from ..interchange.turtle_out import serialize

    text = serialize(result.graph, result.prefixes, header=f"Importeret fra {file.name} med 'arkitektur {command}'.")
    target = _target(output, file.stem)
    _write_turtle(text, target, overwrite)
    if say_written and target is not None:
        result.report.note(f"Skrevet / written: {target}")
    echo_report(result.report, target is None)


@main.group("import")
def import_group() -> None:
    """Importér til Turtle / import into Turtle (ArchiMate, KITOS, xlsx, csv)."""


@import_group.command("archimate")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Mappe (der skrives FIL.ttl) eller en .ttl-fil; ellers stdout.")
@click.option("--base", help="IRI-præfiks til nye IRI'er for elementer uden ark:iri (filer fra Archi).")
@click.option("--lang", type=click.Choice(["da", "en"]), default=None,
              help="Sprog for navne uden xml:lang / language of untagged names.")
# The option's first name, kept so that no script breaks; --lang is its name everywhere.
@click.option("--sprog", type=click.Choice(["da", "en"]), default=None, hidden=True)
@click.option("--overskriv", is_flag=True, help="Erstat en eksisterende .ttl-fil.")
def import_archimate(file, output, base, lang, sprog, overskriv):
    """Læs en ArchiMate Model Exchange File (3.x) og skriv Turtle; udskriver en tabsrapport."""
    _check_base(base)
    from ..interchange.archimate_import import import_file

    _write_import(import_file(file, base=base, lang=lang or sprog), file, "import archimate", output, overskriv,
                  say_written=True)


def _parse_pairs(values, option: str) -> dict[str, str]:
    out = {}
    for v in values:
        if "=" not in v:
            raise UsageError(f"{option}: skriv NAVN=VÆRDI ({v!r}).", f"{option}: write NAME=VALUE ({v!r}).",
                             code="ARK-E86")
        k, val = v.split("=", 1)
        out[k.strip()] = val.strip()
    return out


@import_group.command("kitos")
@click.option("--fra-fil", "from_dir", type=click.Path(path_type=Path),
              help="Mappe med gemt JSON fra KITOS API v2 (offline; intet netværk).")
@click.option("--url", help="KITOS' adresse, fx https://kitos.dk (kun når du beder om det).")
@click.option("--org", "org", required=True, help="Organisationens KITOS-UUID.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Turtle-filen der skrives/opdateres, fx models/silkeborg/kitos.ttl.")
@click.option("--kommune", help="Eksisterende Kommune-IRI/CURIE for organisationen (ellers dannes en).")
@click.option("--base", default="https://w3id.org/arkitektur/kitos/", show_default=True,
              help="IRI-præfiks for KITOS-UUID'er.")
@click.option("--rolle", "roles", multiple=True, metavar="ROLLE=egenskab",
              help="Rollenavn/UUID → systemejer|systemansvarlig (standard: Systemejer, Systemansvarlig).")
@click.option("--snitflade", "interfaces", multiple=True, metavar="TYPE=mønster",
              help="Snitfladetype → Opslag|Besked|Filoverfoersel|Replikering.")
@click.option("--siden", help="Kun ændringer siden (ÅÅÅÅ-MM-DD eller 'sidst'); bruger deleted-entities.")
@click.option("--repo", "repo_paths", multiple=True, type=click.Path(path_type=Path),
              help="Repositoriet: noder med dcterms:identifier = KITOS-UUID genbruges i stedet for nye IRI'er.")
@click.option("--as-of", "as_of", metavar="ÅÅÅÅ-MM-DD", help="Dato for livscyklus-tolkning (standard i dag).")
@click.option("--toer", "dry_run", is_flag=True, help="Vis kun rapporten; skriv intet / dry run.")
@click.option("--overskriv", is_flag=True, help="Erstat en fil der ikke har et øjebliksbillede fra sidste import.")
@click.option("--gem-json", "save_json", type=click.Path(path_type=Path),
              help="Gem det hentede JSON i denne mappe (til --fra-fil senere).")
@click.option("--timeout", default=30.0, show_default=True, help="Sekunder pr. HTTP-kald.")
def import_kitos(from_dir, url, org, output, kommune, base, roles, interfaces, siden, repo_paths, as_of,
                 dry_run, overskriv, save_json, timeout):
    """Importér én organisations systemanvendelser, systemer, kontrakter, relationer, snitflader og
    databehandlinger fra KITOS (API v2 eller gemt JSON). En ny import opdaterer i stedet for at
    duplikere; ændringer i KITOS og håndrettelser siden sidste import rapporteres (tre-vejs)."""
    _check_base(base)
    from ..config import option_date
    from ..interchange import kitos

    if bool(from_dir) == bool(url):
        raise UsageError("angiv præcis én af --fra-fil og --url.", "give exactly one of --fra-fil and --url.",
                         code="ARK-E86")
    options = kitos.Options(
        org=org, base=base, kommune=kommune,
        roles=_parse_pairs(roles, "--rolle") or None,
        interfaces=_parse_pairs(interfaces, "--snitflade") or None,
        as_of=option_date(as_of) or dt.date.today(),
        repo=_repository(repo_paths),
    )
    if from_dir:
        source = kitos.DirectorySource(from_dir)
    else:
        source = kitos.ApiSource(url, token=os.environ.get("KITOS_TOKEN"), email=os.environ.get("KITOS_EMAIL"),
                                 password=os.environ.get("KITOS_PASSWORD"), timeout=timeout)
    result = kitos.run(source, options, output, since=siden, dry_run=dry_run, overwrite=overskriv,
                       save_json=save_json)
    click.echo(result.text(), nl=False)


@import_group.command("xlsx")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Mappe eller .ttl-fil; ellers stdout.")
@click.option("--kommune", help="Kommune-IRI/CURIE for rækker uden kommune (KITOS' eksport har ingen).")
@click.option("--base", default="https://w3id.org/arkitektur/import/", show_default=True,
              help="IRI-præfiks for nye IRI'er.")
@click.option("--overskriv", is_flag=True, help="Erstat en eksisterende .ttl-fil.")
@click.option("--repo", "repo_paths", multiple=True, type=click.Path(path_type=Path),
              help="Repositoriet: navne i cellerne slås op her (rdfs:label) før der dannes nye noder.")
def import_xlsx(file, output, kommune, base, overskriv, repo_paths):
    """Regneark i vores skabelon (ét ark pr. klasse) eller KITOS' Excel-eksport (kolonner efter overskrift)."""
    _import_sheet("xlsx", file, output, kommune, base, overskriv, repo_paths)


@import_group.command("csv")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Mappe eller .ttl-fil; ellers stdout.")
@click.option("--kommune", help="Kommune-IRI/CURIE for rækker uden kommune.")
@click.option("--base", default="https://w3id.org/arkitektur/import/", show_default=True)
@click.option("--overskriv", is_flag=True, help="Erstat en eksisterende .ttl-fil.")
@click.option("--repo", "repo_paths", multiple=True, type=click.Path(path_type=Path),
              help="Repositoriet: navne i cellerne slås op her (rdfs:label) før der dannes nye noder.")
def import_csv(file, output, kommune, base, overskriv, repo_paths):
    """CSV i vores skabelon eller KITOS' layout (skilletegn , ; eller tabulator; UTF-8 eller Windows-1252)."""
    _import_sheet("csv", file, output, kommune, base, overskriv, repo_paths)


def _repository(repo_paths) -> list[Path]:
    """``--repo``'s model files, without the repository's own rules and their examples: an example
    that describes "KMD A/S" again would make the name ambiguous (docs/egne-regler.md)."""
    if not repo_paths:
        return []
    from ..check import model_paths

    return model_paths([Path(p) for p in repo_paths])


def _import_sheet(kind: str, file: Path, output, kommune, base, overwrite, repo_paths) -> None:
    _check_base(base)
    from ..interchange import sheets

    result = sheets.import_file(file, kind=kind, kommune=kommune, base=base, repo=_repository(repo_paths))
    _write_import(result, file, f"import {kind}", output, overwrite)
