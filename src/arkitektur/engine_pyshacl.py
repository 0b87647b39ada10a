"""Referencemotoren / runs the shapes with pySHACL (the only module that imports pyshacl)."""

from __future__ import annotations

from types import MethodType

from rdflib import BNode, Graph, Variable
from rdflib.term import Identifier
from rdflib.query import Result
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import BGP, Filter, Join
from rdflib.plugins.sparql.operators import Builtin_EXISTS, and_
from rdflib.plugins.sparql.parserutils import CompValue

from .engine_common import RawResult, message_templates
from .errors import ShapesError
from .namespaces import RDF, SH

NAME = "pyshacl"

__all__ = ["NAME", "RawResult", "validate"]

_THIS = Variable("this")


class PreparedQueryGraph(Graph):
    """A second view of ``data``'s store that answers pySHACL's per-focus-node queries from one evaluation.

    pySHACL runs every ``sh:sparql`` constraint as ``graph.query(text, initBindings={"this": node})``
    once per focus node, and rdflib parses ``text`` again on every call (85–90 % of the run; see
    docs/upstream-pyshacl-sparql-reparse.md). This subclass keeps a prepared query per text, with the
    same namespaces (the graph's own when the caller gives none) and the same initial bindings.

    It also evaluates a query *once* for all focus nodes when that gives the same rows: when every
    solution binds ``?this`` by a triple pattern at the top of the query and ``?this`` is projected
    (``_batchable``), the rows of ``$this`` pre-bound to ``x`` are exactly the rows of the query with
    ``?this`` unbound whose ``?this`` is ``x`` – rdflib evaluates joins, EXISTS and OPTIONAL with the
    bindings found so far, so ``?this`` is known wherever the pre-bound query would know it. The rows
    are grouped by ``?this`` and each call gets its group. Any other query (LIMIT, GROUP BY,
    sub-SELECT or BIND before ``?this`` is bound …) is evaluated per focus node as pySHACL asks.
    ``tests/test_engines.py`` checks both paths against unprepared pySHACL.

    Nothing global is patched, and the data are not copied: the view shares the store and
    identifier of ``data``. The graph must not change while the view is used (pySHACL with
    ``inference="none"`` does not change it).
    """

    def __init__(self, data: Graph) -> None:
        super().__init__(store=data.store, identifier=data.identifier, namespace_manager=data.namespace_manager)
        self._prepared: dict = {}
        self._groups: dict = {}
        self._own_namespaces: dict | None = None
        self._sizes = _Sizes(self)

    def query(self, query_object, processor="sparql", result="sparql", initNs=None,  # noqa: N803
              initBindings=None, use_store_provided=True, **kwargs):  # noqa: N803
        if not (isinstance(query_object, str) and processor == "sparql" and not kwargs):
            return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)
        if initNs is None:
            if self._own_namespaces is None:
                self._own_namespaces = dict(self.namespaces())
            namespaces = self._own_namespaces
        else:
            namespaces = initNs
        key = (query_object, tuple(sorted((str(k), str(v)) for k, v in namespaces.items())) if initNs else None)
        entry = self._prepared.get(key)
        if entry is None:
            entry = self._prepared[key] = _Prepared(query_object, namespaces, self._sizes)
        bindings = initBindings or {}
        if "this" in bindings and entry.batch is not None:
            rest = {k: v for k, v in bindings.items() if k != "this"}
            group_key = (key, frozenset(rest.items()))
            groups = self._groups.get(group_key)
            if groups is None:
                groups = self._groups[group_key] = _group_by_this(
                    super().query(entry.batch, processor, result, initNs, rest, use_store_provided))
            return _select_result(entry.batch_vars, groups.get(bindings["this"], ()))
        prepared = entry.per_focus if "this" in bindings else entry.plain
        return super().query(prepared, processor, result, initNs, initBindings, use_store_provided)


class _Prepared:
    """One query text, prepared three ways: as written, ordered for a pre-bound ``?this``, and –
    when ``_batchable`` – for one evaluation over all focus nodes."""

    def __init__(self, text: str, namespaces: dict, sizes: "_Sizes") -> None:
        self.text, self.namespaces = text, namespaces
        self.plain = prepareQuery(text, initNs=namespaces)
        self.batch_vars = list(self.plain.algebra.get("PV") or [])
        self.batch = None
        self._per_focus = None
        _memoize_exists(self.plain.algebra)
        if _batchable(self.plain.algebra):
            self.batch = prepareQuery(text, initNs=namespaces)
            _plan_for_all(self.batch.algebra, sizes)
            _memoize_exists(self.batch.algebra)

    @property
    def per_focus(self):
        if self._per_focus is None:
            self._per_focus = prepareQuery(self.text, initNs=self.namespaces)
            _start_from_this(self._per_focus.algebra)
            _memoize_exists(self._per_focus.algebra)
        return self._per_focus


