"""Regneark ud / writes a repository's usages, contracts and integrations as our template's three
sheets (xlsx or one CSV file per sheet)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from ... import formatting
from ...namespaces import ARK
from ..report import Report
from ..sheets_io import write_csv, write_xlsx
from ..terms import Prefixes
from .layout import LIVSCYKLUS_NAVN, MULTI, TEMPLATE, months


def _value(g: Graph, v) -> str:
    return formatting.label(g, v) if isinstance(v, URIRef) else str(v)


def _kle_key(g: Graph, task) -> str:
    """A task's KLE number: its skos:notation, else the number in its KLE IRI, else the IRI."""
    for n in g.objects(task, SKOS.notation):
        return str(n)
    m = re.search(r"#_(\d{2}(?:\.\d{2}){0,2})$", str(task))
    return m.group(1) if m else str(task)


def tables_for(repo, kommune: str | None = None) -> tuple[list[tuple[str, list[str], list[list]]], Report]:
    """The three manager sheets (rows sorted) from a loaded repository."""
    g = repo.graph()
    report = Report()
    prefixes = Prefixes()  # built-in prefixes only, so that the importer can expand every id it reads
    only = URIRef(prefixes.expand(kommune) or kommune) if kommune else None

    def ident(n) -> str:
        return prefixes.iri_text(str(n))

    def d(v) -> dt.date | str | None:
        if v is None:
            return None
        try:
            return dt.date.fromisoformat(str(v))
        except ValueError:
            return str(v)

    def one(s, p):
        values = sorted(g.objects(s, p), key=str)
        return values[0] if values else None

    usages = sorted(set(repo.model.subjects(RDF.type, ARK.Systemanvendelse)), key=str)
    if only is not None:
        usages = [u for u in usages if (u, ARK.kommune, only) in g]
    rows_u = []
    contracts = set()
    for u in usages:
        k = one(u, ARK.kommune)
        kle = sorted(_kle_key(g, t) for t in g.objects(u, ARK.understoetterOpgave))
        ks = sorted(g.objects(u, ARK.kontrakt), key=str)
        contracts.update(ks)
        lc = one(u, ARK.livscyklus)
        rows_u.append([ident(u), formatting.label(g, u), formatting.label(g, k) if k is not None else None,
                       formatting.label(g, one(u, ARK.system)) if one(u, ARK.system) is not None else None,
                       LIVSCYKLUS_NAVN.get(lc, _value(g, lc) if lc is not None else None), None, None,
                       MULTI.join(_value(g, v) for v in sorted(g.objects(u, ARK.systemejer), key=str)) or None,
                       MULTI.join(_value(g, v) for v in sorted(g.objects(u, ARK.systemansvarlig), key=str)) or None,
                       ", ".join(kle) or None, MULTI.join(formatting.label(g, x) for x in ks) or None,
                       str(one(u, DCTERMS.identifier)) if one(u, DCTERMS.identifier) is not None else None])
    rows_u.sort(key=lambda r: (r[2] or "", r[1] or ""))
    all_contracts = set(repo.model.subjects(RDF.type, ARK.Kontrakt))
    rows_k = []
    for c in sorted(all_contracts if only is None else contracts, key=str):
        sup = one(c, ARK.leverandoer)
        frist = one(c, ARK.opsigelsesfrist)
        dba = one(c, ARK.databehandleraftale)
        price = one(c, ARK.aarligPris)
        price_v = _price_cell(price)
        if isinstance(price_v, str):
            report.lose("ark:aarligPris kan ikke være et tal i regnearket (INF, NaN eller over 15 cifre); "
                        "skrevet som tekst / cannot be a number cell (INF, NaN or over 15 digits); written as text",
                        f"{formatting.label(g, c)}: {price_v}")
        rows_k.append([ident(c), formatting.label(g, c), formatting.label(g, sup) if sup is not None else None,
                       str(one(sup, ARK.cvr)) if sup is not None and one(sup, ARK.cvr) is not None else None,
                       d(one(c, ARK.startdato)), d(one(c, ARK.udloebsdato)),
                       months(str(frist)) if frist is not None and months(str(frist)) is not None else
                       (str(frist) if frist is not None else None),
                       d(one(c, ARK.forlaengelseTil)), price_v,
                       None if dba is None else ("ja" if str(dba) in ("true", "1") else "nej"),
                       formatting.label(g, one(c, ARK.kontraktpart)) if one(c, ARK.kontraktpart) is not None else None])
    rows_k.sort(key=lambda r: (r[1] or "", r[0]))
    rows_i = []
    usage_set = set(usages)
    for i in sorted(set(repo.model.subjects(RDF.type, ARK.Integration)), key=str):
        ends = set(g.objects(i, ARK.fra)) | set(g.objects(i, ARK.til))
        if only is not None and not ends & usage_set:
            continue
        rows_i.append([ident(i), formatting.label(g, i),
                       MULTI.join(formatting.label(g, x) for x in sorted(g.objects(i, ARK.fra), key=str)) or None,
                       MULTI.join(formatting.label(g, x) for x in sorted(g.objects(i, ARK.til), key=str)) or None,
                       MULTI.join(formatting.label(g, x) for x in sorted(g.objects(i, ARK.via), key=str)) or None,
                       MULTI.join(formatting.tail(x) for x in sorted(g.objects(i, ARK.moenster), key=str)) or None,
                       MULTI.join(formatting.label(g, x) for x in sorted(g.objects(i, ARK.overfoerer), key=str)) or None,
                       MULTI.join(_value(g, x) for x in sorted(g.objects(i, ARK.retsgrundlag), key=str)) or None])
    rows_i.sort(key=lambda r: (r[1] or "", r[0]))
    report.note(f"{len(rows_u)} systemanvendelser, {len(rows_k)} kontrakter, {len(rows_i)} integrationer / "
                "usages, contracts, integrations")
    if rows_u:
        report.lose("ibrugtagning og slut har endnu ingen ark-egenskab (kolonnerne er tomme) / no ark term yet")
    return ([("Systemanvendelser", TEMPLATE["Systemanvendelser"], rows_u),
             ("Kontrakter", TEMPLATE["Kontrakter"], rows_k),
             ("Integrationer", TEMPLATE["Integrationer"], rows_i)], report)


# Excel keeps 15 significant digits; beyond that (or INF, NaN, 1e999999) a number cell would be
# wrong or the conversion would fail (issue 13), so the lexical form goes out as text.
_EXACT_IN_EXCEL = Decimal(10) ** 15


def _price_cell(price) -> int | float | str | None:
    """A price as a number cell, or its lexical form as text when no number cell can hold it."""
    if price is None:
        return None
    try:
        value = Decimal(str(price))
    except InvalidOperation:
        return str(price)
    if not value.is_finite() or abs(value) >= _EXACT_IN_EXCEL:
        return str(price)
    return int(value) if value == value.to_integral_value() else float(value)


def export_xlsx(repo, kommune: str | None = None) -> tuple[bytes, Report]:
    sheets, report = tables_for(repo, kommune)
    return write_xlsx(sheets), report


def export_csv(repo, kommune: str | None = None, delimiter: str = ";") -> tuple[dict[str, bytes], Report]:
    sheets, report = tables_for(repo, kommune)
    out = {}
    for name, headers, rows in sheets:
        rows = [[v.strftime("%d-%m-%Y") if isinstance(v, dt.date) else v for v in r] for r in rows]
        out[f"{name.lower()}.csv"] = write_csv(headers, rows, delimiter)
    return out, report
