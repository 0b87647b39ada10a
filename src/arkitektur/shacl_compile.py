"""Fra SHACL til SPARQL / compiles the shapes graph into SPARQL SELECT queries, one per constraint.

Each query returns the focus node (``?this``), and where SHACL reports one the value node
(``?value``) and, for SPARQL-based constraints, the ``?path`` it binds. A top-level shape's focus
nodes come from its targets (``sh:targetClass`` with ``rdfs:subClassOf*``, ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf``, implicit class targets); a nested shape
(``sh:node``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``, ``sh:qualifiedValueShape``) becomes a
boolean SPARQL expression "this node conforms". Semantics follow SHACL 1.0 as pySHACL (the reference
engine) implements it; where that depends on rdflib's own literal handling, the query leaves a hook:

* ``sh:datatype``: a literal of the right datatype must also be well-formed. pyoxigraph keeps an
  ill-typed literal such as ``"abc"^^xsd:date`` as it is, so the engine first marks every
  ill-typed literal in the data (judged by rdflib, as pySHACL does) in the graph ``ILL_TYPED`` and
  the queries test ``NOT EXISTS { GRAPH ILL_TYPED { ... } }``.
* ``sh:lessThan``/``sh:lessThanOrEquals`` compare with rdflib's ordering of terms, so their query
  returns candidate pairs (``?value``, ``?other``) and the engine compares them in Python.
* comparisons inside ``sh:sparql`` constraints fall back to rdflib's answer where SPARQL would give
  an error (``rdflib_comparisons``); ``$this`` is joined with the targets (``inject_focus``).

A shape using anything else (``sh:target``, SHACL-AF, ``$shapesGraph`` …) raises ``ShapesError``:
an engine must never skip a rule silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from .errors import ShapesError
from .namespaces import OWL, RDF, RDFS, SH, XSD

ILL_TYPED = URIRef("urn:arkitektur:ugyldige-literaler")
ILL_TYPED_S = URIRef("urn:arkitektur:ugyldige-literaler#holder")
ILL_TYPED_P = URIRef("urn:arkitektur:ugyldige-literaler#vaerdi")

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
# Datatypes whose literals rdflib can find ill-typed; strings never are.
_NEVER_ILL_TYPED = {XSD.string, RDF.langString, RDFS.Literal, RDFS.Datatype}
_MAX_COUNT_VARS = 4


@dataclass(frozen=True)
class Query:
    """One SELECT; its rows are results of ``shape`` (``kind`` says how to read them)."""

    text: str
    shape: Node
    severity: Node
    path: Node | None          # the result path (the property shape's sh:path), if any
    kind: str                  # "value": ?value is the value node; "focus": value = focus; "none"
    constraint: Node | None = None   # the sh:sparql node, for its messages
    compare: str | None = None       # "lt" / "le": Python decides on (?value, ?other)
    component: Node | None = None    # the result's sh:sourceConstraintComponent
    # Set when ``text`` must run once per focus node with $this substituted (SHACL pre-binding):
    # the query giving the focus nodes. Else ``text`` is already joined with the targets.
    focus_query: str | None = None
    # Literal focus nodes as the shapes graph writes them (the store hands back canonical forms).
    literal_targets: tuple = ()


@dataclass
class Plan:
    queries: list[Query] = field(default_factory=list)
    datatypes: set = field(default_factory=set)  # datatypes to mark ill-typed literals of
    # The predicates whose objects reach an sh:datatype check (None among them: any triple).
    datatype_predicates: set = field(default_factory=set)


def compile_shapes(shapes: Graph) -> Plan:
    """Compile every active shape with a target; raise ``ShapesError`` for what cannot be compiled."""
    return _Compiler(shapes).run()


def _fail(shape: Node, what: str) -> ShapesError:
    return ShapesError(
        f"formen {_name(shape)} bruger {what}, som oxigraph-motoren ikke kan oversætte; brug --engine pyshacl.",
        f"the shape {_name(shape)} uses {what}, which the oxigraph engine cannot compile; use --engine pyshacl.",
        code="ARK-E36",
    )


def _name(node: Node) -> str:
    return f"<{node}>" if isinstance(node, URIRef) else "(blank node)"


def term(node: Node) -> str:
    """A term in SPARQL syntax."""
    if isinstance(node, URIRef):
        return "<" + str(node).replace("\\", "\\\\").replace(">", "\\>") + ">"
    if isinstance(node, Literal):
        body = (str(node).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                .replace("\r", "\\r"))
        if node.language:
            return f'"{body}"@{node.language}'
        if node.datatype is not None and node.datatype != XSD.string:
            return f'"{body}"^^{term(node.datatype)}'
        return f'"{body}"'
    raise ShapesError("blank knude hvor en IRI eller literal var ventet i en form.",
                      "blank node where a shape expects an IRI or a literal.", code="ARK-E36")


# Variables SHACL pre-binds in a SPARQL constraint (SHACL §5.2.1); PATH is substituted as text.
_PRE_BOUND = {"this", "shapesGraph", "currentShape"}


_BOUND_THIS = re.compile(r"\bBOUND\s*\(\s*[?$]this\s*\)", re.IGNORECASE)


def inspect_sparql(text: str) -> tuple[str | None, bool]:
    """(what SHACL §5.2.1 forbids in this SPARQL constraint's query, or None; whether ``$this`` must
    be pre-bound by substitution rather than by a join with the targets).

    Forbidden: MINUS, VALUES, SERVICE, a nested SELECT that does not project ``$this`` (``SELECT *``
    included), and ``AS`` re-binding a pre-bound variable. Such a query is refused, never run
    (SERVICE would reach the network).

    Joining the outermost group with the targets gives the rows SHACL's pre-binding gives as long as
    every FILTER or BIND that mentions ``$this`` sits in a group that itself binds ``$this`` by a
    triple pattern (an EXISTS inside a FILTER substitutes the group's solution anyway) and no
    LIMIT/OFFSET or GROUP BY without ``$this`` spans the focus nodes. Elsewhere – a FILTER in a
    nested group or UNION branch with no pattern on ``$this``, a sub-SELECT that only filters –
    bottom-up evaluation sees ``$this`` unbound, so the query runs once per focus node.

    Read from the query's tokens (``_tokens``): rdflib's SPARQL parser would take ~70 ms per query,
    more than the whole check of two municipalities. Where the structure is not understood, the
    answer is "substitute" – exact, only slower.
    """
    toks = _tokens(text)
    if toks is None:
        return None, False  # the shapes lint reports text that does not parse (ARK-E33)
    for i, (kind, t, _) in enumerate(toks):
        word = t.upper() if kind == "name" else ""
        if word in ("MINUS", "VALUES", "SERVICE"):
            return f"{word} (forbudt i SHACL-SPARQL / not allowed in SHACL-SPARQL)", False
        if word == "AS" and i + 1 < len(toks) and toks[i + 1][0] == "var" and toks[i + 1][1][1:] in _PRE_BOUND:
            return f"AS, der binder {toks[i + 1][1]} igen / AS re-binding {toks[i + 1][1]}", False
        if word == "SELECT" and i > 0:
            j = i + 1
            projection = []
            while j < len(toks) and toks[j][1] != "{" and toks[j][1].upper() != "WHERE":
                projection.append(toks[j])
                j += 1
            if any(p[1] == "*" for p in projection):
                return "SELECT * i en indlejret SELECT / SELECT * in a nested SELECT", False
            if not any(_is_this(p) for p in projection):
                return "en indlejret SELECT uden $this / a nested SELECT that does not project $this", False
    try:
        return None, _needs_substitution(toks)
    except (_Unparsable, IndexError):
        return None, True


def _needs_substitution(toks: list) -> bool:
    """See ``inspect_sparql``: walks the group structure of a SELECT's tokens."""
    i = 0
    while toks[i][1] != "{":  # the projection (and WHERE)
        i += 1
    end, sub = _group(toks, i, bound_outside=True)
    tail = {t.upper() for _, t, _ in toks[end:]}
    if tail & {"LIMIT", "OFFSET"}:
        return True
    if "GROUP" in tail and not any(_is_this(tok) for tok in toks[end:]):
        return True
    return sub[1]


def _balanced(toks: list, i: int, open_: str, close: str) -> int:
    """Index after the ``close`` matching the ``open_`` at ``i``."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j][1] == open_:
            depth += 1
        elif toks[j][1] == close:
            depth -= 1
            if depth == 0:
                return j + 1
    raise _Unparsable(close)


def _group(toks: list, i: int, bound_outside: bool) -> tuple[int, tuple[bool, bool]]:
    """The group ``{ … }`` at ``i``: (index after it, (binds $this, needs substitution))."""
    if toks[i][1] != "{":
        raise _Unparsable("{")
    j = i + 1
    if j < len(toks) and toks[j][1].upper() == "SELECT":  # a sub-SELECT: its WHERE group decides
        while toks[j][1] != "{":
            j += 1
        j, result = _group(toks, j, False)
        return _balanced(toks, i, "{", "}"), result
    binds, substitute = bound_outside, False
    filters = []  # (start, end) of each FILTER's expression: it applies to the whole group
    while toks[j][1] != "}":
        t = toks[j][1].upper() if toks[j][0] == "name" else toks[j][1]
        if t in ("FILTER", "BIND"):
            k = j + 1
            if toks[k][1].upper() == "NOT":
                k += 1
            if toks[k][1].upper() == "EXISTS":
                k = _balanced(toks, k + 1, "{", "}")
            else:
                if toks[k][0] == "name":  # a function call: FILTER regex(…)
                    k += 1
                k = _balanced(toks, k, "(", ")")
            if t == "FILTER":
                filters.append((j + 1, k))
            elif any(_is_this(tok) for tok in toks[j + 1:k]) and not binds:
                substitute = True  # BIND sees only what the group bound before it
            j = k
        elif t in ("OPTIONAL", "GRAPH") or t == "{":
            if t == "GRAPH":
                j += 2
            elif t == "OPTIONAL":
                j += 1
            branches = []
            j, result = _group(toks, j, False)
            branches.append(result)
            while j < len(toks) and toks[j][1].upper() == "UNION":
                j, result = _group(toks, j + 1, False)
                branches.append(result)
            substitute = substitute or any(sub for _, sub in branches)
            if t == "{":  # a plain group or UNION chain binds what all its branches bind
                binds = binds or all(b for b, _ in branches)
        else:
            if _is_this(toks[j]):
                binds = True  # a triple pattern on $this (expressions are consumed above)
            j += 1
    for start, stop in filters:
        k = start
        while k < stop:
            if toks[k][1] == "{":  # EXISTS: substitutes the group's solution, so sees its bindings
                k, result = _group(toks, k, binds)
                substitute = substitute or result[1]
                continue
            if _is_this(toks[k]) and not binds:
                substitute = True
            k += 1
    return j + 1, (binds, substitute)


def component_of(parameter: Node) -> URIRef:
    """The SHACL constraint component a core parameter belongs to (sh:minCount → sh:MinCountConstraintComponent)."""
    local = str(parameter)[len(str(SH)):]
    return SH[local[0].upper() + local[1:] + "ConstraintComponent"]


def _string(text: str) -> str:
    return term(Literal(text))


class _Compiler:
    def __init__(self, g: Graph) -> None:
        self.g = g
        self.n = 0
        self.value_predicate: Node | None = None  # the path the current value nodes came by
        self.plan = Plan()
        self.prefixes_cache: dict = {}
        self.literal_targets: tuple = ()  # of the top-level shape being compiled
        self.context: tuple = ()  # focus variables of enclosing property shapes, projected too

    # ---- helpers ---------------------------------------------------------------------------
    def var(self, stem: str = "v") -> str:
        self.n += 1
        return f"?ark_{stem}{self.n}"

    def one(self, node: Node, p: URIRef) -> Node | None:
        values = list(self.g.objects(node, p))
        if len(values) > 1:
            raise _fail(node, f"flere værdier for {p.n3()} / several values of {p.n3()}")
        return values[0] if values else None

    def items(self, node: Node) -> list:
        return list(Collection(self.g, node))

    def deactivated(self, shape: Node) -> bool:
        return (shape, SH.deactivated, Literal(True)) in self.g

    def severity(self, shape: Node) -> Node:
        return self.one(shape, SH.severity) or SH.Violation

    def path(self, node: Node) -> str:
        """A SHACL property path as a SPARQL property path."""
        if isinstance(node, URIRef):
            return term(node)
        if not isinstance(node, BNode):
            raise _fail(node, "en sti, der ikke er en IRI eller blank knude / a path that is no IRI or blank node")
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
        raise _fail(node, "en ukendt stiform / an unknown path form")

    def targets(self, shape: Node, var: str = "?this") -> str | None:
        """A pattern binding ``var`` to each focus node of ``shape``'s targets (None: no target)."""
        parts = []
        for c in sorted(self.g.objects(shape, SH.targetClass), key=str):
            parts.append(self.instances(var, c))
        for n in sorted(self.g.objects(shape, SH.targetNode), key=str):
            parts.append(f"VALUES {var} {{ {term(n)} }}")
        for p in sorted(self.g.objects(shape, SH.targetSubjectsOf), key=str):
            parts.append(f"{var} {term(p)} ?ark_target .")
        for p in sorted(self.g.objects(shape, SH.targetObjectsOf), key=str):
            parts.append(f"?ark_target {term(p)} {var} .")
        if ((shape, RDF.type, RDFS.Class) in self.g or (shape, RDF.type, OWL.Class) in self.g) and isinstance(
                shape, URIRef):
            parts.append(self.instances(var, shape))
        if (shape, SH.target, None) in self.g:
            raise _fail(shape, "sh:target (SHACL-AF)")
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return " UNION ".join("{ " + p + " }" for p in parts)

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
                raise _fail(shape, p.n3())

    # ---- the whole plan --------------------------------------------------------------------
    def run(self) -> Plan:
        for component in sorted(set(self.g.subjects(SH.parameter, None)), key=str):  # not silently ignored
            raise _fail(component, "en SPARQL-baseret constraint component (sh:ConstraintComponent) / "
                                   "a SPARQL-based constraint component")
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
            self.emit(shape, lambda var, shape=shape: self.targets(shape, var))
        return self.plan

    def emit(self, shape: Node, focus_of, context: tuple = ()) -> None:
        """Queries for ``shape``'s constraints and its property shapes; ``focus_of(var)`` binds the focus.

        ``context``: the focus variables of the property shapes around this one. SHACL validates a
        nested property shape once per value node of each outer focus node, so one value reached
        from two outer focus nodes gives two results; projecting the outer variables keeps them apart.
        """
        self.check_parameters(shape)
        self.context = context
        path_node = self.one(shape, SH.path)
        if path_node is not None:
            self.emit_property(shape, path_node, focus_of("?this"))
        else:
            self.emit_node(shape, focus_of("?this"))
        for prop in sorted(self.g.objects(shape, SH.property), key=str):
            if self.deactivated(prop):
                continue
            if self.one(prop, SH.path) is None:
                raise _fail(prop, "sh:property uden sh:path / sh:property without sh:path")
            if path_node is None:
                self.emit(prop, focus_of, context)
            else:  # the property shapes of a property shape see its value nodes as focus nodes
                outer = self.var("f")

                def inner(var, outer=outer, path=self.path(path_node)):
                    return f"{{ {focus_of(outer)} }} {outer} {path} {var} ."

                self.emit(prop, inner, context + (outer,))

    def add(self, text: str, shape: Node, path: Node | None, kind: str, **extra) -> None:
        if self.context and kind != "sparql":
            text = text.replace("SELECT DISTINCT ?this", "SELECT DISTINCT ?this " + " ".join(self.context), 1)
        self.plan.queries.append(Query(text=text, shape=shape, severity=self.severity(shape), path=path,
                                       kind=kind, literal_targets=self.literal_targets, **extra))

    # ---- node shapes -------------------------------------------------------------------------
    def emit_node(self, shape: Node, focus: str) -> None:
        self.value_predicate = None
        for p, o in sorted(self.g.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))):
            if p == SH.sparql:
                self.emit_sparql(shape, o, focus, None)
            elif p == SH.closed:
                if o == Literal(True):
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
            elif p in _KNOWN_CONSTRAINTS:
                if p in (SH.minCount, SH.maxCount, SH.qualifiedValueShape, SH.uniqueLang,
                         SH.lessThan, SH.lessThanOrEquals):
                    raise _fail(shape, f"{p.n3()} på en knudeform / on a node shape")
                ok = self.value_ok(shape, p, o, "?this")
                # sh:hasValue reports no value: what is wrong is the value that is missing.
                self.add(f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER(!({ok})) }}", shape, None,
                         "none" if p == SH.hasValue else "focus", component=component_of(p))

    def emit_closed(self, shape: Node, focus: str) -> None:
        allowed = {p for prop in self.g.objects(shape, SH.property) for p in self.g.objects(prop, SH.path)
                   if isinstance(p, URIRef)}
        ignored = self.one(shape, SH.ignoredProperties)
        if ignored is not None:
            allowed.update(self.items(ignored))
        cond = " && ".join(f"!sameTerm(?ark_p, {term(a)})" for a in sorted(allowed, key=str)) or "true"
        text = (f"SELECT DISTINCT ?this ?value ?path WHERE {{ {focus} ?this ?ark_p ?value . "
                f"FILTER({cond}) BIND(?ark_p AS ?path) }}")
        self.add(text, shape, None, "closed", component=SH.ClosedConstraintComponent)

    # ---- property shapes ---------------------------------------------------------------------
    def emit_property(self, shape: Node, path_node: Node, focus: str) -> None:
        path = self.path(path_node)
        self.value_predicate = path_node if isinstance(path_node, URIRef) else None
        head = "SELECT DISTINCT ?this"
        f = "?this"
        for p, o in sorted(self.g.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))):
            if p not in _KNOWN_CONSTRAINTS:
                continue
            if p == SH.sparql:
                self.emit_sparql(shape, o, focus, path_node)
                continue
            if p in (SH.lessThan, SH.lessThanOrEquals):
                text = (f"{head} ?value ?other WHERE {{ {focus} {f} {path} ?value . "
                        f"{f} {self.path(o)} ?other . }}")
                self.add(text, shape, path_node, "value", compare="lt" if p == SH.lessThan else "le",
                         component=component_of(p))
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
                if o == Literal(True):
                    text = (f"{head} ?ark_lang WHERE {{ {focus} {f} {path} ?ark_a . {f} {path} ?ark_b . "
                            f"FILTER(!sameTerm(?ark_a, ?ark_b) && LANG(?ark_a) != \"\" && "
                            f"LCASE(LANG(?ark_a)) = LCASE(LANG(?ark_b))) BIND(LCASE(LANG(?ark_a)) AS ?ark_lang) }}")
                    self.add(text, shape, path_node, "none", component=component_of(p))
                continue
            if p == SH.qualifiedValueShape:  # one result per count (W3C: two components)
                for which in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
                    if self.one(shape, which) is not None:
                        violation = self.qualified_violation(shape, o, f, path, which)
                        if violation != "false":
                            self.add(f"{head} WHERE {{ {focus} FILTER({violation}) }}", shape, path_node, "none",
                                     component=component_of(which))
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
            if o != Literal(True):
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

        def conforms(v: str) -> str:
            cond = self.conforms(o, v)
            if (shape, SH.qualifiedValueShapesDisjoint, Literal(True)) in self.g:
                for sibling in self.siblings(shape):
                    cond = f"({cond}) && !({self.conforms(sibling, v)})"
            return cond

        n = int(self.one(shape, which))
        if which == SH.qualifiedMinCount:
            return self.too_few(shape, f, path, n, conforms)
        return self.too_many(shape, f, path, n, conforms)

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
            raise _fail(shape, f"en minimumsgrænse over {_MAX_COUNT_VARS} / a minimum above {_MAX_COUNT_VARS}")
        vs = [self.var() for _ in range(n)]
        return f"NOT EXISTS {{ {self.distinct_values(f, path, vs, conforms)} }}"

    def too_many(self, shape: Node, f: str, path: str, n: int, conforms) -> str:
        if n + 1 > _MAX_COUNT_VARS + 1:
            raise _fail(shape, f"en maksimumsgrænse over {_MAX_COUNT_VARS} / a maximum above {_MAX_COUNT_VARS}")
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
                raise _fail(shape, f"sh:nodeKind {o}")
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
            op = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}[p]
            return f"COALESCE({v} {op} {term(o)}, false)"
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
        raise _fail(shape, f"{p.n3()} på en værdiknude / on a value node")

    def datatype_ok(self, d: Node, v: str) -> str:
        if d == RDFS.Literal:
            return f"isLiteral({v})"
        if d == RDFS.Datatype:
            return f"(isLiteral({v}) && LANG({v}) = \"\")"
        ok = f"(isLiteral({v}) && sameTerm(DATATYPE({v}), {term(d)})"
        if d in _NEVER_ILL_TYPED:
            return ok + ")"
        self.plan.datatypes.add(d)
        self.plan.datatype_predicates.add(self.value_predicate)
        return (ok + f" && NOT EXISTS {{ GRAPH {term(ILL_TYPED)} {{ {term(ILL_TYPED_S)} "
                f"{term(ILL_TYPED_P)} {v} }} }})")

    def conforms(self, shape: Node, v: str, depth: int = 0) -> str:
        """An expression: node ``v`` conforms to (nested) ``shape``."""
        if depth > 20:
            raise _fail(shape, "rekursive former / recursive shapes")
        if self.deactivated(shape):
            return "true"
        self.check_parameters(shape)
        conds = []
        path_node = self.one(shape, SH.path)
        if path_node is not None:
            conds.append(self.property_conforms(shape, path_node, v))
        else:
            for p, o in sorted(self.g.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))):
                if p == SH.sparql:
                    raise _fail(shape, "sh:sparql i en indlejret form / in a nested shape")
                if p == SH.closed:
                    if o == Literal(True):
                        raise _fail(shape, "sh:closed i en indlejret form / in a nested shape")
                    continue
                if p in _KNOWN_CONSTRAINTS:
                    conds.append(self.value_ok(shape, p, o, v))
        for prop in self.g.objects(shape, SH.property):
            if self.deactivated(prop):
                continue
            self.check_parameters(prop)
            p = self.one(prop, SH.path)
            if p is None:
                raise _fail(prop, "sh:property uden sh:path / sh:property without sh:path")
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
                raise _fail(shape, f"{p.n3()} i en indlejret form / in a nested shape")
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
            raise _fail(shape, "sh:sparql uden sh:select / sh:sparql without sh:select")
        text = str(select)
        for var in ("shapesGraph", "currentShape"):
            if re.search(r"[?$]" + var + r"\b", text):
                raise _fail(shape, f"${var}")
        forbidden, substitute = inspect_sparql(text)
        if forbidden is not None:
            raise _fail(shape, forbidden)
        if path_node is not None:
            text = re.sub(r"([\s{}()])[$?]PATH\b", lambda m: m.group(1) + self.path(path_node), text)
        text = rdflib_comparisons(text)
        focus_query = None
        if substitute:
            focus_query = f"SELECT DISTINCT ?this WHERE {{ {focus} }}"
            # $this is always bound under pre-binding; pyoxigraph's substitution answers BOUND of a
            # substituted variable with false, so the test is decided here.
            text = _BOUND_THIS.sub("(true)", text)
        else:
            text = inject_focus(text, focus, shape)
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.prefixes(constraint).items())
        self.add(prologue + text, shape, path_node, "sparql", constraint=constraint,
                 component=SH.SPARQLConstraintComponent, focus_query=focus_query)

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


