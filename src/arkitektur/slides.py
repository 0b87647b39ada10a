"""Lysbilleder / lays a view out on 16:9 slides (1920 × 1080 px) at projector-readable text sizes, split where too big.

A view is drawn by ``render`` as usual, without its title and legend; the slide puts a header (title,
"2/4: KLE 27–32", subtitle), the drawing scaled so that its smallest text is at least ``MIN_PX`` and
its body text at least ``BODY_PX`` at 1920 px wide, and a compact legend of only the styles that the
drawing uses. A drawing that does not fit at that scale is never shrunk: it is split into parts by the
view's keys (``SPLIT``: members, KLE main groups, tasks, years), each part on its own slide. A legend
larger than ``LEGEND_SHARE`` of the slide gets a slide of its own. See docs/diagrammer.md.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET
from rdflib import URIRef

from . import formatting
from . import render as render_mod
from .errors import ArkitekturError, UsageError
from .files import refuse_input, write_all
from .namespaces import ARK, RDF
from .views import REGISTRY, Selection, Sources, View, text_width
from .views.model import kommune_of, main_group, matrix_members, matrix_rows, members_in_scope
from .views.roadmap import rows_of
from .views.selection import notation
from .views.slides import crop_years, legend_items, legend_view, strip
from .words import VIEW, words

SLIDE_W, SLIDE_H = 1920, 1080
MARGIN = 40
MIN_PX, BODY_PX = 14.0, 18.0        # at 1920 px wide: the smallest text, and the text most is written in
MAX_SCALE = 2.6                     # a small drawing is enlarged, but not to poster size
LEGEND_SHARE = 0.12                 # of the slide's area; a larger legend gets a slide of its own
MAX_SLIDES = 40
FAMILY = f"{render_mod.FONT},Verdana,sans-serif"
SVG_NS, XLINK_NS = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

# How each view is split when it does not fit: (key, what must fit). "w": only the width decides how
# many members/years share a slide (the rows are split by the next key); "wh": width and height.
SPLIT = {
    "landskab": (("kle", "wh"),),
    "integrationer": (("kommune", "wh"), ("kle", "wh")),
    "dataflow": (("kommune", "wh"), ("kle", "wh")),
    "harmonisering": (("kommune", "w"), ("kle", "wh")),
    "maal": (("kommune", "wh"), ("kle", "wh")),
    "roadmap": (("aar", "w"), ("kle", "wh")),
}


class TooManySlides(ArkitekturError):
    """A view would need more slides than a meeting can use."""


@dataclass
class Part:
    """One slide's share of the view: members, tasks and years (``None`` = as the user selected)."""

    kommuner: tuple | None = None
    opgaver: frozenset | None = None
    aar: tuple | None = None
    labels: tuple = ()

    def key(self) -> tuple:
        return (self.kommuner, self.opgaver, self.aar)


@dataclass
class Drawn:
    """A part drawn: the Graphviz SVG and what it needs to be readable."""

    view: View
    root: ET.Element
    size: tuple[float, float]        # points
    need: float                      # the smallest scale at which its text is large enough
    legend: list = field(default_factory=list)


@dataclass
class Slide:
    """One finished slide."""

    svg: bytes
    label: str          # "2/4: KLE 27–32" ("" for a view on one slide)


# --------------------------------------------------------------------------- measuring


def _fonts(root: ET.Element) -> tuple[float, float]:
    """The smallest font size, and the size most characters are written in (the body text)."""
    chars: dict[float, int] = {}
    for el in root.iter(f"{{{SVG_NS}}}text"):
        text = "".join(el.itertext()).strip()
        size = el.get("font-size")
        if text and size:
            chars[float(size)] = chars.get(float(size), 0) + len(text)
    if not chars:
        return 14.0, 14.0
    return min(chars), max(chars, key=lambda s: (chars[s], -s))


# --------------------------------------------------------------------------- parts


