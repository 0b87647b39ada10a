"""Mødepakken / builds the static HTML meeting pack (figures, findings, matrix, roadmap, benefits, diagrams) and writes it atomically.

One folder: ``index.html`` with everything inline (CSS, SVG; no script, no network — a
Content-Security-Policy forbids both) and ``diagrammer/*.svg`` for full-size viewing. Every text
from the models goes through ``escape.h``; the inline SVG comes from ``render`` (Graphviz escapes
it) and is checked for scripts, event handlers and non-http links before it is embedded.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path

from defusedxml import ElementTree as SafeET
from rdflib import Graph, Literal, URIRef

from . import files as filesys
from . import formatting
from . import render as render_mod
from . import views
from .check import Context, evaluate, prepare
from .divergence import (DIVERGERENDE, IKKE_OMFATTET, IKKE_REGISTRERET, KONVERGERET, PLANLAGT, UDEN_PLAN, Matrix,
                         build_matrix, label_of)
from .errors import ArkitekturError, UsageError
from .escape import h, safe_href
from .findings import CheckResult, Finding, Severity
from .namespaces import ARK, RDF, XSD
from .roadmap import OPSIGELSE_PASSERET, OPSIGELSE_SNART, Roadmap, build_roadmap, flag_text

MARKER = ".arkitektur-moedepakke"
GEVINSTTYPER = (ARK.Strategisk, ARK.Oekonomisk, ARK.Organisatorisk, ARK.Teknologisk)


def _version() -> str:
    try:
        return version("arkitektur")
    except PackageNotFoundError:
        return "0+unknown"


# --------------------------------------------------------------------------- data


@dataclass
class Diagram:
    """One diagram of the pack: inline SVG, or a note saying why it is missing."""

    name: str          # file stem, e.g. "landskab-silkeborg"
    view: str          # the view, e.g. "landskab"
    title: str
    svg: str | None = None
    raw: bytes | None = None
    note: str | None = None
    size: tuple[int, int] = (0, 0)
    seconds: float = 0.0


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


@dataclass
class Pack:
    """The meeting pack before it is written: the page and the diagram files."""

    title: str
    as_of: dt.date
    html: str
    diagrams: list[Diagram]
    notes: list[str]


# --------------------------------------------------------------------------- collecting


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
            projects[b].add(label_of(g, p, lang))
        for lev in g.objects(p, ARK.leverance):
            for b in g.objects(lev, ARK.gevinst):
                projects[b].add(label_of(g, p, lang))
    out = []
    for b in sorted(set(g.subjects(RDF.type, ARK.Gevinst)), key=str):
        types = sorted(g.objects(b, ARK.gevinsttype), key=str)
        t = types[0] if types else None
        rank = GEVINSTTYPER.index(t) if t in GEVINSTTYPER else len(GEVINSTTYPER)
        year, column = realisation(g.value(b, ARK.realiseres))
        modtager = g.value(b, ARK.modtager)
        out.append(Benefit(
            iri=str(b), label=label_of(g, b, lang), type_label=label_of(g, t, lang) if t is not None else "Uden type",
            type_rank=rank, modtager=label_of(g, modtager, lang) if isinstance(modtager, URIRef) else str(modtager or ""),
            realiseres=str(g.value(b, ARK.realiseres) or ""), column=column, year=year,
            forudsaetning=str(g.value(b, ARK.forudsaetning) or ""), projekter=sorted(projects.get(b, ()))))
    return sorted(out, key=lambda x: (_number(x.label), x.label.casefold(), x.iri))


def _number(label: str) -> int:
    m = re.match(r"^\s*(\d+)", label)
    return int(m.group(1)) if m else 10**6


def benefit_columns(items: list[Benefit]) -> list[str]:
    """Years in order, then each event in order of first appearance (the memo's Figure 2)."""
    years = sorted({b.column for b in items if b.year is not None})
    events = list(dict.fromkeys(b.column for b in items if b.year is None))
    return years + events


# --------------------------------------------------------------------------- diagrams


def _slug(text: str) -> str:
    s = text.casefold()
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("é", "e"), ("ü", "u"), ("ö", "oe"), ("ä", "ae")):
        s = s.replace(a, b)
    s = re.sub(r"\s+kommune$", "", s)
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "kommune"


