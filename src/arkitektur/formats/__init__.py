"""Outputformater / one small module per output format, each a projection of a list of findings."""

from importlib import import_module

FORMATS = ("text", "json", "sarif", "junit", "markdown", "github")


def render(name: str, result, *, lang: str = "da", catalogue=None) -> str:
    """Render ``result`` (a CheckResult) in format ``name``."""
    module = import_module(f"{__name__}.{'json_' if name == 'json' else name}")
    return module.render(result, lang=lang, catalogue=catalogue)
