"""Indlæsning af Turtle / finds, strictly parses and locates the repository's Turtle files.

pyoxigraph parses (it is strict: it refuses every negative test of the W3C Turtle suite, and
its errors carry line and column); the triples are handed to rdflib, whose API the rest of the
package uses. rdflib's own parser is lenient and resolves relative IRIs against the file path,
so it is never used on user input.

Over 500 lines on purpose: the two ways in – ``load`` (an rdflib graph, for the commands that edit
or export) and ``load_store`` (a pyoxigraph Store, the check's fast path) – share discovery,
decoding, the size limit, error positions and the subject locator; split apart, each half would
import the other's private steps.
"""

from __future__ import annotations

import contextvars
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph

from . import resources
from .errors import InputError
from .locator import Locator, Source
from .namespaces import AFL, RDF, XSD
from .storegraph import StoreGraph, from_ox, memoised, nt_iri
from .turtle.lexer import LexError, tokenize
from .turtle.scan import ScanGap, mentions, rdf12_error, scan_subjects

_XSD_STRING = str(XSD.string)
_MAX_REASON = 200


@dataclass
class ParsedFile:
    path: Path
    display: str
    triples: list[tuple]
    text: str
    quads: list = field(default_factory=list, repr=False)  # the same triples as pyoxigraph parsed them


@dataclass
class Repository:
    """The loaded models plus the shipped ontology and reference data."""

    model: Graph
    locator: Locator
    model_files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    model_subjects: set = field(default_factory=set)  # load(): IRIs written as subjects in model files
    model_predicates: set = field(default_factory=set)  # … used as predicates in model files
    model_classes: set = field(default_factory=set)  # … given as rdf:type in model files
    ready: object = field(default=lambda: None, repr=False)  # load_store(wait=False): call before querying

    def graph(self) -> Graph:
        """Ontology + reference data + models in one new graph (the data graph to validate)."""
        if isinstance(self.model, StoreGraph):  # load_store: the store holds everything already
            g = Graph()
            for t in self.model:
                g.add(t)
            return g
        g = Graph()
        for t in shipped().triples:
            g.add(t)
        for t in self.model:
            g.add(t)
        return g


def discover(paths: list[Path]) -> list[Path]:
    """Every ``.ttl`` file under the given paths, in a stable order.

    A folder or file that cannot be read, or a link to nothing, stops the command (ARK-E04,
    ARK-E05): skipping it would check part of the models and give a wrong answer that looks right
    (issue 13). Hidden files and folders (``.git``, editor locks such as ``.#x.ttl``, the temporary
    ``.x.ttl.XXXX.tmp`` files that fmt and import write before renaming) are not models.
    """
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(sorted(_walk(p)))
        elif p.is_file():
            found.append(p)
        elif p.is_symlink():
            raise _dangling(p)
        else:
            raise InputError(
                "stien findes ikke.",
                "the path does not exist.",
                code="ARK-E01",
                file=str(p),
            )
    seen: set[Path] = set()
    unique = []
    for f in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def _walk(top: Path):
    """The ``.ttl`` files under ``top``, following linked folders once each (a link loop ends)."""

    def refuse(exc: OSError):
        raise InputError(
            f"kan ikke læse mappen: {exc.strerror}. Giv læseadgang, eller angiv kun de mapper, der skal tjekkes.",
            f"cannot read the folder: {exc.strerror}. Grant read access, or name only the folders to check.",
            code="ARK-E04",
            file=exc.filename or str(top),
        )

    visited: set[tuple[int, int]] = set()
    for folder, dirnames, filenames in os.walk(top, onerror=refuse, followlinks=True):
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in visited:
            dirnames[:] = []
            continue
        visited.add((st.st_dev, st.st_ino))
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith(".") or not name.endswith(".ttl"):
                continue
            path = Path(folder, name)
            if path.is_file():  # unreadable: _read stops with ARK-E01 naming it
                yield path
            elif path.is_symlink() and not path.exists():
                raise _dangling(path)


