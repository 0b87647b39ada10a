"""Kommandolinjen / the click command line; each command lives in its own module of this package."""

from importlib import import_module
from pkgutil import iter_modules

from .app import main

# Every module here except ``app`` registers its command(s) on ``main`` when imported.
for _info in sorted(iter_modules(__path__), key=lambda m: m.name):
    if _info.name != "app":
        import_module(f"{__name__}.{_info.name}")

__all__ = ["main"]
