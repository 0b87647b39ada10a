"""Fælles hjælpere for formaterne / helpers shared by the output formats."""

from __future__ import annotations

from pathlib import Path


def where(f, unknown: str = "?") -> str:
    """``file:line:column`` as far as known (the column of the offending term)."""
    if f.file and f.line:
        return f"{f.file}:{f.line}:{f.column}" if f.column else f"{f.file}:{f.line}"
    return f.file or unknown


def title(catalogue, rule_id: str, lang: str) -> str:
    if catalogue is None or rule_id not in catalogue.rules:
        return ""
    t = catalogue.rules[rule_id].title
    return t.get(lang) or t.get("da", "")


def file_uri(path: str) -> str:
    """A SARIF artifact URI: relative paths stay relative (forward slashes), absolute become file: URIs."""
    p = Path(path)
    return p.as_uri() if p.is_absolute() else p.as_posix()
