"""Fodaftryk / which triples a SPARQL query can read: the predicates its triple patterns and paths name.

The language server keeps each rule query's rows between edits (``incremental``) and runs a query
again only when an edit changed a triple the query could match. A triple pattern or path step with
a constant predicate matches only triples with that predicate; a variable predicate or a negated
property set (``!(a|b)``) matches any – such a query is run after every edit. The query is parsed
with rdflib's SPARQL parser (the algebra, and the parse trees it leaves inside FILTER EXISTS); what
it cannot parse – and a query that calls NOW, RAND, UUID, STRUUID or BNODE, names graphs of its own
(FROM) or asks another service – is treated as reading everything. Named graphs (``GRAPH``) are
reported apart: the engine fills them itself for each run (``engine_oxigraph``: ill-typed literals,
the shapes graph, focus sets).
"""

from __future__ import annotations

from dataclasses import dataclass

from pyparsing import ParseResults
from rdflib import URIRef, Variable
from rdflib import paths
from rdflib.plugins.sparql.parserutils import CompValue

# SPARQL functions whose value is not a function of the data: a query using one is always run
# (found in the parse, so that "NOW ()" and a comment before the parenthesis count too).
_VOLATILE = {"Builtin_NOW", "Builtin_RAND", "Builtin_UUID", "Builtin_STRUUID", "Builtin_BNODE"}


@dataclass(frozen=True)
class Footprint:
    """What a query can read: triples with one of ``predicates``; any triple if ``everything``;
    the engine's named graphs if ``graphs``."""

    predicates: frozenset = frozenset()
    everything: bool = False
    graphs: bool = False

    def touched_by(self, changed_predicates: set, graphs_changed: bool) -> bool:
        """Whether an edit that changed triples with ``changed_predicates`` can change the rows."""
        if self.everything:
            return True
        if self.graphs and graphs_changed:
            return True
        return not self.predicates.isdisjoint(changed_predicates)


EVERYTHING = Footprint(everything=True, graphs=True)  # not known: could read anything


def of_query(text: str) -> Footprint:
    """The footprint of one SPARQL query (``EVERYTHING`` when it cannot be told)."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        algebra = translateQuery(parseQuery(text)).algebra
    except Exception:  # noqa: BLE001 - rdflib's parser raises many kinds; unknown means "reads all"
        return EVERYTHING
    walker = _Walker()
    walker.walk(algebra)
    return walker.footprint()


def of_update(text: str) -> Footprint:
    """The footprint of a SPARQL Update's WHERE parts (what it reads; what it inserts is the
    engine's own named graph): the engine's focus sets (``shacl_compile.FocusSet``)."""
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        operations = translateUpdate(parseUpdate(text)).algebra
    except Exception:  # noqa: BLE001 - as in of_query
        return EVERYTHING
    walker = _Walker()
    for op in operations:
        if not isinstance(op, CompValue) or op.name not in ("Modify", "InsertData"):
            return EVERYTHING
        walker.walk(op.get("where"))
    return walker.footprint()


def combined(*prints: Footprint) -> Footprint:
    return Footprint(frozenset().union(*(p.predicates for p in prints)), everything=any(p.everything for p in prints),
                     graphs=any(p.graphs for p in prints))


class _Walker:
    def __init__(self) -> None:
        self.predicates: set[str] = set()
        self.everything = False  # a pattern with any predicate
        self.graphs = False
        self.unknown = False  # something the walk does not understand

    def footprint(self) -> Footprint:
        if self.unknown:
            return EVERYTHING
        return Footprint(frozenset() if self.everything else frozenset(self.predicates),
                         everything=self.everything, graphs=self.graphs)

    def walk(self, x, named: bool = False) -> None:
        """``named``: inside GRAPH, where patterns match the engine's named graphs only."""
        if self.unknown:
            return
        if isinstance(x, CompValue):
            name = x.name
            if name in ("Graph", "GraphGraphPattern"):
                self.graphs = True
                named = True
            elif named:
                pass
            elif name == "BGP":
                for triple in x.get("triples") or ():
                    self.predicate(triple[1])
            elif name == "TriplesBlock":  # a parse tree left inside FILTER (NOT) EXISTS
                for run in x.get("triples") or ():
                    run = list(run)
                    if len(run) % 3:
                        self.unknown = True
                        return
                    for i in range(1, len(run), 3):
                        self.predicate(run[i])
            elif name in ("ServiceGraphPattern", "SERVICE") or name in _VOLATILE or name == "DatasetClause":
                # elsewhere, at another time, or from graphs of its own (FROM/FROM NAMED)
                self.unknown = True
                return
            for value in x.values():
                self.walk(value, named)
        elif isinstance(x, (list, tuple, ParseResults)):
            for value in x:
                self.walk(value, named)
        elif isinstance(x, dict):
            for value in x.values():
                self.walk(value, named)

    def predicate(self, p) -> None:
        if isinstance(p, URIRef):
            self.predicates.add(str(p))
        elif isinstance(p, (paths.SequencePath, paths.AlternativePath)):
            for arg in p.args:
                self.predicate(arg)
        elif isinstance(p, paths.InvPath):
            self.predicate(p.arg)
        elif isinstance(p, paths.MulPath):
            self.predicate(p.path)
        elif isinstance(p, CompValue) and "Negated" not in p.name:  # a path as the parser wrote it
            leaves = list(_leaves(p))
            if not leaves or any(not isinstance(t, URIRef) for t in leaves):
                self.everything = True
            self.predicates.update(str(t) for t in leaves if isinstance(t, URIRef))
        else:  # a variable, a negated property set, anything not understood
            self.everything = True


def _leaves(x):
    if isinstance(x, CompValue):
        if "Negated" in x.name:
            yield Variable("negated")  # not an IRI: reads everything
            return
        for value in x.values():
            yield from _leaves(value)
    elif isinstance(x, (list, tuple, ParseResults)):
        for value in x:
            yield from _leaves(value)
    elif isinstance(x, (URIRef, Variable)):
        yield x