def _dangling(path: Path) -> InputError:
    return InputError(
        f"symbolsk link til noget, der ikke findes ({os.readlink(path)}). Ret eller slet linket.",
        f"symbolic link to something that does not exist ({os.readlink(path)}). Fix or remove the link.",
        code="ARK-E05",
        file=str(path),
    )


def decode(path: Path, data: bytes, display: str) -> str:
    """A file's bytes as text (UTF-8, a byte order mark dropped); ARK-E03 at the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"filen er ikke gyldig UTF-8 (byte 0x{data[exc.start]:02x}). Gem den som UTF-8.",
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x}). Save it as UTF-8.",
            code="ARK-E03",
            file=display,
            line=line,
            column=col,
        ) from None


# pyoxigraph (oxttl) holds one token in a buffer of at most 16 MiB and raises MemoryError beyond it.
PARSER_TOKEN_LIMIT = 16 * 1024 * 1024
# Token extents only, for finding the oversized one: each alternative is an unrolled loop, so a
# token of many MiB is one fast match (the lexer's per-character alternatives take a minute).
_EXTENT = re.compile(
    r"""[ \t\r\n]+|#[^\r\n]*|<[^>\\\n]*(?:\\.[^>\\\n]*)*>"""
    r'''|"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:"""|$)'''
    r"""|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?:'''|$)"""
    r"""|"[^"\\\r\n]*(?:\\.[^"\\\r\n]*)*"?|'[^'\\\r\n]*(?:\\.[^'\\\r\n]*)*'?"""
    r"""|[^ \t\r\n"'<#;,\[\]()]+|.""",
    re.S,
)


def too_large(text: str, display: str) -> InputError:
    """The error for text whose parse stopped at the parser's token limit, at the oversized token."""
    line = column = None
    longest = None
    for m in _EXTENT.finditer(text):
        size = m.end() - m.start()
        if size * 4 <= PARSER_TOKEN_LIMIT and longest is not None:
            continue  # cannot be it, even as four-byte UTF-8
        if longest is None or size > longest[1] - longest[0]:
            longest = (m.start(), m.end())
        if len(m.group().encode("utf-8")) > PARSER_TOKEN_LIMIT:
            break
    if longest is not None and longest[1] - longest[0] > 1024:
        at = longest[0]
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
    return InputError(
        "en enkelt værdi (literal, IRI, navn eller kommentar) fylder over 16 MiB, mere end "
        "Turtle-læseren kan rumme. Del den op, eller læg indholdet uden for modellen og henvis til det.",
        "a single value (literal, IRI, name or comment) is over 16 MiB, more than the Turtle parser "
        "can hold. Split it, or keep the content outside the model and refer to it.",
        code="ARK-E06", file=display, line=line, column=column,
    )


_REASONS_DA = [
    (re.compile(r"The prefix (\S*) has not been declared"), "præfikset {0} er ikke erklæret (mangler @prefix)"),
    (re.compile(r"No scheme found in an absolute IRI"), "relativ IRI uden @base: skriv den fulde IRI eller erklær @base"),
    (re.compile(r"Unexpected end"), "uventet slutning på filen (mangler et punktum eller en afsluttende parentes?)"),
    (re.compile(r"Invalid UTF-8"), "ugyldig UTF-8"),
]


