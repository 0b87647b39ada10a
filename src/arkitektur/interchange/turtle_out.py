"""Turtle-skrivning / writes a graph as sorted, strictly valid Turtle in the layout of ``arkitektur fmt``.

Subjects sorted by IRI, ``a`` and the label predicates first, one object per line; literals keep
their exact lexical form (always ``"…"^^datatype``, never the numeric shorthand). When the
``arkitektur.fmt`` library is present the text is passed through it, so the file passes
``arkitektur fmt --check``.
"""

from __future__ import annotations

import re

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from .terms import Prefixes

_HEAD = [
    str(RDF.type),
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2000/01/rdf-schema#comment",
    "http://www.w3.org/2004/02/skos/core#definition",
]
_LOCAL_OK = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
_ESC = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _iri(iri: str) -> str:
    out = []
    for ch in iri:
        if ch in '<>"{}|^`\\' or ord(ch) <= 0x20:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "<" + "".join(out) + ">"


def _string(s: str) -> str:
    out = []
    for ch in s:
        if ch in _ESC:
            out.append(_ESC[ch])
        elif ord(ch) < 0x20 or ch in "\ufffe\uffff" or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


class Writer:
    def __init__(self, prefixes: Prefixes) -> None:
        self.prefixes = prefixes
        self.used: set[str] = set()

    def iri(self, iri: str) -> str:
        best = None
        for prefix, ns in self.prefixes.table.items():
            if iri.startswith(ns) and _LOCAL_OK.match(iri[len(ns):]):
                if best is None or len(ns) > len(self.prefixes.table[best]):
                    best = prefix
        if best is None:
            return _iri(iri)
        self.used.add(best)
        return f"{best}:{iri[len(self.prefixes.table[best]):]}"

    def term(self, t) -> str:
        if isinstance(t, URIRef):
            return self.iri(str(t))
        if isinstance(t, BNode):
            label = re.sub(r"[^A-Za-z0-9_]", "_", str(t)) or "b"
            return f"_:{label}"
        if isinstance(t, Literal):
            body = _string(str(t))
            if t.language:
                return f"{body}@{t.language}"
            if t.datatype is not None and t.datatype != XSD.string:
                return f"{body}^^{self.iri(str(t.datatype))}"
            return body
        raise TypeError(t)


def _obj_key(t) -> tuple:
    if isinstance(t, URIRef):
        return (0, str(t), "", "")
    if isinstance(t, BNode):
        return (1, str(t), "", "")
    return (2, str(t.datatype or ""), t.language or "", str(t))


def serialize(graph: Graph, prefixes: Prefixes | None = None, header: str = "") -> str:
    """The graph as Turtle text (UTF-8 safe, deterministic)."""
    prefixes = prefixes or Prefixes()
    w = Writer(prefixes)
    subjects = sorted(set(graph.subjects()), key=lambda s: (isinstance(s, BNode), str(s)))
    blocks = []
    for s in subjects:
        preds = sorted(set(graph.predicates(s)),
                       key=lambda p: (_HEAD.index(str(p)) if str(p) in _HEAD else len(_HEAD), str(p)))
        lines = [w.term(s)]
        for i, p in enumerate(preds):
            verb = "a" if p == RDF.type else w.term(p)
            objs = sorted(set(graph.objects(s, p)), key=_obj_key)
            end = " ." if i == len(preds) - 1 else " ;"
            if len(objs) == 1:
                lines.append(f"    {verb} {w.term(objs[0])}{end}")
            else:
                lines.append(f"    {verb}")
                for j, o in enumerate(objs):
                    lines.append(f"        {w.term(o)}{' ,' if j < len(objs) - 1 else end}")
        blocks.append("\n".join(lines))
    head = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines()) if header else ""
    decl = "".join(f"@prefix {p}: {_iri(prefixes.table[p])} .\n" for p in sorted(w.used))
    text = head + (("\n" if head else "") + decl if decl else "") + ("\n" if decl or head else "") + "\n\n".join(blocks) + "\n"
    return canonical(text)


def canonical(text: str) -> str:
    """Pass the text through ``arkitektur.fmt`` when that library is available (same triples)."""
    try:
        from .. import fmt  # noqa: F401
    except ImportError:
        return text
    fn = getattr(fmt, "format_text", None) or getattr(fmt, "format_turtle", None)
    if fn is None:
        return text
    try:
        out = fn(text)
    except Exception:  # the formatter refuses: keep our own (already valid) layout
        return text
    return out if isinstance(out, str) else text
