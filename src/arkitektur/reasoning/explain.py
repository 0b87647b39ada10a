"""Forklaringer / contradictions read off the schema (disjoint classes, domains, ranges, datatypes,
functional properties), in words a person can act on: HermiT itself says only "inconsistent"."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .. import formatting
from .records import Reason

# Types and predicates that make a subject part of the schema (TBox), not an individual.
SCHEMA_TYPES = frozenset(
    {
        OWL.Class, RDFS.Class, RDFS.Datatype, OWL.Restriction, OWL.Ontology,
        OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property,
        OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty,
        OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty,
        OWL.IrreflexiveProperty, OWL.OntologyProperty, OWL.DeprecatedClass,
        OWL.DeprecatedProperty, OWL.AllDisjointClasses, OWL.AllDisjointProperties,
        OWL.AllDifferent, OWL.NegativePropertyAssertion, OWL.Axiom, OWL.Annotation,
    }
)
SCHEMA_PREDICATES = frozenset(
    {
        RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.equivalentClass,
        OWL.equivalentProperty, OWL.disjointWith, OWL.propertyDisjointWith, OWL.inverseOf,
        OWL.oneOf, OWL.unionOf, OWL.intersectionOf, OWL.complementOf, OWL.onProperty,
        OWL.propertyChainAxiom, OWL.hasKey, OWL.disjointUnionOf, OWL.onDatatype,
        OWL.withRestrictions,
    }
)
# Datatypes of the OWL 2 datatype map whose values HermiT checks against a range. xsd:date,
# xsd:gYear and xsd:duration are not in the map; HermiT is run with --ignoreUnsupportedDatatypes.
_NUMERIC = frozenset(
    {
        XSD.decimal, XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte,
        XSD.nonNegativeInteger, XSD.positiveInteger, XSD.nonPositiveInteger,
        XSD.negativeInteger, XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort,
        XSD.unsignedByte,
    }
)


class Schema:
    """Labels, subclass closure, disjointness, domains, ranges and distinctness from a graph."""

    def __init__(self, graph: Graph) -> None:
        self.g = graph
        self._supers: dict = {}
        self._domains: dict = {}
        self._ranges: dict = {}
        self._owl_props: dict = {}
        self.disjoint: dict = defaultdict(set)
        for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
            members = [self.named(m) for m in self._list(graph.value(axiom, OWL.members))]
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    self._add_disjoint(a, b)
        for a, b in graph.subject_objects(OWL.disjointWith):
            self._add_disjoint(self.named(a), self.named(b))
        self.distinct: dict = defaultdict(set)
        for axiom in graph.subjects(RDF.type, OWL.AllDifferent):
            node = graph.value(axiom, OWL.distinctMembers) or graph.value(axiom, OWL.members)
            members = self._list(node)
            for m in members:
                self.distinct[m].update(x for x in members if x != m)
        for a, b in graph.subject_objects(OWL.differentFrom):
            self.distinct[a].add(b)
            self.distinct[b].add(a)

    def _list(self, node) -> list:
        return list(self.g.items(node)) if node is not None else []

    def named(self, node) -> set:
        """The named classes a class expression stands for (unions expanded, else empty)."""
        if isinstance(node, URIRef):
            return {node}
        out: set = set()
        for m in self._list(self.g.value(node, OWL.unionOf)):
            out |= self.named(m)
        return out

    def _add_disjoint(self, a: set, b: set) -> None:
        for x in a:
            for y in b:
                self.disjoint[x].add(y)
                self.disjoint[y].add(x)

    def supers(self, cls) -> set:
        if cls not in self._supers:
            seen = {cls}
            stack = [cls]
            while stack:
                for sup in self.g.objects(stack.pop(), RDFS.subClassOf):
                    if isinstance(sup, URIRef) and sup not in seen:
                        seen.add(sup)
                        stack.append(sup)
            self._supers[cls] = seen
        return self._supers[cls]

    def clash(self, a, b) -> bool:
        return any(y in self.disjoint.get(x, ()) for x in self.supers(a) for y in self.supers(b))

    def all_clash(self, a: set, b: set) -> bool:
        """Nothing can be in (some class of ``a``) and (some class of ``b``)."""
        return bool(a) and bool(b) and all(self.clash(x, y) for x in a for y in b)

    def domains(self, p) -> list:
        """The class sets of p's rdfs:domain axioms (unions expanded)."""
        if p not in self._domains:
            self._domains[p] = [frozenset(self.named(d)) for d in self.g.objects(p, RDFS.domain) if self.named(d)]
        return self._domains[p]

    def ranges(self, p) -> list:
        """The class sets of p's rdfs:range axioms that name classes (not datatypes)."""
        if p not in self._ranges:
            self._ranges[p] = [
                frozenset(self.named(r)) for r in self.g.objects(p, RDFS.range)
                if self.named(r) and (p, RDF.type, OWL.ObjectProperty) in self.g
            ]
        return self._ranges[p]

    def is_owl_property(self, p) -> bool:
        if p not in self._owl_props:
            g = self.g
            self._owl_props[p] = (p, RDF.type, OWL.ObjectProperty) in g or (
                p, RDF.type, OWL.DatatypeProperty
            ) in g
        return self._owl_props[p]

    def different(self, a, b) -> bool:
        """Certainly different values: distinct literals, or IRIs declared different."""
        if isinstance(a, Literal) and isinstance(b, Literal):
            return _literal_key(a) != _literal_key(b)
        return isinstance(a, URIRef) and b in self.distinct.get(a, ())

    def label(self, node, lang: str) -> str:
        return formatting.label(self.g, node, lang)

    def names(self, classes: Iterable, lang: str) -> str:
        words = sorted({self.label(c, lang) for c in classes})
        return (" eller " if lang == "da" else " or ").join(words) or "?"


