"""Diagrammerne i mødepakken / every registered view drawn as SVG, checked and made ready to sit inside the HTML.

The inline SVG comes from ``render`` (Graphviz escapes the text) and is refused (``UnsafeSvg``) if
it carries a script, an event handler or a link that is not http(s) or relative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from defusedxml import ElementTree as SafeET

from .. import render as render_mod
from .. import views
from ..check import Context
from ..divergence import Matrix
from ..errors import ArkitekturError
from ..escape import h, safe_href
from ..formatting import label
from ..roadmap import Roadmap
from ..views.model import members_in_scope


@dataclass
class Diagram:
    """One diagram of the pack: inline SVG, or a note saying why it is missing."""

    name: str          # file stem, e.g. "landskab-silkeborg"
    view: str          # the view, e.g. "landskab"
    title: str
    svg: str | None = None
    raw: bytes | None = None
    note: str | None = None



def slug(text: str) -> str:
    s = text.casefold()
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("é", "e"), ("ü", "u"), ("ö", "oe"), ("ä", "ae")):
        s = s.replace(a, b)
    s = re.sub(r"\s+kommune$", "", s)
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "kommune"


def diagram_specs(ctx: Context) -> list[tuple[str, str, str, list[str]]]:
    """(file stem, view, caption, --kommune args) for every diagram of the pack: each registered view,
    one per member for a per-municipality view."""
    g = ctx.graph
    members = members_in_scope(ctx, views.Selection())
    specs = []
    used = set()
    for spec in views.REGISTRY.values():
        if not spec.per_kommune:
            specs.append((spec.name, spec.name, spec.title, []))
            continue
        for k in members:
            stem = f"{spec.name}-{slug(label(g, k))}"
            while stem in used:
                stem += "-x"
            used.add(stem)
            specs.append((stem, spec.name, f"{spec.title}: {label(g, k)}", [str(k)]))
    return specs


def make_diagrams(ctx: Context, matrix: Matrix, plan: Roadmap, timeout: float) -> list[Diagram]:
    """Render every diagram as SVG; a view that is too dense or cannot be drawn becomes a note."""
    out = []
    for stem, view_name, title, ks in diagram_specs(ctx):
        d = Diagram(name=stem, view=view_name, title=title)
        try:
            sel = views.make_selection(ctx.graph, ks, [])
            v = views.build(view_name, ctx, sel, matrix=matrix, plan=plan)
            views.check_density(v)
            d.raw = render_mod.render(v, "svg", timeout=timeout).data
            d.svg = inline_svg(d.raw, stem)
        except ArkitekturError as exc:
            d.note = exc.da
        out.append(d)
    return out


_PROLOG = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.S)
_ID = re.compile(r'\bid="([^"]*)"')


class UnsafeSvg(ArkitekturError):
    """An SVG from Graphviz carried something it never should (a script, a handler, a foreign link)."""


def check_svg(svg: str) -> None:
    """Refuse SVG with script/foreignObject elements, on* handlers or hrefs that are not http(s)/relative."""
    root = SafeET.fromstring(svg.encode("utf-8"))
    for el in root.iter():
        tag = el.tag.split("}")[-1].lower() if isinstance(el.tag, str) else ""
        bad = tag in ("script", "foreignobject", "iframe", "object", "embed")
        for name, value in el.attrib.items():
            local = name.split("}")[-1].lower()
            if local.startswith("on"):
                bad = True
            if local == "href" and value and not (safe_href(value) or re.match(r"^[#A-Za-z0-9_./-]+$", value)
                                                   and ":" not in value):
                bad = True
        if bad:
            raise UnsafeSvg("et diagram indeholdt et script, en hændelse eller et link, der ikke er http(s); "
                             "det er ikke lagt i mødepakken.",
                             "a diagram contained a script, an event handler or a non-http(s) link; it was "
                             "left out of the meeting pack.", code="ARK-E109")


def inline_svg(data: bytes, prefix: str) -> str:
    """Graphviz SVG ready to sit inside HTML: no prolog or comments, ids prefixed, checked."""
    text = data.decode("utf-8")
    check_svg(text)
    text = _PROLOG.sub("", text).strip()
    text = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', text)
    return text.replace("<svg ", f'<svg role="img" aria-label="{h(prefix)}" ', 1)