def reason(message: str) -> tuple[str, str]:
    """(Danish, English) reason of a pyoxigraph syntax error, for ARK-E02."""
    core = re.sub(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ", "", message)
    core = re.sub(r" \(line \d+\)$", "", core)
    if len(core) > _MAX_REASON:
        core = core[:_MAX_REASON] + " …"
    core = " ".join(core.split())
    for rx, da in _REASONS_DA:
        m = rx.search(core)
        if m:
            return da.format(*m.groups()), core
    return f"Turtle-syntaksfejl: {core}", f"Turtle syntax error: {core}"


def _convert(term):
    return from_ox(term)


def parse_file(path: Path, display: str | None = None, *, base: str | None = None) -> ParsedFile | None:
    """Parse one file strictly; ``None`` when it is empty or holds only comments.

    ``base`` resolves relative IRIs (``arkitektur shacl`` passes the file's URI, as RDF tools do
    for a document they read); the models have none, so a relative IRI there is an error."""
    display = display or str(path)
    text = decode(path, _read(path, display), display)
    if only_comments(text):
        return None
    try:
        quads = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base))
    except SyntaxError as exc:
        da, en = reason(str(exc))
        raise InputError(
            da, en, code="ARK-E02", file=display, line=exc.lineno, column=exc.offset
        ) from None
    except MemoryError:
        raise too_large(text, display) from None
    if any(isinstance(q.subject, ox.Triple) or isinstance(q.object, ox.Triple) for q in quads):
        try:
            scan_subjects(display, text, {})  # raises at the first RDF 1.2 token
        except ScanGap:
            pass
        raise rdf12_error(display, text, None)
    convert = memoised(_convert)  # (keyed by pyoxigraph's terms, compared in Rust)
    triples = [(convert(q.subject), convert(q.predicate), convert(q.object)) for q in quads]
    return ParsedFile(path=path, display=display, triples=triples, text=text, quads=quads)


def keep_apart(parsed: ParsedFile, seen: set) -> ParsedFile:
    """``parsed`` with its blank nodes apart from those of the files read before it (``seen``, which
    collects them): a label is scoped to its document (RDF 1.1 Concepts §3.4), so ``_:b1`` in two
    files are two nodes. pyoxigraph's parser keeps a label as written (``[]`` gets a fresh one), so a
    label an earlier file used gets a fresh one here; the first file's labels stay as written."""
    labels = {t for q in parsed.quads for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}
    clash = labels & seen
    seen |= labels
    if not clash:
        return parsed
    fresh = {b: ox.BlankNode() for b in clash}
    seen |= set(fresh.values())
    renamed = {_convert(old): _convert(new) for old, new in fresh.items()}

    def ox_term(t):
        return fresh.get(t, t) if isinstance(t, ox.BlankNode) else t

    def term(t):
        return renamed.get(t, t) if isinstance(t, BNode) else t

    parsed.quads = [ox.Quad(ox_term(q.subject), q.predicate, ox_term(q.object)) for q in parsed.quads]
    parsed.triples = [(term(s), p, term(o)) for s, p, o in parsed.triples]
    return parsed


def only_comments(text: str) -> bool:
    """True for text with nothing but comments and space (the file is skipped with ``empty_note``)."""
    try:
        return all(t.kind == "COMMENT" for t in tokenize(text))
    except LexError:
        return False


def empty_note(display: str) -> str:
    return f"{display}: tom fil eller kun kommentarer – sprunget over / empty or comment-only file, skipped"


def load(paths: list[Path]) -> Repository:
    """Load every ``.ttl`` under ``paths``; raise ``InputError`` on the first unreadable file."""
    files = discover(paths)
    model = Graph()
    locator = SubjectLocator(fallback=shipped().locator)  # answers as Locator, scans a third as long
    repo = Repository(model=model, locator=locator)
    blank_nodes: set = set()
    for path in files:
        display = str(path)
        parsed = parse_file(path, display)
        if parsed is None:
            repo.notes.append(empty_note(display))
            continue
        keep_apart(parsed, blank_nodes)
        subjects, predicates, classes = repo.model_subjects, repo.model_predicates, repo.model_classes
        for t in parsed.triples:
            model.add(t)
            subjects.add(t[0])
            predicates.add(t[1])
            if t[1] == RDF.type:
                classes.add(t[2])
        locator.add_model_file(display, path, parsed.text)
        repo.model_files.append(display)
    return repo


@dataclass
class Shipped:
    triples: list[tuple]
    locator: Locator


@lru_cache(maxsize=1)
def shipped() -> Shipped:
    """The ontology and reference data that ship with the package (parsed once per process)."""
    triples: list[tuple] = []
    loc = Locator()
    blank_nodes: set = set()
    for path in resources.ontology_files():
        parsed = parse_file(path, str(path))
        if parsed is None:
            continue
        triples.extend(keep_apart(parsed, blank_nodes).triples)
        loc.add_file(str(path), parsed.text)
    return Shipped(triples=triples, locator=loc)