@dataclass(frozen=True)
class _Constraint:
    """A node must be in one of ``classes``, because of an rdf:type (kind "type"), the domain
    of one of its properties ("domain"), or the range of ``prop`` on the triples pointing to
    it ("range"; ``sources`` are the subjects of those triples)."""

    classes: frozenset
    kind: str
    prop: URIRef | None = None
    sources: tuple = ()


def _constraints(graph: Graph, schema: Schema) -> dict:
    """node -> its constraints; range constraints of the same property are grouped, so a
    code-list value that thousands of nodes point to costs one constraint, not thousands."""
    grouped: dict = defaultdict(lambda: defaultdict(list))
    for s, p, o in graph:
        if p == RDF.type:
            if isinstance(o, URIRef) and o not in SCHEMA_TYPES and o != OWL.NamedIndividual:
                grouped[s][(frozenset({o}), "type", None)]
        elif schema.is_owl_property(p):
            for classes in schema.domains(p):
                grouped[s][(classes, "domain", p)]
            if isinstance(o, URIRef):
                for classes in schema.ranges(p):
                    grouped[o][(classes, "range", p)].append(s)
    # In a fixed order (not the graph's), so the same contradiction is told the same way every run.
    return {
        node: sorted((_Constraint(c, k, p, tuple(sorted(set(src), key=str))) for (c, k, p), src in keys.items()),
                     key=lambda c: (_RANK[c.kind], sorted(map(str, c.classes)), str(c.prop)))
        for node, keys in grouped.items()
    }


