"""Regneark ud / writes a repository's usages, contracts and integrations as our template's three
sheets (xlsx or one CSV file per sheet)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ... import formatting
from ...namespaces import ARK
from ..report import Report
from ..sheets_io import AMOUNT_FORMAT, INTEGER_FORMAT, Sheet, write_csv, write_xlsx
from ..terms import Prefixes
from .layout import MULTI, headers


_IRI_LIKE = re.compile(r"^(<[^>\s]+>|[A-Za-z][\w-]*:\S+)$")


def _value(g: Graph, v, lang: str = "da", report: Report | None = None) -> str:
    """A text-or-node value (systemejer, retsgrundlag): a node by its name, text as it is."""
    if isinstance(v, URIRef):
        return formatting.label(g, v, lang)
    if report is not None and _IRI_LIKE.match(str(v)) and Prefixes().expand(str(v)):
        report.lose("tekst der ligner en IRI eller CURIE læses tilbage som IRI / text that looks like an IRI "
                    "or CURIE reads back as an IRI", str(v))
    return str(v)


def _kle_key(g: Graph, task) -> str:
    """A task's KLE number: its skos:notation, else the number in its KLE IRI, else the IRI."""
    for n in g.objects(task, SKOS.notation):
        return str(n)
    m = re.search(r"#_(\d{2}(?:\.\d{2}){0,2})$", str(task))
    return m.group(1) if m else str(task)


def tables_for(repo, kommune: str | None = None, lang: str = "da") -> tuple[list[Sheet], Report]:
    """The three manager sheets (rows sorted) from a loaded repository: names and codes as labels
    in ``lang`` (``formatting.label``: "I drift", "Filoverførsel"), which ``import`` reads back."""
    g = repo.graph()
    report = Report()
    prefixes = Prefixes()  # built-in prefixes only, so that the importer can expand every id it reads
    only = URIRef(prefixes.expand(kommune) or kommune) if kommune else None

    def ident(n) -> str:
        return prefixes.iri_text(str(n))

    def lab(n) -> str | None:
        return formatting.label(g, n, lang) if n is not None else None

    def name(n) -> tuple[str, str | None]:
        """The "navn" (Danish) and "navn (en)" cells: what import writes back as @da and @en."""
        tagged = {lab.language: str(lab) for lab in g.objects(n, RDFS.label) if isinstance(lab, Literal)}
        if set(tagged) - {"da", "en"}:
            report.lose("navne uden sprog eller på andre sprog end dansk og engelsk / names in other languages",
                        formatting.label(g, n))
        return tagged.get("da") or formatting.label(g, n), tagged.get("en")

    def labels(values) -> str | None:
        return MULTI.join(lab(x) for x in sorted(values, key=str)) or None

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

    def kommuner_of(nodes) -> str | None:
        """The municipalities of usages among ``nodes``, by label, sorted."""
        names = {lab(k) for n in nodes if (n, RDF.type, ARK.Systemanvendelse) in g for k in g.objects(n, ARK.kommune)}
        return MULTI.join(sorted(names, key=str.casefold)) or None

    usages = sorted(set(repo.model.subjects(RDF.type, ARK.Systemanvendelse)), key=str)
    if only is not None:
        usages = [u for u in usages if (u, ARK.kommune, only) in g]
    rows_u = []
    contracts = set()
    for u in usages:
        kle = sorted(_kle_key(g, t) for t in g.objects(u, ARK.understoetterOpgave))
        ks = sorted(g.objects(u, ARK.kontrakt), key=str)
        contracts.update(ks)
        da, en = name(u)
        rows_u.append([ident(u), da, lab(one(u, ARK.kommune)), lab(one(u, ARK.system)),
                       lab(one(u, ARK.livscyklus)), None, None,
                       MULTI.join(_value(g, v, lang, report) for v in sorted(g.objects(u, ARK.systemejer), key=str)) or None,
                       MULTI.join(_value(g, v, lang, report) for v in sorted(g.objects(u, ARK.systemansvarlig), key=str))
                       or None,
                       ", ".join(kle) or None, labels(ks),
                       str(one(u, DCTERMS.identifier)) if one(u, DCTERMS.identifier) is not None else None, en])
    rows_u.sort(key=lambda r: (r[2] or "", r[1] or ""))
    all_contracts = set(repo.model.subjects(RDF.type, ARK.Kontrakt))
    rows_k = []
    for c in sorted(all_contracts if only is None else contracts, key=str):
        sup = one(c, ARK.leverandoer)
        frist = one(c, ARK.opsigelsesfrist)
        dba = one(c, ARK.databehandleraftale)
        prices = sorted(g.objects(c, ARK.aarligPris), key=lambda p: (getattr(p, "datatype", None) != XSD.decimal, str(p)))
        price = prices[0] if prices else None
        if len(prices) > 1 or (price is not None and getattr(price, "datatype", None) not in (XSD.decimal, XSD.integer)):
            report.lose("ark:aarligPris: kun én pris pr. kontrakt, og den læses tilbage som xsd:decimal / only one "
                        "price per contract, read back as xsd:decimal", f"{lab(c)}: {', '.join(map(str, prices))}")
        price_v = _price_cell(price)
        if isinstance(price_v, str):
            report.lose("ark:aarligPris kan ikke være et tal i regnearket (INF, NaN eller over 15 cifre); "
                        "skrevet som tekst / cannot be a number cell (INF, NaN or over 15 digits); written as text",
                        f"{lab(c)}: {price_v}")
        part = one(c, ARK.kontraktpart)
        # Kommune: the members whose usages run under the contract, else a municipal contract party.
        members = kommuner_of(g.subjects(ARK.kontrakt, c))
        if members is None and part is not None and (part, RDF.type, ARK.Kommune) in g:
            members = lab(part)
        da, en = name(c)
        rows_k.append([ident(c), da, members, lab(sup),
                       str(one(sup, ARK.cvr)) if sup is not None and one(sup, ARK.cvr) is not None else None,
                       d(one(c, ARK.startdato)), d(one(c, ARK.udloebsdato)),
                       _notice_cell(frist),
                       d(one(c, ARK.forlaengelseTil)), price_v,
                       None if dba is None else _yes_no(str(dba) in ("true", "1"), lang), lab(part), en])
    rows_k.sort(key=lambda r: (r[1] or "", r[0]))
    rows_i = []
    usage_set = set(usages)
    for i in sorted(set(repo.model.subjects(RDF.type, ARK.Integration)), key=str):
        ends = set(g.objects(i, ARK.fra)) | set(g.objects(i, ARK.til))
        if only is not None and not ends & usage_set:
            continue
        da, en = name(i)
        rows_i.append([ident(i), da, kommuner_of(ends), labels(g.objects(i, ARK.fra)),
                       labels(g.objects(i, ARK.til)), labels(g.objects(i, ARK.via)),
                       labels(g.objects(i, ARK.moenster)), labels(g.objects(i, ARK.overfoerer)),
                       MULTI.join(_value(g, x, lang, report) for x in sorted(g.objects(i, ARK.retsgrundlag), key=str)) or None,
                       en])
    rows_i.sort(key=lambda r: (r[1] or "", r[0]))
    report.note(f"{len(rows_u)} systemanvendelser, {len(rows_k)} kontrakter, {len(rows_i)} integrationer / "
                "usages, contracts, integrations")
    if rows_u:
        report.lose("ibrugtagning og slut har endnu ingen ark-egenskab (kolonnerne er tomme) / no ark term yet")
    contract_headers = headers("Kontrakter", lang)
    column = dict(zip(headers("Kontrakter"), contract_headers))  # the Danish header -> this language's
    return ([Sheet("Systemanvendelser", headers("Systemanvendelser", lang), rows_u),
             Sheet("Kontrakter", contract_headers, rows_k,
                   formats={column["årlig pris"]: AMOUNT_FORMAT, column["opsigelse (mdr)"]: INTEGER_FORMAT}),
             Sheet("Integrationer", headers("Integrationer", lang), rows_i)], report)


