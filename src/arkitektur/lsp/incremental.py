"""Trinvist tjek / the language server's re-check: one store kept between edits, only changed files parsed again.

``arkitektur check`` builds a new pyoxigraph Store from every file (``loader.load_store``). In the
editor one buffer changes at a time, so the server keeps the store, and for each model file the
parse and the subject scan of the text it last saw (``_Parsed``). A check then

1. parses and scans only the files whose text changed (buffer or disk);
2. takes the changed files' old triples out of the store and puts the new ones in – a triple stays
   while another file or the ontology still states it (only a file whose subject scan names the
   triple's subject can: that file's triples are read again to see; a triple with a blank node is
   its own file's);
3. replaces the marks (``afl:Modelemne``, ``afl:modelegenskab``/``afl:modelklasse``, as
   ``load_store`` makes them) and, when a triple ``derive`` reads changed (``derive.READS``), the
   derived facts of the previous check;
4. evaluates the rules and concludes as ``run_check`` does – but a rule query whose footprint no
   changed triple meets hands back its rows of the last check, and labels, kommuner, positions and
   "did you mean" candidates an edit cannot have changed are kept (``reuse``).

The findings are exactly those of a fresh check of the same texts (tests/test_lsp_incremental.py
compares them after a scripted sequence of edits chosen to reach each kind of reuse).

Each file is parsed into a small store of its own first and read back: the triples are then
exactly as the store keeps them (valid XSD literals in canonical form), so looking them up and
removing them is exact, and the parse errors are those of ``store.load`` in ``load_store``.
"""

from __future__ import annotations

import datetime as dt
import time
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import catalogue as catalogue_mod
from .. import check as check_mod
from .. import loader, resources
from ..derive import READS, Facts, derive
from ..errors import ArkitekturError, InputError
from ..findings import CheckResult
from ..namespaces import AFL, RDF
from ..storegraph import StoreGraph
from .reuse import Reuse

# (Quads without a graph argument: in the default graph, and built 6× faster than with DefaultGraph())
_TYPE = ox.NamedNode(str(RDF.type))
_MODELEMNE = ox.NamedNode(str(AFL.Modelemne))
_KONTEKST = ox.NamedNode(str(AFL.kontekst))
_MODELEGENSKAB = ox.NamedNode(str(AFL.modelegenskab))
_MODELKLASSE = ox.NamedNode(str(AFL.modelklasse))


_RACY = 2.0  # seconds: a file changed more recently is read again at every check (State.disk_text)


@dataclass
class _Parsed:
    """One model file's text, parsed and scanned (or the error it gives)."""

    text: str
    empty: bool = False
    scratch: ox.Store | None = None  # the parsed triples, until they are in the kept store
    scanned: tuple | None = None
    error: ArkitekturError | None = None
    marks: frozenset = frozenset()  # what load_store marks for this file's subjects, predicates, classes
    named_subjects: bool = False  # an IRI among the subjects (an afl:Modelemne mark)
    # The triples exactly as in the store, once the file has been edited (the next edit's
    # difference is taken against them) or read again for ``State._stated``; else None (memory).
    quads: frozenset | None = None
    # Its triples with a blank node, as in the store: a new parse names blank nodes anew.
    blank: frozenset = frozenset()

    def exact(self, display: str) -> frozenset:
        """The file's triples as the store holds them (parsed again if not kept)."""
        if self.quads is None:
            scratch = parse(display, self.text).scratch  # the text parsed before: no error
            self.quads = frozenset(q for q in scratch or () if not _has_blank(q)) | self.blank
        return self.quads


