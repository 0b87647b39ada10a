"""Diagramdata / what a view is made of: nodes, edges, clusters and the styles of statuses — no graph, no Graphviz.

Plain text labels (escaped only by the renderer), a style ``kind`` per element (``render`` maps kinds
to Graphviz attributes), clusters, and for pinned layouts positions and edge routes. ``Ids`` gives
stable synthetic DOT ids; ``EdgeSet`` merges parallel edges into one with a count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import formatting
from ..divergence import DIVERGERENDE, IKKE_OMFATTET, IKKE_REGISTRERET, KONVERGERET, PLANLAGT
from ..escape import short
from ..words import VIEW, status, words

# Status colours, shared with the meeting pack. Lightness differs clearly (light / mid / dark /
# white) and every status also has its own line style and word, so a grey-scale print keeps them apart.
STATUS_STYLE = {
    KONVERGERET: {"fill": "#d9f0d3", "font": "#000000", "border": "#1b7837", "line": "solid", "mark": "✓"},
    PLANLAGT: {"fill": "#e08214", "font": "#000000", "border": "#7f3b08", "line": "dashed", "mark": "→"},
    DIVERGERENDE: {"fill": "#b2182b", "font": "#ffffff", "border": "#40000d", "line": "bold", "mark": "✗"},
    # Unknown is not a breach: grey, so a director does not count it among the red ones (issue 14).
    IKKE_REGISTRERET: {"fill": "#bdbdbd", "font": "#000000", "border": "#525252", "line": "diagonals", "mark": "?"},
    IKKE_OMFATTET: {"fill": "#ffffff", "font": "#404040", "border": "#808080", "line": "dotted", "mark": "–"},
}
STATUS_KIND = {KONVERGERET: "konvergeret", PLANLAGT: "planlagt", DIVERGERENDE: "divergerende",
               IKKE_REGISTRERET: "ikke_registreret", IKKE_OMFATTET: "ikke_omfattet"}
# A cell whose HEL-2 finding a valid Dispensation makes info (docs/divergens.md): decided, not a problem —
# so not red. Violet with a double border, which a grey-scale print still tells apart (issue 14).
DISPENSATION_STYLE = {"fill": "#e7d4e8", "font": "#000000", "border": "#762a83", "line": "double", "mark": "§"}
DISPENSERET = "dispenseret"


def cell_kind(cell) -> str:
    """The style of a matrix cell: its status's — or ``dispenseret`` when a dispensation covers it."""
    return DISPENSERET if cell.dispensation else STATUS_KIND[cell.status]


def dispensation_items(cells, lang: str = "da") -> list[str]:
    """Legend/summary texts, one per expiry date: "dispensation til 2017-12-31"."""
    return [formatting.dispensation(d, lang) for d in sorted({c.dispensation_udloeber for c in cells if c.dispensation},
                                                       key=lambda d: d or dt.date.max)]


def status_summary(counts: dict, dispensed: list, lang: str = "da") -> str:
    """"2 divergerende, heraf 1 med dispensation til 2017-12-31 · 1 ikke registreret": the statuses counted."""
    parts = []
    for s in STATUS_KIND:
        if not counts[s]:
            continue
        here = [c for c in dispensed if c.status == s]
        text = f"{counts[s]} {status(s, lang)}"
        if here:
            text += words(VIEW, lang)["of_which"].format(n=len(here)) + ", ".join(dispensation_items(here, lang))
        parts.append(text)
    return " · ".join(parts)


@dataclass
class Node:
    id: str
    lines: list[str]
    kind: str
    cluster: str | None = None
    tooltip: str = ""
    href: str | None = None
    pos: tuple[float, float] | None = None    # pinned centre in points (roadmap)
    size: tuple[float, float] | None = None   # fixed width, height in points
    align: str = "c"                          # "l": lines left-justified
    legend: bool = False
    helper: bool = False                      # only there for the layout (axis, grid, anchors)


