"""Køreplanen som tekst / the roadmap as text, JSON, CSV (a calendar, one event a line) or Markdown.

``FORMATS`` is the registry ``arkitektur roadmap --format`` offers; the data is ``roadmap.Roadmap``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from .. import formatting, tables
from ..divergence import task_title
from ..roadmap import FASTLAAST, UDLOEBET, MemberContracts, Procurement, Roadmap, TaskRoadmap, Window, flag_text
from ..words import ROADMAP, status, words
from . import as_json


def _window_text(win: Window, w: dict) -> str:
    text = f"{_period(win.fra, win.til, w)}: {', '.join(win.kommune_labels)}"
    if win.udbud_labels:
        text += f" ({w['covered']} {', '.join(win.udbud_labels)})"
    return text


def _proc_text(p: Procurement) -> str:
    who = ", ".join(p.deltager_labels) or "–"
    return f"{p.label} {tables.cell(p.planlagt_dato) or '?'} ({who})"


def _end_text(m: MemberContracts, w: dict) -> str:
    text = tables.cell(m.udloebsdato)
    if m.udloebsdato and not m.kandidat:
        text += f" ({w['nocand']})"
    return text


def _member_row(m: MemberContracts, w: dict, lang: str) -> list:
    systems = ", ".join(sorted(m.system_labels, key=str.casefold)) or "–"
    return [_member_label(m, w), status(m.status, lang), systems, _end_text(m, w), m.opsigelsesdato]


def _member_label(m: MemberContracts, w: dict) -> str:
    return m.label if m.aktiv or not m.medlem_fra else f"{m.label} ({w['from'].format(d=m.medlem_fra)})"


def _headline(t: TaskRoadmap, w: dict) -> str:
    head = (w["target"].format(s=t.maalsystem_label, d=formatting.date(t.senest))
            if t.maalsystem else w["notarget"])
    return f"{task_title(t)} — {head}"


def _period(fra: dt.date, til: dt.date, w: dict) -> str:
    """A window's dates; a window whose ends all fall on one day says so instead of "d – d"."""
    return w["oneday"].format(d=fra.isoformat()) if fra == til else f"{fra.isoformat()} – {til.isoformat()}"


def _members(roadmap: Roadmap) -> tuple[dict[str, int], dict[str, str]]:
    """The repository's member order (divergence's rows: per cooperation, as modelled) and labels."""
    order: dict[str, int] = {}
    labels: dict[str, str] = {}
    for t in roadmap.tasks:
        for m in t.members:
            order.setdefault(m.kommune, len(order))
            labels.setdefault(m.kommune, _short(m.label))
    return order, labels


def _short(label: str) -> str:
    """"Silkeborg Kommune" → "Silkeborg" under a Kommune heading, as architects write it in a table
    (and so a calendar line of several members still fits a terminal)."""
    for suffix in (" Kommune", " Municipality"):
        if label.endswith(suffix) and len(label) > len(suffix):
            return label[: -len(suffix)]
    return label


def _names(kommuner, order: dict[str, int], labels: dict[str, str]) -> str:
    """Members in the repository's order, so every row of the calendar and the windows names them
    in the same order (not in the order their contracts end)."""
    return ", ".join(labels.get(k, k) for k in sorted(set(kommuner), key=lambda k: (order.get(k, len(order)), k)))


def _calendar(roadmap: Roadmap, w: dict) -> list[list]:
    """Every contract end, notice date and planned procurement in date order; members with the same
    event on the same day for the same system share one row."""
    order, labels = _members(roadmap)
    events: dict[tuple, set] = {}
    for t in roadmap.tasks:
        title = task_title(t)
        for m in t.members:
            for c in m.kontrakter:
                what = c["system_label"] or c["system"]
                early = m.medlem_fra is not None and c["udloebsdato"] is not None and c["udloebsdato"] < m.medlem_fra
                for kind, day in (("end", c["udloebsdato"]), ("notice", c["opsigelsesdato"])):
                    if day is not None:
                        shown = f"{what} ({w['nocand']})" if early and kind == "end" else what
                        events.setdefault((day, kind, title, shown), set()).add(m.kommune)
        for p in t.udbud:
            events.setdefault((p.planlagt_dato, "udbud", title, p.label), set()).update(p.deltagere)
    rank = {"notice": 0, "udbud": 1, "end": 2}  # the day's deadline first, the end it leads to last
    # What and task share a column: the calendar then fits 80 columns as a table (docs/divergens.md).
    return [[tables.cell(day) or "?", w["ev_" + kind], _names(ks, order, labels) or "–", f"{what} — {title}"]
            for (day, kind, title, what), ks in sorted(
                events.items(), key=lambda e: (e[0][0] or dt.date.max, rank[e[0][1]], e[0][2], e[0][3]))]


