"""OWL-konsistens og klassifikation med HermiT / OWL consistency and classification with owlready2 + HermiT."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable

import owlready2
import owlready2.reasoning
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .errors import ArkitekturError, JavaMissing

__all__ = ["MAX_RUNS", "Inferred", "Reason", "ReasoningReport", "check_consistency"]

ARK = "https://w3id.org/arkitektur/ontologi#"

# The IRI under which owlready2 holds the merged graph; never dereferenced (we load a file).
_BASE_IRI = "http://arkitektur.invalid/raesonnering#"
# owlready2 puts HermiT's results in this ontology of the world (see owlready2.reasoning).
_INFERENCES_IRI = "http://inferrences/"
# owlready2 acts on these when it loads data (imports a Python module, renames entities).
_OWLREADY_NS = "http://www.lesfleursdunormal.fr/static/_downloads/owlready_ontology.owl#"

# Each HermiT run starts a JVM; localising culprits stops after this many runs in all.
MAX_RUNS = 40

# owlready2 keeps the Java executable in a module global; serialise the calls that set it.
_LOCK = threading.Lock()
# HermiT's time grows with the square of a literal's length (1 MiB: +3 s, 4 MiB: +75 s, 15 MiB:
# hours). No axiom of the ontology reads a string's content (no length or pattern facets), so a
# longer string goes to HermiT as a digest of itself: equal strings stay equal, different ones
# different, and the answer is the same (issue 13).
_LONG_STRING = 64 * 1024
_PLAIN = (None, XSD.string, RDF.langString)

# HermiT runs are short: a JVM that only uses the quick JIT tier and the serial collector
# finishes much sooner (measured 4.4 s -> 1.1 s per run on a busy 2-core machine).
# owlready2 builds the java command line itself, so the flags travel in JAVA_TOOL_OPTIONS,
# set only for the duration of a call and appended to any value the user has.
_JVM_FLAGS = "-XX:+IgnoreUnrecognizedVMOptions -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
_PICKED_UP = "Picked up JAVA_TOOL_OPTIONS"

# Types and predicates that make a subject part of the schema (TBox), not an individual.
_SCHEMA_TYPES = frozenset(
    {
        OWL.Class, RDFS.Class, RDFS.Datatype, OWL.Restriction, OWL.Ontology,
        OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property,
        OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty,
        OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty,
        OWL.IrreflexiveProperty, OWL.OntologyProperty, OWL.DeprecatedClass,
        OWL.DeprecatedProperty, OWL.AllDisjointClasses, OWL.AllDisjointProperties,
        OWL.AllDifferent, OWL.NegativePropertyAssertion, OWL.Axiom, OWL.Annotation,
    }
)
_SCHEMA_PREDICATES = frozenset(
    {
        RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.equivalentClass,
        OWL.equivalentProperty, OWL.disjointWith, OWL.propertyDisjointWith, OWL.inverseOf,
        OWL.oneOf, OWL.unionOf, OWL.intersectionOf, OWL.complementOf, OWL.onProperty,
        OWL.propertyChainAxiom, OWL.hasKey, OWL.disjointUnionOf, OWL.onDatatype,
        OWL.withRestrictions,
    }
)
# Datatypes of the OWL 2 datatype map whose values HermiT checks against a range. xsd:date,
# xsd:gYear and xsd:duration are not in the map; HermiT is run with --ignoreUnsupportedDatatypes.
_NUMERIC = frozenset(
    {
        XSD.decimal, XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte,
        XSD.nonNegativeInteger, XSD.positiveInteger, XSD.nonPositiveInteger,
        XSD.negativeInteger, XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort,
        XSD.unsignedByte,
    }
)


@dataclass(frozen=True)
class Reason:
    """Why something is reported, in Danish and English."""

    besked_da: str
    besked_en: str
    related: tuple[str, ...] = ()  # other IRIs involved in the same contradiction

    def besked(self, lang: str = "da") -> str:
        return self.besked_da if lang == "da" else self.besked_en


@dataclass(frozen=True)
class Inferred:
    """A fact HermiT derived that was not asserted: ``subject rdf:type object`` (an
    individual's class) or ``subject rdfs:subClassOf object`` (a class's superclass)."""

    subject: str
    predicate: str
    object: str


@dataclass
class ReasoningReport:
    """The result of :func:`check_consistency`."""

    consistent: bool
    inconsistent_classes: list[str] = field(default_factory=list)  # unsatisfiable classes
    inconsistent_individuals: list[str] = field(default_factory=list)
    reasons: dict[str, Reason] = field(default_factory=dict)  # IRI -> why, for both lists
    inferred: list[Inferred] = field(default_factory=list)  # only when consistent
    messages: list[Reason] = field(default_factory=list)  # general notes
    hermit_runs: int = 0
    seconds: float = 0.0


class _Inconsistent(Exception):
    pass


class _OutOfRuns(Exception):
    pass


def check_consistency(graph: Graph, *, java: str | None = None) -> ReasoningReport:
    """Check ``graph`` (ontology + reference data + models, merged by the caller) with HermiT.

    Never touches the network: every ``owl:imports`` is dropped and owlready2 loads a local
    temporary file into a fresh ``World`` per run. ``java`` is the Java executable (a name
    on PATH or a path); without it ``java`` on PATH is used. Raises :class:`JavaMissing`
    (ARK-E20) when Java is missing and :class:`ArkitekturError` (ARK-E21) when HermiT or
    owlready2 fail for another reason.

    When the graph is inconsistent the culprits are localised. Contradictions that follow
    from the schema alone (disjoint classes, domains and ranges, datatypes, functional
    properties) are found without HermiT and confirmed with one run; anything left is found
    by delta debugging over the individuals (the ontology's TBox plus a subset of the
    individuals, each with all its triples and the ``rdf:type`` of the nodes it points to),
    so the number of HermiT runs grows with the logarithm of the number of individuals.
    """
    java_exe = _find_java(java)
    started = time.monotonic()
    schema = _Schema(graph)
    work, ill_typed = _prepare(graph, schema)
    report = ReasoningReport(consistent=not ill_typed)
    for subject, reason in ill_typed.items():
        _add_individual(report, subject, reason)

    with _LOCK, tempfile.TemporaryDirectory(prefix="arkitektur-hermit-") as scratch:
        runner = _Runner(scratch)
        saved_java = owlready2.JAVA_EXE
        saved_opts = os.environ.get("JAVA_TOOL_OPTIONS")
        saved_tempfile = owlready2.reasoning.tempfile
        owlready2.JAVA_EXE = java_exe
        os.environ["JAVA_TOOL_OPTIONS"] = f"{saved_opts} {_JVM_FLAGS}" if saved_opts else _JVM_FLAGS
        owlready2.reasoning.tempfile = _TempfileIn(scratch)
        try:
            try:
                report.inconsistent_classes, inferred = runner.reason(work, classify=True)
                report.inferred = _interesting(inferred, graph)
            except _Inconsistent:
                report.consistent = False
                _localise(work, runner, schema, report)
                report.inconsistent_classes = runner.last_unsat
        finally:
            owlready2.reasoning.tempfile = saved_tempfile
            owlready2.JAVA_EXE = saved_java
            if saved_opts is None:
                os.environ.pop("JAVA_TOOL_OPTIONS", None)
            else:
                os.environ["JAVA_TOOL_OPTIONS"] = saved_opts

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
    report.hermit_runs = runner.runs
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _add_individual(report: ReasoningReport, iri: str, reason: Reason) -> None:
    """List ``iri`` once; a second reason (e.g. an ill-typed literal and a wrong link on the
    same node) is added to the first."""
    if iri not in report.reasons:
        report.inconsistent_individuals.append(iri)
        report.reasons[iri] = reason
        return
    old = report.reasons[iri]
    report.reasons[iri] = Reason(
        f"{old.besked_da} {reason.besked_da}",
        f"{old.besked_en} {reason.besked_en}",
        tuple(sorted(set(old.related) | set(reason.related))),
    )


# ---------------------------------------------------------------------------
# Java and HermiT runs
# ---------------------------------------------------------------------------


def _find_java(java: str | None) -> str:
    found = shutil.which(java if java is not None else "java")
    if found is None:
        raise JavaMissing()
    return found


class _TempfileIn:
    """Stands in for the ``tempfile`` module inside owlready2.reasoning for one call.

    owlready2 writes the world to a temporary N-Triples file for HermiT and deletes it only
    when HermiT succeeds, so every inconsistent run would leave a copy of the whole model in
    the system temp folder. Its files go to our scratch folder instead, removed afterwards.
    """

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def NamedTemporaryFile(self, *args, **kwargs):  # noqa: N802 - the tempfile API
        kwargs.setdefault("dir", self.directory)
        return tempfile.NamedTemporaryFile(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(tempfile, name)


class _Runner:
    """Runs HermiT through owlready2, one fresh World per run, and counts the runs."""

    def __init__(self, scratch: str) -> None:
        self.scratch = scratch
        self.runs = 0
        self.last_unsat: list[str] = []

    def reason(self, graph: Graph, *, classify: bool = False) -> tuple[list[str], list[Inferred]]:
        """Unsatisfiable classes and (with ``classify``) inferred facts; raises _Inconsistent."""
        self.runs += 1
        fd, path = tempfile.mkstemp(prefix="graf-", suffix=".nt", dir=self.scratch)
        os.close(fd)
        world = owlready2.World()
        try:
            graph.serialize(destination=path, format="nt", encoding="utf-8")
            with open(path, "rb") as f:
                world.get_ontology(_BASE_IRI).load(fileobj=f, format="ntriples")
            owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
            unsat = sorted(
                {c.iri for c in world.inconsistent_classes() if c.iri != str(OWL.Nothing)}
            )
            self.last_unsat = unsat
            return unsat, (_read_inferences(world) if classify else [])
        except owlready2.OwlReadyInconsistentOntologyError:
            raise _Inconsistent() from None
        except (owlready2.OwlReadyJavaError, owlready2.OwlReadyOntologyParsingError, OSError) as e:
            lines = [
                line.strip() for line in str(e).splitlines()
                if line.strip() and not line.startswith(_PICKED_UP)
            ]
            detail = " ".join(lines[:3])[:500] or type(e).__name__
            raise ArkitekturError(
                f"HermiT-ræsonneren kunne ikke køre: {detail}",
                f"The HermiT reasoner failed to run: {detail}",
                code="ARK-E21",
            ) from e
        finally:
            world.close()
            os.unlink(path)

    def consistent(self, graph: Graph) -> bool:
        if self.runs >= MAX_RUNS:
            raise _OutOfRuns()
        try:
            self.reason(graph)
        except _Inconsistent:
            return False
        return True


def _read_inferences(world: owlready2.World) -> list[Inferred]:
    wanted = {str(RDF.type), str(RDFS.subClassOf)}
    out: list[Inferred] = []
    for s, p, o in world.get_ontology(_INFERENCES_IRI).get_triples():
        # storids of named entities are positive ints; blank nodes are negative
        if not (isinstance(s, int) and isinstance(o, int)) or s < 0 or o < 0:
            continue
        p_iri = world._unabbreviate(p)
        if p_iri in wanted:
            out.append(Inferred(world._unabbreviate(s), p_iri, world._unabbreviate(o)))
    return out


def _interesting(inferred: Iterable[Inferred], graph: Graph) -> list[Inferred]:
    """Inferences about ark: classes that were not asserted, without owlready2's punning
    artefacts (it reports a class that is also an individual as an instance)."""
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


def _prepare(graph: Graph, schema: _Schema) -> tuple[Graph, dict[str, Reason]]:
    """A copy without owl:imports (owlready2 would fetch them), without owlready2's own
    directives, and without ill-typed literals (owlready2 cannot load them; an ill-typed
    literal is itself a contradiction, reported on its subject)."""
    work = Graph()
    ill: dict[str, Reason] = {}
    for s, p, o in graph:
        if p == OWL.imports or str(p).startswith(_OWLREADY_NS):
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


# ---------------------------------------------------------------------------
# Localising the culprits of an inconsistent graph
# ---------------------------------------------------------------------------


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
        if (p == RDF.type and o in _SCHEMA_TYPES) or p in _SCHEMA_PREDICATES:
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


def _localise(work: Graph, runner: _Runner, schema: _Schema, report: ReasoningReport) -> None:
    parts = _partition(work)
    quarantined: set = set()

    def consistent(members: Iterable[URIRef]) -> bool:
        return runner.consistent(parts.graph(members, quarantined))

    def blame(iri, reason: Reason) -> None:
        _add_individual(report, str(iri), reason)
        quarantined.add(iri)

    # 1. Contradictions that can be read off the schema are sound OWL inconsistencies:
    #    report them, leave them out, and check the rest with a single HermiT run.
    static = _static_contradictions(work, schema, set(parts.units))
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
            conflict = _find_conflict(remaining, consistent)
            for iri in conflict:
                others = tuple(str(c) for c in conflict if c != iri)
                blame(iri, _explain(iri, others, work, schema, quarantined))
            remaining = [c for c in remaining if c not in quarantined]
            if not remaining or consistent(remaining):
                break
    except _OutOfRuns:
        report.messages.append(
            Reason(
                f"Stoppede efter {MAX_RUNS} HermiT-kørsler; der kan være flere modstridende "
                "individer end dem, der er nævnt.",
                f"Stopped after {MAX_RUNS} HermiT runs; there may be more contradictory "
                "individuals than those listed.",
            )
        )


def _find_conflict(candidates: list, consistent: Callable[[Iterable], bool]) -> list:
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


# ---------------------------------------------------------------------------
# Contradictions read off the schema (HermiT itself gives no reason)
# ---------------------------------------------------------------------------


class _Schema:
    """Labels, subclass closure, disjointness, domains, ranges and distinctness from a graph."""

    def __init__(self, graph: Graph) -> None:
        self.g = graph
        self._supers: dict = {}
        self._domains: dict = {}
        self._ranges: dict = {}
        self._owl_props: dict = {}
        self.disjoint: dict = defaultdict(set)
        for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
            members = [self.named(m) for m in self._list(graph.value(axiom, OWL.members))]
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    self._add_disjoint(a, b)
        for a, b in graph.subject_objects(OWL.disjointWith):
            self._add_disjoint(self.named(a), self.named(b))
        self.distinct: dict = defaultdict(set)
        for axiom in graph.subjects(RDF.type, OWL.AllDifferent):
            node = graph.value(axiom, OWL.distinctMembers) or graph.value(axiom, OWL.members)
            members = self._list(node)
            for m in members:
                self.distinct[m].update(x for x in members if x != m)
        for a, b in graph.subject_objects(OWL.differentFrom):
            self.distinct[a].add(b)
            self.distinct[b].add(a)

    def _list(self, node) -> list:
        return list(self.g.items(node)) if node is not None else []

    def named(self, node) -> set:
        """The named classes a class expression stands for (unions expanded, else empty)."""
        if isinstance(node, URIRef):
            return {node}
        out: set = set()
        for m in self._list(self.g.value(node, OWL.unionOf)):
            out |= self.named(m)
        return out

    def _add_disjoint(self, a: set, b: set) -> None:
        for x in a:
            for y in b:
                self.disjoint[x].add(y)
                self.disjoint[y].add(x)

    def supers(self, cls) -> set:
        if cls not in self._supers:
            seen = {cls}
            stack = [cls]
            while stack:
                for sup in self.g.objects(stack.pop(), RDFS.subClassOf):
                    if isinstance(sup, URIRef) and sup not in seen:
                        seen.add(sup)
                        stack.append(sup)
            self._supers[cls] = seen
        return self._supers[cls]

    def clash(self, a, b) -> bool:
        return any(y in self.disjoint.get(x, ()) for x in self.supers(a) for y in self.supers(b))

    def all_clash(self, a: set, b: set) -> bool:
        """Nothing can be in (some class of ``a``) and (some class of ``b``)."""
        return bool(a) and bool(b) and all(self.clash(x, y) for x in a for y in b)

    def domains(self, p) -> list:
        """The class sets of p's rdfs:domain axioms (unions expanded)."""
        if p not in self._domains:
            self._domains[p] = [frozenset(self.named(d)) for d in self.g.objects(p, RDFS.domain) if self.named(d)]
        return self._domains[p]

    def ranges(self, p) -> list:
        """The class sets of p's rdfs:range axioms that name classes (not datatypes)."""
        if p not in self._ranges:
            self._ranges[p] = [
                frozenset(self.named(r)) for r in self.g.objects(p, RDFS.range)
                if self.named(r) and (p, RDF.type, OWL.ObjectProperty) in self.g
            ]
        return self._ranges[p]

    def is_owl_property(self, p) -> bool:
        if p not in self._owl_props:
            g = self.g
            self._owl_props[p] = (p, RDF.type, OWL.ObjectProperty) in g or (
                p, RDF.type, OWL.DatatypeProperty
            ) in g
        return self._owl_props[p]

    def different(self, a, b) -> bool:
        """Certainly different values: distinct literals, or IRIs declared different."""
        if isinstance(a, Literal) and isinstance(b, Literal):
            return _literal_key(a) != _literal_key(b)
        return isinstance(a, URIRef) and b in self.distinct.get(a, ())

    def label(self, node, lang: str) -> str:
        fallback = None
        for lit in self.g.objects(node, RDFS.label):
            if isinstance(lit, Literal) and lit.language == lang:
                return str(lit)
            fallback = fallback or str(lit)
        if fallback:
            return fallback
        text = str(node)
        return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or text

    def names(self, classes: Iterable, lang: str) -> str:
        words = sorted({self.label(c, lang) for c in classes})
        return (" eller " if lang == "da" else " or ").join(words) or "?"


