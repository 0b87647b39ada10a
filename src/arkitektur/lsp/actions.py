"""Kodehandlinger / the quick fixes a diagnostic offers: "did you mean" and the missing @prefix."""

from __future__ import annotations

import re

from lsprotocol import types as lsp

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


def code_actions(uri: str, text: str, findings: list, requested: list[lsp.Diagnostic]) -> list[lsp.CodeAction]:
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
            if f.fix is None or f.rule != d.code:
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