def parse(display: str, text: str) -> _Parsed:
    """Parse and scan one model file's text as ``load_store`` does, errors included."""
    if loader.only_comments(text):
        return _Parsed(text, empty=True)
    scratch = ox.Store()
    try:
        scratch.load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    except SyntaxError as exc:
        da, en = loader.reason(str(exc))
        return _Parsed(text, error=InputError(da, en, code="ARK-E02", file=display, line=exc.lineno,
                                              column=exc.offset))
    except MemoryError:
        return _Parsed(text, error=loader.too_large(text, display))
    try:
        scanned = loader.scan_file(display, text)
    except ArkitekturError as exc:  # RDF 1.2 syntax, refused by the scan
        return _Parsed(text, error=exc)
    # (distinct terms read in the store: a third of the time of a Python loop over every triple)
    subjects = [row[0] for row in scratch.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }")]
    predicates = [row[0] for row in scratch.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")]
    classes = [row[0] for row in scratch.query(f"SELECT DISTINCT ?c WHERE {{ ?s <{RDF.type}> ?c }}")]
    marks = {ox.Quad(s, _TYPE, _MODELEMNE) for s in subjects if isinstance(s, ox.NamedNode)}
    named = bool(marks)
    marks |= {ox.Quad(_KONTEKST, _MODELEGENSKAB, p) for p in predicates}
    marks |= {ox.Quad(_KONTEKST, _MODELKLASSE, c) for c in classes if isinstance(c, ox.NamedNode)}
    return _Parsed(text, scratch=scratch, scanned=scanned, marks=frozenset(marks), named_subjects=named)


@dataclass
class State:
    """The store and the parses kept between checks of one repository."""

    store: ox.Store | None = None
    ontology: frozenset = frozenset()
    loaded: dict = field(default_factory=dict)  # display -> _Parsed whose triples are in the store
    overlay: frozenset = frozenset()  # the last check's marks and derived facts
    # The store holds exactly: ontology ∪ the files' triples ∪ overlay (a triple leaves when none has it).
    parses: dict = field(default_factory=dict)  # display -> {text: _Parsed}, current and last good
    reuse: Reuse = field(default_factory=Reuse)  # the rule queries' rows, and what changed since
    touched: set = field(default_factory=set)  # predicates of model triples changed since derive ran
    facts: Facts | None = None  # derive's facts and their quads, reused while no edit reaches them
    fact_quads: frozenset = frozenset()
    day: dt.date | None = None
    # display -> ((mtime, ctime, size, inode), text) of the files read from disk (disk_text)
    disk: dict = field(default_factory=dict)
    # path -> (text, {finding: lsp.Diagnostic}) of the last check (``diagnostics.check``)
    shown: dict = field(default_factory=dict)

    def reset(self) -> None:
        reuse = self.reuse  # the footprints stay valid; the rows do not
        self.__init__()
        reuse.forget()
        self.reuse = reuse

    def disk_text(self, path: Path, display: str) -> str:
        """``loader.read_text``, read again only when the file's modification or status-change
        time, size or inode changed (an editor's open buffers do not come this way). As git does
        with its index: a file changed less than ``_RACY`` seconds ago is always read, since a
        second write within the file system's timestamp granularity would look unchanged; the
        status-change time, which ``touch -d`` and ``rsync -t`` cannot set back, catches a
        rewrite that restores the old modification time."""
        try:
            st = path.stat()
        except OSError:
            return loader.read_text(path, display)  # the error, as a check gives it
        key = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
        hit = self.disk.get(display)
        if hit is not None and hit[0] == key:
            return hit[1]
        text = loader.read_text(path, display)
        if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > _RACY * 1e9:
            self.disk[display] = (key, text)
        else:
            self.disk.pop(display, None)
        return text

    def parsed(self, display: str, text: str) -> _Parsed:
        known = self.parses.setdefault(display, {})
        hit = known.get(text)
        if hit is None:
            hit = known[text] = parse(display, text)
        return hit

    def keep_only(self, texts: dict[str, set]) -> None:
        """Forget the parses of texts no longer in use (``texts``: display -> texts to keep)."""
        for display in list(self.parses):
            wanted = texts.get(display, set())
            known = self.parses[display]
            for text in [t for t in known if t not in wanted]:
                del known[text]
            if not known:
                del self.parses[display]

    def _start(self) -> None:
        self.store = ox.Store()
        for path in resources.ontology_files():
            self.store.load(path=str(path), format=ox.RdfFormat.TURTLE)
        self.ontology = frozenset(self.store)
        self.reuse.forget()

    def analyse(self, catalogue, stop=lambda: False) -> None:
        """Work out which triples each rule query can read (``reuse``), once: from then on an edit
        runs only the queries it can affect. About two seconds for the shipped rules; ``stop()``
        true leaves the rest for the next call."""
        from ..engine_oxigraph import plan_for

        self.reuse.analyse(plan_for(catalogue.graph), stop)

    def _stated(self, q: ox.Quad) -> bool:
        """Whether a loaded model file states the triple of ``q``: only a file whose subject scan
        names its subject can (each file's blank nodes are its own)."""
        if not isinstance(q.subject, ox.NamedNode) or _has_blank(q):
            return False
        subject = q.subject.value
        for display, p in self.loaded.items():
            if p.scanned is not None and subject not in p.scanned[0]:
                continue
            if q in p.exact(display):
                return True
        return False

    def sync(self, files: list[tuple[str, _Parsed]]) -> None:
        """Make the store hold the ontology, exactly ``files``' triples and the previous overlay.

        Only the difference between a changed file's old and new triples is taken out and put in
        (an edit changes a few; a blank node gets a new name in each parse, so its triples count
        as changed). The first edit of a file reads its old text again for its old triples."""
        if self.store is None:
            self._start()
        wanted = {display: p for display, p in files}
        changed = [d for d in self.loaded if wanted.get(d) is not self.loaded[d]]
        changed += [d for d in wanted if d not in self.loaded]
        gone_all: set = set()
        for display in changed:
            before = self.loaded.get(display)
            old = before.exact(display) if before is not None else frozenset()
            p = wanted.get(display)
            self.reuse.touch_file(display, None if before is None else before.scanned,
                                  None if p is None else p.scanned)
            if p is None:
                new = frozenset()
                del self.loaded[display]
            else:
                if p.scratch is None:  # loaded before, taken out since: parse it again
                    p.scratch = parse(display, p.text).scratch
                new = frozenset(p.scratch)
                p.scratch = None  # the store holds them now
                if before is not None:  # an edit: the next one will want them
                    p.quads = new
                else:
                    p.quads, p.blank = None, frozenset(q for q in new if _has_blank(q))
                self.loaded[display] = p
            if before is not None:
                before.quads = None
            came = new - old
            gone_all |= old - new
            self.store.extend(came)
            self.reuse.note(came)
            self.touched.update(q.predicate.value for q in came)
        # after every file is in: a triple one file dropped may be stated by another now
        removed = [q for q in gone_all if q not in self.ontology and q not in self.overlay and not self._stated(q)]
        for q in removed:
            self.store.remove(q)
        self.reuse.note(removed)
        self.touched.update(q.predicate.value for q in removed)

    def mark(self, files: list[tuple[str, _Parsed]], graph: StoreGraph, as_of: dt.date):
        """The marks ``load_store`` makes and the facts ``derive`` adds, in place of the previous
        check's (only the difference is taken out and put in: most stay the same)."""
        marks = frozenset().union(*(p.marks for _, p in files))
        if any(p.named_subjects for _, p in files):  # load_store marks the predicates and classes after the subjects, so its own
            # rdf:type and afl:Modelemne count among them (loader.MODEL_MARKS_UPDATE)
            marks |= {ox.Quad(_KONTEKST, _MODELEGENSKAB, _TYPE), ox.Quad(_KONTEKST, _MODELKLASSE, _MODELEMNE)}
        # derive reads ark: terms only, never the afl: overlay of the previous check; it is run
        # again only when a triple it reads changed (derive.READS) or the day did
        if self.facts is None or self.facts.as_of != as_of or not self.touched.isdisjoint(READS):
            self.facts = derive(graph, as_of)
            scratch = StoreGraph(ox.Store())
            scratch += self.facts.triples  # as the store keeps them, to take out exactly
            self.fact_quads = frozenset(scratch.store)
        self.touched = set()
        overlay = marks | self.fact_quads
        old, self.overlay = self.overlay, overlay
        removed = [q for q in old - overlay if q not in self.ontology and not self._stated(q)]
        for q in removed:
            self.store.remove(q)
        came = overlay - old
        self.store.extend(came)
        self.reuse.note(came)
        self.reuse.note(removed)
        return self.facts


@lru_cache(maxsize=8192)
def resolved(path: Path | str) -> Path:
    """``Path(path).resolve()``, remembered: the same files are resolved at every keystroke (a
    symbolic link changed while the server runs is seen after a restart)."""
    return Path(path).resolve()


def _has_blank(q: ox.Quad) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)


