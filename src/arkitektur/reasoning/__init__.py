"""OWL-konsistens og klassifikation med HermiT / OWL consistency and classification with HermiT.

``check_consistency`` prepares the graph, runs HermiT (``hermit``: its own JVM per run) and, when
the graph is inconsistent, finds the culprits (``localise``) and says why (``explain``).
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from typing import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from .explain import Schema
from .hermit import MAX_RUNS, HermiT, Inconsistent, find_java
from .localise import localise
from .records import Inferred, Reason, ReasoningReport, add_individual

__all__ = ["MAX_RUNS", "Inferred", "Reason", "ReasoningReport", "check_consistency"]

ARK = "https://w3id.org/arkitektur/ontologi#"
# HermiT's time grows with the square of a literal's length (1 MiB: +3 s, 4 MiB: +75 s, 15 MiB:
# hours). No axiom of the ontology reads a string's content (no length or pattern facets), so a
# longer string goes to HermiT as a digest of itself: equal strings stay equal, different ones
# different, and the answer is the same (issue 13).
_LONG_STRING = 64 * 1024
_PLAIN = (None, XSD.string, RDF.langString)


def check_consistency(graph: Graph, *, java: str | None = None) -> ReasoningReport:
    """Check ``graph`` (ontology + reference data + models, merged by the caller) with HermiT.

    Never touches the network: every ``owl:imports`` is dropped and HermiT reads a local
    temporary file per run. ``java`` is the Java executable (a name on PATH or a path); without
    it ``java`` on PATH is used. Raises :class:`JavaMissing`
    (ARK-E20) when Java is missing and :class:`ArkitekturError` (ARK-E21) when HermiT fails
    for another reason.

    When the graph is inconsistent the culprits are localised. Contradictions that follow
    from the schema alone (disjoint classes, domains and ranges, datatypes, functional
    properties) are found without HermiT and confirmed with one run; anything left is found
    by delta debugging over the individuals (the ontology's TBox plus a subset of the
    individuals, each with all its triples and the ``rdf:type`` of the nodes it points to),
    so the number of HermiT runs grows with the logarithm of the number of individuals.
    """
    java_exe = find_java(java)
    started = time.monotonic()
    schema = Schema(graph)
    work, ill_typed = _prepare(graph, schema)
    report = ReasoningReport(consistent=not ill_typed)
    for subject, reason in ill_typed.items():
        add_individual(report, subject, reason)

    with tempfile.TemporaryDirectory(prefix="arkitektur-hermit-") as scratch:
        hermit = HermiT(java_exe, scratch)
        try:
            report.inconsistent_classes, inferred = hermit.reason(work, classify=True)
            report.inferred = _interesting(inferred, graph)
        except Inconsistent:
            report.consistent = False
            localise(work, hermit, schema, report)
            report.inconsistent_classes = hermit.last_unsat

    for iri in report.inconsistent_classes:
        node = URIRef(iri)
        report.reasons.setdefault(
            iri,
            Reason(
                f"Klassen {schema.label(node, 'da')} kan ikke have nogen individer (den er "
                "utilfredsstillelig): dens definition modsiger sig selv eller ontologien.",
                f"The class {schema.label(node, 'en')} cannot have any individuals (it is "
                "unsatisfiable): its definition contradicts itself or the ontology.",
            ),
        )
    report.hermit_runs = hermit.runs
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _interesting(inferred: Iterable[Inferred], graph: Graph) -> list[Inferred]:
    """Inferences about ark: classes that were not asserted, without punning artefacts (HermiT
    reports a class that is also an individual as an instance)."""
    out = set()
    for inf in inferred:
        s, p, o = URIRef(inf.subject), URIRef(inf.predicate), URIRef(inf.object)
        if not inf.object.startswith(ARK) or (s, p, o) in graph:
            continue
        if p == RDF.type and (s, RDF.type, OWL.Class) in graph:
            continue
        out.add(inf)
    return sorted(out, key=lambda i: (i.subject, i.predicate, i.object))


# ---------------------------------------------------------------------------
# Preparing the graph
# ---------------------------------------------------------------------------


def _prepare(graph: Graph, schema: Schema) -> tuple[Graph, dict[str, Reason]]:
    """A copy without owl:imports (HermiT would fetch them) and without ill-typed literals (an
    ill-typed literal is itself a contradiction, reported here on its subject by name)."""
    work = Graph()
    ill: dict[str, Reason] = {}
    for s, p, o in graph:
        if p == OWL.imports:
            continue
        if isinstance(o, Literal) and o.ill_typed:
            if isinstance(s, URIRef) and str(s) not in ill:
                dt = o.datatype.n3(graph.namespace_manager) if o.datatype else ""
                ill[str(s)] = Reason(
                    f"{schema.label(s, 'da')}: værdien \"{o}\" for {schema.label(p, 'da')} "
                    f"er ikke en gyldig {dt}.",
                    f"{schema.label(s, 'en')}: the value \"{o}\" for {schema.label(p, 'en')} "
                    f"is not a valid {dt}.",
                )
            continue
        if isinstance(o, Literal) and o.datatype in _PLAIN and len(o) > _LONG_STRING:
            digest = hashlib.sha256(str(o).encode("utf-8", "surrogatepass")).hexdigest()
            o = Literal(f"[{len(o)} tegn / characters, sha256 {digest}]", lang=o.language,
                        datatype=None if o.language else o.datatype)
        work.add((s, p, o))
    return work, ill
