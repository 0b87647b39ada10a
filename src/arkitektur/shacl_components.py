"""SPARQL-baserede constraint components / reads SHACL §6 components (``sh:ConstraintComponent`` with ``sh:parameter`` and validators) for the shape compiler.

A component applies to a shape that has a value for each of its mandatory parameters (SHACL §6.2);
the values are pre-bound in the validator's query as ``$`` + the local name of the parameter's
``sh:path``. Which validator runs: for a node shape its ``sh:nodeValidator``, else its
``sh:validator``; for a property shape its ``sh:propertyValidator``, else its ``sh:validator``; with
none of them the constraint is ignored, as SHACL §6.2.3 says. The compiler (``shacl_compile``)
writes the queries; what cannot be run exactly (several values of one parameter, a blank node as a
value) is refused by name (ARK-E36).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .namespaces import SH
from .shacl_sparql import unsupported


@dataclass(frozen=True)
class Parameter:
    path: URIRef
    name: str        # the variable it is pre-bound as (without ``$``)
    optional: bool


@dataclass(frozen=True)
class Component:
    node: Node
    parameters: tuple[Parameter, ...]
    validator: Node | None
    node_validator: Node | None
    property_validator: Node | None

    def validator_for(self, property_shape: bool) -> Node | None:
        """The validator SHACL §6.2.3 picks for a node or a property shape (None: ignored)."""
        own = self.property_validator if property_shape else self.node_validator
        return own if own is not None else self.validator


def read_components(g: Graph) -> list[Component]:
    """Every SPARQL-based constraint component of the shapes graph (a node with ``sh:parameter``)."""
    out = []
    for node in sorted(set(g.subjects(SH.parameter, None)), key=str):
        params = []
        for p in sorted(g.objects(node, SH.parameter), key=str):
            path = _one(g, p, SH.path, node)
            if not isinstance(path, URIRef):
                raise unsupported(node, "en parameter uden en IRI som sh:path / a parameter without an IRI sh:path")
            params.append(Parameter(path=path, name=local_name(path),
                                    optional=(p, SH.optional, Literal(True)) in g))
        out.append(Component(node=node, parameters=tuple(params), validator=_one(g, node, SH.validator, node),
                             node_validator=_one(g, node, SH.nodeValidator, node),
                             property_validator=_one(g, node, SH.propertyValidator, node)))
    return out


def bindings(g: Graph, component: Component, shape: Node) -> tuple | None:
    """The pre-bound ``(name, value)`` pairs of ``component`` on ``shape``; None when it does not
    apply (a mandatory parameter without a value)."""
    out = []
    for p in component.parameters:
        values = list(g.objects(shape, p.path))
        if not values:
            if p.optional:
                continue
            return None
        if len(values) > 1:
            raise unsupported(shape, f"flere værdier for parameteren {p.path.n3()} / several values of the "
                                     f"parameter {p.path.n3()}")
        if isinstance(values[0], BNode):
            raise unsupported(shape, f"en blank knude som værdi af {p.path.n3()} / a blank node as the value "
                                     f"of {p.path.n3()}")
        out.append((p.name, values[0]))
    return tuple(out)


def local_name(iri: URIRef) -> str:
    """The local name SHACL §6.1 pre-binds a parameter as: what follows the last ``#``, ``/`` or ``:``."""
    m = re.search(r"[^#/:]+$", str(iri))
    if m is None:
        raise unsupported(iri, "en parameter-IRI uden lokalt navn / a parameter IRI without a local name")
    return m.group(0)


def _one(g: Graph, node: Node, p: URIRef, owner: Node) -> Node | None:
    values = list(g.objects(node, p))
    if len(values) > 1:
        raise unsupported(owner, f"flere værdier for {p.n3()} / several values of {p.n3()}")
    return values[0] if values else None