class Slicer:
    """Builds, draws and splits one view for the user's selection."""

    def __init__(self, name: str, ctx, sel: Selection, *, matrix=None, plan=None, lang: str = "da",
                 timeout: float = render_mod.DEFAULT_TIMEOUT) -> None:
        self.name, self.ctx, self.sel, self.lang, self.timeout = name, ctx, sel, lang, timeout
        self.src = Sources(ctx, lang, matrix, plan)
        self.cache: dict = {}
        self.years: dict = {}      # part -> the years its timeline really shows (None: nothing in them)
        self.renders = 0

    # ---- building

    def selection(self, part: Part) -> Selection:
        return Selection(kommuner=list(part.kommuner) if part.kommuner is not None else list(self.sel.kommuner),
                         opgaver=set(part.opgaver) if part.opgaver is not None else set(self.sel.opgaver),
                         opgave_args=[] if part.labels else list(self.sel.opgave_args), alle=self.sel.alle)

    def view(self, part: Part) -> View:
        view = REGISTRY[self.name].build(self.src, self.selection(part), self.lang)
        if part.aar is not None:
            self.years[part.key()] = crop_years(view, *part.aar)
        return view

    def draw(self, part: Part) -> Drawn:
        key = part.key()
        if key in self.cache:
            return self.cache[key]
        view = self.view(part)
        items = legend_items(view, self.lang)
        bare = strip(view)
        rendered = render_mod.render(bare, "svg", timeout=self.timeout)
        self.renders += 1
        root = SafeET.fromstring(rendered.data)
        vb = [float(x) for x in (root.get("viewBox") or "0 0 0 0").split()]
        small, body = _fonts(root)
        need = max(MIN_PX / small, BODY_PX / body)
        drawn = Drawn(view=view, root=root, size=(vb[2], vb[3]), need=need, legend=items)
        self.cache[key] = drawn
        return drawn

    def fits(self, part: Part, axis: str = "wh") -> bool:
        d = self.draw(part)
        head = header_height(d.view)
        legend_h = legend_box(d.legend)[1] if legend_fits(d.legend) else 0.0
        room_w = SLIDE_W - 2 * MARGIN
        room_h = SLIDE_H - head - legend_h - 2 * MARGIN
        if d.size[0] * d.need > room_w:
            return False
        return axis == "w" or d.size[1] * d.need <= room_h

    # ---- units to split by

    def units(self, key: str, part: Part) -> list[tuple[str, object]]:
        """(label, value) in reading order: members by name, KLE main groups by number, years."""
        g = self.ctx.graph
        sel = self.selection(part)
        if key == "kommune":
            if self.name in ("harmonisering", "maal"):
                ks = [URIRef(k) for k in matrix_members(self.src.matrix, sel)]
            else:
                ks = members_in_scope(self.ctx, sel)
            return [(formatting.label(g, k, self.lang), k) for k in ks]
        if key == "aar":
            view = self.draw(part).view
            years = sorted(int(n.lines[0]) for n in view.nodes if n.kind == "axis" and n.lines[0].isdigit())
            return [(str(y), y) for y in years]
        tasks = self.tasks(sel)
        if key == "opgave":
            return [(notation(g, t) or formatting.label(g, t, self.lang), t)
                    for t in sorted(tasks, key=lambda t: (notation(g, t) or "~", str(t)))]
        groups: dict = {}
        for t in tasks:
            groups.setdefault(main_group(notation(g, t)) or "~", set()).add(t)
        return [(code if code != "~" else "uden KLE", frozenset(groups[code])) for code in sorted(groups)]

    def tasks(self, sel: Selection) -> set:
        """The tasks the view shows rows or systems for under ``sel``."""
        g = self.ctx.graph
        if self.name in ("harmonisering", "maal"):
            return {URIRef(r.opgave) for r in matrix_rows(self.src.matrix, sel)
                    if self.name != "maal" or r.maalsystem}
        if self.name == "roadmap":
            return {URIRef(t.opgave) for t, _, _ in rows_of(self.src.plan, sel)[0]}
        members = set(sel.kommuner) if sel.kommuner else set(members_in_scope(self.ctx, sel))
        out = set()
        for u in g.subjects(RDF.type, ARK.Systemanvendelse):
            if kommune_of(g, u) in members:
                out |= {t for t in g.objects(u, ARK.understoetterOpgave) if sel.task_ok([t])}
        return out

    # ---- splitting

    def with_units(self, part: Part, key: str, chunk: list) -> Part:
        names = [label for label, _ in chunk]
        if key == "kommune":
            text = names[0] if len(names) == 1 else (", ".join(names) if len(names) <= 3
                                                     else f"{names[0]} … {names[-1]}")
            return replace(part, kommuner=tuple(v for _, v in chunk), labels=part.labels + (text,))
        if key == "aar":
            text = names[0] if len(names) == 1 else f"{names[0]}–{names[-1]}"
            return replace(part, aar=(chunk[0][1], chunk[-1][1]), labels=part.labels + (text,))
        tasks = frozenset(t for _, v in chunk for t in (v if isinstance(v, frozenset) else {v}))
        prefix = "KLE " if names[0] != "uden KLE" and re.match(r"\d\d", names[0]) else ""
        text = prefix + (names[0] if len(names) == 1 else f"{names[0]}–{names[-1]}")
        labels = part.labels
        if key == "opgave" and labels and labels[-1].startswith("KLE "):
            labels = labels[:-1]
        return replace(part, opgaver=tasks, labels=labels + (text,))

    def split(self, part: Part, keys: tuple) -> list[Part]:
        if self.fits(part) or not keys:
            return [part]
        (key, axis), rest = keys[0], keys[1:]
        if not rest and key == "kle":
            rest = (("opgave", "wh"),)    # a main group too big for a slide: its tasks, a few at a time
        units = self.units(key, part)
        if len(units) <= 1:
            return self.split(part, rest)
        chunks, current = [], []
        for unit in units:
            trial = current + [unit]
            if current and not self.fits(self.with_units(part, key, trial), axis if rest else "wh"):
                chunks.append(current)
                current = [unit]
            else:
                current = trial
            if self.renders > 6 * MAX_SLIDES:
                raise self.too_many()
        chunks.append(current)
        out: list[Part] = []
        for chunk in chunks:
            # Everything on one slide after all (the next key splits): no label naming all of them.
            sub = self.with_units(part, key, chunk) if len(chunks) > 1 else part
            out += self.split(sub, rest) if rest else [sub]
            if len(out) > MAX_SLIDES:
                raise self.too_many()
        return out

    def too_many(self) -> TooManySlides:
        return TooManySlides(
            f"visningen '{self.name}' bliver til mere end {MAX_SLIDES} lysbilleder; afgræns den med "
            f"{REGISTRY[self.name].hint}.",
            f"the view '{self.name}' would need more than {MAX_SLIDES} slides; narrow it with --kommune NAME or "
            "--opgave (e.g. --opgave 27).", code="ARK-E167")


