"""Ledelsens ekstra ark / the harmonisation matrix and the check's findings as worksheets of ``export xlsx``.

Both are derived from the model (``divergence.build_matrix``, ``check.run_check``) and so are
skipped by ``import xlsx``. The matrix has one row per task and member, so that a manager can filter
on a municipality or a status; each status cell has the colours of the diagrams and the meeting pack
(``views.STATUS_STYLE``; violet ``DISPENSATION_STYLE`` for a cell a dispensation covers).
"""

from __future__ import annotations

from rdflib import Graph, URIRef

from ... import formatting, words
from ...findings import Severity
from ...views import DISPENSATION_STYLE, STATUS_STYLE
from ..sheets_io import Sheet

MATRIX_SHEET = "Harmonisering"
FINDINGS_SHEET = "Fund"
# What a manager reads first (task, member, status, target) on the left, frozen; the collaboration,
# the same on most rows, last.
MATRIX_HEADERS = ["KLE", "opgave", "kommune", "status", "målsystem", "senest", "systemer", "kontrakt", "udløb",
                  "opsigelse senest", "planer", "dispensation", "samarbejde"]
FINDINGS_HEADERS = ["regel", "alvor", "kommune", "element", "besked", "fil:linje", "dispensation", "IRI"]
# The same columns in English (export xlsx --lang en); the sheet names stay.
MATRIX_HEADERS_EN = ["KLE", "task", "municipality", "status", "target system", "deadline", "systems", "contract",
                     "expiry", "notice by", "plans", "dispensation", "collaboration"]
FINDINGS_HEADERS_EN = ["rule", "severity", "municipality", "element", "message", "file:line", "dispensation", "IRI"]
# Severity colours: the check's own (red, amber, grey), pale enough for black text in print.
SEVERITY_STYLE = {Severity.VIOLATION: ("#f4cccc", "#000000"), Severity.WARNING: ("#fde9c4", "#000000"),
                  Severity.INFO: ("#eeeeee", "#000000")}


def matrix_sheet(matrix, kommune: str | None = None, lang: str = "da") -> Sheet:
    """One row per (task, member) of every collaboration; ``kommune`` (an IRI) keeps one member."""
    labels = {c.samarbejde: c.label for c in matrix.samarbejder}
    rows, fills = [], {}
    status_col = MATRIX_HEADERS.index("status")
    for r in matrix.rows:
        for c in r.members:
            if kommune is not None and c.kommune != kommune:
                continue
            status = words.status(c.status, lang)
            style = DISPENSATION_STYLE if c.dispensation else STATUS_STYLE[c.status]
            fills[(len(rows), status_col)] = (style["fill"], style["font"])
            systems = ", ".join(
                f"{u.system_label} ({u.livscyklus_label.lower()})" if u.livscyklus_label else u.system_label
                for u in sorted(c.anvendelser, key=lambda u: u.system_label.casefold())) or None
            contract = next((k for u in c.anvendelser for k in u.kontrakter if k.kontrakt == c.kontrakt), None)
            disp = None
            if c.dispensation:
                disp = f"{c.dispensation_label or c.dispensation}: {formatting.dispensation(c.dispensation_udloeber, lang)}"
            rows.append([r.notation, r.label, c.label, status, r.maalsystem_label, r.senest, systems,
                         contract.label if contract is not None else None, c.udloebsdato, c.opsigelsesdato,
                         ", ".join(c.plan_labels) or None, disp, labels.get(r.samarbejde, r.samarbejde)])
    return Sheet(MATRIX_SHEET, MATRIX_HEADERS_EN if lang == "en" else MATRIX_HEADERS, rows, fills=fills, freeze="C2")


def findings_sheet(findings, g: Graph, kommune: str | None = None, lang: str = "da") -> Sheet:
    """One row per finding, in the check's order; ``kommune`` (an IRI) keeps that member's findings."""
    rows, fills = [], {}
    sev_col = FINDINGS_HEADERS.index("alvor")
    for f in findings:
        if kommune is not None and f.kommune != kommune:
            continue
        fills[(len(rows), sev_col)] = SEVERITY_STYLE[f.severity]
        where = f"{f.file}:{f.line}" if f.file and f.line else f.file
        disp = formatting.label(g, URIRef(f.dispensation), lang) if f.dispensation else None
        message = f.message_en if lang == "en" and f.message_en else f.message
        rows.append([f.rule, words.words(words.CHECK_TEXT, lang)[f.severity.label],
                     formatting.label(g, URIRef(f.kommune), lang) if f.kommune else None,
                     f.label, message, where, disp, f.focus])
    return Sheet(FINDINGS_SHEET, FINDINGS_HEADERS_EN if lang == "en" else FINDINGS_HEADERS, rows, fills=fills,
                 freeze="B2")
