"""Køreplanen / docs/divergens.md: per task the members' contract ends, notice dates, procurements and joint windows.

Built on the harmonisation matrix (``divergence``): the same rows, the same per-member governing
contract (the latest end of the member's IDrift usages for the task). Nothing here re-derives
plan, membership or notice dates; those come from ``derive.Facts``. How the roadmap is written
(text, JSON, CSV, Markdown) is ``presenters/roadmap.py``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef

from . import formatting, tables
from .derive import as_date, shift
from .divergence import Cell, Row, build_rows, task_title
from .namespaces import ARK, RDF
from .words import ROADMAP, words

# Flag types (stable values in the JSON).
FASTLAAST = "fastlaast"                    # a non-target IDrift contract ends after the target's senest
OPSIGELSE_PASSERET = "opsigelse_passeret"  # notice date before as-of (contract still running)
OPSIGELSE_SNART = "opsigelse_snart"        # notice date within the coming 12 months
UDLOEBET = "udloebet"                      # contract ended before as-of, usage still IDrift
UDBUD_EFTER_SENEST = "udbud_efter_senest"  # an Udbud for the task planned after the target's senest
FLAG_TYPES = (FASTLAAST, OPSIGELSE_PASSERET, OPSIGELSE_SNART, UDLOEBET, UDBUD_EFTER_SENEST)


@dataclass
class MemberContracts(Cell):
    """One member's position for one task: its matrix cell — what it runs, its governing contract's end
    (the earliest date it can leave) and notice date (the last day to act) — and its contracts."""

    kandidat: bool = False          # its end takes part in the joint-window walk
    kontrakter: list[dict] = field(default_factory=list)  # every IDrift contract: kontrakt, system, dates

    def to_json(self) -> dict:
        return {"kommune": self.kommune, "label": self.label, "status": self.status,
                "medlem_fra": formatting.iso(self.medlem_fra), "aktiv": self.aktiv, "systemer": self.systemer,
                "kontrakt": self.kontrakt, "udloebsdato": formatting.iso(self.udloebsdato),
                "opsigelsesdato": formatting.iso(self.opsigelsesdato), "kandidat": self.kandidat,
                "kontrakter": [{**c, "udloebsdato": formatting.iso(c["udloebsdato"]),
                                "opsigelsesdato": formatting.iso(c["opsigelsesdato"])} for c in self.kontrakter]}


@dataclass
class Procurement:
    """An Udbud that omfatter the task."""

    udbud: str
    label: str
    planlagt_dato: dt.date | None
    deltagere: list[str]
    deltager_labels: list[str]
    erstatter: list[str]

    def to_json(self) -> dict:
        return {"udbud": self.udbud, "label": self.label, "planlagt_dato": formatting.iso(self.planlagt_dato),
                "deltagere": self.deltagere, "erstatter": self.erstatter}


@dataclass
class Window:
    """A proposed joint procurement window: two or more members' contract ends within N months."""

    samarbejde: str
    opgave: str
    opgave_label: str
    fra: dt.date
    til: dt.date
    kommuner: list[str]
    kommune_labels: list[str]
    udbud: list[str] = field(default_factory=list)
    udbud_labels: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"opgave": self.opgave, "fra": self.fra.isoformat(), "til": self.til.isoformat(),
                "kommuner": self.kommuner, "udbud": self.udbud, "samarbejde": self.samarbejde,
                "label": self.opgave_label}


@dataclass
class Flag:
    """Something on the calendar that needs attention."""

    type: str
    samarbejde: str
    opgave: str
    opgave_label: str
    dato: dt.date | None
    kommune: str | None = None
    kommune_label: str | None = None
    kontrakt: str | None = None
    system: str | None = None
    system_label: str | None = None
    udbud: str | None = None
    udbud_label: str | None = None
    senest: dt.date | None = None

    def to_json(self) -> dict:
        return {"type": self.type, "samarbejde": self.samarbejde, "opgave": self.opgave,
                "dato": formatting.iso(self.dato), "kommune": self.kommune, "kontrakt": self.kontrakt,
                "system": self.system, "udbud": self.udbud, "senest": formatting.iso(self.senest)}


