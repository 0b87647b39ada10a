"""Diagramvisninger / builds the data of each diagram (nodes, clusters, edges, legend) from the model — no Graphviz.

Six views (SPEC §4 ``render``): ``landskab``, ``integrationer``, ``dataflow``, ``harmonisering``,
``maal`` and ``roadmap``. Each builder returns a ``View``: plain text labels (escaped only by the
renderer), a style ``kind`` per element (the renderer maps kinds to Graphviz attributes), clusters,
a legend and — for ``landskab`` (a table of task-area boxes with orthogonal edge routes) and the
``roadmap`` (a timeline) — pinned positions, so those layouts are the same on every run. Parallel
edges are merged with a count, and ``check_density`` refuses a view that would be unreadable (see
``LIMITS`` and docs/diagrammer.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.term import Node as RdfNode

from . import formatting
from .divergence import (DIVERGERENDE, IKKE_OMFATTET, IKKE_REGISTRERET, KONVERGERET, PLANLAGT, Matrix, label_of,
                         task_title)
from .errors import ArkitekturError, UsageError
from .escape import safe_href, short, wrap
from .namespaces import ARK, RDF, SKOS
from .roadmap import OPSIGELSE_PASSERET, OPSIGELSE_SNART, Roadmap

VIEWS = ("landskab", "integrationer", "dataflow", "harmonisering", "maal", "roadmap")

TITLES = {
    "landskab": "Systemlandskab",
    "integrationer": "Integrationskort",
    "dataflow": "Dataflows og personoplysninger",
    "harmonisering": "Harmonisering pr. opgave",
    "maal": "Målarkitektur og i dag",
    "roadmap": "Køreplan: kontrakter, udbud og fælles vinduer",
}

# Readability limits (docs/diagrammer.md): content nodes and edges, legend not counted. Above them a
# view is refused with a hint to filter — a larger drawing is unreadable on a projector and ``dot``
# may not finish. The roadmap counts rows (tasks) as nodes and member markers as edges.
LIMITS = {
    "landskab": (120, 160),
    "integrationer": (120, 160),
    "dataflow": (100, 120),
    "harmonisering": (160, 200),
    "maal": (120, 160),
    "roadmap": (45, 400),
}

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
# A cell whose HEL-2 finding a valid Dispensation makes info (SPEC v1.1 §5): decided, not a problem —
# so not red. Violet with a double border, which a grey-scale print still tells apart (issue 14).
DISPENSATION_STYLE = {"fill": "#e7d4e8", "font": "#000000", "border": "#762a83", "line": "double", "mark": "§"}
DISPENSERET = "dispenseret"


def cell_kind(cell) -> str:
    """The style of a matrix cell: its status's — or ``dispenseret`` when a dispensation covers it."""
    return DISPENSERET if cell.dispensation else STATUS_KIND[cell.status]


def _dispensation_items(cells) -> list[str]:
    """Legend/summary texts, one per expiry date: "dispensation til 2017-12-31"."""
    return [formatting.dispensation(d) for d in sorted({c.dispensation_udloeber for c in cells if c.dispensation},
                                                       key=lambda d: d or dt.date.max)]


def _status_summary(counts: dict, dispensed: list, statuses) -> str:
    """"2 divergerende, heraf 1 med dispensation til 2017-12-31 · 1 ikke registreret"."""
    parts = []
    for s in statuses:
        if not counts[s]:
            continue
        here = [c for c in dispensed if c.status == s]
        text = f"{counts[s]} {s}"
        if here:
            text += f", heraf {len(here)} med " + ", ".join(_dispensation_items(here))
        parts.append(text)
    return " · ".join(parts)

_LIFECYCLE_KIND = {ARK.IDrift: "system", ARK.Indfases: "system_ny", ARK.Planlagt: "system_ny",
                   ARK.Udfases: "system_udfases", ARK.Udfaset: "system_udfases"}


# --------------------------------------------------------------------------- data


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
    back: bool = False                        # arrow drawn towards ``src``
    weight: int | None = None
    constraint: bool = True                   # False: routed, but does not decide the ranks
    route: list[tuple[float, float]] | None = None   # pinned layouts: polyline from the source, points
    tip: tuple[float, float] | None = None           # ... and where the arrowhead touches the target
    label_at: tuple[float, float] | None = None


@dataclass
class Cluster:
    id: str
    lines: list[str]
    kind: str
    parent: str | None = None
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


class ForTaetError(ArkitekturError):
    """A view has more nodes or edges than it can show legibly."""


# --------------------------------------------------------------------------- selection


@dataclass
class Selection:
    """What the user focused on: municipalities and task prefixes (empty = everything)."""

    kommuner: list[URIRef] = field(default_factory=list)
    opgaver: set = field(default_factory=set)      # task nodes; empty = all
    opgave_args: list[str] = field(default_factory=list)
    alle: bool = False                              # also tasks without a target / rows without events

    def task_ok(self, tasks) -> bool:
        return not self.opgaver or any(t in self.opgaver for t in tasks)

    def kommune_ok(self, k) -> bool:
        return not self.kommuner or k in self.kommuner


def kommuner(g: Graph) -> list[URIRef]:
    """Every ark:Kommune in the graph, by label."""
    found = {k for k in g.subjects(RDF.type, ARK.Kommune) if isinstance(k, URIRef)}
    return sorted(found, key=lambda k: (label_of(g, k).casefold(), str(k)))


def _bare(name: str) -> str:
    s = name.casefold().strip()
    for suffix in (" kommune", " municipality"):
        if s.endswith(suffix):
            s = s[: -len(suffix)].strip()
    return s


def resolve_kommune(g: Graph, text: str) -> URIRef:
    """A municipality from its IRI, kommunekode, label (with or without "Kommune") or IRI local name."""
    want = text.strip()
    options = kommuner(g)
    for k in options:
        if str(k) == want:
            return k
    for k in options:
        if any(str(code) == want for code in g.objects(k, ARK.kommunekode)):
            return k
    for k in options:
        names = {_bare(str(lab)) for lab in g.objects(k, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))}
        local = re.split(r"[#/]", str(k).rstrip("/#"))[-1].casefold()
        if _bare(want) in names or want.casefold() == local:
            return k
    listing = ", ".join(_kommune_choice(g, k) for k in options) or "(ingen kommuner i modellerne)"
    raise UsageError(
        f"--kommune: ukendt kommune '{want}'. Mulige: {listing}.",
        f"--kommune: unknown municipality '{want}'. Choose from: {listing}.",
        code="ARK-E103",
    )


def _kommune_choice(g: Graph, k) -> str:
    code = g.value(k, ARK.kommunekode)
    return f"{label_of(g, k)} ({code})" if code is not None else label_of(g, k)


def notation(g: Graph, task) -> str:
    value = g.value(task, SKOS.notation)
    return "" if value is None else str(value)


def all_tasks(g: Graph) -> list:
    found = {t for t in g.subjects(RDF.type, ARK.Opgave)}
    return sorted(found, key=lambda t: (notation(g, t) or "~", label_of(g, t).casefold(), str(t)))


def resolve_opgaver(g: Graph, texts: list[str]) -> set:
    """Tasks from KLE numbers (a prefix: "27", "27.36", "27.36.00" = the group and below), IRIs or label text."""
    chosen: set = set()
    tasks = all_tasks(g)
    for text in texts:
        want = text.strip()
        hits = {t for t in tasks if str(t) == want}
        if not hits and re.fullmatch(r"\d{2}(\.\d{2}){0,2}", want):
            parts = want.split(".")
            while len(parts) > 1 and parts[-1] == "00":
                parts.pop()
            exact = ".".join(parts)
            hits = {t for t in tasks if notation(g, t) == want
                    or notation(g, t) == exact or notation(g, t).startswith(exact + ".")}
        if not hits and want:
            hits = {t for t in tasks if want.casefold() in label_of(g, t).casefold()}
        if not hits:
            raise UsageError(
                f"--opgave: ingen opgave matcher '{want}'. Angiv et KLE-nummer (fx 27 eller 27.36.00) "
                "eller en del af opgavens navn.",
                f"--opgave: no task matches '{want}'. Give a KLE number (e.g. 27 or 27.36.00) or part "
                "of the task's name.",
                code="ARK-E104",
            )
        chosen |= hits
    return chosen