_DEFAULT_NS: dict = {}


def _default_namespaces() -> dict:
    if not _DEFAULT_NS:
        _DEFAULT_NS.update({str(p): str(ns) for p, ns in Graph().namespaces()})
    return _DEFAULT_NS


_SCAN = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                   r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*|[{}()]'
                   r'|\bWHERE\b', re.IGNORECASE)
_SELECT = re.compile(r"^\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?", re.IGNORECASE)


def inject_focus(text: str, focus: str, shape: Node) -> str:
    """Join the query's outermost WHERE group with the target pattern, and project ``?this``.

    SHACL pre-binds ``$this`` to each focus node; one query joined with the targets gives the same
    rows for the constraints SHACL allows. The targets go at the head of the group, so the planner
    starts from the focus nodes – except when the group reads every triple of its focus (a
    top-level ``$this ?p ?o``), or the author starts it from another pattern than one with ``$this``
    (MOD-1 starts from the terms the models use), and it binds ``?this`` in every solution: then the
    targets become a ``FILTER EXISTS`` at its end, and pyoxigraph – which joins in the written
    order – starts where the author did (MOD-1 at 98 municipalities: 19 s → 0.01 s).
    """
    body = text.lstrip()
    if re.match(r"(?:PREFIX|BASE)\b", body, flags=re.IGNORECASE):
        raise _fail(shape, "PREFIX/BASE i selve forespørgslen (brug sh:prefixes) / PREFIX in the query text")
    m = _SELECT.match(body)
    if not m:
        raise _fail(shape, "en sh:select, der ikke begynder med SELECT / a sh:select not starting with SELECT")
    toks = _tokens(body)
    if toks is None:
        raise _fail(shape, "SPARQL, som ikke kan deles i tegn / SPARQL that cannot be tokenized")
    open_i = close_i = None
    depth = parens = 0
    for i, (kind, t, start) in enumerate(toks):
        if t == "(":
            parens += 1
        elif t == ")":
            parens -= 1
        elif t == "{":
            if depth == 0 and parens == 0 and open_i is None:
                open_i = i
            depth += 1
        elif t == "}":
            depth -= 1
            if depth == 0 and open_i is not None and close_i is None:
                close_i = i
    if open_i is None or close_i is None:
        raise _fail(shape, "en sh:select uden WHERE-gruppe / a sh:select without a WHERE group")
    brace, closing = toks[open_i][2], toks[close_i][2]
    projection = body[m.end():brace]
    projection_wo_where = re.sub(r"\bWHERE\s*$", "", projection.strip(), flags=re.IGNORECASE)
    tail = " ".join(t.upper() for _, t, _ in toks[close_i + 1:])
    grouped = "GROUP" in tail or "HAVING" in tail
    shift = 0
    if projection_wo_where.strip() != "*" and not re.search(r"[?$]this\b", projection_wo_where):
        if grouped:
            raise _fail(shape, "GROUP BY uden $this i projektionen / GROUP BY without $this projected")
        body = body[: m.end()] + "?this " + body[m.end():]
        shift = len("?this ")
    brace, closing = brace + shift, closing + shift
    inner = toks[open_i + 1:close_i]
    if not grouped and (_walks_all_triples(inner) or _starts_elsewhere(inner)) and _binds_this(inner):
        return body[:closing] + f" FILTER EXISTS {{ {focus} }} " + body[closing:]
    return body[: brace + 1] + " { " + focus + " } " + body[brace + 1:]


