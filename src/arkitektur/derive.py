"""Afledte fakta / the definitions of time, validity, plan and membership (docs/modelsprog.md#begreber), computed once.

Every rule and every report reads these ``afl:`` facts instead of re-deriving them, so that
"valid", "plan", "as-of" and "member" mean the same thing everywhere (docs/modelsprog.md#begreber).
The facts live in their own namespace and graph: they are never written to a model file, the
ontology does not define them, and the MOD rules ignore them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from functools import lru_cache
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node
from rdflib.xsd_datetime import parse_xsd_duration

from .namespaces import AFL, ARK, RDF, XSD

KONTEKST = AFL.kontekst

#: Every afl: term this module produces; shapes may use these and no others (a meta-test checks it).
AFL_TERMS = frozenset(AFL[n] for n in (
    "kontekst", "asOf", "asOfPlus18M", "asOfMinus3Y", "Modelemne", "modelegenskab", "modelklasse",
    "gaeldende", "godkendt",
    "opsigelsesdato", "startPlus6M", "medlemAf", "medlemskab", "medlemFra", "aktivtMedlemAf",
    "GaeldendeMaalloesning", "samarbejde", "planlagtAf", "gyldig", "udloebet",
    "realiseresSenest",
))
TRUE = Literal(True)

#: Every predicate ``derive`` reads (rdf:type for the ark: classes it looks for). An edit that
#: changes no triple with one of these leaves the facts as they were: the language server then
#: keeps them (``lsp.incremental``). tests/test_derive.py holds derive to this list.
READS = frozenset(str(p) for p in (
    RDF.type, ARK.dato, ARK.udfald, ARK.udloebsdato, ARK.opsigelsesfrist, ARK.startdato, ARK.medlem,
    ARK.samarbejde, ARK.kommune, ARK.medlemFra, ARK.gaelderFra, ARK.maalloesning, ARK.opgave, ARK.senest,
    ARK.maalsystem, ARK.omfatter, ARK.deltager, ARK.planlagtDato, ARK.implementerer, ARK.status,
    ARK.udloeber, ARK.regel, ARK.gaelder, ARK.begrundelse, ARK.besluttetVed, ARK.realiseres,
))
_APPROVED = (ARK.Go, ARK.Godkendt)


def as_date(value: Node | None) -> dt.date | None:
    """A date literal as ``datetime.date``; ``None`` when absent or ill-typed (MOD-4 reports those)."""
    if not isinstance(value, Literal) or value.datatype != XSD.date:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


@lru_cache(maxsize=65536)  # pure; contracts share dates and notice periods
def shift(day: dt.date, duration: str, sign: int = 1) -> dt.date | None:
    """``day`` ± an xsd:duration such as "P6M" (months clamp to the month's end)."""
    try:
        dur = parse_xsd_duration(duration)
    except (ValueError, TypeError):
        return None
    try:
        return day + dur if sign > 0 else day - dur
    except (OverflowError, ValueError):
        return None


def membership_node(kommune: Node, samarbejde: Node) -> URIRef:
    """The derived node that carries a (kommune, samarbejde) membership's ``afl:medlemFra``.

    A name made from the pair, so the same pair gets the same node in every run and engine.
    """
    digest = hashlib.sha256(f"{kommune.n3()} {samarbejde.n3()}".encode()).hexdigest()[:24]
    return AFL[f"medlemskab-{digest}"]


@lru_cache(maxsize=65536)
def _lit(day: dt.date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


@dataclass
class Facts:
    """The derived facts as Python values (for reports) and as triples (for the rules)."""

    as_of: dt.date
    decisions_in_force: set = field(default_factory=set)
    approved: set = field(default_factory=set)
    notice_dates: dict = field(default_factory=dict)
    members: dict = field(default_factory=lambda: defaultdict(set))
    member_from: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)  # (samarbejde, opgave) -> Maalloesning
    plans: dict = field(default_factory=lambda: defaultdict(list))  # (maalloesning, kommune) -> [Udbud|projekt]
    valid_dispensations: set = field(default_factory=set)
    expired_dispensations: set = field(default_factory=set)
    realisation_due: dict = field(default_factory=dict)  # Gevinst -> last day of its ark:realiseres
    # The facts in the order derived (a triple may repeat): read once, into the data graph or store.
    triples: list = field(default_factory=list)

    @property
    def graph(self) -> Graph:
        """The facts as a new rdflib graph."""
        g = Graph()
        g += self.triples
        return g

    def is_active_member(self, kommune: Node, samarbejde: Node) -> bool:
        """A member counts from its ``medlemFra`` (no Medlemskab: from the start)."""
        if kommune not in self.members.get(samarbejde, ()):
            return False
        start = self.member_from.get((samarbejde, kommune))
        return start is None or start <= self.as_of


def derive(g: Graph, as_of: dt.date, model_subjects: set | None = None,
           model_predicates: set | None = None, model_classes: set | None = None) -> Facts:
    """Compute the facts for ``g`` (ontology + reference data + models) at ``as_of``.

    ``model_subjects``, ``model_predicates`` and ``model_classes`` – what the model files (not the
    shipped ontology) mention, from ``loader.load`` – become ``?s a afl:Modelemne``, ``afl:kontekst
    afl:modelegenskab ?p`` and ``afl:kontekst afl:modelklasse ?c``; ``loader.load_store`` marks them
    in the store itself.
    """
    f = Facts(as_of=as_of)
    out = f.triples
    out.append((KONTEKST, AFL.asOf, _lit(as_of)))
    for name, dur, sign in (("asOfPlus18M", "P18M", 1), ("asOfMinus3Y", "P3Y", -1)):
        day = shift(as_of, dur, sign)
        if day:
            out.append((KONTEKST, AFL[name], _lit(day)))

    for s in model_subjects or ():
        if isinstance(s, URIRef):
            out.append((s, RDF.type, AFL.Modelemne))
    for marks, mark in ((model_predicates, AFL.modelegenskab), (model_classes, AFL.modelklasse)):
        for term in marks or ():
            if isinstance(term, URIRef):
                out.append((KONTEKST, mark, term))

    # Decisions: dated after as-of they do not count yet (docs/modelsprog.md#begreber).
    for b, day in g.subject_objects(ARK.dato):
        d = as_date(day)
        if d is not None and d <= as_of and (b, RDF.type, ARK.Beslutning) in g:
            f.decisions_in_force.add(b)
            out.append((b, AFL.gaeldende, TRUE))
            if any((b, ARK.udfald, u) in g for u in _APPROVED):
                f.approved.add(b)
                out.append((b, AFL.godkendt, TRUE))

    # Notice date = udloebsdato − opsigelsesfrist (absent: the udloebsdato itself). The periods are
    # read in one pass (a look-up per contract took most of derive at 98×400, docs/ydelse.md); a
    # contract with several is read as before.
    frist_p, notice_p = ARK.opsigelsesfrist, AFL.opsigelsesdato  # one contract per usage: hoisted
    frister: dict = {}
    for k, frist in g.subject_objects(frist_p):
        frister.setdefault(k, []).append(frist)
    for k, end in g.subject_objects(ARK.udloebsdato):
        end_d = as_date(end)
        if end_d is None:
            continue
        notice = end_d
        found = frister.get(k)
        frist = None if found is None else found[0] if len(found) == 1 else g.value(k, frist_p)
        if frist is not None:
            notice = shift(end_d, str(frist), -1) or end_d
        f.notice_dates[k] = notice
        out.append((k, notice_p, _lit(notice)))

    for lev in g.subjects(RDF.type, ARK.Leverance):
        start = as_date(g.value(lev, ARK.startdato))
        if start:
            plus = shift(start, "P6M")
            if plus:
                out.append((lev, AFL.startPlus6M, _lit(plus)))

    # Membership: ark:medlem, and ark:Medlemskab with its medlemFra.
    for s, k in g.subject_objects(ARK.medlem):
        f.members[s].add(k)
    for ms in g.subjects(RDF.type, ARK.Medlemskab):
        s, k = g.value(ms, ARK.samarbejde), g.value(ms, ARK.kommune)
        if s is None or k is None:
            continue
        f.members[s].add(k)
        start = as_date(g.value(ms, ARK.medlemFra))
        if start is not None:
            prev = f.member_from.get((s, k))
            f.member_from[(s, k)] = start if prev is None else min(prev, start)
    for s, ks in f.members.items():
        for k in ks:
            out.append((k, AFL.medlemAf, s))
            start = f.member_from.get((s, k))
            if start is not None:
                # medlemFra belongs to the pair, not to the municipality: a member of two
                # collaborations may have joined them at different dates (issue 13).
                node = membership_node(k, s)
                out += [(k, AFL.medlemskab, node), (node, AFL.samarbejde, s), (node, AFL.medlemFra, _lit(start))]
            if f.is_active_member(k, s):
                out.append((k, AFL.aktivtMedlemAf, s))

    # The Maalloesning that applies per (collaboration, task): all of them, whatever gaelderFra;
    # where two name the same task, the later gaelderFra wins (docs/modelsprog.md#begreber).
    best: dict[tuple, tuple] = {}
    for ma in g.subjects(RDF.type, ARK.Maalarkitektur):
        s = g.value(ma, ARK.samarbejde)
        if s is None:
            continue
        since = as_date(g.value(ma, ARK.gaelderFra)) or dt.date.min
        for ml in g.objects(ma, ARK.maalloesning):
            for task in g.objects(ml, ARK.opgave):
                rank = (since, str(ml))
                key = (s, task)
                if key not in best or rank > best[key][0]:
                    best[key] = (rank, ml)
    for (s, task), (_, ml) in best.items():
        f.targets[(s, task)] = ml
        out.append((ml, RDF.type, AFL.GaeldendeMaalloesning))
        out.append((ml, AFL.samarbejde, s))

    # Plan (docs/modelsprog.md#begreber): an Udbud with the member as deltager that omfatter the task with
    # as-of ≤ planlagtDato ≤ senest, or an Ide/Igang project with the member that implementerer
    # the target system.
    for (s, task), ml in f.targets.items():
        senest = as_date(g.value(ml, ARK.senest))
        target_system = g.value(ml, ARK.maalsystem)
        for k in f.members.get(s, ()):
            found = []
            for u in g.subjects(ARK.omfatter, task):
                if (u, RDF.type, ARK.Udbud) not in g or (u, ARK.deltager, k) not in g:
                    continue
                day = as_date(g.value(u, ARK.planlagtDato))
                if day is not None and as_of <= day and (senest is None or day <= senest):
                    found.append(u)
            if target_system is not None:
                for p in g.subjects(ARK.implementerer, target_system):
                    if (p, RDF.type, ARK.Digitaliseringsprojekt) not in g or (p, ARK.deltager, k) not in g:
                        continue
                    if any((p, ARK.status, st) in g for st in (ARK.Ide, ARK.Igang)):
                        found.append(p)
            if found:
                f.plans[(ml, k)] = sorted(found, key=str)
                out.append((ml, AFL.planlagtAf, k))

    # Dispensations: valid = complete (DISP-1), not expired, decided by an approved decision in force.
    for d in g.subjects(RDF.type, ARK.Dispensation):
        expiry = as_date(g.value(d, ARK.udloeber))
        if expiry is not None and expiry < as_of:
            f.expired_dispensations.add(d)
            out.append((d, AFL.udloebet, TRUE))
            continue
        complete = all(g.value(d, p) is not None for p in (ARK.regel, ARK.gaelder, ARK.begrundelse))
        decision = g.value(d, ARK.besluttetVed)
        if complete and expiry is not None and decision in f.approved:
            f.valid_dispensations.add(d)
            out.append((d, AFL.gyldig, TRUE))

    _realisation_due(g, f)
    return f


# A four-digit year standing alone ("2016-2017", "Q3 2016"), not part of a longer number.
_YEAR = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")
_GYEAR = re.compile(r"([0-9]{4,})(Z|[+-][0-9]{2}:[0-9]{2})?")  # a BCE year ("-0044") is never due


def realisation_last_day(value: Node) -> dt.date | None:
    """The last day of an ``ark:realiseres`` value (docs/regler/GEV-4.md); ``None``: not evaluated.

    xsd:gYear → 31 December of that year; xsd:date → that date; any other literal → 31 December
    of the last four-digit year written in it ("2016-2017" → 2017-12-31); a literal without one
    ("fra første projekt"), an IRI or an ill-typed year or date (MOD-4's business) → ``None``.
    """
    if not isinstance(value, Literal):
        return None
    if value.datatype == XSD.date:
        return as_date(value)
    if value.datatype == XSD.gYear:
        m = _GYEAR.fullmatch(str(value))
        year = int(m.group(1)) if m else 0
    else:
        years = _YEAR.findall(str(value))
        year = int(years[-1]) if years else 0
    return dt.date(year, 12, 31) if dt.MINYEAR <= year <= dt.MAXYEAR else None


def _realisation_due(g: Graph, f: Facts) -> None:
    """``?gevinst afl:realiseresSenest ?d``: the last day of its realiseres, computed once here so
    that GEV-4 (both engines) and the reports compare the same date with as-of. With several
    realiseres values the latest last day counts (the benefit is not due before its last part)."""
    for gevinst, value in g.subject_objects(ARK.realiseres):
        day = realisation_last_day(value)
        if day is None:
            continue
        prev = f.realisation_due.get(gevinst)
        if prev is None or day > prev:
            f.realisation_due[gevinst] = day
    for gevinst, day in f.realisation_due.items():
        f.triples.append((gevinst, AFL.realiseresSenest, _lit(day)))