def static_contradictions(graph: Graph, schema: Schema, individuals: set) -> list:
    """(culprit, reason) for contradictions that follow from the schema alone.

    Sound by construction: a node that must belong to two classes that are disjoint, a
    literal outside its range's value space, two certainly different values of a functional
    property. Only OWL object and datatype properties count (HermiT treats a property
    declared only as rdf:Property like an annotation). First the nodes whose own
    description contradicts itself, then links to nodes of the wrong kind, so that a node
    pointing to a self-contradictory node is not blamed as well.
    """
    cons = _constraints(graph, schema)
    found: dict = {}
    order = sorted((n for n in set(cons) | individuals if isinstance(n, URIRef)), key=str)
    # Pass 1: the node's own description (its types and the domains of its properties).
    for node in order:
        own = [c for c in cons.get(node, ()) if c.kind != "range"]
        reason = _pairwise(node, own, schema) or _own_values(node, graph, schema)
        if reason is not None:
            found[node] = reason
    # Pass 2: links — a node that others use as something it cannot be. When the node has
    # a type of its own, every link pointing to it as something else is blamed on the
    # subject of that link.
    for node in order:
        if node in found:
            continue
        usable = []
        for c in cons.get(node, ()):
            if c.kind == "range":
                sources = tuple(x for x in c.sources if x not in found)
                if not sources:
                    continue
                c = _Constraint(c.classes, c.kind, c.prop, sources)
            usable.append(c)
        for a, b in _ranked_pairs(usable):
            if "range" not in (a.kind, b.kind) or not schema.all_clash(a.classes, b.classes):
                continue
            link, other = (b, a) if b.kind == "range" else (a, b)
            if other.kind == "type":
                for culprit in link.sources:
                    if culprit not in found:
                        found[culprit] = _wrong_link(culprit, link, node, other, schema)
            else:
                found[node] = _describe_pair(node, other, link, schema)
            break
    return sorted(found.items(), key=lambda kv: str(kv[0]))


_RANK = {"type": 0, "domain": 1, "range": 2}


def _ranked_pairs(constraints: list) -> list:
    """All pairs, the most telling first: two types, a type and a property, two properties,
    then pairs with links from other nodes."""
    pairs = [
        (a, b) if _RANK[a.kind] <= _RANK[b.kind] else (b, a)
        for i, a in enumerate(constraints) for b in constraints[i + 1 :]
    ]
    return sorted(pairs, key=lambda ab: (_RANK[ab[0].kind] + _RANK[ab[1].kind], _RANK[ab[0].kind]))


def _pairwise(node, constraints: list, schema: Schema) -> Reason | None:
    for a, b in _ranked_pairs(constraints):
        if schema.all_clash(a.classes, b.classes):
            return _describe_pair(node, a, b, schema)
    return None


def _describe(c: _Constraint, lang: str, schema: Schema) -> str:
    lab, names = schema.label, schema.names
    if lang == "da":
        if c.kind == "type":
            return f"er angivet som {names(c.classes, 'da')}"
        if c.kind == "domain":
            return f"har egenskaben {lab(c.prop, 'da')}, der kun bruges på {names(c.classes, 'da')}"
        return (f"er værdi af {lab(c.prop, 'da')} på {_some(c.sources, 'da', schema)}, "
                f"der skal pege på {names(c.classes, 'da')}")
    if c.kind == "type":
        return f"is typed {names(c.classes, 'en')}"
    if c.kind == "domain":
        return f"has the property {lab(c.prop, 'en')}, which is only used on {names(c.classes, 'en')}"
    return (f"is the value of {lab(c.prop, 'en')} on {_some(c.sources, 'en', schema)}, "
            f"which must point to {names(c.classes, 'en')}")


def _some(nodes: tuple, lang: str, schema: Schema, limit: int = 3) -> str:
    words = [schema.label(n, lang) for n in nodes[:limit]]
    if len(nodes) > limit:
        words.append(f"{len(nodes) - limit} {'andre' if lang == 'da' else 'more'}")
    return ", ".join(words)


def _describe_pair(node, a: _Constraint, b: _Constraint, schema: Schema) -> Reason:
    lab = schema.label
    related = tuple(sorted({str(x) for c in (a, b) for x in c.sources}))
    if a.kind == b.kind == "type":
        return Reason(
            f"{lab(node, 'da')} er angivet som både {schema.names(a.classes, 'da')} og "
            f"{schema.names(b.classes, 'da')}, men de to klasser udelukker hinanden.",
            f"{lab(node, 'en')} is typed both {schema.names(a.classes, 'en')} and "
            f"{schema.names(b.classes, 'en')}, but the two classes are disjoint.",
            related,
        )
    return Reason(
        f"{lab(node, 'da')} {_describe(a, 'da', schema)}, men {_describe(b, 'da', schema)}"
        " – det udelukker hinanden.",
        f"{lab(node, 'en')} {_describe(a, 'en', schema)}, but {_describe(b, 'en', schema)}"
        " – the two are disjoint.",
        related,
    )


