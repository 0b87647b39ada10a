"""Visningen dataflow / the logical data flows (ark:Dataflow); flows with sensitive personal data stand out."""

from __future__ import annotations

from .. import formatting
from ..escape import wrap
from ..namespaces import ARK, RDF
from ..words import DATAFLOW, VIEW, words
from .diagram import EdgeSet, Ids, View, ViewSpec, tooltip
from .layout import legend
from .model import Endpoints, member_clusters, members_in_scope, subtitle_lines, usage_in
from .selection import Selection


_PD_KIND = {ARK.FoelsommePersonoplysninger: "foelsom", ARK.AlmindeligePersonoplysninger: "almindelig",
            ARK.IngenPersonoplysninger: "ingen"}


def dataflow(ctx, sel: Selection, lang: str = "da") -> View:
    """The logical data flows (ark:Dataflow); flows with sensitive personal data stand out."""
    g = ctx.graph
    w, vw = words(DATAFLOW, lang), words(VIEW, lang)
    members = members_in_scope(ctx, sel)
    view = View(name="dataflow", title=SPEC.heading(lang),
                subtitle=subtitle_lines(g, sel, ctx.facts.as_of, [w["sub"]], lang),
                rankdir="LR", attrs={"nodesep": "0.35", "ranksep": "1.4"})
    ids = Ids()
    clusters = member_clusters(view, g, lang, members)
    ends = Endpoints(view, g, ids, lang, {}, cluster_of_kommune=clusters)
    edges = EdgeSet()
    flows = sorted({f for f in g.subjects(RDF.type, ARK.Dataflow)}, key=str)
    shown = 0
    for f in flows:
        fra, til = g.value(f, ARK.fra), g.value(f, ARK.til)
        if fra is None or til is None:
            continue
        if not (usage_in(g, fra, sel, members) or usage_in(g, til, sel, members)):
            continue
        objects = sorted(g.objects(f, ARK.overfoerer), key=str)
        kinds = [_PD_KIND.get(g.value(o, ARK.personoplysninger), "ukendt") for o in objects] or ["ukendt"]
        kind = min(kinds, key=["foelsom", "almindelig", "ukendt", "ingen"].index)
        lines = []
        for o in objects[:2]:
            lines += wrap(formatting.label(g, o, lang), 26, 2)
        if kind == "foelsom":
            lines.insert(0, w["sensitive"])
        if kind in ("foelsom", "almindelig") and g.value(f, ARK.retsgrundlag) is None:
            lines.append(w["no_basis"])
        basis = g.value(f, ARK.retsgrundlag)
        tip = tooltip(formatting.label(g, f, lang), w["tip_pd"].format(x=w[kind]),
                       w["tip_basis"].format(x=basis) if basis else "")
        edges.add(ends(fra), ends(til), kind, tip, lines)
        shown += 1
    view.edges += edges.edges(w["count"])
    if not shown:
        view.notes.append(w["empty"])
    legend(view, [*[("edge", kind, w["lg_" + kind]) for kind in ("foelsom", "almindelig", "ingen", "ukendt")],
                  ("node", "system", vw["system"]),
                  ("node", "register", vw["register"])], ids, lang)
    return view


SPEC = ViewSpec("dataflow", "Dataflows og personoplysninger", (100, 120),
                lambda src, sel, lang: dataflow(src.ctx, sel, lang), title_en="Data flows and personal data")
