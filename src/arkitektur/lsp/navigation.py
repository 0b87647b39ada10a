"""Opslag / hover and go-to-definition: a term under the cursor → its describing block and labels."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lsprotocol import types as lsp

from .. import loader, resources
from ..errors import ArkitekturError
from ..namespaces import RDFS, SKOS, prefixes_in

_NAME = re.compile(r"<[^<>\s]*>|[A-Za-z_][\w.\-]*:[\w.\-:%\\]*|:[\w.\-:%\\]*")


def term_at(text: str, pos: lsp.Position) -> str | None:
    """The IRI of the name (prefixed or ``<…>``) under the cursor, with the file's prefixes."""
    lines = text.split("\n")
    if pos.line >= len(lines):
        return None
    line = lines[pos.line]
    for m in _NAME.finditer(line):
        if m.start() <= pos.character <= m.end():
            word = m.group(0).rstrip(".")
            if word.startswith("<"):
                return word[1:-1]
            prefixes = prefixes_in(text)
            prefix, _, local = word.partition(":")
            ns = prefixes.get(prefix)
            return ns + local.replace("\\", "") if ns is not None else None
    return None


@lru_cache(maxsize=1)
def _ontology_subjects() -> dict:
    found: dict = {}
    for path in resources.ontology_files():
        try:
            loader.scan_subjects(str(path), path.read_text(encoding="utf-8"), found)
        except (OSError, UnicodeDecodeError, loader.ScanGap, ArkitekturError):
            continue
    return found


def repository_subjects(files: list[Path], buffers: dict[Path, str]) -> dict:
    found: dict = {}
    for path in files:
        try:
            text = buffers.get(path)
            if text is None:
                text = path.read_text(encoding="utf-8-sig")
            loader.scan_subjects(str(path), text, found)
        except (OSError, UnicodeDecodeError, loader.ScanGap, ArkitekturError):
            continue  # a file that does not parse has its diagnostic; it just cannot be a target
    return found


def locate(iri: str, files: list[Path], buffers: dict[Path, str]) -> tuple[str, int] | None:
    hit = repository_subjects(files, buffers).get(iri)
    return hit if hit is not None else _ontology_subjects().get(iri)


@lru_cache(maxsize=1)
def ontology():
    return loader.ontology_graph()


def labels(iri: str) -> dict:
    """Danish and English labels, definition and class of a term of the shipped ontology."""
    from rdflib import URIRef
    from rdflib.namespace import RDF

    g = ontology()
    node = URIRef(iri)
    out: dict = {}
    for pred, key in ((RDFS.label, "label"), (SKOS.prefLabel, "label"), (SKOS.definition, "definition"),
                      (RDFS.comment, "definition")):
        for o in g.objects(node, pred):
            lang = getattr(o, "language", None) or "da"
            out.setdefault(f"{key}_{lang}", str(o))
    types = [str(t) for t in g.objects(node, RDF.type)]
    if types:
        out["class"] = types[0]
    return out


def register(server) -> None:
    from .server import uri_to_path

    register_more(server)

    def where(ls, params):
        doc = ls.workspace.get_text_document(params.text_document.uri)
        iri = term_at(doc.source, params.position)
        if iri is None:
            return None, None
        return iri, locate(iri, ls.outcome.files, ls.buffers())

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls, params: lsp.DefinitionParams):
        _, hit = where(ls, params)
        if hit is None:
            return None
        file, line = hit
        pos = lsp.Position(line - 1, 0)
        return lsp.Location(uri=Path(file).resolve().as_uri(), range=lsp.Range(pos, pos))

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls, params: lsp.HoverParams):
        parts: list[str] = []
        path = uri_to_path(params.text_document.uri)
        for d in ls.outcome.diagnostics.get(path, []) if path else []:
            if d.range.start <= params.position <= d.range.end and ls.catalogue is not None:
                rule = ls.catalogue.rules.get(str(d.code))
                if rule is not None:
                    lang = ls.lang
                    parts.append(f"**{rule.id}** — {rule.title.get(lang) or rule.title.get('da', '')}\n\n"
                                 f"{rule.problem.get(lang) or rule.problem.get('da', '')}\n\n"
                                 f"*Løsning / solution:* {rule.solution.get(lang) or rule.solution.get('da', '')}")
        iri, hit = where(ls, params)
        if iri is not None:
            info = labels(iri)
            head = [f"`{iri}`"]
            for key in ("label_da", "label_en", "definition_da", "definition_en", "class"):
                if key in info:
                    head.append(f"{key.split('_')[0]} ({key.split('_')[1]}): {info[key]}" if "_" in key
                                else f"klasse / class: `{info[key]}`")
            index = ls.index
            if index is not None and iri in index.labels and "label_da" not in info:
                head.append(f"label: {index.labels[iri]}")
            if index is not None and iri in index.types and "class" not in info:
                head.append("klasse / class: " + ", ".join(f"`{c}`" for c in sorted(index.types[iri])))
            if index is not None and iri in index.kommune:
                head.append(f"kommune: `{index.kommune[iri]}`")
            if hit is not None:
                head.append(f"beskrevet i / described in {hit[0]}:{hit[1]}")
            parts.append("\n\n".join(head))
        if not parts:
            return None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)))


