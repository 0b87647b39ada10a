"""Kommandogruppen / the click group, shared options and the mapping of errors to exit code 2."""

from __future__ import annotations

import logging
import sys
from importlib.metadata import PackageNotFoundError, version

import click

from ..errors import ArkitekturError


def _version() -> str:
    try:
        return version("arkitektur")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"


class Group(click.Group):
    """Maps ArkitekturError to one Danish line on stderr and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ArkitekturError as exc:
            lang = (ctx.meta.get("arkitektur.lang") or "da")
            click.echo(f"fejl: {exc.message(lang)}", err=True)
            if lang == "da":
                click.echo(f"       ({exc.en})", err=True)
            sys.exit(2)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), prog_name="arkitektur")
def main() -> None:
    """arkitektur – arkitekturrepository og målarkitektur-tjek for kommuner i it-samarbejde.

    Architecture repository and target-architecture checker for collaborating municipalities.
    """
    # rdflib logs a warning per ill-typed literal; MOD-4 reports those as findings instead.
    logging.getLogger("rdflib").setLevel(logging.ERROR)
