"""Den hurtige motor / runs the shapes, compiled to SPARQL, on a pyoxigraph Store.

Results follow SHACL 1.0 and SPARQL 1.1 (``shacl_compile``); ``tests/test_engines.py`` compares them
with pySHACL's (the reference) on every rule example and on generated repositories – data where
both are right: docs/shacl.md lists where pySHACL follows rdflib instead of the specifications. The
store is the one the fast loader filled (``loader.load_store``); given an rdflib graph instead, the
engine copies it into a store first.
"""

from __future__ import annotations

import os
import weakref
from dataclasses import replace
from functools import partial

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from .engine_common import RawResult, cyclic_gc_paused, fill_parameters, message_templates
from .errors import ShapesError
from .shacl_compile import (FOCUS_NODE, ILL_TYPED, ILL_TYPED_P, ILL_TYPED_S, SHAPES_GRAPH, WRITTEN_INTEGERS,
                            Plan, compile_shapes)
from .shacl_datatypes import RECOGNISED, well_formed
from .storegraph import StoreGraph, default_graph_quads, from_ox, memoised, to_ox

NAME = "oxigraph"
DATA = "store"  # check.run_check loads the repository straight into a store for this engine
STREAMS_RESULTS = True  # validate(on_results=…) hands over each query's results as they come

