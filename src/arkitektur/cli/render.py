"""``arkitektur render`` / parses options, builds one view, lays it out with Graphviz and writes the file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import render as render_mod
from .. import views
from ..errors import UsageError
from ..files import write_output
from .app import endpoint_option, main
from .options import as_of_option, lang_option, prepared, view_file


@main.command("render")
@endpoint_option()
@click.argument("view", type=click.Choice(views.VIEWS), metavar="VISNING")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--kommune", "kommuner", multiple=True, metavar="KOMMUNE",
              help="Kun denne kommune (IRI, navn eller kommunekode); kan gentages. Påkrævet for landskab.")
@click.option("--opgave", "opgaver", multiple=True, metavar="KLE",
              help="Kun opgaver med dette KLE-nummer eller -præfiks (fx 27 eller 27.36.00) eller navn; kan gentages.")
@click.option("--alle", is_flag=True,
              help="Også opgaver uden målløsning (harmonisering) og uden begivenheder (roadmap).")
@click.option("--format", "fmt", type=click.Choice(render_mod.FORMATS), default=None,
              help="svg, png, pdf eller dot (standard: efter -o's endelse, ellers svg).")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Skriv til fil (standard: stdout for svg/dot; png/pdf til VISNING.png/.pdf, som aldrig overskrives uden -o).")
@as_of_option("Dato diagrammet gælder pr.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=render_mod.DEFAULT_TIMEOUT, show_default=True,
              help="Sekunder Graphviz må bruge på layoutet, før der gives op.")
@click.option("--slide", is_flag=True,
              help="Lysbilleder til projektor (16:9, 1920 × 1080, SVG): tekst mindst 18 px; en visning, der ikke "
                   "kan være på ét, deles i flere (-o NAVN.svg giver NAVN-1.svg, NAVN-2.svg …).")
@lang_option("Sprog for navnene i diagrammet (rdfs:label) og for meddelelserne i terminalen / language of the "
             "names in the diagram and of the terminal messages.")
@click.pass_context
def render_command(ctx, view, paths, kommuner, opgaver, alle, fmt, output, as_of, timeout, slide, lang):
    """Tegn et diagram med Graphviz / draw a diagram with Graphviz.

    VISNING er landskab (én kommunes systemer efter opgaveområde), integrationer, dataflow,
    harmonisering, maal (mål mod i dag) eller roadmap (tidslinje over kontrakter og udbud).
    Exit 2 med en forklaring, hvis diagrammet bliver for tæt til at læse: afgræns med
    --kommune eller --opgave.
    """
    if slide:
        _slides(view, paths, kommuner, opgaver, alle, fmt, output, as_of, timeout, lang)
        return
    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output else ""
        fmt = suffix if suffix in render_mod.FORMATS else "svg"
    if output is None and fmt in ("png", "pdf"):  # not binary to a terminal: a file named after the view
        output = view_file(view, fmt)
    targets = list(paths) or [Path("models")]
    context = prepared(targets, as_of)
    sel = views.make_selection(context.graph, list(kommuner), list(opgaver), alle)
    built = views.build(view, context, sel, lang=lang)
    views.check_density(built)
    result = render_mod.render(built, fmt, timeout=timeout)
    for note in result.notes:
        click.echo(f"{'note' if lang == 'en' else 'bemærk'}: {note}", err=True)
    write_output(result.data, output, stdout=sys.stdout.buffer, inputs=targets)
    if output is not None:
        nodes, edges = built.size
        what = views.REGISTRY[view].units[lang]
        how = f", {result.engine} {result.seconds:.2f} s" if result.engine else ""
        click.echo(f"{view}: {nodes} {what[0]}, {edges} {what[1]}{how} → {output}", err=True)


def _slides(view, paths, kommuner, opgaver, alle, fmt, output, as_of, timeout, lang: str = "da") -> None:
    """``render --slide``: the view on 16:9 slides (arkitektur.slides), one file per slide."""
    from .. import slides as slides_mod   # only --slide needs it

    if fmt not in (None, "svg") or (output is not None and output.suffix.lower() != ".svg"):
        shown = str(output) if output is not None and fmt is None else f"--format {fmt}"
        raise UsageError(f"--slide skriver SVG-lysbilleder; {shown} er ikke svg. Brug -o NAVN.svg.",
                         f"--slide writes SVG slides; {shown} is not svg. Use -o NAME.svg.",
                         code="ARK-E166", file=str(output) if output is not None else None)
    targets = list(paths) or [Path("models")]
    context = prepared(targets, as_of)
    sel = views.make_selection(context.graph, list(kommuner), list(opgaver), alle)
    made = slides_mod.make_slides(view, context, sel, lang=lang, timeout=timeout)
    if output is None:
        if len(made) > 1:
            raise UsageError(f"'{view}' fylder {len(made)} lysbilleder; angiv -o NAVN.svg (de skrives som "
                             "NAVN-1.svg, NAVN-2.svg …).",
                             f"'{view}' takes {len(made)} slides; give -o NAME.svg (written as NAME-1.svg, "
                             "NAME-2.svg …).", code="ARK-E165")
        write_output(made[0].svg, None, stdout=sys.stdout.buffer, inputs=targets)
        return
    written = slides_mod.write_slides(made, output, targets)
    names = slides_mod.file_names(output, len(made))
    shown = str(names[0]) if len(names) == 1 else f"{names[0]} … {names[-1].name}"
    what = ("slide" + ("s" if len(written) > 1 else "")) if lang == "en" else \
        ("lysbillede" + ("r" if len(written) > 1 else ""))
    click.echo(f"{view}: {len(written)} {what} → {shown}", err=True)