@dataclass(frozen=True)
class _Constraint:
    """A node must be in one of ``classes``, because of an rdf:type (kind "type"), the domain
    of one of its properties ("domain"), or the range of ``prop`` on the triples pointing to
    it ("range"; ``sources`` are the subjects of those triples)."""

    classes: frozenset
    kind: str
    prop: URIRef | None = None
    sources: tuple = ()


def _constraints(graph: Graph, schema: _Schema) -> dict:
    """node -> its constraints; range constraints of the same property are grouped, so a
    code-list value that thousands of nodes point to costs one constraint, not thousands."""
    grouped: dict = defaultdict(lambda: defaultdict(list))
    for s, p, o in graph:
        if p == RDF.type:
            if isinstance(o, URIRef) and o not in _SCHEMA_TYPES and o != OWL.NamedIndividual:
                grouped[s][(frozenset({o}), "type", None)]
        elif schema.is_owl_property(p):
            for classes in schema.domains(p):
                grouped[s][(classes, "domain", p)]
            if isinstance(o, URIRef):
                for classes in schema.ranges(p):
                    grouped[o][(classes, "range", p)].append(s)
    return {
        node: [_Constraint(c, k, p, tuple(sorted(set(src), key=str))) for (c, k, p), src in keys.items()]
        for node, keys in grouped.items()
    }


