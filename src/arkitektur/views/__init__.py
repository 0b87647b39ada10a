"""Diagramvisninger / builds the data of each diagram (nodes, clusters, edges, legend) from the model — no Graphviz.

Every view is a ``ViewSpec`` in ``REGISTRY`` (name, title, readability limits, builder), one module
each: ``landskab``, ``integrationer``, ``dataflow``, ``harmonisering``, ``maal`` and ``roadmap``
(docs/diagrammer.md). A builder returns a ``View`` (``diagram``): plain text labels, a style kind
per element, clusters, a legend and — for ``landskab`` (a table of task-area boxes with orthogonal
edge routes, ``layout``) and ``roadmap`` (a timeline) — pinned positions, so those layouts are the
same on every run. ``model`` reads the graph, ``selection`` resolves --kommune/--opgave, and
``check_density`` refuses a view that would be unreadable. Adding a view: a module with a builder
and its ``SPEC``, listed in ``REGISTRY``, and its kinds' styles in ``render``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..divergence import Matrix, build_matrix
from ..errors import ArkitekturError, UsageError
from ..roadmap import Roadmap, build_roadmap
from . import dataflow, harmonisering, integrationer, landskab, maal, roadmap
from .diagram import DISPENSATION_STYLE, DISPENSERET, STATUS_KIND, STATUS_STYLE, View, ViewSpec, cell_kind
from .layout import text_width
from .selection import Selection, kommuner, make_selection, resolve_kommune, resolve_opgaver

__all__ = ["DISPENSATION_STYLE", "DISPENSERET", "REGISTRY", "STATUS_KIND", "STATUS_STYLE", "VIEWS", "Selection",
           "Sources", "TooDenseError", "View", "build", "cell_kind", "check_density", "kommuner", "make_selection",
           "resolve_kommune", "resolve_opgaver", "text_width"]

REGISTRY: dict[str, ViewSpec] = {m.SPEC.name: m.SPEC for m in (landskab, integrationer, dataflow, harmonisering,
                                                                maal, roadmap)}
VIEWS = tuple(REGISTRY)


class TooDenseError(ArkitekturError):
    """A view has more nodes or edges than it can show legibly."""


@dataclass
class Sources:
    """What the views are built from: the prepared context, and the matrix and roadmap, built when first needed."""

    ctx: object
    lang: str = "da"
    given_matrix: Matrix | None = None
    given_plan: Roadmap | None = None

    @property
    def matrix(self) -> Matrix:
        if self.given_matrix is None:
            self.given_matrix = build_matrix(self.ctx, self.lang)
        return self.given_matrix

    @property
    def plan(self) -> Roadmap:
        if self.given_plan is None:
            self.given_plan = build_roadmap(self.ctx, lang=self.lang)
        return self.given_plan


def build(name: str, ctx, sel: Selection, *, matrix: Matrix | None = None, plan: Roadmap | None = None,
          lang: str = "da") -> View:
    """The view ``name`` for the prepared context; ``matrix``/``plan`` are built when not given."""
    spec = REGISTRY.get(name)
    if spec is None:
        raise UsageError(
            f"ukendt visning '{name}'. Mulige: {', '.join(VIEWS)}.",
            f"unknown view '{name}'. Choose from: {', '.join(VIEWS)}.",
            code="ARK-E106",
        )
    return spec.build(Sources(ctx, lang, matrix, plan), sel, lang)


def check_density(view: View, limits: tuple[int, int] | None = None) -> None:
    """Refuse a view above its readability limit, naming the filters that make it smaller."""
    spec = REGISTRY[view.name]
    max_nodes, max_edges = limits or spec.limits
    nodes, edges = view.size
    if nodes <= max_nodes and edges <= max_edges:
        return
    da, en = spec.units["da"], spec.units["en"]
    raise TooDenseError(
        f"visningen '{view.name}' bliver for tæt til at kunne læses: {nodes} {da[0]} og {edges} {da[1]} "
        f"(grænsen er {max_nodes} {da[0]} og {max_edges} {da[1]}). Afgræns den med {spec.hint}.",
        f"the view '{view.name}' is too dense to read: {nodes} {en[0]} and {edges} {en[1]} (the limit is "
        f"{max_nodes} {en[0]} and {max_edges} {en[1]}). Narrow it with --kommune NAME or --opgave (e.g. --opgave 27).",
        code="ARK-E100",
    )
