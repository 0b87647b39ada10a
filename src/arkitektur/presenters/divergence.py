"""Harmoniseringsmatrixen som tekst / the matrix (and its history per commit) as text, JSON, CSV or Markdown.

``FORMATS`` is the registry ``arkitektur divergence --format`` offers; the data is ``divergence.Matrix``.
``HISTORY_FORMATS`` does the same for ``--historik`` (``trajectory.Commit`` rows).
"""

from __future__ import annotations

import json

from .. import formatting, tables
from ..divergence import DIVERGERENDE, IKKE_OMFATTET, IKKE_REGISTRERET, KONVERGERET, PLANLAGT, Cell, Matrix, task_title
from ..namespaces import ARK
from ..trajectory import Commit
from ..words import DIVERGENCE, HISTORY, status, words
from . import as_json


def _systems_text(cell: Cell, lang: str) -> str:
    """Every usage for the task, IDrift first: "SBSYS (I drift), Acadre (Udfases)"."""
    order = {str(ARK.IDrift): 0, str(ARK.Indfases): 1, str(ARK.Planlagt): 2, str(ARK.Udfases): 3,
             str(ARK.Udfaset): 4}
    parts = []
    for u in sorted(cell.anvendelser, key=lambda u: (order.get(u.livscyklus, 5), u.system_label.casefold())):
        parts.append(f"{u.system_label} ({u.livscyklus_label.lower()})" if u.livscyklus_label else u.system_label)
    return ", ".join(dict.fromkeys(parts)) or "–"


def _plans_text(cell: Cell) -> str:
    return ", ".join(cell.plan_labels)


def _status_cell(cell: Cell, w: dict, lang: str) -> str:
    text = status(cell.status, lang)
    if not cell.aktiv and cell.medlem_fra:
        text += f" ({w['from'].format(d=cell.medlem_fra.isoformat())})"
    if cell.dispensation:
        text += f" ({formatting.dispensation(cell.dispensation_udloeber, lang)})"
    return text


def _summary(collab, w: dict, lang: str, overall: str) -> list[list]:
    """Per member its share converged and "n af d", then the collaboration's (named ``overall``)."""
    shares = [(m.label, collab.shares[m.kommune]) for m in collab.members if m.kommune in collab.shares]
    return [[name, formatting.percent(share.andel, lang), w["of"].format(n=share.konvergeret, d=share.i_alt)]
            for name, share in shares + [(overall, collab.samlet)]]


def _text(matrix: Matrix, lang: str, width: int | None = None) -> str:
    w = words(DIVERGENCE, lang)
    lines = [w["title"].format(as_of=matrix.as_of.isoformat())]
    for collab in matrix.samarbejder:
        rows = [r for r in matrix.rows if r.samarbejde == collab.samarbejde]
        lines += ["", f"{w['collab']}: {collab.label}"]
        names = [m.label + ("" if m.aktiv or not m.medlem_fra else f" ({w['from'].format(d=m.medlem_fra)})")
                 for m in collab.members]
        lines.append(tables.fold(f"{w['members']}: {', '.join(names)}", width))
        if not rows:
            lines += ["", w["none"]]
        for r in rows:
            head = (w["target"].format(s=r.maalsystem_label, d=formatting.date(r.senest))
                    if r.has_target else w["notarget"])
            lines += ["", tables.fold(f"{task_title(r)} — {head}", width)]
            body = [[c.label, _status_cell(c, w, lang), _systems_text(c, lang), c.udloebsdato,
                     c.opsigelsesdato, _plans_text(c)] for c in r.members]
            lines.append(tables.text_table([w["kommune"], w["status"], w["systems"], w["end"], w["notice"],
                                            w["plan"]], body, indent="  ", width=width))
        lines += ["", w["summary"] + ":"]
        lines.append(tables.text_table(None, _summary(collab, w, lang, w["samlet"]), indent="  ", width=width))
    if not matrix.samarbejder:
        lines += ["", w["none"]]
    return "\n".join(lines) + "\n"


_MARK = {KONVERGERET: "✅", PLANLAGT: "🕒", DIVERGERENDE: "❌", IKKE_REGISTRERET: "❔", IKKE_OMFATTET: "➖"}


