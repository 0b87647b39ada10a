"""Outputformater / one small module per output format, each a projection of a list of findings."""

from importlib import import_module

FORMATS = ("text", "json", "sarif", "junit", "markdown", "github")


def render(name: str, result, *, lang: str = "da", catalogue=None, width: int | None = None) -> str:
    """Render ``result`` (a CheckResult) in format ``name``; ``width`` wraps the text format only
    (the others are read by tools)."""
    module = import_module(f"{__name__}.{'json_' if name == 'json' else name}")
    if name == "text":
        return module.render(result, lang=lang, catalogue=catalogue, width=width)
    return module.render(result, lang=lang, catalogue=catalogue)
