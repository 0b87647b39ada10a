"""Mødepakkens HTML / the page from Jinja2 templates (templates/*.html.j2) with autoescape.

Every value a template writes goes through ``escape.h`` (the environment's ``finalize``): control
characters dropped, ``& < > " '`` escaped — the same escape as every other HTML the tool writes.
Only the checked inline SVG (``svg.inline_svg``), what a template drew itself (the Udvikling chart)
and the tool's own CSS and script are marked safe. ``ENV`` also renders the deck's pages (``slides``).
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .. import version
from ..check import Context
from ..divergence import Matrix
from ..escape import h
from ..findings import CheckResult
from ..formatting import date, percent
from ..namespaces import PREFIXES, curie, prefixes_in
from ..trajectory import Commit, planned
from ..roadmap import Roadmap, flag_text
from . import chart, data, decisions
from .svg import Diagram

# The order agreed for the pack (issue 14): the decision first, then the figures, governance, the rest.
NAV = (("til-beslutning", "Til beslutning"), ("noegletal", "Nøgletal"), ("styring", "Styring"), ("fund", "Fund"),
       ("harmonisering", "Harmonisering"), ("koereplan", "Køreplan"), ("gevinster", "Gevinster"),
       ("udvikling", "Udvikling"), ("diagrammer", "Diagrammer"), ("bilag", "Bilag"))


def _escaped(value) -> Markup:
    return value if isinstance(value, Markup) else Markup(h(value))


ENV = Environment(loader=PackageLoader("arkitektur.report", "templates"), autoescape=True, finalize=_escaped,
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined)
# Jinja's own join escapes with markupsafe before ``finalize`` sees the text; a plain join lets
# the joined text go through ``escape.h`` like every other value.
ENV.filters["join"] = lambda items, sep="": sep.join(str(x) for x in items)
ENV.filters["date"] = date


def udvikling(ctx: Context, matrix: Matrix, history: list[Commit] | None, span: str | None) -> dict:
    """The Udvikling section (docs/diagrammer.md#udvikling-udskrift-og-pdf): the chart and its figures as tables."""
    points = planned(matrix, ctx.graph)
    history = history or []
    return {
        "as_of": matrix.as_of.isoformat(), "span": span,
        "svg": Markup(ENV.get_template("udviklingsgraf.svg.j2").render(c=chart.layout(points, history))),
        # The table keeps the quarters in which the share moves (and the last): the chart has the rest.
        "plan": [{"label": matrix.as_of.isoformat() if i == 0 else chart.quarter(p.dato), "share": percent(p.andel),
                  "of": f"{p.konvergeret} af {p.i_alt}"} for i, p in enumerate(points)
                 if i in (0, len(points) - 1) or p.konvergeret != points[i - 1].konvergeret],
        "history": [{"date": c.dato.isoformat(), "commit": c.commit[:12], "subject": c.besked,
                     "share": percent(c.andel) if not c.fejl else "–",
                     "of": f"{c.konvergeret} af {c.i_alt}" if not c.fejl else c.fejl} for c in history],
    }


def _prefixes(file: str | None, cache: dict) -> dict[str, str]:
    """The tool's prefixes plus those the finding's own file declares (as the architect wrote them)."""
    if file not in cache:
        try:
            declared = prefixes_in(Path(file).read_text(encoding="utf-8")) if file else {}
        except (OSError, UnicodeDecodeError):
            declared = {}
        cache[file] = {**PREFIXES, **{p: ns for p, ns in declared.items() if p}}
    return cache[file]


def bilag(result: CheckResult) -> list[dict]:
    """The appendix for architects: every finding with its RDF terms (CURIEs) and where it is written."""
    cache: dict = {}
    out = []
    for f in sorted(result.findings, key=lambda f: (-int(f.severity), f.sort_key())):
        known = _prefixes(f.file, cache)
        out.append({"rule": f.rule, "severity": f.severity.dansk,
                    "focus": curie(f.focus, known) or f.focus if f.focus else "",
                    "path": curie(f.path, known) or f.path if f.path else "",
                    "where": f"{f.file}:{f.line}" if f.file and f.line else (f.file or "")})
    return out


def page(ctx: Context, result: CheckResult, matrix: Matrix, plan: Roadmap, diagrams: list[Diagram],
         items: list[data.Benefit], history: list[Commit] | None = None, span: str | None = None,
         horizon: str | None = None) -> tuple[str, str]:
    """(title, HTML) of the meeting pack; ``history`` (the commits of ``span``) feeds the Udvikling chart;
    ``horizon`` is ``--horisont`` as given (default 6 months)."""
    g = ctx.graph
    end: dt.date = decisions.horizon(matrix.as_of, horizon)
    phases = decisions.phases(ctx, end)
    collabs = [c.label for c in matrix.samarbejder] or ["Arkitekturrepository"]
    title = f"Mødepakke: {', '.join(collabs)} pr. {matrix.as_of.isoformat()}"
    css = "".join((files(__package__) / "templates" / name).read_text(encoding="utf-8")
                  for name in ("moedepakke.css", "beslutning.css"))
    html = ENV.get_template("moedepakke.html.j2").render(
        title=title, version=version(), css=Markup(css), nav=NAV, as_of=matrix.as_of.isoformat(),
        members=[m.label for c in matrix.samarbejder for m in c.members], files=len(result.files),
        cards=data.figures(matrix, result, plan, items, g), fund=data.findings(result, ctx),
        matrix=data.matrix_table(matrix, g), plan=plan, procurements=data.procurements(plan), flag_text=flag_text,
        road=next((d for d in diagrams if d.view == "roadmap"), None), diagrams=diagrams,
        gevinster=data.benefit_table(items), items=items, opfoelgning=data.follow_up(items, result), udvikling=udvikling(ctx, matrix, history, span),
        bilag=bilag(result),
        beslutning=decisions.beslutning(ctx, result, matrix, plan, end, horizon or decisions.DEFAULT_HORIZON, phases),
        styring=decisions.styring(ctx, end, phases))
    return title, html
