"""Tjek til diagnoser / runs the check over a repository with unsaved buffers and maps findings to LSP."""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types as lsp

from .. import loader
from ..check import run_check
from ..config import CONFIG_NAME
from ..errors import ArkitekturError
from ..findings import Finding, Severity
from . import incremental

SOURCE = "arkitektur"
# Where a rule's page lies: docs/regler/<ID>.md beside the package in a source checkout or an
# editable install (the wheel ships no docs); else the principle's own source, if the rule has one.
_DOCS = Path(__file__).resolve().parents[3] / "docs"
# A Turtle term from its first character: an IRI, a quoted string, or a run up to a delimiter.
_TERM = re.compile(r'<[^>\s]*>?|"(?:[^"\\]|\\.)*"?|\'(?:[^\'\\]|\\.)*\'?|[^\s;,()\[\]]+')
_PREFIX_LINE = re.compile(r"(@prefix \S+: <[^<>\s]*> \.)\)?\s*$")
# How many files in turn may fail to parse before the rest of the check is given up.
_MAX_BROKEN = 20


@dataclass
class Outcome:
    """One check of the repository: diagnostics per file, with the findings behind them."""

    diagnostics: dict[Path, list[lsp.Diagnostic]] = field(default_factory=dict)
    findings: dict[Path, list[Finding]] = field(default_factory=dict)
    errors: dict[Path, ArkitekturError] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    failure: ArkitekturError | None = None  # an error with no file to show it in


def repository_root(folder: Path) -> Path:
    """The folder with ``arkitektur.toml`` at or below/above ``folder``; else ``folder`` itself."""
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate
    below = sorted(folder.glob(f"*/{CONFIG_NAME}"))  # a workspace whose models/ holds the config
    return below[0].parent if below else folder


@lru_cache(maxsize=1024)
def _page(rule: str) -> str | None:
    page = _DOCS / "regler" / f"{rule}.md"
    return page.as_uri() if page.is_file() else None


def rule_href(rule: str, catalogue) -> str | None:
    page = _page(rule)
    if page is not None:
        return page
    entry = catalogue.rules.get(rule) if catalogue is not None else None
    return entry.source if entry is not None and entry.source else None


def error_href(code: str) -> str | None:
    page = _DOCS / "fejl.md"
    return f"{page.as_uri()}#{code.lower()}" if page.is_file() else None


def check(root: Path, buffers: dict[Path, str], last_good: dict[Path, str], lang: str = "da",
          catalogue=None, state: incremental.State | None = None) -> Outcome:
    """Check ``root`` with ``buffers`` (resolved path → text) in place of the files on disk.

    A file that does not parse gets its error as its one diagnostic; the check then runs again
    with that file's last text that parsed (``last_good``), or without it, so the other files
    still get their findings. With ``state`` the check reuses the previous one's store and
    parses (``incremental``); without, it is ``run_check`` from scratch. Nothing is written.
    """
    out = Outcome()
    texts = dict(buffers)
    try:
        out.files = [incremental.resolved(p) for p in loader.discover([root])]
    except ArkitekturError as exc:
        out.failure = exc
        return out
    for _ in range(_MAX_BROKEN):
        try:
            if state is not None:
                result = incremental.run(state, root, texts, lang, catalogue)
            else:
                with loader.overriding(texts):
                    result = run_check([root], lang=lang, catalogue=catalogue)
        except ArkitekturError as exc:
            where = _error_path(exc, root)
            if where is None or where in out.errors:
                out.failure = exc
                return out
            out.errors[where] = exc
            out.diagnostics[where] = [error_diagnostic(exc, lang, _text_of(where, texts))]
            previous = last_good.get(where)
            texts[where] = previous if previous is not None and previous != texts.get(where) else ""
            continue
        break
    else:
        return out
    for path in out.files:
        if path not in out.errors and path in buffers:
            last_good[path] = buffers[path]
    out.notes = list(result.notes)
    lines_of: dict[Path, list[str]] = {}
    # a file whose text is as at the last check keeps its findings' diagnostics
    shown = {} if state is None else state.shown
    made: dict[Path, tuple[str, dict]] = {}
    for f in result.findings:
        if not f.file:
            continue
        path = incremental.resolved(f.file)
        if path in out.errors:
            continue  # positions of the last good text would not fit the buffer
        if path not in made:
            text = _text_of(path, texts, state)
            before = shown.get(path)
            made[path] = (text, before[1] if before is not None and before[0] == text else {})
            lines_of[path] = text.split("\n")
        cache = made[path][1]
        d = cache.get(f)
        if d is None:
            d = cache[f] = finding_diagnostic(f, lines_of[path], catalogue)
        out.findings.setdefault(path, []).append(f)
        out.diagnostics.setdefault(path, []).append(d)
    if state is not None:
        state.shown = made
    return out


