"""Visningen integrationer / the members' integrations, a lane each: via shared infrastructure or point to point."""

from __future__ import annotations

from ..namespaces import ARK
from ..words import INTEGRATIONER, VIEW, words
from .diagram import EdgeSet, Ids, Node, View, ViewSpec
from .layout import legend
from .model import (Endpoints, add_integration_edges, all_integrations, kommune_of, lane_start, lanes,
                    members_in_scope, subtitle_lines, top_down, usage_in)
from .selection import Selection


def integrationer(ctx, sel: Selection, lang: str = "da") -> View:
    """Every integration of the members, one lane per member in the repository's order.

    Each lane holds the member's systems and its own copy of the infrastructure and registers it
    uses; an integration between two members is drawn in both lanes, the other member's system as a
    dotted context box. So no line crosses another lane or its name, at 2 or at 20 members (issue 15).
    """
    g = ctx.graph
    w, vw = words(INTEGRATIONER, lang), words(VIEW, lang)
    members = members_in_scope(ctx, sel)
    view = View(name="integrationer", title=SPEC.heading(lang),
                subtitle=subtitle_lines(g, sel, ctx.facts.as_of, [w["sub"]], lang),
                rankdir="LR", attrs={"nodesep": "0.2", "ranksep": "0.7"})
    ids = Ids()
    clusters = lanes(view, g, members, lang)
    ends = Endpoints(view, g, ids, lang, {}, cluster_of_kommune=clusters)
    chosen = [i for i in all_integrations(g)
              if usage_in(g, g.value(i, ARK.fra), sel, members) or usage_in(g, g.value(i, ARK.til), sel, members)]

    def lanes_of(i) -> list[str]:
        out = []
        for end in (g.value(i, ARK.fra), g.value(i, ARK.til)):
            if usage_in(g, end, sel, members):
                lane = clusters[kommune_of(g, end)]
                if lane not in out:
                    out.append(lane)
        return out

    edges = EdgeSet()
    add_integration_edges(g, chosen, ends, edges, lang, lanes_of)
    view.edges += edges.edges(w["count"])
    empty = []
    for k, lane in clusters.items():
        inside = [n.id for n in view.nodes if n.cluster == lane and n.kind != "header"]
        if not inside:
            # An empty lane says why, so a new member is not mistaken for a drawing error.
            note = Node(id=ids(("tom", lane)), lines=[w["empty_lane"]], kind="kontekst",
                        cluster=lane, tooltip=str(k))
            view.nodes.append(note)
            inside = [note.id]
            empty.append(note.id)
        lane_start(view, lane, inside)
    top_down(view)
    # The limit counts model elements, not their copies in the lanes (docs/diagrammer.md).
    view.size_override = (len(ends.distinct()) + len(empty), sum(1 for e in view.edges if not e.helper))
    if not chosen:
        view.notes.append(w["empty"])
    used = {e.kind for e in view.edges}
    kinds = {n.kind for n in view.nodes if n.id not in empty}
    legend(view, [item for item in [("node", "system", vw["system"]),
                                    ("node", "kontekst", w["lg_kontekst"]),
                                    ("node", "register", vw["register"]),
                                    ("node", "infrastruktur", w["lg_infrastruktur"]),
                                    ("edge", "via", vw["via"]),
                                    ("edge", "p2p", vw["p2p"]),
                                    ("edge", "p2p_register", vw["p2p_register"])]
                  if item[1] in (used if item[0] == "edge" else kinds)], ids, lang)
    return view


SPEC = ViewSpec("integrationer", "Integrationskort", (120, 160),
                lambda src, sel, lang: integrationer(src.ctx, sel, lang), title_en="Integration map")
