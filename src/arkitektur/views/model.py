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
from .diagram import Cluster, EdgeSet, Ids, Node, View, tooltip
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

    def __call__(self, term) -> str:
        if term in self.placed:
            return self.placed[term]
        g = self.g
        nid = self.ids(term)
        label = formatting.label(g, term, self.lang)
        cluster = None
        if is_a(g, term, ARK.Systemanvendelse):
            system = g.value(term, ARK.system)
            k = kommune_of(g, term)
            name = formatting.label(g, system, self.lang) if system is not None else label
            cluster = self.cluster_of_kommune.get(k)
            if cluster is None:
                lines = [*wrap(name, 24, 2), f"({formatting.label(g, k, self.lang)})" if k is not None else ""]
                kind, cluster = "kontekst", self.other_cluster
            else:
                lines = wrap(name, 24, 2)
                kind = LIFECYCLE_KIND.get(lifecycle(g, term), "system")
        elif is_a(g, term, ARK.Grunddataregister):
            lines, kind, cluster = wrap(label, 22, 3), "register", self.shared_cluster
        elif is_a(g, term, ARK.Infrastruktur):
            lines, kind, cluster = wrap(label, 18, 3), "infrastruktur", self.shared_cluster
        else:
            lines, kind, cluster = wrap(label, 24, 2), "kontekst", self.other_cluster
        node = Node(id=nid, lines=[x for x in lines if x], kind=kind, cluster=cluster,
                    tooltip=tooltip(label, str(term)))
        self.view.nodes.append(node)
        self.placed[term] = nid
        return nid

def all_integrations(g: Graph) -> list:
    return sorted({i for i in g.subjects(RDF.type, ARK.Integration)}, key=str)

def add_integration_edges(g: Graph, integrations, ends: Endpoints, edges: EdgeSet, lang: str) -> None:
    """Via infrastructure: two segments through the hub node; point to point: one dashed edge."""
    for i in integrations:
        fra, til = g.value(i, ARK.fra), g.value(i, ARK.til)
        if fra is None or til is None:
            continue
        via = g.value(i, ARK.via)
        tip = formatting.label(g, i, lang)
        if via is not None:
            hub = ends(via)
            a, b = ends(fra), ends(til)
            if a != hub:
                edges.add(a, hub, "via", tip)
            if b != hub:
                edges.add(hub, b, "via", tip)
        else:
            from_register = is_a(g, fra, ARK.Grunddataregister)
            edges.add(ends(fra), ends(til), "p2p_register" if from_register else "p2p", tip)

def member_clusters(view: View, g: Graph, sel: Selection, lang: str, members: list) -> dict:
    clusters = {}
    for k in members:
        cid = f"k{len(clusters) + 1}"
        view.clusters.append(Cluster(id=cid, lines=[formatting.label(g, k, lang)], kind="kommune", tooltip=str(k)))
        clusters[k] = cid
    return clusters

def members_in_scope(ctx, sel: Selection) -> list:
    g = ctx.graph
    if sel.kommuner:
        return list(sel.kommuner)
    members = {k for ks in ctx.facts.members.values() for k in ks}
    if not members:
        members = set(kommuner(g))
    return sorted(members, key=lambda k: (formatting.label(g, k).casefold(), str(k)))

def usage_in(g: Graph, term, sel: Selection, members: list) -> bool:
    return (is_a(g, term, ARK.Systemanvendelse) and kommune_of(g, term) in members
            and sel.task_ok(list(g.objects(term, ARK.understoetterOpgave))))

def matrix_rows(matrix: Matrix, sel: Selection, need_target: bool = True):
    for row in matrix.rows:
        if sel.opgaver and URIRef(row.opgave) not in sel.opgaver:
            continue
        if need_target and not row.has_target and not sel.alle:
            continue
        yield row

def matrix_members(matrix: Matrix, sel: Selection) -> list[str]:
    seen: list[str] = []
    for row in matrix.rows:
        for c in row.members:
            if c.kommune not in seen and sel.kommune_ok(URIRef(c.kommune)):
                seen.append(c.kommune)
    return seen

def subtitle_lines(g: Graph, sel: Selection, as_of: dt.date, extra: list[str] | None = None) -> list[str]:
    parts = [f"pr. {as_of.isoformat()}"]
    if sel.kommuner:
        parts.append(", ".join(formatting.label(g, k) for k in sel.kommuner))
    if sel.opgave_args:
        parts.append("opgave " + ", ".join(sel.opgave_args))
    return [" · ".join(parts), *(extra or [])]