# Builtins whose value is not a function of the solution: an EXISTS holding one is not memoized.
_UNSTABLE = {"Builtin_RAND", "Builtin_UUID", "Builtin_STRUUID", "Builtin_BNODE", "Builtin_NOW", "Function"}


def _memoize_exists(algebra) -> None:
    """Let each ``(NOT) EXISTS { P }`` of the prepared algebra answer a repeated question from memory.

    rdflib evaluates P again for every solution it filters (~150 µs each at 2×300: MOD-2 asks
    whether each referenced IRI is described once per reference). The answer depends only on the
    values the solution gives the variables and blank nodes that occur in P (a variable P does not
    mention cannot change its evaluation) and on the active graph, so it is kept per such key, for
    as long as the prepared query lives (one validation, over a graph that does not change). P with
    a builtin whose value is not a function of its arguments (RAND, UUID, BNODE, NOW, or an
    extension function) is evaluated every time. Only this query's own algebra is changed.
    """
    seen: set = set()
    found: list = []

    def walk(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, CompValue) and node.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS") \
                and isinstance(vars(node).get("graph"), CompValue):
            found.append(node)
        for child in _children(node):
            walk(child)

    walk(algebra)
    for node in found:
        pattern = vars(node)["graph"]  # the translated pattern (the parsed one is node["graph"])
        if _names(pattern) & _UNSTABLE:
            continue
        keys = sorted(_terms(pattern), key=str)
        memo: dict = {}

        def evalfn(e, ctx, keys=keys, memo=memo):
            key = (ctx.ctx.graph.identifier, tuple(ctx.get(k) for k in keys))
            hit = memo.get(key)
            if hit is None:
                hit = memo[key] = Builtin_EXISTS(e, ctx)
            return hit

        node._evalfn = MethodType(evalfn, node)


def _names(node) -> set:
    out = {node.name} if isinstance(node, CompValue) else set()
    for child in _children(node):
        out |= _names(child)
    return out


def _terms(node) -> set:
    """The variables and blank nodes in an algebra node (a blank node in a pattern is a variable)."""
    if isinstance(node, (Variable, BNode)):
        return {node}
    out: set = set()
    for value in _children(node):
        out |= _terms(value)
    return out


def _plan_for_all(node, sizes: "_Sizes") -> None:
    """Order the prepared algebra for one evaluation with nothing bound (``_Prepared.batch``).

    rdflib sorts the patterns of a basic graph pattern, when it evaluates it, by how many of their
    terms are unbound, so two patterns with one variable each – ``$this ark:livscyklus ark:IDrift``
    and ``?ml a afl:GaeldendeMaalloesning`` (HEL-2) – are joined as a cross product; and it applies
    a group's FILTERs only after the whole group, so MOD-1 would first join every term the models
    use with all its triples and filter the unknown ones afterwards. Here the patterns of each BGP
    are ordered by the data's sizes, each joined to those before it where possible
    (``_order_by_size``), and cut into a chain of lazy joins that rdflib's sort cannot reorder, with
    each FILTER condition right after the patterns that bind its variables (``_chain``). Patterns of
    a BGP commute, a join of BGPs is their BGP, and a conjunction of conditions is a sequence of
    filters, so the rows are the same. Patterns inside FILTER expressions (EXISTS) are left alone.
    """
    if not isinstance(node, CompValue):
        return
    if node.name == "Filter":
        _push_filters(node, sizes)
    elif node.name == "BGP" and not node.get("ordered") and len(node["triples"]) > 1:
        chained = _chain(_order_by_size(node["triples"], sizes), [], set())
        node.clear()
        node.name = chained.name
        node.update(chained)
    for key in ("p", "p1", "p2"):
        if key in node:
            _plan_for_all(node[key], sizes)


