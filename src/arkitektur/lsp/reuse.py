"""Genbrug af regelsvar / the rule queries' rows kept between edits, rerun only where an edit reaches.

The rules are SPARQL over the whole repository, and an edit changes a few triples. ``Reuse`` keeps
each plan query's rows from the previous check and, told which triples changed in the store since
(``note``), runs again only the queries whose footprint (``footprint``: the predicates they can
read) meets a changed triple's predicate; the others hand back their rows unchanged – the same rows,
since the triples they can match are the same. Queries not analysed yet, and every query after
``forget`` (a new store, another day), run. The engine calls ``start``, ``rows`` and ``ill_typed``
(``engine_oxigraph.validate(reuse=…)``).

It also keeps what turning rows into findings looks up (``finding_maker.Kept``): labels and kommuner of
nodes, positions of findings, "did you mean" candidates; ``prune`` drops what an edit can have
changed – a node's label and kommune when a triple about it changed (all kommuner when a usage's
kommune or type did), positions of nodes described in an edited file (all of them when an edit adds
or takes away a subject: block bounds follow the file that first describes one), the candidates
when classes or the described nodes changed (a relabelled candidate is updated), a finding when
any of these did. tests/test_lsp_incremental.py holds it to a fresh check.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import URIRef

from .. import suggest
from ..finding_maker import SUGGESTING, Kept
from ..namespaces import ARK, RDF, RDFS
from .footprint import Footprint, combined, of_query, of_update

_LABEL, _TYPE, _KOMMUNE, _USAGE = str(RDFS.label), str(RDF.type), str(ARK.kommune), str(ARK.Systemanvendelse)

# Literals the engine never marks ill-typed (plain strings, language-tagged text): changing one
# cannot change the engine's named graph of ill-typed literals.
_PLAIN = {"http://www.w3.org/2001/XMLSchema#string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}


class Reuse:
    """What one check leaves for the next: rows, footprints, marks and ``kept``; what changed since."""

    def __init__(self) -> None:
        self.plan = None
        self.footprints: dict[int, Footprint] = {}  # id(query) -> footprint, for self.plan's queries
        self.cached: dict[int, list] = {}           # id(query) -> its rows in the last check
        self.changed: set[str] = set()              # predicates of triples changed since then
        self.literals_changed = False               # … among them a typed literal
        self.fresh = True                           # the next check runs every query
        self._ill_typed: set | None = None
        self._marks: frozenset = frozenset()
        self._run_now: set[int] = set()
        self.ran = 0                                # queries run in the last check (for tests, benchmarks)
        self.kept = Kept()
        self._nodes: set = set()          # subjects and objects of changed triples
        self._relabelled: set = set()    # subjects whose rdfs:label changed
        self._types_changed = False
        self._kommuner_changed = False    # a usage's kommune or type
        self._files: set = set()          # edited files
        self._described: set | None = set()  # subjects described in the edited files (None: unknown)
        self._subjects_changed = False

    # -- what changed ---------------------------------------------------------------------------
    def note(self, quads) -> None:
        """Triples that came into or left the store since the last check."""
        if self.fresh:  # everything runs anyway (and a first load notes every triple of the repository)
            return
        for q in quads:
            p = q.predicate.value
            self.changed.add(p)
            s, o = q.subject, q.object
            if isinstance(o, ox.Literal):
                if o.datatype.value not in _PLAIN:
                    self.literals_changed = True
            elif isinstance(o, ox.NamedNode):
                self._nodes.add(URIRef(o.value))
            if isinstance(s, ox.NamedNode):
                self._nodes.add(URIRef(s.value))
            if p == _LABEL and isinstance(s, ox.NamedNode):
                self._relabelled.add(s.value)
            elif p == _TYPE:
                self._types_changed = True
                if o.value == _USAGE:
                    self._kommuner_changed = True
            elif p == _KOMMUNE:
                self._kommuner_changed = True

    def touch_file(self, display: str, before, after) -> None:
        """A model file was edited: ``before``/``after`` its scans (``loader.scan_file``; None:
        not read, or not scanned)."""
        if self.fresh:
            return
        self._files.add(display)
        if before is None or after is None or self._described is None:
            self._described = None
            self._subjects_changed = True
            return
        old, new = before[0].keys(), after[0].keys()
        self._described.update(old, new)
        if old != new:
            self._subjects_changed = True

    def prune(self, locator, graph) -> None:
        """Before a check: drop from ``kept`` what the changes since the last one can have changed
        (``graph``: the store as it is now, for the new labels of "did you mean" candidates)."""
        kept = self.kept
        if self.fresh:
            self.kept = Kept()
            return
        for node in self._nodes:
            kept.labels.pop(node, None)
            kept.kommuner.pop(node, None)
        if self._kommuner_changed:
            kept.kommuner.clear()
        suggestions = bool(kept.suggesters) and (self._types_changed or self._subjects_changed)
        if suggestions:  # other candidates (classes, nodes)
            kept.suggesters.clear()
        for key, suggester in list(kept.suggesters.items()):  # the same candidates, relabelled
            relabelled = [iri for iri in self._relabelled if iri in suggester.names]
            if relabelled:
                kept.suggesters[key] = suggester.with_names(suggest.names_of(graph, relabelled))
                suggestions = True
        if self._described is None or self._subjects_changed:
            # the file that first describes a subject bounds the statement blocks of every file
            # describing it (loader.SubjectLocator): a subject added or taken away can move them
            kept.where.clear()
        elif self._files:
            described = {str(n) for n in self._described}
            subjects = locator.subjects
            # A position is the focus's block in the file that first describes it (else a mention
            # found by reading every file): kept only for a focus described in an unedited file.
            for key in [k for k, w in kept.where.items()
                        if k[0] in described or w.file in self._files or k[0] not in subjects]:
                del kept.where[key]
        # A finding is made of all of these: kept while its position, its nodes' labels and
        # kommune and (for "did you mean") the candidates are.
        if self._kommuner_changed or self._described is None or self._subjects_changed:
            kept.findings.clear()
        else:
            # (as text: a literal value that spells an IRI is shown with that node's label)
            nodes = {str(n) for n in self._nodes}
            for key in [k for k, f in kept.findings.items()
                        if str(k[0].focus) in nodes or str(k[0].value) in nodes
                        or (f is not None and ((f.focus, f.path, f.value) not in kept.where
                                               or (suggestions and f.rule in SUGGESTING)))]:
                del kept.findings[key]

    def forget(self) -> None:
        """Run everything next time (a new store, another as-of day)."""
        self.fresh = True

    def analyse(self, plan, stop=lambda: False) -> None:
        """Work out every query's footprint (rdflib's SPARQL parser: about two seconds for the
        shipped rules, so the server does it while idle, after a check has been published);
        ``stop()`` true: leave the rest for later (an edit is waiting)."""
        if plan is not self.plan:
            self._new_plan(plan)
        for q in plan.queries:
            if stop():
                return
            if id(q) not in self.footprints:
                prints = [of_query(q.text)]
                if q.focus_query is not None:
                    prints.append(of_query(q.focus_query))
                if q.focus_set is not None:  # its focus nodes: found by an update before the queries
                    prints.append(of_update(q.focus_set.update))
                self.footprints[id(q)] = combined(*prints)

    @property
    def analysed(self) -> bool:
        return self.plan is not None and len(self.footprints) == len(self.plan.queries)

    # -- the engine's side ----------------------------------------------------------------------
    def _new_plan(self, plan) -> None:
        self.plan = plan
        self.footprints, self.cached = {}, {}
        self._ill_typed, self._marks = None, frozenset()
        self.fresh = True

    def start(self, plan) -> None:
        if plan is not self.plan:
            self._new_plan(plan)
        self._run_now = {id(q) for q in plan.queries if self._must_run(q)}
        self.ran = len(self._run_now)

    def _must_run(self, q) -> bool:
        if self.fresh or id(q) not in self.cached:
            return True
        fp = self.footprints.get(id(q))
        return fp is None or fp.touched_by(self.changed, self.literals_changed)

    def rows(self, store, q, run) -> list:
        if id(q) not in self._run_now:
            return self.cached[id(q)]
        rows = run(store, q)
        self.cached[id(q)] = rows
        return rows

    def ill_typed(self, plan, mark, marks) -> set:
        """The engine's marks of ill-typed literals (``mark()`` makes them, ``marks()`` reads them
        back). They depend on the store's literals and on how the files write integers (a file's
        "450000"^^xsd:byte is stored as xsd:integer, judged as written): made again after any edit;
        when they differ from the last check's, every query that reads them runs (it has not
        started yet: the engine marks before it starts those queries)."""
        reads = any(self.footprints.get(id(q), _READS_ALL).graphs for q in plan.queries if id(q) in self._run_now)
        if self._ill_typed is None or self.fresh or self.literals_changed or reads or self._files:
            self._ill_typed = mark()
            now = marks()
            if now != self._marks:
                self._marks = now
                self._run_now |= {id(q) for q in plan.queries
                                  if self.footprints.get(id(q), _READS_ALL).graphs and q.kind != "sparql"}
                self.ran = len(self._run_now)
        return self._ill_typed

    def finish(self) -> None:
        """The check used every query's rows: from now on only changes after it count."""
        self.changed = set()
        self.literals_changed = False
        self.fresh = False
        self._nodes, self._files, self._described = set(), set(), set()
        self._relabelled = set()
        self._types_changed = self._kommuner_changed = self._subjects_changed = False


_READS_ALL = Footprint(everything=True, graphs=True)
