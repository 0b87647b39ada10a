"""Referencemotoren / runs the shapes with pySHACL (the only module that imports pyshacl)."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal
from rdflib.term import Node

from .errors import ShapesError
from .namespaces import RDF, SH

NAME = "pyshacl"


@dataclass(frozen=True)
class RawResult:
    """One validation result, before it becomes a Finding."""

    shape: Node
    focus: Node
    path: Node | None
    value: Node | None
    severity: Node
    messages: tuple[Literal, ...]


def validate(data: Graph, shapes: Graph) -> list[RawResult]:
    """Validate ``data`` (already holding ontology, models and derived facts) against ``shapes``."""
    import pyshacl  # heavy: imported only when this engine runs

    _conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        advanced=False,
        inplace=True,
    )
    if not isinstance(report, Graph):
        # pySHACL returns a ValidationFailure instead of raising when a shape cannot run.
        reason = " ".join(str(getattr(report, "message", report)).split())[:300]
        raise ShapesError(
            f"reglerne kunne ikke køres: {reason}",
            f"the shapes could not be run: {reason}",
            code="ARK-E35",
        )
    results = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        results.append(
            RawResult(
                shape=report.value(r, SH.sourceShape),
                focus=report.value(r, SH.focusNode),
                path=report.value(r, SH.resultPath),
                value=report.value(r, SH.value),
                severity=report.value(r, SH.resultSeverity),
                messages=tuple(report.objects(r, SH.resultMessage)),
            )
        )
    return results
