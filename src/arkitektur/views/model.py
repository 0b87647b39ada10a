"""Modellen for visningerne / what the views read from the graph and the matrix: usages, integrations, members.

``Endpoints`` makes the nodes for the ends of integrations and data flows (usages, registers,
infrastructure); ``add_integration_edges`` draws integrations via a hub or point to point.
"""

from __future__ import annotations

import datetime as dt
import re

from rdflib import Graph, URIRef
from rdflib.term import Node as RdfNode

from .. import formatting
from ..divergence import Matrix
from ..escape import wrap
from ..namespaces import ARK, RDF
from ..words import VIEW, words
from .diagram import Cluster, Edge, EdgeSet, Ids, Node, View, tooltip
from .selection import Selection, kommuner

LIFECYCLE_KIND = {ARK.IDrift: "system", ARK.Indfases: "system_ny", ARK.Planlagt: "system_ny",
                  ARK.Udfases: "system_udfases", ARK.Udfaset: "system_udfases"}

def main_group(code: str) -> str:
    return code[:2] if re.match(r"\d{2}", code or "") else ""

def kommune_of(g: Graph, usage) -> RdfNode | None:
    return g.value(usage, ARK.kommune)

def is_a(g: Graph, node, cls) -> bool:
    return (node, RDF.type, cls) in g

def lifecycle(g: Graph, usage):
    values = sorted(g.objects(usage, ARK.livscyklus), key=str)
    return values[0] if values else None

class Endpoints:
    """Nodes for the ends of integrations and data flows: usages, registers, infrastructure."""

    def __init__(self, view: View, g: Graph, ids: Ids, lang: str, placed: dict,
                 cluster_of_kommune: dict | None = None, shared_cluster: str | None = None,
                 other_cluster: str | None = None) -> None:
        self.view, self.g, self.ids, self.lang = view, g, ids, lang
        self.placed = placed                        # IRI -> node id for nodes already in the view
        self.cluster_of_kommune = cluster_of_kommune or {}
        self.shared_cluster, self.other_cluster = shared_cluster, other_cluster

    def __call__(self, term, lane: str | None = None) -> str:
        """The node for ``term``; with ``lane`` (a member's cluster) everything not that member's is a copy in the lane.

        Lanes are self-contained: shared infrastructure, registers and other members' systems appear
        in every lane that uses them, so no line runs from one lane through another (issue 15).
        """
        g = self.g
        own = is_a(g, term, ARK.Systemanvendelse) and self.cluster_of_kommune.get(kommune_of(g, term)) == lane
        key = term if lane is None or own else (term, lane)
        if key in self.placed:
            return self.placed[key]
        nid = self.ids(key)
        label = formatting.label(g, term, self.lang)
        cluster = None
        if is_a(g, term, ARK.Systemanvendelse):
            system = g.value(term, ARK.system)
            k = kommune_of(g, term)
            name = formatting.label(g, system, self.lang) if system is not None else label
            cluster = self.cluster_of_kommune.get(k)
            if cluster is None or (lane is not None and cluster != lane):
                lines = [*wrap(name, 24, 3), f"({formatting.label(g, k, self.lang)})" if k is not None else ""]
                kind, cluster = "kontekst", lane or self.other_cluster
            else:
                lines = wrap(name, 24, 3)
                kind = LIFECYCLE_KIND.get(lifecycle(g, term), "system")
        elif is_a(g, term, ARK.Grunddataregister):
            lines, kind, cluster = wrap(label, 22, 4), "register", lane or self.shared_cluster
        elif is_a(g, term, ARK.Infrastruktur):
            lines, kind, cluster = wrap(label, 18, 4), "infrastruktur", lane or self.shared_cluster
        else:
            lines, kind, cluster = wrap(label, 24, 3), "kontekst", lane or self.other_cluster
        node = Node(id=nid, lines=[x for x in lines if x], kind=kind, cluster=cluster,
                    tooltip=tooltip(label, str(term)))
        self.view.nodes.append(node)
        self.placed[key] = nid
        return nid

    def distinct(self) -> set:
        """The model elements placed, each once however many lanes hold a copy of it."""
        return {key[0] if isinstance(key, tuple) else key for key in self.placed}

def all_integrations(g: Graph) -> list:
    return sorted({i for i in g.subjects(RDF.type, ARK.Integration)}, key=str)

def add_integration_edges(g: Graph, integrations, ends: Endpoints, edges: EdgeSet, lang: str,
                          lanes_of=None) -> None:
    """Via infrastructure: two segments through the hub node; point to point: one dashed edge.

    ``lanes_of(integration)`` gives the lanes (member clusters) an integration is drawn in — each
    member it touches draws it in its own lane; without it every end is one shared node.
    """
    for i in integrations:
        fra, til = g.value(i, ARK.fra), g.value(i, ARK.til)
        if fra is None or til is None:
            continue
        via = g.value(i, ARK.via)
        tip = formatting.label(g, i, lang)
        for lane in (lanes_of(i) if lanes_of else [None]):
            if via is not None:
                hub = ends(via, lane)
                a, b = ends(fra, lane), ends(til, lane)
                if a != hub:
                    edges.add(a, hub, "via", tip)
                if b != hub:
                    edges.add(hub, b, "via", tip)
            else:
                from_register = is_a(g, fra, ARK.Grunddataregister)
                edges.add(ends(fra, lane), ends(til, lane), "p2p_register" if from_register else "p2p", tip)

