"""Fuldførelse / completion: classes after ``a``, properties that fit the subject, values that fit the property."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from lsprotocol import types as lsp

from .. import suggest
from ..formatting import pick
from ..namespaces import ARK, OWL, RDF, RDFS, SKOS, prefixes_in
from ..turtle.lexer import LexError, tokenize

_WORD_TAIL = re.compile(r"[\w.\-:%]*$")
_TYPE, _LABEL, _DEF, _KOMMUNE = str(RDF.type), str(RDFS.label), str(SKOS.definition), str(ARK.kommune)


@dataclass
class Index:
    """Types, labels and definitions of the repository's nodes and the shipped ontology's terms."""

    types: dict[str, set[str]] = field(default_factory=dict)  # iri -> classes
    labels: dict[str, str] = field(default_factory=dict)  # iri -> its label by formatting.pick
    members: dict[str, list[str]] = field(default_factory=dict)  # class -> iris typed with it
    kommune: dict[str, str] = field(default_factory=dict)  # iri -> its ark:kommune
    prefixes: dict[tuple[str, str], int] = field(default_factory=dict)  # (prefix, namespace) -> files declaring it
    _label_pairs: dict[str, list] = field(default_factory=dict, repr=False)  # iri -> [(language, text)]

    def add(self, quads) -> None:
        for q in quads:
            s, p, o = q.subject, q.predicate, q.object
            if not isinstance(s, ox.NamedNode):
                continue
            if p.value == _TYPE and isinstance(o, ox.NamedNode):
                self.types.setdefault(s.value, set()).add(o.value)
                self.members.setdefault(o.value, []).append(s.value)
            elif p.value == _KOMMUNE and isinstance(o, ox.NamedNode):
                self.kommune[s.value] = o.value
            elif p.value == _LABEL and isinstance(o, ox.Literal):
                pairs = self._label_pairs.setdefault(s.value, [])
                pairs.append((o.language, o.value))
                self.labels[s.value] = pick(pairs)

    def merge(self, other: "Index") -> None:
        for iri, classes in other.types.items():
            self.types.setdefault(iri, set()).update(classes)
        for cls, iris in other.members.items():
            self.members.setdefault(cls, []).extend(iris)
        self.labels.update(other.labels)
        self.kommune.update(other.kommune)
        for pair, n in other.prefixes.items():
            self.prefixes[pair] = self.prefixes.get(pair, 0) + n


@dataclass(frozen=True)
class Ontology:
    classes: list[str]
    properties: list[str]
    domains: dict[str, set[str]]
    ranges: dict[str, set[str]]
    supers: dict[str, set[str]]  # class -> itself and every superclass
    definitions: dict[str, str]
    index: Index


@lru_cache(maxsize=1)
def ontology() -> Ontology:
    from .. import resources

    index = Index()
    quads = []
    for path in resources.ontology_files():
        quads.extend(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    index.add(quads)
    domains: dict[str, set[str]] = {}
    ranges: dict[str, set[str]] = {}
    sub: dict[str, set[str]] = {}
    definitions: dict[str, str] = {}
    for q in quads:
        s, p, o = q.subject.value, q.predicate.value, q.object
        if not isinstance(q.subject, ox.NamedNode):
            continue
        if p == str(RDFS.domain) and isinstance(o, ox.NamedNode):
            domains.setdefault(s, set()).add(o.value)
        elif p == str(RDFS.range) and isinstance(o, ox.NamedNode):
            ranges.setdefault(s, set()).add(o.value)
        elif p == str(RDFS.subClassOf) and isinstance(o, ox.NamedNode):
            sub.setdefault(s, set()).add(o.value)
        elif p == _DEF and isinstance(o, ox.Literal) and (o.language == "da" or s not in definitions):
            definitions[s] = o.value
    ark = str(ARK)
    kinds = {str(OWL.Class), str(RDFS.Class)}
    props = {str(RDF.Property), str(OWL.ObjectProperty), str(OWL.DatatypeProperty)}
    classes = sorted(i for i, t in index.types.items() if i.startswith(ark) and t & kinds)
    properties = sorted(i for i, t in index.types.items() if i.startswith(ark) and t & props)

    def up(c: str, seen: set) -> set:
        if c in seen:
            return seen
        seen.add(c)
        for parent in sub.get(c, ()):
            up(parent, seen)
        return seen

    supers = {c: up(c, set()) for c in set(index.types) | set(sub)}
    return Ontology(classes, properties, domains, ranges, supers, definitions, index)


def _file_index(path: Path, text: str | None) -> Index:
    index = Index()
    try:
        data = text.encode("utf-8") if text is not None else path.read_bytes()
        index.add(ox.parse(data, format=ox.RdfFormat.TURTLE))
        index.prefixes = {pair: 1 for pair in prefixes_in(data.decode("utf-8-sig")).items()}
    except (OSError, SyntaxError, ValueError):
        pass  # a file that does not parse offers no nodes until it does
    return index


class IndexCache:
    """One ``Index`` per file, parsed again only when its buffer or its file on disk changed (an
    edit re-parses one file, not the repository, and holds the GIL that much shorter; docs/ydelse.md)."""

    def __init__(self) -> None:
        self._parts: dict[Path, tuple[object, Index]] = {}

    def refresh(self, files: list[Path], buffers: dict[Path, str]) -> Index:
        parts = {}
        for path in files:
            text = buffers.get(path)
            if text is not None:
                key: object = text
            else:
                try:
                    st = path.stat()
                    key = (st.st_mtime_ns, st.st_size)
                except OSError:
                    continue
            old = self._parts.get(path)
            parts[path] = old if old is not None and old[0] == key else (key, _file_index(path, text))
        self._parts = parts
        merged = Index()
        for _, index in parts.values():
            merged.merge(index)
        return merged


def _context(text: str, offset: int) -> tuple[str, str | None, str | None]:
    """(position, predicate, subject class) at ``offset``: position is "subject", "predicate"
    or "object"; the predicate is the one whose object is being written; the class is the
    subject's ``a`` in this statement."""
    chunk_start = 0  # the statement starts after the last line that ends with "."
    for m in re.finditer(r"\.[ \t]*(?:#[^\n]*)?\n", text[:offset]):
        chunk_start = m.end()
    chunk = text[chunk_start:offset]
    word = _WORD_TAIL.search(chunk)
    chunk = chunk[: word.start()] if word else chunk
    state, cls = "subject", None
    stack: list[tuple[str, str | None]] = []
    last_pred = None
    try:
        toks = [t for t in tokenize(chunk) if t.kind not in ("COMMENT",)]
    except LexError:
        return "predicate", None, None
    for t in toks:
        if t.kind == "DIRECTIVE" or t.text.lower() in ("@prefix", "@base", "prefix", "base"):
            state = "directive"
            continue
        if state == "directive":
            if t.text == ".":
                state = "subject"
            continue
        if t.kind == "PUNCT":
            if t.text == "[":
                stack.append((state, last_pred))
                state = "predicate"
            elif t.text == "]":
                state, last_pred = stack.pop() if stack else ("subject", None)
                state = "after"
            elif t.text == ";":
                state = "predicate"
            elif t.text == ",":
                state = "object"
            elif t.text == ".":
                state, cls = "subject", None
            continue
        if state == "subject":
            state = "predicate"
        elif state == "predicate":
            last_pred = str(RDF.type) if t.text == "a" else t.text
            state = "object"
        elif state == "object":
            if last_pred == str(RDF.type) and not stack and cls is None:
                cls = t.text
            state = "after"
    return state, last_pred, cls


