"""Visningen harmonisering / members side by side per task, each cell coloured and worded by its divergence status."""

from __future__ import annotations

from collections import defaultdict

from rdflib import URIRef

from .. import formatting
from ..divergence import DIVERGERENDE, IKKE_REGISTRERET, PLANLAGT, Matrix
from ..escape import safe_href, wrap
from ..words import HARMONISERING, VIEW, status, words
from .diagram import (DISPENSATION_STYLE, DISPENSERET, STATUS_KIND, STATUS_STYLE, Edge, Ids, Node, View, ViewSpec,
                      cell_kind, dispensation_items, status_summary, tooltip)
from .model import matrix_members, matrix_rows, subtitle_lines, task_name
from .selection import Selection


# Texts are wrapped, never cut: the forum reads the whole plan name and system list (issue 15). The
# line limits only stop a pathological label from making one cell a page tall.
_MAX_LINES = 8


def harmonisering(ctx, matrix: Matrix, sel: Selection, lang: str = "da") -> View:
    """Members side by side per task, each cell coloured and worded by its divergence status."""
    g = ctx.graph
    members = [URIRef(m) for m in matrix_members(matrix, sel)]
    w = words(HARMONISERING, lang)
    extra = [w["only_target"] if not sel.alle else w["all"]]
    view = View(name="harmonisering", title=SPEC.heading(lang),
                subtitle=subtitle_lines(g, sel, matrix.as_of, extra, lang),
                rankdir="TB", attrs={"nodesep": "0.12", "ranksep": "0.12"})
    ids = Ids()
    header = [Node(id=ids("h:opgave"), lines=list(w["head"]), kind="header")]
    header += [Node(id=ids(("h", str(k))), lines=wrap(formatting.label(g, k, lang), 24, 2), kind="header",
                    tooltip=str(k)) for k in members]
    _rank(view, header)
    previous = [n.id for n in header]
    counts = defaultdict(int)
    dispensed = []
    for row in matrix_rows(matrix, sel):
        lines = wrap(task_name(row.notation, row.label), 32, _MAX_LINES)
        if row.maalsystem_label:
            lines += wrap(w["target"].format(s=row.maalsystem_label), 32, _MAX_LINES)
            lines.append(w["by"].format(d=formatting.date(row.senest)))
        else:
            lines.append(w["no_target"])
        task = Node(id=ids(("t", row.opgave)), lines=lines, kind="opgave", align="l",
                    tooltip=tooltip(row.label, row.opgave), href=safe_href(row.opgave))
        cells = [task]
        for k in members:
            c = row.cell(str(k))
            if c is None:
                continue
            counts[c.status] += 1
            systems = ", ".join(c.system_labels) or (w["no_registered"] if c.status == IKKE_REGISTRERET
                                                     else w["no_system"])
            cl = [*wrap(systems, 24, _MAX_LINES), f"{STATUS_STYLE[c.status]['mark']} {status(c.status, lang)}"]
            disp = formatting.dispensation(c.dispensation_udloeber, lang) if c.dispensation else ""
            if disp:
                dispensed.append(c)
                cl.append(f"{DISPENSATION_STYLE['mark']} {disp}")
            elif c.status == PLANLAGT and c.plan_labels:
                cl += wrap(w["plan"].format(p="; ".join(c.plan_labels)), 24, _MAX_LINES)
            elif c.status in (DIVERGERENDE, IKKE_REGISTRERET):
                cl.append(w["no_plan"])
            if c.udloebsdato:
                cl.append(w["end"].format(d=formatting.date(c.udloebsdato)))
            cells.append(Node(id=ids(("c", row.opgave, str(k))), lines=cl, kind=cell_kind(c),
                              tooltip=tooltip(c.label, row.label, status(c.status, lang), systems, c.dispensation_label)))
        _rank(view, cells)
        for p, n in zip(previous, cells):
            view.edges.append(Edge(src=p, dst=n.id, kind="invis", helper=True, weight=20))
        previous = [n.id for n in cells]
    summary = status_summary(counts, dispensed, lang)
    if summary:
        view.subtitle.append(summary)
    _status_legend(view, ids, previous, dispensation_items(dispensed, lang), lang)
    return view


def _rank(view: View, nodes: list[Node], legend: bool = False) -> None:
    """A row of the grid: the nodes on one rank, held in their order by invisible edges."""
    view.nodes += nodes
    view.same_rank.append([n.id for n in nodes])
    for a, b in zip(nodes, nodes[1:]):
        view.edges.append(Edge(src=a.id, dst=b.id, kind="invis", helper=True, legend=legend))


def _status_legend(view: View, ids: Ids, previous: list[str], dispensations: list[str], lang: str = "da") -> None:
    """The statuses as a row of sample cells under the grid; a dispensed cell's style once per expiry."""
    w = words(HARMONISERING, lang)
    items = [(kind, f"{STATUS_STYLE[s]['mark']} {status(s, lang)}") for s, kind in STATUS_KIND.items()]
    items += [(DISPENSERET, f"{DISPENSATION_STYLE['mark']} {w['lg_disp'].format(x=text)}") for text in dispensations]
    row = [Node(id=ids("legend:head"), lines=[words(VIEW, lang)["legend"]], kind="legend_text", legend=True)]
    row += [Node(id=ids(("legend", kind, text)), lines=wrap(text, 24, 3), kind=kind, legend=True)
            for kind, text in items]
    view.legend += [("node", n.kind, [x for x in n.lines if x], "") for n in row[1:]]
    _rank(view, row, legend=True)
    if previous:
        view.edges.append(Edge(src=previous[0], dst=row[0].id, kind="invis", helper=True, legend=True, weight=20))


SPEC = ViewSpec("harmonisering", "Harmonisering pr. opgave", (160, 200),
                lambda src, sel, lang: harmonisering(src.ctx, src.matrix, sel, lang),
                title_en="Harmonisation per task")
