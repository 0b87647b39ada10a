"""Grafen i pyoxigraph / rdflib-style read access (rdflib terms in and out) to a pyoxigraph Store's default graph.

The fast path keeps the repository in a pyoxigraph Store (parsed once, in Rust). The code that
reads a few facts at a time – ``derive``, the finding maker, the dispensations – was written
against rdflib's ``Graph`` API; this view offers the part of that API they use, converting terms at
the boundary, so they run unchanged on either kind of graph.

Note: pyoxigraph stores valid XSD literals in canonical form (``"01"^^xsd:integer`` reads back as
``"1"``) and lower-cases language tags; ``lexical_forms`` says where to find what the file said.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

_XSD_STRING = str(XSD.string)
_DEFAULT = ox.DefaultGraph


def to_ox(term):
    """An rdflib term (or None) as a pyoxigraph term."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"unsupported term {term!r}")


# Characters an N-Triples IRI may not hold as they are (a valid IRI never has them).
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LITERAL_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def nt_iri(iri: str) -> str | None:
    """``<iri>`` for an N-Triples document; None if it would need escapes."""
    return None if _NOT_IN_IRI.search(iri) else f"<{iri}>"


def nt_term(term) -> str | None:
    """An rdflib IRI or literal in N-Triples; None for a blank node (or an IRI ``nt_iri`` refuses).

    Not rdflib's ``n3()``: it writes an IRI with a space or control character as it is, which the
    bulk load then rejects; and not ``str(to_ox(term))``: that builds a pyoxigraph term per derived
    fact on the hot path only to print it (docs/ydelse.md)."""
    if isinstance(term, URIRef):
        return nt_iri(str(term))
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_LITERAL_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None:
            dtype = nt_iri(str(term.datatype))
            return None if dtype is None else f"{text}^^{dtype}"
        return text
    return None


_typed: dict = {}


def memoised(convert):
    """``convert`` (``to_ox``, ``from_ox``) that converts each distinct term once and hands back
    the same object after: a graph repeats its predicates and classes (a third of the conversions
    over the W3C suite), and equal rdflib terms that are one object compare by identity instead of
    by rdflib's Python ``__eq__``."""
    memo: dict = {}

    def once(term):
        hit = memo.get(term)
        if hit is None:
            hit = memo[term] = convert(term)
        return hit

    return once