def _push_filters(node: CompValue, sizes: "_Sizes") -> None:
    """Rewrite ``Filter(c1 && c2 …, Extend*(BGP))`` in place so each condition runs as early as it can."""
    wrappers = []
    inner = node["p"]
    while isinstance(inner, CompValue) and inner.name == "Extend":
        wrappers.append(inner)
        inner = inner["p"]
    if not (isinstance(inner, CompValue) and inner.name == "BGP") or len(inner["triples"]) < 2:
        return
    bound_by_extend = {w["var"] for w in wrappers}
    conditions = _conjuncts(node["expr"])
    stay = [c for c in conditions if _variables(c) & bound_by_extend]
    move = [c for c in conditions if not _variables(c) & bound_by_extend]
    staged = _chain(_order_by_size(inner["triples"], sizes), move, node.get("_vars") or set())
    if wrappers:
        wrappers[-1]["p"] = staged
        staged = wrappers[0]
    if stay:
        node["expr"] = and_(*stay)
        node["p"] = staged
    else:  # nothing left to filter here: the node becomes what it wrapped
        node.clear()
        node.name = staged.name
        node.update(staged)


def _chain(triples: list, conditions: list, scope: set) -> CompValue:
    """``triples``, in this order, as lazy joins of BGPs, each condition after the first prefix
    binding its variables.

    A new BGP starts wherever rdflib's sort by unbound terms (done when a BGP starts, with the
    bindings of the joins before it) would move a pattern ahead of one before it. ``scope`` is the
    variables the original FILTER saw (rdflib evaluates a condition with only those in scope).
    """
    seen: set = set()
    prefixes = []
    for t in triples:
        seen.update(_pattern_variables(t))
        prefixes.append(set(seen))
    at: dict = {}
    for c in conditions:
        need = _variables(c) & seen
        at.setdefault(next(i for i, p in enumerate(prefixes) if need <= p), []).append(c)
    out = None
    run: list = []
    known: set = set()

    def unbound(t):
        return sum(1 for x in _pattern_variables(t) if x not in known)

    def close():
        nonlocal out, run
        part = BGP(run)
        part["ordered"] = True
        if out is None:
            out = part
        else:
            out = Join(out, part)
            out["lazy"] = True  # the right part once per row of the left (rdflib's own default)
        for t in run:
            known.update(_pattern_variables(t))
        run = []

    for i, t in enumerate(triples):
        if run and unbound(t) < unbound(run[-1]):
            close()
        run.append(t)
        if i in at:
            close()
            out = Filter(and_(*at[i]), out)
            out["_vars"] = set(scope) | prefixes[i]
    if run:
        close()
    return out


class _Sizes:
    """How many triples a pattern with one unknown term gives, on average, from the graph itself."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._per_predicate: dict = {}
        self._exact: dict = {}
        self._size: int | None = None

    def predicate(self, p) -> tuple[int, int, int]:
        """(triples, distinct subjects, distinct objects) of predicate ``p``."""
        hit = self._per_predicate.get(p)
        if hit is None:
            subjects, objects, n = set(), set(), 0
            for s, _, o in self.graph.triples((None, p, None)):
                n += 1
                subjects.add(s)
                objects.add(o)
            hit = self._per_predicate[p] = (n, len(subjects), len(objects))
        return hit

    def size(self) -> int:
        if self._size is None:
            self._size = len(self.graph)
        return self._size

    def exact(self, t: tuple) -> int:
        hit = self._exact.get(t)
        if hit is None:
            hit = self._exact[t] = sum(1 for _ in self.graph.triples(t))
        return hit

    def estimate(self, t: tuple, known: set) -> float:
        """Rows per known binding for triple pattern ``t`` when the variables in ``known`` are bound."""
        def free(x):
            return isinstance(x, (Variable, BNode)) and x not in known

        s, p, o = t
        if isinstance(p, (Variable, BNode)):  # any predicate: as bad as the whole graph, worse if nothing is bound
            return self.size() * (1 if not free(s) or not free(o) else self.size())
        n, ns, no = self.predicate(p)
        if not free(s) and not free(o):
            return 1.0 if n else 0.0
        if not free(s):
            return n / max(ns, 1) if isinstance(s, (Variable, BNode)) else float(self.exact((s, p, None)))
        if not free(o):
            return n / max(no, 1) if isinstance(o, (Variable, BNode)) else float(self.exact((None, p, o)))
        return float(n)


def _order_by_size(triples: list, sizes: _Sizes) -> list:
    """Greedy: the pattern that gives fewest rows next, among those joined to the ones before it."""
    def cost(t, known):
        variables = _pattern_variables(t)
        detached = bool(known) and bool(variables) and not any(x in known for x in variables)
        return (detached, sizes.estimate(t, known))
    return _greedy(triples, set(), cost)


def _greedy(triples: list, known: set, cost) -> list:
    """``triples`` ordered by repeatedly taking the cheapest by ``cost(t, known)`` (the first on a
    tie), with ``known`` growing by each taken pattern's variables."""
    known = set(known)
    rest = list(triples)
    out = []
    while rest:
        best = min(range(len(rest)), key=lambda i: (cost(rest[i], known), i))
        t = rest.pop(best)
        out.append(t)
        known.update(_pattern_variables(t))
    return out


