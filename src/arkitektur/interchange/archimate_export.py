"""ArchiMate-eksport / the repository as an ArchiMate Model Exchange File (3.1, as Archi writes it).

Every node of the model graph becomes an element (or, for Integration, Dataflow, Maalloesning and
Medlemskab with one source and one target, a relationship); every triple between two concepts
becomes a relationship allowed by ArchiMate (else a directed Association, else a property); every
other triple becomes a property in the exact text form of ``terms``. Each concept carries its IRI
(``ark:iri``) and classes (``ark:klasse``) so that ``archimate_import`` gives back the same graph.
Identifiers are ``id-`` + SHA-1 of the IRI (of the triple, for relationships): never counters.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from .. import formatting
from ..namespaces import ARK, declared_prefixes
from . import mapping as M
from .report import Report
from .terms import KEY, Prefixes, encode, ontology_ranges, term_text
from .xmlwrite import Element, document, element

FORMAT_MARK = "arkitektur-archimate 1"
K_IRI, K_CLASS, K_PROP = "ark:iri", "ark:klasse", "ark:egenskab"
K_REFERENCE, K_NAME_FROM_IRI, K_PREFIX, K_FORMAT = "ark:referencedata", "ark:navnFraIri", "ark:prefiks", "ark:format"
RESERVED = frozenset({K_IRI, K_CLASS, K_PROP, K_REFERENCE, K_NAME_FROM_IRI, K_PREFIX, K_FORMAT})
SHARED_FOLDER = "Fælles"
REFERENCE_FOLDER = "Referencedata"


def sha_id(text: str) -> str:
    return "id-" + hashlib.sha1(text.encode("utf-8")).hexdigest()


def _node_key(node, g: Graph) -> str:
    if isinstance(node, URIRef):
        return str(node)
    # A blank node: identified by what it says (stable across parses, unlike its label).
    parts = sorted(f"{p.n3()} {o.n3() if not isinstance(o, BNode) else '_:'}" for p, o in g.predicate_objects(node))
    return "_:" + "\n".join(parts)


def _local(node) -> str:
    text = str(node)
    for sep in ("#", "/", ":"):
        if sep in text:
            tail = text.rsplit(sep, 1)[1]
            if tail:
                return tail
    return text


@dataclass
class Concept:
    node: object
    ident: str
    kind: str  # an element type, or "Relationship"
    xsi_type: str
    names: list = field(default_factory=list)  # Literal
    docs: list = field(default_factory=list)
    props: list = field(default_factory=list)  # (key, value)
    source: str | None = None
    target: str | None = None
    directed: bool = False
    folder: tuple = ()
    reference: bool = False


class Exporter:
    """Builds the exchange file for one model graph."""

    def __init__(self, model: Graph, shipped: Graph, prefixes: Prefixes, name: str,
                 diagrams=None) -> None:
        self.g = model
        self.diagrams = diagrams  # a callable(exporter) -> <views> node or None (archimate_views)
        self.shipped = shipped
        self.prefixes = prefixes
        self.name = name
        self.report = Report()
        self.concepts: dict = {}  # node -> Concept (elements and relation nodes)
        self.relationships: list[Concept] = []
        self.keys: set[str] = set()

    # ----- classification -----
    def element_type(self, node, graph: Graph | None = None) -> str | None:
        g = graph if graph is not None else self.g
        types = set(g.objects(node, RDF.type))
        for cls, etype in M.CLASS_ELEMENT:
            if cls in types:
                return etype
        for cls in sorted(types, key=str):
            for note in self.shipped.objects(cls, ARK.archimate):
                if str(note) in M.ELEMENT_TYPES:
                    return str(note)
        return None

    def _relation_class(self, node, graph: Graph | None = None):
        """The node's relationship-like class (``M.RELATION_NODES``) when that is the class that
        decides its element type, else None."""
        types = set((graph if graph is not None else self.g).objects(node, RDF.type))
        for cls, _ in M.CLASS_ELEMENT:
            if cls in types:
                return cls if cls in M.RELATION_NODES else None
        return None

    def _ends(self, node, spec):
        how, pred = spec
        return list(self.g.objects(node, pred)) if how == "out" else list(self.g.subjects(pred, node))

    def kind(self, node) -> str | None:
        c = self.concepts.get(node)
        return c.kind if c else None

    # ----- build -----
    def build(self) -> bytes:
        g = self.g
        subjects = sorted({s for s in g.subjects() if isinstance(s, (URIRef, BNode))}, key=lambda n: _node_key(n, g))
        subject_set = set(subjects)

        # Reference elements: shipped individuals (KLE tasks, infrastructure, registers) that the
        # model points to without describing them itself.
        refs = set()
        for s, p, o in g:
            if p != RDF.type and isinstance(o, URIRef) and o not in subject_set:
                etype = self.element_type(o, self.shipped)
                if etype is not None and self._relation_class(o, self.shipped) is None:
                    refs.add(o)
        for node in sorted(refs, key=str):
            c = Concept(node, sha_id(str(node)), self.element_type(node, self.shipped), "", reference=True)
            c.xsi_type = c.kind
            c.props.append((K_IRI, term_text(node, self.prefixes)))
            c.props.append((K_REFERENCE, "true"))
            labels = [lab for lab in self.shipped.objects(node, RDFS.label) if isinstance(lab, Literal)]
            c.names = sorted(labels, key=lambda lab: (lab.language != "da", lab.language or "", str(lab)))[:1]
            if not c.names:
                c.names = [Literal(_local(node))]
            self.concepts[node] = c

        # Plain elements first, so that relation nodes can check their ends.
        candidates = {n: self._relation_class(n) for n in subjects}
        for node in subjects:
            if candidates[node] is not None:
                continue
            etype = self.element_type(node) or M.FALLBACK_ELEMENT
            self.concepts[node] = Concept(node, sha_id(_node_key(node, g)), etype, etype)
        consumed: set = set()
        for node in subjects:
            cls = candidates[node]
            if cls is None:
                continue
            spec = M.RELATION_NODES[cls]
            src, tgt = self._ends(node, spec.source), self._ends(node, spec.target)
            ok = (len(src) == 1 and len(tgt) == 1 and self.kind(src[0]) in M.ELEMENT_TYPES
                  and self.kind(tgt[0]) in M.ELEMENT_TYPES
                  and M.allowed(spec.type, self.kind(src[0]), self.kind(tgt[0])))
            ident = sha_id(_node_key(node, g))
            if not ok:
                etype = self.element_type(node) or M.FALLBACK_ELEMENT
                self.concepts[node] = Concept(node, ident, etype, etype)
                continue
            c = Concept(node, ident, "Relationship", spec.type,
                        source=self.concepts[src[0]].ident, target=self.concepts[tgt[0]].ident)
            self.concepts[node] = c
            for end, (how, pred) in ((src[0], spec.source), (tgt[0], spec.target)):
                consumed.add((node, pred, end) if how == "out" else (end, pred, node))

        for node in subjects:
            c = self.concepts[node]
            c.props.append((K_IRI, term_text(node, self.prefixes)))
        for s, p, o in sorted(g, key=lambda t: (_node_key(t[0], g), str(t[1]), t[2].n3())):
            if (s, p, o) in consumed:
                continue
            self._triple(s, p, o)
        for node in subjects:
            c = self.concepts[node]
            if not c.names and c.kind != "Relationship":
                c.names = [Literal(_local(node))]
                c.props.append((K_NAME_FROM_IRI, "true"))
        self._folders()
        return self._xml()

    def _triple(self, s, p, o) -> None:
        c = self.concepts[s]
        if p == RDF.type and isinstance(o, (URIRef, BNode)):
            c.props.append((K_CLASS, term_text(o, self.prefixes)))
            return
        if isinstance(o, Literal) and o.datatype is None:
            if p == RDFS.label:
                c.names.append(o)
                return
            if p == RDFS.comment:
                c.docs.append(o)
                return
        if not isinstance(o, Literal) and o in self.concepts:
            rel_type, inverse = M.PROPERTY_RELATION.get(p, ("Association", False))
            a, b = (o, s) if inverse else (s, o)
            if not M.allowed(rel_type, self.kind(a), self.kind(b)):
                rel_type, inverse, a, b = "Association", False, s, o
            if M.allowed(rel_type, self.kind(a), self.kind(b)):
                key = term_text(p, self.prefixes)
                r = Concept((s, p, o), sha_id(f"{s.n3()} {p.n3()} {o.n3()}"), "Relationship", rel_type,
                            source=self.concepts[a].ident, target=self.concepts[b].ident,
                            directed=rel_type == "Association")
                r.props.append((K_PROP, ("^" if inverse else "") + key))
                r.folder = ("Relations", self._kommune_folder(s))
                self.relationships.append(r)
                return
        key, value = encode(p, o, self.prefixes, RESERVED)
        c.props.append((key, value))

    # ----- folders -----
    def _kommune_of(self, node):
        g = self.g
        if (node, RDF.type, ARK.Kommune) in g:
            return node
        own = set(g.objects(node, ARK.kommune))
        if len(own) == 1:
            return next(iter(own))
        if own:
            return None
        found = set()
        for o in g.objects(node, None):
            if (o, RDF.type, ARK.Systemanvendelse) in g:
                found.update(g.objects(o, ARK.kommune))
        for s in g.subjects(None, node):
            if (s, RDF.type, ARK.Systemanvendelse) in g:
                found.update(g.objects(s, ARK.kommune))
        return next(iter(found)) if len(found) == 1 else None

    def _label(self, node) -> str:
        """The element's name in the exchange file: ``formatting.label`` (Danish first); a node
        without a label by its local name (``_local`` also splits "urn:…:x" at the last colon)."""
        if next(self.g.objects(node, RDFS.label), None) is not None:
            return formatting.label(self.g, node)
        return _local(node)

    def _kommune_folder(self, node) -> str:
        k = self._kommune_of(node)
        return self._label(k) if k is not None else SHARED_FOLDER

    def _folders(self) -> None:
        for node, c in self.concepts.items():
            if c.reference:
                c.folder = (M.FOLDER.get(c.kind, "Other"), REFERENCE_FOLDER)
            elif c.kind == "Relationship":
                c.folder = ("Relations", self._kommune_folder(node))
            else:
                c.folder = (M.FOLDER.get(c.kind, "Other"), self._kommune_folder(node))

    # ----- XML -----
    def _add_props(self, parent: Element, props: list) -> None:
        if not props:
            return
        box = parent.add("properties")
        for key, value in props:
            self.keys.add(key)
            p = box.add("property", {"propertyDefinitionRef": _pd_id(key)})
            p.add("value", text=value)

    def _add_names(self, parent: Element, tag: str, values: list) -> None:
        for lit in sorted(values, key=lambda v: (v.language != "da", v.language or "", str(v))):
            parent.add(tag, {"xml:lang": lit.language} if lit.language else {}, text=str(lit))

    def _concept_xml(self, parent: Element, c: Concept, tag: str) -> None:
        attrs = {"identifier": c.ident}
        if tag == "relationship":
            attrs.update({"source": c.source, "target": c.target})
        attrs["xsi:type"] = c.xsi_type
        if c.directed:
            attrs["isDirected"] = "true"
        e = parent.add(tag, attrs)
        self._add_names(e, "name", c.names)
        self._add_names(e, "documentation", c.docs)
        self._add_props(e, c.props)

    def _xml(self) -> bytes:
        root = element("model", {"xsi:schemaLocation": M.SCHEMA_LOCATION, "identifier": sha_id("model " + self.name)},
                       root=True)
        root.add("name", {"xml:lang": "da"}, text=self.name)
        root.add("documentation", {"xml:lang": "da"},
                 text="Eksporteret af arkitektur. Egenskaberne ark:iri og ark:klasse gør vejen tilbage "
                      "('arkitektur import archimate') nøjagtig; ret dem ikke.")
        elements = [c for c in self.concepts.values() if c.kind != "Relationship"]
        elements.sort(key=lambda c: (c.xsi_type, str(c.names[0]) if c.names else "", c.ident))
        rels = [c for c in self.concepts.values() if c.kind == "Relationship"] + self.relationships
        rels.sort(key=lambda c: (c.xsi_type, c.source, c.target, c.ident))
        model_props = [(K_FORMAT, FORMAT_MARK)]
        # Prefix table last: it must hold every prefix used anywhere, including below.
        el_box = element("elements")
        for c in elements:
            self._concept_xml(el_box, c, "element")
        rel_box = element("relationships")
        for c in rels:
            self._concept_xml(rel_box, c, "relationship")
        for prefix, ns in self.prefixes.used_table().items():
            model_props.append((K_PREFIX, f"{prefix}: <{ns}>"))
        self._add_props(root, model_props)
        for box in (el_box, rel_box):
            if len(box):
                root.append(box)
        orgs = self._organizations(elements + rels)
        if len(orgs):
            root.append(orgs)
        views = self.diagrams(self) if self.diagrams is not None else None
        defs = root.add("propertyDefinitions")
        for key in sorted(self.keys):
            d = defs.add("propertyDefinition", {"identifier": _pd_id(key), "type": self._pd_type(key)})
            d.add("name", text=key)
        if views is not None:
            root.append(views)
        self.report.note(f"{len(elements)} elementer, {len(rels)} relationer / {len(elements)} elements, "
                         f"{len(rels)} relationships")
        return document(root)

    def _pd_type(self, key: str) -> str:
        m = KEY.match(key)
        if not m or m.group("lang") or m.group("esc"):
            return "string"
        dt = None
        if m.group("dt"):
            dt = self.prefixes.expand(m.group("dt"))
        else:
            pred = self.prefixes.expand(m.group("pred"))
            if pred is not None:
                r = ontology_ranges().get(URIRef(pred))
                dt = str(r) if r is not None else None
        if dt == str(XSD.date):
            return "date"
        if dt == str(XSD.boolean):
            return "boolean"
        if dt in {str(XSD.decimal), str(XSD.integer), str(XSD.double), str(XSD.float)}:
            return "number"
        return "string"

    def _organizations(self, concepts: list[Concept]) -> Element:
        tree: dict = {}
        for c in concepts:
            top, sub = c.folder
            tree.setdefault(top, {}).setdefault(sub, []).append(c)
        orgs = element("organizations")
        for top in M.FOLDER_ORDER:
            if top not in tree:
                continue
            item = orgs.add("item")
            item.add("label", text=top)
            subs = tree[top]
            order = sorted(subs, key=lambda s: (s in (SHARED_FOLDER, REFERENCE_FOLDER), s))
            for sub in order:
                folder = item.add("item")
                folder.add("label", {"xml:lang": "da"}, text=sub)
                for c in subs[sub]:
                    folder.add("item", {"identifierRef": c.ident})
        return orgs


def _pd_id(key: str) -> str:
    return "pd-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def export_repository(repo, *, name: str = "arkitektur", ctx=None, lang: str = "da") -> tuple[bytes, Report]:
    """The exchange file (UTF-8 bytes) for a loaded ``Repository``, and a report; with a prepared
    ``ctx`` (``check.prepare``) also the diagrams (``archimate_views``): per member a landscape and
    an integration view, and ``maal``."""
    from ..loader import ontology_graph

    prefixes = Prefixes()  # the built-in ones, then those the model files declare (the first wins)
    for prefix, ns in declared_prefixes(repo.model_files):
        prefixes.add(prefix, ns)
    diagrams = None
    if ctx is not None:
        from .archimate_views import DiagramBuilder

        diagrams = lambda ex: DiagramBuilder(ex, ctx, lang).build()  # noqa: E731
    ex = Exporter(repo.model, ontology_graph(), prefixes, name, diagrams)
    return ex.build(), ex.report