def _static_contradictions(graph: Graph, schema: _Schema, individuals: set) -> list:
    """(culprit, reason) for contradictions that follow from the schema alone.

    Sound by construction: a node that must belong to two classes that are disjoint, a
    literal outside its range's value space, two certainly different values of a functional
    property. Only OWL object and datatype properties count (HermiT treats a property
    declared only as rdf:Property like an annotation). First the nodes whose own
    description contradicts itself, then links to nodes of the wrong kind, so that a node
    pointing to a self-contradictory node is not blamed as well.
    """
    cons = _constraints(graph, schema)
    found: dict = {}
    order = sorted((n for n in set(cons) | individuals if isinstance(n, URIRef)), key=str)
    # Pass 1: the node's own description (its types and the domains of its properties).
    for node in order:
        own = [c for c in cons.get(node, ()) if c.kind != "range"]
        reason = _pairwise(node, own, schema) or _own_values(node, graph, schema)
        if reason is not None:
            found[node] = reason
    # Pass 2: links — a node that others use as something it cannot be. When the node has
    # a type of its own, every link pointing to it as something else is blamed on the
    # subject of that link.
    for node in order:
        if node in found:
            continue
        usable = []
        for c in cons.get(node, ()):
            if c.kind == "range":
                sources = tuple(x for x in c.sources if x not in found)
                if not sources:
                    continue
                c = _Constraint(c.classes, c.kind, c.prop, sources)
            usable.append(c)
        for a, b in _ranked_pairs(usable):
            if "range" not in (a.kind, b.kind) or not schema.all_clash(a.classes, b.classes):
                continue
            link, other = (b, a) if b.kind == "range" else (a, b)
            if other.kind == "type":
                for culprit in link.sources:
                    if culprit not in found:
                        found[culprit] = _wrong_link(culprit, link, node, other, schema)
            else:
                found[node] = _describe_pair(node, other, link, schema)
            break
    return sorted(found.items(), key=lambda kv: str(kv[0]))


