"""Formfejl i selve reglerne / lints the shapes so a broken shape is an error, never "conforms".

pySHACL silently ignores an unknown term such as ``sh:minCont`` and reports a shape whose SPARQL
does not parse the same way as a data violation; both must stop the check with exit code 2.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from .errors import ShapesError
from .locator import Locator
from .namespaces import ARK, OWL, RDF, RDFS, SH

_KNOWN_SH = set(dir(SH)) | {SH[name] for name in SH._extras}  # _extras: or, and, not, in, class …
_SH_NS = str(SH)
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def _anchor(g: Graph, node: Node) -> Node:
    """The nearest IRI that contains ``node`` (blank nodes have no position of their own)."""
    seen = set()
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        parent = next(iter(g.subjects(None, node)), None)
        if parent is None:
            break
        node = parent
    return node


def _error(g: Graph, loc: Locator, node: Node, da: str, en: str, code: str) -> ShapesError:
    file, line = loc.locate(str(_anchor(g, node)))
    return ShapesError(da, en, code=code, file=file, line=line)


def _prefixes(g: Graph, node: Node) -> str:
    lines = []
    for holder in g.objects(node, SH.prefixes):
        for decl in g.objects(holder, SH.declare):
            pfx, ns = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
            if pfx is not None and ns is not None:
                lines.append(f"PREFIX {pfx}: <{ns}>")
    return "\n".join(lines)


def lint(g: Graph, loc: Locator) -> None:
    """Raise ``ShapesError`` at the first problem found."""
    for s, p, o in g:
        for term in (p, o) if p != SH.namespace else (p,):
            if isinstance(term, Literal) or not str(term).startswith(_SH_NS):
                continue
            if term not in _KNOWN_SH:
                name = "sh:" + str(term)[len(_SH_NS):]
                raise _error(g, loc, s, f"ukendt SHACL-term {name} (stavefejl?).",
                             f"unknown SHACL term {name} (a typo?).", "ARK-E31")
    for constraint in g.objects(None, SH.sparql):
        if g.value(constraint, SH.severity) is not None:
            raise _error(g, loc, constraint,
                         "sh:severity står på en sh:SPARQLConstraint; den hører til på formen (shape).",
                         "sh:severity is on an sh:SPARQLConstraint; it belongs on the shape.", "ARK-E32")
    for prop in (SH.select, SH.ask):
        for node, text in g.subject_objects(prop):
            query = _prefixes(g, node) + "\n" + str(text)
            query = query.replace("$this", "?this").replace("$value", "?value").replace("$PATH", "?PATH")
            try:
                prepareQuery(query)
            except Exception as exc:  # rdflib raises several parser exception types
                reason = " ".join(str(exc).split())[:200]
                raise _error(g, loc, node, f"SPARQL i formen kan ikke fortolkes: {reason}",
                             f"the shape's SPARQL does not parse: {reason}", "ARK-E33") from None
    for shape in set(g.subjects(ARK.regel, None)):
        if _deactivated(g, shape) or _targeted(g, shape, set()):
            continue
        raise _error(g, loc, shape, "formen har ingen target og rammer derfor intet.",
                     "the shape has no target, so it checks nothing.", "ARK-E34")


def _deactivated(g: Graph, shape: Node) -> bool:
    return (shape, SH.deactivated, Literal(True)) in g


def _targeted(g: Graph, shape: Node, seen: set) -> bool:
    if shape in seen:
        return False
    seen.add(shape)
    if any(g.value(shape, t) is not None for t in _TARGETS):
        return True
    if (shape, RDF.type, RDFS.Class) in g or (shape, RDF.type, OWL.Class) in g:
        return True  # implicit class target
    return any(_targeted(g, parent, seen) for parent in g.subjects(SH.property, shape)) or any(
        _targeted(g, parent, seen) for parent in g.subjects(SH.node, shape)
    )