def _walks_all_triples(toks: list) -> bool:
    """A top-level ``$this ?p ?o``: the group reads every triple of its focus nodes anyway."""
    top = _top_level(toks)
    return any(_is_this(a) and b[0] == "var"
               for a, b in zip(top, top[1:]) if a[0] != "group" and b[0] != "group")


def _starts_elsewhere(toks: list) -> bool:
    """Does the group begin with a triple pattern without ``?this`` (in every UNION branch, if it
    begins with a UNION of groups)?"""
    top = _top_level(toks)
    if not top:
        return False
    if top[0][0] == "group":
        return all(_starts_elsewhere(b) for b in _union_chain(top, 0)[0])
    first = []
    for tok in top:
        if tok[0] == "group" or tok[1] in (".", ";", ","):
            break
        first.append(tok)
    if not first or first[0][0] not in ("var", "iri", "name") or first[0][1].upper() in _KEYWORDS:
        return False
    return not any(_is_this(tok) for tok in first)


_KEYWORDS = {"FILTER", "BIND", "OPTIONAL", "MINUS", "VALUES", "SERVICE", "GRAPH", "UNION", "SELECT"}


def _lex(text: str):
    """Every SPARQL token (kind, text, offset), whitespace and comments ("ws") included; None if unreadable."""
    out = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            return None
        out.append((m.lastgroup, m.group(), pos))
        pos = m.end()
    return out