_RANK = {"type": 0, "domain": 1, "range": 2}


def _ranked_pairs(constraints: list) -> list:
    """All pairs, the most telling first: two types, a type and a property, two properties,
    then pairs with links from other nodes."""
    pairs = [
        (a, b) if _RANK[a.kind] <= _RANK[b.kind] else (b, a)
        for i, a in enumerate(constraints) for b in constraints[i + 1 :]
    ]
    return sorted(pairs, key=lambda ab: (_RANK[ab[0].kind] + _RANK[ab[1].kind], _RANK[ab[0].kind]))


def _pairwise(node, constraints: list, schema: _Schema) -> Reason | None:
    for a, b in _ranked_pairs(constraints):
        if schema.all_clash(a.classes, b.classes):
            return _describe_pair(node, a, b, schema)
    return None


def _describe(c: _Constraint, lang: str, schema: _Schema) -> str:
    lab, names = schema.label, schema.names
    if lang == "da":
        if c.kind == "type":
            return f"er angivet som {names(c.classes, 'da')}"
        if c.kind == "domain":
            return f"har egenskaben {lab(c.prop, 'da')}, der kun bruges på {names(c.classes, 'da')}"
        return (f"er værdi af {lab(c.prop, 'da')} på {_some(c.sources, 'da', schema)}, "
                f"der skal pege på {names(c.classes, 'da')}")
    if c.kind == "type":
        return f"is typed {names(c.classes, 'en')}"
    if c.kind == "domain":
        return f"has the property {lab(c.prop, 'en')}, which is only used on {names(c.classes, 'en')}"
    return (f"is the value of {lab(c.prop, 'en')} on {_some(c.sources, 'en', schema)}, "
            f"which must point to {names(c.classes, 'en')}")