def from_ox(term):
    """A pyoxigraph term as an rdflib term (plain literal for xsd:string, lexical form kept)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dtype = term.datatype.value
        if dtype == _XSD_STRING:
            return Literal(term.value)
        # rdflib parses the value of a typed literal on creation; dates and codes repeat a lot.
        key = (term.value, dtype)
        lit = _typed.get(key)
        if lit is None:
            if len(_typed) > 200_000:
                _typed.clear()
            lit = _typed[key] = Literal(term.value, datatype=URIRef(dtype), normalize=False)
        return lit
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"unsupported term {term!r}")  # quoted triples are not Turtle 1.1


def _distinct(terms: Iterator, unique: bool) -> Iterator:
    """``terms``, each once if ``unique`` (as rdflib's ``unique=True``)."""
    if not unique:
        yield from terms
        return
    seen: set = set()
    for t in terms:
        if t not in seen:
            seen.add(t)
            yield t


def default_graph_quads(store: ox.Store, s, p, o) -> Iterator:
    """``store.quads_for_pattern(s, p, o, DefaultGraph())``, 2–3× faster: pyoxigraph takes longer to
    read a ``DefaultGraph`` argument than to find a few quads, so the quads of all graphs are read and
    those of named graphs (the engine's marks, while it runs) dropped here (docs/ydelse.md)."""
    return (q for q in store.quads_for_pattern(s, p, o) if type(q.graph_name) is _DEFAULT)


class StoreGraph:
    """The default graph of ``store`` with the read API of ``rdflib.Graph`` that this package uses."""

    def __init__(self, store: ox.Store, lexical_forms=None) -> None:
        self.store = store
        self._lexical_forms = lexical_forms

    # -- reading ------------------------------------------------------------------------------
    def _quads(self, s, p, o) -> Iterator:
        if isinstance(s, Literal) or (p is not None and not isinstance(p, URIRef)):
            return iter(())  # no such triple in RDF (rdflib answers "none" too)
        return default_graph_quads(self.store, to_ox(s), to_ox(p), to_ox(o))

    def triples(self, pattern) -> Iterator[tuple]:
        s, p, o = pattern
        for q in self._quads(s, p, o):
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)

    def __iter__(self) -> Iterator[tuple]:
        return self.triples((None, None, None))

    def __len__(self) -> int:
        return sum(1 for _ in self._quads(None, None, None))

    def __contains__(self, triple) -> bool:
        return next(self._quads(*triple), None) is not None

    def objects(self, subject=None, predicate=None, unique: bool = False) -> Iterator:
        return _distinct((from_ox(q.object) for q in self._quads(subject, predicate, None)), unique)

    def subjects(self, predicate=None, object=None, unique: bool = False) -> Iterator:  # noqa: A002
        return _distinct((from_ox(q.subject) for q in self._quads(None, predicate, object)), unique)

    def predicates(self, subject=None, object=None, unique: bool = False) -> Iterator:  # noqa: A002
        for q in self._quads(subject, None, object):
            yield from_ox(q.predicate)

    def subject_objects(self, predicate=None, unique: bool = False) -> Iterator[tuple]:
        for q in self._quads(None, predicate, None):
            yield from_ox(q.subject), from_ox(q.object)

    def subject_predicates(self, object=None, unique: bool = False) -> Iterator[tuple]:  # noqa: A002
        for q in self._quads(None, None, object):
            yield from_ox(q.subject), from_ox(q.predicate)

    def predicate_objects(self, subject=None, unique: bool = False) -> Iterator[tuple]:
        for q in self._quads(subject, None, None):
            yield from_ox(q.predicate), from_ox(q.object)

    def value(self, subject=None, predicate=RDF.value, object=None, default=None, any=True):  # noqa: A002
        """As ``rdflib.Graph.value``: the one unknown term of a pattern with two known ones."""
        if subject is None:
            q = next(self._quads(None, predicate, object), None)
            return default if q is None else from_ox(q.subject)
        if predicate is None:
            q = next(self._quads(subject, None, object), None)
            return default if q is None else from_ox(q.predicate)
        q = next(self._quads(subject, predicate, None), None)
        return default if q is None else from_ox(q.object)

    # -- writing (derived facts) --------------------------------------------------------------
    def add(self, triple) -> "StoreGraph":
        s, p, o = triple
        self.store.add(ox.Quad(to_ox(s), to_ox(p), to_ox(o)))
        return self

    def __iadd__(self, other: Iterable) -> "StoreGraph":
        """Add triples (the derived facts): as one N-Triples document where the terms allow it.

        pyoxigraph builds a ``Quad`` object in some microseconds; parsing the same triple as text
        is ten times faster. Blank nodes (an N-Triples label would name a new node) and IRIs that
        N-Triples cannot spell go in as quads.
        """
        lines, quads = [], []
        spelled: dict = {}  # predicates and objects repeat (afl:godkendt true, dates)

        def nt(term):
            hit = spelled.get(term)
            if hit is None:
                hit = spelled[term] = nt_term(term)
            return hit

        for s, p, o in other:
            subject = nt_term(s)
            predicate, obj = nt(p), nt(o)
            if subject is None or predicate is None or obj is None:
                quads.append(ox.Quad(to_ox(s), to_ox(p), to_ox(o)))
            else:
                lines.append(f"{subject} {predicate} {obj} .\n")
        if lines:
            self.store.load("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        if quads:
            self.store.extend(quads)
        return self

    # -- what the file said -------------------------------------------------------------------
    def lexical_forms(self, requests: list) -> list:
        """For each (subject, predicate or None): its objects as the source spelled them (or ())."""
        if self._lexical_forms is None:
            return [() for _ in requests]
        return self._lexical_forms(requests)
