"""``arkitektur export`` / ArchiMate exchange file, spreadsheets and SYS-AP from the repository."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..check import model_paths
from ..errors import InputError, UsageError
from ..files import write_output
from .app import main
from .options import as_of_option, echo_report, lang_option, prepared

_SHEET_LANG = ("Sprog for overskrifter, kodeværdier (\"I drift\" / \"In operation\") og fundenes beskeder; "
               "import læser begge / language of headers, code values and messages; import reads both.")


def _paths(paths) -> list[Path]:
    return list(paths) or [Path("models")]


def _emit(data: bytes, output: Path | None, paths) -> None:
    write_output(data, output, stdout=sys.stdout.buffer, inputs=_paths(paths))


def _kommune(g, text: str | None) -> str | None:
    """--kommune as an IRI: a CURIE, or what render accepts (name, kommunekode, IRI); unknown → ARK-E103."""
    if not text:
        return None
    from ..interchange.terms import Prefixes
    from ..views import resolve_kommune

    return str(resolve_kommune(g, Prefixes().expand(text) or text))


@main.group("export")
def export_group() -> None:
    """Eksportér repositoriet / export the repository (ArchiMate, xlsx, csv, SYS-AP)."""


@export_group.command("archimate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Filen der skrives (FIL.xml); ellers stdout.")
@click.option("--navn", default="arkitektur", show_default=True, help="Modellens navn i Archi / model name.")
@click.option("--valider/--ikke-valider", default=True, show_default=True,
              help="Validér mod ArchiMate 3.1-XSD'en før der skrives / validate against the XSD first.")
@click.option("--diagrammer/--ingen-diagrammer", default=True, show_default=True,
              help="Skriv diagrammer (views): landskab og integrationer pr. kommune og målarkitekturen / "
                   "write views, laid out with Graphviz.")
@as_of_option("Dato for diagrammerne")
def export_archimate(paths, output, navn, valider, diagrammer, as_of):
    """ArchiMate Model Exchange File (3.1) – kan åbnes i Archi (File › Import › Open Exchange XML Model)."""
    from ..interchange.archimate_export import export_repository

    targets = _paths(paths)
    if diagrammer:
        ctx = prepared(targets, as_of)
        data, report = export_repository(ctx.repo, name=navn, ctx=ctx)
    else:
        from .. import loader

        data, report = export_repository(loader.load(model_paths(targets)), name=navn)
    if valider:
        from ..interchange import xsd_check

        problems = xsd_check.errors(data)
        if problems:
            raise InputError(
                "den eksporterede fil validerer ikke mod ArchiMate-XSD'en (en fejl i arkitektur; intet er "
                f"skrevet): {problems[0]}",
                f"the exported file does not validate against the ArchiMate XSD (a bug; nothing written): "
                f"{problems[0]}", code="ARK-E77")
    _emit(data, output, paths)
    echo_report(report, output is None)


@export_group.command("xlsx")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="FIL.xlsx")
@click.option("--kommune", "kommune",
              help="Kun denne kommune (navn, kommunekode, IRI eller CURIE) / only this municipality.")
@as_of_option("Dato for harmoniseringsmatricen og fundene")
@lang_option(_SHEET_LANG)
def export_xlsx(paths, output, kommune, as_of, lang):
    """Regneark til ledelsen: systemer, kontrakter og integrationer (samme skabelon som import xlsx),
    harmoniseringsmatricen og tjekkets fund – med navne, danske dato- og beløbsformater og filtre."""
    from ..check import run_check
    from ..divergence import build_matrix
    from ..interchange import sheets

    targets = _paths(paths)
    ctx = prepared(targets, as_of)
    only = _kommune(ctx.graph, kommune)
    extra = [sheets.matrix_sheet(build_matrix(ctx), only, lang),
             sheets.findings_sheet(run_check(targets, as_of=ctx.facts.as_of).findings, ctx.graph, only, lang)]
    data, report = sheets.export_xlsx(ctx.repo, kommune=only, lang=lang, extra=extra)
    _emit(data, output, paths)
    echo_report(report, False)


@export_group.command("csv")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Mappe: der skrives systemanvendelser.csv, kontrakter.csv og integrationer.csv.")
@click.option("--kommune", "kommune", help="Kun denne kommune (navn, kommunekode, IRI eller CURIE).")
@click.option("--skilletegn", type=click.Choice([",", ";"]), default=";", show_default=True,
              help="Semikolon passer til dansk Excel / ';' suits Danish Excel.")
@lang_option(_SHEET_LANG)
def export_csv(paths, output, kommune, skilletegn, lang):
    """Systemer, kontrakter og integrationer som CSV (UTF-8 med BOM, CRLF)."""
    from .. import loader
    from ..interchange import sheets
    from ..files import write_all

    if output.exists() and not output.is_dir():
        raise UsageError("-o skal være en mappe.", "-o must be a folder.", code="ARK-E86")
    repo = loader.load(model_paths(_paths(paths)))
    files, report = sheets.export_csv(repo, kommune=_kommune(repo.graph(), kommune), delimiter=skilletegn, lang=lang)
    write_all({output / name: data for name, data in files.items()}, make_dirs=True)
    echo_report(report, False)


@export_group.command("sysap")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Filen der skrives; ellers stdout.")
@click.option("--format", "fmt", type=click.Choice(["turtle", "json-ld"]), default="turtle", show_default=True)
@click.option("--leverandoer-som", "supplier_as", type=click.Choice(["rightsHolder", "maintainedBy"]),
              default="rightsHolder", show_default=True,
              help="Hvad ItSystems leverandør bliver i SYS-AP / what the supplier becomes.")
def export_sysap(paths, output, fmt, supplier_as):
    """Repositoriet i SYS-AP (udkast til profil for beskrivelse af it-systemer), med tabene listet i filen."""
    from .. import loader
    from ..interchange import sysap

    repo = loader.load(model_paths(_paths(paths)))
    data, report = sysap.export(repo, fmt=fmt, supplier_as=supplier_as)
    _emit(data, output, paths)
    echo_report(report, output is None)
