"""Tekstoutput / findings grouped by rule, for a terminal, Danish by default."""

from __future__ import annotations

from itertools import groupby

from ..tables import fold
from ..words import CHECK_TEXT, words
from ._common import title, where as position



def render(result, *, lang: str = "da", catalogue=None, width: int | None = None) -> str:
    """Findings grouped by rule; with ``width`` (a terminal's columns) long lines are wrapped."""
    w = words(CHECK_TEXT, lang)
    lines: list[str] = []
    for note in result.notes:
        lines.append(fold(f"note: {note}", width, "      "))
    for rule_id, group in groupby(result.findings, key=lambda f: f.rule):
        group = list(group)
        lines.append(fold(f"{rule_id} {title(catalogue, rule_id, lang)} ({len(group)})".rstrip(), width, "  "))
        for f in group:
            where = position(f)
            name = f.label or f.focus
            extra = f" [{w['disp']}: {f.dispensation}]" if f.dispensation else ""
            # IRIs are named by label inside the message already; literals (e.g. an ill-typed date) are not.
            value = f" ({f.value})" if f.value and not f.value.startswith(("http://", "https://", "urn:")) else ""
            # Most messages name the element already; don't say it twice.
            named = bool(f.label) and f.label in f.message
            subject = f"{'' if named else name}{value}".strip()
            subject = f"{subject}: " if subject else ""
            lines.append(fold(f"  {where}: {w[f.severity.label]}: {subject}{f.message}{extra}", width, "    "))
        lines.append("")
    if not result.findings:
        lines.append(w["none"])
    s = result.summary
    lines.append(fold(w["summary"].format(v=s["violation"], w=s["warning"], i=s["info"],
                                           files=len(result.files), as_of=result.as_of), width, "  "))
    return "\n".join(lines) + "\n"
