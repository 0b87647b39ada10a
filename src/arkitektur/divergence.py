"""Harmoniseringsmatrixen / docs/divergens.md: per task and member the systems in use and the convergence status.

Plan, membership, the applicable Maalloesning and notice dates come from ``derive.Facts``; this
module only reads the model's usages and contracts and classifies each (task, member) cell.
How the matrix is written (text, JSON, CSV, Markdown) is ``presenters/divergence.py``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.term import Node

from . import dispensations, formatting
from .derive import as_date
from .formatting import iso
from .namespaces import ARK, RDF, SKOS

KONVERGERET = "konvergeret"
PLANLAGT = "planlagt"
DIVERGERENDE = "divergerende"
IKKE_REGISTRERET = "ikke registreret"
IKKE_OMFATTET = "ikke omfattet"
#: Statuses that count as "not converged, no plan" (docs/divergens.md): the forum has to act on them.
UDEN_PLAN = (DIVERGERENDE, IKKE_REGISTRERET)

HEL2 = "HEL-2"


def task_title(row) -> str:
    """A row's task as people name it: "24.03 Sagsbehandling" (its KLE number and label)."""
    return f"{row.notation} {row.label}" if row.notation and row.notation != row.label else row.label


@dataclass
class Contract:
    """One Kontrakt as the reports need it."""

    kontrakt: str
    label: str
    udloebsdato: dt.date | None
    opsigelsesdato: dt.date | None
    opsigelsesfrist: str | None = None
    forlaengelse_til: dt.date | None = None
    kontraktpart: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"kontrakt": self.kontrakt, "label": self.label, "udloebsdato": iso(self.udloebsdato),
                "opsigelsesdato": iso(self.opsigelsesdato), "opsigelsesfrist": self.opsigelsesfrist,
                "forlaengelse_til": iso(self.forlaengelse_til), "kontraktpart": self.kontraktpart}


@dataclass
class Usage:
    """One Systemanvendelse of a member for a task."""

    anvendelse: str
    label: str
    system: str | None
    system_label: str
    livscyklus: str | None
    livscyklus_label: str
    kontrakter: list[Contract] = field(default_factory=list)

    @property
    def i_drift(self) -> bool:
        return self.livscyklus == str(ARK.IDrift)

    def to_json(self) -> dict:
        return {"anvendelse": self.anvendelse, "label": self.label, "system": self.system,
                "livscyklus": self.livscyklus, "kontrakter": [c.to_json() for c in self.kontrakter]}


@dataclass
class Cell:
    """One member's state for one task."""

    kommune: str
    label: str
    status: str
    systemer: list[str]
    system_labels: list[str]
    udloebsdato: dt.date | None
    opsigelsesdato: dt.date | None
    kontrakt: str | None
    anvendelser: list[Usage]
    planer: list[str]
    medlem_fra: dt.date | None
    aktiv: bool
    plan_labels: list[str] = field(default_factory=list)
    # The valid Dispensation that turns this member's HEL-2 finding for the task into info (docs/divergens.md).
    dispensation: str | None = None
    dispensation_label: str | None = None
    dispensation_udloeber: dt.date | None = None

    def to_json(self) -> dict:
        return {"kommune": self.kommune, "status": self.status, "systemer": self.systemer,
                "udloebsdato": iso(self.udloebsdato), "opsigelsesdato": iso(self.opsigelsesdato),
                "label": self.label, "kontrakt": self.kontrakt, "planer": self.planer,
                "medlem_fra": iso(self.medlem_fra), "aktiv": self.aktiv,
                "anvendelser": [u.to_json() for u in self.anvendelser],
                "dispensation": self.dispensation}


@dataclass
class Row:
    """One task of one collaboration: its target (if any) and every member's cell."""

    samarbejde: str
    opgave: str
    label: str
    notation: str | None
    maalloesning: str | None
    maalsystem: str | None
    maalsystem_label: str | None
    senest: dt.date | None
    members: list[Cell]

    @property
    def has_target(self) -> bool:
        return self.maalloesning is not None

    def cell(self, kommune: str) -> Cell | None:
        return next((c for c in self.members if c.kommune == kommune), None)

    def to_json(self) -> dict:
        return {"opgave": self.opgave, "label": self.label, "maalsystem": self.maalsystem,
                "senest": iso(self.senest), "members": [c.to_json() for c in self.members],
                "samarbejde": self.samarbejde, "notation": self.notation,
                "maalloesning": self.maalloesning, "maalsystem_label": self.maalsystem_label}


@dataclass
class Member:
    kommune: str
    label: str
    medlem_fra: dt.date | None
    aktiv: bool

    def to_json(self) -> dict:
        return {"kommune": self.kommune, "label": self.label, "medlem_fra": iso(self.medlem_fra),
                "aktiv": self.aktiv}


@dataclass
class Share:
    """Converged cells out of target cells."""

    konvergeret: int = 0
    i_alt: int = 0

    @property
    def andel(self) -> float | None:
        return round(self.konvergeret / self.i_alt, 4) if self.i_alt else None

    def add(self, other: "Share") -> None:
        self.konvergeret += other.konvergeret
        self.i_alt += other.i_alt