def run(state: State, root: Path, texts: dict[Path, str], lang: str, catalogue) -> CheckResult:
    """``run_check([root])`` with ``texts`` (resolved path → text) in place of those files on disk,
    reusing ``state``. Raises ``ArkitekturError`` as ``run_check`` does: the first file, in the
    check's order, that cannot be read or parsed."""
    paths = [root]
    cat = catalogue or catalogue_mod.for_paths(paths)
    day = check_mod.resolve_as_of(paths, None)
    files: list[tuple[str, _Parsed]] = []
    notes: list[str] = []
    keep: dict[str, set] = {}
    locator = loader.SubjectLocator(fallback=loader.shipped().locator)
    with check_mod.proposing_prefixes(paths):
        for path in loader.discover(check_mod.model_paths(paths, cat)):
            display = str(path)
            text = texts.get(resolved(path))
            if text is None:
                text = state.disk_text(path, display)
            p = state.parsed(display, text)
            keep.setdefault(display, set()).add(text)
            if p.error is not None:
                raise p.error
            if p.empty:
                notes.append(loader.empty_note(display))
                continue
            files.append((display, p))
            locator.add_scanned(display, path, p.scanned)
    state.keep_only({d: t | state_texts(state, d) for d, t in keep.items()})
    if day != state.day:
        state.day = day
        state.reuse.forget()
    try:
        state.sync(files)
        graph = StoreGraph(state.store, locator.lexical_forms)
        facts = state.mark(files, graph, day)
    except BaseException:
        state.reset()  # half-updated: build it anew next time
        raise
    repo = loader.Repository(model=graph, locator=locator, model_files=[d for d, _ in files], notes=notes)
    ctx = check_mod.Context(graph=graph, facts=facts, repo=repo, catalogue=cat)
    state.reuse.prune(locator, graph)
    with loader.overriding(texts):  # positions read the texts of findings' files again
        findings = check_mod.evaluate(ctx, lang, reuse=state.reuse)
        state.reuse.finish()
        return check_mod.conclude(paths, ctx, day, findings)


def state_texts(state: State, display: str) -> set:
    """The text whose triples are in the store now (kept: the next check may return to it)."""
    p = state.loaded.get(display)
    return {p.text} if p is not None else set()