# --------------------------------------------------------------------------- the view on a slide


# --------------------------------------------------------------------------- the legend

LEGEND_FONT = 11.0
# The legend's 11 pt text at 18 px; 8.5 pt (the roadmap's contract tags in a sample) at >= 14 px.
LEGEND_SCALE = max(BODY_PX / LEGEND_FONT, MIN_PX / 8.5)
_LEGEND_PAD = 10.0
_legends: dict = {}


def legend_drawing(items, scale: float = LEGEND_SCALE, lang: str = "da") -> tuple[ET.Element, float, float]:
    """The legend drawn by Graphviz (cached): its SVG root and its width and height in points.

    Its size does not depend on ``lang`` (views/slides.TITLE_W), so ``legend_box`` measures either."""
    key = (repr(items), round(scale, 4), lang)
    if key not in _legends:
        width_pt = (SLIDE_W - 2 * MARGIN - 2 * _LEGEND_PAD) / scale - 16
        root = SafeET.fromstring(render_mod.render(legend_view(items, width_pt, lang), "svg").data)
        vb = [float(x) for x in (root.get("viewBox") or "0 0 0 0").split()]
        _legends[key] = (root, vb[2], vb[3])
    return _legends[key]


def legend_box(items, scale: float = LEGEND_SCALE) -> tuple[float, float]:
    """Width and height in px of the legend's framed box at ``scale``."""
    if not items:
        return 0.0, 0.0
    _, w, h = legend_drawing(items, scale)
    return w * scale + 2 * _LEGEND_PAD, h * scale + 2 * _LEGEND_PAD


def legend_fits(items) -> bool:
    """A legend sits on the slide when its box is at most ``LEGEND_SHARE`` of the slide's area."""
    w, h = legend_box(items)
    return w * h <= LEGEND_SHARE * SLIDE_W * SLIDE_H


def _legend(svg, items, y: float, scale: float = LEGEND_SCALE, lang: str = "da") -> None:
    root, _, _ = legend_drawing(items, scale, lang)
    lw, lh = legend_box(items, scale)
    x = (SLIDE_W - lw) / 2
    ET.SubElement(svg, f"{{{SVG_NS}}}rect", {"id": "slide-legend-box", "x": f"{x:.1f}", "y": f"{y:.1f}",
                                             "width": f"{lw:.1f}", "height": f"{lh:.1f}", "rx": "8",
                                             "fill": "#ffffff", "stroke": "#9e9e9e", "stroke-dasharray": "6 4"})
    _embed(svg, root, x + _LEGEND_PAD, y + _LEGEND_PAD, scale, "l")


