"""Visningen landskab / one municipality's systems grouped by task area (KLE main group), with their integrations."""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph

from .. import formatting
from ..errors import UsageError
from ..escape import wrap
from ..namespaces import ARK
from .diagram import Cluster, EdgeSet, Ids, Node, View, ViewSpec, tooltip
from .layout import legend, pin_grid
from .model import (LIFECYCLE_KIND, Endpoints, add_integration_edges, all_integrations, is_a, lifecycle, main_group,
                    subtitle_lines)
from .selection import Selection, all_tasks, kommune_choice, kommuner, notation


def _task_area_label(g: Graph, area: str, tasks: list, lang: str) -> list[str]:
    head = f"KLE {area}"
    group = [t for t in all_tasks(g) if notation(g, t) == f"{area}.00.00"]
    if group:
        return [head, *wrap(formatting.label(g, group[0], lang), 34, 2)]
    if len(tasks) == 1:
        return [head, *wrap(formatting.label(g, tasks[0], lang), 34, 2)]
    return [head]


def landskab(ctx, sel: Selection, lang: str = "da") -> View:
    """One municipality's systems grouped by task area (KLE main group), with their integrations."""
    g = ctx.graph
    if len(sel.kommuner) != 1:
        choices = ", ".join(kommune_choice(g, k) for k in kommuner(g)) or "–"
        raise UsageError(
            f"landskab viser én kommune: angiv --kommune (mulige: {choices}).",
            f"landskab shows one municipality: give --kommune (choose from: {choices}).",
            code="ARK-E105",
        )
    k = sel.kommuner[0]
    kname = formatting.label(g, k, lang)
    view = View(name="landskab", title=f"{SPEC.title}: {kname}",
                subtitle=subtitle_lines(g, Selection(opgave_args=sel.opgave_args), ctx.facts.as_of, [
                    "Systemer grupperet efter opgaveområde (KLE-hovedgruppe); udfasede systemer er udeladt"]),
                layout="pinned", attrs={"outputorder": "edgesfirst"})
    ids = Ids()
    usages = []
    for u in sorted(set(g.subjects(ARK.kommune, k)), key=str):
        if not is_a(g, u, ARK.Systemanvendelse) or lifecycle(g, u) == ARK.Udfaset:
            continue
        tasks = sorted(g.objects(u, ARK.understoetterOpgave), key=lambda t: (notation(g, t) or "~", str(t)))
        if not sel.task_ok(tasks):
            continue
        system = g.value(u, ARK.system)
        name = formatting.label(g, system, lang) if system is not None else formatting.label(g, u, lang)
        shown = [t for t in tasks if not sel.opgaver or t in sel.opgaver] or tasks
        area = main_group(notation(g, shown[0])) if shown else ""
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
            lc = lifecycle(g, u)
            if lc is not None and lc != ARK.IDrift:
                lines.append(f"({formatting.label(g, lc, lang).lower()})")
            if not named_by_cluster:
                for t in tasks[:2]:
                    lines += wrap(f"{notation(g, t)} {formatting.label(g, t, lang)}".strip(), 30, 2)
                if len(tasks) > 2:
                    lines.append(f"+{len(tasks) - 2} opgaver")
            elif len(tasks) > 1:
                lines.append("også " + ", ".join(notation(g, t) for t in tasks if t not in shown))
            nid = ids(u)
            placed[u] = nid
            view.nodes.append(Node(id=nid, lines=lines, kind=LIFECYCLE_KIND.get(lc, "system"), cluster=cid,
                                   tooltip=tooltip(formatting.label(g, u, lang), str(u))))
            members.append(nid)
        cells.append(members)

    # Shared infrastructure, registers and other municipalities' systems get grid cells of their own.
    view.clusters.insert(0, Cluster(id="faelles", lines=["Fælles infrastruktur og grunddata"], kind="faelles"))
    view.clusters.append(Cluster(id="andre", lines=["Uden for udsnittet"], kind="andre"))
    ends = Endpoints(view, g, ids, lang, placed, cluster_of_kommune={}, shared_cluster="faelles",
                      other_cluster="andre")
    edges = EdgeSet()
    mine = set(placed)
    integrations = [i for i in all_integrations(g)
                    if g.value(i, ARK.fra) in mine or g.value(i, ARK.til) in mine]
    add_integration_edges(g, integrations, ends, edges, lang)
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
    pin_grid(view, grid, ids)
    if not usages:
        view.notes.append("Ingen systemer at vise for dette filter.")
    legend(view, [("node", "system", "System i drift"),
                   ("node", "system_ny", "Planlagt eller under indfasning"),
                   ("node", "system_udfases", "Udfases"),
                   ("node", "register", "Grunddataregister"),
                   ("node", "infrastruktur", "Fælles infrastruktur"),
                   ("edge", "via", "Integration via fælles infrastruktur"),
                   ("edge", "p2p", "Punkt-til-punkt"),
                   ("edge", "p2p_register", "Grunddata punkt-til-punkt (FDA 2.1)")], ids)
    return view


SPEC = ViewSpec("landskab", "Systemlandskab", (120, 160), lambda src, sel, lang: landskab(src.ctx, sel, lang),
                hint="--opgave (fx --opgave 27)", per_kommune=True)