def _pattern_variables(t: tuple) -> list:
    return [x for x in t if isinstance(x, (Variable, BNode))]


def _conjuncts(expr) -> list:
    if isinstance(expr, CompValue) and expr.name == "ConditionalAndExpression":
        out = []
        for part in [expr["expr"], *(expr.get("other") or [])]:
            out.extend(_conjuncts(part))
        return out
    return [expr]


def _variables(node) -> set:
    """Every variable in an algebra node or expression, EXISTS patterns included."""
    if isinstance(node, Variable):
        return {node}
    out: set = set()
    for value in _children(node):
        out |= _variables(value)
    return out


def _children(node) -> list:
    # CompValue is a dict, but rdflib sets the translated pattern of an EXISTS as an attribute
    # (``n.graph = …``) beside the parsed one; and parse results are no lists.
    if isinstance(node, CompValue):
        extra = [v for k, v in vars(node).items() if k not in ("name", "_evalfn")]
        return list(node.values()) + extra
    if isinstance(node, (str, bytes, Identifier)) or not hasattr(node, "__iter__"):
        return []
    return list(node)


def _group_by_this(result) -> dict:
    groups: dict = {}
    for row in result.bindings:
        groups.setdefault(row.get(_THIS), []).append(row)
    return groups


def _select_result(variables: list, rows) -> Result:
    out = Result("SELECT")
    out.vars = variables
    out.bindings = list(rows)
    return out


def _batchable(algebra) -> bool:
    """May the query be evaluated once with ``?this`` unbound and its rows grouped by ``?this``?

    Yes for a SELECT that projects ``?this``, whose every solution binds ``?this`` from a triple
    pattern (``_anchored``), and which has nothing whose result depends on the whole solution set
    rather than on each solution: no LIMIT/OFFSET, GROUP BY or aggregates, sub-SELECT or VALUES,
    and no BIND of an expression with ``?this`` over a part that does not bind it.
    """
    if getattr(algebra, "name", None) != "SelectQuery" or _THIS not in (algebra.get("PV") or []):
        return False
    if algebra.get("datasetClause"):
        return False
    body = algebra["p"]
    while isinstance(body, CompValue) and body.name in ("Project", "Distinct", "Reduced", "OrderBy"):
        body = body["p"]
    return _anchored(body) and _safe(body)


def _safe(node) -> bool:
    if isinstance(node, CompValue):
        if node.name in ("Slice", "Group", "AggregateJoin", "ToMultiSet", "values", "Minus", "Graph", "ServiceGraphPattern"):
            return False
        if node.name == "Extend" and _mentions_this(node.get("expr")) and not _anchored(node.get("p")):
            return False
    return all(_safe(v) for v in _children(node))


def _mentions_this(node) -> bool:
    return _THIS in _variables(node)