def _tokens(text: str):
    """SPARQL tokens (kind, text, offset), whitespace and comments left out; None if unreadable."""
    lexed = _lex(text)
    return None if lexed is None else [t for t in lexed if t[0] != "ws"]


def _top_level(toks: list) -> list:
    """The tokens of a group body that are not inside nested braces or parentheses, with the
    nested groups as ("group", [tokens]) entries."""
    out = []
    depth = parens = 0
    start = None
    for i, tok in enumerate(toks):
        t = tok[1]
        if t == "{" and parens == 0:
            if depth == 0:
                start = i
            depth += 1
            continue
        if t == "}" and parens == 0:
            depth -= 1
            if depth == 0:
                out.append(("group", toks[start + 1:i], tok[2]))
            continue
        if depth:
            continue
        if t == "(":
            parens += 1
        elif t == ")":
            parens -= 1
        elif parens == 0:
            out.append(tok)
    return out


def _binds_this(toks: list) -> bool:
    """Does every solution of this group bind ?this: a triple pattern at its top level, a nested
    group that does, or a UNION all of whose branches do (OPTIONAL, MINUS, EXISTS groups do not)?"""
    top = _top_level(toks)
    if any(_is_this(tok) for tok in top):
        return True
    i = 0
    while i < len(top):
        if top[i][0] != "group":
            i += 1
            continue
        prev = top[i - 1][1].upper() if i and top[i - 1][0] != "group" else ""
        chain, j = _union_chain(top, i)
        if prev not in ("OPTIONAL", "MINUS", "EXISTS") and all(_binds_this(b) for b in chain):
            return True
        i = j
    return False