def diagram_specs(ctx: Context) -> list[tuple[str, str, str, list[str]]]:
    """(file stem, view, caption, --kommune args) for every diagram of the pack: each registered view,
    one per member for a per-municipality view."""
    g = ctx.graph
    members = sorted({k for ks in ctx.facts.members.values() for k in ks} or set(views.kommuner(g)),
                     key=lambda k: (label_of(g, k).casefold(), str(k)))
    specs = []
    used = set()
    for spec in views.REGISTRY.values():
        if not spec.per_kommune:
            specs.append((spec.name, spec.name, spec.title, []))
            continue
        for k in members:
            stem = f"{spec.name}-{_slug(label_of(g, k))}"
            while stem in used:
                stem += "-x"
            used.add(stem)
            specs.append((stem, spec.name, f"{spec.title}: {label_of(g, k)}", [str(k)]))
    return specs


def make_diagrams(ctx: Context, matrix: Matrix, plan: Roadmap, timeout: float) -> list[Diagram]:
    """Render every diagram as SVG; a view that is too dense or cannot be drawn becomes a note."""
    out = []
    for stem, view_name, title, ks in diagram_specs(ctx):
        d = Diagram(name=stem, view=view_name, title=title)
        try:
            sel = views.make_selection(ctx.graph, ks, [])
            v = views.build(view_name, ctx, sel, matrix=matrix, plan=plan)
            d.size = v.size
            views.check_density(v)
            rendered = render_mod.render(v, "svg", timeout=timeout)
            d.raw, d.seconds = rendered.data, rendered.seconds
            d.svg = inline_svg(rendered.data, stem)
        except ArkitekturError as exc:
            d.note = exc.da
        out.append(d)
    return out


_PROLOG = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.S)
_ID = re.compile(r'\bid="([^"]*)"')
_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK = "{http://www.w3.org/1999/xlink}href"


class UnsafeSvg(ArkitekturError):
    """An SVG from Graphviz carried something it never should (a script, a handler, a foreign link)."""


def check_svg(svg: str) -> None:
    """Refuse SVG with script/foreignObject elements, on* handlers or hrefs that are not http(s)/relative."""
    root = SafeET.fromstring(svg.encode("utf-8"))
    for el in root.iter():
        tag = el.tag.split("}")[-1].lower() if isinstance(el.tag, str) else ""
        bad = tag in ("script", "foreignobject", "iframe", "object", "embed")
        for name, value in el.attrib.items():
            local = name.split("}")[-1].lower()
            if local.startswith("on"):
                bad = True
            if local == "href" and value and not (safe_href(value) or re.match(r"^[#A-Za-z0-9_./-]+$", value)
                                                   and ":" not in value):
                bad = True
        if bad:
            raise UnsafeSvg("et diagram indeholdt et script, en hændelse eller et link, der ikke er http(s); "
                             "det er ikke lagt i mødepakken.",
                             "a diagram contained a script, an event handler or a non-http(s) link; it was "
                             "left out of the meeting pack.", code="ARK-E109")


def inline_svg(data: bytes, prefix: str) -> str:
    """Graphviz SVG ready to sit inside HTML: no prolog or comments, ids prefixed, checked."""
    text = data.decode("utf-8")
    check_svg(text)
    text = _PROLOG.sub("", text).strip()
    text = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', text)
    return text.replace("<svg ", f'<svg role="img" aria-label="{h(prefix)}" ', 1)


# --------------------------------------------------------------------------- HTML


def _pct(share: float | None) -> str:
    return formatting.percent(share, "da")


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _sev_badge(sev: Severity) -> str:
    return f'<span class="sev {sev.label}">{h(sev.dansk)}</span>'


