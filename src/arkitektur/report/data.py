"""Mødepakkens indhold / what the meeting pack says: the findings, figures and benefits, as data for the templates.

Nothing here writes HTML: ``html`` renders these values through Jinja2 templates with autoescape.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from .. import formatting
from ..check import Context, evaluate, prepare
from ..derive import as_date
from ..divergence import IKKE_REGISTRERET, PLANLAGT, UDEN_PLAN, Matrix
from ..findings import CheckResult, Finding
from ..formatting import label
from ..namespaces import AFL, ARK, RDF, XSD
from ..roadmap import OPSIGELSE_PASSERET, OPSIGELSE_SNART, Roadmap
from ..views import DISPENSATION_STYLE, STATUS_STYLE, cell_kind

GEVINSTTYPER = (ARK.Strategisk, ARK.Oekonomisk, ARK.Organisatorisk, ARK.Teknologisk)


@dataclass
class Benefit:
    iri: str
    label: str
    type_label: str
    type_rank: int
    modtager: str
    realiseres: str
    column: str            # the year ("2016") or the event ("fra første projekt")
    year: int | None
    forudsaetning: str
    projekter: list[str] = field(default_factory=list)
    status: URIRef | None = None       # ark:realiseringsstatus (absent: not realised)
    status_label: str = "ikke angivet"
    senest: dt.date | None = None      # the last day of realiseres (afl:realiseresSenest, as GEV-4 reads it)
    realiseret_dato: str = ""
    note: str = ""


def collect(paths: list[Path], as_of: dt.date, lang: str = "da") -> tuple[Context, CheckResult]:
    """Load once and run the check: the context for matrix, roadmap and views, and the findings."""
    ctx = prepare(paths, as_of)
    findings = sorted(evaluate(ctx, lang), key=Finding.sort_key)
    result = CheckResult(as_of=as_of.isoformat(), findings=findings, notes=list(ctx.repo.notes),
                         files=list(ctx.repo.model_files))
    return ctx, result


_RANGE = re.compile(r"^\s*(\d{4})(?:-\d{2}(?:-\d{2})?)?\s*(?:[-–—/]\s*\d{2,4}\s*)?$")


def realisation(value) -> tuple[int | None, str]:
    """(year, column) for ``ark:realiseres``: a year, date or range counts in its first year
    ("2016-2017" → 2016); any other text is an event with a column of its own."""
    if value is None:
        return None, "ikke angivet"
    text = str(value).strip()
    if isinstance(value, Literal) and value.datatype in (XSD.gYear, XSD.date, XSD.dateTime, XSD.gYearMonth):
        m = re.match(r"^-?(\d{4})", text)
        if m:
            return int(m.group(1)), m.group(1)
    m = _RANGE.match(text)
    if m:
        return int(m.group(1)), m.group(1)
    return None, " ".join(text.split()) or "ikke angivet"


def benefits(g: Graph, lang: str = "da") -> list[Benefit]:
    """Every ark:Gevinst with its type, receiver, time of realisation and projects."""
    projects = defaultdict(set)
    for p in g.subjects(RDF.type, ARK.Digitaliseringsprojekt):
        for b in g.objects(p, ARK.gevinst):
            projects[b].add(label(g, p, lang))
        for lev in g.objects(p, ARK.leverance):
            for b in g.objects(lev, ARK.gevinst):
                projects[b].add(label(g, p, lang))
    out = []
    for b in sorted(set(g.subjects(RDF.type, ARK.Gevinst)), key=str):
        types = sorted(g.objects(b, ARK.gevinsttype), key=str)
        t = types[0] if types else None
        rank = GEVINSTTYPER.index(t) if t in GEVINSTTYPER else len(GEVINSTTYPER)
        year, column = realisation(g.value(b, ARK.realiseres))
        modtager = g.value(b, ARK.modtager)
        out.append(Benefit(
            iri=str(b), label=label(g, b, lang), type_label=label(g, t, lang) if t is not None else "Uden type",
            type_rank=rank, modtager=label(g, modtager, lang) if isinstance(modtager, URIRef) else str(modtager or ""),
            realiseres=str(g.value(b, ARK.realiseres) or ""), column=column, year=year,
            forudsaetning=str(g.value(b, ARK.forudsaetning) or ""), projekter=sorted(projects.get(b, ())),
            **_realised(g, b, lang)))
    return sorted(out, key=lambda x: (_number(x.label), x.label.casefold(), x.iri))


def _realised(g: Graph, b, lang: str) -> dict:
    """The realisation follow-up of one benefit: status, last day, date and note."""
    status = g.value(b, ARK.realiseringsstatus)
    return {"status": status if isinstance(status, URIRef) else None,
            "status_label": label(g, status, lang) if isinstance(status, URIRef) else "ikke angivet",
            "senest": as_date(g.value(b, AFL.realiseresSenest)), "realiseret_dato": str(g.value(b, ARK.realiseretDato) or ""),
            "note": str(g.value(b, ARK.realiseringsnote) or "")}


_DONE = (ARK.Realiseret, ARK.Opgivet)


def follow_up(items: list[Benefit], result: CheckResult) -> list[dict]:
    """The benefits as a forum follows them up: overdue ones first (GEV-4, also when dispensed), then
    the open ones by their last day, then the realised and the given-up ones."""
    overdue = {f.focus for f in result.findings if f.rule == "GEV-4"}
    far = dt.date.max

    def rank(b: Benefit) -> tuple:
        group = 0 if b.iri in overdue else (2 if b.status in _DONE else 1)
        return (group, b.senest or far, _number(b.label), b.label.casefold())

    return [{"label": b.label, "type": b.type_label, "modtager": b.modtager, "realiseres": b.realiseres,
             "senest": formatting.date(b.senest), "status": b.status_label,
             "forfalden": b.iri in overdue, "afsluttet": b.status in _DONE,
             "dato": b.realiseret_dato, "note": b.note, "forudsaetning": b.forudsaetning,
             "projekter": b.projekter}
            for b in sorted(items, key=rank)]


def _number(label: str) -> int:
    m = re.match(r"^\s*(\d+)", label)
    return int(m.group(1)) if m else 10**6


def benefit_columns(items: list[Benefit]) -> list[str]:
    """Years in order, then each event in order of first appearance (the memo's Figure 2)."""
    years = sorted({b.column for b in items if b.year is not None})
    events = list(dict.fromkeys(b.column for b in items if b.year is None))
    return years + events



# --------------------------------------------------------------------------- the first screen


def _line(text: str, cls: str | None = None, bar: int | None = None) -> dict:
    """One line of a card: text, an optional class and an optional bar width in pixels."""
    return {"text": text, "cls": cls, "bar": bar}


def plural(count: int, one: str, many: str) -> str:
    """"1 advarsel" / "3 advarsler"."""
    return f"{count} {one if count == 1 else many}"


def figures(matrix: Matrix, result: CheckResult, plan: Roadmap, items: list[Benefit], g: Graph) -> list[dict]:
    """The first screen: at most six figures, the ones a municipal director asks for first."""
    pct = formatting.percent
    cards = [{"cls": "ok", "title": "Konvergeret (opgaver med målløsning)", "value": pct(matrix.samlet.andel),
              "lines": [_line(f"{label(g, URIRef(k))}: {pct(s.andel)}", bar=round((s.andel or 0) * 120))
                        for k, s in matrix.shares.items()]}]
    counts = result.summary
    cards.append({"cls": "alarm" if counts["violation"] else "ok", "title": "Overtrædelser af principperne",
                  "value": str(counts["violation"]),
                  "lines": [_line(plural(counts["warning"], "advarsel", "advarsler")), _line(f"{counts['info']} info")]})
    missing = [(r, c) for r in matrix.rows if r.has_target for c in r.members if c.status in UDEN_PLAN]
    cards.append(_without_plan(missing))
    soon = [f for f in plan.flags if f.type in (OPSIGELSE_SNART, OPSIGELSE_PASSERET)]
    cards.append({"cls": "alarm" if soon else "ok", "title": "Opsigelsesdatoer: passeret eller inden for et år", "value": str(len(soon)),
                  "lines": [_line(f"{f.dato.isoformat() if f.dato else ''}: {f.kommune_label or ''} – "
                                  f"{f.system_label or ''}")
                            for f in sorted(soon, key=lambda f: f.dato or dt.date.max)[:3]]})
    wins = plan.windows
    nxt = next((w for w in wins if w.til >= plan.as_of), None)
    lines = [_line(f"{sum(1 for w in wins if not w.udbud)} uden planlagt udbud")]
    if nxt is not None:
        lines.append(_line(f"Næste: {nxt.opgave_label} {nxt.fra.isoformat()} – {nxt.til.isoformat()}"))
    cards.append({"cls": "", "title": "Fælles udbudsvinduer", "value": str(len(wins)), "lines": lines})
    per_type = Counter(b.type_label for b in items)
    cards.append({"cls": "", "title": "Gevinster i gevinstkortet", "value": str(len(items)),
                  "lines": [_line(f"{t}: {n}") for t, n in sorted(
                      per_type.items(), key=lambda x: min(b.type_rank for b in items if b.type_label == x[0]))]})
    return cards[:6]


def _without_plan(missing: list) -> dict:
    """The "uden plan" card, counted as ``check`` counts: dispensed and unregistered cells apart (issue 14).

    "3 uden plan, heraf 1 med dispensation til 2017-12-31": the dispensed one is info in ``check``,
    so the card is only an alarm when a cell is left that nobody has decided on.
    """
    dispensed = [c for _, c in missing if c.dispensation]
    unknown = [c for _, c in missing if c.status == IKKE_REGISTRERET]
    head = f"{len(missing)} uden plan"
    if dispensed:
        by_day = Counter(c.dispensation_udloeber for c in dispensed)
        head += ", heraf " + ", ".join(f"{n} med {formatting.dispensation(d)}"
                                       for d, n in sorted(by_day.items(), key=lambda x: x[0] or dt.date.max))
    if unknown:
        head += f"{' og' if dispensed else ', heraf'} {len(unknown)} {IKKE_REGISTRERET}"
    lines = [_line(head, cls="heraf")]
    # Those to act on first, then the unregistered, then the dispensed (already decided).
    order = sorted(missing, key=lambda rc: (bool(rc[1].dispensation), rc[1].status == IKKE_REGISTRERET))
    for r, c in order[:3]:
        what = ("§ " + formatting.dispensation(c.dispensation_udloeber) if c.dispensation
                else (IKKE_REGISTRERET if c.status == IKKE_REGISTRERET else ", ".join(c.system_labels) or "intet system"))
        lines.append(_line(f"{c.label}: {r.notation or ''} {r.label} ({what})"))
    if len(missing) > 3:
        lines.append(_line(f"… og {len(missing) - 3} mere"))
    alarm = len(missing) > len(dispensed)
    return {"cls": "alarm" if alarm else "ok", "title": "Målløsninger uden plan", "value": str(len(missing)),
            "lines": lines}


# --------------------------------------------------------------------------- findings


def findings(result: CheckResult, ctx: Context) -> dict:
    """Findings counted per principle and per municipality, and every finding grouped per principle."""
    cat = ctx.catalogue
    g = ctx.graph
    order = {r.id: i for i, r in enumerate(cat.ordered())}

    def principle(f: Finding) -> str:
        rule = cat.rules.get(f.rule)
        return (rule.principle.get("da") if rule else None) or "Andet"

    # Every principle, in the order of docs/principper.md, with zero findings too (issue 14 item 7).
    by_principle: dict = {name: Counter() for name in principles(cat)}
    for f in sorted(result.findings, key=lambda f: order.get(f.rule, 10**6)):
        by_principle.setdefault(principle(f), Counter())[f.severity.label] += 1
    by_kommune: dict = {}
    for f in result.findings:
        name = label(g, URIRef(f.kommune)) if f.kommune else "Samarbejdet (fælles)"
        by_kommune.setdefault(name, Counter())[f.severity.label] += 1
    rows = []
    rank = {name: i for i, name in enumerate(by_principle)}
    # Grouped per principle (in the order above), most severe first within each (issue 14 item 6).
    for f in sorted(result.findings, key=lambda f: (rank.get(principle(f), len(rank)), -int(f.severity),
                                                    order.get(f.rule, 10**6), f.sort_key())):
        rule = cat.rules.get(f.rule)
        rows.append({"principle": principle(f), "severity": f.severity, "rule": f.rule,
                     "title": rule.title.get("da", "") if rule else "",
                     "element": f.label or label(g, URIRef(f.focus)), "message": plain(f.message, g),
                     "dispensation": label(g, URIRef(f.dispensation)) if f.dispensation else None,
                     "where": f"{f.file}:{f.line}" if f.file and f.line else (f.file or "")})
    summary = result.summary
    return {"intro": f"{len(result.findings)} fund pr. {result.as_of}: "
                     f"{plural(summary['violation'], 'overtrædelse', 'overtrædelser')}, "
                     f"{plural(summary['warning'], 'advarsel', 'advarsler')} og {summary['info']} info.",
            "by_principle": _counts(by_principle.items()), "by_kommune": _counts(sorted(by_kommune.items())),
            "rows": rows}


_ARK_TERM = re.compile(r"\bark:([^\W\d][\w-]*)")
_IRI = re.compile(r"<?(https?://[^\s<>\"{}|\\^`]+[^\s<>\"{}|\\^`.,;:)])>?")


def plain(message: str, g: Graph) -> str:
    """A finding's message in plain words for the forum: each ``ark:`` term and each full IRI (a node
    without a label named in the message) by its label or last part ("angiv ark:systemansvarlig" →
    "angiv systemansvarlig"); the appendix keeps the RDF terms."""
    text = _IRI.sub(lambda m: label(g, URIRef(m.group(1))), message)
    return _ARK_TERM.sub(lambda m: label(g, ARK[m.group(1)]), text)


# docs/principper.md: the memo's three principles, then governance, deviations, contracts, model
# integrity and the FDA rules (STY-1 is FDA rule 1.1, so it sorts with them).
PRINCIPLE_FAMILIES = ("GEV", "SMA", "HEL", "STY", "DISP", "KON", "MOD", "FDA")


def principles(cat) -> list[str]:
    """Every principle of the catalogue's rules (Danish name), in the order of docs/principper.md."""
    rank: dict[str, tuple] = {}
    for r in cat.ordered():
        name = r.principle.get("da")
        if not name:
            continue
        fam = "FDA" if name.startswith("FDA") else r.family
        key = (PRINCIPLE_FAMILIES.index(fam) if fam in PRINCIPLE_FAMILIES else len(PRINCIPLE_FAMILIES),
               name if fam == "FDA" else "")
        rank[name] = min(rank.get(name, key), key)
    return sorted(rank, key=lambda n: rank[n])


def _counts(rows) -> list[dict]:
    """Rows of a count table: name, the three counts and bar widths scaled to the largest row."""
    rows = list(rows)
    top = max([sum(c.values()) for _, c in rows] + [1])
    return [{"name": name, "counts": c, "total": sum(c.values()), "bars": [(k[0], round(c[k] / top * 160))
                                                for k in ("violation", "warning", "info") if c[k]]}
            for name, c in rows]


# --------------------------------------------------------------------------- the matrix


def matrix_table(matrix: Matrix, g: Graph) -> dict:
    """The harmonisation matrix: members as columns, one row per task with a target, the shares last."""
    members = []
    for r in matrix.rows:
        for c in r.members:
            if c.kommune not in members:
                members.append(c.kommune)
    rows = []
    for r in matrix.rows:
        if not r.has_target:
            continue
        cells = []
        for k in members:
            c = r.cell(k)
            if c is None:
                cells.append(None)
                continue
            none = "intet system registreret" if c.status == IKKE_REGISTRERET else "intet system i drift"
            cells.append({
                "cls": cell_kind(c).replace("_", "-"),   # the diagrams' style name, as a CSS class
                "systems": ", ".join(c.system_labels) or none,
                "status": f"{STATUS_STYLE[c.status]['mark']} {c.status}",
                "dispensation": (f"{DISPENSATION_STYLE['mark']} {formatting.dispensation(c.dispensation_udloeber)}"
                                 if c.dispensation else None),
                "dispensation_title": c.dispensation_label or "",
                "plan": c.plan_labels[0] if c.status == PLANLAGT and c.plan_labels else None,
                "no_plan": not c.dispensation and c.status in UDEN_PLAN,
                "end": formatting.date(c.udloebsdato) if c.udloebsdato else None})
        rows.append({"task": f"{r.notation or ''} {r.label}", "target": r.maalsystem_label or "",
                     "senest": formatting.date(r.senest), "cells": cells})
    return {"members": [label(g, URIRef(k)) for k in members], "rows": rows,
            "shares": [formatting.percent(matrix.shares[k].andel) if k in matrix.shares else "–" for k in members],
            "total": formatting.percent(matrix.samlet.andel),
            "others": sum(1 for r in matrix.rows if not r.has_target)}


# --------------------------------------------------------------------------- roadmap and benefits


def procurements(plan: Roadmap) -> list[tuple]:
    """(procurement, the tasks it covers) in date order."""
    procs = {}
    for t in plan.tasks:
        for p in t.udbud:
            procs.setdefault(p.udbud, (p, []))[1].append(t.notation or t.label)
    return sorted(procs.values(), key=lambda x: (x[0].planlagt_dato or dt.date.max, x[0].udbud))


def benefit_table(items: list[Benefit]) -> dict:
    """The memo's Figure 2: benefits per type (rows) and year or event (columns), with totals."""
    columns = benefit_columns(items)
    rows = []
    for rank, name in sorted({(b.type_rank, b.type_label) for b in items}):
        mine = [b for b in items if b.type_rank == rank and b.type_label == name]
        rows.append({"label": name, "total": len(mine),
                     "cells": [[b.label for b in mine if b.column == col] for col in columns]})
    return {"columns": columns, "rows": rows,
            "totals": [sum(1 for b in items if b.column == c) for c in columns]}
