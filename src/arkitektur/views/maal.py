"""Visningen maal / target versus today, one lane per member: its systems for a target task, an arrow to the target."""

from __future__ import annotations

from collections import defaultdict

from rdflib import URIRef

from .. import formatting
from ..divergence import DIVERGERENDE, IKKE_OMFATTET, IKKE_REGISTRERET, PLANLAGT, Matrix
from ..escape import wrap
from ..words import MAAL, status, words
from .diagram import (DISPENSATION_STYLE, DISPENSERET, STATUS_KIND, STATUS_STYLE, EdgeSet, Ids, Node, View, ViewSpec, cell_kind,
                      dispensation_items, status_summary, tooltip)
from .layout import legend
from .model import lane_start, lanes, matrix_members, matrix_rows, subtitle_lines, task_name, top_down
from .selection import Selection


def maal(ctx, matrix: Matrix, sel: Selection, lang: str = "da") -> View:
    """Target versus today, one lane per member: its systems in use, an arrow to the target system.

    Each lane holds its own copy of the target systems it points to, so every arrow stays in its
    lane: no arrow crosses another member or a member's name, at 2 or at 20 members (issue 15).
    """
    g = ctx.graph
    w = words(MAAL, lang)
    members = [URIRef(m) for m in matrix_members(matrix, sel)]
    view = View(name="maal", title=SPEC.heading(lang),
                subtitle=subtitle_lines(g, sel, matrix.as_of, [w["sub"]], lang),
                rankdir="LR", attrs={"nodesep": "0.18", "ranksep": "1.0"})
    ids = Ids()
    clusters = lanes(view, g, members, lang)
    edges = EdgeSet()
    counts = defaultdict(int)
    dispensed = []
    unregistered: dict = defaultdict(list)
    outside: dict = {}
    rows = [r for r in matrix_rows(matrix, sel) if r.maalsystem]
    for row in rows:
        for k in members:
            c = row.cell(str(k))
            if c is None or c.status == IKKE_OMFATTET:
                if c is not None:
                    outside.setdefault(k, c)
                continue
            counts[c.status] += 1
            if c.status == IKKE_REGISTRERET:
                # One grey note per member, not an arrow per task: unknown is a gap, not a route.
                unregistered[k].append(task_name(row.notation, row.label))
                continue
            lane = clusters[k]
            tid = _target(view, ids, lane, row, w)
            if c.dispensation:
                dispensed.append(c)
            systems = c.systemer or [""]
            for s, slabel in zip(systems, c.system_labels or [w["no_system"]]):
                nid = ids(("nu", str(k), s))
                if view.node(nid) is None:
                    view.nodes.append(Node(id=nid, lines=wrap(slabel, 24, 6), kind="system" if s else "kontekst",
                                           cluster=lane, tooltip=tooltip(formatting.label(g, k, lang), slabel)))
                lines = []
                if c.dispensation:
                    lines = [formatting.dispensation(c.dispensation_udloeber, lang)]
                elif c.status == PLANLAGT:
                    # The whole plan name, wrapped: the forum reads it to see who acts (issue 15).
                    lines = wrap("; ".join(c.plan_labels) or w["plan"], 26, 8)
                elif c.status == DIVERGERENDE:
                    lines = [w["no_plan"]]
                tip = tooltip(formatting.label(g, k, lang), row.label, status(c.status, lang), c.dispensation_label)
                edges.add(nid, tid, cell_kind(c), tip, lines)
    view.edges += edges.edges(w["count"])
    for k, tasks in unregistered.items():
        n = len(tasks)
        view.nodes.append(Node(id=ids(("nu", str(k), "?")), kind="ikke_registreret", cluster=clusters[k],
                               lines=[f"{STATUS_STYLE[IKKE_REGISTRERET]['mark']} {status(IKKE_REGISTRERET, lang)}",
                                      w["tasks_one" if n == 1 else "tasks_many"].format(n=n)],
                               tooltip=tooltip(formatting.label(g, k, lang), ", ".join(tasks))))
    for k, lane in clusters.items():
        if any(n.cluster == lane and n.kind != "header" for n in view.nodes):
            continue
        c = outside.get(k)
        why = (w["member_from"].format(d=formatting.date(c.medlem_fra)) if c is not None and c.medlem_fra
               and c.medlem_fra > matrix.as_of else w["no_targets"])
        view.nodes.append(Node(id=ids(("nu", str(k), "-")), kind="ikke_omfattet", cluster=lane,
                               lines=[f"{STATUS_STYLE[IKKE_OMFATTET]['mark']} {status(IKKE_OMFATTET, lang)}", why]))
    for lane in clusters.values():
        lane_start(view, lane, [n.id for n in view.nodes if n.cluster == lane and n.kind != "header"
                                and n.kind != "maalsystem"])
    top_down(view)
    summary = status_summary(counts, dispensed, lang)
    if summary:
        view.subtitle.append(summary)
    if not rows:
        view.notes.append(w["empty"])
    # The readability limit counts what the model says, not the drawing's copies: a target system
    # drawn in five lanes is one target (docs/diagrammer.md, Grænser for læsbarhed).
    content = [n for n in view.nodes if not n.helper]
    targets = [n for n in content if n.kind == "maalsystem"]
    view.size_override = (len(content) - len(targets) + len({n.tooltip for n in targets}),
                          sum(1 for e in view.edges if not e.helper))
    marks = {STATUS_KIND[s]: STATUS_STYLE[s]["mark"] for s in STATUS_KIND}
    legend(view, [
        ("node", "maalsystem", w["lg_target"]),
        ("node", "system", w["lg_system"]),
        *[(what, kind, f"{marks[kind]} {w['lg_' + kind]}") for what, kind in (
            ("edge", "konvergeret"), ("edge", "planlagt"), ("edge", "divergerende"),
            ("node", "ikke_registreret"), ("node", "ikke_omfattet"))],
        *[("edge", DISPENSERET, f"{DISPENSATION_STYLE['mark']} {w['lg_disp'].format(x=text)}")
          for text in dispensation_items(dispensed, lang)]], ids, lang)
    return view


def _target(view: View, ids: Ids, lane: str, row, w: dict) -> str:
    """The lane's copy of the row's target system, with every task it is the target of in this lane."""
    tid = ids(("maal", lane, row.maalsystem))
    node = view.node(tid)
    if node is None:
        node = Node(id=tid, lines=wrap(row.maalsystem_label or "", 24, 3), kind="maalsystem", cluster=lane,
                    tooltip=row.maalsystem)
        view.nodes.append(node)
    task = [*wrap(task_name(row.notation, row.label), 30, 8), w["by"].format(d=formatting.date(row.senest))]
    if task[0] not in node.lines:
        node.lines += task
    return tid


SPEC = ViewSpec("maal", "Målarkitektur og i dag", (120, 160),
                lambda src, sel, lang: maal(src.ctx, src.matrix, sel, lang), title_en="Target architecture and today")
