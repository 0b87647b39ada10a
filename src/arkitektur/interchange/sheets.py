"""Regneark-afbildning / our spreadsheet template and KITOS' Excel export ↔ the modelling language.

Our template has one sheet per class with Danish headers (``Systemanvendelser``, ``Kontrakter``,
``Integrationer``); KITOS' export (usages or contracts) is recognised and mapped by header text,
never by position. References (kommune, system, kontrakt …) may be an IRI/CURIE, a name defined in
the same workbook, or a name in ``--repo``; otherwise a new node is made and reported.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .. import formatting
from ..errors import InputError, UsageError
from ..namespaces import ARK
from .kitos import kle_iri
from .report import Report
from .sheets_io import Table, read_csv, read_xlsx, write_csv, write_xlsx
from .terms import Prefixes

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


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --------------------------------------------------------------------------- import
@dataclass
class SheetResult:
    graph: Graph
    prefixes: Prefixes
    report: Report


@dataclass
class Resolver:
    """Finds or makes the node a reference cell names."""

    g: Graph
    base: str
    report: Report
    prefixes: Prefixes
    repo: Graph | None = None
    local: dict = field(default_factory=dict)   # (class, label) -> node defined in this workbook

    def node(self, text: str, cls, segment: str, make: bool = True):
        """``cls`` is a class or a tuple of acceptable classes (a new node gets the first)."""
        text = text.strip()
        if not text:
            return None
        iri = self.prefixes.expand(text) if (":" in text and " " not in text) else None
        if iri:
            return URIRef(iri)
        classes = cls if isinstance(cls, tuple) else (cls,)
        for c in classes:
            if (c, text) in self.local:
                return self.local[(c, text)]
        if self.repo is not None:
            hits = sorted({s for s, lab in self.repo.subject_objects(RDFS.label)
                           if str(lab) == text and any((s, RDF.type, c) in self.repo for c in classes)}, key=str)
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                self.report.warn("navnet passer på flere noder i repositoriet; brug IRI / ambiguous name", text)
                return None
        if not make:
            return None
        node = URIRef(f"{self.base}{segment}/{slug(text)}")
        self.g.add((node, RDF.type, classes[0]))
        self.g.add((node, RDFS.label, Literal(text, lang="da")))
        self.report.warn(f"ny node oprettet for et navn der ikke blev fundet ({segment}) / new node for an "
                         "unknown name", text)
        self.local[(classes[0], text)] = node
        return node


def _fields(table: Table, kind: str, report: Report) -> list[str | None]:
    aliases = ALIASES[kind]
    out = []
    for h in table.headers:
        f = aliases.get(norm(h))
        if f is None and h:
            if kind == "usage" and norm(h).endswith(("e-mail", "email")):
                f = None
            out.append(f)
            report.lose(f"kolonnen '{h}' har ingen plads i modellen / column has no place", table.origin)
        else:
            out.append(f)
    return out


def _rows(table: Table, fields: list) -> list[dict]:
    out = []
    for row in table.rows:
        rec = {}
        for f, v in zip(fields, row):
            if f is not None and v not in (None, ""):
                rec[f] = v
        out.append(rec)
    return out


def detect(table: Table) -> str | None:
    name = norm(table.name)
    for sheet, kind in (("systemanvendelser", "usage"), ("kontrakter", "contract"), ("integrationer", "integration")):
        if name == sheet:
            return kind
    heads = {norm(h) for h in table.headers}
    if heads & {"it system", "it-system", "it system (uuid)", "it-system (uuid)"} and "livscyklus" in heads:
        return "usage"
    if "it kontrakt" in heads or {"udløb", "leverandør"} <= heads:
        return "contract"
    if {"kommune", "system"} <= heads:
        return "usage"
    if {"fra", "til"} <= heads:
        return "integration"
    return None


class SheetImporter:
    def __init__(self, base: str, kommune: str | None, repo: Graph | None) -> None:
        self.g = Graph()
        self.report = Report()
        self.prefixes = Prefixes()
        self.base = base
        self.r = Resolver(self.g, base, self.report, self.prefixes, repo)
        self.kommune = URIRef(self.prefixes.expand(kommune) or kommune) if kommune else None
        from ..loader import ontology_graph

        self.shipped = ontology_graph()
        self.shipped_kle = set(self.shipped.subjects(RDF.type, ARK.Opgave))

    def label(self, node) -> str:
        """``formatting.label`` from the first graph that names the node: this import, the
        repository, the shipped ontology."""
        graphs = [g for g in (self.g, self.r.repo, self.shipped) if g is not None]
        return formatting.label(next((g for g in graphs if next(g.objects(node, RDFS.label), None) is not None),
                                     graphs[0]), node)

    def opgave(self, key: str):
        node = kle_iri(key)
        if node is None:
            self.report.warn("KLE-nummer i ukendt form / KLE number in an unknown form", key)
            return None
        if node not in self.shipped_kle and (self.r.repo is None or (node, RDF.type, ARK.Opgave) not in self.r.repo):
            self.g.add((node, RDF.type, ARK.Opgave))
            self.g.add((node, SKOS.notation, Literal(key)))
            self.g.add((node, SKOS.inScheme, ARK.KLE))
            self.g.add((node, RDFS.label, Literal(f"KLE {key}", lang="da")))
        return node

    def run(self, tables: list[Table]) -> None:
        kinds = [(t, detect(t)) for t in tables]
        for t, kind in kinds:
            if kind is None and t.rows:
                self.report.lose(f"arket '{t.name}' blev ikke genkendt / sheet not recognised", t.origin)
        order = {"contract": 0, "usage": 1, "integration": 2}
        for t, kind in sorted([k for k in kinds if k[1]], key=lambda k: order[k[1]]):
            fields = _fields(t, kind, self.report)
            recs = _rows(t, fields)
            getattr(self, f"_{kind}")(recs, t)

    # ----- contracts
    def _contract(self, recs: list[dict], t: Table) -> None:
        for rec in recs:
            name = _text(rec.get("navn")) or _text(rec.get("kontrakt_id"))
            if not name and not rec.get("id"):
                continue
            if rec.get("id"):
                node = self.r.node(_text(rec["id"]), ARK.Kontrakt, "kontrakt", make=False) or \
                    URIRef(f"{self.base}kontrakt/{slug(_text(rec['id']))}")
            else:
                node = URIRef(f"{self.base}kontrakt/{slug(_text(rec.get('kontrakt_id')) or name)}")
            self.g.add((node, RDF.type, ARK.Kontrakt))
            if name:
                self.g.add((node, RDFS.label, Literal(name, lang="da")))
                self.r.local[(ARK.Kontrakt, name)] = node
            if rec.get("leverandoer"):
                sup = self.r.node(_text(rec["leverandoer"]), ARK.Leverandoer, "leverandoer")
                self.g.add((node, ARK.leverandoer, sup))
                if rec.get("cvr"):
                    self.g.add((sup, ARK.cvr, Literal(_text(rec["cvr"]))))
            for f, p in (("start", ARK.startdato), ("udloeb", ARK.udloebsdato), ("forlaengelse", ARK.forlaengelseTil)):
                if f in rec:
                    d = parse_date(rec[f])
                    if d is None:
                        self.report.warn(f"dato der ikke kan læses ({f}) / unreadable date", _text(rec[f]))
                    else:
                        self.g.add((node, p, Literal(d.isoformat(), datatype=XSD.date)))
            if "opsigelse" in rec:
                n = months(rec["opsigelse"])
                if n is None:
                    self.report.warn("opsigelse (mdr) kan ikke læses / unreadable notice period", _text(rec["opsigelse"]))
                else:
                    self.g.add((node, ARK.opsigelsesfrist, Literal(f"P{n}M", datatype=XSD.duration)))
            if "pris" in rec:
                price = parse_decimal(rec["pris"])
                if price is None:
                    self.report.warn("årlig pris er ikke et tal / price is not a number", _text(rec["pris"]))
                else:
                    self.g.add((node, ARK.aarligPris, Literal(str(price), datatype=XSD.decimal)))
            if "dba" in rec:
                b = parse_bool(rec["dba"])
                if b is None:
                    self.report.warn("databehandleraftale: skriv ja/nej / write yes/no", _text(rec["dba"]))
                else:
                    self.g.add((node, ARK.databehandleraftale, Literal("true" if b else "false", datatype=XSD.boolean)))
            if rec.get("dba_kitos"):
                self.g.add((node, ARK.databehandleraftale, Literal("true", datatype=XSD.boolean)))
                self.report.warn("KITOS' 'Databehandleraftaler' tolket som databehandleraftale=true / read as true")
            part = _text(rec.get("kontraktpart"))
            if part:
                target = self.r.node(part, (ARK.Kommune, ARK.Samarbejde, ARK.Indkoeber), "kommune", make=False)
                if target is None:
                    self.report.warn("kontraktpart ikke fundet / contract party not found", part)
                else:
                    self.g.add((node, ARK.kontraktpart, target))
            elif self.kommune is not None and norm(t.name) != "kontrakter":
                self.g.add((node, ARK.kontraktpart, self.kommune))
            if rec.get("plan"):
                self._plan(node, name, _text(rec["plan"]))
            for uuid in re.split(r"[,\s]+", _text(rec.get("system_uuids"))):
                if uuid and self.kommune is not None:
                    usage = self._kitos_usage_iri(uuid)
                    self.g.add((usage, ARK.kontrakt, node))

    def _plan(self, node, name: str, text: str) -> None:
        m = re.search(r"Q\s*([1-4]).*?(\d{4})", text, re.I) or re.search(r"(\d{4}).*?Q\s*([1-4])", text, re.I)
        if not m:
            self.report.warn("genanskaffelsesplan kan ikke læses / procurement plan unreadable", text)
            return
        q, year = (m.group(1), m.group(2)) if m.re.pattern.startswith("Q") else (m.group(2), m.group(1))
        udbud = URIRef(f"{node}/udbud")
        self.g.add((udbud, RDF.type, ARK.Udbud))
        self.g.add((udbud, RDFS.label, Literal(f"Genanskaffelse: {name}", lang="da")))
        self.g.add((udbud, ARK.planlagtDato, Literal(dt.date(int(year), 3 * (int(q) - 1) + 1, 1).isoformat(),
                                                     datatype=XSD.date)))
        if self.kommune is not None:
            self.g.add((udbud, ARK.deltager, self.kommune))

    # ----- usages
    def _kitos_usage_iri(self, system_uuid: str) -> URIRef:
        return URIRef(f"{self.base}kitos-excel/{slug(str(self.kommune))}/{system_uuid.lower()}")

    def _usage(self, recs: list[dict], t: Table) -> None:
        kitos_layout = norm(t.name) != "systemanvendelser" and not any("kommune" in r for r in recs)
        if kitos_layout and self.kommune is None:
            raise UsageError("KITOS' eksport har ingen kommunekolonne: angiv --kommune.",
                             "KITOS' export has no municipality column: give --kommune.", code="ARK-E86")
        lost_cols = set()
        for rec in recs:
            sys_name = _text(rec.get("system"))
            sys_uuid = _text(rec.get("system_uuid"))
            if not sys_name and not sys_uuid and not rec.get("id"):
                continue
            kommune = self.kommune
            if rec.get("kommune"):
                kommune = self.r.node(_text(rec["kommune"]), ARK.Kommune, "kommune")
            if sys_uuid:
                system = URIRef(f"{KITOS_BASE}it-system/{sys_uuid.lower()}")
                if sys_name:
                    self.g.add((system, RDF.type, ARK.ItSystem))
                    self.g.add((system, RDFS.label, Literal(sys_name, lang="da")))
                self.g.add((system, DCTERMS.identifier, Literal(sys_uuid.lower())))
            else:
                system = self.r.node(sys_name, ARK.ItSystem, "system") if sys_name else None
            if rec.get("id"):
                node = URIRef(self.prefixes.expand(_text(rec["id"])) or f"{self.base}systemanvendelse/{slug(_text(rec['id']))}")
            elif rec.get("kitos_uuid"):
                node = URIRef(f"{KITOS_BASE}it-system-usage/{_text(rec['kitos_uuid']).lower()}")
            elif sys_uuid and kommune is not None:
                node = self._kitos_usage_iri(sys_uuid)
            else:
                node = URIRef(f"{self.base}systemanvendelse/{slug(self.label(kommune) if kommune else 'x')}-{slug(sys_name)}")
            self.g.add((node, RDF.type, ARK.Systemanvendelse))
            label = _text(rec.get("navn")) or f"{self.label(kommune) if kommune is not None else '?'}: {sys_name or sys_uuid}"
            self.g.add((node, RDFS.label, Literal(label, lang="da")))
            if kommune is not None:
                self.g.add((node, ARK.kommune, kommune))
            if system is not None:
                self.g.add((node, ARK.system, system))
            if rec.get("kaldenavn"):
                self.g.add((node, SKOS.altLabel, Literal(_text(rec["kaldenavn"]), lang="da")))
            if rec.get("kitos_uuid"):
                self.g.add((node, DCTERMS.identifier, Literal(_text(rec["kitos_uuid"]).lower())))
            self._lifecycle(node, rec, label)
            for prop in ("systemejer", "systemansvarlig"):
                value = _text(rec.get(prop))
                if value:
                    iri = self.prefixes.expand(value) if re.match(r"^(<[^>\s]+>|[A-Za-z][\w-]*:\S+)$", value) else None
                    self.g.add((node, ARK[prop], URIRef(iri) if iri else Literal(value)))
            for key in re.split(r"[,;\s]+", _text(rec.get("kle"))):
                if key:
                    task = self.opgave(key)
                    if task is not None:
                        self.g.add((node, ARK.understoetterOpgave, task))
            for name in [n for n in _text(rec.get("kontrakt")).split("|") if n.strip()]:
                k = self.r.node(name, ARK.Kontrakt, "kontrakt")
                self.g.add((node, ARK.kontrakt, k))
            if rec.get("kontrakt_navne"):
                self.report.lose("KITOS-kolonnen 'IT Kontrakter' (navne kan indeholde komma; brug kontrakt-arket) / "
                                 "column 'IT Kontrakter'")
            supplier = _text(rec.get("leverandoer")) or _text(rec.get("rettighedshaver"))
            if supplier and system is not None:
                self.g.add((system, ARK.leverandoer, self.r.node(supplier, ARK.Leverandoer, "leverandoer")))
            if rec.get("risikovurderet"):
                d = parse_date(rec["risikovurderet"])
                if d is None:
                    self.report.warn("risikovurdering: dato der ikke kan læses / unreadable date",
                                     _text(rec["risikovurderet"]))
                else:
                    self.g.add((node, ARK.risikovurderet, Literal(d.isoformat(), datatype=XSD.date)))
            lost_cols |= {c for c in LOST_USAGE if rec.get(c) not in (None, "")}
        for c in sorted(lost_cols):
            self.report.lose(f"kolonnen '{c}' har endnu ingen ark-egenskab / column has no ark term yet")

    def _lifecycle(self, node, rec: dict, label: str) -> None:
        text = _text(rec.get("livscyklus"))
        if not text:
            return
        key = norm(text).removeprefix("ark:")
        value = LIFECYCLE_TEXT.get(key)
        if value is None and key == "ikke i drift":
            end = parse_date(rec.get("slut"))
            value = ARK.Udfaset if end is not None and end < dt.date.today() else ARK.Planlagt
            if value == ARK.Planlagt:
                self.report.warn("'Ikke i drift' uden passeret slutdato tolket som Planlagt / read as Planlagt", label)
        if value is None:
            self.report.warn(f"ukendt livscyklus '{text}' – ikke sat / unknown lifecycle, not set", label)
            return
        self.g.add((node, ARK.livscyklus, value))

    # ----- integrations
    def _integration(self, recs: list[dict], t: Table) -> None:
        for rec in recs:
            fra, til = _text(rec.get("fra")), _text(rec.get("til"))
            if not (fra and til):
                if rec:
                    self.report.warn("integration uden fra eller til sprunget over / skipped", t.origin)
                continue
            ends = (ARK.Systemanvendelse, ARK.Grunddataregister, ARK.Infrastruktur)
            a = self.r.node(fra, ends, "systemanvendelse")
            b = self.r.node(til, ends, "systemanvendelse")
            ident = _text(rec.get("id"))
            node = URIRef(self.prefixes.expand(ident) or f"{self.base}integration/{slug(ident)}") if ident else \
                URIRef(f"{self.base}integration/{slug(fra)}--{slug(til)}")
            self.g.add((node, RDF.type, ARK.Integration))
            self.g.add((node, RDFS.label, Literal(_text(rec.get("navn")) or f"{fra} → {til}", lang="da")))
            self.g.add((node, ARK.fra, a))
            self.g.add((node, ARK.til, b))
            if rec.get("via"):
                self.g.add((node, ARK.via, self.r.node(_text(rec["via"]), ARK.Infrastruktur, "infrastruktur")))
            if rec.get("moenster"):
                m = MOENSTER.get(norm(_text(rec["moenster"])).removeprefix("ark:"))
                if m is None:
                    self.report.warn("ukendt mønster / unknown pattern", _text(rec["moenster"]))
                else:
                    self.g.add((node, ARK.moenster, m))
            for name in [n for n in _text(rec.get("dataobjekter")).split("|") if n.strip()]:
                self.g.add((node, ARK.overfoerer, self.r.node(name, ARK.Dataobjekt, "dataobjekt")))
            if rec.get("retsgrundlag"):
                self.g.add((node, ARK.retsgrundlag, Literal(_text(rec["retsgrundlag"]))))


def _repo_graph(paths: list[Path] | None) -> Graph | None:
    if not paths:
        return None
    from .. import loader

    repo = loader.load(paths)
    g = Graph()
    for t in repo.graph():
        g.add(t)
    return g


def import_file(path: Path, *, kind: str, kommune: str | None = None, base: str = "https://w3id.org/arkitektur/import/",
                repo: list[Path] | None = None) -> SheetResult:
    """Read an xlsx or csv file in our template or KITOS' layout into a graph."""
    if not path.exists():
        raise InputError("filen findes ikke.", "the file does not exist.", code="ARK-E01", file=str(path))
    tables = read_xlsx(path) if kind == "xlsx" else [read_csv(path)]
    imp = SheetImporter(base if base.endswith(("/", "#")) else base + "/", kommune, _repo_graph(repo))
    imp.run(tables)
    rows = sum(len(t.rows) for t in tables)
    imp.report.note(f"{len(tables)} ark, {rows} rækker læst; {len(imp.g)} tripler / sheets, rows read; triples")
    return SheetResult(imp.g, imp.prefixes, imp.report)


# --------------------------------------------------------------------------- export


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
