"""Til beslutning og styring / what the forums must decide before the horizon, and the phases, decisions and projects (docs/diagrammer.md#mødepakken).

Nothing here is new analysis (issue 14): the items are the checker's findings (STY-2), the derived
facts (decisions in force, valid dispensations), the roadmap's notice dates and windows and the
divergence matrix's cells without a plan, put in the order a forum works — by date, overdue first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from ..derive import as_date, shift
from ..divergence import IKKE_REGISTRERET, UDEN_PLAN, Matrix
from ..errors import UsageError
from ..findings import CheckResult
from ..formatting import date, label, tail
from ..namespaces import ARK, RDF
from ..roadmap import OPSIGELSE_PASSERET, OPSIGELSE_SNART, Roadmap
from .data import plural

DEFAULT_HORIZON = "6m"
# A target without a plan needs a procurement, and one takes about 18 months: the same lead time
# KON-3 warns with (docs/regler/KON-3.md). The forum must decide by senest minus this.
LEAD_MONTHS = 18
# The decision log shows the year before the pack's date.
LOG_MONTHS = 12
PRINT_LOG_MONTHS = 6   # the printed pack keeps the half year since the last forum rounds (≤ 12 pages)

GATE = "gate"
DISPENSATION = "dispensation"
OPSIGELSE = "opsigelse"
MAALLOESNING = "maalloesning"
GODKENDELSE = "godkendelse"
KIND_LABELS = {GATE: "GO / no-GO", DISPENSATION: "Dispensation udløber", OPSIGELSE: "Opsigelsesdato",
               MAALLOESNING: "Målløsning uden plan", GODKENDELSE: "Projekt uden godkendelse"}

# Phase and gate status words (docs/diagrammer.md#mødepakken).
IKKE_STARTET, I_GANG, AFSLUTTET = "ikke startet", "i gang", "afsluttet"
PASSERET, FORFALDEN, OVERSKREDET, NO_GO, AFVENTER = (
    "gate passeret", "gate forfalden", "gate overskredet", "No-Go", "afventer GO / no-GO")

_MONTHS = re.compile(r"^\s*(\d{1,3})\s*(m|md|mdr|måned|måneder)\s*$", re.IGNORECASE)
_YEARS = re.compile(r"^\s*(\d{1,2})\s*(å|år|y)\s*$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def horizon(as_of: dt.date, text: str | None) -> dt.date:
    """The last day of the horizon: ``6m`` (months), ``1år`` (years) or a date ``2017-01-01``; default 6m."""
    text = DEFAULT_HORIZON if text is None else text
    m, y = _MONTHS.match(text), _YEARS.match(text)
    end = None
    # Past the calendar's end ("forever" dates as 9999-12-31) the horizon is its last day.
    if m:
        end = shift(as_of, f"P{int(m.group(1))}M") or dt.date.max
    elif y:
        end = shift(as_of, f"P{int(y.group(1))}Y") or dt.date.max
    elif _DATE.match(text.strip()):
        try:
            end = dt.date.fromisoformat(text.strip())
        except ValueError:
            end = None
    if end is None:
        raise UsageError(f"--horisont: '{text}' er hverken et antal måneder (fx 6m), år (fx 1år) eller en dato "
                         "(ÅÅÅÅ-MM-DD).",
                         f"--horisont: '{text}' is neither a number of months (e.g. 6m), years (e.g. 1år) nor a "
                         "date (YYYY-MM-DD).", code="ARK-E129")
    if end < as_of:
        raise UsageError(f"--horisont: {end.isoformat()} ligger før {as_of.isoformat()}, datoen mødepakken gælder pr.",
                         f"--horisont: {end.isoformat()} is before {as_of.isoformat()}, the pack's date.",
                         code="ARK-E130")
    return end


def anchor(prefix: str, iri: str, g: Graph, cls: URIRef) -> str:
    """A stable, readable HTML id for an element: "fase-Fase_Harmonisering". When another ``cls``
    in ``g`` has the same IRI tail (``sk:P_X`` and ``vi:P_X``), a short digest of the IRI keeps the
    ids apart, so a link never jumps to the wrong row."""
    base = f"{prefix}-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", tail(iri)).strip("-") or "x")
    if any(str(o) != iri and tail(str(o)) == tail(iri) for o in g.subjects(RDF.type, cls)):
        base += "-" + hashlib.sha1(iri.encode("utf-8")).hexdigest()[:6]
    return base


# --------------------------------------------------------------------------- phases


@dataclass
class Point:
    """One GO / no-GO decision point of a phase."""

    iri: str
    label: str
    dato: dt.date | None
    udfald: str | None      # the outcome's label, None while undecided or dated after as-of
    go: bool
    no_go: bool
    hvem: str


@dataclass
class Phase:
    iri: str
    anchor: str
    label: str
    start: dt.date | None
    slut: dt.date | None
    status: str             # ikke startet / i gang / afsluttet
    gate: str               # gate passeret / forfalden / overskredet / No-Go / afventer
    due: dt.date | None     # when the open gate must be Go (the point's date, else the start)
    points: list[Point] = field(default_factory=list)


def _progress(start: dt.date | None, slut: dt.date | None, as_of: dt.date) -> str:
    """A phase's or delivery's time status at ``as_of``: ikke startet, i gang or afsluttet."""
    return IKKE_STARTET if start is None or start > as_of else AFSLUTTET if slut is not None and slut < as_of else I_GANG


def _who(g: Graph, decision) -> str:
    # "; " between deciders: a director's label may itself hold a comma ("Kommunaldirektøren, Viborg Kommune").
    return "; ".join(sorted(label(g, x) for x in g.objects(decision, ARK.besluttetAf))) or "ikke angivet"


def phases(ctx, end: dt.date) -> list[Phase]:
    """Every ark:Fase with its time status and the status of its gate at ``as_of`` and horizon ``end``."""
    g, facts = ctx.graph, ctx.facts
    as_of = facts.as_of
    out = []
    for f in set(g.subjects(RDF.type, ARK.Fase)):
        start, slut = as_date(g.value(f, ARK.startdato)), as_date(g.value(f, ARK.slutdato))
        points = []
        for b in g.objects(f, ARK.beslutningspunkt):
            in_force = b in facts.decisions_in_force
            outcome = g.value(b, ARK.udfald) if in_force else None
            points.append(Point(iri=str(b), label=label(g, b), dato=as_date(g.value(b, ARK.dato)),
                                udfald=label(g, outcome) if outcome is not None else None,
                                go=outcome == ARK.Go, no_go=outcome == ARK.NoGo, hvem=_who(g, b)))
        points.sort(key=lambda p: (p.dato or dt.date.max, p.iri))
        open_points = [p for p in points if not p.go]
        due = min((p.dato for p in open_points if p.dato), default=None) or start
        if any(p.no_go for p in points):
            gate = NO_GO
        elif points and not open_points:
            gate, due = PASSERET, None
        elif (start is not None and start <= as_of) or (due is not None and due < as_of):
            gate = OVERSKREDET
        elif due is not None and due <= end:
            gate = FORFALDEN
        else:
            gate = AFVENTER
        out.append(Phase(iri=str(f), anchor=anchor("fase", str(f), g, ARK.Fase), label=label(g, f), start=start, slut=slut,
                         status=_progress(start, slut, as_of), gate=gate, due=due, points=points))
    return sorted(out, key=lambda p: (p.start or dt.date.max, p.label))


# --------------------------------------------------------------------------- decision items


@dataclass
class Item:
    """One thing the forum or the directors must decide, with its date and what happens otherwise."""

    kind: str
    dato: dt.date
    overskredet: bool
    emne: str               # what must be decided, in words
    konsekvens: str         # what happens if nothing is decided
    hvem: str               # who decides
    href: str               # the detail further down
    link: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def sort_key(self) -> tuple:
        return (not self.overskredet, self.dato, self.kind, self.emne)


def _forums(g: Graph) -> dict[str, str]:
    """Kommune IRI -> the label of its strategic digitalisation forum."""
    return {str(k): label(g, f) for f in g.subjects(RDF.type, ARK.Forum) for k in g.objects(f, ARK.kommune)}


def _gate_items(ctx, plist: list[Phase], end: dt.date) -> list[Item]:
    as_of, out = ctx.facts.as_of, []
    for ph in plist:
        if ph.gate not in (FORFALDEN, OVERSKREDET):
            continue
        begin = f"begynde {date(ph.start)}" if ph.start else "begynde"
        if ph.start is not None and ph.start <= as_of:
            cons = f"Fasen er begyndt {date(ph.start)} uden Go (STY-3): den binder ressourcer, der ikke er besluttet."
        else:
            cons = f"Uden Go må fasen ikke {begin}; planen for fasen skrider."
        # The open points due by the horizon (a later second point of the same phase waits its turn).
        open_points = [p for p in ph.points if not p.go and (p.dato is None or p.dato <= end
                                                               or (ph.start is not None and ph.start <= end))]
        open_points = open_points or ([None] if not ph.points else [])
        for p in open_points:
            day = (p.dato if p and p.dato else ph.start) or as_of
            out.append(Item(kind=GATE, dato=day, overskredet=day < as_of or (ph.start is not None and ph.start <= as_of),
                            emne=f"{ph.label}: {p.label}" if p else f"{ph.label}: intet beslutningspunkt modelleret",
                            konsekvens=cons, hvem=p.hvem if p else "ikke angivet",
                            href=f"#{ph.anchor}", link="Styring"))
    return out


def _dispensation_items(ctx, matrix: Matrix, end: dt.date) -> list[Item]:
    g, facts = ctx.graph, ctx.facts
    targets = {}
    for r in matrix.rows:
        for c in r.members:
            if c.dispensation:
                targets[c.dispensation] = (r, c)
    out = []
    for d in facts.valid_dispensations:
        day = as_date(g.value(d, ARK.udloeber))
        if day is None or day > end:
            continue
        rule = str(g.value(d, ARK.regel) or "").strip()
        element = label(g, g.value(d, ARK.gaelder))
        decision = g.value(d, ARK.besluttetVed)
        where = targets.get(str(d))
        if where is not None:
            r, c = where
            cons = (f"Fra {date(_next_day(day))} er {c.label}s {', '.join(c.system_labels) or 'system'} "
                    f"igen et fund ({rule}) mod målløsningen {r.maalsystem_label or ''}: forlæng dispensationen, "
                    "eller få en plan for skiftet.")
        else:
            cons = f"Fra {date(_next_day(day))} gælder {rule}-fundet for {element} igen."
        out.append(Item(kind=DISPENSATION, dato=day, overskredet=False, emne=label(g, d), konsekvens=cons,
                        hvem=_who(g, decision) if decision is not None else "ikke angivet",
                        href="#harmonisering" if where is not None else "#fund",
                        link="Harmonisering" if where is not None else "Fund"))
    return out


def _next_day(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=1) if day < dt.date.max else day


def _notice_items(ctx, plan: Roadmap, end: dt.date) -> list[Item]:
    forums, out = _forums(ctx.graph), []
    for t in plan.tasks:
        for f in t.flags:
            if f.type not in (OPSIGELSE_SNART, OPSIGELSE_PASSERET) or f.dato is None or f.dato > end:
                continue
            window = next((w for w in t.windows if f.kommune in w.kommuner), None)
            cons = f"Opsiges kontrakten ikke senest {date(f.dato)}, løber den videre."
            if window is not None:
                others = [k for k in window.kommune_labels if k != f.kommune_label]
                cons += (f" Den åbner det fælles udbudsvindue {date(window.fra)} – {date(window.til)}"
                         f"{' med ' + ', '.join(others) if others else ''}"
                         + (f" ({', '.join(window.udbud_labels)})." if window.udbud_labels else ", uden planlagt udbud."))
            out.append(Item(kind=OPSIGELSE, dato=f.dato, overskredet=f.type == OPSIGELSE_PASSERET,
                            emne=f"{f.kommune_label}: {f.system_label} ({f.opgave_label})", konsekvens=cons,
                            hvem=forums.get(f.kommune or "", f.kommune_label or "ikke angivet"),
                            href="#koereplan", link="Køreplan"))
    return out


def _target_items(ctx, matrix: Matrix, end: dt.date) -> list[Item]:
    forums, as_of, out = _forums(ctx.graph), ctx.facts.as_of, []
    for r in matrix.rows:
        if not r.has_target or r.senest is None:
            continue
        decide = shift(r.senest, f"P{LEAD_MONTHS}M", -1) or r.senest
        if decide > end:
            continue
        for c in r.members:
            if c.status not in UDEN_PLAN or c.status == IKKE_REGISTRERET or c.dispensation:
                continue
            out.append(Item(
                kind=MAALLOESNING, dato=decide, overskredet=decide < as_of,
                emne=f"{c.label}: {r.notation or ''} {r.label} – skifte fra {', '.join(c.system_labels) or 'intet system'} "
                     f"til {r.maalsystem_label or 'målsystemet'}".replace("  ", " "),
                konsekvens=f"Uden en plan (udbud eller projekt) når {c.label} ikke målløsningen senest {date(r.senest)}; "
                           f"et udbud tager typisk {LEAD_MONTHS} måneder.",
                hvem=forums.get(c.kommune, c.label), href="#harmonisering", link="Harmonisering"))
    return out


def _approval_items(ctx, result: CheckResult) -> list[Item]:
    g, as_of, forums, out = ctx.graph, ctx.facts.as_of, _forums(ctx.graph), []
    for f in result.findings:
        if f.rule != "STY-2" or not f.value:
            continue
        project = URIRef(f.focus)
        start = as_date(g.value(project, ARK.startdato))
        kommune = label(g, URIRef(f.value))
        out.append(Item(kind=GODKENDELSE, dato=min(start or as_of, as_of), overskredet=True,
                        emne=f"{label(g, project)}: godkendelse i {kommune}",
                        konsekvens=f"Projektet er i gang og binder ressourcer i {kommune}, uden at forummet har "
                                   "besluttet at deltage (STY-2).",
                        hvem=forums.get(f.value, kommune) + " (eller direktionen)",
                        href=f"#{anchor('projekt', f.focus, g, ARK.Digitaliseringsprojekt)}", link="Styring"))
    return out


def decision_items(ctx, result: CheckResult, matrix: Matrix, plan: Roadmap, end: dt.date,
                   plist: list[Phase] | None = None) -> list[Item]:
    """What must be decided by ``end``: overdue first, then by date."""
    plist = phases(ctx, end) if plist is None else plist
    items = (_gate_items(ctx, plist, end) + _dispensation_items(ctx, matrix, end) + _notice_items(ctx, plan, end)
             + _target_items(ctx, matrix, end) + _approval_items(ctx, result))
    return sorted(items, key=lambda i: i.sort_key)


def next_after(ctx, result: CheckResult, matrix: Matrix, plan: Roadmap, end: dt.date) -> Item | None:
    """The first item just beyond the horizon, so an empty list never reads as "nothing ahead"."""
    later = shift(end, "P5Y") or end
    items = [i for i in decision_items(ctx, result, matrix, plan, later) if i.dato > end and not i.overskredet]
    return min(items, key=lambda i: i.sort_key, default=None)


# --------------------------------------------------------------------------- decision log and projects


@dataclass
class Decision:
    dato: dt.date
    label: str
    hvem: str
    udfald: str
    vedroerer: list[tuple[str, str]]   # (label, href or "")


def decision_log(ctx, anchors: dict[str, str]) -> tuple[list[Decision], int]:
    """Decisions in force dated in the year up to as-of, newest first; and how many older ones exist."""
    g, facts = ctx.graph, ctx.facts
    since = shift(facts.as_of, f"P{LOG_MONTHS}M", -1) or facts.as_of
    out, older = [], 0
    for b in facts.decisions_in_force:
        day = as_date(g.value(b, ARK.dato))
        if day is None:
            continue
        if day <= since:
            older += 1
            continue
        outcome = g.value(b, ARK.udfald)
        about = sorted(((label(g, x), anchors.get(str(x), "")) for x in g.objects(b, ARK.vedroerer)))
        out.append(Decision(dato=day, label=label(g, b), hvem=_who(g, b),
                            udfald=label(g, outcome) if outcome is not None else "uden udfald", vedroerer=about))
    return sorted(out, key=lambda d: (d.dato, d.label), reverse=True), older


@dataclass
class Delivery:
    label: str
    start: dt.date | None
    slut: dt.date | None
    status: str


@dataclass
class Project:
    iri: str
    anchor: str
    label: str
    status: str
    deltagere: list[str]
    godkendelser: list[tuple[str, str]]   # (kommune, "godkendt 2016-03-08 af …" or "mangler godkendelse")
    mangler: bool
    leverancer: list[Delivery]


# Projects in the order a forum follows them: running first, then ideas, then finished ones.
STATUS_ORDER = (ARK.Igang, ARK.Ide, ARK.Afsluttet)


def projects(ctx) -> list[tuple[str, list[Project]]]:
    """Projects grouped by status, with participants, approvals and deliveries (dated by start/slut)."""
    g, facts = ctx.graph, ctx.facts
    approvals = defaultdict(list)   # project -> [(kommune or None for the directors, date, who)]
    for b in facts.approved:
        day = as_date(g.value(b, ARK.dato))
        for who in g.objects(b, ARK.besluttetAf):
            kommune = g.value(who, ARK.kommune) if (who, RDF.type, ARK.Forum) in g else None
            for x in g.objects(b, ARK.vedroerer):
                approvals[x].append((kommune, day, label(g, who)))
    groups = defaultdict(list)
    for p in set(g.subjects(RDF.type, ARK.Digitaliseringsprojekt)):
        status = g.value(p, ARK.status)
        deltagere = sorted(g.objects(p, ARK.deltager), key=lambda k: label(g, k))
        directors = sorted((d, w) for k, d, w in approvals[p] if k is None)
        rows, missing = [], False
        for k in deltagere:
            mine = sorted((d, w) for kk, d, w in approvals[p] if kk == k)
            if mine:
                forum = mine[0][1].removesuffix(f", {label(g, k)}")   # "…forum, Silkeborg Kommune" in Silkeborg's row
                rows.append((label(g, k), f"godkendt {date(mine[0][0])} af {forum}"))
            elif directors:
                rows.append((label(g, k), f"afgjort af direktionen {date(directors[0][0])}"))
            elif status == ARK.Igang:
                rows.append((label(g, k), "mangler godkendelse"))
                missing = True
            else:   # an idea or a finished project: not a gap STY-2 asks about
                rows.append((label(g, k), "ikke behandlet"))
        deliveries = []
        for lev in g.objects(p, ARK.leverance):
            s, e = as_date(g.value(lev, ARK.startdato)), as_date(g.value(lev, ARK.slutdato))
            deliveries.append(Delivery(label=label(g, lev), start=s, slut=e, status=_progress(s, e, facts.as_of)))
        deliveries.sort(key=lambda d: (d.start or dt.date.max, d.label))
        groups[status].append(Project(iri=str(p), anchor=anchor("projekt", str(p), g, ARK.Digitaliseringsprojekt), label=label(g, p),
                                      status=label(g, status) if status is not None else "uden status",
                                      deltagere=[label(g, k) for k in deltagere], godkendelser=rows,
                                      mangler=missing, leverancer=deliveries))
    order = list(STATUS_ORDER) + sorted((s for s in groups if s not in STATUS_ORDER), key=str)
    return [(groups[s][0].status, sorted(groups[s], key=lambda p: p.label.casefold())) for s in order if groups.get(s)]


# --------------------------------------------------------------------------- the time line


GATE_CLASS = {PASSERET: "passeret", FORFALDEN: "forfalden", OVERSKREDET: "overskredet", NO_GO: "nogo",
              AFVENTER: "afventer"}


def timeline(plist: list[Phase], as_of: dt.date, end: dt.date, width: int = 1800) -> dict | None:
    """Coordinates of the phases' time line (drawn in styring.html.j2; every text escaped there).

    Whole years from the first phase's start to the last end (or the horizon); one row per phase with
    its bar coloured by gate status and a diamond per decision point at its date.
    """
    days = [d for p in plist for d in (p.start, p.slut) if d] + [as_of, end]
    if not plist:
        return None
    top_year = max(days).year
    first = dt.date(min(days).year, 1, 1)
    last = dt.date(top_year + 1, 1, 1) if top_year < dt.MAXYEAR else dt.date.max
    left, right, top, row = 400, width - 20, 44, 64
    span = (last - first).days or 1

    def x(day: dt.date) -> float:
        return round(left + (right - left) * (day - first).days / span, 1)

    rows = []
    for i, p in enumerate(plist):
        y = top + i * row
        s, e = p.start or as_of, p.slut or last
        rows.append({"y": y, "label": p.label, "anchor": p.anchor, "x": x(s), "w": max(x(e) - x(s), 4),
                     "cls": GATE_CLASS[p.gate], "text": f"{p.status} · {p.gate}",
                     "points": [{"x": x(pt.dato), "y": y + 20, "title": f"{date(pt.dato)}: {pt.label} – "
                                 f"{pt.udfald or 'ikke besluttet'}", "cls": "go" if pt.go else
                                 ("nogo" if pt.no_go else "aaben"), "date": date(pt.dato)}
                                for pt in p.points if pt.dato and first <= pt.dato <= last]})
    # At most about a dozen year labels, however long the phases run.
    step = max(1, -(-(last.year - first.year) // 12))
    years = [{"x": x(dt.date(y, 1, 1)), "label": str(y), "mid": x(min(dt.date(y, 7, 1), last))}
             for y in range(first.year, max(last.year, first.year + 1), step)]
    height = top + len(plist) * row + 30
    return {"width": width, "height": height, "left": left, "right": right, "top": top, "years": years,
            "rows": rows, "today": {"x": x(as_of), "label": f"pr. {date(as_of)}"},
            "horizon": {"x": x(end), "label": f"horisont {date(end)}"} if end > as_of else None,
            "bottom": height - 24}


# --------------------------------------------------------------------------- template data


def beslutning(ctx, result: CheckResult, matrix: Matrix, plan: Roadmap, end: dt.date, horizon_text: str,
               plist: list[Phase]) -> dict:
    """The "Til beslutning" section's data."""
    items = decision_items(ctx, result, matrix, plan, end, plist)
    late = sum(1 for i in items if i.overskredet)
    summary = (plural(len(items), "sag", "sager") + (f", heraf {late} overskredet." if late else ".")
               if items else "ingen sager.")
    return {"rows": items, "horizon": date(end), "horizon_text": horizon_text, "summary": summary,
            "next": next_after(ctx, result, matrix, plan, end)}


def styring(ctx, end: dt.date, plist: list[Phase]) -> dict:
    """The "Styring" section's data: time line, phase table, decision log, projects."""
    as_of = ctx.facts.as_of
    groups = projects(ctx)
    anchors = {p.iri: p.anchor for p in plist}
    anchors.update({p.iri: p.anchor for _, group in groups for p in group})
    log, older = decision_log(ctx, anchors)
    rows = [{"anchor": p.anchor, "label": p.label, "periode": f"{date(p.start)} – {date(p.slut)}",
             "status": p.status, "gate": p.gate, "gate_cls": GATE_CLASS[p.gate],
             "due": date(p.due) if p.due and p.gate in (FORFALDEN, OVERSKREDET, AFVENTER) else None,
             "points": p.points} for p in plist]
    print_since = shift(as_of, f"P{PRINT_LOG_MONTHS}M", -1) or as_of
    return {"timeline": timeline(plist, as_of, end), "phases": rows, "log": log, "older": older,
            "print_since": print_since, "print_since_text": date(_next_day(print_since)),
            "print_older": sum(1 for d in log if d.dato <= print_since),
            "since": date(_next_day(shift(as_of, f"P{LOG_MONTHS}M", -1) or as_of)),
            "projects": groups}
