"""Graphviz-tegning / turns a ``views.View`` into DOT (the only module that imports graphviz) and runs the layout.

The DOT source is built with the ``graphviz`` package; every label, tooltip and cluster title is user
text, escaped by ``escape.dot_lines`` and marked ``nohtml`` so Graphviz never reads it as an
HTML-like label (no view uses HTML-like labels at all). Layered views run ``dot``; pinned views
(``landskab``, ``roadmap``: positions and edge routes computed in ``views``) run ``neato -n2``. The
program runs in a subprocess with a time limit; when ``dot`` does not finish, ``sfdp`` gets one
try, else the user gets a message naming the filters.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field

import graphviz

from .errors import ArkitekturError
from .escape import dot_lines, safe_href
from .views import DISPENSATION_STYLE, DISPENSERET, STATUS_KIND, STATUS_STYLE, View

FORMATS = ("svg", "png", "pdf", "dot")
DEFAULT_TIMEOUT = 30.0
FONT = "DejaVu Sans"
FONT_BOLD = "DejaVu Sans Bold"
INSTALL_HINT_DA = ("Graphviz er ikke installeret (programmet '{exe}' mangler): installér det med "
                   "'apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' (macOS) eller "
                   "'bash scripts/opsaet.sh' — eller brug --format dot.")
INSTALL_HINT_EN = ("Graphviz is not installed (the program '{exe}' is missing): install it with "
                   "'apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' (macOS) or "
                   "'bash scripts/opsaet.sh' — or use --format dot.")


class GraphvizMissing(ArkitekturError):
    """The Graphviz programs are not on PATH."""

    def __init__(self, exe: str) -> None:
        super().__init__(INSTALL_HINT_DA.format(exe=exe), INSTALL_HINT_EN.format(exe=exe), code="ARK-E101")


class LayoutTimeout(ArkitekturError):
    """Graphviz did not finish within the time limit, not even with the fallback engine."""


class GraphvizError(ArkitekturError):
    """A Graphviz program failed."""


# --------------------------------------------------------------------------- styles


def _status(s: dict) -> dict:
    """A matrix cell's box in its status's colours and line (views.diagram), bold text for a bold line."""
    style = {"solid": "filled", "dashed": "filled,dashed", "bold": "filled,bold", "dotted": "filled,dotted",
             "double": "filled", "diagonals": "filled,diagonals"}[s["line"]]
    attrs = {"shape": "box", "style": style, "fillcolor": s["fill"], "fontcolor": s["font"], "color": s["border"],
             "penwidth": "2.5" if s["line"] == "bold" else "1.4", "width": "2.2", "margin": "0.1,0.06"}
    if s["line"] == "double":
        attrs["peripheries"] = "2"
    if s["line"] == "bold":
        attrs["fontname"] = FONT_BOLD
    return attrs


NODE_STYLE = {
    "system": {"shape": "box", "style": "rounded,filled", "fillcolor": "#ffffff", "color": "#333333"},
    "system_ny": {"shape": "box", "style": "rounded,filled,dashed", "fillcolor": "#eef4fb", "color": "#1f3a5f",
                  "penwidth": "1.6"},
    "system_udfases": {"shape": "box", "style": "rounded,filled,dotted", "fillcolor": "#d9d9d9", "color": "#333333",
                       "penwidth": "1.6"},
    "kontekst": {"shape": "box", "style": "rounded,dotted", "color": "#666666", "fontcolor": "#444444"},
    "register": {"shape": "cylinder", "style": "filled", "fillcolor": "#c6dbef", "color": "#08306b"},
    "infrastruktur": {"shape": "box3d", "style": "filled", "fillcolor": "#1f3a5f", "fontcolor": "#ffffff",
                      "color": "#0b1a2e", "fontname": FONT_BOLD},
    "header": {"shape": "plaintext", "fontname": FONT_BOLD, "fontsize": "13"},
    "opgave": {"shape": "box", "style": "filled", "fillcolor": "#f2f2f2", "color": "#bdbdbd", "width": "2.9"},
    **{kind: _status(STATUS_STYLE[s]) for s, kind in STATUS_KIND.items()},
    DISPENSERET: _status(DISPENSATION_STYLE),
    "maalsystem": {"shape": "box", "style": "rounded,filled,bold", "fillcolor": "#fff2cc", "color": "#5c4400",
                   "peripheries": "2"},
    "opgaveomraade_boks": {"shape": "box", "style": "rounded", "color": "#8c8c8c", "labelloc": "t",
                           "fontname": FONT_BOLD, "fontsize": "12", "penwidth": "1.2"},
    "faelles_boks": {"shape": "box", "style": "rounded,bold", "color": "#1f3a5f", "labelloc": "t",
                     "fontname": FONT_BOLD, "fontsize": "12", "fontcolor": "#1f3a5f"},
    "andre_boks": {"shape": "box", "style": "rounded,dotted", "color": "#666666", "labelloc": "t",
                   "fontname": FONT_BOLD, "fontsize": "12"},
    "legend_point": {"shape": "point", "width": "0.02", "style": "invis"},
    "legend_text": {"shape": "plaintext", "fontsize": "11"},
    "legend_title": {"shape": "plaintext", "fontsize": "12", "fontname": FONT_BOLD},
    "helper_point": {"shape": "point", "width": "0.01", "style": "invis"},
    "axis": {"shape": "plaintext", "fontsize": "14", "fontname": FONT_BOLD},
    "band": {"shape": "box", "style": "filled", "fillcolor": "#f3f3f3", "color": "#f3f3f3"},
    "roadmap_task": {"shape": "plaintext", "fontsize": "11"},
    "window": {"shape": "box", "style": "rounded,filled", "fillcolor": "#9ecae1", "color": "#08519c",
               "penwidth": "1.2"},
    "window_open": {"shape": "box", "style": "rounded,filled,dashed", "fillcolor": "#fff3b0", "color": "#7f3b08",
                    "penwidth": "1.8"},
    "udbud": {"shape": "diamond", "style": "filled", "fillcolor": "#4d4d4d", "fontcolor": "#ffffff",
              "fontsize": "9", "fontname": FONT_BOLD, "color": "#000000"},
    "kontraktudloeb": {"shape": "box", "style": "filled", "fillcolor": "#252525", "fontcolor": "#ffffff",
                       "fontsize": "11", "fontname": FONT_BOLD, "color": "#000000", "margin": "0"},
    # Roadmap grid and as-of lines are background nodes, drawn under the tags (issue 15).
    "grid_line": {"shape": "box", "style": "filled", "fillcolor": "#d0d0d0", "color": "#d0d0d0", "penwidth": "0"},
    "asof_line": {"shape": "box", "style": "filled", "fillcolor": "#b2182b", "color": "#b2182b", "penwidth": "0"},
    "lane_label": {"shape": "plaintext", "fontsize": "10", "fontcolor": "#555555"},
    "opsigelse": {"shape": "circle", "style": "filled", "fillcolor": "#ffffff", "color": "#000000", "penwidth": "1.4"},
    "opsigelse_snart": {"shape": "circle", "style": "filled", "fillcolor": "#b2182b", "color": "#000000",
                        "penwidth": "2"},
    "senest": {"shape": "invtriangle", "style": "filled", "fillcolor": "#000000", "color": "#000000"},
    "asof_label": {"shape": "plaintext", "fontsize": "10", "fontcolor": "#b2182b", "fontname": FONT_BOLD},
    # landskab: an integration's number on its line, and the table of numbers beside the drawing.
    "nummer": {"shape": "box", "style": "rounded,filled", "fillcolor": "#ffffff", "color": "#1f3a5f",
               "fontname": FONT_BOLD, "fontcolor": "#1f3a5f", "margin": "0.02,0.01", "penwidth": "1.2"},
    "tabel": {"shape": "plaintext", "margin": "0.07,0.05"},
    "tabel_hoved": {"shape": "plaintext", "fontname": FONT_BOLD, "margin": "0.07,0.05"},
}

EDGE_STYLE = {
    "via": {"color": "#1f3a5f", "penwidth": "1.8"},
    "p2p": {"color": "#555555", "style": "dashed", "penwidth": "1.4"},
    "p2p_register": {"color": "#b2182b", "style": "dashed", "penwidth": "2.8", "fontcolor": "#b2182b"},
    "foelsom": {"color": "#b2182b", "penwidth": "4.5", "fontcolor": "#8b0000", "fontname": FONT_BOLD},
    "almindelig": {"color": "#333333", "penwidth": "1.6"},
    "ingen": {"color": "#8c8c8c", "style": "dotted", "penwidth": "1.4", "fontcolor": "#555555"},
    "ukendt": {"color": "#555555", "style": "dashed", "penwidth": "1.2"},
    "konvergeret": {"color": "#1b7837", "penwidth": "1.2"},
    "planlagt": {"color": "#b35806", "style": "dashed", "penwidth": "2.2", "fontcolor": "#7f3b08"},
    "divergerende": {"color": "#b2182b", "style": "bold", "penwidth": "3.2", "fontcolor": "#b2182b",
                     "fontname": FONT_BOLD},
    # Not red: a decided deviation is violet with a double line (issue 14).
    "dispenseret": {"color": "#762a83:#ffffff:#762a83", "penwidth": "1.6", "fontcolor": "#40004b",
                    "fontname": FONT_BOLD},
    "invis": {"style": "invis"},
    "varsel": {"color": "#444444", "penwidth": "1.4", "arrowhead": "none"},
}

CLUSTER_STYLE = {
    "kommune": {"style": "rounded,bold", "color": "#333333", "fontsize": "16", "fontname": FONT_BOLD,
                "labeljust": "l", "margin": "12"},
    "legend": {"style": "rounded,dashed", "color": "#9e9e9e", "fontsize": "12", "fontname": FONT_BOLD,
               "labeljust": "l", "margin": "8"},
}


# --------------------------------------------------------------------------- DOT


def _text(lines: list[str], align: str = "c") -> str:
    return graphviz.nohtml(dot_lines(lines, align))


def _attrs(raw: dict) -> dict:
    # Every value goes through nohtml: our own values never need HTML-like labels either.
    return {k: graphviz.nohtml(str(v)) for k, v in raw.items() if v is not None}


def _inch(points: float) -> str:
    return f"{points / 72:.3f}"


def to_dot(view: View) -> str:
    """The DOT source of ``view``: deterministic for the same view."""
    pinned = view.layout == "pinned"
    title = [view.title, *view.subtitle, *view.notes]
    graph_attr = {"label": _text(title, "l"), "labelloc": "t", "labeljust": "l", "fontname": FONT_BOLD,
                  "fontsize": "18", "bgcolor": "#ffffff", "pad": "0.3", "charset": "UTF-8"}
    if pinned:
        graph_attr.update({"splines": "line", "overlap": "true", "outputorder": "nodesfirst"})
    else:
        graph_attr.update({"rankdir": view.rankdir, "newrank": "true", "compound": "true",
                           "splines": "spline", "outputorder": "edgesfirst"})
    graph_attr.update(view.attrs)
    node_attr = {"fontname": FONT, "fontsize": "11", "margin": "0.12,0.05"}
    edge_attr = {"fontname": FONT, "fontsize": "9", "arrowsize": "0.7"}
    dot = graphviz.Digraph(name=view.name, graph_attr=_attrs(graph_attr), node_attr=_attrs(node_attr),
                           edge_attr=_attrs(edge_attr))
    if pinned:
        # Backgrounds first (row bands, area boxes, windows): later nodes are drawn on top.
        order = {"band": 0, "opgaveomraade_boks": 0, "faelles_boks": 0, "andre_boks": 0, "grid_line": 0.5,
                 "asof_line": 0.5, "window": 1, "window_open": 1}
        nodes = sorted(view.nodes, key=lambda n: order.get(n.kind, 2))
    else:
        nodes = view.nodes
    known = {c.id for c in view.clusters}
    in_cluster: dict = {}
    for n in nodes:
        in_cluster.setdefault(n.cluster if n.cluster in known else None, []).append(n)
    for n in in_cluster.get(None, []):
        dot.node(n.id, **_node_attrs(n, pinned))
    for cluster in view.clusters:
        with dot.subgraph(name=f"cluster_{cluster.id}") as sub:
            attrs = dict(CLUSTER_STYLE.get(cluster.kind, {}))
            attrs["label"] = _text(cluster.lines)
            if cluster.tooltip:
                attrs["tooltip"] = _text([cluster.tooltip])
            sub.attr(**_attrs(attrs))
            for n in in_cluster.get(cluster.id, []):
                sub.node(n.id, **_node_attrs(n, pinned))
    for group in view.same_rank:
        with dot.subgraph() as sub:
            sub.attr(rank="same")
            for nid in group:
                sub.node(nid)
    for e in view.edges:
        dot.edge(e.src, e.dst, **_edge_attrs(e))
    return dot.source


def _node_attrs(n, pinned: bool) -> dict:
    attrs = dict(NODE_STYLE.get(n.kind, NODE_STYLE["system"]))
    attrs["label"] = _text(n.lines, n.align)
    if n.tooltip:
        attrs["tooltip"] = _text([n.tooltip])
    href = safe_href(n.href)
    if href:
        attrs["URL"] = href.replace("\\", "\\\\")
        attrs["target"] = "_blank"
    if n.size is not None:
        attrs.update({"width": _inch(n.size[0]), "height": _inch(n.size[1]), "fixedsize": "true"})
    if pinned and n.pos is not None:
        attrs["pos"] = f"{n.pos[0]:.1f},{n.pos[1]:.1f}!"
    if n.align == "l" and n.kind not in ("legend_text",):
        attrs.setdefault("labeljust", "l")
    return _attrs(attrs)


def _edge_attrs(e) -> dict:
    attrs = dict(EDGE_STYLE.get(e.kind, {}))
    if e.lines:
        attrs["label"] = _text(e.lines)
    if e.tooltip:
        attrs["tooltip"] = _text([e.tooltip])
        attrs["labeltooltip"] = attrs["tooltip"]
    if e.count > 1 and e.kind not in ("invis",):
        attrs["penwidth"] = f"{min(float(attrs.get('penwidth', 1.2)) + 0.6 * (e.count - 1), 6):.1f}"
    if e.weight is not None:
        attrs["weight"] = str(e.weight)
    if e.route:
        attrs["pos"] = _spline(e.route, e.tip)
        if e.label_at and e.lines:
            attrs["lp"] = f"{e.label_at[0]:.1f},{e.label_at[1]:.1f}"
    return _attrs(attrs)


def _spline(points: list[tuple[float, float]], tip) -> str:
    """A polyline as Graphviz's edge ``pos``: straight cubic pieces, with the arrowhead's tip."""
    seq = [points[0]]
    for p in points[1:]:
        seq += [seq[-1], p, p]
    body = " ".join(f"{x:.1f},{y:.1f}" for x, y in seq)
    if tip is None:
        return body
    return f"e,{tip[0]:.1f},{tip[1]:.1f} {body}"


# --------------------------------------------------------------------------- layout


@dataclass
class Rendered:
    """The output of one rendering."""

    data: bytes
    fmt: str
    engine: str | None
    seconds: float
    notes: list[str] = field(default_factory=list)


def engine_for(view: View) -> str:
    return "neato" if view.layout == "pinned" else "dot"


def graphviz_version() -> str | None:
    """The installed Graphviz version ("2.43.0"), or ``None`` when ``dot`` is missing."""
    exe = shutil.which("dot")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "-V"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(rb"version\s+(\S+)", out.stderr + out.stdout)
    return m.group(1).decode() if m else None


def _run(engine: str, args: list[str], source: str, timeout: float) -> bytes:
    exe = shutil.which(engine)
    if exe is None:
        raise GraphvizMissing(engine)
    # On Ctrl-C (KeyboardInterrupt) subprocess.run kills the layout before re-raising: report and
    # render exit 130 at once, never waiting for Graphviz (tests/test_hostile_writing.py).
    proc = subprocess.run([exe, *args], input=source.encode("utf-8"), capture_output=True, timeout=timeout)
    if proc.returncode != 0:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        first = reason[0] if reason else f"exit {proc.returncode}"
        raise GraphvizError(f"Graphviz ({engine}) fejlede: {first}", f"Graphviz ({engine}) failed: {first}",
                           code="ARK-E107")
    return proc.stdout


def _format_args(fmt: str) -> list[str]:
    args = [f"-T{fmt}"]
    if fmt == "png":
        args.append("-Gdpi=110")
    return args


def render(view: View, fmt: str = "svg", timeout: float = DEFAULT_TIMEOUT) -> Rendered:
    """Lay out and draw ``view`` in ``fmt`` (``dot`` needs no Graphviz programs)."""
    source = to_dot(view)
    if fmt == "dot":
        return Rendered(data=source.encode("utf-8"), fmt="dot", engine=None, seconds=0.0)
    if fmt not in FORMATS:
        raise ArkitekturError(f"ukendt format '{fmt}'. Mulige: {', '.join(FORMATS)}.",
                              f"unknown format '{fmt}'. Choose from: {', '.join(FORMATS)}.", code="ARK-E106")
    engine = engine_for(view)
    extra = ["-n2"] if engine == "neato" else []
    notes: list[str] = []
    started = time.monotonic()
    try:
        data = _run(engine, [*extra, *_format_args(fmt)], source, timeout)
        used = engine
    except subprocess.TimeoutExpired:
        if engine == "neato":  # pinned positions: nothing a force layout could do better
            raise _timeout(view, timeout) from None
        try:
            data = _run("sfdp", ["-Goverlap=prism", "-Gsplines=true", *_format_args(fmt)], source, timeout)
        except (subprocess.TimeoutExpired, GraphvizMissing):
            raise _timeout(view, timeout) from None
        used = "sfdp"
        notes.append(f"{engine} blev ikke færdig inden for {timeout:g} s; diagrammet er lagt ud med sfdp i stedet "
                     "(grupperingen i klynger går tabt). Afgræns med --kommune eller --opgave for et pænere diagram.")
    seconds = time.monotonic() - started
    if fmt == "svg":
        data = normalise_svg(data, view.name, source)
    return Rendered(data=data, fmt=fmt, engine=used, seconds=seconds, notes=notes)


def _timeout(view: View, timeout: float) -> LayoutTimeout:
    return LayoutTimeout(
        f"Graphviz nåede ikke at tegne '{view.name}' inden for {timeout:g} s. Afgræns visningen med "
        "--kommune NAVN eller --opgave (fx --opgave 27), eller giv mere tid med --timeout.",
        f"Graphviz did not finish '{view.name}' within {timeout:g} s. Narrow the view with --kommune NAME or "
        "--opgave (e.g. --opgave 27), or allow more time with --timeout.",
        code="ARK-E102",
    )


_GENERATOR = re.compile(rb"<!-- Generated by graphviz version [^>]*-->\n?")


def dot_digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def normalise_svg(data: bytes, name: str, source: str) -> bytes:
    """Drop Graphviz's version comment, make the fonts browser-friendly and note the DOT source's digest."""
    data = _GENERATOR.sub(b"", data, count=1)
    # Browsers know the family "DejaVu Sans", not "DejaVu Sans Bold": say bold as a weight, and name
    # fallbacks of similar width for machines without DejaVu.
    family = f'font-family="{FONT},Verdana,sans-serif"'.encode()
    data = data.replace(f'font-family="{FONT_BOLD}"'.encode(), family + b' font-weight="bold"')
    data = data.replace(f'font-family="{FONT}"'.encode(), family)
    mark = f"<!-- arkitektur: visning {name}; dot-sha256 {dot_digest(source)} -->\n".encode()
    i = data.find(b"<svg")
    return data[:i] + mark + data[i:] if i >= 0 else data