def _some(nodes: tuple, lang: str, schema: _Schema, limit: int = 3) -> str:
    words = [schema.label(n, lang) for n in nodes[:limit]]
    if len(nodes) > limit:
        words.append(f"{len(nodes) - limit} {'andre' if lang == 'da' else 'more'}")
    return ", ".join(words)


def _describe_pair(node, a: _Constraint, b: _Constraint, schema: _Schema) -> Reason:
    lab = schema.label
    related = tuple(sorted({str(x) for c in (a, b) for x in c.sources}))
    if a.kind == b.kind == "type":
        return Reason(
            f"{lab(node, 'da')} er angivet som både {schema.names(a.classes, 'da')} og "
            f"{schema.names(b.classes, 'da')}, men de to klasser udelukker hinanden.",
            f"{lab(node, 'en')} is typed both {schema.names(a.classes, 'en')} and "
            f"{schema.names(b.classes, 'en')}, but the two classes are disjoint.",
            related,
        )
    return Reason(
        f"{lab(node, 'da')} {_describe(a, 'da', schema)}, men {_describe(b, 'da', schema)}"
        " – det udelukker hinanden.",
        f"{lab(node, 'en')} {_describe(a, 'en', schema)}, but {_describe(b, 'en', schema)}"
        " – the two are disjoint.",
        related,
    )


