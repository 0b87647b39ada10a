"""Opslag / hover and go-to-definition: a term under the cursor → its describing block and labels."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lsprotocol import types as lsp

from .. import loader, resources
from ..errors import ArkitekturError
from ..namespaces import RDFS, SKOS

_NAME = re.compile(r"<[^<>\s]*>|[A-Za-z_][\w.\-]*:[\w.\-:%\\]*|:[\w.\-:%\\]*")
_PREFIXES = re.compile(r"^[ \t]*(?:@prefix|(?i:prefix))[ \t]+([\w.\-]*):[ \t]*<([^<>\s]*)>", re.MULTILINE)


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
            prefixes = dict((p, ns) for p, ns in _PREFIXES.findall(text))
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
def _ontology():
    return loader.ontology_graph()


def labels(iri: str) -> dict:
    """Danish and English labels, definition and class of a term of the shipped ontology."""
    from rdflib import URIRef
    from rdflib.namespace import RDF

    g = _ontology()
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