def complete(text: str, pos: lsp.Position, files: list[Path], buffers: dict[Path, str],
             repo_index: Index | None) -> list[lsp.CompletionItem]:
    lines = text.split("\n")
    if pos.line >= len(lines):
        return []
    offset = sum(len(x) + 1 for x in lines[: pos.line]) + min(pos.character, len(lines[pos.line]))
    prefixes = prefixes_in(text)
    declaring = _DECLARING.match(lines[pos.line][: pos.character])
    if declaring:
        return _declarations(declaring, pos, prefixes, repo_index or Index())
    state, pred, cls = _context(text, offset)
    onto = ontology()

    def expand(word: str | None) -> str | None:
        if not word:
            return None
        if word.startswith("<"):
            return word.strip("<>")
        if word.startswith("http"):
            return word
        p, _, local = word.partition(":")
        return prefixes[p] + local if p in prefixes else None

    def item(iri: str, kind: lsp.CompletionItemKind, rank: str, index: Index) -> lsp.CompletionItem:
        written = suggest.written_as(iri, None, prefixes)
        label = index.labels.get(iri) or onto.index.labels.get(iri)
        return lsp.CompletionItem(label=written, kind=kind, detail=label, sort_text=f"{rank}{written}",
                                  filter_text=written, insert_text=written,
                                  documentation=onto.definitions.get(iri))

    index = repo_index or Index()
    if state == "subject":  # the file's own prefixes, to start a name with
        return [lsp.CompletionItem(label=f"{p}:", kind=lsp.CompletionItemKind.Module, detail=ns,
                                   sort_text=f"1{p}", insert_text=f"{p}:")
                for p, ns in sorted(prefixes.items()) if p]
    if state == "object" and pred == str(RDF.type):
        return [item(c, lsp.CompletionItemKind.Class, "0", onto.index) for c in onto.classes]
    if state == "predicate":
        subject_class = expand(cls)
        fits = onto.supers.get(subject_class, {subject_class}) if subject_class else set()
        out = []
        for p in onto.properties:
            rank = "0" if onto.domains.get(p, set()) & fits else "1"
            out.append(item(p, lsp.CompletionItemKind.Property, rank, onto.index))
        return out
    if state == "object":
        prop = expand(pred)
        wanted = onto.ranges.get(prop, set()) if prop else set()
        if not wanted:
            return []
        out, seen = [], set()
        for source in (onto.index, index):
            for c, members in source.members.items():
                if not (onto.supers.get(c, {c}) & wanted):
                    continue
                for iri in members:
                    if iri not in seen:
                        seen.add(iri)
                        out.append(item(iri, lsp.CompletionItemKind.Value, "0", index))
        return out
    return []