def _wrong_link(culprit, link: _Constraint, target, typed: _Constraint, schema: _Schema) -> Reason:
    lab, names = schema.label, schema.names
    return Reason(
        f"{lab(culprit, 'da')} har {lab(link.prop, 'da')} = {lab(target, 'da')}, men "
        f"{lab(target, 'da')} er {names(typed.classes, 'da')}, og {lab(link.prop, 'da')} "
        f"skal pege på {names(link.classes, 'da')}.",
        f"{lab(culprit, 'en')} has {lab(link.prop, 'en')} = {lab(target, 'en')}, but "
        f"{lab(target, 'en')} is {names(typed.classes, 'en')} and {lab(link.prop, 'en')} "
        f"must point to {names(link.classes, 'en')}.",
        (str(target),),
    )


def _own_values(node, graph: Graph, schema: _Schema) -> Reason | None:
    """A literal outside its property's range, or two different values of a functional
    property."""
    lab = schema.label
    for p, o in sorted(graph.predicate_objects(node)):
        if not isinstance(o, Literal) or not schema.is_owl_property(p):
            continue
        for rng in graph.objects(p, RDFS.range):
            if isinstance(rng, URIRef) and _wrong_datatype(o, rng):
                dt = rng.n3(graph.namespace_manager)
                return Reason(
                    f"{lab(node, 'da')}: værdien \"{o}\" for {lab(p, 'da')} skal være af typen {dt}.",
                    f"{lab(node, 'en')}: the value \"{o}\" for {lab(p, 'en')} must be of type {dt}.",
                )
    for p in sorted(set(graph.predicates(node, None))):
        if (p, RDF.type, OWL.FunctionalProperty) not in graph:
            continue
        values = sorted(set(graph.objects(node, p)))
        if any(schema.different(a, b) for i, a in enumerate(values) for b in values[i + 1 :]):
            return Reason(
                f"{lab(node, 'da')} har flere værdier for {lab(p, 'da')}, som kun må have én.",
                f"{lab(node, 'en')} has several values for {lab(p, 'en')}, which may only have one.",
            )
    return None


