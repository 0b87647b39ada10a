"""``arkitektur rules`` / lists the catalogue, explains one rule, or writes the rule pages."""

from __future__ import annotations

from pathlib import Path

import click

from .. import catalogue as catalogue_mod
from .. import ruledocs, tables
from ..errors import UsageError
from ..files import write_all
from .app import main
from .options import lang_option, terminal_width


@main.command("rules")
@click.argument("rule", required=False)
@lang_option()
@click.option("--docs", "docs_dir", type=click.Path(path_type=Path),
              help="Skriv regelsiderne (Markdown) til denne mappe / write the rule pages here.")
@click.option("--models", "models", type=click.Path(path_type=Path), default=Path("."),
              help="Tag egne regler med fra repositoriet, hvis arkitektur.toml ligger her eller over "
                   "(standard: den aktuelle mappe) / include the own rules of this repository.")
def rules_command(rule, lang, docs_dir, models):
    """Regelkataloget, eller én regel forklaret med eksempler / the catalogue, or one rule explained.

    De medfølgende regler og repositoriets egne (regler = [...] i arkitektur.toml, docs/egne-regler.md);
    listen viser, hvor hver regel kommer fra.
    """
    cat = catalogue_mod.for_paths([models])
    if docs_dir is not None:
        if docs_dir.exists() and not docs_dir.is_dir():
            raise UsageError(f"--docs: '{docs_dir}' er en fil; angiv en mappe (den oprettes, hvis den mangler).",
                             f"--docs: '{docs_dir}' is a file; give a folder (it is created if missing).",
                             code="ARK-E114", file=str(docs_dir))
        write_all({docs_dir / name: text.encode("utf-8") for name, text in ruledocs.pages(cat).items()},
                  make_dirs=True)
        own = sum(1 for r in cat.rules.values() if r.own)
        if lang == "en":
            click.echo(f"{len(cat.rules)} rule pages written to {docs_dir}" + (f" ({own} own rules)" if own else ""))
        else:
            click.echo(f"{len(cat.rules)} regelsider skrevet til {docs_dir}"
                       + (f" ({own} egne regler)" if own else ""))
        return
    if rule:
        rid = rule.upper()
        if rid not in cat.rules:
            raise UsageError(f"ukendt regel '{rule}'. Se 'arkitektur rules'.",
                             f"unknown rule '{rule}'. See 'arkitektur rules'.", code="ARK-E12")
        click.echo(ruledocs.page(cat.rules[rid], lang, width=terminal_width()), nl=False)
        return
    rows = ruledocs.listing(cat, lang)
    shipped = "medfølger" if lang == "da" else "shipped"
    table = [[rid, sev, cat.rules[rid].origin or shipped, principle, title] for rid, sev, principle, title in rows]
    click.echo(tables.text_table(None, table, width=terminal_width()))