_plans: "weakref.WeakKeyDictionary[Graph, tuple[int, Plan]]" = weakref.WeakKeyDictionary()
_well_typed_cache: dict = {}
_SMALL = 20_000  # triples: below, the queries run in this thread (``_Serial``)
_WORKERS = max(1, min(4, os.cpu_count() or 1))  # (asked once: a system call, ~25 µs a validation)
_canonical_cache: dict = {}
_XSD = str(XSD)
_INTEGER = _XSD + "integer"
# Types derived from xsd:integer: the Store keeps a literal of one as xsd:integer (see _retyped).
_INTEGER_SUBTYPES = {_XSD + n for n in (
    "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
# Datatypes whose valid literals pyoxigraph stores in canonical form (their lexical form may change).
_CANONICALISED = {_XSD + n for n in (
    "integer", "decimal", "float", "double", "boolean", "dateTime", "dateTimeStamp", "date", "time",
    "gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay", "duration", "yearMonthDuration",
    "dayTimeDuration", "long", "int", "short", "byte", "nonNegativeInteger", "nonPositiveInteger",
    "positiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}


def plan_for(shapes: Graph, triples: list | None = None) -> Plan:
    """The compiled shapes, cached per shapes graph (recompiled when it changes size); ``triples``:
    the graph's triples, if the caller has them already (read once, not twice)."""
    cached = _plans.get(shapes)
    if cached is None or cached[0] != len(shapes):
        cached = (len(shapes), compile_shapes(shapes, triples))
        _plans[shapes] = cached
    return cached[1]


def forget_plans() -> None:
    """Drop the compiled plans (a benchmark that counts compiling, as one ``arkitektur shacl`` run does)."""
    _plans.clear()


def validate(data, shapes: Graph, *, on_results=None, reuse=None) -> list[RawResult]:
    """Validate ``data`` (a ``StoreGraph`` or an rdflib graph with ontology, models and facts).

    ``on_results``, if given, is called in this thread with each query's results as soon as the
    query is done, while the others still run (their literal values may still be swapped for the
    source's spelling before the return, which lists all results in the plan's order).
    ``reuse``, if given, may hand back a previous run's rows instead of running a query: the
    language server's ``lsp.reuse.Reuse`` (``start(plan)``, ``rows(store, query, run)``,
    ``ill_typed(plan, mark, marks)``), which knows what changed in the store since.
    """
    if isinstance(data, StoreGraph):  # (``check`` pauses the cyclic GC around the whole check itself)
        return _validate(data, shapes, on_results, reuse)
    with cyclic_gc_paused():  # as check does: the W3C suite ~9 % faster (docs/ydelse.md)
        return _validate(data, shapes, on_results, reuse)


def _validate(data, shapes: Graph, on_results, reuse) -> list[RawResult]:
    # An rdflib graph is read once (a W3C test's data graph is often its shapes graph too):
    # iterating rdflib's memory store costs more per triple than the rest of a small validation.
    triples = None if isinstance(data, StoreGraph) else (getattr(data, "read_triples", None) or list(data))
    plan = plan_for(shapes, triples if shapes is data else getattr(shapes, "read_triples", None))
    parallel = True
    if triples is None:
        view = data
    else:
        parallel = len(triples) > _SMALL
        store = ox.Store()
        # (a graph read by shacl_validate.read_graph still has pyoxigraph's own terms: no conversion)
        store.extend(getattr(data, "ox_quads", None) or _quads(triples))
        view = StoreGraph(store, lambda requests: [list(data.objects(s, p)) for s, p in requests])
        # (only where some check reads the marks: the refusal is about telling values apart there)
        view.ill_written = _ill_written(triples) if plan.datatypes else set()
        if plan.integer_types:
            _mark_written_integers(store, triples, plan)
    if plan.shapes_graph:  # $shapesGraph: the shapes as a named graph while the queries run
        graph = ox.NamedNode(str(SHAPES_GRAPH))
        view.store.extend(_quads(shapes, graph))
    try:
        for focus_set in plan.focus_sets:  # the focus nodes of shapes with several targets (FocusSet)
            if triples is None:
                view.store.update(focus_set.update)
            else:  # a store made here (a W3C test, `arkitektur shacl`): lookups, no SPARQL to plan
                _fill_focus_set(view.store, focus_set)
        return _run(view, plan, shapes, on_results, parallel, reuse)
    finally:
        view.store.remove_graph(ox.NamedNode(str(ILL_TYPED)))
        view.store.remove_graph(ox.NamedNode(str(WRITTEN_INTEGERS)))
        for focus_set in plan.focus_sets:
            view.store.remove_graph(ox.NamedNode(focus_set.graph))
        if plan.shapes_graph:
            view.store.remove_graph(ox.NamedNode(str(SHAPES_GRAPH)))


_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))


def _fill_focus_set(store: ox.Store, focus_set) -> None:
    """``focus_set.update`` done by pattern lookups: the same nodes in its named graph.

    Planning the update's UNION of targets took pyoxigraph longer than a W3C test's whole
    validation; here each target is a lookup in the default graph (``sh:targetClass`` as
    ``rdf:type/rdfs:subClassOf*``: the class and everything below it, cycles included)."""
    nodes: dict = {}
    for kind, t in focus_set.targets:
        t = to_ox(t)
        if kind == "node":
            nodes[t] = None
        elif kind == "subjects":
            nodes.update(dict.fromkeys(q.subject for q in default_graph_quads(store, None, t, None)))
        elif kind == "objects":
            nodes.update(dict.fromkeys(q.object for q in default_graph_quads(store, None, t, None)))
        else:  # "class"
            classes, todo = {t}, [t]
            while todo:
                for q in default_graph_quads(store, None, _SUBCLASS, todo.pop()):
                    if q.subject not in classes:
                        classes.add(q.subject)
                        todo.append(q.subject)
            for c in classes:
                nodes.update(dict.fromkeys(q.subject for q in default_graph_quads(store, None, _TYPE, c)))
    graph, holder = ox.NamedNode(focus_set.graph), ox.NamedNode(FOCUS_NODE)
    store.extend([ox.Quad(holder, holder, n, graph) for n in nodes])


def _quads(triples, graph=None) -> list:
    """``triples`` (rdflib terms) as pyoxigraph quads in ``graph`` (None: the default graph); each
    distinct term converted once."""
    term = memoised(to_ox)
    if graph is None:  # Quad(s, p, o) – an explicit DefaultGraph() made each quad 6× as slow to build
        return [ox.Quad(term(s), term(p), term(o)) for s, p, o in triples]
    return [ox.Quad(term(s), term(p), term(o), graph) for s, p, o in triples]


class _Serial:
    """A stand-in for the thread pool on a small graph: starting the threads would cost more
    (≈1 ms per validation, most of the time over a W3C test) than the queries take."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def submit(self, fn, *args):
        try:
            return _Done(fn(*args), None)
        except BaseException as exc:  # noqa: BLE001 - handed on by result(), as the pool does
            return _Done(None, exc)


class _Done:
    """What ``_Serial.submit`` hands back: a finished future without a future's locks."""

    __slots__ = ("value", "exc")

    def __init__(self, value, exc) -> None:
        self.value, self.exc = value, exc

    def result(self):
        if self.exc is not None:
            raise self.exc
        return self.value


def _run(view: StoreGraph, plan: Plan, shapes: Graph, on_results=None, parallel: bool = True,
         reuse=None) -> list[RawResult]:
    """Run the queries on all cores (pyoxigraph evaluates without the GIL); hand each query's
    results to ``on_results`` as it finishes, and return them all in plan order.

    The SHACL-SPARQL constraints start at once; the core constraints (sh:datatype reads the marks
    of ill-typed literals) once this thread has marked them. ``parallel`` False: one after another,
    in this thread (a small graph).
    """
    from concurrent.futures import ThreadPoolExecutor

    store = view.store
    results: list[RawResult] = []
    # Longest first, for two cores: the SHACL-SPARQL constraints over every model subject (the MOD
    # rules), then the other SHACL-SPARQL constraints, then the core constraints.
    def cost(i: int) -> tuple:
        q = plan.queries[i]
        return (q.kind != "sparql", "Modelemne" not in q.text, i)

    order = sorted(range(len(plan.queries)), key=cost)
    run = _rows  # one query's rows (or, for the language server, perhaps the last check's)
    if reuse is not None:
        reuse.start(plan)
        run = partial(reuse.rows, run=_rows)
    executor = ThreadPoolExecutor if parallel else _Serial
    with executor(max_workers=_WORKERS, thread_name_prefix="arkitektur-sparql") as pool:
        futures = {pool.submit(run, store, plan.queries[i]): i for i in order if plan.queries[i].kind == "sparql"}
        mark = partial(_mark_ill_typed, view, plan.datatypes, plan.datatype_predicates, small=not parallel)
        ill_typed = mark() if reuse is None else reuse.ill_typed(plan, mark, partial(_marks, store))
        futures.update({pool.submit(run, store, plan.queries[i]): i for i in order
                        if plan.queries[i].kind != "sparql"})
        restore = _Restorer(view, ill_typed)
        index = shapes if plan.index is None else plan.index  # (not `or`: an index has a length)
        batches: dict = {}
        failed: list = []
        # In the order the queries finish: the caller turns each batch into findings while the
        # slowest queries still run. (The results keep the plan's order, and of several failures
        # the first in the plan is raised, as before.)
        for future in _finished(futures, parallel):
            i = futures[future]
            q = plan.queries[i]
            if _failed(future):
                failed.append((i, future))
            if failed:
                continue
            messages = fill_parameters(message_templates(index, q.shape, q.constraint), q.bindings)
            batch = batches[i] = _results(q, future.result(), messages, restore)
            if on_results is not None and batch:
                on_results(batch)
        if failed:
            min(failed, key=lambda pair: pair[0])[1].result()  # raises
        for i in range(len(plan.queries)):
            results.extend(batches[i])
    return restore.apply(results)


def _failed(future) -> bool:
    try:
        future.result()
    except BaseException:  # noqa: BLE001 - raised by _run, for the first failing query in the plan
        return True
    return False


def _finished(futures: dict, parallel: bool):
    """The futures as they finish (``_Serial``'s are finished already)."""
    if not parallel:
        return iter(futures)
    from concurrent.futures import as_completed
    return as_completed(futures)


class _Row(dict):
    """A solution of a query run per focus node: ``?this`` is the focus, unbound variables None."""

    def __missing__(self, key):
        return None


def _rows(store: ox.Store, q) -> list:
    try:
        if q.kind not in ("sparql", "ask"):
            return list(store.query(q.text))
        # A data graph has no named graphs (ours holds the marks of ill-typed literals); the
        # shapes graph is one for a query that reads $shapesGraph.
        named = [ox.NamedNode(str(SHAPES_GRAPH))] if any(n == "shapesGraph" for n, _ in q.bindings) else []
        options = {"named_graphs": named}
        if q.focus_query is None:
            return list(store.query(q.text, **options))
        rows = []  # SHACL pre-binding: $this substituted by each focus node in turn
        this, value = ox.Variable("this"), ox.Variable("value")
        bound = {ox.Variable(n): to_ox(t) for n, t in q.bindings}
        for solution in store.query(q.focus_query):
            focus = solution[0]
            if q.kind == "ask":  # an ASK validator: a result for each value node it answers false for
                answer = store.query(q.text, substitutions={**bound, this: focus, value: solution[1]}, **options)
                if next(iter(answer), None) is None:  # the ASK, run as a SELECT (shacl_sparql.as_select)
                    rows.append(_Row(this=focus, value=solution[1]))
                continue
            solutions = store.query(q.text, substitutions={**bound, this: focus}, **options)
            names = [v.value for v in solutions.variables]
            rows.extend(_Row({**{n: s[n] for n in names}, "this": focus}) for s in solutions)
        return rows
    except (SyntaxError, OSError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:300]
        raise ShapesError(f"en oversat form kunne ikke køres: {reason}",
                          f"a compiled shape could not be run: {reason}", code="ARK-E36") from None


def _results(q, rows: list, messages: tuple, restore) -> list[RawResult]:
    out = []
    property_shape = q.path is not None
    written = {canonical(t): t for t in q.literal_targets}  # literal focus nodes as the shapes wrote them
    for row in rows:
        focus = written.get(row["this"])
        if focus is None:  # (not `or`: a literal such as "0"^^xsd:integer is falsy in rdflib)
            focus = from_ox(row["this"])
        path = q.path
        value = None
        if q.kind in ("value", "ask"):
            value = row["value"]
            value = restore(focus, q.path, value)
        elif q.kind == "focus":
            value = focus
        elif q.kind == "closed":
            path = from_ox(row["path"])
            value = restore(focus, path, row["value"])
        elif q.kind == "sparql":
            bound_path = row["path"]
            if bound_path is not None:
                path = from_ox(bound_path)
            bound_value = row["value"]
            if bound_value is not None:
                value = restore(focus, path if isinstance(path, URIRef) else None, bound_value)
            elif not property_shape:
                value = focus
        out.append(RawResult(shape=q.shape, focus=focus, path=path, value=value,
                             severity=q.severity, messages=messages, component=q.component))
    return out


# -- ill-typed literals (sh:datatype, comparisons), judged by XSD 1.1 (``shacl_datatypes``) ------

def _marks(store: ox.Store) -> frozenset:
    """What ``_mark_ill_typed`` put in the store (the language server compares it between checks)."""
    return frozenset(q for g in (ILL_TYPED, WRITTEN_INTEGERS)
                     for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(g))))


