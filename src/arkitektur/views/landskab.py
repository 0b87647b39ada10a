"""Visningen landskab / one municipality's systems grouped by task area (KLE main group), with numbered integrations.

Laid out as a fixed table of boxes (``layout.pin_grid``): shared infrastructure and registers in the
middle, a box per KLE main group, a box per other municipality whose systems an integration reaches.
Every integration has a number: its line carries the number near each system it touches, an
integration via shared infrastructure is drawn through that hub, and the table beside the drawing
says what each number is (from, to, via, SF number and pattern). Why this layout and not dot, neato
or fdp: docs/diagrammer.md.
"""

from __future__ import annotations

import re
from collections import defaultdict

from rdflib import Graph

from .. import formatting
from ..errors import UsageError
from ..escape import wrap
from ..namespaces import ARK
from ..words import LANDSKAB, words
from .diagram import Edge, Ids, Node, View, ViewSpec, tooltip
from .layout import GAP, legend, pin_grid, place_badges, text_width
from .model import LIFECYCLE_KIND, Endpoints, all_integrations, is_a, lifecycle, main_group, subtitle_lines
from .selection import Selection, all_tasks, kommune_choice, kommuner, notation

_SF = re.compile(r"\bSF\s?\d{3,4}[A-Z]?\b")


def _area_title(g: Graph, area: str, lang: str) -> list[str]:
    """"KLE 27 Social service": the main group's name from the KLE reference data (ontology/reference/kle.ttl)."""
    group = [t for t in all_tasks(g) if notation(g, t) == f"{area}.00.00"]
    name = formatting.label(g, group[0], lang) if group else ""
    return wrap(f"KLE {area} {name}".strip(), 36, 3)


def _usages(g: Graph, k, sel: Selection, lang: str) -> list[tuple]:
    """The municipality's systems in use (not retired) within the selection: (area, name, …) sorted."""
    rows = []
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
        rows.append((area or "~", name.casefold(), str(u), u, name, tasks))
    return sorted(rows)


def _system_lines(g: Graph, u, name: str, tasks: list, area: str, lang: str) -> list[str]:
    """Name, life-cycle stage when not in operation, and the KLE numbers beyond the box's own main group."""
    lines = wrap(name, 22, 2)
    lc = lifecycle(g, u)
    if lc is not None and lc != ARK.IDrift:
        lines.append(f"({formatting.label(g, lc, lang).lower()})")
    numbers = [notation(g, t) for t in tasks if notation(g, t) and notation(g, t) != f"{area}.00.00"]
    if numbers:
        text = " · ".join(numbers[:3]) + (f" +{len(numbers) - 3}" if len(numbers) > 3 else "")
        lines += wrap(text, 30, 2)
    return lines


def _end_name(g: Graph, term, home, lang: str) -> str:
    """An integration end as the table names it: the system, with its municipality when not ``home``."""
    if is_a(g, term, ARK.Systemanvendelse):
        system = g.value(term, ARK.system)
        name = formatting.label(g, system if system is not None else term, lang)
        k = g.value(term, ARK.kommune)
        if k is not None and k != home:
            return f"{name} ({formatting.label(g, k, lang)})"
        return name
    return formatting.label(g, term, lang)