def _markdown(matrix: Matrix, lang: str, width: int | None = None) -> str:
    w = words(DIVERGENCE, lang)
    lines = [f"## {w['title'].format(as_of=matrix.as_of.isoformat())}"]
    for collab in matrix.samarbejder:
        rows = [r for r in matrix.rows if r.samarbejde == collab.samarbejde]
        lines += ["", f"### {w['collab']}: {collab.label}", ""]
        headers = [w["task"], w["maal"], w["senest"]] + [m.label for m in collab.members]
        body = []
        for r in rows:
            cells = []
            for c in r.members:
                text = f"{_MARK[c.status]} {_status_cell(c, w, lang)}\n{_systems_text(c, lang)}"
                if c.udloebsdato:
                    text += f"\n{w['end'].lower()} {c.udloebsdato.isoformat()}"
                    if c.opsigelsesdato:
                        text += f", {w['notice'].lower()} {c.opsigelsesdato.isoformat()}"
                if c.planer:
                    text += f"\n{w['plan'].lower()}: {_plans_text(c)}"
                cells.append(text)
            body.append([task_title(r), r.maalsystem_label or "–", r.senest or "–"] + cells)
        lines.append(tables.markdown_table(headers, body) if body else w["none"])
        lines += ["", f"**{w['summary']}**", ""]
        lines.append(tables.markdown_table([w["kommune"], "%", ""], _summary(collab, w, lang, f"**{w['samlet']}**")))
    if not matrix.samarbejder:
        lines += ["", w["none"]]
    return "\n".join(lines) + "\n"


def _csv(matrix: Matrix, lang: str, width: int | None = None) -> str:
    headers = ["samarbejde", "opgave", "notation", "label", "maalsystem", "senest", "kommune",
               "kommune_label", "status", "systemer", "anvendelser", "udloebsdato", "opsigelsesdato",
               "planer", "medlem_fra", "aktiv", "dispensation", "dispensation_udloeber"]
    out = []
    for r in matrix.rows:
        for c in r.members:
            out.append([r.samarbejde, r.opgave, r.notation, r.label, r.maalsystem, r.senest, c.kommune,
                        c.label, c.status, " ".join(c.systemer), _systems_text(c, lang), c.udloebsdato,
                        c.opsigelsesdato, " ".join(c.planer), c.medlem_fra, "ja" if c.aktiv else "nej",
                        c.dispensation, c.dispensation_udloeber])
    return tables.csv_table(headers, out)


#: ``--format`` name → presenter (the matrix, the language and the terminal's width → the text).
FORMATS = {"text": _text, "json": as_json, "csv": _csv, "markdown": _markdown}


def render(matrix: Matrix, fmt: str, lang: str = "da", width: int | None = None) -> str:
    """The matrix in format ``fmt`` (a key of ``FORMATS``); ``width`` wraps the text format's tables."""
    return FORMATS[fmt](matrix, lang, width)


# --------------------------------------------------------------------------- history (--historik)


def _history_table(points: list[Commit], w: dict, lang: str) -> tuple[list[str], list[list]]:
    """The history's header and one row per commit, for the text and Markdown tables."""
    return [w["commit"], w["date"], w["share"], w["cells"], w["subject"]], [
        [p.commit[:12], p.dato, formatting.percent(p.andel, lang) if not p.fejl else w["error"],
         w["of"].format(n=p.konvergeret, d=p.i_alt) if not p.fejl else p.fejl, p.besked] for p in points]


def _history_text(span: str, points: list[Commit], lang: str, width: int | None = None) -> str:
    w = words(HISTORY, lang)
    table = tables.text_table(*_history_table(points, w, lang), indent="  ", width=width) if points else w["none"]
    return f"{w['title'].format(span=span)}\n\n{table}\n"


def _history_json(span: str, points: list[Commit], lang: str, width: int | None = None) -> str:
    return json.dumps({"historik": span, "commits": [p.to_json() for p in points]}, ensure_ascii=False,
                      indent=2) + "\n"


def _history_markdown(span: str, points: list[Commit], lang: str, width: int | None = None) -> str:
    w = words(HISTORY, lang)
    table = tables.markdown_table(*_history_table(points, w, lang)) if points else w["none"]
    return f"## {w['title'].format(span=span)}\n\n{table}\n"


def _history_csv(span: str, points: list[Commit], lang: str, width: int | None = None) -> str:
    return tables.csv_table(["commit", "dato", "andel", "konvergeret", "i_alt", "besked", "fejl"],
                            [[p.commit, p.dato, p.andel, p.konvergeret, p.i_alt, p.besked, p.fejl] for p in points])


#: ``--format`` name → presenter for ``divergence --historik`` (one row per commit).
HISTORY_FORMATS = {"text": _history_text, "json": _history_json, "csv": _history_csv,
                   "markdown": _history_markdown}


def render_history(span: str, points: list[Commit], fmt: str, lang: str = "da", width: int | None = None) -> str:
    """The history of ``span`` in format ``fmt`` (a key of ``HISTORY_FORMATS``); ``width`` as for ``render``."""
    return HISTORY_FORMATS[fmt](span, points, lang, width)