def _mark_ill_typed(view: StoreGraph, datatypes: set, predicates: set, small: bool = False) -> set:
    """Put the ill-typed literals that reach a check into the graph ILL_TYPED; return those the
    store keeps as written.

    Only the objects of the predicates that lead to an sh:datatype check are read (all objects if
    some check's value nodes come another way); each distinct literal is judged once. Literals of a
    type derived from xsd:integer are the exception (``_retyped``): the store keeps them as
    xsd:integer, so they are judged as the file wrote them. ``small``: the store is small (read
    its triples, not a query per predicate).
    """
    store = view.store
    if not datatypes:
        return set()
    if None in predicates or not predicates:
        listed = ", ".join(f"<{d}>" for d in sorted(datatypes | {XSD.integer}, key=str))
        queries = [(None, f"SELECT DISTINCT ?o WHERE {{ ?s ?p ?o FILTER(isLiteral(?o) && DATATYPE(?o) IN ({listed})) }}")]
    else:  # per predicate, unfiltered (the datatypes are picked here): a third of one filtered query's time
        queries = [(p, f"SELECT DISTINCT ?o WHERE {{ ?s <{p}> ?o }}") for p in sorted(predicates, key=str)]
    wanted = {str(d) for d in datatypes}
    subtypes = bool(wanted & _INTEGER_SUBTYPES)
    literals, integers = set(), []
    for p, q in queries:
        if small:  # a small graph: its triples read as they are (a query's parsing costs more)
            found = {t.object for t in default_graph_quads(store, None, None if p is None else ox.NamedNode(str(p)), None)}
        else:
            found = (row[0] for row in store.query(q))
        for o in found:
            if isinstance(o, ox.Literal):
                if o.datatype.value in wanted:
                    literals.add(o)
                if subtypes and o.datatype.value == _INTEGER:
                    integers.append((p, o))
    holder, prop, graph = ox.NamedNode(str(ILL_TYPED_S)), ox.NamedNode(str(ILL_TYPED_P)), ox.NamedNode(str(ILL_TYPED))
    bad = [ox.Quad(holder, prop, o, graph) for o in literals if not well_typed(o.value, o.datatype.value)]
    # Data read through rdflib (``arkitektur shacl``): literals pyoxigraph read leniently and stored
    # canonical ("inf"^^xsd:double as "INF"), judged as written.
    written = getattr(view, "ill_written", set())
    retyped = [ox.Quad(holder, prop, o, graph) for o in (_retyped(view, integers) | (literals & written))]
    if bad or retyped:
        store.extend(bad + retyped)
    return {q.object for q in bad}


