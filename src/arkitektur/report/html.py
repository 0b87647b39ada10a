"""Mødepakkens HTML / the page from Jinja2 templates (templates/*.html.j2) with autoescape.

Every value a template writes goes through ``escape.h`` (the environment's ``finalize``): control
characters dropped, ``& < > " '`` escaped — the same escape as every other HTML the tool writes.
Only the checked inline SVG (``svg.inline_svg``) is marked safe.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .. import version
from ..check import Context
from ..divergence import Matrix
from ..escape import h
from ..findings import CheckResult
from ..roadmap import Roadmap, flag_text
from . import data, decisions
from .svg import Diagram

# The order agreed for the pack (issue 14): the decision first, then the figures, governance, the rest.
NAV = (("til-beslutning", "Til beslutning"), ("noegletal", "Nøgletal"), ("styring", "Styring"), ("fund", "Fund"), ("harmonisering", "Harmonisering"), ("koereplan", "Køreplan"),
       ("gevinster", "Gevinster"), ("diagrammer", "Diagrammer"))


def _escaped(value) -> Markup:
    return value if isinstance(value, Markup) else Markup(h(value))


_ENV = Environment(loader=PackageLoader("arkitektur.report", "templates"), autoescape=True, finalize=_escaped,
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined)
# Jinja's own join escapes with markupsafe before ``finalize`` sees the text; a plain join lets
# the joined text go through ``escape.h`` like every other value.
_ENV.filters["join"] = lambda items, sep="": sep.join(str(x) for x in items)


def page(ctx: Context, result: CheckResult, matrix: Matrix, plan: Roadmap, diagrams: list[Diagram],
         items: list[data.Benefit], horizon: str | None = None) -> tuple[str, str]:
    """(title, HTML) of the meeting pack; ``horizon`` is ``--horisont`` as given (default 6 months)."""
    g = ctx.graph
    end: dt.date = decisions.horizon(matrix.as_of, horizon)
    phases = decisions.phases(ctx, end)
    collabs = [c.label for c in matrix.samarbejder] or ["Arkitekturrepository"]
    title = f"Mødepakke: {', '.join(collabs)} pr. {matrix.as_of.isoformat()}"
    css = "".join((files(__package__) / "templates" / name).read_text(encoding="utf-8")
                  for name in ("moedepakke.css", "beslutning.css"))
    html = _ENV.get_template("moedepakke.html.j2").render(
        title=title, version=version(), css=Markup(css), nav=NAV, as_of=matrix.as_of.isoformat(),
        members=[m.label for c in matrix.samarbejder for m in c.members], files=len(result.files),
        cards=data.figures(matrix, result, plan, items, g), fund=data.findings(result, ctx),
        matrix=data.matrix_table(matrix, g), plan=plan, procurements=data.procurements(plan), flag_text=flag_text,
        road=next((d for d in diagrams if d.view == "roadmap"), None), diagrams=diagrams,
        gevinster=data.benefit_table(items), items=items,
        beslutning=decisions.beslutning(ctx, result, matrix, plan, end, horizon or decisions.DEFAULT_HORIZON, phases),
        styring=decisions.styring(ctx, end, phases))
    return title, html
