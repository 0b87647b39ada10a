"""Formfejl i selve reglerne / lints the shapes so a broken shape is an error, never "conforms".

pySHACL silently ignores an unknown term such as ``sh:minCont`` and reports a shape whose SPARQL
does not parse the same way as a data violation; both must stop the check with exit code 2.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal
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
    """The prologue pySHACL gives the query: rdflib's default namespaces, rdf/rdfs/owl, sh:prefixes."""
    declared = {str(p): str(ns) for p, ns in Graph().namespaces()}
    declared.update({"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)})
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in declared.items()]
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
    for constraint in g.objects(None, SH.sparql):
        selects = list(g.objects(constraint, SH.select))
        if len(selects) != 1 or not isinstance(selects[0], Literal):
            raise _error(g, loc, constraint, "en sh:SPARQLConstraint skal have netop én sh:select (en tekst).",
                         "an sh:SPARQLConstraint needs exactly one sh:select (a string).", "ARK-E33")
    for prop in (SH.select, SH.ask):
        for node, text in g.subject_objects(prop):
            body = _FORBIDDEN.search(_without_strings(str(text)))
            if body:
                word = body.group(1).upper()
                raise _error(g, loc, node, f"SHACL forbyder {word} i en SPARQL-betingelse (SHACL, appendiks A).",
                             f"SHACL forbids {word} in a SPARQL constraint (SHACL, Appendix A).", "ARK-E33")
            reason = sparql_syntax_error(_prefixes(g, node) + "\n" + str(text).replace("$PATH", "<urn:sti>"))
            if reason:
                raise _error(g, loc, node, f"SPARQL i formen kan ikke fortolkes: {reason}",
                             f"the shape's SPARQL does not parse: {reason}", "ARK-E33")
    for shape in set(g.subjects(ARK.regel, None)):
        if _deactivated(g, shape) or _targeted(g, shape, set()):
            continue
        raise _error(g, loc, shape, "formen har ingen target og rammer derfor intet.",
                     "the shape has no target, so it checks nothing.", "ARK-E34")


_FORBIDDEN = re.compile(r"(?<![\w:?$])(MINUS|VALUES|SERVICE)(?![\w:])", re.IGNORECASE)
_STRINGS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                      r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')


def _without_strings(text: str) -> str:
    return _STRINGS.sub(" ", text)


def sparql_syntax_error(query: str) -> str | None:
    """Why ``query`` is not SPARQL 1.1 (pyoxigraph's parser, in microseconds), or None."""
    try:
        ox.Store().query(query)
    except SyntaxError as exc:
        return " ".join(str(exc).split())[:200]
    return None


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