@dataclass
class TaskRoadmap(Row):
    """A row of the matrix with its members' contracts, procurements, joint windows and flags."""

    members: list[MemberContracts]
    udbud: list[Procurement]
    windows: list[Window]
    flags: list[Flag]

    def to_json(self) -> dict:
        return {"samarbejde": self.samarbejde, "opgave": self.opgave, "label": self.label,
                "notation": self.notation, "maalsystem": self.maalsystem, "senest": formatting.iso(self.senest),
                "members": [m.to_json() for m in self.members],
                "udbud": [u.to_json() for u in self.udbud],
                "windows": [w.to_json() for w in self.windows], "flags": [f.to_json() for f in self.flags]}


@dataclass
class Roadmap:
    """The contract and procurement calendar at ``as_of`` (also the data of the roadmap diagram)."""

    as_of: dt.date
    window_months: int
    tasks: list[TaskRoadmap]

    @property
    def windows(self) -> list[Window]:
        return sorted((w for t in self.tasks for w in t.windows), key=lambda w: (w.fra, w.til, w.opgave))

    @property
    def flags(self) -> list[Flag]:
        return [f for t in self.tasks for f in t.flags]

    def to_json(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "vindue_maaneder": self.window_months,
                "windows": [w.to_json() for w in self.windows],
                "tasks": [t.to_json() for t in self.tasks], "flags": [f.to_json() for f in self.flags]}


# --------------------------------------------------------------------------- building


def joint_windows(ends: list[tuple[dt.date, str]], months: int) -> list[list[tuple[dt.date, str]]]:
    """docs/divergens.md: walk the ends in date order; a window starts at the earliest end not yet in one and
    takes every end at most ``months`` months after it (inclusive). Only windows of two or more."""
    walk = sorted(ends)
    out, i = [], 0
    while i < len(walk):
        start = walk[i][0]
        limit = shift(start, f"P{months}M") or dt.date.max
        group = [e for e in walk[i:] if e[0] <= limit]
        i += len(group)
        if len(group) >= 2:
            out.append(group)
    return out


def _procurements(ctx, lang: str) -> dict:
    """Udbud per task, read once."""
    g = ctx.graph
    by_task = defaultdict(list)
    for u in sorted(set(g.subjects(RDF.type, ARK.Udbud)), key=str):
        deltagere = sorted(g.objects(u, ARK.deltager), key=str)
        proc = Procurement(udbud=str(u), label=formatting.label(g, u, lang),
                           planlagt_dato=as_date(g.value(u, ARK.planlagtDato)),
                           deltagere=[str(k) for k in deltagere],
                           deltager_labels=[formatting.label(g, k, lang) for k in deltagere],
                           erstatter=sorted(str(x) for x in g.objects(u, ARK.erstatter)))
        for task in g.objects(u, ARK.omfatter):
            by_task[task].append(proc)
    return by_task


def _member(cell: Cell) -> MemberContracts:
    contracts = []
    for u in cell.anvendelser:
        if not u.i_drift:
            continue
        for c in u.kontrakter:
            contracts.append({"kontrakt": c.kontrakt, "label": c.label, "anvendelse": u.anvendelse,
                              "system": u.system, "system_label": u.system_label,
                              "udloebsdato": c.udloebsdato, "opsigelsesdato": c.opsigelsesdato})
    # A member that joins later counts from its medlemFra: an end before that is not a candidate.
    kandidat = cell.udloebsdato is not None and (cell.medlem_fra is None or cell.udloebsdato >= cell.medlem_fra)
    return MemberContracts(**vars(cell), kandidat=kandidat,
                           kontrakter=sorted(contracts, key=lambda c: (c["udloebsdato"] or dt.date.max, c["kontrakt"])))


