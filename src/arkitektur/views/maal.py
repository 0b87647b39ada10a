"""Visningen maal / target versus today, one lane per member: its systems for a target task, an arrow to the target."""

from __future__ import annotations

from collections import defaultdict

from rdflib import URIRef

from .. import formatting
from ..divergence import DIVERGERENDE, IKKE_OMFATTET, IKKE_REGISTRERET, KONVERGERET, PLANLAGT, Matrix
from ..escape import wrap
from .diagram import (DISPENSATION_STYLE, DISPENSERET, STATUS_STYLE, EdgeSet, Ids, Node, View, ViewSpec, cell_kind,
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
    members = [URIRef(m) for m in matrix_members(matrix, sel)]
    view = View(name="maal", title=SPEC.title,
                subtitle=subtitle_lines(g, sel, matrix.as_of,
                                        ["Én bane pr. medlem: systemet i drift i dag → målsystemet"]),
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
            tid = _target(view, ids, lane, row)
            if c.dispensation:
                dispensed.append(c)
            systems = c.systemer or [""]
            for s, slabel in zip(systems, c.system_labels or ["intet system i drift"]):
                nid = ids(("nu", str(k), s))
                if view.node(nid) is None:
                    view.nodes.append(Node(id=nid, lines=wrap(slabel, 24, 6), kind="system" if s else "kontekst",
                                           cluster=lane, tooltip=tooltip(formatting.label(g, k, lang), slabel)))
                lines = []
                if c.dispensation:
                    lines = [formatting.dispensation(c.dispensation_udloeber)]
                elif c.status == PLANLAGT:
                    # The whole plan name, wrapped: the forum reads it to see who acts (issue 15).
                    lines = wrap("; ".join(c.plan_labels) or "plan", 26, 8)
                elif c.status == DIVERGERENDE:
                    lines = ["ingen plan"]
                tip = tooltip(formatting.label(g, k, lang), row.label, c.status, c.dispensation_label)
                edges.add(nid, tid, cell_kind(c), tip, lines)
    view.edges += edges.edges("opgaver")
    for k, tasks in unregistered.items():
        n = len(tasks)
        view.nodes.append(Node(id=ids(("nu", str(k), "?")), kind="ikke_registreret", cluster=clusters[k],
                               lines=[f"{STATUS_STYLE[IKKE_REGISTRERET]['mark']} {IKKE_REGISTRERET}",
                                      f"{n} {'opgave' if n == 1 else 'opgaver'} uden system"],
                               tooltip=tooltip(formatting.label(g, k, lang), ", ".join(tasks))))
    for k, lane in clusters.items():
        if any(n.cluster == lane and n.kind != "header" for n in view.nodes):
            continue
        c = outside.get(k)
        why = (f"medlem fra {formatting.date(c.medlem_fra)}" if c is not None and c.medlem_fra
               and c.medlem_fra > matrix.as_of else "ingen målløsninger for medlemmet")
        view.nodes.append(Node(id=ids(("nu", str(k), "-")), kind="ikke_omfattet", cluster=lane,
                               lines=[f"{STATUS_STYLE[IKKE_OMFATTET]['mark']} {IKKE_OMFATTET}", why]))
    for lane in clusters.values():
        lane_start(view, lane, [n.id for n in view.nodes if n.cluster == lane and n.kind != "header"
                                and n.kind != "maalsystem"])
    top_down(view)
    summary = status_summary(counts, dispensed, (KONVERGERET, PLANLAGT, DIVERGERENDE, IKKE_REGISTRERET))
    if summary:
        view.subtitle.append(summary)
    if not rows:
        view.notes.append("Ingen målløsninger at vise for dette filter.")
    # The readability limit counts what the model says, not the drawing's copies: a target system
    # drawn in five lanes is one target (docs/diagrammer.md, Grænser for læsbarhed).
    content = [n for n in view.nodes if not n.helper]
    targets = [n for n in content if n.kind == "maalsystem"]
    view.size_override = (len(content) - len(targets) + len({n.tooltip for n in targets}),
                          sum(1 for e in view.edges if not e.helper))
    kinds = {n.kind for n in view.nodes}
    used = {e.kind for e in view.edges}
    legend(view, [item for item in [
        ("node", "maalsystem", "Målsystem (målløsning), i hver bane der peger på det"),
        ("node", "system", "System i drift i dag"),
        ("edge", "konvergeret", "✓ konvergeret: bruger allerede målsystemet"),
        ("edge", "planlagt", "→ planlagt: udbud eller projekt"),
        ("edge", "divergerende", "✗ divergerende: ingen plan"),
        ("node", "ikke_registreret", "? ikke registreret: intet system registreret for opgaven"),
        ("node", "ikke_omfattet", "– ikke omfattet: ikke medlem på datoen"),
        *[("edge", DISPENSERET, f"{DISPENSATION_STYLE['mark']} {text}: afvigelsen er godkendt")
          for text in dispensation_items(dispensed)]]
        if item[1] in (used if item[0] == "edge" else kinds)], ids)
    return view


def _target(view: View, ids: Ids, lane: str, row) -> str:
    """The lane's copy of the row's target system, with every task it is the target of in this lane."""
    tid = ids(("maal", lane, row.maalsystem))
    node = view.node(tid)
    if node is None:
        node = Node(id=tid, lines=wrap(row.maalsystem_label or "", 24, 3), kind="maalsystem", cluster=lane,
                    tooltip=row.maalsystem)
        view.nodes.append(node)
    task = [*wrap(task_name(row.notation, row.label), 30, 8), f"senest {formatting.date(row.senest)}"]
    if task[0] not in node.lines:
        node.lines += task
    return tid


SPEC = ViewSpec("maal", "Målarkitektur og i dag", (120, 160),
                lambda src, sel, lang: maal(src.ctx, src.matrix, sel, lang))