def _ill_written(triples: list) -> set:
    """The store forms of the data's ill-typed literals, where the store keeps them in another form.

    The marks are values: if the data also writes a well-typed literal with the same store form
    ("inf" and "INF" as xsd:double), the engine cannot tell them apart – refused, not guessed."""
    ill, fine = {}, set()
    for _, _, o in triples:
        if isinstance(o, Literal) and o.datatype is not None and str(o.datatype) in RECOGNISED:
            stored = canonical(o)
            if well_typed(str(o), str(o.datatype)):
                fine.add(stored)
            elif stored.value != str(o):
                ill[stored] = o
    for stored in ill.keys() & fine:
        written = f'"{ill[stored]}"^^<{ill[stored].datatype}>'  # (n3() would write rdflib's own form)
        raise ShapesError(
            f"literalen {written} er ugyldig, men oxigraph-motoren gemmer den som den gyldige "
            f"{stored}, som dataene også skriver – brug --engine pyshacl.",
            f"the literal {written} is ill-typed, but the oxigraph engine stores it as the "
            f"well-typed {stored}, which the data also writes – use --engine pyshacl.", code="ARK-E36")
    return set(ill)


def _mark_written_integers(store: ox.Store, triples: list, plan: Plan) -> None:
    """Mark each integer the data (or a shape's sh:targetNode) wrote as a subtype of xsd:integer
    with that datatype, in WRITTEN_INTEGERS: the store keeps "5"^^xsd:long as "5"^^xsd:integer,
    and sh:datatype tells them apart (SHACL §4.2.1). One value written with two of these datatypes
    cannot be told apart in the store: refused, not guessed.

    Done where the data comes as an rdflib graph (``arkitektur shacl``). ``check``'s store is left
    unmarked, as before: there a subtype reads as xsd:integer, which the one shipped rule that names
    the subtypes (MOD's ark:aarligPris) accepts alike, and ``_retyped`` judges their range from the files.
    """
    literals = {o for _, _, o in triples if isinstance(o, Literal)}
    literals.update(t for q in plan.queries for t in q.literal_targets)
    written: dict = {}
    for lit in literals:
        dt = str(lit.datatype)
        if dt == _INTEGER or dt in _INTEGER_SUBTYPES:
            stored = canonical(lit)
            if stored.datatype.value == _INTEGER:  # the store retyped it (or it was xsd:integer)
                written.setdefault(stored, set()).add(dt)
    marks = []
    holder, graph = ox.NamedNode(str(ILL_TYPED_S)), ox.NamedNode(str(WRITTEN_INTEGERS))
    for value, types in written.items():
        if len(types) > 1:
            shown = " og / and ".join(f"<{t}>" for t in sorted(types))
            raise ShapesError(
                f"tallet {value.value} står både som {shown}; oxigraph-motoren kan ikke skelne dem ved "
                "sh:datatype – brug --engine pyshacl.",
                f"the number {value.value} is written as {shown}; the oxigraph engine cannot tell them apart "
                "for sh:datatype – use --engine pyshacl.", code="ARK-E36")
        (dt,) = types
        if dt != _INTEGER:
            marks.append(ox.Quad(holder, ox.NamedNode(dt), value, graph))
    if marks:
        store.extend(marks)


