"""Motorernes fælles resultat / the raw result every validation engine returns, and the message templates it carries."""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
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

    Both engines hand these templates on, and ``finding_maker.FindingMaker`` fills ``{$this}``/``{?value}``
    with labels, so the message does not depend on the engine (pySHACL fills the slots itself with
    raw IRIs and drops the language tag; SHACL §3.6.2 leaves the rendering to the processor).
    """
    own = sorted((m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal)), key=_order)
    extra = []
    if constraint is not None:
        extra = sorted((m for m in shapes.objects(constraint, SH.message) if isinstance(m, Literal)), key=_order)
    return tuple(own + extra)


def fill_parameters(messages: tuple[Literal, ...], bindings: tuple) -> tuple[Literal, ...]:
    """``{$name}``/``{?name}`` in the messages filled with the pre-bound parameter values of a
    SPARQL-based constraint component (SHACL §6.3): constants of the shape, known before the run."""
    if not bindings:
        return messages
    values = {n: (str(t) if isinstance(t, Literal) else t.n3()) for n, t in bindings}

    def fill(m: Literal) -> Literal:
        text = re.sub(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}", lambda x: values.get(x.group(1), x.group(0)), str(m))
        return Literal(text, lang=m.language)

    return tuple(fill(m) for m in messages)


def _order(m: Literal) -> tuple:
    return (m.language or "", str(m))


@contextmanager
def cyclic_gc_paused():
    """Pause Python's cyclic garbage collector for a check or a validation, then restore it.

    A check allocates millions of short-lived, acyclic objects (terms, rows, findings); each full
    collection walks all of them again. Paused, a large check is faster with the same peak memory
    (figures: docs/ydelse.md). Reference counting still frees everything as usual.

    Everything allocated meanwhile is still in the youngest generation when the pause ends, so the
    first young collection afterwards would walk it all. ``freeze`` +
    ``unfreeze`` moves every tracked object to the oldest generation first (two list splices): the
    objects stay collectable, by the rarer full collections.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