def _yes_no(value: bool, lang: str) -> str:
    """A yes/no cell in the sheet's language (``layout.parse_bool`` reads both)."""
    return ("yes" if value else "no") if lang == "en" else ("ja" if value else "nej")


def _notice_cell(frist) -> int | str | None:
    """The notice period in months as a number ("P6M" → 6); another duration ("P1Y") as its exact
    text, which import keeps as it is (a number would come back as P12M: another literal)."""
    if frist is None:
        return None
    m = re.fullmatch(r"P(\d+)M", str(frist))
    return int(m.group(1)) if m else str(frist)


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


def export_xlsx(repo, kommune: str | None = None, lang: str = "da", extra: list[Sheet] | None = None
                ) -> tuple[bytes, Report]:
    """The workbook: our template's three sheets, then ``extra`` (``overview``: matrix and findings)."""
    sheets, report = tables_for(repo, kommune, lang)
    return write_xlsx(sheets + list(extra or [])), report


def _csv_cell(value, delimiter: str):
    """Dates as 31-12-2019; with ';' (Danish Excel) a decimal comma: 250000,5."""
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float) and delimiter == ";":
        return str(value).replace(".", ",")
    return value


def export_csv(repo, kommune: str | None = None, delimiter: str = ";", lang: str = "da"
               ) -> tuple[dict[str, bytes], Report]:
    sheets, report = tables_for(repo, kommune, lang)
    out = {}
    for sheet in sheets:
        rows = [[_csv_cell(v, delimiter) for v in r] for r in sheet.rows]
        out[f"{sheet.name.lower()}.csv"] = write_csv(sheet.headers, rows, delimiter)
    return out, report