def _union_chain(top: list, i: int) -> tuple[list, int]:
    """The groups ``{…} UNION {…} …`` starting at ``top[i]`` (a group), and the index after them."""
    chain = [top[i][1]]
    j = i + 1
    while j + 1 < len(top) and top[j][0] != "group" and top[j][1].upper() == "UNION" and top[j + 1][0] == "group":
        chain.append(top[j + 1][1])
        j += 2
    return chain, j


def _is_this(tok: tuple) -> bool:
    return tok[0] == "var" and tok[1][1:] == "this"


# -- comparisons as rdflib makes them ----------------------------------------------------------
#
# SPARQL 1.1 makes `<`, `=` … an error for ill-typed literals (``"2015-13-45"^^xsd:date``) and for
# literals of unrelated datatypes; rdflib – and so pySHACL – orders them anyway (lexically, or by
# datatype IRI). Every comparison in a SHACL-SPARQL constraint therefore becomes
# ``COALESCE(A op B, rdflib-op(A, B))``: oxigraph's own operator where SPARQL defines one, and
# rdflib's answer (``engine_oxigraph.rdflib_comparison``) only where oxigraph would give an error.

COMPARE_NS = "urn:arkitektur:rdflib-sammenligning#"
COMPARE_OPS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "=": "eq", "!=": "ne"}

