"""Indlæsning af Turtle / finds, strictly parses and locates the repository's Turtle files.

pyoxigraph parses (it is strict: it refuses every negative test of the W3C Turtle suite, and
its errors carry line and column); the triples are handed to rdflib, whose API the rest of the
package uses. rdflib's own parser is lenient and resolves relative IRIs against the file path,
so it is never used on user input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from . import resources
from .errors import InputError
from .locator import Locator
from .namespaces import XSD
from .turtle_lexer import LexError, tokenize

_XSD_STRING = str(XSD.string)
_MAX_REASON = 200


@dataclass
class ParsedFile:
    path: Path
    display: str
    triples: list[tuple]
    text: str


@dataclass
class Repository:
    """The loaded models plus the shipped ontology and reference data."""

    model: Graph
    locator: Locator
    model_files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    model_subjects: set = field(default_factory=set)

    def graph(self) -> Graph:
        """Ontology + reference data + models in one new graph (the data graph to validate)."""
        g = Graph()
        for t in shipped().triples:
            g.add(t)
        for t in self.model:
            g.add(t)
        return g


def discover(paths: list[Path]) -> list[Path]:
    """Every ``.ttl`` file under the given paths, in a stable order."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found.extend(sorted(q for q in p.rglob("*.ttl") if q.is_file()))
        elif p.is_file():
            found.append(p)
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


def _decode(path: Path, data: bytes, display: str) -> str:
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


_REASONS_DA = [
    (re.compile(r"The prefix (\S*) has not been declared"), "præfikset {0} er ikke erklæret (mangler @prefix)"),
    (re.compile(r"No scheme found in an absolute IRI"), "relativ IRI uden @base: skriv den fulde IRI eller erklær @base"),
    (re.compile(r"Unexpected end"), "uventet slutning på filen (mangler et punktum eller en afsluttende parentes?)"),
    (re.compile(r"Invalid UTF-8"), "ugyldig UTF-8"),
]


def _reason(message: str) -> tuple[str, str]:
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
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dtype = term.datatype.value
        if dtype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dtype), normalize=False)
    raise TypeError(f"unsupported term {term!r}")  # quoted triples are not Turtle 1.1


def parse_file(path: Path, display: str | None = None) -> ParsedFile | None:
    """Parse one file strictly; ``None`` when it is empty or holds only comments."""
    display = display or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"kan ikke læse filen: {exc.strerror}.",
            f"cannot read the file: {exc.strerror}.",
            code="ARK-E01",
            file=display,
        ) from None
    text = _decode(path, data, display)
    if _only_comments(text):
        return None
    try:
        quads = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
        triples = [(_convert(q.subject), _convert(q.predicate), _convert(q.object)) for q in quads]
    except SyntaxError as exc:
        da, en = _reason(str(exc))
        raise InputError(
            da, en, code="ARK-E02", file=display, line=exc.lineno, column=exc.offset
        ) from None
    return ParsedFile(path=path, display=display, triples=triples, text=text)


def _only_comments(text: str) -> bool:
    try:
        return all(t.kind == "COMMENT" for t in tokenize(text))
    except LexError:
        return False


def load(paths: list[Path]) -> Repository:
    """Load every ``.ttl`` under ``paths``; raise ``InputError`` on the first unreadable file."""
    files = discover(paths)
    model = Graph()
    locator = Locator(fallback=shipped().locator)
    repo = Repository(model=model, locator=locator)
    for path in files:
        display = str(path)
        parsed = parse_file(path, display)
        if parsed is None:
            repo.notes.append(
                f"{display}: tom fil eller kun kommentarer – sprunget over / empty or comment-only file, skipped"
            )
            continue
        for t in parsed.triples:
            model.add(t)
            repo.model_subjects.add(t[0])
        locator.add_file(display, parsed.text)
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
    for path in resources.ontology_files():
        parsed = parse_file(path, str(path))
        if parsed is None:
            continue
        triples.extend(parsed.triples)
        loc.add_file(str(path), parsed.text)
    return Shipped(triples=triples, locator=loc)


def ontology_graph() -> Graph:
    g = Graph()
    for t in shipped().triples:
        g.add(t)
    return g