def _figures(matrix: Matrix, result: CheckResult, plan: Roadmap, items: list[Benefit], g: Graph) -> str:
    """The first screen: at most six figures, the ones a municipal director asks for first."""
    cards = []
    shares = "".join(f"<li>{h(label_of(g, URIRef(k)))}: {_pct(s.andel)}"
                     f'<span class="bar" style="width:{round((s.andel or 0) * 120)}px"></span></li>'
                     for k, s in matrix.shares.items())
    cards.append(("ok", "Konvergeret (opgaver med målløsning)", _pct(matrix.samlet.andel),
                  f'<ul class="under">{shares}</ul>'))
    counts = result.summary
    cards.append(("alarm" if counts["violation"] else "ok", "Overtrædelser af principperne", str(counts["violation"]),
                  f'<ul class="under"><li>{_n(counts["warning"], "advarsel", "advarsler")}</li>'
                  f'<li>{counts["info"]} info</li></ul>'))
    missing = [(r, c) for r in matrix.rows if r.has_target for c in r.members if c.status in UDEN_PLAN]
    cards.append(_without_plan(missing))
    soon = [f for f in plan.flags if f.type in (OPSIGELSE_SNART, OPSIGELSE_PASSERET)]
    lines = "".join(f"<li>{h(f.dato.isoformat() if f.dato else '')}: {h(f.kommune_label or '')} – {h(f.system_label or '')}</li>"
                    for f in sorted(soon, key=lambda f: f.dato or dt.date.max)[:3])
    cards.append(("alarm" if soon else "ok", "Opsigelsesdatoer inden for et år", str(len(soon)),
                  f'<ul class="under">{lines}</ul>'))
    wins = plan.windows
    open_wins = [w for w in wins if not w.udbud]
    nxt = next((w for w in wins if w.til >= plan.as_of), None)
    lines = f"<li>{len(open_wins)} uden planlagt udbud</li>"
    if nxt is not None:
        lines += f"<li>Næste: {h(nxt.opgave_label)} {nxt.fra.isoformat()} – {nxt.til.isoformat()}</li>"
    cards.append(("", "Fælles udbudsvinduer", str(len(wins)), f'<ul class="under">{lines}</ul>'))
    per_type = Counter(b.type_label for b in items)
    lines = "".join(f"<li>{h(t)}: {n}</li>" for t, n in sorted(per_type.items(),
                    key=lambda x: min(b.type_rank for b in items if b.type_label == x[0])))
    cards.append(("", "Gevinster i gevinstkortet", str(len(items)), f'<ul class="under">{lines}</ul>'))
    body = "".join(f'<div class="card {cls}" data-figur="{i + 1}"><h3>{h(title)}</h3><p class="tal">{h(value)}</p>{extra}</div>'
                   for i, (cls, title, value, extra) in enumerate(cards[:6]))
    return f'<section id="noegletal"><h2>Nøgletal</h2><div class="cards">{body}</div></section>'


def _without_plan(missing: list) -> tuple:
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
    lines = f'<li class="heraf">{h(head)}</li>'
    # Those to act on first, then the unregistered, then the dispensed (already decided).
    order = sorted(missing, key=lambda rc: (bool(rc[1].dispensation), rc[1].status == IKKE_REGISTRERET))
    for r, c in order[:3]:
        what = ("§ " + formatting.dispensation(c.dispensation_udloeber) if c.dispensation
                else (IKKE_REGISTRERET if c.status == IKKE_REGISTRERET else ", ".join(c.system_labels) or "intet system"))
        lines += f"<li>{h(c.label)}: {h(r.notation or '')} {h(r.label)} ({h(what)})</li>"
    if len(missing) > 3:
        lines += f"<li>… og {len(missing) - 3} mere</li>"
    alarm = len(missing) > len(dispensed)
    return ("alarm" if alarm else "ok", "Målløsninger uden plan", str(len(missing)), f'<ul class="under">{lines}</ul>')