_TOKEN = re.compile(r"""
    (?P<ws>(?:\s+|\#[^\n]*)+)
  | (?P<str>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
  | (?P<num>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<op>\|\||&&|!=|<=|>=|\^\^|[=<>!+\-*/(){}\[\],;.|^?])
  | (?P<name>[A-Za-z_\u00c0-\uffff][A-Za-z0-9_\-.\u00b7\u00c0-\uffff]*(?::[A-Za-z0-9_\-.:%\u00b7\u00c0-\uffff]*)?|:[A-Za-z0-9_\-.:%\u00b7\u00c0-\uffff]*)
""", re.VERBOSE)


class _Unparsable(Exception):
    pass


def rdflib_comparisons(text: str) -> str:
    """``text`` with every relational expression wrapped as described above (unchanged if unsure)."""
    lexed = _lex(text)
    if lexed is None:
        return text
    try:
        return _Rewriter([(kind, tok) for kind, tok, _ in lexed]).all()
    except (_Unparsable, IndexError):
        return text


class _Rewriter:
    def __init__(self, toks: list) -> None:
        self.toks = toks
        self.sig = [i for i, (kind, _) in enumerate(toks) if kind != "ws"]  # significant tokens

    def all(self) -> str:
        return self.region(0, len(self.sig))

    def text(self, i: int) -> str:
        return self.toks[self.sig[i]][1]

    def upper(self, i: int) -> str:
        return self.text(i).upper() if i < len(self.sig) else ""

    def raw(self, lo: int, hi: int) -> str:
        """Original text of significant tokens lo..hi-1 (with the whitespace between them)."""
        if lo >= hi:
            return ""
        return "".join(t for _, t in self.toks[self.sig[lo]:self.sig[hi - 1] + 1])

    def region(self, lo: int, hi: int) -> str:
        """Rewrite significant tokens lo..hi-1: patterns verbatim, expressions after FILTER/BIND/HAVING."""
        out = []
        i = lo
        while i < hi:
            word = self.upper(i)
            if word in ("FILTER", "HAVING") or (word == "BIND" and self.text(i + 1) == "("):
                out.append(self.raw(i, i + 1) + self.gap(i))
                node, j = self.expression_after(i + 1)
                out.append(node)
                i = j
                continue
            out.append(self.raw(i, i + 1) + self.gap(i))
            i += 1
        return "".join(out)

    def gap(self, i: int) -> str:
        """The whitespace after significant token i."""
        if i + 1 < len(self.sig):
            return "".join(t for _, t in self.toks[self.sig[i] + 1:self.sig[i + 1]])
        return "".join(t for _, t in self.toks[self.sig[i] + 1:])

    def expression_after(self, i: int) -> tuple[str, int]:
        """A FILTER/BIND constraint starting at i: a bracketted expression, a call or EXISTS."""
        if self.text(i) == "(":
            self.pos = i
            return self.bracketted_or_bind()
        self.pos = i
        out = self.primary()
        return out, self.pos

    def bracketted_or_bind(self) -> tuple[str, int]:
        start = self.pos
        self.expect("(")
        expr = self.expr()
        tail = ""
        if self.upper(self.pos) == "AS":  # BIND(expr AS ?var)
            tail = self.raw(self.pos, self.pos + 2) + self.gap(self.pos + 1)
            self.pos += 2
        self.expect(")")
        return self.raw(start, start + 1) + self.gap(start) + expr + tail + ")" + self.gap(self.pos - 1), self.pos

    def expect(self, t: str) -> None:
        if self.text(self.pos) != t:
            raise _Unparsable(t)
        self.pos += 1

    def tok(self) -> str:
        """The current token with the whitespace after it, and advance."""
        out = self.raw(self.pos, self.pos + 1) + self.gap(self.pos)
        self.pos += 1
        return out

    def expr(self) -> str:
        return self.binary(0)

    _LEVELS = [("||",), ("&&",)]

    def binary(self, level: int) -> str:
        if level == 2:
            return self.relational()
        left = self.binary(level + 1)
        while self.text(self.pos) in self._LEVELS[level]:
            op = self.tok()
            left = left + op + self.binary(level + 1)
        return left

    def relational(self) -> str:
        left = self.additive()
        t = self.text(self.pos)
        if t in COMPARE_OPS:
            self.pos += 1
            gap = self.gap(self.pos - 1)
            right = self.additive()
            a, b = left.rstrip(), right.rstrip()
            trail = right[len(b):]
            return (f"COALESCE(({a}) {t} ({b}), <{COMPARE_NS}{COMPARE_OPS[t]}>({a}, {b})){gap and ' '}"
                    + trail)
        if self.upper(self.pos) == "IN" or (self.upper(self.pos) == "NOT" and self.upper(self.pos + 1) == "IN"):
            out = self.tok()
            if self.upper(self.pos) == "IN":
                out += self.tok()
            return left + out + self.arglist()
        return left

    def additive(self) -> str:
        left = self.multiplicative()
        while self.text(self.pos) in ("+", "-"):
            left += self.tok() + self.multiplicative()
        return left

    def multiplicative(self) -> str:
        left = self.unary()
        while self.text(self.pos) in ("*", "/"):
            left += self.tok() + self.unary()
        return left

    def unary(self) -> str:
        if self.text(self.pos) in ("!", "+", "-"):
            return self.tok() + self.unary()
        return self.primary()

    def arglist(self) -> str:
        out = ""
        if self.text(self.pos) != "(":
            raise _Unparsable("(")
        out += self.tok()
        if self.text(self.pos) == ")":
            return out + self.tok()
        if self.upper(self.pos) == "DISTINCT":
            out += self.tok()
        if self.text(self.pos) == "*":
            out += self.tok()
        else:
            out += self.expr()
        while self.text(self.pos) in (",", ";"):
            sep = self.text(self.pos)
            out += self.tok()
            if sep == ";":  # GROUP_CONCAT(... ; SEPARATOR = "x")
                out += self.tok() + self.tok() + self.tok()
                continue
            out += self.expr()
        if self.text(self.pos) != ")":
            raise _Unparsable(")")
        return out + self.tok()

    def group(self) -> str:
        """A { … } group pattern (EXISTS): rewritten as a region of its own."""
        start = self.pos
        depth = 0
        while True:
            t = self.text(self.pos)
            if t == "{":
                depth += 1
            elif t == "}":
                depth -= 1
                if depth == 0:
                    break
            self.pos += 1
        inner = self.region(start + 1, self.pos)
        self.pos += 1
        return self.raw(start, start + 1) + self.gap(start) + inner + "}" + self.gap(self.pos - 1)

    def primary(self) -> str:
        kind = self.toks[self.sig[self.pos]][0]
        t = self.text(self.pos)
        word = t.upper()
        if t == "(":
            out = self.tok() + self.expr()
            if self.text(self.pos) != ")":
                raise _Unparsable(")")
            return out + self.tok()
        if word == "NOT" and self.upper(self.pos + 1) == "EXISTS":
            return self.tok() + self.tok() + self.group()
        if word == "EXISTS":
            return self.tok() + self.group()
        if kind == "var" or kind == "num" or word in ("TRUE", "FALSE"):
            return self.tok()
        if kind == "str":
            out = self.tok()
            if self.toks[self.sig[self.pos]][0] == "lang" if self.pos < len(self.sig) else False:
                out += self.tok()
            elif self.text(self.pos) == "^^":
                out += self.tok() + self.tok()
            return out
        if kind in ("iri", "name"):
            out = self.tok()
            if self.pos < len(self.sig) and self.text(self.pos) == "(":
                out += self.arglist()
            return out
        raise _Unparsable(t)
