"""Kommandolinjen / the click command line; each command lives in its own module of this package,
imported when the command is used (``app.COMMAND_MODULES``)."""

from .app import main

__all__ = ["main"]
