"""Lysbilleder, visningsdelen / the Graphviz-free part of slides: a view without title and legend, a
timeline cut to some years, the legend items a drawing really uses, and the legend as a compact drawing.

``arkitektur.slides`` draws and composes the slides (docs/diagrammer.md).
"""

from __future__ import annotations

import copy

from .diagram import Edge, Ids, Node, View
from ..words import VIEW, words
from .layout import count_text, text_width


def strip(view: View) -> View:
    """The view without its title block and legend: the slide draws both itself."""
    bare = copy.copy(view)
    bare.nodes = [n for n in view.nodes if not n.legend]
    bare.edges = [e for e in view.edges if not e.legend]
    ids = {n.id for n in bare.nodes}
    bare.edges = [e for e in bare.edges if e.src in ids and e.dst in ids]
    bare.same_rank = [[x for x in grp if x in ids] for grp in view.same_rank]
    bare.same_rank = [grp for grp in bare.same_rank if grp]
    bare.clusters = [c for c in view.clusters if c.id != "legend"]
    bare.title, bare.subtitle, bare.notes = "", [], []
    bare.attrs = {**view.attrs, "label": "", "pad": "0.15"}
    return bare


def crop_years(view: View, first: int, last: int) -> tuple[int, int] | None:
    """A pinned timeline cut to the years ``first``–``last``: the label column stays, the rest moves left.
    Returns the years shown — fewer when these rows span fewer years — or ``None`` when the rows have
    nothing in those years (the part is then left out)."""
    axis = {int(n.lines[0]): n for n in view.nodes if n.kind == "axis" and n.lines[0].isdigit()}
    if not axis:
        return (first, last)
    # A part with fewer rows can span fewer years than the whole: clamp to the years it has.
    first, last = max(first, min(axis)), min(last, max(axis))
    if first not in axis or last not in axis or first > last:
        return None
    left = min(n.pos[0] - n.size[0] / 2 for n in axis.values())
    lo, hi = axis[first].pos[0] - axis[first].size[0] / 2, axis[last].pos[0] + axis[last].size[0] / 2
    shift = lo - left
    keep = []
    for n in view.nodes:
        if n.pos is None or n.legend:
            keep.append(n)
            continue
        x, w = n.pos[0], (n.size[0] if n.size else 0.0)
        if n.kind == "band":          # row shading: label column plus the years shown
            n.pos, n.size = ((left + hi - lo) / 2, n.pos[1]), (left + hi - lo, n.size[1])
        elif x + w / 2 <= left + 0.5 and n.kind != "helper_point":
            pass                      # the task labels
        elif n.kind in ("window", "window_open"):
            a, b = max(x - w / 2, lo), min(x + w / 2, hi)
            if b - a < 4:
                continue
            n.pos, n.size = ((a + b) / 2 - shift, n.pos[1]), (b - a, n.size[1])
        elif lo - 0.5 <= x <= hi + 0.5:
            n.pos = (x - shift, n.pos[1])
        else:
            continue
        keep.append(n)
    ids = {n.id for n in keep}
    view.nodes = keep
    view.edges = [e for e in view.edges if e.src in ids and e.dst in ids]
    return (first, last)


def legend_items(view: View, lang: str = "da") -> list[tuple[str, str, list[str], str]]:
    """The view's legend as (what, kind, sample lines, text) — only the styles the drawing uses — plus
    "×N" when parallel lines were merged."""
    used = {n.kind for n in view.nodes if not n.legend and not n.helper}
    used |= {e.kind for e in view.edges if not e.legend and not e.helper}
    out = [it for it in view.legend if it[1] in used]
    merged = [e for e in view.edges if e.count > 1 and not e.legend and not e.helper]
    if merged:
        most = max(e.count for e in merged)
        kind = max(merged, key=lambda e: e.count).kind
        out.append(("count", kind, [f"×{most}"], count_text(most, lang)))
    return out