def _text(roadmap: Roadmap, lang: str, width: int | None = None) -> str:
    """docs/divergens.md: the calendar, the joint windows and the points of attention. The members'
    positions per task are divergence's tables (``arkitektur divergence``) and are not repeated here."""
    w = words(ROADMAP, lang)
    lines = [tables.fold(w["title"].format(as_of=roadmap.as_of.isoformat(), n=roadmap.window_months), width)]
    if not roadmap.tasks:
        return "\n".join(lines + ["", w["none"]]) + "\n"
    rows = _calendar(roadmap, w)
    past = sum(1 for r in rows if r[0] != "?" and r[0] < roadmap.as_of.isoformat())
    rows.insert(past, [roadmap.as_of.isoformat(), w["today"], "", ""])
    lines += ["", f"{w['calendar']}:"]
    lines.append(tables.text_table([w["date"], w["event"], w["kommune"], w["what"]], rows,
                                   indent="  ", width=width))
    wins = roadmap.windows
    lines += ["", f"{w['windows']} ({len(wins)}):" if wins else w["nowindows"]]
    if wins:
        order, labels = _members(roadmap)
        body = [[_period(x.fra, x.til, w), x.opgave_label, _names(x.kommuner, order, labels),
                 ", ".join(x.udbud_labels)] for x in wins]
        lines.append(tables.text_table([w["period"], w["task"], w["kommuner"], w["covered_h"]], body,
                                       indent="  ", width=width))
    flags = sorted(roadmap.flags, key=lambda f: (f.dato or dt.date.max, f.opgave_label))
    if flags:
        lines += ["", f"{w['flags']} ({len(flags)}):"]
        lines.append(tables.text_table(None, [[tables.cell(f.dato) or "?", f.opgave_label, flag_text(f, lang)]
                                              for f in flags], indent="  ", width=width))
    return "\n".join(lines) + "\n"


def _markdown(roadmap: Roadmap, lang: str, width: int | None = None) -> str:
    w = words(ROADMAP, lang)
    lines = [f"## {w['title'].format(as_of=roadmap.as_of.isoformat(), n=roadmap.window_months)}", "",
             f"### {w['windows']}", ""]
    wins = roadmap.windows
    if wins:
        lines.append(tables.markdown_table(
            [w["period"], w["task"], w["kommune"], w["udbud"]],
            [[_period(x.fra, x.til, w), x.opgave_label, ", ".join(x.kommune_labels), ", ".join(x.udbud_labels)]
             for x in wins]))
    else:
        lines.append(w["nowindows"])
    flags = roadmap.flags
    if flags:
        lines += ["", f"### {w['flags']}", ""]
        lines += [f"- ⚠️ {f.opgave_label}: {flag_text(f, lang)}" for f in flags]
    for t in roadmap.tasks:
        lines += ["", f"### {_headline(t, w)}", ""]
        body = [_member_row(m, w, lang) for m in t.members]
        lines.append(tables.markdown_table([w["kommune"], w["status"], w["systems"], w["end"], w["notice"]], body))
        extra = [f"- {w['udbud']}: {_proc_text(p)}" for p in t.udbud]
        extra += [f"- {w['window']}: {_window_text(win, w)}" for win in t.windows]
        extra += [f"- ⚠️ {flag_text(f, lang)}" for f in t.flags]
        if extra:
            lines += [""] + extra
    return "\n".join(lines) + "\n"


def _csv(roadmap: Roadmap, lang: str, width: int | None = None) -> str:
    """One event a line, in date order: udloeb, opsigelse, udbud, vindue — flags on the line they concern."""
    headers = ["dato", "til", "haendelse", "samarbejde", "opgave", "opgave_label", "kommune", "kommune_label",
               "system", "kontrakt", "udbud", "flag"]
    events = []
    for t in roadmap.tasks:
        task = [t.samarbejde, t.opgave, task_title(t)]
        flags = defaultdict(list)
        for f in t.flags:
            flags[(f.kommune, f.kontrakt, f.udbud, f.dato)].append(f.type)
        for m in t.members:
            for c in m.kontrakter:
                for kind, day in (("udloeb", c["udloebsdato"]), ("opsigelse", c["opsigelsesdato"])):
                    if day is None:
                        continue
                    flag = flags.get((m.kommune, c["kontrakt"], None, day), [])
                    if kind == "opsigelse":
                        flag = [x for x in flag if x != FASTLAAST]
                    else:
                        flag = [x for x in flag if x in (FASTLAAST, UDLOEBET)]
                    events.append([day, "", kind, *task, m.kommune, m.label, c["system"], c["kontrakt"], "",
                                   " ".join(flag)])
        for p in t.udbud:
            flag = flags.get((None, None, p.udbud, p.planlagt_dato), [])
            events.append([p.planlagt_dato, "", "udbud", *task, " ".join(p.deltagere),
                           ", ".join(p.deltager_labels), "", "", p.udbud, " ".join(flag)])
        for win in t.windows:
            events.append([win.fra, win.til, "vindue", *task, " ".join(win.kommuner), ", ".join(win.kommune_labels),
                           "", "", " ".join(win.udbud), ""])
    events.sort(key=lambda e: (e[0] or dt.date.max, e[2], e[4], e[6]))
    return tables.csv_table(headers, events)


#: ``--format`` name → presenter (the roadmap, the language and the terminal's width → the text).
FORMATS = {"text": _text, "json": as_json, "csv": _csv, "markdown": _markdown}


def render(roadmap: Roadmap, fmt: str, lang: str = "da", width: int | None = None) -> str:
    """The roadmap in format ``fmt`` (a key of ``FORMATS``); ``width`` wraps the text format's tables."""
    return FORMATS[fmt](roadmap, lang, width)
