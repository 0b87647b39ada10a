"""Die Schuldigen finden / localises the individuals that make a graph inconsistent: contradictions
read off the schema first, then delta debugging over the individuals with HermiT as the oracle."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF

from .explain import SCHEMA_PREDICATES, SCHEMA_TYPES, Schema, explain, static_contradictions
from .hermit import MAX_RUNS, HermiT, OutOfRuns
from .records import Reason, ReasoningReport, add_individual


@dataclass
class _Parts:
    tbox: list[tuple]
    units: dict[URIRef, list[tuple]]  # individual -> its triples (with blank-node closure)
    refs: dict[URIRef, set[URIRef]]  # individual -> the individuals it points to

    def graph(self, members: Iterable[URIRef], quarantined: set) -> Graph:
        """TBox + the members' triples + the rdf:type of the nodes they point to. Quarantined
        nodes (already blamed) are left out, and so is every triple pointing to them."""
        g = Graph()
        for t in self.tbox:
            g.add(t)
        chosen = set(members)
        for m in chosen:
            for t in self.units[m]:
                if t[2] not in quarantined:
                    g.add(t)
        for m in chosen:
            for r in self.refs[m]:
                if r not in chosen and r not in quarantined:
                    for t in self.units[r]:
                        if t[1] == RDF.type:
                            g.add(t)
        return g


def _partition(graph: Graph) -> _Parts:
    schema_nodes: set = set()
    predicates: set = set()
    for s, p, o in graph:
        predicates.add(p)
        if (p == RDF.type and o in SCHEMA_TYPES) or p in SCHEMA_PREDICATES:
            schema_nodes.add(s)
    individuals = {
        s for s in graph.subjects(unique=True)
        if isinstance(s, URIRef) and s not in schema_nodes and s not in predicates
    }
    units: dict[URIRef, list[tuple]] = {}
    claimed: set[tuple] = set()
    for ind in individuals:
        triples: list[tuple] = []
        stack: list = [ind]
        seen: set = set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            for t in graph.triples((node, None, None)):
                triples.append(t)
                if isinstance(t[2], BNode):
                    stack.append(t[2])
        units[ind] = triples
        claimed.update(triples)
    refs = {
        ind: {t[2] for t in units[ind] if t[1] != RDF.type and t[2] in individuals and t[2] != ind}
        for ind in individuals
    }
    return _Parts(tbox=[t for t in graph if t not in claimed], units=units, refs=refs)


def localise(work: Graph, hermit: HermiT, schema: Schema, report: ReasoningReport) -> None:
    parts = _partition(work)
    quarantined: set = set()

    def consistent(members: Iterable[URIRef]) -> bool:
        return hermit.consistent(parts.graph(members, quarantined))

    def blame(iri, reason: Reason) -> None:
        add_individual(report, str(iri), reason)
        quarantined.add(iri)

    # 1. Contradictions that can be read off the schema are sound OWL inconsistencies:
    #    report them, leave them out, and check the rest with a single HermiT run.
    static = static_contradictions(work, schema, set(parts.units))
    for iri, reason in static:
        blame(iri, reason)
    # Nodes many others point to come first: when such a node contradicts itself, every node
    # pointing to it (which carries its rdf:type) contradicts too, and the halving below
    # prefers early candidates, so the node itself is blamed rather than those pointing to it.
    indegree: dict = defaultdict(int)
    for targets in parts.refs.values():
        for r in targets:
            indegree[r] += 1
    remaining = sorted(
        (c for c in parts.units if c not in quarantined), key=lambda i: (-indegree[i], str(i))
    )
    try:
        if static and (not remaining or consistent(remaining)):
            return
        # 2. Delta debugging over the individuals' own triple sets.
        if not consistent([]):
            report.messages.append(
                Reason(
                    "Ontologien er inkonsistent i sig selv, uden nogen individer; fejlen "
                    "ligger i klasse- eller egenskabsdefinitionerne.",
                    "The ontology is inconsistent on its own, without any individuals; the "
                    "error is in the class or property definitions.",
                )
            )
            return
        while remaining:
            conflict = find_conflict(remaining, consistent)
            for iri in conflict:
                others = tuple(str(c) for c in conflict if c != iri)
                blame(iri, explain(iri, others, work, schema, quarantined))
            remaining = [c for c in remaining if c not in quarantined]
            if not remaining or consistent(remaining):
                break
    except OutOfRuns:
        report.messages.append(
            Reason(
                f"Stoppede efter {MAX_RUNS} HermiT-kørsler; der kan være flere modstridende "
                "individer end dem, der er nævnt.",
                f"Stopped after {MAX_RUNS} HermiT runs; there may be more contradictory "
                "individuals than those listed.",
            )
        )


def find_conflict(candidates: list, consistent: Callable[[Iterable], bool]) -> list:
    """A minimal set of candidates that contradicts the TBox (precondition: all of them
    together do, none does). Optimistic halving for the usual single culprit (about
    log2(n) + 1 runs), falling back to QuickXplain (Junker 2004) when several are needed."""
    pool = list(candidates)
    while len(pool) > 1:
        first = pool[: len(pool) // 2]
        pool = first if not consistent(first) else pool[len(pool) // 2 :]
    if not consistent(pool):
        return pool
    return _quickxplain([], False, list(candidates), consistent)


def _quickxplain(base: list, changed: bool, cands: list, consistent) -> list:
    if changed and not consistent(base):
        return []
    if len(cands) == 1:
        return list(cands)
    k = len(cands) // 2
    c1, c2 = cands[:k], cands[k:]
    d2 = _quickxplain(base + c1, bool(c1), c2, consistent)
    d1 = _quickxplain(base + d2, bool(d2), c1, consistent)
    return d1 + d2

