"""Formgrafen som opslag / the shapes graph indexed once for the compiler: the part of rdflib's read API it uses, on dicts.

``shacl_compile`` asks the shapes graph tens of thousands of small questions ("the sh:minCount of
this shape"); rdflib's memory store answers each through its generic ``triples`` machinery
(contexts included), which made compiling half of the default engine's time over the W3C suite
(docs/ydelse.md). Two dicts built in one pass answer the same questions (the same sets; the order
is the graph's iteration order, which only changes how a query is written – the compiler sorts
where order would show, and an RDF list keeps its own order, ``items``).
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph, URIRef
from rdflib.namespace import RDF


class ShapesIndex:
    """A read-only snapshot of ``graph``: ``objects``, ``subjects``, ``predicates``,
    ``predicate_objects``, ``value``, ``items`` (an RDF list) and ``(s, p, o) in index``, with
    ``None`` as a wildcard, answering as ``rdflib.Graph`` does (without duplicates)."""

    def __init__(self, graph: Graph, triples: list | None = None) -> None:
        spo: dict = {}
        pos: dict = {}
        # Predicates and objects of the SHACL/RDF vocabulary are stored as the very objects
        # ``Terms`` hands out: the compiler's lookups (``SH.minCount``) then match a key by
        # identity instead of calling rdflib's Python ``__eq__`` (~16,000 times over the W3C suite).
        # (looked up once per term object: ``read_graph``'s terms are shared, keyed here by id)
        seen: dict = {}
        canon = _CANONICAL.get
        # (each entry keeps its term alive, so that no other term can take its id meanwhile)
        for s, p, o in (graph if triples is None else triples):
            hit = seen.get(id(p))
            if hit is None:
                hit = seen[id(p)] = (p, canon(p, p))
            p = hit[1]
            if o.__class__ is URIRef:  # (a Literal's hash is Python code: left as it is)
                hit = seen.get(id(o))
                if hit is None:
                    hit = seen[id(o)] = (o, canon(o, o))
                o = hit[1]
            spo.setdefault(s, {}).setdefault(p, {})[o] = None
            pos.setdefault(p, {}).setdefault(o, {})[s] = None
        # (no reference back to ``graph``: an index is kept with its plan in a cache keyed weakly
        # on ``graph``, which a reference back would keep alive for good)
        self._spo = spo
        self._pos = pos

    def __len__(self) -> int:
        return sum(len(objs) for by_p in self._spo.values() for objs in by_p.values())

    def triples(self, pattern: tuple) -> Iterator[tuple]:
        s, p, o = pattern
        if s is not None:
            by_p = self._spo.get(s, {})
            for pred in ((p,) if p is not None else tuple(by_p)):
                objs = by_p.get(pred, {})
                if o is None:
                    for obj in objs:
                        yield s, pred, obj
                elif o in objs:
                    yield s, pred, o
        elif p is not None:
            by_o = self._pos.get(p, {})
            for obj in ((o,) if o is not None else tuple(by_o)):
                for subj in by_o.get(obj, {}):
                    yield subj, p, obj
        else:
            for subj, by_p in self._spo.items():
                for pred, objs in by_p.items():
                    if o is None:
                        for obj in objs:
                            yield subj, pred, obj
                    elif o in objs:
                        yield subj, pred, o

    def __contains__(self, triple: tuple) -> bool:
        s, p, o = triple
        if s is not None and p is not None:  # the compiler's questions: answered by two dict lookups
            objs = self._spo.get(s, {}).get(p)
            return bool(objs) if o is None else objs is not None and o in objs
        return next(self.triples(triple), None) is not None

    def objects(self, subject=None, predicate=None) -> Iterator:
        if subject is not None and predicate is not None:
            return iter(tuple(self._spo.get(subject, {}).get(predicate, {})))
        return iter(tuple(dict.fromkeys(o for _, _, o in self.triples((subject, predicate, None)))))

    def subjects(self, predicate=None, object=None) -> Iterator:  # noqa: A002 - rdflib's name
        if predicate is not None:
            by_o = self._pos.get(predicate, {})
            if object is not None:
                return iter(tuple(by_o.get(object, {})))
            return iter(tuple(dict.fromkeys(s for subjects in by_o.values() for s in subjects)))
        return iter(tuple(dict.fromkeys(s for s, _, _ in self.triples((None, predicate, object)))))

    def predicates(self, subject=None, object=None) -> Iterator:  # noqa: A002 - rdflib's name
        if subject is not None and object is None:
            return iter(tuple(self._spo.get(subject, {})))
        return iter(tuple(dict.fromkeys(p for _, p, _ in self.triples((subject, None, object)))))

    def predicate_objects(self, subject) -> Iterator[tuple]:
        return iter(tuple((p, o) for p, objs in self._spo.get(subject, {}).items() for o in objs))

    def value(self, subject, predicate):
        """The first object of ``subject predicate``, or None (rdflib's ``Graph.value`` with ``any=True``)."""
        for o in self._spo.get(subject, {}).get(predicate, {}):
            return o
        return None

    def items(self, node) -> list:
        """The members of the RDF list at ``node``, as ``rdflib.Graph.items`` (a cycle is an error)."""
        out, seen = [], {node}
        while node:
            item = self.value(node, RDF.first)
            if item is not None:
                out.append(item)
            node = self.value(node, RDF.rest)
            if node in seen:
                raise ValueError("List contains a recursive rdf:rest reference")
            seen.add(node)
        return out


_CANONICAL: dict = {}  # every term a ``Terms`` has handed out, as itself (see ShapesIndex)


class Terms:
    """A namespace whose terms are looked up once: ``SH.minCount`` on rdflib's ``Namespace`` (and
    ``RDF.type`` on its ``DefinedNamespace``) runs Python code on every access, ~23,000 times in one
    pass over the W3C suite's shapes. ``str()`` and ``[name]`` answer as the namespace does."""

    def __init__(self, namespace) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        term = getattr(self._namespace, name)
        term = _CANONICAL.setdefault(term, term)  # one object per term, whichever Terms asks first
        setattr(self, name, term)  # an instance attribute: found without __getattr__ next time
        return term

    def __getitem__(self, name: str):
        term = self.__dict__.get(name)  # (the same cache as __getattr__: SH["class"] is SH.class)
        if term is None:
            term = self.__getattr__(name)
        return term

    def __str__(self) -> str:
        return str(self._namespace)