def _summary(shares: dict[str, "Share"], samlet: "Share") -> dict:
    """docs/divergens.md's summary: each member's share converged, then ``samlet``."""
    out: dict = {k: s.andel for k, s in shares.items()}
    out["samlet"] = samlet.andel
    return out


@dataclass
class Collaboration:
    samarbejde: str
    label: str
    members: list[Member]
    shares: dict[str, Share]   # active member -> share of its target tasks converged
    samlet: Share

    def summary(self) -> dict:
        return _summary(self.shares, self.samlet)

    def to_json(self) -> dict:
        return {"samarbejde": self.samarbejde, "label": self.label,
                "kommuner": [m.to_json() for m in self.members], "summary": self.summary()}


@dataclass
class Matrix:
    """The harmonisation matrix (docs/divergens.md) at ``as_of``."""

    as_of: dt.date
    rows: list[Row]
    samarbejder: list[Collaboration]
    shares: dict[str, Share]
    samlet: Share

    def summary(self) -> dict:
        """Per active member the share of its target tasks converged, and ``samlet``."""
        return _summary(self.shares, self.samlet)

    def to_json(self) -> dict:
        """The JSON that docs/divergens.md fixes (plus added keys)."""
        return {"as_of": self.as_of.isoformat(), "rows": [r.to_json() for r in self.rows],
                "summary": self.summary(), "samarbejder": [c.to_json() for c in self.samarbejder]}


# --------------------------------------------------------------------------- building


class _Index:
    """The model's usages and contracts, read once."""

    def __init__(self, g: Graph, facts, lang: str) -> None:
        self.g, self.facts, self.lang = g, facts, lang
        self.usages: dict[tuple, list[Usage]] = defaultdict(list)   # (kommune, opgave) -> usages
        self.tasks_of: dict[Node, set] = defaultdict(set)            # kommune -> tasks it supports
        self._contracts: dict[Node, Contract] = {}
        self.dispensed = dispensations.valid_by_key(g, facts)
        for u in sorted(set(g.subjects(RDF.type, ARK.Systemanvendelse)), key=str):
            system = g.value(u, ARK.system)
            lcs = sorted(g.objects(u, ARK.livscyklus), key=str)
            lc = lcs[0] if lcs else None
            usage = Usage(
                anvendelse=str(u), label=formatting.label(g, u, lang),
                system=None if system is None else str(system),
                system_label=formatting.label(g, system, lang) if system is not None else "?",
                livscyklus=None if lc is None else str(lc),
                livscyklus_label=formatting.label(g, lc, lang) if lc is not None else "",
                kontrakter=[self.contract(k) for k in sorted(g.objects(u, ARK.kontrakt), key=str)],
            )
            for k in g.objects(u, ARK.kommune):
                for task in g.objects(u, ARK.understoetterOpgave):
                    self.usages[(k, task)].append(usage)
                    # A phased-out usage no longer supports the task (docs/divergens.md: "supports").
                    if lc != ARK.Udfaset:
                        self.tasks_of[k].add(task)

    def contract(self, k: Node) -> Contract:
        if k not in self._contracts:
            g = self.g
            frist = g.value(k, ARK.opsigelsesfrist)
            self._contracts[k] = Contract(
                kontrakt=str(k), label=formatting.label(g, k, self.lang),
                udloebsdato=as_date(g.value(k, ARK.udloebsdato)),
                opsigelsesdato=self.facts.notice_dates.get(k),
                opsigelsesfrist=None if frist is None else str(frist),
                forlaengelse_til=as_date(g.value(k, ARK.forlaengelseTil)),
                kontraktpart=sorted(str(p) for p in g.objects(k, ARK.kontraktpart)),
            )
        return self._contracts[k]


def governing_contract(usages: list[Usage]) -> Contract | None:
    """The contract that decides when a member can leave: of its IDrift usages, the latest end.

    Ties on the end go to the earliest notice date (the one that must be acted on first).
    """
    dated = [c for u in usages if u.i_drift for c in u.kontrakter if c.udloebsdato is not None]
    if not dated:
        return None
    return max(dated, key=lambda c: (c.udloebsdato, -(c.opsigelsesdato or c.udloebsdato).toordinal(),
                                     c.kontrakt))


def _members(g: Graph, facts, s: Node, lang: str) -> list[Member]:
    out = [Member(kommune=str(k), label=formatting.label(g, k, lang), medlem_fra=facts.member_from.get((s, k)),
                  aktiv=facts.is_active_member(k, s))
           for k in facts.members.get(s, ())]
    return sorted(out, key=lambda m: (m.label.casefold(), m.kommune))


