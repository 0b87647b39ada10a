"""Regnearkenes opbygning / the sheet layouts (our template's sheets and headers, the header aliases
of KITOS' Excel export) and the readers of cell values, shared by import and export."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from ...namespaces import ARK

KITOS_BASE = "https://w3id.org/arkitektur/kitos/"

TEMPLATE = {
    "Systemanvendelser": ["id", "navn", "kommune", "system", "livscyklus", "ibrugtagning", "slut", "systemejer",
                          "systemansvarlig", "KLE", "kontrakt", "kitos-uuid"],
    "Kontrakter": ["id", "navn", "leverandør", "CVR", "start", "udløb", "opsigelse (mdr)", "forlængelse til",
                   "årlig pris", "databehandleraftale", "kontraktpart"],
    "Integrationer": ["id", "navn", "fra", "til", "via", "mønster", "dataobjekter", "retsgrundlag"],
}

# Header aliases: normalised header text -> field. KITOS' Excel headers map to the same fields.
ALIASES = {
    "usage": {
        "id": "id", "iri": "id", "navn": "navn", "kommune": "kommune", "system": "system", "it system": "system",
        "it-system": "system", "it system (uuid)": "system_uuid", "it-system (uuid)": "system_uuid",
        "livscyklus": "livscyklus", "ibrugtagning": "ibrugtagning", "ibrugtagningsdato": "ibrugtagning",
        "slut": "slut", "slutdato for anvendelse": "slut", "systemejer": "systemejer",
        "systemansvarlig": "systemansvarlig", "kle": "kle", "kle id": "kle", "kontrakt": "kontrakt",
        "it kontrakter": "kontrakt_navne", "kitos-uuid": "kitos_uuid", "lokal kaldenavn": "kaldenavn",
        "leverandør": "leverandoer", "rettighedshaver": "rettighedshaver",
        "dato for seneste risikovurdering": "risikovurderet", "risikovurderet": "risikovurderet",
    },
    "contract": {
        "id": "id", "iri": "id", "navn": "navn", "it kontrakt": "navn", "kontrakt id": "kontrakt_id",
        "leverandør": "leverandoer", "cvr": "cvr", "start": "start", "gyldig fra": "start", "udløb": "udloeb",
        "gyldig til": "udloeb", "opsigelse (mdr)": "opsigelse", "opsigelse (måneder)": "opsigelse",
        "forlængelse til": "forlaengelse", "årlig pris": "pris", "drift/år": "pris",
        "databehandleraftale": "dba", "databehandleraftaler": "dba_kitos", "kontraktpart": "kontraktpart",
        "genanskaffelsesplan": "plan", "it systemer (uuid)": "system_uuids",
    },
    "integration": {
        "id": "id", "iri": "id", "navn": "navn", "fra": "fra", "til": "til", "via": "via", "mønster": "moenster",
        "dataobjekter": "dataobjekter", "retsgrundlag": "retsgrundlag",
    },
}
# Columns we know but cannot carry (reported once per column with values).
LOST_USAGE = {"ibrugtagning", "slut"}
LIFECYCLE_TEXT = {
    "planlagt": ARK.Planlagt, "indfases": ARK.Indfases, "idrift": ARK.IDrift, "i drift": ARK.IDrift,
    "udfases": ARK.Udfases, "udfaset": ARK.Udfaset, "under indfasning": ARK.Indfases,
    "under afprøvning": ARK.Indfases, "under udfasning": ARK.Udfases,
}
MOENSTER = {"opslag": ARK.Opslag, "besked": ARK.Besked, "filoverfoersel": ARK.Filoverfoersel,
            "filoverførsel": ARK.Filoverfoersel, "replikering": ARK.Replikering}
LIVSCYKLUS_NAVN = {ARK.Planlagt: "Planlagt", ARK.Indfases: "Indfases", ARK.IDrift: "IDrift",
                   ARK.Udfases: "Udfases", ARK.Udfaset: "Udfaset"}
MULTI = " | "


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
