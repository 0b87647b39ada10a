"""Referencemotoren / runs the shapes with pySHACL (the only module that imports pyshacl)."""

from __future__ import annotations

from rdflib import BNode, Graph, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from .engine_common import RawResult, message_templates
from .errors import ShapesError
from .namespaces import RDF, SH

NAME = "pyshacl"

__all__ = ["NAME", "RawResult", "validate"]


class PreparedQueryGraph(Graph):
    """A second view of ``data``'s store whose ``query`` parses each distinct query text only once.

    pySHACL runs every ``sh:sparql`` constraint as ``graph.query(text, initBindings={"this": node})``
    once per focus node, and rdflib parses ``text`` again on every call (85–90 % of the run; see
    docs/upstream-pyshacl-sparql-reparse.md). This subclass keeps a prepared query per text and
    otherwise does exactly what ``Graph.query`` does: the same namespaces (the graph's own when the
    caller gives none), the same initial bindings and evaluation. Nothing global is patched, and the
    data are not copied: the view shares the store and identifier of ``data``.
    """

    def __init__(self, data: Graph) -> None:
        super().__init__(store=data.store, identifier=data.identifier, namespace_manager=data.namespace_manager)
        self._prepared: dict = {}

    def query(self, query_object, processor="sparql", result="sparql", initNs=None,  # noqa: N803
              initBindings=None, use_store_provided=True, **kwargs):  # noqa: N803
        if isinstance(query_object, str) and processor == "sparql" and not kwargs:
            namespaces = initNs or dict(self.namespaces())
            key = (query_object, tuple(sorted((str(k), str(v)) for k, v in namespaces.items())))
            prepared = self._prepared.get(key)
            if prepared is None:
                prepared = prepareQuery(query_object, initNs=namespaces)
                if initBindings and "this" in initBindings:
                    _start_from_this(prepared.algebra)
                self._prepared[key] = prepared
            query_object = prepared
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


_THIS = Variable("this")


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
        for term in t:
            if isinstance(term, (Variable, BNode)):
                counts[term] = counts.get(term, 0) + 1
    known = set(known)
    rest = list(triples)
    out = []
    while rest:
        def cost(t):
            unknown = sum(1 for x in t if isinstance(x, (Variable, BNode)) and x not in known)
            return (unknown, -sum(counts.get(x, 0) for x in t))
        best = min(range(len(rest)), key=lambda i: (cost(rest[i]), i))
        t = rest.pop(best)
        out.append(t)
        known.update(x for x in t if isinstance(x, (Variable, BNode)))
    return out


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
            )
        )
    return results


def _as_rdflib(view) -> Graph:
    g = Graph()
    for t in view.triples((None, None, None)):
        g.add(t)
    return g
