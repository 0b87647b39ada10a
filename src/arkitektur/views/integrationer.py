"""Visningen integrationer / every integration of the members: through shared infrastructure versus point to point."""

from __future__ import annotations

from ..namespaces import ARK
from .diagram import EdgeSet, Ids, View, ViewSpec
from .layout import legend
from .model import (Endpoints, add_integration_edges, all_integrations, member_clusters, members_in_scope,
                    subtitle_lines, usage_in)
from .selection import Selection


def integrationer(ctx, sel: Selection, lang: str = "da") -> View:
    """Every integration of the members: through Serviceplatformen/Beskedfordeler versus point to point."""
    g = ctx.graph
    members = members_in_scope(ctx, sel)
    view = View(name="integrationer", title=SPEC.title,
                subtitle=subtitle_lines(g, sel, ctx.facts.as_of,
                                        ["Integrationer via fælles infrastruktur går gennem platformens knude"]),
                rankdir="LR", attrs={"nodesep": "0.2", "ranksep": "0.9"})
    ids = Ids()
    clusters = member_clusters(view, g, sel, lang, members)
    ends = Endpoints(view, g, ids, lang, {}, cluster_of_kommune=clusters)
    chosen = [i for i in all_integrations(g)
              if usage_in(g, g.value(i, ARK.fra), sel, members) or usage_in(g, g.value(i, ARK.til), sel, members)]
    edges = EdgeSet()
    add_integration_edges(g, chosen, ends, edges, lang)
    view.edges += edges.edges("integrationer")
    if not chosen:
        view.notes.append("Ingen integrationer at vise for dette filter.")
    legend(view, [("node", "system", "System (kommunens anvendelse)"),
                   ("node", "register", "Grunddataregister"),
                   ("node", "infrastruktur", "Serviceplatformen, Beskedfordeler m.fl."),
                   ("edge", "via", "Via fælles infrastruktur"),
                   ("edge", "p2p", "Punkt-til-punkt"),
                   ("edge", "p2p_register", "Grunddata punkt-til-punkt (FDA 2.1)")], ids)
    return view


SPEC = ViewSpec("integrationer", "Integrationskort", (120, 160),
                lambda src, sel, lang: integrationer(src.ctx, sel, lang))