def _count_table(head: str, rows: list[tuple[str, Counter]]) -> str:
    top = max([sum(c.values()) for _, c in rows] + [1])
    body = []
    for name, c in rows:
        total = sum(c.values())
        bars = "".join(f'<span class="bar {k[0]}" style="width:{round(c[k] / top * 160)}px"></span>'
                       for k in ("violation", "warning", "info") if c[k])
        body.append(f"<tr><td>{h(name)}</td><td class=\"tal\">{c['violation']}</td><td class=\"tal\">{c['warning']}</td>"
                    f"<td class=\"tal\">{c['info']}</td><td>{bars}</td></tr>")
    if not body:
        body.append('<tr><td colspan="5" class="note">Ingen fund.</td></tr>')
    return (f'<table><thead><tr><th>{h(head)}</th><th class="tal">Overtrædelser</th><th class="tal">Advarsler</th>'
            f'<th class="tal">Info</th><th>Fordeling</th></tr></thead><tbody>{"".join(body)}</tbody></table>')


def _findings(result: CheckResult, ctx: Context) -> str:
    cat = ctx.catalogue
    g = ctx.graph
    by_principle: dict = {}
    order = {r.id: i for i, r in enumerate(cat.ordered())}
    for f in sorted(result.findings, key=lambda f: order.get(f.rule, 10**6)):
        rule = cat.rules.get(f.rule)
        name = (rule.principle.get("da") if rule else None) or "Andet"
        by_principle.setdefault(name, Counter())[f.severity.label] += 1
    by_kommune: dict = {}
    for f in result.findings:
        name = label_of(g, URIRef(f.kommune)) if f.kommune else "Samarbejdet (fælles)"
        by_kommune.setdefault(name, Counter())[f.severity.label] += 1
    parts = ['<section id="fund"><h2>Fund</h2>',
             f"<p>{len(result.findings)} fund pr. {h(result.as_of)}: "
             f"{_n(result.summary['violation'], 'overtrædelse', 'overtrædelser')}, "
             f"{_n(result.summary['warning'], 'advarsel', 'advarsler')} og {result.summary['info']} info.</p>",
             "<h3>Pr. princip</h3>", _count_table("Princip", list(by_principle.items())),
             "<h3>Pr. kommune</h3>", _count_table("Kommune", sorted(by_kommune.items())),
             "<h3>Alle fund</h3>"]
    rows = []
    for f in sorted(result.findings, key=lambda f: (-int(f.severity), order.get(f.rule, 10**6), f.sort_key())):
        rule = cat.rules.get(f.rule)
        title = rule.title.get("da", "") if rule else ""
        where = f"{f.file}:{f.line}" if f.file and f.line else (f.file or "")
        disp = (f'<br><span class="note">dispensation: {h(label_of(g, URIRef(f.dispensation)))}</span>'
                if f.dispensation else "")
        rows.append(f"<tr><td>{_sev_badge(f.severity)}</td><td><strong>{h(f.rule)}</strong><br>{h(title)}</td>"
                    f'<td>{h(f.label or f.focus)}</td><td>{h(f.message)}{disp}<br><span class="fil">{h(where)}</span></td></tr>')
    if rows:
        parts.append('<table class="fund"><thead><tr><th>Alvor</th><th>Regel</th><th>Element</th><th>Besked</th></tr></thead>'
                     f"<tbody>{''.join(rows)}</tbody></table>")
    else:
        parts.append('<p class="note">Ingen fund: modellerne overholder principperne.</p>')
    parts.append("</section>")
    return "".join(parts)


_STATUS_CLASS = {KONVERGERET: "konvergeret", PLANLAGT: "planlagt", DIVERGERENDE: "divergerende",
                 IKKE_REGISTRERET: "ikke-registreret", IKKE_OMFATTET: "ikke-omfattet"}