# --------------------------------------------------------------------------- composing


def wrap_px(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` wrapped at word boundaries to lines at most ``width`` wide at ``size``."""
    out, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and text_width(trial, size, bold) > width:
            out.append(line)
            line = word
        else:
            line = trial
    return out + [line] if line else out


def header_lines(view: View) -> list[str]:
    """The subtitle and notes, wrapped to the slide's width at the header's size."""
    return [line for text in [*view.subtitle, *view.notes] for line in wrap_px(text, SLIDE_W - 2 * MARGIN, 20)]


def header_height(view: View) -> float:
    return 64 + 30 * len(header_lines(view)) + 14


def text_at(parent, x, y, size, text, bold=False, anchor="start", fill="#000000") -> None:
    el = ET.SubElement(parent, f"{{{SVG_NS}}}text", {
        "x": f"{x:.1f}", "y": f"{y:.1f}", "font-family": FAMILY, "font-size": f"{size:g}", "fill": fill,
        "text-anchor": anchor})
    if bold:
        el.set("font-weight", "bold")
    el.text = text


def _embed(parent, root: ET.Element, x: float, y: float, scale: float, gid: str) -> None:
    """The children of a Graphviz SVG, their ids prefixed, placed at (x, y) and scaled."""
    g = ET.SubElement(parent, f"{{{SVG_NS}}}g", {"id": gid, "transform": f"translate({x:.1f} {y:.1f}) scale({scale:.4f})"})
    for child in root:
        c = copy.deepcopy(child)
        for el in c.iter():
            if el.get("id"):
                el.set("id", f"{gid}-{el.get('id')}")
        g.append(c)


def blank(label: str, title: str | None = None) -> ET.Element:
    """An empty white slide named ``label`` (``data-slide``); ``title`` is the SVG's own title, first."""
    svg = ET.Element(f"{{{SVG_NS}}}svg", {"width": f"{SLIDE_W}", "height": f"{SLIDE_H}",
                                            "viewBox": f"0 0 {SLIDE_W} {SLIDE_H}", "role": "img", "data-slide": label})
    if title is not None:
        ET.SubElement(svg, f"{{{SVG_NS}}}title").text = title
    ET.SubElement(svg, f"{{{SVG_NS}}}rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})
    return svg


def _header(svg, title: str, label: str, room: float) -> ET.Element:
    """The header group: the view's title cut to ``room`` px at the left, the slide's label at the right."""
    head = ET.SubElement(svg, f"{{{SVG_NS}}}g", {"id": "slide-header"})
    text_at(head, MARGIN, MARGIN + 30, 36, fit(title, room, 36), bold=True)
    if label:
        text_at(head, SLIDE_W - MARGIN, MARGIN + 30, 28, label, bold=True, anchor="end", fill="#1f3a5f")
    return head


def _slide(svg, label: str, view: View) -> Slide:
    mark = f"<!-- arkitektur: lysbillede {label or '1/1'} af visningen {view.name} -->\n"
    data = ET.tostring(svg, encoding="unicode")
    return Slide(svg=('<?xml version="1.0" encoding="UTF-8"?>\n' + mark + data + "\n").encode("utf-8"), label=label)


def compose(title: str, drawn: Drawn, label: str, *, legend_apart: bool, lang: str = "da") -> Slide:
    """One slide: header, the drawing scaled to fit at readable size (centred), the legend strip."""
    view, items = drawn.view, drawn.legend if not legend_apart else []
    svg = blank(label or "1/1", f"{title} {label}".strip())
    label_w = text_width(label, 28, True) if label else 0.0
    head = _header(svg, title, label, SLIDE_W - 2 * MARGIN - label_w - 40)
    for i, line in enumerate(header_lines(view)):
        text_at(head, MARGIN, MARGIN + 70 + 30 * i, 20, line, fill="#333333")
    top = header_height(view) + MARGIN / 2
    legend_h = legend_box(items)[1]
    room_w, room_h = SLIDE_W - 2 * MARGIN, SLIDE_H - top - legend_h - MARGIN
    w, h = drawn.size
    scale = max(min(room_w / max(w, 1), room_h / max(h, 1), MAX_SCALE), drawn.need)
    x = MARGIN + max(room_w - w * scale, 0) / 2
    _embed(svg, drawn.root, x, top + max(room_h - h * scale, 0) / 2, scale, "d")
    if top + h * scale > SLIDE_H - legend_h:   # one task taller than a slide: the slide grows, the text never shrinks
        grow = top + h * scale + legend_h + MARGIN
        svg.set("height", f"{grow:.0f}")
        svg.set("viewBox", f"0 0 {SLIDE_W} {grow:.0f}")
    if items:
        _legend(svg, items, float(svg.get("height")) - legend_h - MARGIN / 2, lang=lang)
    return _slide(svg, label, view)


def fit(text: str, width: float, size: float) -> str:
    if text_width(text, size, True) <= width:
        return text
    while text and text_width(text + "…", size, True) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _years_shown(slicer: Slicer, part: Part) -> Part | None:
    """A roadmap part labelled with the years its rows really span; ``None`` if they have nothing in them."""
    if part.aar is None:
        return part
    slicer.draw(part)
    shown = slicer.years.get(part.key(), part.aar)
    if shown is None:
        return None
    if tuple(shown) == tuple(part.aar):
        return part
    old = f"{part.aar[0]}" if part.aar[0] == part.aar[1] else f"{part.aar[0]}–{part.aar[1]}"
    new = f"{shown[0]}" if shown[0] == shown[1] else f"{shown[0]}–{shown[1]}"
    return replace(part, labels=tuple(new if x == old else x for x in part.labels))


def make_slides(name: str, ctx, sel: Selection, *, matrix=None, plan=None, lang: str = "da",
                timeout: float = render_mod.DEFAULT_TIMEOUT) -> list[Slide]:
    """The slides of view ``name`` for the user's selection: one when it fits, else one per part
    ("2/4: KLE 27–32"), and a last slide with the legend when it is too large to sit on each."""
    if name not in REGISTRY:
        raise UsageError(f"ukendt visning '{name}'.", f"unknown view '{name}'.", code="ARK-E106")
    slicer = Slicer(name, ctx, sel, matrix=matrix, plan=plan, lang=lang, timeout=timeout)
    whole = Part()
    parts = [_years_shown(slicer, p) for p in slicer.split(whole, SPLIT.get(name, ()))]
    parts = [p for p in parts if p is not None] or [whole]
    drawn = [slicer.draw(p) for p in parts]
    full = drawn[0].view if len(parts) == 1 else slicer.draw(whole).view
    title = full.title
    apart = not all(legend_fits(d.legend) for d in drawn)
    union: list = []
    if apart:
        for d in drawn:
            union += [it for it in d.legend if it not in union and it[0] != "count"]
        counts = [it for d in drawn for it in d.legend if it[0] == "count"]
        if counts:
            union.append(max(counts, key=lambda it: int(it[2][0][1:])))
    total = len(parts) + (1 if apart and union else 0)
    slides = []
    for i, (part, d) in enumerate(zip(parts, drawn), 1):
        label = f"{i}/{total}: {' · '.join(part.labels)}" if total > 1 else ""
        label = label.rstrip(": ")
        slides.append(compose(title, d, label, legend_apart=apart, lang=lang))
    if apart and union:
        slides.append(_legend_slide(title, full, union, f"{total}/{total}: {words(VIEW, lang)['legend']}", lang))
    return slides


def _legend_slide(title: str, view: View, items, label: str, lang: str = "da") -> Slide:
    svg = blank(label)
    _header(svg, title, label, SLIDE_W - 2 * MARGIN - 500)
    _legend(svg, items, MARGIN + 90, LEGEND_SCALE * 1.3, lang)
    return _slide(svg, label, view)


def file_names(output: Path, count: int) -> list[Path]:
    """``NAME.svg`` for one slide; ``NAME-1.svg`` … ``NAME-k.svg`` beside it for several."""
    if count == 1:
        return [output]
    return [output.with_name(f"{output.stem}-{i}{output.suffix}") for i in range(1, count + 1)]


def write_slides(slides: list[Slide], output: Path, inputs) -> list[Path]:
    """Write the slides to ``output`` (one) or ``NAME-k.svg`` beside it, all or none; never over an input."""
    if output.suffix.lower() != ".svg":
        raise UsageError(f"--slide skriver SVG: '{output}' skal ende på .svg.",
                         f"--slide writes SVG: '{output}' must end in .svg.", code="ARK-E166", file=str(output))
    names = file_names(output, len(slides))
    for name in names:
        refuse_input(name, inputs)
    return write_all({name: s.svg for name, s in zip(names, slides)})