def member_clusters(view: View, g: Graph, lang: str, members: list) -> dict:
    clusters = {}
    for k in members:
        cid = f"k{len(clusters) + 1}"
        view.clusters.append(Cluster(id=cid, lines=[formatting.label(g, k, lang)], kind="kommune", tooltip=str(k)))
        clusters[k] = cid
    return clusters

def members_in_scope(ctx, sel: Selection) -> list:
    """The members the view shows, in the repository's order (by name, as ``divergence`` lists them).

    --kommune narrows the list but never reorders it, so every view and every lane has the same order.
    """
    g = ctx.graph
    members = {k for ks in ctx.facts.members.values() for k in ks}
    if not members:
        members = set(kommuner(g))
    if sel.kommuner:
        members = set(sel.kommuner)
    return sorted(members, key=lambda k: (formatting.label(g, k).casefold(), str(k)))


def lanes(view: View, g: Graph, members: list, lang: str) -> dict:
    """One lane (cluster) per member, its name as a node at its left; ``top_down`` stacks them in order.

    The name is a node, not the cluster's label, so Graphviz routes every line around it (no arrow
    through a title). The names share a rank, so every lane starts at the same left edge;
    ``lane_start`` ties a lane's nodes to its name.
    """
    out = {}
    names = []
    for i, k in enumerate(members):
        cid = f"k{i + 1}"
        view.clusters.append(Cluster(id=cid, lines=[""], kind="kommune", tooltip=str(k)))
        head = Node(id=f"{cid}_navn", lines=wrap(formatting.label(g, k, lang), 18, 3), kind="header",
                    cluster=cid, tooltip=str(k), helper=True)
        view.nodes.append(head)
        names.append(head.id)
        out[k] = cid
    if names:
        view.same_rank.append(names)
    return out


def top_down(view: View) -> None:
    """Declare lanes and their nodes last-first, so ``rankdir=LR`` draws them first-at-the-top.

    Graphviz lays an LR graph out top-to-bottom and turns it: a rank's first node ends at the
    bottom, and flat edges do not reorder clusters. Reversing the declaration order is what keeps
    the lanes in the members' order and the rows of a lane in the order they were added
    (tests/test_views_members.py measures it). The legend stays where it was.
    """
    legend = [c for c in view.clusters if c.id == "legend"]
    view.clusters = [c for c in view.clusters if c.id != "legend"][::-1] + legend
    view.nodes = [n for n in view.nodes if not n.legend][::-1] + [n for n in view.nodes if n.legend]
    view.edges = [e for e in view.edges if not e.legend][::-1] + [e for e in view.edges if e.legend]


def lane_start(view: View, lane: str, node_ids) -> None:
    """Invisible edges from the lane's name to ``node_ids``, so the name stands left of everything in the lane."""
    for nid in node_ids:
        view.edges.append(Edge(src=f"{lane}_navn", dst=nid, kind="invis", helper=True, weight=1))

def usage_in(g: Graph, term, sel: Selection, members: list) -> bool:
    return (is_a(g, term, ARK.Systemanvendelse) and kommune_of(g, term) in members
            and sel.task_ok(list(g.objects(term, ARK.understoetterOpgave))))

def task_name(notation: str | None, label: str) -> str:
    """"27.24.00 Særlig støtte …": the KLE number once, also when the label already starts with it."""
    if not notation or label.startswith(notation):
        return label
    return f"{notation} {label}"


def matrix_rows(matrix: Matrix, sel: Selection):
    """The matrix's rows of the selected tasks; those without a target only with --alle."""
    for row in matrix.rows:
        if sel.opgaver and URIRef(row.opgave) not in sel.opgaver:
            continue
        if not row.has_target and not sel.alle:
            continue
        yield row

def matrix_members(matrix: Matrix, sel: Selection) -> list[str]:
    """The matrix's members in the repository's order (the collaborations' member lists), --kommune applied."""
    seen: list[str] = []
    for s in matrix.samarbejder:
        for m in s.members:
            if m.kommune not in seen and sel.kommune_ok(URIRef(m.kommune)):
                seen.append(m.kommune)
    for row in matrix.rows:
        for c in row.members:
            if c.kommune not in seen and sel.kommune_ok(URIRef(c.kommune)):
                seen.append(c.kommune)
    return seen

def subtitle_lines(g: Graph, sel: Selection, as_of: dt.date, extra: list[str], lang: str) -> list[str]:
    """The subtitle: the date, the --kommune and --opgave chosen, then the view's own ``extra`` lines."""
    w = words(VIEW, lang)
    parts = [w["asof"].format(d=as_of.isoformat())]
    if sel.kommuner:
        parts.append(", ".join(formatting.label(g, k, lang) for k in sel.kommuner))
    if sel.opgave_args:
        parts.append(w["task"].format(x=", ".join(sel.opgave_args)))
    return [" · ".join(parts), *extra]