def _matrix(matrix: Matrix, g: Graph) -> str:
    members = []
    for r in matrix.rows:
        for c in r.members:
            if c.kommune not in members:
                members.append(c.kommune)
    head = "".join(f"<th>{h(label_of(g, URIRef(k)))}</th>" for k in members)
    rows = []
    for r in matrix.rows:
        if not r.has_target:
            continue
        cells = []
        for k in members:
            c = r.cell(k)
            if c is None:
                cells.append("<td></td>")
                continue
            mark = views.STATUS_STYLE[c.status]["mark"]
            extra = ""
            if c.dispensation:
                extra = (f'<br><span class="dispensation" title="{h(c.dispensation_label or "")}">'
                         f'{views.DISPENSATION_STYLE["mark"]} {h(formatting.dispensation(c.dispensation_udloeber))}</span>')
            elif c.status == PLANLAGT and c.plan_labels:
                extra = f"<br>plan: {h(c.plan_labels[0])}"
            elif c.status in UDEN_PLAN:
                extra = "<br>ingen plan"
            none = "intet system registreret" if c.status == IKKE_REGISTRERET else "intet system i drift"
            systems = h(", ".join(c.system_labels) or none)
            end = f"<br>udløb {formatting.date(c.udloebsdato)}" if c.udloebsdato else ""
            cls = "dispenseret" if c.dispensation else _STATUS_CLASS[c.status]
            cells.append(f'<td class="{cls}">{systems}<br><span class="status">{mark} {h(c.status)}'
                         f"</span>{extra}{end}</td>")
        rows.append(f"<tr><td>{h(r.notation or '')} {h(r.label)}</td><td>{h(r.maalsystem_label or '')}</td>"
                    f"<td>{r.senest.isoformat() if r.senest else '–'}</td>{''.join(cells)}</tr>")
    shares = "".join(f"<td><strong>{_pct(matrix.shares[k].andel) if k in matrix.shares else '–'}</strong></td>"
                     for k in members)
    rows.append(f'<tr><th colspan="3">Andel konvergeret (samlet {_pct(matrix.samlet.andel)})</th>{shares}</tr>')
    others = sum(1 for r in matrix.rows if not r.has_target)
    return ('<section id="harmonisering"><h2>Harmoniseringsmatrix</h2>'
            "<p>Pr. opgave med en målløsning: hvert medlems system(er) i drift og status. Farve, kantlinje og ord "
            "viser status, så den også kan læses i gråtoner. Violet med dobbelt kant: afvigelsen er godkendt ved "
            "en gyldig dispensation (info i tjekket); grå: intet system registreret.</p>"
            f'<div class="tabel"><table class="matrix"><thead><tr><th>Opgave (KLE)</th><th>Målsystem</th>'
            f"<th>Senest</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
            f'<p class="note">{others} opgaver uden målløsning er ikke omfattet og vises ikke her.</p></section>')


_NO_UDBUD = '<span class="advarsel">intet udbud planlagt</span>'


def _roadmap(plan: Roadmap, diagram: Diagram | None) -> str:
    rows = "".join(f"<tr><td>{w.fra.isoformat()} – {w.til.isoformat()}</td><td>{h(w.opgave_label)}</td>"
                   f"<td>{h(', '.join(w.kommune_labels))}</td>"
                   f"<td>{h(', '.join(w.udbud_labels)) if w.udbud else _NO_UDBUD}</td></tr>"
                   for w in plan.windows)
    flags = "".join(f"<li>{h(f.opgave_label)}: {h(flag_text(f))}</li>" for f in plan.flags)
    procs = {}
    for t in plan.tasks:
        for p in t.udbud:
            procs.setdefault(p.udbud, (p, []))[1].append(t.notation or t.label)
    prow = "".join(f"<tr><td>{p.planlagt_dato.isoformat() if p.planlagt_dato else '–'}</td><td>{h(p.label)}</td>"
                   f"<td>{h(', '.join(tasks))}</td><td>{h(', '.join(p.deltager_labels))}</td></tr>"
                   for p, tasks in sorted(procs.values(), key=lambda x: (x[0].planlagt_dato or dt.date.max, x[0].udbud)))
    parts = ['<section id="koereplan"><h2>Køreplan</h2>']
    if diagram is not None:
        parts.append(_figure(diagram))
    parts.append(f"<h3>Fælles udbudsvinduer ({len(plan.windows)})</h3>")
    parts.append("<p>Kontraktudløb for samme opgave højst "
                 f"{plan.window_months} måneder fra hinanden: her kan medlemmerne udbyde sammen.</p>")
    parts.append("<table><thead><tr><th>Periode</th><th>Opgave</th><th>Kommuner</th><th>Udbud</th></tr></thead>"
                 f"<tbody>{rows or '<tr><td colspan=4>Ingen.</td></tr>'}</tbody></table>")
    parts.append("<h3>Planlagte udbud</h3><table><thead><tr><th>Dato</th><th>Udbud</th><th>Opgaver</th>"
                 f"<th>Deltagere</th></tr></thead><tbody>{prow or '<tr><td colspan=4>Ingen.</td></tr>'}</tbody></table>")
    parts.append(f"<h3>Opmærksomhedspunkter</h3><ul>{flags or '<li>Ingen.</li>'}</ul></section>")
    return "".join(parts)


