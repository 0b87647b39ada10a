"""Fra SHACL til SPARQL / compiles the shapes graph into the oxigraph engine's plan: SPARQL SELECT queries, one per constraint.

Each query returns the focus node (``?this``), and where SHACL reports one the value node
(``?value``) and, for SPARQL-based constraints, the ``?path`` it binds. A top-level shape's focus
nodes come from its targets (``sh:targetClass`` with ``rdfs:subClassOf*``, ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, implicit class targets); a nested shape
(``sh:node``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``, ``sh:qualifiedValueShape``) becomes a
boolean SPARQL expression "this node conforms". Semantics follow SHACL 1.0 and SPARQL 1.1, not a
library's literal handling (docs/shacl.md lists where the reference engine, pySHACL on rdflib,
differs):

* ``sh:datatype``: a literal of the right datatype must also be well-formed (``shacl_datatypes``,
  XSD 1.1's lexical spaces). pyoxigraph keeps an ill-typed literal such as ``"abc"^^xsd:date`` as it
  is, so the engine first marks every ill-typed literal that reaches a check in the graph
  ``ILL_TYPED`` and the queries test ``NOT EXISTS { GRAPH ILL_TYPED { ... } }``.
* ``sh:minInclusive`` … and ``sh:lessThan``/``sh:lessThanOrEquals`` compare with SPARQL's operators;
  where the comparison is an error (unrelated datatypes, an IRI, an ill-typed literal) the value
  violates the constraint (SHACL §4.3, §4.5.3).
* comparisons inside ``sh:sparql`` constraints are SPARQL's: an error makes a FILTER false;
  ``$this`` is joined with the targets (``shacl_sparql.inject_focus``).

The SPARQL text itself – terms, reading and rewriting a constraint's own query – is ``shacl_sparql``.
SPARQL-based constraint components (SHACL §6) are read by ``shacl_components``; their validators
become queries run per focus node with the parameters pre-bound. Over 500 lines because
``_Compiler`` is one walk over the SHACL core vocabulary: each constraint component is a few lines
of it, and splitting it by component would scatter one recursion.

A shape using anything else (``sh:target``, SHACL-AF, a component in a nested shape …) raises
``ShapesError``: an engine must never skip a rule silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .namespaces import OWL as _OWL, RDF as _RDF, RDFS as _RDFS, SH as _SH, XSD as _XSD
from .shacl_components import bindings, read_components
from .shacl_datatypes import RECOGNISED
from .shacl_graph import ShapesIndex, Terms
from .shacl_sparql import Unparsable, as_select, assume_this_bound, inject_focus, inspect_sparql, project, term, unsupported

OWL, RDF, RDFS, SH, XSD = (Terms(n) for n in (_OWL, _RDF, _RDFS, _SH, _XSD))

ILL_TYPED = URIRef("urn:arkitektur:ugyldige-literaler")
ILL_TYPED_S = URIRef("urn:arkitektur:ugyldige-literaler#holder")
ILL_TYPED_P = URIRef("urn:arkitektur:ugyldige-literaler#vaerdi")
# Integers a file wrote with a type derived from xsd:integer ("5"^^xsd:long): pyoxigraph keeps them
# as xsd:integer, so the engine marks each value with the datatype it was written with (predicate).
WRITTEN_INTEGERS = URIRef("urn:arkitektur:skrevne-heltal")
INTEGER_SUBTYPES = {XSD[n] for n in (
    "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
# The datatypes whose ill-typed literals a comparison (sh:minInclusive …, sh:lessThan) must see.
RANGE_DATATYPES = {URIRef(d) for d in RECOGNISED}
# The named graph the shapes graph is copied into for queries that read $shapesGraph (SHACL §5.3.1).
SHAPES_GRAPH = URIRef("urn:arkitektur:formgraf")
# The named graphs holding the focus nodes of a shape with several targets (``FocusSet``): one per
# shape, ``<FOCUS_NODE> <FOCUS_NODE> ?this``.
FOCUS_GRAPHS = "urn:arkitektur:fokus#"
FOCUS_NODE = "urn:arkitektur:fokus"

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# Parameters that configure a shape but are no constraint of their own.
_NON_CONSTRAINTS = {
    RDF.type, SH.path, SH.severity, SH.message, SH.name, SH.description, SH.deactivated, SH.order,
    SH.group, SH.defaultValue, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
    SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint, SH.flags,
    SH.ignoredProperties, SH.property, SH.prefixes, SH.declare,
}
_KNOWN_CONSTRAINTS = {
    SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.hasValue, SH.minCount, SH.maxCount,
    SH.minLength, SH.maxLength, SH.pattern, SH.languageIn, SH.uniqueLang, SH.minInclusive,
    SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.node, SH["not"], SH["and"], SH["or"],
    SH.xone, SH.qualifiedValueShape, SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals,
    SH.closed, SH.sparql,
}
# Datatypes with no ill-typed literals (every string is in xsd:string's lexical space).
_NEVER_ILL_TYPED = {XSD.string, RDF.langString, RDFS.Literal, RDFS.Datatype}
_MAX_COUNT_VARS = 4
_TRUE = Literal(True)  # built once: an rdflib Literal costs microseconds, asked hundreds of times per shape


@dataclass(frozen=True)
class FocusSet:
    """The focus nodes of a shape with several targets, found once: ``update`` (SPARQL Update)
    fills the named graph ``graph``, which the shape's core constraint queries read; the engine runs
    it before them and removes the graph afterwards."""

    graph: str
    update: str
    # The same targets as (kind, term): "class", "node", "subjects", "objects" – for a small store
    # the engine finds the nodes by pattern lookups instead (``engine_oxigraph._fill_focus_set``).
    targets: tuple = ()


@dataclass(frozen=True)
class Query:
    """One SELECT; its rows are results of ``shape`` (``kind`` says how to read them)."""

    text: str
    shape: Node
    severity: Node
    path: Node | None          # the result path (the property shape's sh:path), if any
    kind: str                  # "value": ?value is the value node; "focus": value = focus; "none"
    constraint: Node | None = None   # the sh:sparql node, for its messages
    component: Node | None = None    # the result's sh:sourceConstraintComponent
    # Set when ``text`` must run once per focus node with $this substituted (SHACL pre-binding):
    # the query giving the focus nodes. Else ``text`` is already joined with the targets.
    focus_query: str | None = None
    # Literal focus nodes as the shapes graph writes them (the store hands back canonical forms).
    literal_targets: tuple = ()
    # Further pre-bound variables: (name, term) – a component's parameters, $currentShape, $shapesGraph.
    bindings: tuple = ()
    # The FocusSet whose named graph ``text`` reads its focus nodes from (filled before the query runs).
    focus_set: FocusSet | None = None


@dataclass
class Plan:
    queries: list[Query] = field(default_factory=list)
    datatypes: set = field(default_factory=set)  # datatypes to mark ill-typed literals of
    # The predicates whose objects reach an sh:datatype check (None among them: any triple).
    datatype_predicates: set = field(default_factory=set)
    shapes_graph: bool = False  # some query reads $shapesGraph: copy the shapes into SHAPES_GRAPH
    integer_types: bool = False  # sh:datatype of xsd:integer or a subtype: mark WRITTEN_INTEGERS
    focus_sets: list = field(default_factory=list)  # FocusSets, filled before the queries run
    # The indexed shapes graph, for the results' messages (read faster than from rdflib's store).
    index: object = field(default=None, repr=False, compare=False)


def compile_shapes(shapes: Graph, triples: list | None = None) -> Plan:
    """Compile every active shape with a target; raise ``ShapesError`` for what cannot be compiled.
    ``triples``: the graph's triples, if the caller has read them already."""
    index = ShapesIndex(shapes, triples)
    plan = _Compiler(index).run()
    plan.index = index
    return plan


