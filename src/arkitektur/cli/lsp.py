"""``arkitektur lsp`` / starts the language server on stdin/stdout for an editor (docs/editor.md)."""

from __future__ import annotations

import click

from .app import main


@main.command("lsp")
@click.option("--stdio", is_flag=True, help="Tal LSP over stdin/stdout (standard) / speak LSP over stdio (the default).")
def lsp_command(stdio):
    """Sprogserver til editoren / language server for the editor (LSP over stdio).

    Viser fundene mens du skriver, med rettelser, opslag og formatering. Se docs/editor.md.
    """
    from ..lsp.server import serve

    serve()