def landskab(ctx, sel: Selection, lang: str = "da") -> View:
    """One municipality's systems grouped by task area (KLE main group), with numbered integrations and their table."""
    g = ctx.graph
    w = words(LANDSKAB, lang)
    if len(sel.kommuner) != 1:
        choices = ", ".join(kommune_choice(g, k) for k in kommuner(g)) or "–"
        raise UsageError(
            f"landskab viser én kommune: angiv --kommune (mulige: {choices}).",
            f"landskab shows one municipality: give --kommune (choose from: {choices}).",
            code="ARK-E105",
        )
    k = sel.kommuner[0]
    kname = formatting.label(g, k, lang)
    view = View(name="landskab", title=f"{SPEC.heading(lang)}: {kname}",
                subtitle=subtitle_lines(g, Selection(opgave_args=sel.opgave_args), ctx.facts.as_of, [w["sub"]], lang),
                layout="pinned", attrs={"outputorder": "edgesfirst"})
    ids = Ids()
    usages = _usages(g, k, sel, lang)
    by_area: dict = defaultdict(list)
    for row in usages:
        by_area[row[0]].append(row)
    placed: dict = {}
    cells: list[tuple[str, str, list[str]]] = []    # (cell id, box kind, title)
    for area, rows in by_area.items():
        cid = f"hg{area}" if area != "~" else "hg_uden"
        cells.append((cid, "opgaveomraade_boks", _area_title(g, area, lang) if area != "~" else [w["no_task"]]))
        for _, _, _, u, name, tasks in rows:
            nid = ids(u)
            placed[u] = nid
            view.nodes.append(Node(id=nid, lines=_system_lines(g, u, name, tasks, area, lang),
                                   kind=LIFECYCLE_KIND.get(lifecycle(g, u), "system"), cluster=cid,
                                   tooltip=tooltip(formatting.label(g, u, lang), *(
                                       f"{notation(g, t)} {formatting.label(g, t, lang)}" for t in tasks), str(u))))

    # The ends an integration reaches outside the boxes: shared infrastructure and registers in the
    # middle; another member's systems in a box named after that municipality; this municipality's
    # systems outside the --opgave selection in a box of their own; anything else in "Andre".
    others = [m for m in kommuner(g) if m != k]
    by_kommune = {m: f"km{i}" for i, m in enumerate(others, 1)}
    by_kommune[k] = "udenfor"
    ends = Endpoints(view, g, ids, lang, placed, cluster_of_kommune=by_kommune, shared_cluster="faelles",
                      other_cluster="andre")
    mine = set(placed)
    integrations = [i for i in all_integrations(g)
                    if (g.value(i, ARK.fra) in mine or g.value(i, ARK.til) in mine) and g.value(i, ARK.til) is not None]

    def order(i):
        # Via infrastructure first, grouped by hub; then by the ends' names: numbers follow the table.
        via = g.value(i, ARK.via)
        ends_named = (_end_name(g, g.value(i, p), k, lang).casefold() for p in (ARK.fra, ARK.til))
        return (via is None, formatting.label(g, via, lang).casefold() if via is not None else "", *ends_named,
                str(i))

    integrations.sort(key=order)
    links: dict = {}       # (from node, to node, kind) -> [numbers]
    tips: dict = defaultdict(list)
    rows_out = []
    for nr, i in enumerate(integrations, 1):
        fra, til, via = g.value(i, ARK.fra), g.value(i, ARK.til), g.value(i, ARK.via)
        label = formatting.label(g, i, lang)
        if via is not None:
            hub, a, b = ends(via), ends(fra), ends(til)
            legs = [(a, hub, "via")] if a != hub else []
            legs += [(hub, b, "via")] if b != hub else []
        else:
            kind = "p2p_register" if is_a(g, fra, ARK.Grunddataregister) else "p2p"
            legs = [(ends(fra), ends(til), kind)]
        for leg in legs:
            links.setdefault(leg, []).append(nr)
            tips[leg].append(f"{nr}: {label}")
        sf = _SF.search(label)
        pattern = g.value(i, ARK.moenster)
        kind_text = " · ".join(x for x in (sf.group(0).replace(" ", "") if sf else "",
                                           formatting.label(g, pattern, lang) if pattern is not None else "") if x)
        rows_out.append((str(nr), _end_name(g, fra, k, lang), _end_name(g, til, k, lang),
                         formatting.label(g, via, lang) if via is not None else w["direct"], kind_text or "–"))
    for (a, b, kind), numbers in links.items():
        view.edges.append(Edge(src=a, dst=b, kind=kind, tooltip=tooltip(f"{w['nr']} " + ", ".join(map(str, numbers)),
                                                                        "; ".join(tips[(a, b, kind)]))))

    # Own systems outside the selection say which task area they belong to.
    for n in view.nodes:
        if n.cluster == "udenfor":
            term = next(t for t, nid in placed.items() if nid == n.id)
            tasks = sorted(g.objects(term, ARK.understoetterOpgave), key=lambda t: notation(g, t))
            if tasks:
                n.lines.append(f"KLE {main_group(notation(g, tasks[0]))}")
    shared = _shared_order(view)
    grid = ([("faelles", "faelles_boks", [w["shared"]], shared)] if shared else [])
    grid += [(cid, kind, title, [n.id for n in view.nodes if n.cluster == cid]) for cid, kind, title in cells]
    for m, cid in by_kommune.items():
        members = [n.id for n in view.nodes if n.cluster == cid]
        if members:
            title = [w["outside"]] if cid == "udenfor" else [formatting.label(g, m, lang)]
            grid.append((cid, "andre_boks", title, members))
    rest = [n.id for n in view.nodes if n.cluster == "andre"]
    if rest:
        grid.append(("andre", "andre_boks", [w["other"]], rest))
    # Nodes keep their cell id as ``cluster`` (not drawn as a Graphviz cluster: view.clusters stays
    # empty in a pinned layout) so a caller can tell which KLE main group a system sits in.

    table = _table_cells(rows_out, w)
    table_w = sum(table[1]) + 6 * (len(table[1]) - 1)
    table_h = sum(table[2]) + 24
    right = pin_grid(view, grid, ids, beside=(table_w, table_h) if rows_out else (0.0, 0.0), aspect=16 / 9)[2]
    obstacles = _pin_table(view, ids, table, right + 2 * GAP, 0.0) if rows_out else []

    badges = []
    for e in view.edges:
        if e.helper or e.legend:
            continue
        numbers = links[(e.src, e.dst, e.kind)]
        text = ", ".join(map(str, numbers))
        route = e.route or [view.node(e.src).pos, view.node(e.dst).pos]
        length = sum(abs(x2 - x1) + abs(y2 - y1) for (x1, y1), (x2, y2) in zip(route, route[1:]))
        # Numbers at both ends, so a line can be followed from either; at a hub only on a long
        # line (a short one is seen whole), else the numbers would crowd round it.
        sides = [(at_start, end) for at_start, end in ((True, e.src), (False, e.dst))
                 if view.node(end).kind != "infrastruktur" or length >= 600]
        if length < 160:     # a short line: one number is enough
            sides = sides[:1]
        for at_start, end in sides:
            badge = Node(id=ids(("nr", e.src, e.dst, e.kind, at_start)), lines=[text], kind="nummer", helper=True,
                         size=(round(max(text_width(text, 11.0, True) + 10, 20.0)), 17), tooltip=e.tooltip)
            view.nodes.append(badge)
            badges.append((badge, e, at_start))
    place_badges(view, badges, obstacles)

    if not usages:
        view.notes.append(w["empty"])
    legend(view, [("node", "system", w["lg_system"]), ("node", "system_ny", w["lg_new"]),
                  ("node", "system_udfases", w["lg_out"]), ("node", "kontekst", w["lg_context"]),
                  ("node", "register", w["lg_register"]), ("node", "infrastruktur", w["lg_infra"]),
                  ("edge", "via", w["lg_via"]), ("edge", "p2p", w["lg_p2p"]),
                  ("edge", "p2p_register", w["lg_p2p_register"])], ids, lang)
    return view


