"""Kommandogruppen / the click group, shared options and the mapping of errors to exit code 2."""

from __future__ import annotations

import logging
import sys
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

import click

from ..errors import ArkitekturError


def _version() -> str:
    try:
        return version("arkitektur")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"


# Command name -> the module of this package that registers it on ``main`` when imported. A
# command's module is imported only when the command runs or help lists it, so ``arkitektur check``
# does not pay for rendering, query or interchange imports (tests/test_cli_reference.py keeps this
# table equal to the modules).
COMMAND_MODULES = {
    "check": "check", "diff": "diff", "divergence": "divergence", "export": "export", "fmt": "fmt",
    "import": "import_", "new": "new", "ontology": "ontology", "query": "query", "render": "render",
    "report": "report", "roadmap": "roadmap", "rules": "rules", "shacl": "shacl",
}


class Group(click.Group):
    """Loads each command's module on first use; maps ArkitekturError to one Danish line on stderr
    and exit code 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, name: str):
        if name not in self.commands and name in COMMAND_MODULES:
            import_module(f"{__package__}.{COMMAND_MODULES[name]}")
        return super().get_command(ctx, name)

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
