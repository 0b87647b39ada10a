"""Regnearkenes opbygning / the sheet layouts (our template's sheets and headers, the header aliases
of KITOS' Excel export) and the readers of cell values, shared by import and export."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

from ...namespaces import ARK

KITOS_BASE = "https://w3id.org/arkitektur/kitos/"

TEMPLATE = {
    "Systemanvendelser": ["id", "navn", "kommune", "system", "livscyklus", "ibrugtagning", "slut", "systemejer",
                          "systemansvarlig", "KLE", "kontrakt", "kitos-uuid", "navn (en)"],
    "Kontrakter": ["id", "navn", "kommune", "leverandør", "CVR", "start", "udløb", "opsigelse (mdr)", "forlængelse til",
                   "årlig pris", "databehandleraftale", "kontraktpart", "navn (en)"],
    "Integrationer": ["id", "navn", "kommune", "fra", "til", "via", "mønster", "dataobjekter", "retsgrundlag",
                      "navn (en)"],
}

# The same columns with English headers (``export --lang en``), column for column; the sheet names
# (and so the CSV file names) stay the same in both languages, so scripts and import find them.
TEMPLATE_EN = {
    "Systemanvendelser": ["id", "name (da)", "municipality", "system", "lifecycle", "in use from", "end",
                          "system owner", "system manager", "KLE", "contract", "kitos-uuid", "name (en)"],
    "Kontrakter": ["id", "name (da)", "municipality", "supplier", "CVR", "start", "expiry", "notice (months)",
                   "extended to", "annual price", "data processing agreement", "contract party", "name (en)"],
    "Integrationer": ["id", "name (da)", "municipality", "from", "to", "via", "pattern", "data objects",
                      "legal basis", "name (en)"],
}
SHEET_KIND = {"Systemanvendelser": "usage", "Kontrakter": "contract", "Integrationer": "integration"}


def headers(sheet: str, lang: str = "da") -> list[str]:
    """The template's headers of ``sheet`` in ``lang`` (da or en)."""
    return (TEMPLATE_EN if lang == "en" else TEMPLATE)[sheet]


# Header aliases: normalised header text -> field. KITOS' Excel headers map to the same fields.
ALIASES = {
    "usage": {
        "id": "id", "iri": "id", "navn": "navn", "navn (en)": "navn_en", "kommune": "kommune", "system": "system", "it system": "system",
        "it-system": "system", "it system (uuid)": "system_uuid", "it-system (uuid)": "system_uuid",
        "livscyklus": "livscyklus", "ibrugtagning": "ibrugtagning", "ibrugtagningsdato": "ibrugtagning",
        "slut": "slut", "slutdato for anvendelse": "slut", "systemejer": "systemejer",
        "systemansvarlig": "systemansvarlig", "kle": "kle", "kle id": "kle", "kontrakt": "kontrakt",
        "it kontrakter": "kontrakt_navne", "kitos-uuid": "kitos_uuid", "lokal kaldenavn": "kaldenavn",
        "leverandør": "leverandoer", "rettighedshaver": "rettighedshaver",
        "dato for seneste risikovurdering": "risikovurderet", "risikovurderet": "risikovurderet",
    },
    "contract": {
        "id": "id", "iri": "id", "navn": "navn", "navn (en)": "navn_en", "it kontrakt": "navn", "kontrakt id": "kontrakt_id",
        "leverandør": "leverandoer", "cvr": "cvr", "start": "start", "gyldig fra": "start", "udløb": "udloeb",
        "gyldig til": "udloeb", "opsigelse (mdr)": "opsigelse", "opsigelse (måneder)": "opsigelse",
        "forlængelse til": "forlaengelse", "årlig pris": "pris", "drift/år": "pris",
        "databehandleraftale": "dba", "databehandleraftaler": "dba_kitos", "kontraktpart": "kontraktpart",
        "genanskaffelsesplan": "plan", "it systemer (uuid)": "system_uuids",
        # Derived on export (the municipalities whose usages name the contract): not read back.
        "kommune": "kommune_afledt",
    },
    "integration": {
        "id": "id", "iri": "id", "navn": "navn", "navn (en)": "navn_en", "fra": "fra", "til": "til", "via": "via", "mønster": "moenster",
        "dataobjekter": "dataobjekter", "retsgrundlag": "retsgrundlag",
        "kommune": "kommune_afledt",  # derived on export (the municipalities of its ends): not read back
    },
}
# What export --lang en writes reads back as the Danish header in the same column does.
for _sheet, _kind in SHEET_KIND.items():
    for _en, _da in zip(TEMPLATE_EN[_sheet], TEMPLATE[_sheet]):
        ALIASES[_kind].setdefault(_en.casefold(), ALIASES[_kind][_da.casefold()])