def _shared_order(view: View) -> list[str]:
    """The shared cell's nodes: each hub right after the registers and infrastructure that feed it."""
    shared = [n.id for n in view.nodes if n.cluster == "faelles"]
    feeds = defaultdict(list)
    for e in view.edges:
        if e.src in shared and e.dst in shared:
            feeds[e.dst].append(e.src)
    out: list[str] = []

    def put(nid, seen=()):
        if nid in out or nid in seen:
            return
        for src in feeds.get(nid, []):
            put(src, (*seen, nid))
        out.append(nid)

    for nid in shared:
        if not any(nid in srcs for srcs in feeds.values()):
            put(nid)
    for nid in shared:
        put(nid)
    return out


_WRAP = (4, 24, 24, 20, 22)    # characters per line in the table's columns


def _table_cells(rows: list[tuple], w: dict) -> tuple[list[list[list[str]]], list[float], list[float]]:
    """The integration table's cells (wrapped lines), column widths and row heights in points."""
    head = [[w["nr"]], [w["from"]], [w["to"]], [w["via"]], [w["kind"]]]
    body = [[wrap(text, width, 3) for text, width in zip(row, _WRAP)] for row in rows]
    grid = [head, *body]
    widths = [max(text_width(line, 11.0, r == 0) for r, row in enumerate(grid) for line in row[c]) + 10
              for c in range(len(head))]
    heights = [max(len(cell) for cell in row) * 13.2 + 8 for row in grid]
    return grid, widths, heights


def _pin_table(view: View, ids: Ids, table, x0: float, y0: float) -> list[tuple]:
    """The table of integrations at (x0, y0) (its top left): a heading row, then one banded row per number.

    Returns its rectangle, so no number badge is placed on it.
    """
    grid, widths, heights = table
    total_w = sum(widths) + 6 * (len(widths) - 1)
    y = y0
    for r, (row, h) in enumerate(zip(grid, heights)):
        if r % 2 == 1:
            view.nodes.append(Node(id=ids(("tabelbaand", r)), lines=[""], kind="band", helper=True,
                                   pos=(round(x0 + total_w / 2, 1), round(y - h / 2, 1)), size=(total_w, h)))
        x = x0
        for c, (cell, cw) in enumerate(zip(row, widths)):
            view.nodes.append(Node(id=ids(("tabel", r, c)), lines=cell, kind="tabel_hoved" if r == 0 else "tabel",
                                   align="l", helper=True, pos=(round(x + cw / 2, 1), round(y - h / 2, 1)),
                                   size=(round(cw, 1), round(h, 1))))
            x += cw + 6
        y -= h
    return [(x0 - 4, y - 4, x0 + total_w + 4, y0 + 4)]


SPEC = ViewSpec("landskab", "Systemlandskab", (120, 160), lambda src, sel, lang: landskab(src.ctx, sel, lang),
                hint="--opgave (fx --opgave 27)", per_kommune=True, title_en="System landscape")