def ontology_graph() -> Graph:
    g = Graph()
    for t in shipped().triples:
        g.add(t)
    return g


# -- the fast path: straight into a pyoxigraph Store -------------------------------------------

# What the model files mention, marked before the ontology joins the store (derive.derive marks
# the same for load()): predicates and classes as objects of afl:kontekst (for MOD-1; as objects,
# so that they describe nothing for MOD-2). The subjects (afl:Modelemne) come from the scan.
MODELEMNE_UPDATE = f"""
INSERT {{ ?s a <{AFL.Modelemne}> }}
WHERE {{ SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s)) }} }}"""
MODEL_MARKS_UPDATE = f"""
INSERT {{ <{AFL.kontekst}> <{AFL.modelegenskab}> ?p }}
WHERE {{ SELECT DISTINCT ?p WHERE {{ ?s ?p ?o }} }} ;
INSERT {{ <{AFL.kontekst}> <{AFL.modelklasse}> ?c }}
WHERE {{ SELECT DISTINCT ?c WHERE {{ ?s a ?c FILTER(isIRI(?c)) }} }}"""


def load_store(paths: list[Path], *, wait: bool = True) -> Repository:
    """Load every ``.ttl`` under ``paths`` into one pyoxigraph Store, with the shipped ontology.

    The same files, checks and errors as ``load`` (the same strict parser reads the same bytes),
    but nothing becomes an rdflib triple: ``repo.model`` is a ``StoreGraph`` over the store's
    default graph, which afterwards holds models, ontology and reference data. Each model subject
    IRI is marked ``afl:Modelemne`` here – the definition ``derive`` uses ("written as a subject in
    a model file") –, and each predicate and class the model files use is listed as
    ``afl:kontekst afl:modelegenskab``/``afl:modelklasse``, because only before the ontology joins
    the graph can the store tell them apart. Positions come from ``SubjectLocator``, which reads
    only what a finding needs.

    pyoxigraph parses with the GIL released, so a worker thread loads file *n* while this thread
    scans file *n+1* for positions. The scan finds every IRI written as a statement subject – in
    Turtle 1.1 the only place an IRI can be a subject (RDF 1.2's ``~ reifier`` is refused) –, so
    the ``afl:Modelemne`` marks are made from it while the last files load, rather than by a query
    over every triple afterwards (tests/test_engines.py compares the two on the W3C suite). With
    ``wait=False`` the marks and the ontology are still loading on return (they touch no model
    triple, so ``derive`` may read meanwhile); call ``repo.ready()`` before querying.
    """
    from concurrent.futures import ThreadPoolExecutor

    files = discover(paths)
    store = ox.Store()
    locator = SubjectLocator(fallback=_ShippedLocator())
    repo = Repository(model=StoreGraph(store, locator.lexical_forms), locator=locator)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="arkitektur-load")
    loads = []
    try:
        for path in files:
            display = str(path)
            data = _read(path, display)
            text = decode(path, data, display)
            if only_comments(text):
                repo.notes.append(empty_note(display))
                continue
            body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
            loads.append(pool.submit(_load_model, store, body, display))
            del data, body
            locator.add_model_file(display, path, text)
            repo.model_files.append(display)
    except BaseException:
        _raise_first(loads)  # an earlier file's parse error comes first, as in load()
        raise
    modelemne = None if locator.gaps else _subject_marks(locator.subjects)
    _raise_first(loads)
    finishing = pool.submit(_finish_store, store, modelemne)
    pool.shutdown(wait=False)
    repo.ready = finishing.result
    if wait:
        repo.ready()
    return repo


def _load_model(store: ox.Store, body: bytes, display: str) -> None:
    try:
        store.load(body, format=ox.RdfFormat.TURTLE)
    except SyntaxError as exc:
        da, en = reason(str(exc))
        raise InputError(da, en, code="ARK-E02", file=display, line=exc.lineno, column=exc.offset) from None
    except MemoryError:
        raise too_large(body.decode("utf-8"), display) from None