def _wrong_link(culprit, link: _Constraint, target, typed: _Constraint, schema: Schema) -> Reason:
    lab, names = schema.label, schema.names
    return Reason(
        f"{lab(culprit, 'da')} har {lab(link.prop, 'da')} = {lab(target, 'da')}, men "
        f"{lab(target, 'da')} er {names(typed.classes, 'da')}, og {lab(link.prop, 'da')} "
        f"skal pege på {names(link.classes, 'da')}.",
        f"{lab(culprit, 'en')} has {lab(link.prop, 'en')} = {lab(target, 'en')}, but "
        f"{lab(target, 'en')} is {names(typed.classes, 'en')} and {lab(link.prop, 'en')} "
        f"must point to {names(link.classes, 'en')}.",
        (str(target),),
    )


def _own_values(node, graph: Graph, schema: Schema) -> Reason | None:
    """A literal outside its property's range, or two different values of a functional
    property."""
    lab = schema.label
    for p, o in sorted(graph.predicate_objects(node)):
        if not isinstance(o, Literal) or not schema.is_owl_property(p):
            continue
        for rng in graph.objects(p, RDFS.range):
            if isinstance(rng, URIRef) and _wrong_datatype(o, rng):
                dt = rng.n3(graph.namespace_manager)
                return Reason(
                    f"{lab(node, 'da')}: værdien \"{o}\" for {lab(p, 'da')} skal være af typen {dt}.",
                    f"{lab(node, 'en')}: the value \"{o}\" for {lab(p, 'en')} must be of type {dt}.",
                )
    for p in sorted(set(graph.predicates(node, None))):
        if (p, RDF.type, OWL.FunctionalProperty) not in graph:
            continue
        values = sorted(set(graph.objects(node, p)))
        if any(schema.different(a, b) for i, a in enumerate(values) for b in values[i + 1 :]):
            return Reason(
                f"{lab(node, 'da')} har flere værdier for {lab(p, 'da')}, som kun må have én.",
                f"{lab(node, 'en')} has several values for {lab(p, 'en')}, which may only have one.",
            )
    return None


def explain(iri, others: tuple[str, ...], graph: Graph, schema: Schema, blamed: set) -> Reason:
    """Why ``iri`` (in a minimal contradiction with ``others``, found by HermiT) contradicts
    the ontology: a schema-level reason when one exists, else a general one."""
    for node, reason in static_contradictions(graph, schema, {iri}):
        if node == iri and not (set(reason.related) & {str(b) for b in blamed}):
            return Reason(reason.besked_da, reason.besked_en, tuple(sorted(set(reason.related) | set(others))))
    lab = schema.label
    with_da = f" sammen med {', '.join(others)}" if others else ""
    with_en = f" together with {', '.join(others)}" if others else ""
    return Reason(
        f"Beskrivelsen af {lab(iri, 'da')}{with_da} strider mod ontologien (fx en forkert "
        "klasse, en egenskab brugt på den forkerte slags element, eller en værdi uden for "
        "kodelisten).",
        f"The description of {lab(iri, 'en')}{with_en} contradicts the ontology (e.g. a "
        "wrong class, a property used on the wrong kind of element, or a value outside the "
        "code list).",
        others,
    )


def _literal_key(lit: Literal) -> tuple:
    dt = lit.datatype or (None if lit.language else XSD.string)
    return (str(lit), dt, lit.language)


def _wrong_datatype(lit: Literal, rng: URIRef) -> bool:
    """True when HermiT would reject ``lit`` for a range ``rng`` it checks."""
    dt = lit.datatype or (None if lit.language else XSD.string)
    if rng in _NUMERIC:
        return dt not in _NUMERIC
    if rng == XSD.boolean:
        return dt != XSD.boolean
    if rng == XSD.string:
        return dt != XSD.string
    return False