def _retyped(view: StoreGraph, integers: list) -> set:
    """The store's xsd:integer literals that some file wrote as an ill-typed subtype of it.

    pyoxigraph's Store keeps "450000"^^xsd:byte and "-5"^^xsd:nonNegativeInteger as xsd:integer,
    so their range can only be judged from the file (``view.lexical_forms``); pySHACL judges the
    literal as written. Such a value is marked ill-typed wherever it occurs among the checked
    objects (the marks hold values, not triples). Only models that write integers ask the files.
    """
    if not integers:
        return set()
    store = view.store
    requests = []
    for p, o in integers:
        predicate = "?p" if p is None else f"<{p}>"
        for row in store.query(f"SELECT ?s ({predicate} AS ?q) WHERE {{ ?s {predicate} {o} }}"):
            if isinstance(row["s"], ox.NamedNode):
                requests.append((from_ox(row["s"]), from_ox(row["q"])))
    requests = sorted(set(requests))
    out = set()
    for originals in view.lexical_forms(requests) if requests else ():
        for original in originals:
            if (isinstance(original, Literal) and str(original.datatype) in _INTEGER_SUBTYPES
                    and not well_typed(str(original), str(original.datatype))):
                out.add(canonical(original))
    return out


def well_typed(lexical: str, datatype: str) -> bool:
    """Is ``"lexical"^^datatype`` well-formed (``shacl_datatypes``)? Cached: a model repeats its values."""
    key = (lexical, datatype)
    hit = _well_typed_cache.get(key)
    if hit is None:
        hit = _well_typed_cache[key] = well_formed(lexical, datatype)
    return hit


