"""Regneark ind / reads our template or KITOS' Excel export into the modelling language: headers
by text, references resolved in the workbook or ``--repo``, every value that cannot be carried
reported."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ... import formatting
from ...errors import InputError, UsageError
from ...namespaces import ARK
from ..kitos import kle_task
from ..report import ImportResult, Report
from ..sheets_io import Table, read_csv, read_xlsx
from ..terms import Prefixes
from .layout import (
    ALIASES, DERIVED_SHEETS, KITOS_BASE, LOST_USAGE, SHEET_KIND, lifecycle_code, months, norm, parse_bool, parse_date,
    parse_decimal, pattern_code, slug,
)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class Resolver:
    """Finds or makes the node a reference cell names."""

    g: Graph
    base: str
    report: Report
    prefixes: Prefixes
    repo: Graph | None = None
    local: dict = field(default_factory=dict)   # (class, label) -> node defined in this workbook
    by_label: dict | None = None                # label text -> nodes in ``repo``

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
            if self.by_label is None:  # one pass over the labels, not one per cell
                self.by_label = {}
                for s, lab in self.repo.subject_objects(RDFS.label):
                    self.by_label.setdefault(str(lab), set()).add(s)
            hits = sorted({s for s in self.by_label.get(text, ())
                           if any((s, RDF.type, c) in self.repo for c in classes)}, key=str)
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                self.report.lose("navnet passer på flere noder i repositoriet – henvisningen er ikke overført; "
                                 "brug IRI'en / ambiguous name, reference not carried over: use the IRI", text)
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


def _split(value) -> list[str]:
    """A cell with several values (export joins them with " | ")."""
    return [v.strip() for v in _text(value).split("|") if v.strip()]


def _fields(table: Table, kind: str, report: Report) -> list[str | None]:
    aliases = ALIASES[kind]
    out = []
    for h in table.headers:
        f = aliases.get(norm(h))
        out.append(f)
        if f is None and h:
            report.lose(f"kolonnen '{h}' har ingen plads i modellen / column has no place", table.origin)
    return out


def _rows(table: Table, fields: list) -> list[dict]:
    return [{f: v for f, v in zip(fields, row) if f is not None and v not in (None, "")} for row in table.rows]


def detect(table: Table) -> str | None:
    name = norm(table.name)
    if name in DERIVED_SHEETS:
        return "derived"
    for sheet, kind in SHEET_KIND.items():
        if name == norm(sheet):
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
        from ...loader import ontology_graph

        self.shipped = ontology_graph()
        self.shipped_kle = set(self.shipped.subjects(RDF.type, ARK.Opgave))

    def label(self, node) -> str:
        """``formatting.label`` from the first graph that names the node: this import, the
        repository, the shipped ontology."""
        graphs = [g for g in (self.g, self.r.repo, self.shipped) if g is not None]
        return formatting.label(next((g for g in graphs if next(g.objects(node, RDFS.label), None) is not None),
                                     graphs[0]), node)

    def value(self, pred, text: str):
        """A cell of a property that takes text or a node (systemejer, retsgrundlag): an IRI/CURIE;
        the name of the one node that is a value of ``pred`` in ``--repo`` (export writes names); else text."""
        if re.match(r"^(<[^>\s]+>|[A-Za-z][\w-]*:\S+)$", text):
            iri = self.prefixes.expand(text)
            if iri:
                return URIRef(iri)
        repo = self.r.repo
        if repo is not None:
            hits = {o for o in repo.objects(None, pred) if isinstance(o, URIRef)
                    and any(str(lab) == text for lab in repo.objects(o, RDFS.label))}
            if len(hits) == 1:
                return hits.pop()
        return Literal(text)

    def described(self, task) -> bool:
        """A KLE task the shipped ontology or ``--repo`` already describes."""
        return task in self.shipped_kle or (self.r.repo is not None and (task, RDF.type, ARK.Opgave) in self.r.repo)

    def run(self, tables: list[Table]) -> None:
        kinds = [(t, detect(t)) for t in tables]
        for t, kind in kinds:
            if kind is None and t.rows:
                self.report.lose(f"arket '{t.name}' blev ikke genkendt / sheet not recognised", t.origin)
        for t, kind in kinds:
            if kind == "derived":
                self.report.note(f"arket '{t.name}' er afledt af modellen og indlæses ikke / derived sheet, "
                                 "not imported")
        order = {"contract": 0, "usage": 1, "integration": 2}
        for t, kind in sorted([k for k in kinds if k[1] in order], key=lambda k: order[k[1]]):
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
            self._english(node, rec)
            if rec.get("leverandoer"):
                # A purchasing body (ark:KOMBIT) is the supplier of the joint contracts it holds.
                sup = self.r.node(_text(rec["leverandoer"]), (ARK.Leverandoer, ARK.Indkoeber), "leverandoer")
                self._link(node, ARK.leverandoer, sup)
                if sup is not None and rec.get("cvr"):
                    self.g.add((sup, ARK.cvr, Literal(_text(rec["cvr"]))))
            for f, p in (("start", ARK.startdato), ("udloeb", ARK.udloebsdato), ("forlaengelse", ARK.forlaengelseTil)):
                if f in rec:
                    d = parse_date(rec[f])
                    if d is None:
                        self.report.warn(f"dato der ikke kan læses ({f}) / unreadable date", _text(rec[f]))
                    else:
                        self.g.add((node, p, Literal(d.isoformat(), datatype=XSD.date)))
            if "opsigelse" in rec and re.fullmatch(r"P(?=\d)(\d+Y)?(\d+M)?", _text(rec["opsigelse"])):
                # an ISO duration other than months ("P1Y"), as export writes it: kept exactly
                self.g.add((node, ARK.opsigelsesfrist, Literal(_text(rec["opsigelse"]), datatype=XSD.duration, normalize=False)))
            elif "opsigelse" in rec:
                n = months(rec["opsigelse"])
                if n is None:
                    self.report.warn("opsigelse (mdr) kan ikke læses / unreadable notice period", _text(rec["opsigelse"]))
                else:
                    self.g.add((node, ARK.opsigelsesfrist, Literal(f"P{n}M", datatype=XSD.duration, normalize=False)))
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

    def _link(self, node, pred, target) -> None:
        """``node pred target`` – unless the name did not resolve: an ambiguous name is reported as
        lost (``Resolver.node``)."""
        if target is not None:
            self.g.add((node, pred, target))

    def _english(self, node, rec: dict) -> None:
        if _text(rec.get("navn_en")):
            self.g.add((node, RDFS.label, Literal(_text(rec["navn_en"]), lang="en")))

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
            self._english(node, rec)
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
                for value in _split(rec.get(prop)):
                    self.g.add((node, ARK[prop], self.value(ARK[prop], value)))
            for key in re.split(r"[,;\s]+", _text(rec.get("kle"))):
                if key:
                    task = kle_task(self.g, key, self.report, self.described)
                    if task is not None:
                        self.g.add((node, ARK.understoetterOpgave, task))
            for name in _split(rec.get("kontrakt")):
                self._link(node, ARK.kontrakt, self.r.node(name, ARK.Kontrakt, "kontrakt"))
            if rec.get("kontrakt_navne"):
                self.report.lose("KITOS-kolonnen 'IT Kontrakter' (navne kan indeholde komma; brug kontrakt-arket) / "
                                 "column 'IT Kontrakter'")
            supplier = _text(rec.get("leverandoer")) or _text(rec.get("rettighedshaver"))
            if supplier and system is not None:
                self._link(system, ARK.leverandoer, self.r.node(supplier, ARK.Leverandoer, "leverandoer"))
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
        key = norm(text)
        value = lifecycle_code(text)
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
            ident = _text(rec.get("id"))
            node = URIRef(self.prefixes.expand(ident) or f"{self.base}integration/{slug(ident)}") if ident else \
                URIRef(f"{self.base}integration/{slug(fra)}--{slug(til)}")
            self.g.add((node, RDF.type, ARK.Integration))
            self.g.add((node, RDFS.label, Literal(_text(rec.get("navn")) or f"{fra} → {til}", lang="da")))
            self._english(node, rec)
            for pred, cell in ((ARK.fra, fra), (ARK.til, til)):
                for name in _split(cell):
                    self._link(node, pred, self.r.node(name, ends, "systemanvendelse"))
            for name in _split(rec.get("via")):
                self._link(node, ARK.via, self.r.node(name, ARK.Infrastruktur, "infrastruktur"))
            if rec.get("moenster"):
                m = pattern_code(_text(rec["moenster"]))
                if m is None:
                    self.report.warn("ukendt mønster / unknown pattern", _text(rec["moenster"]))
                else:
                    self.g.add((node, ARK.moenster, m))
            for name in _split(rec.get("dataobjekter")):
                self._link(node, ARK.overfoerer, self.r.node(name, ARK.Dataobjekt, "dataobjekt"))
            for value in _split(rec.get("retsgrundlag")):
                self.g.add((node, ARK.retsgrundlag, self.value(ARK.retsgrundlag, value)))


def _repo_graph(paths: list[Path] | None) -> Graph | None:
    if not paths:
        return None
    from ... import loader

    repo = loader.load(paths)
    g = Graph()
    for t in repo.graph():
        g.add(t)
    return g


def import_file(path: Path, *, kind: str, kommune: str | None = None, base: str = "https://w3id.org/arkitektur/import/",
                repo: list[Path] | None = None) -> ImportResult:
    """Read an xlsx or csv file in our template or KITOS' layout into a graph."""
    if not path.exists():
        raise InputError("filen findes ikke.", "the file does not exist.", code="ARK-E01", file=str(path))
    tables = read_xlsx(path) if kind == "xlsx" else [read_csv(path)]
    imp = SheetImporter(base if base.endswith(("/", "#")) else base + "/", kommune, _repo_graph(repo))
    imp.run(tables)
    rows = sum(len(t.rows) for t in tables)
    imp.report.note(f"{len(tables)} ark, {rows} rækker læst; {len(imp.g)} tripler / sheets, rows read; triples")
    return ImportResult(imp.g, imp.prefixes, imp.report)

