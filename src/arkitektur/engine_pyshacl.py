"""Referencemotoren / runs the shapes with stock pySHACL (the only module that imports pyshacl)."""

from __future__ import annotations

from rdflib import Graph

from .engine_common import RawResult, message_templates
from .errors import ShapesError
from .namespaces import RDF, SH

NAME = "pyshacl"

__all__ = ["NAME", "RawResult", "validate"]


def validate(data: Graph, shapes: Graph) -> list[RawResult]:
    """Validate ``data`` (already holding ontology, models and derived facts) against ``shapes``.

    Stock pySHACL with every option spelled out and nothing patched: this engine is the independent
    second opinion the fast engine is tested against (issue 18), so it must not share tricks with it.
    ``data`` is not changed (no inference; ``inplace`` only spares pySHACL a copy of it).
    """
    import pyshacl  # heavy: imported only when this engine runs
    from pyparsing import ParseBaseException
    from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError, ValidationFailure

    if not isinstance(data, Graph):  # e.g. a pyoxigraph-backed view: pySHACL needs rdflib
        data = _as_rdflib(data)
    try:
        _conforms, report, _text = pyshacl.validate(
            data,
            ont_graph=None,
            shacl_graph=shapes,
            inference="none",
            abort_on_first=False,
            allow_infos=True,
            allow_warnings=True,
            advanced=False,
            inplace=True,
            meta_shacl=False,
            js=False,
            iterate_rules=False,
            sparql_mode=False,
            do_owl_imports=False,
            debug=False,
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


def _as_rdflib(view) -> Graph:
    g = Graph()
    for t in view.triples((None, None, None)):
        g.add(t)
    return g