def _raise_first(loads: list) -> None:
    """Wait for the queued loads in order; re-raise the first failure (the rest are cancelled)."""
    for i, fut in enumerate(loads):
        try:
            fut.result()
        except BaseException:
            for later in loads[i + 1:]:
                later.cancel()
            raise


def _subject_marks(subjects) -> tuple[bytes, list]:
    """``?s a afl:Modelemne`` for each subject IRI the scan found in the model files: as one
    N-Triples document (pyoxigraph reads text far faster than it builds quad objects), and as quads
    for any IRI that N-Triples cannot spell as it is."""
    tail = f" <{RDF.type}> <{AFL.Modelemne}> .\n"
    lines, quads = [], []
    for iri in subjects:
        spelled = nt_iri(iri)
        if spelled is None:
            try:
                node = ox.NamedNode(iri)
            except ValueError:  # not an IRI (a \u0020 escape): its file's load fails with ARK-E02
                continue
            quads.append(ox.Quad(node, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(AFL.Modelemne))))
        else:
            lines.append(spelled + tail)
    return "".join(lines).encode("utf-8"), quads


def _finish_store(store: ox.Store, modelemne: tuple[bytes, list] | None) -> None:
    if modelemne is None:  # a file the scan could not read: ask the store (slower, same marks)
        store.update(MODELEMNE_UPDATE)
    else:
        text, quads = modelemne
        store.load(text, format=ox.RdfFormat.N_TRIPLES)
        store.extend(quads)
    store.update(MODEL_MARKS_UPDATE)
    for path in resources.ontology_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)


# Resolved path -> text that replaces the file's bytes on disk: ``arkitektur lsp`` checks the
# editor's unsaved buffers without writing them anywhere. A context variable, so a check in one
# thread never sees another's buffers; empty (the files on disk) for every other command.
_OVERRIDES: contextvars.ContextVar[dict] = contextvars.ContextVar("arkitektur_overrides", default={})


@contextmanager
def overriding(texts: dict[Path, str]):
    """Read ``texts`` (keyed by resolved path) instead of those files on disk, within the block."""
    token = _OVERRIDES.set({Path(k).resolve(): v for k, v in texts.items()})
    try:
        yield
    finally:
        _OVERRIDES.reset(token)


def read_text(path: Path, display: str) -> str:
    """A model file's text as every command reads it (the editor's buffer within ``overriding``)."""
    return decode(path, _read(path, display), display)


def _read(path: Path, display: str) -> bytes:
    overrides = _OVERRIDES.get()
    if overrides:
        text = overrides.get(path.resolve())
        if text is not None:
            return text.encode("utf-8")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"kan ikke læse filen: {exc.strerror}.",
            f"cannot read the file: {exc.strerror}.",
            code="ARK-E01",
            file=display,
        ) from None


class _ShippedLocator:
    """``shipped().locator``, parsed only if a finding is not found in the model files."""

    @property
    def subjects(self) -> dict:
        return shipped().locator.subjects

    @property
    def mentions(self) -> dict:
        return shipped().locator.mentions

    def source(self, file: str):
        return shipped().locator.source(file)