def _error_path(exc: ArkitekturError, root: Path) -> Path | None:
    if exc.file:
        return Path(exc.file).resolve()
    if exc.code == "ARK-E11":
        return (root / CONFIG_NAME).resolve()
    return None


def _text_of(path: Path, texts: dict[Path, str], state: incremental.State | None = None) -> str:
    text = texts.get(path)
    if text is not None:
        return text
    try:
        if state is not None:
            return state.disk_text(path, str(path))
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, ArkitekturError):  # gone or changed since the check read it
        return ""


def term_range(lines: list[str], line: int | None, column: int | None) -> lsp.Range:
    """The range of the term at 1-based ``line``:``column``; the line's text without its indent
    when the column is not known; the file's first line when nothing is."""
    if not line:
        return lsp.Range(lsp.Position(0, 0), lsp.Position(0, len(lines[0]) if lines else 0))
    row = line - 1
    text = lines[row] if 0 <= row < len(lines) else ""
    if column:
        start = column - 1
        m = _TERM.match(text, start)
        end = m.end() if m else len(text)
        if m and not text[start:end].startswith(('"', "'", "<")):
            end = start + len(text[start:end].rstrip("."))  # a name's trailing dot ends the statement
        end = max(end, start + 1) if start < len(text) else start
    else:
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
    return lsp.Range(lsp.Position(row, start), lsp.Position(row, end))


def severity(f: Finding) -> lsp.DiagnosticSeverity:
    if f.dispensation:
        return lsp.DiagnosticSeverity.Information
    return {Severity.VIOLATION: lsp.DiagnosticSeverity.Error,
            Severity.WARNING: lsp.DiagnosticSeverity.Warning}.get(f.severity, lsp.DiagnosticSeverity.Information)


def finding_diagnostic(f: Finding, lines: list[str], catalogue=None) -> lsp.Diagnostic:
    if f.fix is not None and f.fix.line == f.line:
        rng = fix_range(f.fix)
    else:
        rng = term_range(lines, f.line, f.column)
    href = rule_href(f.rule, catalogue)
    message = f.message
    if f.dispensation:
        message += f" [dispensation: {f.dispensation}]"
    return lsp.Diagnostic(
        range=rng, message=message, severity=severity(f), code=f.rule, source=SOURCE,
        code_description=lsp.CodeDescription(href=href) if href else None,
        data={"focus": f.focus, "path": f.path, "value": f.value},
    )


def fix_range(fix) -> lsp.Range:
    return lsp.Range(lsp.Position(fix.line - 1, fix.column - 1), lsp.Position(fix.end_line - 1, fix.end_column - 1))


def error_diagnostic(exc: ArkitekturError, lang: str, text: str) -> lsp.Diagnostic:
    lines = text.split("\n")
    rng = term_range(lines, exc.line, exc.column)
    data = {}
    m = _PREFIX_LINE.search(exc.en or "")
    if m:
        data["prefix_declaration"] = m.group(1)
    href = error_href(exc.code)
    return lsp.Diagnostic(
        range=rng, message=exc.da if lang == "da" else exc.en, severity=lsp.DiagnosticSeverity.Error,
        code=exc.code, source=SOURCE, code_description=lsp.CodeDescription(href=href) if href else None,
        data=data or None,
    )
