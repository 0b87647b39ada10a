"""Mødepakken som lysbilleder / the pack's diagrams as a 16:9 deck: one self-contained HTML page per slide.

``report --slides`` puts ``lysbilleder/`` in the pack: ``01.html`` (the front slide with the contents),
then every diagram of the pack laid out by ``arkitektur.slides`` (split where a view does not fit at
projector size), one page each, and ``alle.html`` with every slide on its own 16:9 page for printing
(``--slides-pdf`` prints it with Chromium). Pages are inline SVG and CSS; the only script is the
arrow-key navigation, allowed by its hash in the Content-Security-Policy (no network, no other script).
See docs/diagrammer.md, "Lysbilleder".
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from importlib.resources import files
from xml.etree import ElementTree as ET

from markupsafe import Markup

from .. import render as render_mod
from .. import slides as slides_mod
from .. import views
from ..errors import ArkitekturError
from .html import ENV
from .svg import diagram_specs, inline_svg

FOLDER = "lysbilleder"

# Arrow keys, PageUp/PageDown and space move between the pages; Home goes to the front slide.
_SCRIPT = ("document.addEventListener('keydown',function(e){var k=e.key,a=null;"
           "if(k==='ArrowRight'||k==='PageDown'||k===' ')a='next';"
           "else if(k==='ArrowLeft'||k==='PageUp')a='prev';else if(k==='Home')a='home';"
           "var l=a&&document.querySelector('a[rel='+a+']');if(l){e.preventDefault();location.href=l.href;}});")
_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
_CSP = (f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{_HASH}'; "
        "base-uri 'none'; form-action 'none'")


@dataclass
class Deck:
    """The deck before it is written: relative path -> bytes, and notes for stderr."""

    files: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _page(title: str, body: str, *, prev: str | None = None, nxt: str | None = None, script: bool = True) -> bytes:
    css = (files(__package__) / "templates" / "lysbillede.css").read_text(encoding="utf-8")
    return ENV.get_template("lysbillede.html.j2").render(
        title=title, body=Markup(body), prev=prev, nxt=nxt, csp=Markup(_CSP), css=Markup(css),
        script=Markup(_SCRIPT) if script else None).encode("utf-8")


def _front(title: str, as_of: str, contents: list[tuple[str, str]]) -> bytes:
    """The front slide: the pack's title, its date and what the deck holds (slide ranges)."""
    svg = slides_mod.blank("forside")
    ET.SubElement(svg, f"{{{slides_mod.SVG_NS}}}rect", {"width": "1920", "height": "16", "fill": "#1f3a5f"})
    lines = slides_mod.wrap_px(title, 1760, 52, bold=True)[:2]
    for i, line in enumerate(lines):
        slides_mod.text_at(svg, 80, 150 + 66 * i, 52, line, bold=True)
    top = 150 + 66 * len(lines)
    slides_mod.text_at(svg, 80, top + 10, 30, f"pr. {as_of}", fill="#333333")
    slides_mod.text_at(svg, 80, top + 100, 30, "Indhold", bold=True, fill="#1f3a5f")
    two = len(contents) > 12      # many members: the contents in two columns
    rows = (len(contents) + 1) // 2 if two else len(contents)
    width = 760 if two else 1000
    for i, (what, where) in enumerate(contents):
        col, row = divmod(i, max(rows, 1))
        x, y = 80 + col * 900, top + 155 + row * 44
        slides_mod.text_at(svg, x, y, 26, slides_mod.fit(what, width - 120, 26))
        slides_mod.text_at(svg, x + width, y, 26, where, anchor="end", fill="#555555")
    return ET.tostring(svg, encoding="unicode").encode("utf-8")


def build_deck(ctx, matrix, plan, title: str, as_of: str, *,
               timeout: float = render_mod.DEFAULT_TIMEOUT) -> Deck:
    """Every diagram of the pack on slides; a view that cannot be laid out becomes a note, not an error."""
    deck = Deck()
    parts: list[tuple[str, list[bytes]]] = []
    for _stem, view_name, caption, ks in diagram_specs(ctx):
        try:
            sel = views.make_selection(ctx.graph, ks, [])
            made = slides_mod.make_slides(view_name, ctx, sel, matrix=matrix, plan=plan, timeout=timeout)
        except ArkitekturError as exc:
            deck.notes.append(f"lysbilleder: {caption}: {exc.da}")
            continue
        parts.append((caption, [s.svg for s in made]))
    contents, n = [], 2
    for caption, svgs in parts:
        contents.append((caption, f"{n}" if len(svgs) == 1 else f"{n}–{n + len(svgs) - 1}"))
        n += len(svgs)
    svgs = [_front(title, as_of, contents)] + [s for _, group in parts for s in group]
    names = [f"{i:02d}.html" for i in range(1, len(svgs) + 1)]
    every = []
    for i, (name, svg) in enumerate(zip(names, svgs)):
        inline = inline_svg(svg.replace(b' role="img"', b"", 1), f"s{i + 1}")   # inline_svg sets role itself
        body = f'<div class="slide">{inline}</div>'
        prev = names[i - 1] if i else None
        nxt = names[i + 1] if i + 1 < len(names) else None
        deck.files[f"{FOLDER}/{name}"] = _page(f"{title} – {i + 1}/{len(svgs)}", body, prev=prev, nxt=nxt)
        every.append(body)
    deck.files[f"{FOLDER}/alle.html"] = _page(title, "\n".join(every), script=False)
    return deck