class SubjectLocator(Locator):
    """A ``Locator`` that scans model files fast for subjects, and for other mentions only on demand.

    ``locate`` answers exactly as ``Locator`` does: the subjects come from ``scan_subjects``, as
    there; ``mentions``, the rare fallback, are scanned the first time a finding needs one.
    """

    def __init__(self, fallback=None) -> None:
        super().__init__(fallback=fallback)
        self._files: list[tuple[str, Path]] = []
        self._mentions_done = False
        self._meta: dict = {}  # display -> (path, prefixes, base) at the end of the file
        self._starts: dict | None = None  # display -> sorted lines where subjects start
        self.gaps: list[str] = []  # files the scan could not read to the end (see ScanGap)

    def add_model_file(self, display: str, path: Path, text: str) -> None:
        self.add_scanned(display, path, scan_file(display, text))

    def add_scanned(self, display: str, path: Path, scanned: tuple | None) -> None:
        """``add_model_file`` with the file's ``scan_file`` done already (``arkitektur lsp`` keeps
        the scans of unchanged files)."""
        self._files.append((display, path))
        if scanned is None:
            self.gaps.append(display)
            prefixes, base = {}, None
        else:
            found, prefixes, base = scanned
            for iri, where in found.items():
                self.subjects.setdefault(iri, where)
        self._meta[display] = (path, prefixes, base)


    def locate(self, iri: str):
        hit = self.subjects.get(iri)
        if hit is None and self.fallback is not None:
            hit = self.fallback.subjects.get(iri)
        if hit is None:
            if not self._mentions_done:
                self._mentions_done = True
                for display, path in self._files:
                    try:
                        mentions(display, decode(path, _read(path, display), display), self.mentions)
                    except LexError:  # the parser accepted the file: a gap in the lexer; positions only
                        pass
            hit = self.mentions.get(iri)
        if hit is None and self.fallback is not None:
            hit = self.fallback.mentions.get(iri)
        return hit if hit else (None, None)

    def source(self, file: str):
        """``locator.Source`` of a model file, read again from disk (only findings need it)."""
        cache = self.__dict__.setdefault("_sources", {})
        if file not in cache:
            meta = self._meta.get(file)
            if meta is None:
                cache[file] = None
            else:
                path, prefixes, base = meta
                text = decode(path, _read(path, file), file)
                cache[file] = Source(text, prefixes, base, self._subject_starts().get(file, []))
        return cache[file]

    def release(self, file: str) -> None:
        """Let go of a model file's text once its findings have their positions (it is on disk)."""
        self.__dict__.get("_sources", {}).pop(file, None)

    def _subject_starts(self) -> dict:
        if self._starts is None:
            self._starts = {}
            for f, line in self.subjects.values():
                self._starts.setdefault(f, []).append(line)
            for lines in self._starts.values():
                lines.sort()
        return self._starts

    def lexical_forms(self, requests: list) -> list:
        """For each (subject, predicate or None): the objects as the subject's file spells them.

        pyoxigraph stores valid XSD literals in canonical form; findings should show what the file
        says. Only the statement block of the subject (from its line to the next subject's) is
        parsed again, with the file's prefixes; files are visited in order, one at a time.
        """
        out: list = [() for _ in requests]
        by_file: dict = {}
        for i, (subject, predicate) in enumerate(requests):
            hit = self.subjects.get(str(subject))
            if hit is not None and hit[0] in self._meta:
                by_file.setdefault(hit[0], []).append((hit[1], i, subject, predicate))
        for file, wanted in by_file.items():
            src = self.source(file)
            head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in src.prefixes.items())
            if src.base:
                head = f"@base <{src.base}> .\n" + head
            for line, i, subject, predicate in sorted(wanted, key=lambda w: w[0]):
                chunk = head + src.block(line)
                try:
                    quads = list(ox.parse(chunk.encode("utf-8"), format=ox.RdfFormat.TURTLE))
                except SyntaxError:  # an unusual layout: read the whole file
                    quads = list(ox.parse(src.text.encode("utf-8"), format=ox.RdfFormat.TURTLE))
                s = ox.NamedNode(str(subject))
                p = None if predicate is None else ox.NamedNode(str(predicate))
                out[i] = [from_ox(q.object) for q in quads if q.subject == s and (p is None or q.predicate == p)]
            self.release(file)  # not kept through the evaluation: positions read it again, if at all
        return out


def scan_file(display: str, text: str) -> tuple[dict, dict, str | None] | None:
    """(subjects, prefixes, base) of a model file by ``scan_subjects``; ``None`` where the scan
    cannot read it (``ScanGap``: never seen on text the parser accepts, W3C suite; positions fall back)."""
    found: dict = {}
    try:
        prefixes, base = scan_subjects(display, text, found)
    except ScanGap:
        return None
    return found, prefixes, base