# "@prefix sk" / "PREFIX sk" typed so far: the word after the keyword is the prefix name begun.
_DECLARING = re.compile(r"^(\s*)(@prefix|PREFIX)(\s+)([\w.\-]*)$", re.IGNORECASE)


def _declarations(m: re.Match, pos: lsp.Position, declared: dict, index: Index) -> list[lsp.CompletionItem]:
    """The ``@prefix`` declarations the repository's files use and this file does not have yet,
    most used first: the whole rest of the line, as the other files write it."""
    start = pos.character - len(m.group(4))
    rng = lsp.Range(lsp.Position(pos.line, start), pos)
    sparql = not m.group(2).startswith("@")
    best: dict[str, tuple[int, str]] = {}
    for (prefix, ns), n in index.prefixes.items():
        if prefix in declared or (prefix in best and best[prefix][0] >= n):
            continue
        best[prefix] = (n, ns)
    out = []
    for prefix, (n, ns) in sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0])):
        rest = f"{prefix}: <{ns}>" + ("" if sparql else " .")
        out.append(lsp.CompletionItem(
            label=f"{prefix}:", kind=lsp.CompletionItemKind.Module, detail=ns,
            documentation=f"erklæret i {n} af repositoriets filer / declared in {n} of the repository's files",
            sort_text=f"{10**8 - n:09d}{prefix}", filter_text=prefix, text_edit=lsp.TextEdit(range=rng, new_text=rest)))
    return out