def _start_from_this(node) -> None:
    """Order the prepared algebra for a pre-bound ``?this``, as pySHACL always binds it.

    rdflib orders each basic graph pattern when it translates the query, before it knows that
    ``?this`` will be bound, and evaluates a join left operand first; so a pattern such as
    ``?value ark:livscyklus ark:IDrift`` (KON-2) or a block before a UNION that binds ``$this``
    (FDA-4.1) is enumerated in full for every focus node. Here each BGP is ordered with ``?this``
    counted as known, and a join whose right operand holds ``?this`` starts from that operand.
    Triple patterns of a BGP and the operands of a join commute, so the results are the same
    (tests/test_engines.py checks it against unprepared pySHACL).
    """
    if isinstance(node, CompValue):
        if node.name == "BGP":
            node["triples"] = _order_bgp(node["triples"], {_THIS})
        elif node.name == "Join" and not _anchored(node["p1"]) and _anchored(node["p2"]):
            node["p1"], node["p2"] = node["p2"], node["p1"]
        for value in list(node.values()):
            _start_from_this(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _start_from_this(value)


def _order_bgp(triples: list, known: set) -> list:
    """rdflib's greedy order (fewest unknown variables first, then most shared), from ``known``."""
    counts: dict = {}
    for t in triples:
        for term in _pattern_variables(t):
            counts[term] = counts.get(term, 0) + 1

    def cost(t, known):
        unknown = sum(1 for x in _pattern_variables(t) if x not in known)
        return (unknown, -sum(counts.get(x, 0) for x in t))
    return _greedy(triples, known, cost)


def _anchored(node) -> bool:
    """Does every solution of ``node`` come from a triple pattern that mentions ?this?"""
    if not isinstance(node, CompValue):
        return False
    if node.name == "BGP":
        return any(_THIS in t for t in node["triples"])
    if node.name == "Union":
        return _anchored(node["p1"]) and _anchored(node["p2"])
    if node.name == "Join":
        return _anchored(node["p1"]) or _anchored(node["p2"])
    if node.name in ("Filter", "Extend", "LeftJoin", "Project", "Distinct", "ToMultiSet"):
        return _anchored(node.get("p") if "p" in node else node.get("p1"))
    return False


def validate(data: Graph, shapes: Graph, *, prepared: bool = True) -> list[RawResult]:
    """Validate ``data`` (already holding ontology, models and derived facts) against ``shapes``.

    ``prepared=False`` runs pySHACL on ``data`` itself (every SPARQL constraint re-parsed per
    focus node), for the differential test that the cache changes nothing.
    """
    import pyshacl  # heavy: imported only when this engine runs
    from pyparsing import ParseBaseException
    from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError, ValidationFailure

    if not isinstance(data, Graph):  # e.g. a pyoxigraph-backed view: pySHACL needs rdflib
        data = _as_rdflib(data)
    target = PreparedQueryGraph(data) if prepared else data
    if prepared:
        shapes = _compact_queries(shapes)
    try:
        _conforms, report, _text = pyshacl.validate(
            target,
            shacl_graph=shapes,
            inference="none",
            abort_on_first=False,
            allow_infos=True,
            allow_warnings=True,
            advanced=False,
            inplace=True,
        )
    except (ConstraintLoadError, ShapeLoadError, ReportableRuntimeError, ValidationFailure,
            ParseBaseException) as exc:
        report = exc
    if not isinstance(report, Graph):
        # pySHACL returns a ValidationFailure instead of raising when a shape cannot run.
        reason = " ".join(str(getattr(report, "message", report)).split())[:300]
        raise ShapesError(
            f"reglerne kunne ikke køres: {reason}",
            f"the shapes could not be run: {reason}",
            code="ARK-E35",
        )
    results = []
    # The report's own results only: a failing sh:node nests its shape's results under sh:detail,
    # and those are explanations, not results of the report (SHACL §3.6.2.6).
    top = [r for vr in report.subjects(RDF.type, SH.ValidationReport) for r in report.objects(vr, SH.result)]
    for r in top:
        shape = report.value(r, SH.sourceShape)
        messages = message_templates(shapes, shape, report.value(r, SH.sourceConstraint))
        results.append(
            RawResult(
                shape=shape,
                focus=report.value(r, SH.focusNode),
                path=report.value(r, SH.resultPath),
                value=report.value(r, SH.value),
                severity=report.value(r, SH.resultSeverity),
                messages=messages or tuple(report.objects(r, SH.resultMessage)),
                component=report.value(r, SH.sourceConstraintComponent),
            )
        )
    return results


def _compact_queries(shapes: Graph) -> Graph:
    """A copy of ``shapes`` whose sh:select texts have each run of blanks and comments cut to one space.

    pySHACL searches the text of a SHACL-SPARQL constraint with some ten regular expressions for
    every focus node (about a third of its time at 2×300); their cost grows with the length of the
    text, most of which is indentation and comments. The tokens and their order stay the same
    (``shacl_compile.query_tokens``), so the query does too; a text the tokenizer cannot read is
    left as it is.
    """
    from rdflib import Literal

    from .shacl_compile import query_tokens

    out = Graph(namespace_manager=shapes.namespace_manager)
    for s, p, o in shapes:
        if p == SH.select and isinstance(o, Literal):
            toks = query_tokens(str(o))
            if toks is not None:
                o = Literal(" ".join(toks), lang=o.language, datatype=o.datatype)
        out.add((s, p, o))
    return out


def _as_rdflib(view) -> Graph:
    g = Graph()
    for t in view.triples((None, None, None)):
        g.add(t)
    return g