def _benefits(items: list[Benefit]) -> str:
    columns = benefit_columns(items)
    types = sorted({(b.type_rank, b.type_label) for b in items})
    head = "".join(f"<th>{h(c)}</th>" for c in columns)
    rows = []
    for rank, label in types:
        cells = []
        for col in columns:
            here = [b for b in items if b.type_rank == rank and b.type_label == label and b.column == col]
            if here:
                li = "".join(f"<li>{h(b.label)}</li>" for b in here)
                cells.append(f'<td><span class="antal">{len(here)}</span><ul>{li}</ul></td>')
            else:
                cells.append("<td></td>")
        total = sum(1 for b in items if b.type_rank == rank and b.type_label == label)
        rows.append(f'<tr><th>{h(label)}</th><td class="tal">{total}</td>{"".join(cells)}</tr>')
    totals = "".join(f'<td class="tal">{sum(1 for b in items if b.column == c)}</td>' for c in columns)
    rows.append(f'<tr><th>I alt</th><td class="tal">{len(items)}</td>{totals}</tr>')
    detail = "".join(
        f"<tr><td>{h(b.label)}</td><td>{h(b.type_label)}</td><td>{h(b.modtager)}</td><td>{h(b.realiseres)}</td>"
        f"<td>{h(b.forudsaetning)}</td><td>{h(', '.join(b.projekter))}</td></tr>" for b in items)
    return ('<section id="gevinster"><h2>Gevinster pr. type og år</h2>'
            '<p>Som i beslutningsoplæggets figur 2: en periode som "2016-2017" tæller i sit første år; '
            'en begivenhed som "fra første projekt" har sin egen kolonne.</p>'
            f'<div class="tabel"><table class="gevinster"><thead><tr><th>Gevinsttype</th><th class="tal">I alt</th>'
            f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
            "<h3>Alle gevinster</h3><table><thead><tr><th>Gevinst</th><th>Type</th><th>Primær modtager</th>"
            "<th>Realiseres</th><th>Forudsætning</th><th>Projekt</th></tr></thead>"
            f"<tbody>{detail or '<tr><td colspan=6>Ingen gevinster.</td></tr>'}</tbody></table></section>")


def _figure(d: Diagram) -> str:
    if d.svg is not None:
        return (f'<figure class="diagram" id="diagram-{h(d.name)}" data-visning="{h(d.view)}">'
                f'<figcaption>{h(d.title)} <a href="diagrammer/{h(d.name)}.svg">åbn i fuld størrelse</a></figcaption>'
                f'<div class="ramme">{d.svg}</div></figure>')
    return (f'<figure class="diagram mangler" id="diagram-{h(d.name)}" data-visning="{h(d.view)}">'
            f'<figcaption>{h(d.title)}</figcaption><p class="note">{h(d.note or "Diagrammet mangler.")}</p></figure>')


