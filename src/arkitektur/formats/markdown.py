"""Markdown / a summary and one collapsible section per rule, fit for a pull-request comment."""

from __future__ import annotations

import html
from itertools import groupby

from ..words import CHECK_MARKDOWN, words
from ._common import title, where


def cell(text) -> str:
    """Escape for a Markdown table cell: HTML, pipes and line breaks."""
    return html.escape(str(text or ""), quote=False).replace("|", "\\|").replace("\n", " ")


def render(result, *, lang: str = "da", catalogue=None) -> str:
    w = words(CHECK_MARKDOWN, lang)
    s = result.summary
    out = [f"### {w['head']} {w['asof']} {result.as_of}", "",
           f"**{s['violation']}** {w['violations']} · **{s['warning']}** {w['warnings']} · **{s['info']}** {w['infos']}",
           ""]
    if not result.findings:
        out.append(w["none"])
        return "\n".join(out) + "\n"
    out += [f"| {w['rule']} | {w['count']} |", "|---|---|"]
    groups = [(k, list(v)) for k, v in groupby(result.findings, key=lambda f: f.rule)]
    for rid, group in groups:
        out.append(f"| {cell(rid + ' ' + title(catalogue, rid, lang))} | {len(group)} |")
    out.append("")
    for rid, group in groups:
        out += ["<details>", f"<summary>{html.escape(rid)} {html.escape(title(catalogue, rid, lang))} "
                f"({len(group)})</summary>", "",
                f"| {w['sev']} | {w['elem']} | {w['where']} | {w['msg']} |", "|---|---|---|---|"]
        for f in group:
            loc = where(f, "")
            out.append(f"| {w[f.severity.label]} | {cell(f.label or f.focus)} | `{cell(loc)}` | {cell(f.message)} |")
        out += ["", "</details>", ""]
    return "\n".join(out) + "\n"
