"""Kodehandlinger / the quick fixes a diagnostic offers: "did you mean" and the missing @prefix."""

from __future__ import annotations

import re

from lsprotocol import types as lsp
from rdflib import BNode, Literal
from rdflib.collection import Collection

from .. import suggest
from ..namespaces import OWL, RDF, RDFS, SH, XSD
from ..turtle.lexer import LexError, tokenize
from . import diagnostics as diag

_PREFIX = re.compile(r"^[ \t]*(?:@prefix|(?i:prefix))\b", re.MULTILINE)


def prefix_insert_position(text: str) -> lsp.Position:
    """Below the file's last prefix declaration, else at the top."""
    last = None
    for m in _PREFIX.finditer(text):
        last = m
    if last is None:
        return lsp.Position(0, 0)
    return lsp.Position(text.count("\n", 0, last.start()) + 1, 0)


def required_paths(catalogue, rule_id: str) -> list[str]:
    """The properties a rule's shapes require (``sh:path`` with ``sh:minCount`` ≥ 1), not looking
    inside ``sh:not`` (whose paths are conditions, not requirements)."""
    rule = catalogue.rules.get(rule_id) if catalogue is not None else None
    if rule is None:
        return []
    g = catalogue.graph
    found: list[str] = []
    todo = list(rule.shapes)
    seen = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        path, least = g.value(node, SH.path), g.value(node, SH.minCount)
        if path is not None and not isinstance(path, BNode) and isinstance(least, Literal) and int(least) >= 1:
            found.append(str(path))
        todo.extend(g.objects(node, SH.property))
        for combo in (SH["or"], SH["and"], SH.xone):
            for head in g.objects(node, combo):
                todo.extend(Collection(g, head))
    return sorted(set(found))


def _statement_end(text: str, line: int) -> int | None:
    """Offset of the ``.`` that ends the statement starting on 1-based ``line``."""
    start = sum(len(x) + 1 for x in text.split("\n")[: line - 1])
    depth = 0
    try:
        for tok in tokenize(text[start:]):
            if tok.kind == "PUNCT" and tok.text in "[(":
                depth += 1
            elif tok.kind == "PUNCT" and tok.text in "])":
                depth -= 1
            elif tok.kind == "PUNCT" and tok.text == "." and depth == 0:
                return start + tok.offset
    except LexError:
        return None
    return None


def _position(text: str, offset: int) -> lsp.Position:
    line = text.count("\n", 0, offset)
    return lsp.Position(line, offset - (text.rfind("\n", 0, offset) + 1))


def _placeholder(prop: str) -> str:
    """A value that parses, for the architect to replace: ``[]`` (a node) for an object property
    or one whose range is a class of the ontology, ``""`` (a text) else."""
    from .navigation import ontology

    g = ontology()
    from rdflib import URIRef

    node = URIRef(prop)
    ranges = {str(r) for r in g.objects(node, RDFS.range)}
    literal = any(r.startswith(str(XSD)) or r == str(RDFS.Literal) for r in ranges)
    if (node, RDF.type, OWL.ObjectProperty) in g or (ranges and not literal):
        return "[]"
    return '""'


def missing_property_actions(uri: str, text: str, finding, d: lsp.Diagnostic, catalogue) -> list[lsp.CodeAction]:
    paths = [finding.path] if finding.path and finding.value is None else required_paths(catalogue, finding.rule)
    if not paths or not finding.line:
        return []
    end = _statement_end(text, finding.line)
    if end is None:
        return []
    prefixes = dict(re.findall(r"^[ \t]*(?:@prefix|(?i:prefix))[ \t]+([\w.\-]*):[ \t]*<([^<>\s]*)>", text, re.MULTILINE))
    block = text[sum(len(x) + 1 for x in text.split("\n")[: finding.line - 1]):end]
    named = [p for p in paths if suggest.written_as(p, None, prefixes) in finding.message]
    out = []
    for prop in named or paths:
        written = suggest.written_as(prop, None, prefixes)
        if re.search(rf"(?<![\w:]){re.escape(written)}(?![\w:])", block):
            continue  # written already (the finding is about its value, not its absence)
        body = text[:end].rstrip()
        at = _position(text, len(body))
        edit = lsp.TextEdit(range=lsp.Range(at, _position(text, end)),
                            new_text=f" ;\n    {written} {_placeholder(prop)} ")
        out.append(_action(f"Tilføj {written} (udfyld værdien) / add {written} (fill in the value)", uri, [edit], d))
    return out


def code_actions(uri: str, text: str, findings: list, requested: list[lsp.Diagnostic],
                 catalogue=None) -> list[lsp.CodeAction]:
    """Quick fixes for the diagnostics the editor asks about (those it sent, matched by range+code)."""
    actions: list[lsp.CodeAction] = []
    lines = text.split("\n")
    for d in requested:
        if d.source != diag.SOURCE:
            continue
        declaration = (d.data or {}).get("prefix_declaration") if isinstance(d.data, dict) else None
        if declaration:
            edit = lsp.TextEdit(range=lsp.Range(prefix_insert_position(text), prefix_insert_position(text)),
                                new_text=declaration + "\n")
            actions.append(_action(f"Tilføj {declaration} / add the declaration", uri, [edit], d))
            continue
        for f in findings:
            if f.rule != d.code:
                continue
            if f.fix is None:
                if diag.term_range(lines, f.line, f.column) == d.range and f.value is None:
                    actions.extend(missing_property_actions(uri, text, f, d, catalogue))
                continue
            rng = diag.fix_range(f.fix)
            if rng != d.range and diag.term_range(lines, f.line, f.column) != d.range:
                continue
            edit = lsp.TextEdit(range=rng, new_text=f.fix.replacement)
            actions.append(_action(f"Ret til {f.fix.replacement} / change to {f.fix.replacement}", uri, [edit], d))
    return actions


def _action(title: str, uri: str, edits: list[lsp.TextEdit], d: lsp.Diagnostic) -> lsp.CodeAction:
    return lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[d], is_preferred=True,
                          edit=lsp.WorkspaceEdit(changes={uri: edits}))
