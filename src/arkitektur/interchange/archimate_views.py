"""ArchiMate-diagrammer / the export's ``<views>``: per member a landscape and an integration view, and
the target architecture (Plateau) view, laid out by Graphviz from the diagrams' own view builders.

The content comes from ``views.build`` (the same nodes and groups as ``arkitektur render``) and the
positions from Graphviz's JSON output of ``render.to_dot`` — so Archi opens with the diagrams people
know from the meeting pack. A view node becomes a diagram node for the element it shows (its IRI is
in the node's tooltip; a member's "today" system in ``maal`` is found from the member and the
system's name); a group (cluster, or a pinned box in ``landskab``) becomes a Container — a member's
lane named by the member (``maal`` draws a target system in every lane that points to it, so the same
element may stand in several groups); a node without an element (e.g. "ikke registreret") a Label. Connections are the model's relationships between shown elements (including an Association
from an integration to the infrastructure it goes via); ``maal``'s status arrows, which no
relationship carries, are Lines with the status colours. Coordinates are absolute, as the exchange
format wants (docs/udveksling.md).

Graphviz's JSON is read here because ``render`` offers svg/png/pdf/dot only; the layout is the same
program and DOT source.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import RDF

from .. import formatting
from ..errors import ArkitekturError
from ..namespaces import ARK
from .archimate_export import sha_id
from .xmlwrite import Element, element

MARGIN = 20          # px around a diagram
TITLE = 26           # px for a group's title above its contents
PAD = 10             # px between a group's edge and its contents
# Archi writes an element's full name ("Silkeborg: KMD Aktiv") in its box, where the diagrams write
# only the system: boxes get at least Archi's own default width and the layout is spread until no
# two boxes overlap (``_fit``).
MIN_W, MIN_H = 130, 45
GAP = 12             # px at least between two boxes, so that a line can pass and a box can be picked
SKIP_KINDS = {"legend_point", "legend_text", "legend_title", "helper_point"}
BOX_SUFFIX = "_boks"
NESTING = {"Aggregation", "Composition"}
# maal shows target versus today: the members' integrations would only cross it.
NOT_DRAWN = {"maal": {"Flow", "Association"}}


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float

    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2

    def overlaps(self, other: "Box", gap: float = 0) -> bool:
        return self.x < other.x + other.w + gap and other.x < self.x + self.w + gap and \
            self.y < other.y + other.h + gap and other.y < self.y + self.h + gap

    def contains(self, other: "Box") -> bool:
        cx, cy = other.x + other.w / 2, other.y + other.h / 2
        return self.x <= cx <= self.x + self.w and self.y <= cy <= self.y + self.h and \
            self.w * self.h > other.w * other.h

    def attrs(self) -> dict:
        return {"x": str(max(0, round(self.x))), "y": str(max(0, round(self.y))),
                "w": str(max(1, round(self.w))), "h": str(max(1, round(self.h)))}


@dataclass
class Item:
    """One diagram node: an element, a container (group) or a label, with its children."""

    key: str
    box: Box
    kind: str                         # "Element", "Container", "Label"
    ref: str | None = None            # element identifier
    text: list[str] = field(default_factory=list)
    fill: str | None = None
    children: list = field(default_factory=list)
    ident: str = ""


def graphviz_layout(view) -> dict:
    """Graphviz's JSON for ``view`` (``render``'s DOT and engine; pinned views keep their positions)."""
    import graphviz

    from .. import render

    engine = render.engine_for(view)
    out = graphviz.pipe(engine, "json", render.to_dot(view).encode("utf-8"),
                        neato_no_op=2 if engine == "neato" else None, quiet=True)
    return json.loads(out)


def _boxes(layout: dict) -> tuple[dict, dict]:
    """Node and cluster boxes (top-left origin, px) by DOT name."""
    x0, y0, x1, y1 = (float(v) for v in layout["bb"].split(","))
    height = y1 - y0
    nodes, clusters = {}, {}
    for obj in layout.get("objects", []):
        if "pos" in obj and "width" in obj:
            cx, cy = (float(v) for v in obj["pos"].split(",")[:2])
            w, h = float(obj["width"]) * 72, float(obj["height"]) * 72
            nodes[obj["name"]] = Box(cx - w / 2 - x0 + MARGIN, height - (cy - y0) - h / 2 + MARGIN, w, h)
        elif "bb" in obj and str(obj.get("name", "")).startswith("cluster_"):
            a, b, c, d = (float(v) for v in obj["bb"].split(","))
            clusters[obj["name"][len("cluster_"):]] = Box(a - x0 + MARGIN, height - (d - y0) + MARGIN, c - a, d - b)
    return nodes, clusters


def _iri_in(text: str, known) -> URIRef | None:
    for part in reversed(str(text or "").split(" · ")):
        node = URIRef(part.strip())
        if node in known:
            return node
    return None


class DiagramBuilder:
    """Builds ``<views>`` for an ``archimate_export.Exporter`` whose concepts are built."""

    def __init__(self, exporter, ctx, lang: str = "da") -> None:
        self.ex = exporter
        self.ctx = ctx
        self.g = ctx.graph
        self.lang = lang
        self.by_pair: dict = {}        # (source ident, target ident) -> [relationship Concept]
        self.from_rel: dict = {}       # relationship ident -> [relationship Concept starting there]
        rels = [c for c in exporter.concepts.values() if c.kind == "Relationship"] + exporter.relationships
        for r in sorted(rels, key=lambda r: r.ident):
            self.by_pair.setdefault((r.source, r.target), []).append(r)
            self.from_rel.setdefault(r.source, []).append(r)
        self.usage_of: dict = {}       # (kommune, system label) -> usage, for maal's "today" nodes
        for u in self.g.subjects(RDF.type, ARK.Systemanvendelse):
            k, s = self.g.value(u, ARK.kommune), self.g.value(u, ARK.system)
            if k is not None and s is not None and u in exporter.concepts:
                self.usage_of.setdefault((str(k), formatting.label(self.g, s, lang)), u)

    # ----- which views -----
    def specs(self) -> list[tuple[str, str, object]]:
        """(name, view name, selection): per member landskab and integrationer, then maal."""
        from ..views import REGISTRY, Selection, kommuner

        out = []
        for k in kommuner(self.g):
            label = formatting.label(self.g, k, self.lang)
            for name in ("landskab", "integrationer"):
                out.append((f"{label}: {REGISTRY[name].title}", name, Selection(kommuner=[k])))
        out.append((REGISTRY["maal"].title, "maal", Selection()))
        return out

    def build(self) -> Element | None:
        from .. import views

        diagrams = element("diagrams")
        for title, name, sel in self.specs():
            try:
                view = views.build(name, self.ctx, sel, lang=self.lang)
                layout = graphviz_layout(view)
            except ArkitekturError as e:
                self.ex.report.lose(f"diagrammet '{title}' kunne ikke laves / the view could not be made", e.da)
                continue
            except (RuntimeError, OSError, subprocess.SubprocessError, ValueError) as e:
                # Graphviz missing (graphviz.ExecutableNotFound is a RuntimeError), failing or unreadable:
                # the model is still exported, without this view.
                self.ex.report.lose(f"diagrammet '{title}' kunne ikke lægges ud (Graphviz) / the view could not be "
                                    "laid out (Graphviz)", type(e).__name__)
                continue
            self._diagram(diagrams, title, view, layout)
        if not len(diagrams):
            return None
        self.ex.report.note(f"{len(diagrams)} diagrammer (views) / {len(diagrams)} views")
        box = element("views")
        box.append(diagrams)
        return box

    def _via(self, r, shown: dict) -> str | None:
        """The diagram node of the infrastructure an integration goes via, when it is shown."""
        node = getattr(r, "node", None)
        if isinstance(node, tuple) or node is None or (node, RDF.type, ARK.Integration) not in self.g:
            return None
        hub = self.g.value(node, ARK.via)
        c = self.ex.concepts.get(hub) if hub is not None else None
        return shown[c.ident][0] if c is not None and c.ident in shown else None

    # ----- one view -----
    def _element_of(self, node, view) -> URIRef | None:
        known = self.ex.concepts
        found = _iri_in(node.tooltip, known)
        if found is not None:
            return found
        # maal's "today" nodes: the member is the group's, the system is named in the tooltip.
        group = next((c for c in view.clusters if c.id == node.cluster), None)
        if group is not None and group.tooltip:
            for part in node.tooltip.split(" · "):
                u = self.usage_of.get((group.tooltip, part.strip()))
                if u is not None:
                    return u
        return None

    def _diagram(self, parent: Element, title: str, view, layout: dict) -> None:
        from ..render import CLUSTER_STYLE, NODE_STYLE

        ex = self.ex
        vid = sha_id(f"view {view.name} {title}")
        node_boxes, cluster_boxes = _boxes(layout)
        items: list[Item] = []
        by_view_node: dict = {}
        for c in view.clusters:
            if c.id == "legend" or c.id not in cluster_boxes:
                continue
            fill = CLUSTER_STYLE.get(c.kind, {}).get("fillcolor")
            text = [x for x in c.lines if x]
            if not text and c.tooltip:
                # A member's lane names the member in a helper node (views/model.lanes), which is not
                # exported: the Group carries the name instead.
                text = [formatting.label(self.g, URIRef(c.tooltip), self.lang)]
            items.append(Item(f"cluster {c.id}", cluster_boxes[c.id], "Container", None, text, fill))
        for n in view.nodes:
            if n.legend or (n.helper and not n.kind.endswith(BOX_SUFFIX)) or n.kind in SKIP_KINDS \
                    or n.id not in node_boxes:
                continue
            box = node_boxes[n.id]
            if n.kind.endswith(BOX_SUFFIX):
                fill = NODE_STYLE.get(n.kind, {}).get("fillcolor")
                items.append(Item(f"node {n.id}", box, "Container", None, list(n.lines), fill))
                continue
            iri = self._element_of(n, view)
            if iri is not None:
                item = Item(f"node {n.id}", box, "Element", ex.concepts[iri].ident)
            else:
                item = Item(f"node {n.id}", box, "Label", None, [x for x in n.lines if x],
                            NODE_STYLE.get(n.kind, {}).get("fillcolor"))
            items.append(item)
            by_view_node[n.id] = item
        for it in items:
            it.ident = sha_id(f"{vid} {it.key}")
        # Nesting by geometry: each item goes into the smallest group that holds its centre.
        groups = sorted([it for it in items if it.kind == "Container" or it.key.startswith("cluster")],
                        key=lambda it: it.box.w * it.box.h)
        roots = []
        for it in items:
            holder = next((g for g in groups if g is not it and g.box.contains(it.box)), None)
            (holder.children if holder is not None else roots).append(it)
        _fit(items, groups)
        v = parent.add("view", {"identifier": vid, "xsi:type": "Diagram"})
        v.add("name", {"xml:lang": self.lang}, text=title)
        v.add("documentation", {"xml:lang": self.lang},
              text=" · ".join([*view.subtitle, "Lagt ud af arkitektur med Graphviz fra visningen "
                               f"'{view.name}' (arkitektur render {view.name})."]))
        for it in roots:
            self._node_xml(v, it)
        self._connections(v, vid, items, view, by_view_node)

    def _node_xml(self, parent: Element, it: Item) -> None:
        attrs = {"identifier": it.ident}
        if it.kind == "Element":
            attrs["elementRef"] = it.ref
        attrs["xsi:type"] = it.kind
        attrs.update(it.box.attrs())
        n = parent.add("node", attrs)
        if it.kind != "Element":
            n.add("label", {"xml:lang": self.lang}, text="\n".join(it.text))
        if it.fill and it.kind != "Element":
            n.add("style").add("fillColor", _rgb(it.fill))
        for child in sorted(it.children, key=lambda c: (c.box.y, c.box.x, c.ident)):
            self._node_xml(n, child)

    def _connections(self, v: Element, vid: str, items: list, view, by_view_node: dict) -> None:
        from ..views import DISPENSATION_STYLE, DISPENSERET, STATUS_KIND, STATUS_STYLE

        shown: dict = {}
        boxes = {it.ident: it.box for it in items}
        inside = {(c.ident, it.ident) for it in items for c in _descendants(it)}  # (descendant, ancestor)
        lane_of = {c.ident: it.ident for it in items if it.key.startswith("cluster ") for c in _descendants(it)}
        for it in items:
            if it.kind == "Element":
                shown.setdefault(it.ref, []).append(it.ident)
        skip = NOT_DRAWN.get(view.name, set())
        drawn: dict = {}                 # relationship ident -> connection idents
        pairs = set()
        for (src, tgt), rels in sorted(self.by_pair.items()):
            if src not in shown or tgt not in shown:
                continue
            for r in rels:
                if r.xsi_type in skip:
                    continue
                hub = self._via(r, shown)
                for a, b in _same_lane_pairs(shown[src], shown[tgt], lane_of):
                    # Nesting already says Aggregation/Composition: no line from a group to what it holds.
                    if a == b or (r.xsi_type in NESTING and ((a, b) in inside or (b, a) in inside)):
                        continue
                    cid = sha_id(f"{vid} {r.ident} {a} {b}")
                    c = v.add("connection", {"identifier": cid, "relationshipRef": r.ident,
                                             "xsi:type": "Relationship", "source": a, "target": b})
                    if hub is not None and hub not in (a, b):
                        # Through the infrastructure it goes via, as the diagrams draw it.
                        x, y = boxes[hub].centre()
                        c.add("bendpoint", {"x": str(round(x)), "y": str(round(y))})
                    drawn.setdefault(r.ident, []).append(cid)
                    pairs.add((a, b))
        # Relationships from a drawn relationship (an integration's Association to its "via").
        for rel_ident, connections in sorted(drawn.items()):
            for r in self.from_rel.get(rel_ident, []):
                for a in connections:
                    for b in shown.get(r.target, []):
                        v.add("connection", {"identifier": sha_id(f"{vid} {r.ident} {a} {b}"),
                                             "relationshipRef": r.ident, "xsi:type": "Relationship",
                                             "source": a, "target": b})
        # maal's status arrows: no relationship says "planned" or "diverging": Lines in the status colours.
        status_kinds = {kind: STATUS_STYLE[s] for s, kind in STATUS_KIND.items()}
        status_kinds[DISPENSERET] = DISPENSATION_STYLE
        for e in view.edges:
            style = status_kinds.get(e.kind)
            a, b = by_view_node.get(e.src), by_view_node.get(e.dst)
            if style is None or e.legend or a is None or b is None:
                continue
            if (a.ident, b.ident) in pairs:  # a relationship says it already (Specialization: converged)
                continue
            line = v.add("connection", {"identifier": sha_id(f"{vid} line {a.ident} {b.ident} {e.kind}"),
                                        "xsi:type": "Line", "source": a.ident, "target": b.ident})
            text = " ".join(x for x in e.lines if x) or e.kind
            line.add("label", {"xml:lang": self.lang}, text=text)
            line.add("style", {"lineWidth": "2"}).add("lineColor", _rgb(style["border"]))


def _rgb(colour: str) -> dict:
    """"#d9ead3" as the exchange format's colour attributes r, g, b."""
    return {c: str(int(colour.lstrip("#")[i:i + 2], 16)) for c, i in (("r", 0), ("g", 2), ("b", 4))}


