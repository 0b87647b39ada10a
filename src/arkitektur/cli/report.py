"""``arkitektur report`` / parses options, builds the HTML meeting pack and writes it into one folder."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from .. import render as render_mod
from .. import report, trajectory
from ..report import decisions
from ..check import resolve_as_of
from ..config import option_date
from ..errors import UsageError
from ..report import pdf as pdf_mod
from .app import endpoint_option, main
from .options import as_of_option, lang_option


@main.command("report")
@endpoint_option(refuse=("historik",))
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Mappe til mødepakken (index.html og diagrammer/); erstattes kun, hvis den er tom "
                   "eller en tidligere mødepakke. Kræves, medmindre --pdf er givet.")
@as_of_option("Dato mødepakken gælder pr.")
@click.option("--horisont", "horisont", metavar="6m|1år|ÅÅÅÅ-MM-DD", default=None,
              help="Hvor langt frem »Til beslutning« ser: måneder (6m), år (1år) eller en dato "
                   "(standard: 6m).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=render_mod.DEFAULT_TIMEOUT, show_default=True,
              help="Sekunder Graphviz må bruge pr. diagram.")
@click.option("--historik", metavar="REV..REV",
              help="Vis i Udvikling andelen konvergeret ved hvert commit i intervallet, der ændrer modellerne "
                   "(fx 'v1.0..HEAD'), mod det planlagte forløb.")
@click.option("--pdf", "pdf_file", type=click.Path(path_type=Path), metavar="FIL.pdf",
              help="Udskriv også mødepakken som PDF (A4; et diagram pr. liggende side) med headless Chromium.")
@click.option("--slides", "slides", is_flag=True,
              help="Læg også diagrammerne som lysbilleder (16:9, læsbare på en projektor) i mødepakken: "
                   "lysbilleder/01.html … (en side pr. lysbillede, piletasterne skifter) og alle.html til udskrift.")
@click.option("--slides-pdf", "slides_pdf", type=click.Path(path_type=Path), metavar="FIL.pdf",
              help="Udskriv lysbillederne som PDF (en 16:9-side pr. lysbillede) med headless Chromium.")
@lang_option("Sprog for meddelelserne i terminalen; selve mødepakken er på dansk / language of the terminal "
             "messages; the pack itself is in Danish.")
@click.pass_context
def report_command(ctx, paths, output, as_of, horisont, timeout, historik, pdf_file, slides, slides_pdf, lang):
    """Mødepakke / static HTML meeting pack for the digitalisation forums.

    Til beslutning (det, fora og direktører skal beslutte inden --horisont), nøgletal, styring
    (faser, GO / no-GO, beslutninger, projekter), fund pr. princip og kommune, harmoniseringsmatrix, køreplan, gevinster pr. type og
    år og alle diagrammer i én mappe, der kan læses uden net. Skrives først i en midlertidig mappe
    og flyttes på plads til sidst: ved en fejl ændres intet.
    """
    if output is None and pdf_file is None and slides_pdf is None:
        raise UsageError("angiv -o MAPPE (mødepakken) og/eller --pdf FIL.pdf / --slides-pdf FIL.pdf.",
                         "give -o FOLDER (the meeting pack) and/or --pdf FILE.pdf / --slides-pdf FILE.pdf.", code="ARK-E139")
    browser = None
    if pdf_file is not None:
        if pdf_file.suffix.lower() != ".pdf":
            raise UsageError(f"--pdf: '{pdf_file}' skal ende på .pdf (så en model eller en anden fil aldrig "
                             "overskrives ved en fejl).",
                             f"--pdf: '{pdf_file}' must end in .pdf (so a model or another file is never "
                             "overwritten by mistake).", code="ARK-E136", file=str(pdf_file))
        browser = pdf_mod.find_browser()   # before anything is built or written
    if slides_pdf is not None:
        if slides_pdf.suffix.lower() != ".pdf":
            raise UsageError(f"--slides-pdf: '{slides_pdf}' skal ende på .pdf.",
                             f"--slides-pdf: '{slides_pdf}' must end in .pdf.", code="ARK-E136", file=str(slides_pdf))
        browser = browser or pdf_mod.find_browser()
    targets = list(paths) or [Path("models")]
    day = resolve_as_of(targets, option_date(as_of))
    decisions.horizon(day, horisont)   # a bad --horisont stops before anything is loaded
    history = trajectory.history(targets, historik) if historik else None
    context, result = report.collect(targets, day)
    pack = report.build_pack(context, result, timeout=timeout, history=history, span=historik,
                              horizon=horisont, slides=slides or slides_pdf is not None)
    with tempfile.TemporaryDirectory(prefix="arkitektur-moedepakke-") as tmp:
        index = report.write_pack(pack, output if output is not None else Path(tmp) / "pakke")
        for note in pack.notes:
            click.echo(f"{'note' if lang == 'en' else 'bemærk'}: {note}", err=True)
        drawn = sum(1 for d in pack.diagrams if d.svg is not None)
        shown = index if output is not None else "PDF"
        if lang == "en":
            click.echo(f"meeting pack as of {day.isoformat()}: {len(result.findings)} findings, {drawn} of "
                       f"{len(pack.diagrams)} diagrams → {shown}", err=True)
        else:
            click.echo(f"mødepakke pr. {day.isoformat()}: {len(result.findings)} fund, {drawn} af {len(pack.diagrams)} "
                       f"diagrammer → {shown}", err=True)
        if pack.deck:
            shown_deck = index.parent / "lysbilleder" / "01.html" if output is not None else "PDF"
            click.echo(f"{'slides' if lang == 'en' else 'lysbilleder'}: {len(pack.deck) - 1} → {shown_deck}", err=True)
        if pdf_file is not None:
            written = pdf_mod.print_pdf(index, pdf_file, browser=browser)
            click.echo(f"PDF → {written}", err=True)
        if slides_pdf is not None:
            written = pdf_mod.print_pdf(index.parent / "lysbilleder" / "alle.html", slides_pdf, browser=browser)
            click.echo(f"lysbilleder som PDF → {written}", err=True)