def component_of(parameter: Node) -> URIRef:
    """The SHACL constraint component a core parameter belongs to (sh:minCount → sh:MinCountConstraintComponent)."""
    local = str(parameter)[len(str(SH)):]
    return SH[local[0].upper() + local[1:] + "ConstraintComponent"]


def _string(text: str) -> str:
    return term(Literal(text))


class _Compiler:
    def __init__(self, g: ShapesIndex) -> None:
        self.g = g
        self.n = 0
        self.value_predicate: Node | None = None  # the path the current value nodes came by
        self.plan = Plan()
        self.literal_targets: tuple = ()  # of the top-level shape being compiled
        self.context: tuple = ()  # focus variables of enclosing property shapes, projected too
        self.focus_set: FocusSet | None = None  # of the top-level shape being compiled
        self._target_parts: dict = {}  # (shape, variable) -> target patterns
        self._conforms: dict = {}  # (shape, value predicate) -> a written expression (``conforms``)
        self._expanding: set = set()  # the shapes ``conforms`` is writing out: one met again is recursive
        self.components = read_components(g)  # SPARQL-based constraint components (SHACL §6)

    # ---- helpers ---------------------------------------------------------------------------
    def var(self, stem: str = "v") -> str:
        self.n += 1
        return f"?ark_{stem}{self.n}"

    def one(self, node: Node, p: URIRef) -> Node | None:
        values = list(self.g.objects(node, p))
        if len(values) > 1:
            raise unsupported(node, f"flere værdier for {p.n3()} / several values of {p.n3()}")
        return values[0] if values else None

    def items(self, node: Node) -> list:
        return self.g.items(node)

    def deactivated(self, shape: Node) -> bool:
        return (shape, SH.deactivated, _TRUE) in self.g

    def severity(self, shape: Node) -> Node:
        return self.one(shape, SH.severity) or SH.Violation

    def path(self, node: Node) -> str:
        """A SHACL property path as a SPARQL property path."""
        if isinstance(node, URIRef):
            return term(node)
        if not isinstance(node, BNode):
            raise unsupported(node, "en sti, der ikke er en IRI eller blank knude / a path that is no IRI or blank node")
        if (node, RDF.first, None) in self.g:
            return "(" + "/".join(self.path(p) for p in self.items(node)) + ")"
        for p, op in ((SH.inversePath, "^"), (SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"),
                      (SH.zeroOrOnePath, "?")):
            inner = self.one(node, p)
            if inner is not None:
                return f"^({self.path(inner)})" if op == "^" else f"({self.path(inner)}){op}"
        alt = self.one(node, SH.alternativePath)
        if alt is not None:
            return "(" + "|".join(self.path(p) for p in self.items(alt)) + ")"
        raise unsupported(node, "en ukendt stiform / an unknown path form")

    def targets(self, shape: Node, var: str = "?this") -> str | None:
        """A pattern binding ``var`` to each focus node of ``shape``'s targets (None: no target)."""
        parts = self.target_parts(shape, var)
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return " UNION ".join("{ " + p + " }" for p in parts)

    def target_parts(self, shape: Node, var: str) -> list[str]:
        """One pattern per target of ``shape`` (remembered: every query of the shape asks again)."""
        key = (shape, var)
        hit = self._target_parts.get(key)
        if hit is None:
            hit = self._target_parts[key] = self._find_target_parts(shape, var)
        return hit

    def _find_target_parts(self, shape: Node, var: str) -> list[str]:
        if (shape, SH.target, None) in self.g:
            raise unsupported(shape, "sh:target (SHACL-AF)")
        parts = []
        for kind, t in self.target_terms(shape):
            if kind == "class":
                parts.append(self.instances(var, t))
            elif kind == "node":
                parts.append(f"VALUES {var} {{ {term(t)} }}")
            elif kind == "subjects":
                parts.append(f"{var} {term(t)} ?ark_target .")
            else:  # "objects"
                parts.append(f"?ark_target {term(t)} {var} .")
        return parts

    def target_terms(self, shape: Node) -> tuple:
        """``shape``'s targets as (kind, term): ``target_parts`` writes each in SPARQL, and
        ``engine_oxigraph._fill_focus_set`` looks each up."""
        out = [("class", c) for c in sorted(self.g.objects(shape, SH.targetClass), key=str)]
        out += [("node", n) for n in sorted(self.g.objects(shape, SH.targetNode), key=str)]
        out += [("subjects", p) for p in sorted(self.g.objects(shape, SH.targetSubjectsOf), key=str)]
        out += [("objects", p) for p in sorted(self.g.objects(shape, SH.targetObjectsOf), key=str)]
        if ((shape, RDF.type, RDFS.Class) in self.g or (shape, RDF.type, OWL.Class) in self.g) and isinstance(
                shape, URIRef):
            out.append(("class", shape))
        return tuple(out)

    def instances(self, var: str, c: Node) -> str:
        """``var`` an instance of ``c`` or a subclass, as two patterns: written as one path
        (``rdf:type/rdfs:subClassOf*``), pyoxigraph chose between a fast and a 4× slower plan for
        MOD-2 from run to run; with the class variable it starts from ``c``'s subclasses."""
        k = self.var("klasse")
        return f"{var} <{RDF.type}> {k} . {k} <{RDFS.subClassOf}>* {term(c)} ."

    def check_parameters(self, shape: Node) -> None:
        own_constraint = (shape, SH.sparql, shape) in self.g  # a shape that is its own SPARQL constraint
        for p in set(self.g.predicates(shape, None)):
            if own_constraint and p == SH.select:
                continue
            if str(p).startswith(str(SH)) and p not in _KNOWN_CONSTRAINTS and p not in _NON_CONSTRAINTS:
                raise unsupported(shape, p.n3())

    # ---- the whole plan --------------------------------------------------------------------
    def run(self) -> Plan:
        shapes = set()
        for t in _TARGETS:
            shapes.update(self.g.subjects(t, None))
        for kind in (SH.NodeShape, SH.PropertyShape):
            for s in self.g.subjects(RDF.type, kind):
                if (s, RDF.type, RDFS.Class) in self.g or (s, RDF.type, OWL.Class) in self.g:
                    shapes.add(s)
        shapes.update(self.g.subjects(SH.target, None))
        for shape in sorted(shapes, key=str):
            if self.deactivated(shape) or self.targets(shape) is None:
                continue
            self.literal_targets = tuple(sorted((n for n in self.g.objects(shape, SH.targetNode)
                                                 if isinstance(n, Literal)), key=str))
            inline = lambda var, shape=shape: self.targets(shape, var)  # noqa: E731
            if len(self.target_parts(shape, "?this")) < 2:
                self.focus_set = None
                self.emit(shape, inline)
                continue
            # Several targets: their UNION is found once (FocusSet) and each core constraint reads
            # the focus nodes from a named graph – planning the UNION again in every constraint's
            # query cost more than the constraints (SHACL-for-SHACL's 43 targets: docs/ydelse.md).
            # The SHACL-SPARQL queries keep the targets inline: a named graph would be visible to them.
            graph = f"{FOCUS_GRAPHS}{len(self.plan.focus_sets)}"
            self.focus_set = FocusSet(graph, f"INSERT {{ GRAPH <{graph}> {{ <{FOCUS_NODE}> <{FOCUS_NODE}> ?this }} }} "
                                             f"WHERE {{ {self.targets(shape, '?this')} }}", self.target_terms(shape))
            first = len(self.plan.queries)
            self.emit(shape, lambda var, g=graph: f"GRAPH <{g}> {{ <{FOCUS_NODE}> <{FOCUS_NODE}> {var} }}", inline_of=inline)
            if any(q.focus_set is not None for q in self.plan.queries[first:]):  # (not only SHACL-SPARQL)
                self.plan.focus_sets.append(self.focus_set)
        return self.plan

    def emit(self, shape: Node, focus_of, context: tuple = (), inline_of=None) -> None:
        """Queries for ``shape``'s constraints and its property shapes; ``focus_of(var)`` binds the focus.

        ``context``: the focus variables of the property shapes around this one. SHACL validates a
        nested property shape once per value node of each outer focus node, so one value reached
        from two outer focus nodes gives two results; projecting the outer variables keeps them apart.
        ``inline_of``: as ``focus_of``, with the targets written out, for the SHACL-SPARQL queries
        (default ``focus_of``; see ``FocusSet``).
        """
        inline_of = inline_of or focus_of
        self.check_parameters(shape)
        self.context = context
        path_node = self.one(shape, SH.path)
        if path_node is not None:
            self.emit_property(shape, path_node, focus_of("?this"), inline_of("?this"))
        else:
            self.emit_node(shape, focus_of("?this"), inline_of("?this"))
        self.emit_components(shape, inline_of("?this"), path_node)
        for prop in sorted(self.g.objects(shape, SH.property), key=str):
            if self.deactivated(prop):
                continue
            if self.one(prop, SH.path) is None:
                raise unsupported(prop, "sh:property uden sh:path / sh:property without sh:path")
            if path_node is None:
                self.emit(prop, focus_of, context, inline_of)
            else:  # the property shapes of a property shape see its value nodes as focus nodes
                outer = self.var("f")

                def inner(var, outer=outer, path=self.path(path_node), of=focus_of):
                    return f"{{ {of(outer)} }} {outer} {path} {var} ."

                def inner_inline(var, outer=outer, path=self.path(path_node), of=inline_of):
                    return f"{{ {of(outer)} }} {outer} {path} {var} ."

                self.emit(prop, inner, context + (outer,), inner_inline)

    def add(self, text: str, shape: Node, path: Node | None, kind: str, **extra) -> None:
        if self.context and kind not in ("sparql", "ask"):
            text = text.replace("SELECT DISTINCT ?this", "SELECT DISTINCT ?this " + " ".join(self.context), 1)
        reads = self.focus_set is not None and f"<{self.focus_set.graph}>" in text
        self.plan.queries.append(Query(text=text, shape=shape, severity=self.severity(shape), path=path,
                                       kind=kind, literal_targets=self.literal_targets,
                                       focus_set=self.focus_set if reads else None, **extra))

    # ---- node shapes -------------------------------------------------------------------------
    def emit_node(self, shape: Node, focus: str, inline: str) -> None:
        self.value_predicate = None
        for p, o in sorted(self.g.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))):
            if p not in _KNOWN_CONSTRAINTS:
                continue
            if p == SH.sparql:
                self.emit_sparql(shape, o, inline, None)
            elif p == SH.closed:
                if o == _TRUE:
                    self.emit_closed(shape, focus)
            elif p == SH.equals:  # the focus node is the one value node (SHACL §4.5.1)
                other = self.path(o)
                text = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {other} ?value . FILTER(!sameTerm(?value, ?this)) }}"
                self.add(text, shape, None, "value", component=component_of(p))
                text = f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {other} ?this }} }}"
                self.add(text, shape, None, "focus", component=component_of(p))
            elif p == SH.disjoint:
                text = f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {self.path(o)} ?this . BIND(?this AS ?value) }}"
                self.add(text, shape, None, "value", component=component_of(p))
            else:
                if p in (SH.minCount, SH.maxCount, SH.qualifiedValueShape, SH.uniqueLang,
                         SH.lessThan, SH.lessThanOrEquals):
                    raise unsupported(shape, f"{p.n3()} på en knudeform / {p.n3()} on a node shape")
                ok = self.value_ok(shape, p, o, "?this")
                # sh:hasValue reports no value: what is wrong is the value that is missing.
                self.add(f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER(!({ok})) }}", shape, None,
                         "none" if p == SH.hasValue else "focus", component=component_of(p))

    def closed_allowed(self, shape: Node, p: str) -> str:
        """An expression: predicate ``p`` is allowed by ``shape``'s sh:closed (its property shapes'
        IRI paths and sh:ignoredProperties)."""
        allowed = {p for prop in self.g.objects(shape, SH.property) for p in self.g.objects(prop, SH.path)
                   if isinstance(p, URIRef)}
        ignored = self.one(shape, SH.ignoredProperties)
        if ignored is not None:
            allowed.update(self.items(ignored))
        return " || ".join(f"sameTerm({p}, {term(a)})" for a in sorted(allowed, key=str)) or "false"

    def emit_closed(self, shape: Node, focus: str) -> None:
        cond = f"!({self.closed_allowed(shape, '?ark_p')})"
        text = (f"SELECT DISTINCT ?this ?value ?path WHERE {{ {focus} ?this ?ark_p ?value . "
                f"FILTER({cond}) BIND(?ark_p AS ?path) }}")
        self.add(text, shape, None, "closed", component=SH.ClosedConstraintComponent)

    # ---- property shapes ---------------------------------------------------------------------
    def emit_property(self, shape: Node, path_node: Node, focus: str, inline: str) -> None:
        path = self.path(path_node)
        self.value_predicate = path_node if isinstance(path_node, URIRef) else None
        head = "SELECT DISTINCT ?this"
        f = "?this"
        for p, o in sorted(self.g.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))):
            if p not in _KNOWN_CONSTRAINTS:
                continue
            if p == SH.sparql:
                self.emit_sparql(shape, o, inline, path_node)
                continue
            if p in (SH.lessThan, SH.lessThanOrEquals):
                # SHACL §4.5.3/4: a result per pair where ?value < ?other (<=) is not true by
                # SPARQL's operator – an error (unrelated types, an ill-typed literal) included.
                ok = self.compares(p, "?value", "<" if p == SH.lessThan else "<=", "?other", o)
                text = (f"{head} ?value ?other WHERE {{ {focus} {f} {path} ?value . "
                        f"{f} {self.path(o)} ?other . FILTER(!({ok})) }}")
                self.add(text, shape, path_node, "value", component=component_of(p))
                continue
            if p == SH.equals:
                other = self.path(o)
                text = (f"{head} ?value WHERE {{ {focus} {{ {f} {path} ?value . "
                        f"FILTER NOT EXISTS {{ {f} {other} ?value }} }} UNION {{ {f} {other} ?value . "
                        f"FILTER NOT EXISTS {{ {f} {path} ?value }} }} }}")
                self.add(text, shape, path_node, "value", component=component_of(p))
                continue
            if p == SH.disjoint:
                text = f"{head} ?value WHERE {{ {focus} {f} {path} ?value . {f} {self.path(o)} ?value . }}"
                self.add(text, shape, path_node, "value", component=component_of(p))
                continue
            if p == SH.uniqueLang:  # one result per duplicated language (SHACL §4.4.2)
                if o == _TRUE:
                    text = (f"{head} ?ark_lang WHERE {{ {focus} {f} {path} ?ark_a . {f} {path} ?ark_b . "
                            f"FILTER(!sameTerm(?ark_a, ?ark_b) && LANG(?ark_a) != \"\" && "
                            f"LCASE(LANG(?ark_a)) = LCASE(LANG(?ark_b))) BIND(LCASE(LANG(?ark_a)) AS ?ark_lang) }}")
                    self.add(text, shape, path_node, "none", component=component_of(p))
                continue
            if p == SH.qualifiedValueShape:  # one result per count (W3C: two components)
                for which in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
                    n = None if self.one(shape, which) is None else self.qualified_limit(shape, which)
                    if n is None:
                        continue
                    if n + (which == SH.qualifiedMaxCount) <= 2:  # one or two variables: joined
                        text = f"{head} WHERE {{ {focus} FILTER({self.qualified_violation(shape, o, f, path, which)}) }}"
                    else:
                        text = self.qualified_count(head, focus, shape, o, path, which)
                    self.add(text, shape, path_node, "none", component=component_of(which))
                continue
            violation = self.count_violation(shape, p, o, f, path)
            if violation is not None:
                if violation != "false":
                    self.add(f"{head} WHERE {{ {focus} FILTER({violation}) }}", shape, path_node, "none",
                             component=component_of(p))
                continue
            ok = self.value_ok(shape, p, o, "?value")
            text = f"{head} ?value WHERE {{ {focus} {f} {path} ?value . FILTER(!({ok})) }}"
            self.add(text, shape, path_node, "value", component=component_of(p))

    def count_violation(self, shape: Node, p: Node, o: Node, f: str, path: str) -> str | None:
        """A focus-level violation expression, or None when ``p`` is judged per value node."""
        if p == SH.minCount:
            return self.too_few(shape, f, path, int(o), None)
        if p == SH.maxCount:
            return self.too_many(shape, f, path, int(o), None)
        if p == SH.hasValue:
            return f"NOT EXISTS {{ {f} {path} {term(o)} }}"
        if p == SH.uniqueLang:
            if o != _TRUE:
                return "false"
            a, b = self.var(), self.var()
            return (f"EXISTS {{ {f} {path} {a} . {f} {path} {b} . FILTER(!sameTerm({a}, {b}) && "
                    f"LANG({a}) != \"\" && LCASE(LANG({a})) = LCASE(LANG({b}))) }}")
        if p == SH.qualifiedValueShape:
            parts = [self.qualified_violation(shape, o, f, path, which)
                     for which in (SH.qualifiedMinCount, SH.qualifiedMaxCount) if self.one(shape, which) is not None]
            parts = [x for x in parts if x != "false"]
            return " || ".join(f"({x})" for x in parts) if parts else "false"
        return None

    def qualified_violation(self, shape: Node, o: Node, f: str, path: str, which: Node) -> str:
        """sh:qualifiedMinCount or sh:qualifiedMaxCount (``which``) of a sh:qualifiedValueShape ``o``."""
        n = int(self.one(shape, which))
        if which == SH.qualifiedMinCount:
            return self.too_few(shape, f, path, n, lambda v: self.qualified_conforms(shape, o, v))
        return self.too_many(shape, f, path, n, lambda v: self.qualified_conforms(shape, o, v))

    def qualified_conforms(self, shape: Node, o: Node, v: str) -> str:
        """An expression: ``v`` conforms to the qualified value shape ``o`` (and to none of its
        siblings, with sh:qualifiedValueShapesDisjoint)."""
        cond = self.conforms(o, v)
        if (shape, SH.qualifiedValueShapesDisjoint, _TRUE) in self.g:
            for sibling in self.siblings(shape):
                cond = f"({cond}) && !({self.conforms(sibling, v)})"
        return cond

    def qualified_limit(self, shape: Node, which: Node) -> int | None:
        """The count of ``which``; None where it can never be violated (a minimum of 0). The same
        limits as the nested form (``too_few``/``too_many``), so the same shapes are refused."""
        n = int(self.one(shape, which))
        if which == SH.qualifiedMinCount:
            if n <= 0:
                return None
            if n > _MAX_COUNT_VARS:
                raise unsupported(shape, f"en minimumsgrænse over {_MAX_COUNT_VARS} / a minimum above {_MAX_COUNT_VARS}")
        elif n + 1 > _MAX_COUNT_VARS + 1:
            raise unsupported(shape, f"en maksimumsgrænse over {_MAX_COUNT_VARS} / a maximum above {_MAX_COUNT_VARS}")
        return n

    def qualified_count(self, head: str, focus: str, shape: Node, o: Node, path: str, which: Node) -> str:
        """The query of a property shape's qualified count of three or more: the conforming value
        nodes counted per focus node. (Elsewhere a count is n distinct variables, ``qualified_violation``,
        whose join grows as values^n – 25 ms for W3C's five fingers; the shipped rules count to 1.)"""
        n = self.qualified_limit(shape, which)
        q, count = self.var("q"), self.var("antal")
        inner = (f"{{ SELECT ?this (COUNT(DISTINCT {q}) AS {count}) WHERE {{ {focus} ?this {path} {q} . "
                 f"FILTER({self.qualified_conforms(shape, o, q)}) }} GROUP BY ?this }}")
        op = "<" if which == SH.qualifiedMinCount else ">"
        return f"{head} WHERE {{ {focus} OPTIONAL {inner} FILTER(COALESCE({count}, 0) {op} {n}) }}"

    def siblings(self, shape: Node) -> list:
        out = []
        for parent in self.g.subjects(SH.property, shape):
            for other in self.g.objects(parent, SH.property):
                if other != shape:
                    out.extend(self.g.objects(other, SH.qualifiedValueShape))
        return out

    def too_few(self, shape: Node, f: str, path: str, n: int, conforms) -> str:
        if n <= 0:
            return "false"
        if n > _MAX_COUNT_VARS:
            raise unsupported(shape, f"en minimumsgrænse over {_MAX_COUNT_VARS} / a minimum above {_MAX_COUNT_VARS}")
        vs = [self.var() for _ in range(n)]
        return f"NOT EXISTS {{ {self.distinct_values(f, path, vs, conforms)} }}"

    def too_many(self, shape: Node, f: str, path: str, n: int, conforms) -> str:
        if n + 1 > _MAX_COUNT_VARS + 1:
            raise unsupported(shape, f"en maksimumsgrænse over {_MAX_COUNT_VARS} / a maximum above {_MAX_COUNT_VARS}")
        vs = [self.var() for _ in range(n + 1)]
        return f"EXISTS {{ {self.distinct_values(f, path, vs, conforms)} }}"

    def distinct_values(self, f: str, path: str, vs: list[str], conforms) -> str:
        body = " ".join(f"{f} {path} {v} ." for v in vs)
        conds = [f"!sameTerm({a}, {b})" for i, a in enumerate(vs) for b in vs[i + 1:]]
        if conforms is not None:
            conds += [f"({conforms(v)})" for v in vs]
        return body + (f" FILTER({' && '.join(conds)})" if conds else "")

    # ---- value-node conditions -----------------------------------------------------------------
    def value_ok(self, shape: Node, p: Node, o: Node, v: str) -> str:
        """An expression: value node ``v`` satisfies constraint (``p``, ``o``) of ``shape``."""
        if p == SH["class"]:
            return f"EXISTS {{ {self.instances(v, o)} }}"
        if p == SH.datatype:
            return self.datatype_ok(o, v)
        if p == SH.nodeKind:
            kinds = {SH.IRI: f"isIRI({v})", SH.BlankNode: f"isBlank({v})", SH.Literal: f"isLiteral({v})",
                     SH.BlankNodeOrIRI: f"!isLiteral({v})", SH.BlankNodeOrLiteral: f"!isIRI({v})",
                     SH.IRIOrLiteral: f"!isBlank({v})"}
            if o not in kinds:
                raise unsupported(shape, f"sh:nodeKind {o}")
            return kinds[o]
        if p == SH["in"]:
            members = self.items(o)
            return " || ".join(f"sameTerm({v}, {term(m)})" for m in members) or "false"
        if p == SH.hasValue:
            return f"sameTerm({v}, {term(o)})"
        if p in (SH.minLength, SH.maxLength):
            op = ">=" if p == SH.minLength else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {int(o)})"
        if p == SH.pattern:
            flags = self.one(shape, SH.flags)
            extra = f", {_string(str(flags))}" if flags is not None else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {_string(str(o))}{extra}))"
        if p == SH.languageIn:
            langs = " || ".join(f"LANGMATCHES(LANG({v}), {_string(str(t))})" for t in self.items(o))
            return f"(isLiteral({v}) && LANG({v}) != \"\" && ({langs or 'false'}))"
        if p in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            # SHACL §4.3: the value node violates unless `$min <= v` (…) is true – so also where
            # the comparison is an error: unrelated datatypes, or an ill-typed literal.
            op = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}[p]
            return self.compares(p, v, op, term(o), None)
        if p == SH.node:
            return self.conforms(o, v)
        if p == SH["not"]:
            return f"!({self.conforms(o, v)})"
        if p == SH["and"]:
            return " && ".join(f"({self.conforms(s, v)})" for s in self.items(o)) or "true"
        if p == SH["or"]:
            return " || ".join(f"({self.conforms(s, v)})" for s in self.items(o)) or "false"
        if p == SH.xone:
            terms = " + ".join(f"IF({self.conforms(s, v)}, 1, 0)" for s in self.items(o)) or "0"
            return f"({terms}) = 1"
        raise unsupported(shape, f"{p.n3()} på en værdiknude / {p.n3()} on a value node")

    def compares(self, p: Node, a: str, op: str, b: str, other_path: Node | None) -> str:
        """An expression: ``a op b`` is true by SPARQL's operator (SPARQL 1.1 §17.3), an error
        counting as false. An ill-typed literal gives an error in SPARQL; pyoxigraph's Store keeps
        most as written (and errs), but stores an out-of-range ``"300"^^xsd:byte`` as the integer
        300 and reads ``"inf"^^xsd:double`` as INF – so a value marked ill-typed
        (``shacl_datatypes``, the marks of ``engine_oxigraph``) is never comparable."""
        self.plan.datatypes.update(RANGE_DATATYPES)
        self.plan.datatype_predicates.add(self.value_predicate)
        if other_path is not None:
            self.plan.datatype_predicates.add(other_path if isinstance(other_path, URIRef) else None)
        terms = [t for t in (a, b) if t.startswith("?")]
        ill = " || ".join(f"EXISTS {{ GRAPH {term(ILL_TYPED)} {{ {term(ILL_TYPED_S)} {term(ILL_TYPED_P)} {t} }} }}"
                          for t in terms)
        return f"(COALESCE({a} {op} {b}, false) && !({ill}))" if ill else f"COALESCE({a} {op} {b}, false)"

    def datatype_ok(self, d: Node, v: str) -> str:
        if d == RDFS.Literal:
            return f"isLiteral({v})"
        if d == RDFS.Datatype:
            return f"(isLiteral({v}) && LANG({v}) = \"\")"
        ok = f"(isLiteral({v}) && sameTerm(DATATYPE({v}), {term(d)})"
        if d in _NEVER_ILL_TYPED:
            return ok + ")"
        if d in INTEGER_SUBTYPES:  # stored as xsd:integer, marked with the type it was written with
            self.plan.integer_types = True
            ok = (f"(isLiteral({v}) && sameTerm(DATATYPE({v}), {term(XSD.integer)}) && EXISTS {{ GRAPH "
                  f"{term(WRITTEN_INTEGERS)} {{ {term(ILL_TYPED_S)} {term(d)} {v} }} }}")
        elif d == XSD.integer:
            self.plan.integer_types = True
            ok += (f" && NOT EXISTS {{ GRAPH {term(WRITTEN_INTEGERS)} {{ {term(ILL_TYPED_S)} "
                   f"{self.var('skrevet')} {v} }} }}")
        self.plan.datatypes.add(d)
        self.plan.datatype_predicates.add(self.value_predicate)
        return (ok + f" && NOT EXISTS {{ GRAPH {term(ILL_TYPED)} {{ {term(ILL_TYPED_S)} "
                f"{term(ILL_TYPED_P)} {v} }} }})")

    def conforms(self, shape: Node, v: str) -> str:
        """An expression: node ``v`` conforms to (nested) ``shape``.

        Written once per shape and then copied with ``v`` and its own variables renumbered – the
        very text a second walk would write (SHACL-for-SHACL's shapes nest ``shsh:ListShape`` 18
        times). The text does not depend on the enclosing value predicate; whether the shape's own
        node-level checks add that predicate to ``Plan.datatype_predicates`` is noted (a stand-in
        predicate during the first walk) and done again for each copy.
        """
        if shape in self._expanding:  # SHACL leaves the validation of recursive shapes undefined
            raise unsupported(shape, "rekursive former / recursive shapes")
        hit = self._conforms.get(shape)
        if hit is not None:
            text, old_v, start, end, reads_outer = hit
            if reads_outer:
                self.plan.datatype_predicates.add(self.value_predicate)
            return self._copy(text, old_v, start, end, v)
        start, outer = self.n, self.value_predicate
        self.value_predicate = stand_in = object()
        self._expanding.add(shape)
        try:
            text = self._conforms_text(shape, v)
        finally:
            self._expanding.discard(shape)
            self.value_predicate = outer
            reads_outer = stand_in in self.plan.datatype_predicates
            if reads_outer:
                self.plan.datatype_predicates.discard(stand_in)
                self.plan.datatype_predicates.add(outer)
        # (a copy renames variables in the text: only where no literal or IRI could hold a "?")
        if '"' not in text and "'" not in text and not _IRI_WITH_QUESTION.search(text):
            self._conforms[shape] = (text, v, start, self.n, reads_outer)
        return text

    def _copy(self, text: str, v: str, start: int, end: int, new_v: str) -> str:
        shift = self.n - start
        self.n += end - start

        def rename(m: re.Match) -> str:
            name = m.group(0)
            if name == v:
                return new_v
            number = m.group(2)
            if number is not None and start < int(number) <= end:
                return f"?ark_{m.group(1)}{int(number) + shift}"
            return name

        return _VARIABLE.sub(rename, text)

    def _conforms_text(self, shape: Node, v: str) -> str:
        if self.deactivated(shape):
            return "true"
        self.check_parameters(shape)
        self.refuse_components(shape)
        conds = []
        path_node = self.one(shape, SH.path)
        if path_node is not None:
            conds.append(self.property_conforms(shape, path_node, v))
        else:
            for p, o in sorted(self.g.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))):
                if p == SH.sparql:
                    raise unsupported(shape, "sh:sparql i en indlejret form / sh:sparql in a nested shape")
                if p == SH.closed:
                    if o == _TRUE:  # no triple of v with a predicate the shape does not allow
                        q, w = self.var("p"), self.var()
                        conds.append(f"NOT EXISTS {{ {v} {q} {w} . FILTER(!({self.closed_allowed(shape, q)})) }}")
                    continue
                if p in _KNOWN_CONSTRAINTS:
                    conds.append(self.value_ok(shape, p, o, v))
        for prop in self.g.objects(shape, SH.property):
            if self.deactivated(prop):
                continue
            self.check_parameters(prop)
            self.refuse_components(prop)
            p = self.one(prop, SH.path)
            if p is None:
                raise unsupported(prop, "sh:property uden sh:path / sh:property without sh:path")
            conds.append(self.property_conforms(prop, p, v))
        return " && ".join(f"({c})" for c in conds) or "true"

    def property_conforms(self, shape: Node, path_node: Node, f: str) -> str:
        path = self.path(path_node)
        outer, self.value_predicate = self.value_predicate, path_node if isinstance(path_node, URIRef) else None
        try:
            return self._property_conforms(shape, path, f)
        finally:
            self.value_predicate = outer

    def _property_conforms(self, shape: Node, path: str, f: str) -> str:
        conds = []
        for p, o in sorted(self.g.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))):
            if p not in _KNOWN_CONSTRAINTS:
                continue
            if p in (SH.sparql, SH.lessThan, SH.lessThanOrEquals, SH.closed):
                raise unsupported(shape, f"{p.n3()} i en indlejret form / {p.n3()} in a nested shape")
            if p == SH.equals:
                other, w = self.path(o), self.var()
                conds.append(f"NOT EXISTS {{ {{ {f} {path} {w} . FILTER NOT EXISTS {{ {f} {other} {w} }} }} "
                             f"UNION {{ {f} {other} {w} . FILTER NOT EXISTS {{ {f} {path} {w} }} }} }}")
                continue
            if p == SH.disjoint:
                w = self.var()
                conds.append(f"NOT EXISTS {{ {f} {path} {w} . {f} {self.path(o)} {w} . }}")
                continue
            violation = self.count_violation(shape, p, o, f, path)
            if violation is not None:
                if violation != "false":
                    conds.append(f"!({violation})")
                continue
            w = self.var()
            conds.append(f"NOT EXISTS {{ {f} {path} {w} . FILTER(!({self.value_ok(shape, p, o, w)})) }}")
        return " && ".join(f"({c})" for c in conds) or "true"

    # ---- SHACL-SPARQL --------------------------------------------------------------------------
    def emit_sparql(self, shape: Node, constraint: Node, focus: str, path_node: Node | None) -> None:
        if self.deactivated(constraint):
            return
        select = self.one(constraint, SH.select)
        if select is None:
            raise unsupported(shape, "sh:sparql uden sh:select / sh:sparql without sh:select")
        text = str(select)
        forbidden, substitute = inspect_sparql(text)
        if forbidden is not None:
            raise unsupported(shape, forbidden)
        extra = self.shape_bindings(shape, text)
        text = self.sparql_text(text, path_node)
        focus_query = None
        if substitute or extra:
            focus_query = f"SELECT DISTINCT ?this WHERE {{ {focus} }}"
            names = tuple(n for n, _ in extra)
            text = self.projected(assume_this_bound(text, ("this",) + names), names, shape)
        else:
            text = inject_focus(text, focus, shape)
        self.add(self.prologue(constraint) + text, shape, path_node, "sparql", constraint=constraint,
                 component=SH.SPARQLConstraintComponent, focus_query=focus_query, bindings=extra)

    def sparql_text(self, text: str, path_node: Node | None) -> str:
        """A constraint's or validator's query with ``$PATH`` substituted (SHACL §6.2.1). Its
        comparisons are SPARQL's own (pyoxigraph's operators): an ill-typed literal or literals of
        unrelated datatypes give an error, and a FILTER with an error is false (SPARQL 1.1 §17.2)."""
        if path_node is not None:
            text = re.sub(r"([\s{}()])[$?]PATH\b", lambda m: m.group(1) + self.path(path_node), text)
        return text

    def projected(self, text: str, names: tuple, owner: Node) -> str:
        try:
            return project(text, names)
        except Unparsable:
            raise unsupported(owner, "en sh:select, der ikke begynder med SELECT / a sh:select not starting "
                                     "with SELECT") from None

    def prologue(self, constraint: Node) -> str:
        return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.prefixes(constraint).items())

    def shape_bindings(self, shape: Node, text: str) -> tuple:
        """``$currentShape`` and ``$shapesGraph`` (SHACL §5.3.1), where the query uses them: the
        shapes graph is a named graph of the store while the query runs (``Plan.shapes_graph``)."""
        out = []
        if re.search(r"[?$]currentShape\b", text):
            out.append(("currentShape", shape))
        if re.search(r"[?$]shapesGraph\b", text):
            out.append(("shapesGraph", SHAPES_GRAPH))
            self.plan.shapes_graph = True
        return tuple(out)

    # ---- SPARQL-based constraint components (SHACL §6, ``shacl_components``) -------------------
    def emit_components(self, shape: Node, focus: str, path_node: Node | None) -> None:
        """A query per component that applies to ``shape`` (validator ASK: one row per value node
        for which it answers false; SELECT: its rows, as a sh:sparql constraint's)."""
        for c in self.components:
            params = bindings(self.g, c, shape)
            if params is None:
                continue
            validator = c.validator_for(path_node is not None)
            if validator is None or self.deactivated(validator):
                continue  # SHACL §6.2.3: no suitable validator, the constraint is ignored
            ask, select = self.one(validator, SH.ask), self.one(validator, SH.select)
            if (ask is None) == (select is None):
                raise unsupported(c.node, "en validator uden netop én sh:ask eller sh:select / "
                                          "a validator without exactly one sh:ask or sh:select")
            text = str(ask if ask is not None else select)
            names = ("value",) + tuple(p.name for p in c.parameters)
            forbidden, _ = inspect_sparql(text, names)
            if forbidden is not None:
                raise unsupported(c.node, forbidden)
            params = params + self.shape_bindings(shape, text)
            names = tuple(n for n, _ in params)
            text = assume_this_bound(self.sparql_text(text, path_node),
                                     ("this", "value") + names)
            if ask is not None:
                values = (f"{{ {focus} }} ?this {self.path(path_node)} ?value ." if path_node is not None
                          else f"{{ {focus} }} BIND(?this AS ?value)")
                focus_query, kind = f"SELECT DISTINCT ?this ?value WHERE {{ {values} }}", "ask"
                try:
                    text = as_select(text, ("this", "value") + names)
                except Unparsable:
                    raise unsupported(c.node, "en sh:ask, der ikke begynder med ASK / a sh:ask not starting "
                                              "with ASK") from None
            else:
                focus_query, kind = f"SELECT DISTINCT ?this WHERE {{ {focus} }}", "sparql"
                text = self.projected(text, names, c.node)
            self.add(self.prologue(validator) + text, shape, path_node, kind, constraint=validator,
                     component=c.node, focus_query=focus_query, bindings=params)

    def refuse_components(self, shape: Node) -> None:
        """A component in a shape reached through sh:node, sh:not … is refused: it would need the
        validator's query inside a boolean expression."""
        for c in self.components:
            if bindings(self.g, c, shape) is not None:
                raise unsupported(shape, "en SPARQL-baseret constraint component i en indlejret form / "
                                         "a SPARQL-based constraint component in a nested shape")

    def prefixes(self, constraint: Node) -> dict:
        # As pySHACL runs the query: rdflib's default namespaces of the data graph (initNs), then
        # rdf/rdfs/owl and the constraint's sh:prefixes as PREFIX lines.
        out = dict(_default_namespaces())
        out.update({"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)})
        # sh:prefixes, and what their owl:imports declare in the shapes graph (SHACL §5.2.1) –
        # followed inside the graph only: nothing is ever fetched.
        holders, todo = [], list(self.g.objects(constraint, SH.prefixes))
        while todo:
            holder = todo.pop()
            if holder not in holders:
                holders.append(holder)
                todo.extend(self.g.objects(holder, OWL.imports))
        for holder in holders:
            for decl in self.g.objects(holder, SH.declare):
                pfx, ns = self.one(decl, SH.prefix), self.one(decl, SH.namespace)
                if pfx is not None and ns is not None:
                    out[str(pfx)] = str(ns)
        return out


_VARIABLE = re.compile(r"\?(?:ark_([a-z]+)([0-9]+)\b|[A-Za-z_][A-Za-z0-9_]*)")
_IRI_WITH_QUESTION = re.compile(r"<[^<>\s]*\?[^<>\s]*>")

_DEFAULT_NS: dict = {}


def _default_namespaces() -> dict:
    if not _DEFAULT_NS:
        _DEFAULT_NS.update({str(p): str(ns) for p, ns in Graph().namespaces()})
    return _DEFAULT_NS