def _same_lane_pairs(sources: list, targets: list, lane_of: dict) -> list:
    """(source, target) diagram nodes for one relationship: where an element is drawn in several
    lanes (maal copies each target system into every member's lane), only the pairs in one lane,
    so no line crosses into another member's lane; otherwise every pair."""
    pairs = [(a, b) for a in sources for b in targets]
    same = [(a, b) for a, b in pairs if lane_of.get(a) is not None and lane_of.get(a) == lane_of.get(b)]
    return same or pairs


def _descendants(it: Item):
    for c in it.children:
        yield c
        yield from _descendants(c)


def _fit(items: list, groups: list) -> None:
    """Spread the layout (same proportions) until no two boxes overlap — elements at least MIN_W × MIN_H
    and GAP apart, each group grown around its contents — then move it to the top-left corner."""
    leaves = [it for it in items if it not in groups]
    original = {id(it): Box(it.box.x, it.box.y, it.box.w, it.box.h) for it in items}
    related = {(id(a), id(d)) for a in groups for d in _descendants(a)}
    scale = 1.0
    while True:
        _place(leaves, groups, original, scale)
        clash = any(a.box.overlaps(b.box, GAP if a in leaves and b in leaves else 0)
                    for i, a in enumerate(items) for b in items[i + 1:]
                    if (id(a), id(b)) not in related and (id(b), id(a)) not in related)
        if not clash or scale >= 4:
            break
        scale += 0.1
    if items:
        dx = MARGIN - min(it.box.x for it in items)
        dy = MARGIN - min(it.box.y for it in items)
        for it in items:
            it.box = Box(it.box.x + dx, it.box.y + dy, it.box.w, it.box.h)


def _place(leaves: list, groups: list, original: dict, scale: float) -> None:
    for it in leaves:
        o = original[id(it)]
        cx, cy = o.centre()
        w, h = max(o.w, MIN_W), max(o.h, MIN_H)
        it.box = Box(cx * scale - w / 2, cy * scale - h / 2, w, h)
    for g in groups:  # smallest first: inner groups are grown before the groups that hold them
        o = original[id(g)]
        box = Box(o.x * scale, o.y * scale, o.w * scale, o.h * scale)
        kids = [c.box for c in g.children]
        if kids:
            x0 = min(min(b.x for b in kids) - PAD, box.x)
            y0 = min(min(b.y for b in kids) - TITLE, box.y)
            x1 = max(max(b.x + b.w for b in kids) + PAD, box.x + box.w)
            y1 = max(max(b.y + b.h for b in kids) + PAD, box.y + box.h)
            box = Box(x0, y0, x1 - x0, y1 - y0)
        g.box = box