def occurrences(text: str, iri: str) -> list[tuple[lsp.Range, str]]:
    """Every place ``text`` writes ``iri`` (prefixed or as ``<…>``), with the text written there;
    not the ``@prefix`` declarations themselves."""
    from ..turtle.lexer import LexError
    from ..turtle.scan import iri_tokens

    found: list[tuple[lsp.Range, str]] = []
    try:
        for tok, here in iri_tokens(text):
            if here == iri:
                start = lsp.Position(tok.line - 1, tok.column - 1)
                found.append((lsp.Range(start, lsp.Position(tok.line - 1, tok.column - 1 + len(tok.text))), tok.text))
    except (LexError, ValueError, OverflowError):  # e.g. <http://[x/> under @base, \U00110000
        pass  # a file that does not lex or resolve offers what it had so far
    return found


_LOCAL = re.compile(r"[A-Za-z_\u00C0-\uFFFF][\w\-\u00B7\u00C0-\uFFFF]*")


def renamed(written: str, iri: str, new: str) -> str:
    """How one occurrence reads after the rename: ``new`` as given if it is a prefixed name or an
    IRI; a bare local name keeps the occurrence's prefix (or namespace)."""
    if ":" in new or new.startswith("<"):
        return new
    if written.startswith("<"):
        ns = iri[: len(iri) - len(iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1])]
        return f"<{ns}{new}>"
    return written.split(":", 1)[0] + ":" + new


def register_more(server) -> None:
    from .server import uri_to_path

    def all_texts(ls) -> dict[Path, str]:
        buffers = ls.buffers()
        out = {}
        for path in ls.outcome.files:
            text = buffers.get(path)
            if text is None:
                try:
                    text = path.read_text(encoding="utf-8-sig")
                except (OSError, UnicodeDecodeError):
                    continue
            out[path] = text
        return out

    @server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
    def references(ls, params: lsp.ReferenceParams):
        doc = ls.workspace.get_text_document(params.text_document.uri)
        iri = term_at(doc.source, params.position)
        if iri is None:
            return None
        return [lsp.Location(uri=path.as_uri(), range=rng)
                for path, text in all_texts(ls).items() for rng, _ in occurrences(text, iri)]

    @server.feature(lsp.TEXT_DOCUMENT_RENAME)
    def rename(ls, params: lsp.RenameParams):
        doc = ls.workspace.get_text_document(params.text_document.uri)
        iri = term_at(doc.source, params.position)
        new = params.new_name.strip()
        if iri is None:
            return None
        if not (":" in new or new.startswith("<") or _LOCAL.fullmatch(new)):
            raise ValueError(f"'{new}' er ikke et gyldigt navn i Turtle / is not a valid Turtle name")
        changes = {}
        for path, text in all_texts(ls).items():
            edits = [lsp.TextEdit(range=rng, new_text=renamed(written, iri, new))
                     for rng, written in occurrences(text, iri)]
            if edits:
                changes[path.as_uri()] = edits
        return lsp.WorkspaceEdit(changes=changes) if changes else None

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def symbols(ls, params: lsp.DocumentSymbolParams):
        doc = ls.workspace.get_text_document(params.text_document.uri)
        path = uri_to_path(doc.uri)
        found: dict = {}
        try:
            loader.scan_subjects(str(path), doc.source, found)
        except (loader.ScanGap, ArkitekturError):
            return []
        lines = doc.source.split("\n")
        starts = sorted((line, iri) for iri, (_, line) in found.items())
        out = []
        for n, (line, iri) in enumerate(starts):
            last = (starts[n + 1][0] - 1 if n + 1 < len(starts) else len(lines)) - 1
            while last > line - 1 and not lines[last].strip():
                last -= 1
            head = lines[line - 1]
            name = head.split()[0] if head.strip() else iri
            index = ls.index
            detail = index.labels.get(iri) if index is not None else None
            out.append(lsp.DocumentSymbol(
                name=name, detail=detail, kind=lsp.SymbolKind.Object,
                range=lsp.Range(lsp.Position(line - 1, 0), lsp.Position(last, len(lines[last]))),
                selection_range=lsp.Range(lsp.Position(line - 1, 0), lsp.Position(line - 1, len(name)))))
        return out
