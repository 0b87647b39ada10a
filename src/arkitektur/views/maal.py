"""Visningen maal / target versus today: each member's systems for a target task, an arrow to the target system."""

from __future__ import annotations

from collections import defaultdict

from rdflib import URIRef

from .. import formatting
from ..divergence import DIVERGERENDE, IKKE_OMFATTET, IKKE_REGISTRERET, KONVERGERET, PLANLAGT, Matrix, task_title
from ..escape import wrap
from .diagram import (DISPENSATION_STYLE, DISPENSERET, STATUS_STYLE, Cluster, EdgeSet, Ids, Node, View, ViewSpec,
                      cell_kind, dispensation_items, status_summary, tooltip)
from .layout import legend
from .model import matrix_members, matrix_rows, subtitle_lines
from .selection import Selection


def maal(ctx, matrix: Matrix, sel: Selection, lang: str = "da") -> View:
    """Target versus today: each member's systems for a target task, an arrow to the target system."""
    g = ctx.graph
    members = [URIRef(m) for m in matrix_members(matrix, sel)]
    view = View(name="maal", title=SPEC.title, subtitle=subtitle_lines(g, sel, matrix.as_of),
                rankdir="LR", attrs={"nodesep": "0.18", "ranksep": "1.1"})
    ids = Ids()
    # Members alternate left and right of the target column, so arrows from both sides stay short.
    clusters = {}
    for i, k in enumerate(members):
        cid = f"k{i + 1}"
        view.clusters.append(Cluster(id=cid, lines=[f"I dag: {formatting.label(g, k, lang)}"], kind="kommune",
                                     tooltip=str(k)))
        clusters[k] = cid
    view.clusters.append(Cluster(id="maal", lines=["Målarkitektur"], kind="maal"))
    targets: dict = {}
    edges = EdgeSet()
    counts = defaultdict(int)
    dispensed = []
    unregistered: dict = defaultdict(list)
    rows = list(matrix_rows(matrix, sel))
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
        node.lines += [*wrap(f"{row.notation or ''} {row.label}".strip(), 30, 2),
                       f"senest {formatting.date(row.senest)}"]
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
                                           cluster=clusters[k], tooltip=tooltip(formatting.label(g, k, lang), slabel)))
                lines = []
                if c.dispensation:
                    lines = [formatting.dispensation(c.dispensation_udloeber)]
                elif c.status == PLANLAGT:
                    lines = wrap(c.plan_labels[0] if c.plan_labels else "plan", 26, 2)
                elif c.status == DIVERGERENDE:
                    lines = ["ingen plan"]
                tip = tooltip(formatting.label(g, k, lang), row.label, c.status, c.dispensation_label)
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
                               tooltip=tooltip(formatting.label(g, k, lang), ", ".join(tasks))))
    summary = status_summary(counts, dispensed, (KONVERGERET, PLANLAGT, DIVERGERENDE, IKKE_REGISTRERET))
    if summary:
        view.subtitle.append(summary)
    if not targets:
        view.notes.append("Ingen målløsninger at vise for dette filter.")
    legend(view, [("node", "maalsystem", "Målsystem (målløsning)"),
                   ("node", "system", "System i drift i dag"),
                   ("edge", "konvergeret", "✓ konvergeret: bruger allerede målsystemet"),
                   ("edge", "planlagt", "→ planlagt: udbud eller projekt"),
                   ("edge", "divergerende", "✗ divergerende: ingen plan"),
                   ("node", "ikke_registreret", "? ikke registreret: intet system registreret for opgaven"),
                   *[("edge", DISPENSERET, f"{DISPENSATION_STYLE['mark']} {text}: afvigelsen er godkendt")
                     for text in dispensation_items(dispensed)]], ids)
    return view


SPEC = ViewSpec("maal", "Målarkitektur og i dag", (120, 160),
                lambda src, sel, lang: maal(src.ctx, src.matrix, sel, lang))