def make_selection(g: Graph, kommune_args: list[str] | None = None, opgave_args: list[str] | None = None,
                   alle: bool = False) -> Selection:
    ks: list[URIRef] = []
    for text in kommune_args or ():
        k = resolve_kommune(g, text)
        if k not in ks:
            ks.append(k)
    return Selection(kommuner=ks, opgaver=resolve_opgaver(g, list(opgave_args or [])),
                     opgave_args=list(opgave_args or []), alle=alle)


# --------------------------------------------------------------------------- helpers


class _Ids:
    """Stable synthetic DOT ids (never user data) in order of first use."""

    def __init__(self, prefix: str = "n") -> None:
        self.prefix = prefix
        self.ids: dict = {}

    def __call__(self, key) -> str:
        if key not in self.ids:
            self.ids[key] = f"{self.prefix}{len(self.ids) + 1}"
        return self.ids[key]


class _Edges:
    """Merges parallel edges (same ends and kind) into one with a count and joined tooltips."""

    def __init__(self) -> None:
        self.items: dict = {}

    def add(self, src: str, dst: str, kind: str, tooltip: str = "", lines: list[str] | None = None,
            back: bool = False) -> None:
        key = (src, dst, kind, back)
        e = self.items.get(key)
        if e is None:
            self.items[key] = Edge(src=src, dst=dst, kind=kind, tooltip=tooltip, lines=list(lines or []), back=back)
            return
        e.count += 1
        if tooltip and tooltip not in e.tooltip.split("; "):
            e.tooltip = f"{e.tooltip}; {tooltip}" if e.tooltip else tooltip
        for line in lines or []:
            if line not in e.lines:
                e.lines.append(line)

    def edges(self, count_word: str = "") -> list[Edge]:
        out = []
        for e in self.items.values():
            if e.count > 1:
                e.lines = [*e.lines[:2], f"×{e.count}{(' ' + count_word) if count_word else ''}"]
            e.tooltip = short(e.tooltip, 600)
            out.append(e)
        return out


def _tooltip(*parts) -> str:
    return short(" · ".join(str(p) for p in parts if p), 400)


def _date(d: dt.date | None) -> str:
    return d.isoformat() if d else "–"


def _main_group(code: str) -> str:
    return code[:2] if re.match(r"\d{2}", code or "") else ""


def _kommune_of(g: Graph, usage) -> RdfNode | None:
    return g.value(usage, ARK.kommune)


def _is(g: Graph, node, cls) -> bool:
    return (node, RDF.type, cls) in g


def _lifecycle(g: Graph, usage):
    values = sorted(g.objects(usage, ARK.livscyklus), key=str)
    return values[0] if values else None


def _subtitle(g: Graph, sel: Selection, as_of: dt.date, extra: list[str] | None = None) -> list[str]:
    parts = [f"pr. {as_of.isoformat()}"]
    if sel.kommuner:
        parts.append(", ".join(label_of(g, k) for k in sel.kommuner))
    if sel.opgave_args:
        parts.append("opgave " + ", ".join(sel.opgave_args))
    return [" · ".join(parts), *(extra or [])]


def _legend(view: View, items: list[tuple[str, str, str]], ids: _Ids) -> None:
    """A "Signaturforklaring" cluster: ("node", kind, text) shows a sample node, ("edge", kind, text) a line.

    Top-to-bottom views get one row (sample nodes, then short arrows with their text); left-to-right
    views one column of samples and arrow tails, the arrow texts in the next column.
    """
    view.clusters.append(Cluster(id="legend", lines=["Signaturforklaring"], kind="legend"))
    samples, tails, texts = [], [], []
    for i, (what, kind, text) in enumerate(items):
        if what == "node":
            n = Node(id=ids(("legend", i)), lines=wrap(text, 26), kind=kind, cluster="legend", legend=True)
            view.nodes.append(n)
            samples.append(n.id)
        else:
            a = Node(id=ids(("legend", i, "a")), lines=[""], kind="legend_point", cluster="legend", legend=True)
            b = Node(id=ids(("legend", i, "b")), lines=wrap(text, 26), kind="legend_text", cluster="legend",
                     legend=True, align="l")
            view.nodes += [a, b]
            view.edges.append(Edge(src=a.id, dst=b.id, kind=kind, legend=True, weight=50))
            tails.append(a.id)
            texts.append(b.id)
    if view.layout == "pinned":
        view.clusters = [c for c in view.clusters if c.id != "legend"]
        for n in view.nodes:
            if n.cluster == "legend":
                n.cluster = None
        _pin_legend(view, items, samples, tails, texts, ids)
    elif view.rankdir == "TB":
        row = samples + [x for pair in zip(tails, texts) for x in pair]
        view.same_rank.append(row)
        for a, b in zip(row, row[1:]):
            if not (a in tails and b in texts):
                view.edges.append(Edge(src=a, dst=b, kind="invis", helper=True, legend=True))
    else:
        # Left to right: samples and arrow tails in one column, the arrow texts in the next. Within a
        # rank dot stacks the order bottom-up here, so the chains run in reverse to read top-down.
        column = samples + tails
        spacers = []
        if texts:
            for i, sid in enumerate(samples):
                sp = Node(id=ids(("legend", "spacer", i)), lines=[""], kind="helper_point", cluster="legend",
                          legend=True, helper=True)
                view.nodes.append(sp)
                view.edges.append(Edge(src=sid, dst=sp.id, kind="invis", helper=True, legend=True, weight=50))
                spacers.append(sp.id)
        view.same_rank.append(column)
        if texts:
            view.same_rank.append(spacers + texts)
        for chain in (column, spacers + texts):
            for a, b in zip(chain[::-1], chain[::-1][1:]):
                view.edges.append(Edge(src=a, dst=b, kind="invis", helper=True, legend=True))