@dataclass
class Edge:
    src: str
    dst: str
    kind: str
    lines: list[str] = field(default_factory=list)
    count: int = 1
    tooltip: str = ""
    helper: bool = False                      # invisible, only for the layout
    legend: bool = False
    weight: int | None = None
    route: list[tuple[float, float]] | None = None   # pinned layouts: polyline from the source, points
    tip: tuple[float, float] | None = None           # ... and where the arrowhead touches the target
    label_at: tuple[float, float] | None = None


@dataclass
class Cluster:
    id: str
    lines: list[str]
    kind: str
    tooltip: str = ""


@dataclass
class View:
    """One diagram, ready for the renderer."""

    name: str
    title: str
    subtitle: list[str]
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    layout: str = "dot"                      # "dot" (layered) or "pinned" (positions given)
    rankdir: str = "TB"
    same_rank: list[list[str]] = field(default_factory=list)
    attrs: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    size_override: tuple[int, int] | None = None
    legend_at: tuple[float, float] = (0.0, 0.0)   # pinned layouts: top-left of the legend, points
    # The legend's items as a slide draws them (views/slides.legend_items): (what, kind, sample lines, text).
    legend: list[tuple[str, str, list[str], str]] = field(default_factory=list)

    @property
    def size(self) -> tuple[int, int]:
        """Content nodes and edges (no legend, no layout helpers) — what ``LIMITS`` applies to."""
        if self.size_override is not None:
            return self.size_override
        nodes = sum(1 for n in self.nodes if not n.legend and not n.helper)
        edges = sum(1 for e in self.edges if not e.legend and not e.helper)
        return nodes, edges

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)



class Ids:
    """Stable synthetic DOT ids (never user data) in order of first use."""

    def __init__(self, prefix: str = "n") -> None:
        self.prefix = prefix
        self.ids: dict = {}

    def __call__(self, key) -> str:
        if key not in self.ids:
            self.ids[key] = f"{self.prefix}{len(self.ids) + 1}"
        return self.ids[key]


class EdgeSet:
    """Merges parallel edges (same ends and kind) into one with a count and joined tooltips."""

    def __init__(self) -> None:
        self.items: dict = {}

    def add(self, src: str, dst: str, kind: str, tooltip: str = "", lines: list[str] | None = None) -> None:
        key = (src, dst, kind)
        e = self.items.get(key)
        if e is None:
            self.items[key] = Edge(src=src, dst=dst, kind=kind, tooltip=tooltip, lines=list(lines or []))
            return
        e.count += 1
        if tooltip and tooltip not in e.tooltip.split("; "):
            e.tooltip = f"{e.tooltip}; {tooltip}" if e.tooltip else tooltip
        for line in lines or []:
            if line not in e.lines:
                e.lines.append(line)

    def edges(self, count_word: str) -> list[Edge]:
        """The merged edges; a merged one says how many ("×3 integrationer") under its first two lines."""
        out = []
        for e in self.items.values():
            if e.count > 1:
                e.lines = [*e.lines[:2], f"×{e.count} {count_word}"]
            e.tooltip = short(e.tooltip, 600)
            out.append(e)
        return out


def tooltip(*parts) -> str:
    return short(" · ".join(str(p) for p in parts if p), 400)


@dataclass(frozen=True)
class ViewSpec:
    """One view of ``arkitektur render`` and the meeting pack: its name, title, readability limits and builder.

    ``limits`` are content nodes and edges (legend and layout helpers not counted, docs/diagrammer.md);
    above them the view is refused with ``hint`` naming the filters that make it smaller. ``build``
    takes the ``Sources``, the ``Selection`` and the language.
    """

    name: str
    title: str
    limits: tuple[int, int]
    build: Callable
    hint: str = "--kommune NAVN eller --opgave (fx --opgave 27)"
    units: dict = field(default_factory=lambda: {"da": ("knuder", "kanter"), "en": ("nodes", "edges")})
    per_kommune: bool = False     # one diagram per municipality (the meeting pack draws each member's)
    title_en: str = ""            # the title in English (render --lang en); ``title`` is the Danish one

    def heading(self, lang: str = "da") -> str:
        """The title in ``lang``: English for "en" when there is one, Danish otherwise."""
        return self.title_en if lang == "en" and self.title_en else self.title