def _flags(row: Row, members: list[MemberContracts], procs: list[Procurement], as_of: dt.date) -> list[Flag]:
    base = {"samarbejde": row.samarbejde, "opgave": row.opgave, "opgave_label": task_title(row)}
    flags: list[Flag] = []
    year = shift(as_of, "P12M") or as_of
    for m in members:
        seen = set()
        for c in m.kontrakter:
            key = (c["kontrakt"], c["system"])
            if key in seen:
                continue
            seen.add(key)
            who = {"kommune": m.kommune, "kommune_label": m.label, "kontrakt": c["kontrakt"],
                   "system": c["system"], "system_label": c["system_label"]}
            end, notice = c["udloebsdato"], c["opsigelsesdato"]
            if (row.senest is not None and end is not None and c["system"] != row.maalsystem
                    and end > row.senest):
                flags.append(Flag(type=FASTLAAST, dato=end, senest=row.senest, **base, **who))
            if end is not None and end < as_of:
                flags.append(Flag(type=UDLOEBET, dato=end, **base, **who))
            elif notice is not None and notice < as_of:
                flags.append(Flag(type=OPSIGELSE_PASSERET, dato=notice, **base, **who))
            elif notice is not None and notice <= year:
                flags.append(Flag(type=OPSIGELSE_SNART, dato=notice, **base, **who))
    if row.senest is not None:
        for p in procs:
            if p.planlagt_dato is not None and p.planlagt_dato > row.senest:
                flags.append(Flag(type=UDBUD_EFTER_SENEST, dato=p.planlagt_dato, senest=row.senest,
                                  udbud=p.udbud, udbud_label=p.label, **base))
    order = {t: i for i, t in enumerate(FLAG_TYPES)}
    return sorted(flags, key=lambda f: (f.dato or dt.date.max, order[f.type], f.kommune or "", f.kontrakt or ""))


def _covering(procs: list[Procurement], kommuner: list[str], as_of: dt.date) -> list[Procurement]:
    """Udbud that already cover a window: every member of it takes part, and it is not in the past."""
    return [p for p in procs if set(kommuner) <= set(p.deltagere)
            and (p.planlagt_dato is None or p.planlagt_dato >= as_of)]


def build_roadmap(ctx, window_months: int = 12, lang: str = "da") -> Roadmap:
    """The roadmap for ``ctx`` (a ``check.Context``) at its as-of date, windows of ``window_months``."""
    as_of = ctx.facts.as_of
    by_task = _procurements(ctx, lang)
    # Tasks that only an Udbud of a member names get a row too (the calendar should show them).
    extra = defaultdict(set)
    for s, ks in ctx.facts.members.items():
        names = {str(k) for k in ks}
        for task, procs in by_task.items():
            if any(set(p.deltagere) & names for p in procs):
                extra[s].add(task)
    tasks = []
    for row in build_rows(ctx, lang, extra_tasks=extra):
        members = [_member(c) for c in row.members]
        names = {m.kommune for m in members}
        procs = sorted((p for p in by_task.get(URIRef(row.opgave), [])
                        if not p.deltagere or set(p.deltagere) & names),
                       key=lambda p: (p.planlagt_dato or dt.date.max, p.udbud))
        ends = [(m.udloebsdato, m.kommune) for m in members if m.kandidat]
        labels = {m.kommune: m.label for m in members}
        windows = []
        for group in joint_windows(ends, window_months):
            kommuner = [k for _, k in group]
            cover = _covering(procs, kommuner, as_of)
            windows.append(Window(samarbejde=row.samarbejde, opgave=row.opgave, opgave_label=task_title(row),
                                  fra=group[0][0], til=group[-1][0], kommuner=kommuner,
                                  kommune_labels=[labels[k] for k in kommuner],
                                  udbud=[p.udbud for p in cover], udbud_labels=[p.label for p in cover]))
        tasks.append(TaskRoadmap(**{**vars(row), "members": members}, udbud=procs, windows=windows,
                                 flags=_flags(row, members, procs, as_of)))
    return Roadmap(as_of=as_of, window_months=window_months, tasks=tasks)


def flag_text(f: Flag, lang: str = "da") -> str:
    """A flag as one sentence in ``lang``: "Viborg: opsigelsesdatoen for Acadre (2019-06-30) er passeret"."""
    w = words(ROADMAP, lang)
    return w[f.type].format(k=f.kommune_label or "", s=f.system_label or "", d=tables.cell(f.dato),
                            senest=tables.cell(f.senest), u=f.udbud_label or "")