def page(ctx: Context, result: CheckResult, matrix: Matrix, plan: Roadmap, diagrams: list[Diagram],
         items: list[Benefit]) -> tuple[str, str]:
    """(title, HTML) of the meeting pack."""
    g = ctx.graph
    collabs = [c.label for c in matrix.samarbejder] or ["Arkitekturrepository"]
    title = f"Mødepakke: {', '.join(collabs)} pr. {matrix.as_of.isoformat()}"
    members = [m.label for c in matrix.samarbejder for m in c.members]
    css = (files("arkitektur") / "report_assets" / "moedepakke.css").read_text(encoding="utf-8")
    nav = "".join(f'<a href="#{a}">{h(t)}</a>' for a, t in (
        ("noegletal", "Nøgletal"), ("fund", "Fund"), ("harmonisering", "Harmonisering"), ("koereplan", "Køreplan"),
        ("gevinster", "Gevinster"), ("diagrammer", "Diagrammer")))
    road = next((d for d in diagrams if d.view == "roadmap"), None)
    others = "".join(_figure(d) for d in diagrams if d.view != "roadmap")
    body = [
        '<header class="top">',
        f"<h1>{h(title)}</h1>",
        f'<p class="meta">Medlemmer: {h(", ".join(members) or "–")} · {len(result.files)} modelfiler · '
        f"genereret af arkitektur {h(_version())}</p>",
        f'<nav class="indhold" aria-label="Indhold">{nav}</nav></header><main>',
        _figures(matrix, result, plan, items, g),
        _findings(result, ctx),
        _matrix(matrix, g),
        _roadmap(plan, road),
        _benefits(items),
        f'<section id="diagrammer"><h2>Diagrammer</h2>{others}</section>',
        "</main>",
        f"<footer>Status pr. {matrix.as_of.isoformat()}. Mødepakken er én mappe uden forbindelse til nettet; "
        "diagrammerne ligger også som SVG i mappen diagrammer/.</footer>",
    ]
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    html = ("<!DOCTYPE html>\n"
            '<html lang="da">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
            f'<meta name="generator" content="arkitektur {h(_version())}">\n'
            f"<title>{h(title)}</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")
    return title, html


def build_pack(ctx: Context, result: CheckResult, *, timeout: float = render_mod.DEFAULT_TIMEOUT,
               matrix: Matrix | None = None, plan: Roadmap | None = None) -> Pack:
    """Everything of the pack in memory; nothing is written yet."""
    matrix = matrix or build_matrix(ctx)
    plan = plan or build_roadmap(ctx)
    diagrams = make_diagrams(ctx, matrix, plan, timeout)
    items = benefits(ctx.graph)
    title, html = page(ctx, result, matrix, plan, diagrams, items)
    notes = [f"{d.title}: {d.note}" for d in diagrams if d.note]
    return Pack(title=title, as_of=matrix.as_of, html=html, diagrams=diagrams, notes=notes)


# --------------------------------------------------------------------------- writing


def _refuse(da: str, en: str) -> UsageError:
    return UsageError(da, en, code="ARK-E108")


def _our_files(folder: Path) -> list[Path] | None:
    """Every file of an earlier pack in ``folder`` (deepest first), or None if it holds anything the
    tool does not write there (or a link): then it is not provably ours and is never deleted."""
    if not (folder / MARKER).is_file():
        return None
    files: list[Path] = []
    for entry in folder.iterdir():
        if entry.name in ("index.html", MARKER) and entry.is_file() and not entry.is_symlink():
            files.append(entry)
        elif entry.name == "diagrammer" and entry.is_dir() and not entry.is_symlink():
            for svg in entry.iterdir():
                if svg.suffix != ".svg" or svg.is_symlink() or not svg.is_file():
                    return None
                files.append(svg)
            files.append(entry)
        else:
            return None
    return files