# -- literal values as the file wrote them ---------------------------------------------------

class _Restorer:
    """Maps literals read from the store back to the form in the data (pyoxigraph canonicalises).

    Called per result, it hands back the store's term and notes what to look up; ``apply`` then
    asks the view for the source forms of all of them at once.
    """

    def __init__(self, view: StoreGraph, verbatim: set) -> None:
        self.view = view
        self.verbatim = verbatim  # ill-typed literals: pyoxigraph keeps them as written
        self.pending: dict = {}   # id(term) -> (focus, path, ox term)

    def __call__(self, focus, path, value):
        term = from_ox(value)
        if (isinstance(value, ox.Literal) and value.datatype.value in _CANONICALISED
                and value not in self.verbatim):
            self.pending[id(term)] = (focus, path if isinstance(path, URIRef) else None, value, term)
        return term

    def apply(self, results: list) -> list:
        if not self.pending:
            return results
        keys = list(self.pending)
        found = self.view.lexical_forms([self.pending[k][:2] for k in keys])
        restored = {}
        for k, originals in zip(keys, found):
            _focus, _path, value, term = self.pending[k]
            for original in originals:
                # the same datatype, or a subtype of xsd:integer the store retyped ("5"^^xsd:long)
                if isinstance(original, Literal) and (
                        (original.datatype == term.datatype and str(original) == str(term))
                        or canonical(original) == value):
                    restored[k] = original
                    break
        if not restored:
            return results
        return [r if id(r.value) not in restored else replace(r, value=restored[id(r.value)]) for r in results]


def canonical(lit: Literal) -> ox.Literal:
    """The form pyoxigraph stores ``lit`` in."""
    key = (str(lit), lit.datatype, lit.language)
    hit = _canonical_cache.get(key)
    if hit is None:
        scratch = ox.Store()
        node = ox.NamedNode("urn:x")
        scratch.add(ox.Quad(node, node, to_ox(lit), ox.DefaultGraph()))
        hit = next(scratch.quads_for_pattern(None, None, None, None)).object
        _canonical_cache[key] = hit
    return hit