def _cell(idx: _Index, s: Node, task: Node, member: Member, ml: Node | None, target: Node | None) -> Cell:
    k = URIRef(member.kommune)
    usages = idx.usages.get((k, task), [])
    running = [u for u in usages if u.i_drift and u.system is not None]
    systems = sorted({u.system for u in running})
    gov = governing_contract(usages)
    plans = [str(p) for p in idx.facts.plans.get((ml, k), [])] if ml is not None else []
    if ml is None or not member.aktiv:
        status = IKKE_OMFATTET
    elif target is not None and systems == [str(target)]:
        status = KONVERGERET
    elif plans:
        status = PLANLAGT
    elif all(u.livscyklus == str(ARK.Udfaset) for u in usages):
        status = IKKE_REGISTRERET   # docs/divergens.md: the repository does not know what it uses
    else:
        status = DIVERGERENDE
    disp = _dispensation(idx, running, target) if status != IKKE_OMFATTET else None
    return Cell(
        kommune=member.kommune, label=member.label, status=status, systemer=systems,
        system_labels=[formatting.label(idx.g, URIRef(x), idx.lang) for x in systems],
        udloebsdato=gov.udloebsdato if gov else None, opsigelsesdato=gov.opsigelsesdato if gov else None,
        kontrakt=gov.kontrakt if gov else None, anvendelser=usages, planer=plans,
        medlem_fra=member.medlem_fra, aktiv=member.aktiv,
        plan_labels=[formatting.label(idx.g, URIRef(p), idx.lang) for p in plans],
        dispensation=disp,
        dispensation_label=formatting.label(idx.g, URIRef(disp), idx.lang) if disp else None,
        dispensation_udloeber=as_date(idx.g.value(URIRef(disp), ARK.udloeber)) if disp else None,
    )


def _dispensation(idx: _Index, running: list[Usage], target: Node | None) -> str | None:
    """The Dispensation that exempts the member's HEL-2 findings for the task, as ``check`` applies it.

    HEL-2 flags each usage in operation of another system than the target; the cell counts as
    dispensed only when every one of them is (one left undispensed is still a finding to act on).
    """
    if target is None:
        return None
    flagged = [u for u in running if u.system != str(target)]
    names = [idx.dispensed.get((HEL2, u.anvendelse)) for u in flagged]
    if not flagged or not all(names):
        return None
    return names[0][0]


def _row(idx: _Index, s: Node, task: Node, members: list[Member]) -> Row:
    g = idx.g
    ml = idx.facts.targets.get((s, task))
    target = g.value(ml, ARK.maalsystem) if ml is not None else None
    notation = g.value(task, SKOS.notation)
    return Row(
        samarbejde=str(s), opgave=str(task), label=formatting.label(g, task, idx.lang),
        notation=None if notation is None else str(notation),
        maalloesning=None if ml is None else str(ml),
        maalsystem=None if target is None else str(target),
        maalsystem_label=None if target is None else formatting.label(g, target, idx.lang),
        senest=as_date(g.value(ml, ARK.senest)) if ml is not None else None,
        members=[_cell(idx, s, task, m, ml, target) for m in members],
    )


def _row_key(row: Row) -> tuple:
    return (row.notation is None, row.notation or "", row.label.casefold(), row.opgave)


def collaborations(ctx) -> list[Node]:
    """Every Samarbejde with members or a target, in a stable order."""
    found = set(ctx.facts.members) | {s for s, _ in ctx.facts.targets}
    return sorted(found, key=str)


def build_rows(ctx, lang: str = "da", extra_tasks: dict | None = None) -> list[Row]:
    """The rows of every collaboration; ``extra_tasks`` (collaboration -> tasks) adds rows (roadmap)."""
    idx = _Index(ctx.graph, ctx.facts, lang)
    rows: list[Row] = []
    for s in collaborations(ctx):
        members = _members(ctx.graph, ctx.facts, s, lang)
        tasks = {t for (s2, t) in ctx.facts.targets if s2 == s}
        for m in members:
            tasks |= idx.tasks_of.get(URIRef(m.kommune), set())
        tasks |= set((extra_tasks or {}).get(s, ()))
        rows.extend(sorted((_row(idx, s, t, members) for t in tasks), key=_row_key))
    return rows


def build_matrix(ctx, lang: str = "da") -> Matrix:
    """The harmonisation matrix for ``ctx`` (a ``check.Context``) at its as-of date."""
    rows = build_rows(ctx, lang)
    collabs = []
    total_shares: dict[str, Share] = {}
    total = Share()
    for s in collaborations(ctx):
        members = _members(ctx.graph, ctx.facts, s, lang)
        shares = {m.kommune: Share() for m in members if m.aktiv}
        for row in rows:
            if row.samarbejde != str(s) or not row.has_target:
                continue
            for c in row.members:
                if c.kommune in shares:
                    shares[c.kommune].i_alt += 1
                    shares[c.kommune].konvergeret += c.status == KONVERGERET
        samlet = Share()
        for k, share in shares.items():
            samlet.add(share)
            total_shares.setdefault(k, Share()).add(share)
        total.add(samlet)
        collabs.append(Collaboration(samarbejde=str(s), label=formatting.label(ctx.graph, s, lang),
                                     members=members, shares=shares, samlet=samlet))
    ordered = dict(sorted(total_shares.items()))
    return Matrix(as_of=ctx.facts.as_of, rows=rows, samarbejder=collabs, shares=ordered, samlet=total)