def _pin_legend(view: View, items, samples, tails, texts, ids: _Ids, columns: int = 3) -> None:
    """Pinned layouts: the legend as a grid of cells under the drawing, starting at ``view.legend_at``."""
    cell_w, cell_h = 230.0, 46.0
    x0, y0 = view.legend_at
    view.nodes.append(Node(id=ids("legend:title"), lines=["Signaturforklaring"], kind="legend_title", align="l",
                           pos=(x0 + 80, y0), size=(160, 18), legend=True))
    s_iter, t_iter, x_iter = iter(samples), iter(tails), iter(texts)
    for i, (what, _, _) in enumerate(items):
        cx, cy = x0 + (i % columns) * cell_w, y0 - 30 - (i // columns) * cell_h
        if what == "node":
            n = view.node(next(s_iter))
            n.pos, n.size = (cx + 70, cy), (140, 34)
        else:
            a, b = view.node(next(t_iter)), view.node(next(x_iter))
            a.pos = (cx + 4, cy)
            b.pos, b.size = (cx + 68 + 76, cy), (152, 30)


# --------------------------------------------------------------------------- pinned grid

# Advance widths of DejaVu Sans in em (the font the diagrams name); unknown characters count as "n".
_EM = {**dict.fromkeys("abdghnopqu", 0.635), **dict.fromkeys("ceksvxyz", 0.58), "f": 0.352, "i": 0.278,
       "j": 0.278, "l": 0.278, "m": 0.974, "r": 0.411, "t": 0.392, "w": 0.818, " ": 0.318,
       **dict.fromkeys("ABCDGHKNOQRUVXÅØ", 0.76), **dict.fromkeys("EFLPSTYZ", 0.64), "I": 0.295, "J": 0.295,
       "M": 0.863, "W": 0.989, "Æ": 0.99, "æ": 0.959, "ø": 0.612, "å": 0.613,
       **dict.fromkeys("0123456789", 0.636), **dict.fromkeys(".,:;'|!", 0.34), **dict.fromkeys("()[]-/", 0.39),
       "–": 0.5, "…": 1.0, "×": 0.84}


def text_width(text: str, size: float = 11.0, bold: bool = False) -> float:
    """Estimated width in points of one line in DejaVu Sans (bold is about a tenth wider)."""
    em = sum(_EM.get(ch, 0.635) for ch in text)
    return em * size * (1.18 if bold else 1.0)


def node_size(lines: list[str], size: float = 11.0, bold: bool = False) -> tuple[float, float]:
    """Graphviz's size of a box node with our margins (0.12 × 0.05 in), at least 0.75 × 0.5 in."""
    w = max([text_width(line, size, bold) for line in lines] + [0.0]) + 2 * 8.64
    h = len(lines) * size * 1.2 + 2 * 3.6
    return max(w, 54.0), max(h, 36.0)


def _pin_grid(view: View, cells: list[tuple[str, str, list[str], list[str]]], ids: _Ids,
              centre_first: bool = True) -> None:
    """Lay cells (id, box kind, title lines, node ids) out as a table of boxes with their nodes two abreast.

    The first cell (shared infrastructure) goes to the middle of the table so its integration lines
    stay short; the number of columns gives the drawing a landscape shape. Edges between cells are
    then routed through the gaps between the boxes (``_route``), never behind another node.
    """
    gap, pad, slack = 26.0, 12.0, 1.1
    boxes = []
    for cid, kind, title, members in cells:
        sizes = []
        for nid in members:
            n = view.node(nid)
            w, h = node_size(n.lines, 11.0, n.kind == "infrastruktur")
            if n.kind in ("register", "infrastruktur"):
                w, h = w + 16, h + 14
            n.size = (round(w * slack), round(h))
            sizes.append(n.size)
        # The shared cell is one column: its hubs can then send lines out of either side.
        per_row = 1 if len(members) <= 1 or kind == "faelles_boks" else 2
        slot_w = max([w for w, _ in sizes] + [60.0])
        slot_h = max([h for _, h in sizes] + [36.0]) + 6
        rows = -(-len(members) // per_row) if members else 0
        title_h = len(title) * 12 * 1.2 + 10
        title_w = max([text_width(t, 12, True) for t in title] + [0.0])
        width = max(per_row * slot_w + (per_row - 1) * gap, title_w) + 2 * pad
        height = title_h + rows * slot_h + max(rows - 1, 0) * gap + 2 * pad
        boxes.append({"id": cid, "kind": kind, "title": title, "members": members, "per_row": per_row,
                      "slot": (slot_w, slot_h), "size": (width, height), "title_h": title_h})
    if not boxes:
        view.legend_at = (0.0, -40.0)
        return

    def table(order, cols):
        col_w = [max(b["size"][0] for b in order[c::cols]) for c in range(min(cols, len(order)))]
        row_h = [max(b["size"][1] for b in order[r * cols:(r + 1) * cols]) for r in range(-(-len(order) // cols))]
        return col_w, row_h

    def arrange(cols):
        order = list(boxes)
        if centre_first and len(order) > 2:
            rows = -(-len(order) // cols)
            order.insert(min((rows // 2) * cols + cols // 2, len(order) - 1), order.pop(0))
        return order

    best = None
    for cols in range(2, 8):
        order = arrange(cols)
        col_w, row_h = table(order, cols)
        w, h = sum(col_w) + gap * (len(col_w) - 1), sum(row_h) + gap * (len(row_h) - 1)
        score = abs((w / max(h, 1.0)) - 1.6)
        if best is None or score < best[0]:
            best = (score, cols, order, col_w, row_h)
    _, cols, boxes, col_w, row_h = best
    col_x = [sum(col_w[:c]) + gap * c for c in range(len(col_w))]
    row_y = [-(sum(row_h[:r]) + gap * r) for r in range(len(row_h))]
    where: dict = {}   # node id -> (row, column, side: -1 left column, 1 right column, 0 alone)
    lanes: dict = {}   # (row, column) of a one-column box -> x of the lane beside its nodes
    for i, b in enumerate(boxes):
        r, c = divmod(i, cols)
        x, y, width, height = col_x[c], row_y[r], col_w[c], row_h[r]
        view.nodes.append(Node(id=ids(("box", b["id"])), lines=b["title"], kind=b["kind"], helper=True,
                               pos=(x + width / 2, y - height / 2), size=(width, height)))
        slot_w, slot_h = b["slot"]
        inner = b["per_row"] * slot_w + (b["per_row"] - 1) * gap
        left = x + (width - inner) / 2
        top = y - pad - b["title_h"]
        for j, nid in enumerate(b["members"]):
            rr, cc = divmod(j, b["per_row"])
            view.node(nid).pos = (round(left + cc * (slot_w + gap) + slot_w / 2, 1),
                                  round(top - rr * (slot_h + gap) - slot_h / 2, 1))
            where[nid] = (r, c, 0 if b["per_row"] == 1 else (-1 if cc == 0 else 1))
        if b["per_row"] == 1:
            lanes[(r, c)] = left + slot_w + 4
    bottom = row_y[-1] - row_h[-1]
    view.legend_at = (0.0, bottom - 24)
    gutters_x = [x - gap / 2 for x in col_x] + [col_x[-1] + col_w[-1] + gap / 2]
    gutters_y = [y + gap / 2 for y in row_y] + [bottom - gap / 2]
    _route(view, where, gutters_x, gutters_y, lanes)


def _route(view: View, where: dict, gutters_x: list[float], gutters_y: list[float], lanes: dict) -> None:
    """Orthogonal routes through the gaps: out of the node's side into the vertical gap beside its box,
    along a horizontal gap to the target's vertical gap, and into the target's side. Edges sharing a
    gap get lanes a few points apart; edges inside one box stay straight lines."""
    lane = 0
    for e in view.edges:
        if e.helper or e.legend or e.src not in where or e.dst not in where:
            continue
        a, b = view.node(e.src), view.node(e.dst)
        ra, ca, sa = where[e.src]
        rb, cb, sb = where[e.dst]
        (ax, ay), (bx, by) = a.pos, b.pos
        if (ra, ca) == (rb, cb):
            if (ra, ca) in lanes:  # one column: round the nodes between them on the right
                x = lanes[(ra, ca)] + (lane % 3) * 2.0
                lane += 1
                start, tip = (ax + a.size[0] / 2, ay), (bx + b.size[0] / 2, by)
                e.route = [(round(px, 1), round(py, 1)) for px, py in
                           (start, (x, ay), (x, by), (tip[0] + 7.0, by))]
                e.tip = (round(tip[0], 1), round(tip[1], 1))
                if e.lines:
                    e.label_at = (round(x + 10, 1), round((ay + by) / 2, 1))
            continue
        offset = ((lane % 5) - 2) * 2.5
        lane += 1
        if sa == 0:
            sa = -1 if (cb < ca or (cb == ca and bx <= ax)) else 1
        if sb == 0:
            sb = -1 if (ca < cb or (ca == cb and ax <= bx)) else 1
        gxa = gutters_x[ca if sa < 0 else ca + 1] + offset
        gxb = gutters_x[cb if sb < 0 else cb + 1] + offset
        start = (ax + sa * a.size[0] / 2, ay)
        tip = (bx + sb * b.size[0] / 2, by)
        points = [start, (gxa, ay)]
        if abs(gxa - gxb) > 0.01:
            if rb > ra:
                gy = gutters_y[ra + 1]
            elif rb < ra:
                gy = gutters_y[ra]
            else:
                gy = gutters_y[ra] if abs(gutters_y[ra] - ay) <= abs(gutters_y[ra + 1] - ay) else gutters_y[ra + 1]
            gy += offset
            points += [(gxa, gy), (gxb, gy)]
        points.append((gxb, by))
        base = (tip[0] + sb * 7.0, tip[1])
        points.append(base)
        clean = [points[0]]
        for p in points[1:]:
            if abs(p[0] - clean[-1][0]) > 0.01 or abs(p[1] - clean[-1][1]) > 0.01:
                clean.append(p)
        e.route = [(round(x, 1), round(y, 1)) for x, y in clean]
        e.tip = (round(tip[0], 1), round(tip[1], 1))
        if e.lines:
            (x1, y1), (x2, y2) = clean[0], clean[1]
            e.label_at = (round((x1 + x2) / 2, 1), round(y1 + 7, 1))


def check_density(view: View, limits: tuple[int, int] | None = None) -> None:
    """Refuse a view above its readability limit, naming the filters that make it smaller."""
    max_nodes, max_edges = limits or LIMITS.get(view.name, (150, 250))
    nodes, edges = view.size
    if nodes <= max_nodes and edges <= max_edges:
        return
    hint = {"landskab": "--opgave (fx --opgave 27)",
            "roadmap": "--opgave (fx --opgave 27) eller --kommune"}.get(view.name, "--kommune NAVN eller --opgave (fx --opgave 27)")
    da = ("rækker", "markeringer") if view.name == "roadmap" else ("knuder", "kanter")
    en = ("rows", "markers") if view.name == "roadmap" else ("nodes", "edges")
    raise ForTaetError(
        f"visningen '{view.name}' bliver for tæt til at kunne læses: {nodes} {da[0]} og {edges} {da[1]} "
        f"(grænsen er {max_nodes} {da[0]} og {max_edges} {da[1]}). Afgræns den med {hint}.",
        f"the view '{view.name}' is too dense to read: {nodes} {en[0]} and {edges} {en[1]} (the limit is "
        f"{max_nodes} {en[0]} and {max_edges} {en[1]}). Narrow it with --kommune NAME or --opgave (e.g. --opgave 27).",
        code="ARK-E100",
    )


# --------------------------------------------------------------------------- endpoints


class _Endpoints:
    """Nodes for the ends of integrations and data flows: usages, registers, infrastructure."""

    def __init__(self, view: View, g: Graph, ids: _Ids, lang: str, placed: dict,
                 cluster_of_kommune: dict | None = None, shared_cluster: str | None = None,
                 other_cluster: str | None = None) -> None:
        self.view, self.g, self.ids, self.lang = view, g, ids, lang
        self.placed = placed                        # IRI -> node id for nodes already in the view
        self.cluster_of_kommune = cluster_of_kommune or {}
        self.shared_cluster, self.other_cluster = shared_cluster, other_cluster

    def __call__(self, term) -> str:
        if term in self.placed:
            return self.placed[term]
        g = self.g
        nid = self.ids(term)
        label = label_of(g, term, self.lang)
        cluster = None
        if _is(g, term, ARK.Systemanvendelse):
            system = g.value(term, ARK.system)
            k = _kommune_of(g, term)
            name = label_of(g, system, self.lang) if system is not None else label
            cluster = self.cluster_of_kommune.get(k)
            if cluster is None:
                lines = [*wrap(name, 24, 2), f"({label_of(g, k, self.lang)})" if k is not None else ""]
                kind, cluster = "kontekst", self.other_cluster
            else:
                lines = wrap(name, 24, 2)
                kind = _LIFECYCLE_KIND.get(_lifecycle(g, term), "system")
        elif _is(g, term, ARK.Grunddataregister):
            lines, kind, cluster = wrap(label, 22, 3), "register", self.shared_cluster
        elif _is(g, term, ARK.Infrastruktur):
            lines, kind, cluster = wrap(label, 18, 3), "infrastruktur", self.shared_cluster
        else:
            lines, kind, cluster = wrap(label, 24, 2), "kontekst", self.other_cluster
        node = Node(id=nid, lines=[x for x in lines if x], kind=kind, cluster=cluster,
                    tooltip=_tooltip(label, str(term)))
        self.view.nodes.append(node)
        self.placed[term] = nid
        return nid


def _integrations(g: Graph) -> list:
    return sorted({i for i in g.subjects(RDF.type, ARK.Integration)}, key=str)


def _add_integration_edges(g: Graph, integrations, ends: _Endpoints, edges: _Edges, lang: str) -> None:
    """Via infrastructure: two segments through the hub node; point to point: one dashed edge."""
    for i in integrations:
        fra, til = g.value(i, ARK.fra), g.value(i, ARK.til)
        if fra is None or til is None:
            continue
        via = g.value(i, ARK.via)
        tip = label_of(g, i, lang)
        if via is not None:
            hub = ends(via)
            a, b = ends(fra), ends(til)
            if a != hub:
                edges.add(a, hub, "via", tip)
            if b != hub:
                edges.add(hub, b, "via", tip)
        else:
            from_register = _is(g, fra, ARK.Grunddataregister)
            edges.add(ends(fra), ends(til), "p2p_register" if from_register else "p2p", tip)


# --------------------------------------------------------------------------- landskab


def _task_area_label(g: Graph, area: str, tasks: list, lang: str) -> list[str]:
    head = f"KLE {area}"
    group = [t for t in all_tasks(g) if notation(g, t) == f"{area}.00.00"]
    if group:
        return [head, *wrap(label_of(g, group[0], lang), 34, 2)]
    if len(tasks) == 1:
        return [head, *wrap(label_of(g, tasks[0], lang), 34, 2)]
    return [head]


def landskab(ctx, sel: Selection, lang: str = "da") -> View:
    """One municipality's systems grouped by task area (KLE main group), with their integrations."""
    g = ctx.graph
    if len(sel.kommuner) != 1:
        choices = ", ".join(_kommune_choice(g, k) for k in kommuner(g)) or "–"
        raise UsageError(
            f"landskab viser én kommune: angiv --kommune (mulige: {choices}).",
            f"landskab shows one municipality: give --kommune (choose from: {choices}).",
            code="ARK-E105",
        )
    k = sel.kommuner[0]
    kname = label_of(g, k, lang)
    view = View(name="landskab", title=f"{TITLES['landskab']}: {kname}",
                subtitle=_subtitle(g, Selection(opgave_args=sel.opgave_args), ctx.facts.as_of,
                                   ["Systemer grupperet efter opgaveområde (KLE-hovedgruppe); udfasede systemer er udeladt"]),
                layout="pinned", attrs={"outputorder": "edgesfirst"})
    ids = _Ids()
    usages = []
    for u in sorted(set(g.subjects(ARK.kommune, k)), key=str):
        if not _is(g, u, ARK.Systemanvendelse) or _lifecycle(g, u) == ARK.Udfaset:
            continue
        tasks = sorted(g.objects(u, ARK.understoetterOpgave), key=lambda t: (notation(g, t) or "~", str(t)))
        if not sel.task_ok(tasks):
            continue
        system = g.value(u, ARK.system)
        name = label_of(g, system, lang) if system is not None else label_of(g, u, lang)
        shown = [t for t in tasks if not sel.opgaver or t in sel.opgaver] or tasks
        area = _main_group(notation(g, shown[0])) if shown else ""
        usages.append((area or "~", name.casefold(), str(u), u, name, tasks, shown))
    usages.sort()

    by_area: dict = defaultdict(list)
    for row in usages:
        by_area[row[0]].append(row)
    placed: dict = {}
    cells: list[list[str]] = []
    for area, rows in by_area.items():
        area_tasks = sorted({t for r in rows for t in r[6]}, key=lambda t: notation(g, t))
        cid = f"hg{area}" if area != "~" else "hg_uden"
        label = _task_area_label(g, area, area_tasks, lang) if area != "~" else ["Uden opgave"]
        named_by_cluster = len(label) > 1 and len(area_tasks) == 1
        view.clusters.append(Cluster(id=cid, lines=label, kind="opgaveomraade"))
        members = []
        for _, _, _, u, name, tasks, shown in rows:
            lines = wrap(name, 22, 2)
            lc = _lifecycle(g, u)
            if lc is not None and lc != ARK.IDrift:
                lines.append(f"({label_of(g, lc, lang).lower()})")
            if not named_by_cluster:
                for t in tasks[:2]:
                    lines += wrap(f"{notation(g, t)} {label_of(g, t, lang)}".strip(), 30, 2)
                if len(tasks) > 2:
                    lines.append(f"+{len(tasks) - 2} opgaver")
            elif len(tasks) > 1:
                lines.append("også " + ", ".join(notation(g, t) for t in tasks if t not in shown))
            nid = ids(u)
            placed[u] = nid
            view.nodes.append(Node(id=nid, lines=lines, kind=_LIFECYCLE_KIND.get(lc, "system"), cluster=cid,
                                   tooltip=_tooltip(label_of(g, u, lang), str(u))))
            members.append(nid)
        cells.append(members)

    # Shared infrastructure, registers and other municipalities' systems get grid cells of their own.
    view.clusters.insert(0, Cluster(id="faelles", lines=["Fælles infrastruktur og grunddata"], kind="faelles"))
    view.clusters.append(Cluster(id="andre", lines=["Uden for udsnittet"], kind="andre"))
    ends = _Endpoints(view, g, ids, lang, placed, cluster_of_kommune={}, shared_cluster="faelles",
                      other_cluster="andre")
    edges = _Edges()
    mine = set(placed)
    integrations = [i for i in _integrations(g)
                    if g.value(i, ARK.fra) in mine or g.value(i, ARK.til) in mine]
    _add_integration_edges(g, integrations, ends, edges, lang)
    view.edges += edges.edges()
    shared = [n.id for n in view.nodes if n.cluster == "faelles"]
    others = [n.id for n in view.nodes if n.cluster == "andre"]
    view.clusters = [c for c in view.clusters
                     if c.id not in ("faelles", "andre") or (shared if c.id == "faelles" else others)]
    # A table of boxes (pinned positions): compact, deterministic, the same on every run.
    titles = {c.id: (c.kind, c.lines) for c in view.clusters}
    order = (["faelles"] if shared else []) + [c.id for c in view.clusters if c.id.startswith("hg")] + \
        (["andre"] if others else [])
    grid = [(cid, titles[cid][0] + "_boks", titles[cid][1], [n.id for n in view.nodes if n.cluster == cid])
            for cid in order]
    view.clusters = []
    _pin_grid(view, grid, ids)
    if not usages:
        view.notes.append("Ingen systemer at vise for dette filter.")
    _legend(view, [("node", "system", "System i drift"),
                   ("node", "system_ny", "Planlagt eller under indfasning"),
                   ("node", "system_udfases", "Udfases"),
                   ("node", "register", "Grunddataregister"),
                   ("node", "infrastruktur", "Fælles infrastruktur"),
                   ("edge", "via", "Integration via fælles infrastruktur"),
                   ("edge", "p2p", "Punkt-til-punkt"),
                   ("edge", "p2p_register", "Grunddata punkt-til-punkt (FDA 2.1)")], ids)
    return view


# --------------------------------------------------------------------------- integrationer


def _member_clusters(view: View, g: Graph, sel: Selection, lang: str, members: list) -> dict:
    clusters = {}
    for k in members:
        cid = f"k{len(clusters) + 1}"
        view.clusters.append(Cluster(id=cid, lines=[label_of(g, k, lang)], kind="kommune", tooltip=str(k)))
        clusters[k] = cid
    return clusters


def _members_in_scope(ctx, sel: Selection) -> list:
    g = ctx.graph
    if sel.kommuner:
        return list(sel.kommuner)
    members = {k for ks in ctx.facts.members.values() for k in ks}
    if not members:
        members = set(kommuner(g))
    return sorted(members, key=lambda k: (label_of(g, k).casefold(), str(k)))


def _usage_in(g: Graph, term, sel: Selection, members: list) -> bool:
    return (_is(g, term, ARK.Systemanvendelse) and _kommune_of(g, term) in members
            and sel.task_ok(list(g.objects(term, ARK.understoetterOpgave))))


def integrationer(ctx, sel: Selection, lang: str = "da") -> View:
    """Every integration of the members: through Serviceplatformen/Beskedfordeler versus point to point."""
    g = ctx.graph
    members = _members_in_scope(ctx, sel)
    view = View(name="integrationer", title=TITLES["integrationer"],
                subtitle=_subtitle(g, sel, ctx.facts.as_of,
                                   ["Integrationer via fælles infrastruktur går gennem platformens knude"]),
                rankdir="LR", attrs={"nodesep": "0.2", "ranksep": "0.9"})
    ids = _Ids()
    clusters = _member_clusters(view, g, sel, lang, members)
    ends = _Endpoints(view, g, ids, lang, {}, cluster_of_kommune=clusters)
    chosen = [i for i in _integrations(g)
              if _usage_in(g, g.value(i, ARK.fra), sel, members) or _usage_in(g, g.value(i, ARK.til), sel, members)]
    edges = _Edges()
    _add_integration_edges(g, chosen, ends, edges, lang)
    view.edges += edges.edges("integrationer")
    if not chosen:
        view.notes.append("Ingen integrationer at vise for dette filter.")
    _legend(view, [("node", "system", "System (kommunens anvendelse)"),
                   ("node", "register", "Grunddataregister"),
                   ("node", "infrastruktur", "Serviceplatformen, Beskedfordeler m.fl."),
                   ("edge", "via", "Via fælles infrastruktur"),
                   ("edge", "p2p", "Punkt-til-punkt"),
                   ("edge", "p2p_register", "Grunddata punkt-til-punkt (FDA 2.1)")], ids)
    return view


# --------------------------------------------------------------------------- dataflow

_PD_KIND = {ARK.FoelsommePersonoplysninger: "foelsom", ARK.AlmindeligePersonoplysninger: "almindelig",
            ARK.IngenPersonoplysninger: "ingen"}
_PD_WORD = {"foelsom": "FØLSOMME", "almindelig": "almindelige", "ingen": "ingen", "ukendt": "ikke angivet"}


def dataflow(ctx, sel: Selection, lang: str = "da") -> View:
    """The logical data flows (ark:Dataflow); flows with sensitive personal data stand out."""
    g = ctx.graph
    members = _members_in_scope(ctx, sel)
    view = View(name="dataflow", title=TITLES["dataflow"],
                subtitle=_subtitle(g, sel, ctx.facts.as_of,
                                   ["Stregens tykkelse og mønster viser personoplysningernes kategori"]),
                rankdir="LR", attrs={"nodesep": "0.35", "ranksep": "1.4"})
    ids = _Ids()
    clusters = _member_clusters(view, g, sel, lang, members)
    ends = _Endpoints(view, g, ids, lang, {}, cluster_of_kommune=clusters)
    edges = _Edges()
    flows = sorted({f for f in g.subjects(RDF.type, ARK.Dataflow)}, key=str)
    shown = 0
    for f in flows:
        fra, til = g.value(f, ARK.fra), g.value(f, ARK.til)
        if fra is None or til is None:
            continue
        if not (_usage_in(g, fra, sel, members) or _usage_in(g, til, sel, members)):
            continue
        objects = sorted(g.objects(f, ARK.overfoerer), key=str)
        kinds = [_PD_KIND.get(g.value(o, ARK.personoplysninger), "ukendt") for o in objects] or ["ukendt"]
        kind = min(kinds, key=["foelsom", "almindelig", "ukendt", "ingen"].index)
        lines = []
        for o in objects[:2]:
            lines += wrap(label_of(g, o, lang), 26, 2)
        if kind == "foelsom":
            lines.insert(0, "▲ FØLSOMME OPLYSNINGER")
        if kind in ("foelsom", "almindelig") and g.value(f, ARK.retsgrundlag) is None:
            lines.append("uden retsgrundlag!")
        tip = _tooltip(label_of(g, f, lang), f"personoplysninger: {_PD_WORD[kind]}",
                       f"retsgrundlag: {g.value(f, ARK.retsgrundlag)}" if g.value(f, ARK.retsgrundlag) else "")
        edges.add(ends(fra), ends(til), kind, tip, lines)
        shown += 1
    view.edges += edges.edges("dataflows")
    if not shown:
        view.notes.append("Ingen dataflows (ark:Dataflow) at vise for dette filter.")
    _legend(view, [("edge", "foelsom", "Følsomme personoplysninger"),
                   ("edge", "almindelig", "Almindelige personoplysninger"),
                   ("edge", "ingen", "Ingen personoplysninger"),
                   ("edge", "ukendt", "Kategori ikke angivet"),
                   ("node", "system", "System (kommunens anvendelse)"),
                   ("node", "register", "Grunddataregister")], ids)
    return view


# --------------------------------------------------------------------------- harmonisering


def _rows(matrix: Matrix, sel: Selection, need_target: bool = True):
    for row in matrix.rows:
        if sel.opgaver and URIRef(row.opgave) not in sel.opgaver:
            continue
        if need_target and not row.has_target and not sel.alle:
            continue
        yield row


def _task_lines(row, width: int = 32) -> list[str]:
    head = f"{row.notation} " if row.notation else ""
    return wrap(head + row.label, width, 3)


def harmonisering(ctx, matrix: Matrix, sel: Selection, lang: str = "da") -> View:
    """Members side by side per task, each cell coloured and worded by its divergence status."""
    g = ctx.graph
    members = [URIRef(m) for m in _matrix_members(matrix, sel)]
    extra = ["Kun opgaver med en målløsning" if not sel.alle else "Alle opgaver, også uden målløsning"]
    view = View(name="harmonisering", title=TITLES["harmonisering"], subtitle=_subtitle(g, sel, matrix.as_of, extra),
                rankdir="TB", attrs={"nodesep": "0.12", "ranksep": "0.12"})
    ids = _Ids()
    header = [Node(id=ids("h:opgave"), lines=["Opgave (KLE)", "målsystem og frist"], kind="header")]
    header += [Node(id=ids(("h", str(k))), lines=wrap(label_of(g, k, lang), 24, 2), kind="header",
                    tooltip=str(k)) for k in members]
    view.nodes += header
    view.same_rank.append([n.id for n in header])
    for a, b in zip(header, header[1:]):
        view.edges.append(Edge(src=a.id, dst=b.id, kind="invis", helper=True))
    previous = [n.id for n in header]
    counts = defaultdict(int)
    dispensed = []
    for row in _rows(matrix, sel):
        lines = _task_lines(row)
        if row.maalsystem_label:
            lines += wrap(f"mål: {row.maalsystem_label}", 32, 2)
            lines.append(f"senest {_date(row.senest)}")
        else:
            lines.append("ingen målløsning")
        task = Node(id=ids(("t", row.opgave)), lines=lines, kind="opgave", align="l",
                    tooltip=_tooltip(row.label, row.opgave), href=safe_href(row.opgave))
        cells = [task]
        for k in members:
            c = row.cell(str(k))
            if c is None:
                continue
            counts[c.status] += 1
            systems = ", ".join(c.system_labels) or ("intet system registreret" if c.status == IKKE_REGISTRERET
                                                     else "intet system i drift")
            cl = [*wrap(systems, 24, 2), f"{STATUS_STYLE[c.status]['mark']} {c.status}"]
            disp = formatting.dispensation(c.dispensation_udloeber) if c.dispensation else ""
            if disp:
                dispensed.append(c)
                cl.append(f"{DISPENSATION_STYLE['mark']} {disp}")
            elif c.status == PLANLAGT and c.plan_labels:
                cl += wrap("plan: " + c.plan_labels[0], 26, 2)
            elif c.status in (DIVERGERENDE, IKKE_REGISTRERET):
                cl.append("ingen plan")
            if c.udloebsdato:
                cl.append(f"udløb {_date(c.udloebsdato)}")
            cells.append(Node(id=ids(("c", row.opgave, str(k))), lines=cl, kind=cell_kind(c),
                              tooltip=_tooltip(c.label, row.label, c.status, systems, c.dispensation_label)))
        view.nodes += cells
        view.same_rank.append([n.id for n in cells])
        for a, b in zip(cells, cells[1:]):
            view.edges.append(Edge(src=a.id, dst=b.id, kind="invis", helper=True))
        for p, n in zip(previous, cells):
            view.edges.append(Edge(src=p, dst=n.id, kind="invis", helper=True, weight=20))
        previous = [n.id for n in cells]
    summary = _status_summary(counts, dispensed, (KONVERGERET, PLANLAGT, DIVERGERENDE, IKKE_REGISTRERET,
                                                  IKKE_OMFATTET))
    if summary:
        view.subtitle.append(summary)
    _status_legend(view, ids, previous, _dispensation_items(dispensed))
    return view


def _status_legend(view: View, ids: _Ids, previous: list[str], dispensations: list[str]) -> None:
    """The statuses as a row of sample cells under the grid; a dispensed cell's style once per expiry."""
    items = [(STATUS_KIND[s], f"{STATUS_STYLE[s]['mark']} {s}")
             for s in (KONVERGERET, PLANLAGT, DIVERGERENDE, IKKE_REGISTRERET, IKKE_OMFATTET)]
    items += [(DISPENSERET, f"{DISPENSATION_STYLE['mark']} {text}: godkendt afvigelse") for text in dispensations]
    row = [Node(id=ids("legend:head"), lines=["Signaturforklaring"], kind="legend_text", legend=True)]
    row += [Node(id=ids(("legend", kind, text)), lines=wrap(text, 24, 3), kind=kind, legend=True)
            for kind, text in items]
    view.nodes += row
    view.same_rank.append([n.id for n in row])
    for a, b in zip(row, row[1:]):
        view.edges.append(Edge(src=a.id, dst=b.id, kind="invis", helper=True, legend=True))
    if previous:
        view.edges.append(Edge(src=previous[0], dst=row[0].id, kind="invis", helper=True, legend=True, weight=20))


def _matrix_members(matrix: Matrix, sel: Selection) -> list[str]:
    seen: list[str] = []
    for row in matrix.rows:
        for c in row.members:
            if c.kommune not in seen and sel.kommune_ok(URIRef(c.kommune)):
                seen.append(c.kommune)
    return seen


# --------------------------------------------------------------------------- maal


def maal(ctx, matrix: Matrix, sel: Selection, lang: str = "da") -> View:
    """Target versus today: each member's systems for a target task, an arrow to the target system."""
    g = ctx.graph
    members = [URIRef(m) for m in _matrix_members(matrix, sel)]
    view = View(name="maal", title=TITLES["maal"], subtitle=_subtitle(g, sel, matrix.as_of),
                rankdir="LR", attrs={"nodesep": "0.18", "ranksep": "1.1"})
    ids = _Ids()
    # Members alternate left and right of the target column, so arrows from both sides stay short.
    clusters = {}
    for i, k in enumerate(members):
        cid = f"k{i + 1}"
        view.clusters.append(Cluster(id=cid, lines=[f"I dag: {label_of(g, k, lang)}"], kind="kommune", tooltip=str(k)))
        clusters[k] = cid
    view.clusters.append(Cluster(id="maal", lines=["Målarkitektur"], kind="maal"))
    targets: dict = {}
    edges = _Edges()
    counts = defaultdict(int)
    dispensed = []
    unregistered: dict = defaultdict(list)
    rows = list(_rows(matrix, sel))
    for row in rows:
        if not row.maalsystem:
            continue
        tid = targets.get(row.maalsystem)
        if tid is None:
            tid = ids(("maal", row.maalsystem))
            targets[row.maalsystem] = tid
            view.nodes.append(Node(id=tid, lines=wrap(row.maalsystem_label or "", 24, 2), kind="maalsystem",
                                   cluster="maal", tooltip=row.maalsystem))
        node = view.node(tid)
        node.lines += [*wrap(f"{row.notation or ''} {row.label}".strip(), 30, 2), f"senest {_date(row.senest)}"]
    # Only members with an arrow take a side, so an unregistered member does not leave one side empty.
    drawn = [k for k in members if any((c := r.cell(str(k))) is not None and c.status not in
                                       (IKKE_OMFATTET, IKKE_REGISTRERET) for r in rows if r.maalsystem)]
    for row in rows:
        if not row.maalsystem:
            continue
        tid = targets[row.maalsystem]
        for k in members:
            side = drawn.index(k) if k in drawn else 0
            c = row.cell(str(k))
            if c is None or c.status == IKKE_OMFATTET:
                continue
            counts[c.status] += 1
            if c.status == IKKE_REGISTRERET:
                # One grey note per member, not an arrow per task: unknown is a gap, not a route.
                unregistered[k].append(task_title(row))
                continue
            if c.dispensation:
                dispensed.append(c)
            systems = c.systemer or [""]
            for s, slabel in zip(systems, c.system_labels or ["intet system i drift"]):
                key = (str(k), s)
                nid = ids(("nu",) + key)
                if view.node(nid) is None:
                    view.nodes.append(Node(id=nid, lines=wrap(slabel, 24, 2), kind="system" if s else "kontekst",
                                           cluster=clusters[k], tooltip=_tooltip(label_of(g, k, lang), slabel)))
                lines = []
                if c.dispensation:
                    lines = [formatting.dispensation(c.dispensation_udloeber)]
                elif c.status == PLANLAGT:
                    lines = wrap(c.plan_labels[0] if c.plan_labels else "plan", 26, 2)
                elif c.status == DIVERGERENDE:
                    lines = ["ingen plan"]
                tip = _tooltip(label_of(g, k, lang), row.label, c.status, c.dispensation_label)
                if side % 2 == 0:
                    edges.add(nid, tid, cell_kind(c), tip, lines)
                else:
                    edges.add(tid, nid, cell_kind(c), tip, lines, back=True)
    view.edges += edges.edges("opgaver")
    for k, tasks in unregistered.items():
        n = len(tasks)
        view.nodes.append(Node(id=ids(("nu", str(k), "?")), kind="ikke_registreret", cluster=clusters[k],
                               lines=[f"{STATUS_STYLE[IKKE_REGISTRERET]['mark']} {IKKE_REGISTRERET}",
                                      f"{n} {'opgave' if n == 1 else 'opgaver'} uden system"],
                               tooltip=_tooltip(label_of(g, k, lang), ", ".join(tasks))))
    summary = _status_summary(counts, dispensed, (KONVERGERET, PLANLAGT, DIVERGERENDE, IKKE_REGISTRERET))
    if summary:
        view.subtitle.append(summary)
    if not targets:
        view.notes.append("Ingen målløsninger at vise for dette filter.")
    _legend(view, [("node", "maalsystem", "Målsystem (målløsning)"),
                   ("node", "system", "System i drift i dag"),
                   ("edge", "konvergeret", "✓ konvergeret: bruger allerede målsystemet"),
                   ("edge", "planlagt", "→ planlagt: udbud eller projekt"),
                   ("edge", "divergerende", "✗ divergerende: ingen plan"),
                   ("node", "ikke_registreret", "? ikke registreret: intet system registreret for opgaven"),
                   *[("edge", DISPENSERET, f"{DISPENSATION_STYLE['mark']} {text}: afvigelsen er godkendt")
                     for text in _dispensation_items(dispensed)]], ids)
    return view


# --------------------------------------------------------------------------- roadmap

# Geometry of the timeline in points (Graphviz neato -n2: positions as given).
_LABEL_W = 330.0
_YEAR_W = 190.0
_LANE_H = 15.0
_ROW_PAD = 8.0
_TOP = 0.0


def _abbrev(names: list[str]) -> dict[str, str]:
    """Shortest unique prefix of at least three letters for each member name ("Sil", "Vib")."""
    out = {}
    bare = {n: re.sub(r"\s+kommune$", "", n, flags=re.I) for n in names}
    for n in names:
        size = 3
        while size < len(bare[n]) and any(o != n and bare[o][:size].casefold() == bare[n][:size].casefold()
                                          for o in names):
            size += 1
        out[n] = bare[n][:size]
    return out


def roadmap(ctx, plan: Roadmap, sel: Selection, lang: str = "da") -> View:
    """A timeline per task: contract ends, notice dates, planned procurements and joint windows."""
    g = ctx.graph
    as_of = plan.as_of
    tasks = [t for t in plan.tasks if not sel.opgaver or URIRef(t.opgave) in sel.opgaver]
    members: list[str] = []
    labels: dict[str, str] = {}
    for t in tasks:
        for m in t.members:
            if sel.kommune_ok(URIRef(m.kommune)) and m.kommune not in members:
                members.append(m.kommune)
                labels[m.kommune] = m.label
    abbr = _abbrev([labels[k] for k in members])
    short_of = {k: abbr[labels[k]] for k in members}

    def events(t):
        ms = [m for m in t.members if m.kommune in members]
        dates = [d for m in ms for d in (m.udloebsdato, m.opsigelsesdato) if d]
        dates += [p.planlagt_dato for p in t.udbud if p.planlagt_dato]
        dates += [d for w in t.windows if set(w.kommuner) & set(members) for d in (w.fra, w.til)]
        return ms, dates

    rows = []
    for t in tasks:
        ms, dates = events(t)
        if not dates:
            continue
        if not sel.alle and not (t.maalsystem or t.windows or t.udbud or t.flags) and not sel.opgaver:
            continue
        rows.append((t, ms, dates))
    all_dates = [d for _, _, ds in rows for d in ds]
    # Clamped to the calendar Python can count: 9999-12-31 ("forever") and 0001-01-01 are real
    # dates in models and as --as-of (issue 13).
    start_year = min([as_of.year] + [d.year for d in all_dates if d >= dt.date(max(as_of.year - 1, dt.MINYEAR), 1, 1)])
    end_year = max([as_of.year + 1] + [d.year for d in all_dates])
    end_year = min(end_year, start_year + 9, dt.MAXYEAR)
    start, end = dt.date(start_year, 1, 1), dt.date(end_year, 12, 31)
    span = (end - start).days

    def x(day: dt.date) -> float:
        day = min(max(day, start), end)
        return _LABEL_W + (day - start).days / span * _YEAR_W * (end_year - start_year + 1)

    width = x(end)
    view = View(name="roadmap", title=TITLES["roadmap"],
                subtitle=_subtitle(g, sel, as_of, [
                    f"Fælles vinduer: kontraktudløb højst {plan.window_months} måneder fra hinanden · "
                    + "  ".join(f"{short_of[k]} = {labels[k]}" for k in members)]),
                layout="pinned")
    ids = _Ids()
    lanes = max(1, len(members))
    row_h = lanes * _LANE_H + _ROW_PAD * 2
    top = _TOP
    # Year axis labels and grid lines.
    header_y = top
    body_top = header_y - 18
    y = body_top
    row_ys = []
    for _ in rows:
        row_ys.append(y - row_h / 2)
        y -= row_h
    body_bottom = y
    for year in range(start_year, min(end_year + 2, dt.MAXYEAR + 1)):
        day = dt.date(year, 1, 1)
        if (day - end).days > 1:
            break
        xx = x(min(day, end))
        a = Node(id=ids(("grid", year, "a")), lines=[""], kind="helper_point", pos=(xx, body_top), helper=True)
        b = Node(id=ids(("grid", year, "b")), lines=[""], kind="helper_point", pos=(xx, body_bottom), helper=True)
        view.nodes += [a, b]
        view.edges.append(Edge(src=a.id, dst=b.id, kind="grid", helper=True))
        if year <= end_year:
            view.nodes.append(Node(id=ids(("year", year)), lines=[str(year)], kind="axis",
                                   pos=(x(dt.date(year, 7, 1)), header_y), size=(_YEAR_W, 16), helper=True))
    # Row bands (alternate shading) and task labels.
    for i, ((t, ms, _), cy) in enumerate(zip(rows, row_ys)):
        if i % 2 == 0:
            view.nodes.append(Node(id=ids(("band", t.opgave)), lines=[""], kind="band",
                                   pos=((width + 0) / 2, cy), size=(width, row_h), helper=True))
        title = f"{t.notation} {t.label}" if t.notation else t.label
        if t.maalsystem_label and row_h >= 40:
            lines = [short(title, 48), short(f"mål: {t.maalsystem_label}, senest {_date(t.senest)}", 48)]
        else:
            lines = wrap(title, 46, 2 if row_h >= 40 else 1)
        view.nodes.append(Node(id=ids(("task", t.opgave)), lines=lines, kind="roadmap_task", align="l",
                               pos=(_LABEL_W / 2 + 2, cy), size=(_LABEL_W - 8, row_h - 2),
                               tooltip=_tooltip(t.label, t.opgave), href=safe_href(t.opgave)))
    # Windows (behind), then procurements, notice dates and contract ends.
    markers = 0
    for (t, ms, _), cy in zip(rows, row_ys):
        for w in t.windows:
            if not set(w.kommuner) & set(members):
                continue
            x1, x2 = x(w.fra), x(w.til)
            wid = max(x2 - x1, 10.0)
            kind = "window" if w.udbud else "window_open"
            tip = _tooltip(f"Fælles udbudsvindue {w.fra} – {w.til}", ", ".join(w.kommune_labels),
                           ("dækket af " + ", ".join(w.udbud_labels)) if w.udbud else "intet udbud planlagt")
            view.nodes.append(Node(id=ids(("win", t.opgave, w.fra)), lines=[""], kind=kind,
                                   pos=((x1 + x2) / 2, cy), size=(wid + 14, row_h - 4), tooltip=tip))
            markers += 1
        if t.senest is not None and start <= t.senest <= end:
            view.nodes.append(Node(id=ids(("senest", t.opgave)), lines=[""], kind="senest",
                                   pos=(x(t.senest), cy + row_h / 2 - 5), size=(10, 8),
                                   tooltip=f"Målløsningens frist: {t.senest}"))
        for p in t.udbud:
            if p.planlagt_dato is None:
                continue
            view.nodes.append(Node(id=ids(("udbud", t.opgave, p.udbud)), lines=["U"], kind="udbud",
                                   pos=(x(p.planlagt_dato), cy), size=(20, 20),
                                   tooltip=_tooltip(p.label, f"planlagt {p.planlagt_dato}",
                                                    ", ".join(p.deltager_labels))))
            markers += 1
        flagged = {(f.kommune, f.type) for f in t.flags}
        for m in sorted(ms, key=lambda m: members.index(m.kommune)):
            ly = cy + (lanes - 1) * _LANE_H / 2 - members.index(m.kommune) * _LANE_H
            if m.udloebsdato is None:
                continue
            soon = (m.kommune, OPSIGELSE_SNART) in flagged or (m.kommune, OPSIGELSE_PASSERET) in flagged
            ex = x(m.udloebsdato)
            end_id = ids(("end", t.opgave, m.kommune))
            view.nodes.append(Node(id=end_id, lines=[short_of[m.kommune]], kind="kontraktudloeb",
                                   pos=(ex, ly), size=(30, 13),
                                   tooltip=_tooltip(f"{m.label}: kontraktudløb {m.udloebsdato}",
                                                    ", ".join(m.system_labels))))
            markers += 1
            if m.opsigelsesdato and m.opsigelsesdato != m.udloebsdato:
                nx = x(m.opsigelsesdato)
                nid = ids(("notice", t.opgave, m.kommune))
                view.nodes.append(Node(id=nid, lines=[""], kind="opsigelse_snart" if soon else "opsigelse",
                                       pos=(nx, ly), size=(9, 9),
                                       tooltip=f"{m.label}: opsigelsesdato {m.opsigelsesdato}"))
                view.edges.append(Edge(src=nid, dst=end_id, kind="varsel"))
                markers += 1
            elif soon:
                view.nodes.append(Node(id=ids(("notice", t.opgave, m.kommune)), lines=[""], kind="opsigelse_snart",
                                       pos=(ex - 19, ly), size=(9, 9),
                                       tooltip=f"{m.label}: opsigelsesdato {m.opsigelsesdato}"))
    # The as-of line.
    if start <= as_of <= end:
        a = Node(id=ids("asof:a"), lines=[f"i dag {as_of.isoformat()}"], kind="asof_label",
                 pos=(x(as_of), header_y + 16), size=(110, 14), helper=True)
        b = Node(id=ids("asof:b"), lines=[""], kind="helper_point", pos=(x(as_of), body_bottom), helper=True)
        c = Node(id=ids("asof:c"), lines=[""], kind="helper_point", pos=(x(as_of), body_top), helper=True)
        view.nodes += [a, b, c]
        view.edges.append(Edge(src=c.id, dst=b.id, kind="asof", helper=True))
    _roadmap_legend(view, ids, body_bottom - 30)
    view.size_override = (len(rows), markers)
    if not rows:
        view.notes.append("Ingen kontrakter, udbud eller vinduer at vise for dette filter.")
    return view


def _roadmap_legend(view: View, ids: _Ids, y: float) -> None:
    items = [("kontraktudloeb", "Sil", (30, 13), "Kontraktudløb (kommunens forkortelse)"),
             ("opsigelse", "", (9, 9), "Opsigelsesdato (linjen: opsigelse → udløb)"),
             ("opsigelse_snart", "", (9, 9), "Opsigelsesdato inden for et år"),
             ("udbud", "U", (20, 20), "Planlagt udbud"),
             ("window", "", (44, 14), "Fælles vindue, dækket af et udbud"),
             ("window_open", "", (44, 14), "Fælles vindue uden udbud"),
             ("senest", "", (10, 8), "Målløsningens frist")]
    view.nodes.append(Node(id=ids("legend:title"), lines=["Signaturforklaring"], kind="legend_title",
                           pos=(_LABEL_W / 2 + 2, y), size=(_LABEL_W - 8, 16), align="l", legend=True))
    col_w = 330.0
    for i, (kind, text, size, desc) in enumerate(items):
        col, row = i % 3, i // 3
        cx = _LABEL_W + 30 + col * col_w
        cy = y - row * 24
        view.nodes.append(Node(id=ids(("legend", kind)), lines=[text], kind=kind, pos=(cx, cy), size=size,
                               legend=True))
        view.nodes.append(Node(id=ids(("legend", kind, "t")), lines=[desc], kind="legend_text", align="l",
                               pos=(cx + 30 + 140, cy), size=(280, 16), legend=True))


# --------------------------------------------------------------------------- entry point


def build(name: str, ctx, sel: Selection, *, matrix: Matrix | None = None, plan: Roadmap | None = None,
          lang: str = "da") -> View:
    """The view ``name`` for the prepared context; ``matrix``/``plan`` are built when not given."""
    if name not in VIEWS:
        raise UsageError(
            f"ukendt visning '{name}'. Mulige: {', '.join(VIEWS)}.",
            f"unknown view '{name}'. Choose from: {', '.join(VIEWS)}.",
            code="ARK-E106",
        )
    if name == "landskab":
        return landskab(ctx, sel, lang)
    if name == "integrationer":
        return integrationer(ctx, sel, lang)
    if name == "dataflow":
        return dataflow(ctx, sel, lang)
    if name in ("harmonisering", "maal"):
        if matrix is None:
            from .divergence import build_matrix
            matrix = build_matrix(ctx, lang)
        return harmonisering(ctx, matrix, sel, lang) if name == "harmonisering" else maal(ctx, matrix, sel, lang)
    if plan is None:
        from .roadmap import build_roadmap
        plan = build_roadmap(ctx, lang=lang)
    return roadmap(ctx, plan, sel, lang)

