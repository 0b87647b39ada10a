"""Motorernes fælles resultat / the raw result every validation engine returns, and the message templates it carries."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal
from rdflib.term import Node

from .namespaces import SH


@dataclass(frozen=True)
class RawResult:
    """One validation result, before it becomes a Finding."""

    shape: Node
    focus: Node
    path: Node | None
    value: Node | None
    severity: Node
    messages: tuple[Literal, ...]
    component: Node | None = None  # sh:sourceConstraintComponent, for a W3C validation report


def message_templates(shapes: Graph, shape: Node, constraint: Node | None = None) -> tuple[Literal, ...]:
    """The unfilled ``sh:message`` texts of a result: the shape's, then its SPARQL constraint's.

    Both engines hand these templates on, and ``check.FindingMaker`` fills ``{$this}``/``{?value}``
    with labels, so the message does not depend on the engine (pySHACL fills the slots itself with
    raw IRIs and drops the language tag; SHACL §3.6.2 leaves the rendering to the processor).
    """
    own = sorted((m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal)), key=_order)
    extra = []
    if constraint is not None:
        extra = sorted((m for m in shapes.objects(constraint, SH.message) if isinstance(m, Literal)), key=_order)
    return tuple(own + extra)


def _order(m: Literal) -> tuple:
    return (m.language or "", str(m))
