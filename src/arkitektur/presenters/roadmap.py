"""Køreplanen som tekst / the roadmap as text, JSON, CSV (a calendar, one event a line) or Markdown.

``FORMATS`` is the registry ``arkitektur roadmap --format`` offers; the data is ``roadmap.Roadmap``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from .. import tables
from ..divergence import task_title
from ..roadmap import FASTLAAST, UDLOEBET, MemberContracts, Procurement, Roadmap, TaskRoadmap, Window, flag_text
from ..words import ROADMAP, status, words
from . import as_json


def _window_text(win: Window, w: dict) -> str:
    text = f"{win.fra.isoformat()} – {win.til.isoformat()}: {', '.join(win.kommune_labels)}"
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
    head = (w["target"].format(s=t.maalsystem_label, d=tables.cell(t.senest) or "–")
            if t.maalsystem else w["notarget"])
    return f"{task_title(t)} — {head}"


def _text(roadmap: Roadmap, lang: str) -> str:
    w = words(ROADMAP, lang)
    lines = [w["title"].format(as_of=roadmap.as_of.isoformat(), n=roadmap.window_months)]
    for t in roadmap.tasks:
        lines += ["", _headline(t, w)]
        body = [_member_row(m, w, lang) for m in t.members]
        lines.append(tables.text_table([w["kommune"], w["status"], w["systems"], w["end"], w["notice"]],
                                       body, indent="  "))
        for p in t.udbud:
            lines.append(f"  {w['udbud']}: {_proc_text(p)}")
        for win in t.windows:
            lines.append(f"  {w['window']}: {_window_text(win, w)}")
        for f in t.flags:
            lines.append(f"  ! {flag_text(f, lang)}")
    if not roadmap.tasks:
        lines += ["", w["none"]]
    wins = roadmap.windows
    lines += ["", f"{w['windows']} ({len(wins)}):" if wins else w["nowindows"]]
    if wins:
        lines.append(tables.text_table(None, [[f"{x.fra} – {x.til}", x.opgave_label, ", ".join(x.kommune_labels),
                                               (w["covered"] + " " + ", ".join(x.udbud_labels)) if x.udbud else ""]
                                              for x in wins], indent="  "))
    return "\n".join(lines) + "\n"


def _markdown(roadmap: Roadmap, lang: str) -> str:
    w = words(ROADMAP, lang)
    lines = [f"## {w['title'].format(as_of=roadmap.as_of.isoformat(), n=roadmap.window_months)}", "",
             f"### {w['windows']}", ""]
    wins = roadmap.windows
    if wins:
        lines.append(tables.markdown_table(
            [w["period"], w["task"], w["kommune"], w["udbud"]],
            [[f"{x.fra} – {x.til}", x.opgave_label, ", ".join(x.kommune_labels), ", ".join(x.udbud_labels)]
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


def _csv(roadmap: Roadmap, lang: str) -> str:
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


#: ``--format`` name → presenter (the roadmap and the language → the text).
FORMATS = {"text": _text, "json": as_json, "csv": _csv, "markdown": _markdown}


def render(roadmap: Roadmap, fmt: str, lang: str = "da") -> str:
    """The roadmap in format ``fmt`` (a key of ``FORMATS``)."""
    return FORMATS[fmt](roadmap, lang)