# Legend cells, in points at the legend's own font size (the slide scales them to >= 18 px).
CELL_GAP, ROW_H, FONT = 18.0, 28.0, 11.0
# The title's room is the longest title's in any language (the Danish one), so a legend has the same
# size in Danish and English and the slide's layout does not depend on the language.
TITLE_W = max(text_width(words(VIEW, lang)["legend"], 12, True) for lang in ("da", "en")) + CELL_GAP
_MARK = {"opsigelse": (12, 12), "opsigelse_snart": (12, 12), "senest": (12, 10), "window": (40, 16),
         "window_open": (40, 16), "udbud": (20, 20)}
_BOLD = {"infrastruktur", "divergerende", "maalsystem"}


def _sample(what: str, kind: str, sample: list[str], text: str) -> tuple[float, float, list[str]]:
    """Width, height and lines of the sample of one legend item."""
    if what != "node":
        return 56.0, 10.0, sample
    if not text:      # the sample carries the text itself (a status cell, a system box): one line
        line = " ".join(sample)
        return text_width(line, FONT, kind in _BOLD) + 24, 22.0, [line]
    if not "".join(sample):
        w, h = _MARK.get(kind, (24, 16))
        return float(w), float(h), [""]
    return text_width(" ".join(sample), FONT) + 14, 18.0, [" ".join(sample)]


def legend_rows(items, width_pt: float) -> list[list[tuple[float, tuple]]]:
    """The legend's cells flowed into rows of at most ``width_pt``; the first row starts after the title."""
    rows: list = [[]]
    used = TITLE_W
    for it in items:
        w = _sample(*it)[0] + (8 + text_width(it[3], FONT) if it[0] != "node" or it[3] else 0) + CELL_GAP
        if rows[-1] and used + w > width_pt:
            rows.append([])
            used = 0.0
        rows[-1].append((w, it))
        used += w
    return [r for r in rows if r]


def legend_view(items, width_pt: float, lang: str = "da") -> View:
    """The legend as a small pinned drawing: the title, then cells (sample, text) flowed into rows."""
    view = View(name="signaturforklaring", title="", subtitle=[], layout="pinned",
                attrs={"label": "", "pad": "0.1"})
    ids = Ids("l")
    view.nodes.append(Node(id=ids("title"), lines=[words(VIEW, lang)["legend"]], kind="legend_title", align="l",
                           pos=((TITLE_W - CELL_GAP) / 2, 0), size=(TITLE_W - CELL_GAP, 18)))
    for r, row in enumerate(legend_rows(items, width_pt)):
        x = TITLE_W if r == 0 else 0.0
        y = -r * ROW_H
        for w, (what, kind, sample, text) in row:
            sw, sh, lines = _sample(what, kind, sample, text)
            tw = w - CELL_GAP - sw - 8
            if what == "node":
                view.nodes.append(Node(id=ids(("s", r, x)), lines=lines, kind=kind, pos=(x + sw / 2, y),
                                       size=(sw, sh)))
            else:
                a = Node(id=ids(("a", r, x)), lines=[""], kind="legend_point", pos=(x + 2, y))
                b = Node(id=ids(("b", r, x)), lines=[""], kind="legend_point", pos=(x + sw, y))
                view.nodes += [a, b]
                count = int(sample[0][1:]) if what == "count" else 1
                view.edges.append(Edge(src=a.id, dst=b.id, kind=kind, count=count,
                                       lines=sample if what == "count" else [],
                                       label_at=(x + sw / 2, y + 8) if what == "count" else None,
                                       route=[(x + 2, y), (x + sw - 7, y)], tip=(x + sw, y)))
            if text:
                view.nodes.append(Node(id=ids(("t", r, x)), lines=[text], kind="legend_text", align="l",
                                       pos=(x + sw + 8 + tw / 2, y), size=(tw, 18)))
            x += w
    return view