def _explain(iri, others: tuple[str, ...], graph: Graph, schema: _Schema, blamed: set) -> Reason:
    """Why ``iri`` (in a minimal contradiction with ``others``, found by HermiT) contradicts
    the ontology: a schema-level reason when one exists, else a general one."""
    for node, reason in _static_contradictions(graph, schema, {iri}):
        if node == iri and not (set(reason.related) & {str(b) for b in blamed}):
            return Reason(reason.besked_da, reason.besked_en, tuple(sorted(set(reason.related) | set(others))))
    lab = schema.label
    with_da = f" sammen med {', '.join(others)}" if others else ""
    with_en = f" together with {', '.join(others)}" if others else ""
    return Reason(
        f"Beskrivelsen af {lab(iri, 'da')}{with_da} strider mod ontologien (fx en forkert "
        "klasse, en egenskab brugt på den forkerte slags element, eller en værdi uden for "
        "kodelisten).",
        f"The description of {lab(iri, 'en')}{with_en} contradicts the ontology (e.g. a "
        "wrong class, a property used on the wrong kind of element, or a value outside the "
        "code list).",
        others,
    )


def _literal_key(lit: Literal) -> tuple:
    dt = lit.datatype or (None if lit.language else XSD.string)
    return (str(lit), dt, lit.language)


def _wrong_datatype(lit: Literal, rng: URIRef) -> bool:
    """True when HermiT would reject ``lit`` for a range ``rng`` it checks."""
    dt = lit.datatype or (None if lit.language else XSD.string)
    if rng in _NUMERIC:
        return dt not in _NUMERIC
    if rng == XSD.boolean:
        return dt != XSD.boolean
    if rng == XSD.string:
        return dt != XSD.string
    return False