def _remove_pack(folder: Path) -> bool:
    """Delete an earlier pack file by file (never rmtree); False if something new had appeared in it."""
    for entry in _our_files(folder) or []:
        try:
            entry.rmdir() if entry.is_dir() else entry.unlink()
        except OSError:
            return False
    try:
        folder.rmdir()
    except OSError:
        return False
    return True


def write_pack(pack: Pack, out_dir: Path) -> Path:
    """Write the pack into a temporary folder next to ``out_dir``, then rename it into place.

    ``out_dir`` is resolved once (links, ``..``); that same folder is checked and replaced, and
    only if it is empty or an earlier meeting pack holding nothing but what the tool wrote there
    (the marker file, index.html, diagrammer/*.svg). The old pack is deleted file by file, never
    with rmtree. On any error the temporary folder is removed and ``out_dir`` is untouched.
    """
    target = Path(os.path.realpath(out_dir))
    if target.parent == target:
        raise _refuse(f"-o: '{out_dir}' kan ikke bruges som mappe til mødepakken.",
                      f"-o: '{out_dir}' cannot be used as the meeting pack's folder.")
    if os.path.lexists(target):
        if not target.is_dir():
            raise _refuse(f"-o: '{out_dir}' findes og er ikke en mappe.", f"-o: '{out_dir}' exists and is not a folder.")
        try:
            empty = not any(target.iterdir())
            ours = empty or _our_files(target) is not None
        except OSError as exc:
            raise filesys.WriteError(f"-o: kan ikke læse mappen: {exc.strerror}.", f"-o: cannot read the folder: "
                                   f"{exc.strerror}.", code="ARK-E42", file=str(out_dir)) from None
        if not ours:
            shown = f"'{out_dir}'" + (f" (= '{target}')" if str(target) != str(Path(out_dir).absolute()) else "")
            raise _refuse(
                f"-o: mappen {shown} findes og er ikke tom eller en tidligere mødepakke (med andre filer "
                "end dem, arkitektur skriver); vælg en ny eller tom mappe.",
                f"-o: the folder {shown} exists and is neither empty nor an earlier meeting pack (it holds files "
                "arkitektur does not write); choose a new or empty folder.")
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise filesys.WriteError(f"-o: kan ikke oprette mappen: {exc.strerror}. Intet er ændret.",
                               f"-o: cannot create the folder: {exc.strerror}. Nothing was changed.",
                               code="ARK-E42", file=str(out_dir)) from None
    try:
        os.chmod(tmp, 0o777 & ~filesys.umask())  # mkdtemp gives 0700; colleagues must be able to open it
        (tmp / "index.html").write_text(pack.html, encoding="utf-8")
        (tmp / MARKER).write_text(f"arkitektur {_version()} mødepakke pr. {pack.as_of.isoformat()}\n", encoding="utf-8")
        folder = tmp / "diagrammer"
        folder.mkdir()
        for d in pack.diagrams:
            if d.raw is not None:
                (folder / f"{d.name}.svg").write_bytes(d.raw)
        for f in [folder, *folder.iterdir(), *tmp.iterdir()]:
            if f.is_file():
                with open(f, "rb") as fh:
                    os.fsync(fh.fileno())
        filesys.fsync_folder(folder)
        filesys.fsync_folder(tmp)
        if os.path.lexists(target):
            old = parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
            target.rename(old)
            try:
                tmp.rename(target)
            except BaseException:
                old.rename(target)
                raise
            if not _remove_pack(old):
                pack.notes.append(f"den tidligere mødepakke ligger i '{old}', fordi der kom nye filer i den "
                                  f"under kørslen; slet den selv / the earlier pack was kept in '{old}'.")
        else:
            tmp.rename(target)
        filesys.fsync_folder(parent)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)  # our own temporary folder, never the user's
        raise filesys.WriteError(f"-o: kan ikke skrive mødepakken: {exc.strerror or exc}. Intet er ændret.",
                               f"-o: cannot write the meeting pack: {exc.strerror or exc}. Nothing was changed.",
                               code="ARK-E42", file=str(out_dir)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Path(os.path.normpath(out_dir)) / "index.html"