# Columns we know but cannot carry (reported once per column with values).
LOST_USAGE = {"ibrugtagning", "slut"}
# KITOS' lifecycle words; the ontology's own labels (Danish and English) and local names are added
# by ``lifecycle_codes`` — what ``export`` writes is a label, so every label must read back.
KITOS_LIFECYCLE = {
    "under indfasning": ARK.Indfases, "under afprøvning": ARK.Indfases, "under udfasning": ARK.Udfases,
}
# Sheets that export xlsx derives (the harmonisation matrix, the findings): skipped on import.
DERIVED_SHEETS = ("harmonisering", "fund")
MULTI = " | "


@lru_cache(maxsize=4)
def codes(scheme: URIRef) -> dict:
    """normalised text -> code for a code list of the shipped ontology: every rdfs:label and
    skos:prefLabel in any language ("I drift", "In operation"), the local name ("IDrift") and CURIE."""
    from ...loader import ontology_graph

    g = ontology_graph()
    out = {}
    for code in sorted(g.subjects(SKOS.inScheme, scheme), key=str):
        if not isinstance(code, URIRef):
            continue
        local = str(code).rsplit("#", 1)[-1]
        out[norm(local)] = out[norm(f"ark:{local}")] = code
        for p in (RDFS.label, SKOS.prefLabel):
            for lab in g.objects(code, p):
                out.setdefault(norm(str(lab)), code)
    return out


def lifecycle_code(text: str):
    """A lifecycle cell (a label in Danish or English, a code name, or a KITOS word) -> the code."""
    key = norm(text)
    return codes(ARK.Livscyklus).get(key) or KITOS_LIFECYCLE.get(key)


def pattern_code(text: str):
    """An integration pattern cell ("Filoverførsel", "File transfer", "Filoverfoersel") -> the code."""
    return codes(ARK.Integrationsmoenster).get(norm(text))


def norm(header: str) -> str:
    h = unicodedata.normalize("NFC", str(header)).strip().rstrip(":").casefold()
    return re.sub(r"\s+", " ", h)


def slug(text: str) -> str:
    t = unicodedata.normalize("NFKD", text.casefold())
    t = t.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-") or "x"


# --------------------------------------------------------------------------- values
def parse_date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and 20000 < float(value) < 80000:  # an Excel serial date
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    text = str(value).strip()
    m = re.match(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$", text)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$", text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return None


def parse_decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "").replace("kr.", "").replace("kr", "").replace("DKK", "")
    if re.match(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$", text) or "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    t = norm(str(value or ""))
    if t in ("ja", "true", "x", "yes", "1", "sand"):
        return True
    if t in ("nej", "false", "no", "0", "falsk"):
        return False
    return None


def months(value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    text = str(value).strip()
    m = re.match(r"^P(?:(\d+)Y)?(?:(\d+)M)?$", text)
    if m and (m.group(1) or m.group(2)):
        return int(m.group(1) or 0) * 12 + int(m.group(2) or 0)
    m = re.match(r"^(\d{1,3})\b", text)
    return int(m.group(1)) if m else None
