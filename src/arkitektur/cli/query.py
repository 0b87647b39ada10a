"""``arkitektur query`` / runs a named query or a .rq file over the loaded repository and prints the result."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import query as query_mod
from ..errors import UsageError
from ..files import write_output
from ..namespaces import PREFIXES, declared_prefixes
from ..presenters import query as presenter
from .app import endpoint_option, main
from .options import as_of_option, lang_option, prepared, terminal_width

@main.command("query")
@endpoint_option(paths=("paths", "extra_paths"), files=("query",), direct="paa_serveren")
@click.argument("query", required=False, metavar="FIL.rq|NAVN")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--path", "extra_paths", multiple=True, type=click.Path(path_type=Path),
              help="Modelmappe eller -fil (gentages; standard: models/) / model folder or file.")
@as_of_option("Dato for de afledte fakta")
@click.option("--param", "params", multiple=True, metavar="NAVN=VÆRDI",
              help="Parameter til forespørgslen (gentages), fx --param aar=2019.")
@click.option("--format", "fmt", type=click.Choice(list(presenter.FORMATS)), default="table", show_default=True)
@click.option("--list", "list_", is_flag=True, help="Vis de medfølgende forespørgsler / list the named queries.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Skriv til fil i stedet for stdout.")
@click.option("--paa-serveren", "paa_serveren", is_flag=True,
              help="Kør forespørgslen på selve SPARQL-serveren (--endpoint) over alle publiceringer – til "
                   "spørgsmålene på tværs af samarbejder (se --list) / run on the server, across every publication.")
@lang_option("Sprog for --list og tabellens tællelinje / language of --list and the table's count line.")
@click.pass_context
def query_command(ctx, query, paths, extra_paths, as_of, params, fmt, list_, output, paa_serveren, lang,
                  endpoint=None):
    """SPARQL over repositoriet / SPARQL over the loaded repository.

    Kører en navngiven forespørgsel (se --list) eller en .rq-fil over modellerne, den medfølgende
    ontologi og referencedata og de afledte fakta (afl:). Kun læsning: SERVICE, FROM og
    opdateringer (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE …) afvises med exit 2, før noget køres.
    Parametre bindes som typede værdier, fx --param aar=2019.
    """
    if list_:
        server = query_mod.library(server=True)
        for q in query_mod.library() + server:
            mark = (" (only on the server: --endpoint URL --paa-serveren)" if lang == "en"
                    else " (kun på serveren: --endpoint URL --paa-serveren)") if q in server else ""
            click.echo(f"{q.name}{mark}")
            click.echo(f"    {q.title_en if lang == 'en' else q.title_da}")
            for p in q.parameters:
                # A parameter's description is "dansk / English" (docs/onboarding.md); --lang en keeps the English.
                text = p.description.rsplit(" / ", 1)[-1] if lang == "en" else p.description
                click.echo(f"    --param {p.name}=…  ({p.type}) {text}")
        ctx.exit(0)
    if not query:
        raise UsageError("angiv en forespørgsel (FIL.rq eller NAVN) eller --list.", "give a query (FILE.rq or NAME) or --list.",
                         code="ARK-E182")
    named = query_mod.find(query, server=endpoint is not None)
    query_mod.compile_query(named)  # refuse before loading anything
    if endpoint is not None:  # --paa-serveren: on the server itself, across every publication
        from ..server import endpoint as endpoint_mod

        with endpoint_mod.connect(endpoint) as ep:
            result = query_mod.run_on_server(ep, named, list(params))
        text = presenter.render(result, fmt, dict(PREFIXES), lang, terminal_width(output))
        write_output(text, output, stdout=sys.stdout, inputs=[Path(named.path)] if named.path else [])
        ctx.exit(0)
    query_mod.bind_parameters(named, list(params))
    targets = list(paths) + list(extra_paths) or [Path("models")]
    context = prepared(targets, as_of)
    result = query_mod.run(context.graph, named, list(params))
    prefixes: dict[str, str] = {}  # the models' own prefixes (the first declaration wins), then the standard ones
    for prefix, ns in declared_prefixes(context.repo.model_files):
        prefixes.setdefault(prefix, ns)
    text = presenter.render(result, fmt, {**prefixes, **PREFIXES}, lang, terminal_width(output))
    write_output(text, output, stdout=sys.stdout,
                 inputs=targets + ([Path(named.path)] if named.path else []))
    ctx.exit(0)
