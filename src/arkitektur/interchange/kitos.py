"""KITOS-import / maps one organisation's KITOS API v2 data (live or saved JSON) into our language
and updates the repository file without duplicating or silently overwriting.

KITOS UUIDs give stable IRIs (``<base><type>/<uuid>``, plus ``dcterms:identifier``), so a second
import updates the same nodes. Next to the output file the last import is kept as a snapshot
(``.kitos-sidste-import-<navn>.ttl``, the mapped graph, and ``….json``, the KITOS entities and the
time of the import for ``--siden sidst``); ``drift.merge`` compares snapshot, file and new import.
Unknown fields and enum values are warnings, never crashes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ..errors import InputError, UsageError
from ..namespaces import ARK
from . import drift
from .report import Report
from .safety import read_capped, write_atomic
from .terms import KLE_NS, Prefixes
from .turtle_out import serialize

COLLECTIONS = ("it-systems", "it-system-usages", "it-contracts", "it-interfaces",
               "data-processing-registrations")
SEGMENT = {  # IRI segment per KITOS type
    "it-systems": "it-system", "it-system-usages": "it-system-usage", "it-contracts": "it-contract",
    "it-interfaces": "it-interface", "data-processing-registrations": "dpr",
    "relation": "system-relation", "organization": "organization",
}
DEFAULT_ROLES = {"systemejer": "systemejer", "systemansvarlig": "systemansvarlig"}
DEFAULT_INTERFACES = {"ws soap": "Opslag", "ws rest": "Opslag", "oio rest": "Opslag", "csv": "Filoverfoersel"}
GRUNDDATA = {"person": ARK.Person, "virksomhed": ARK.Virksomhed, "ejendom": ARK.Ejendom, "adresse": ARK.Adresse}
LIFECYCLE = {"PhasingIn": ARK.Indfases, "Pilot": ARK.Indfases, "Operational": ARK.IDrift,
             "PhasingOut": ARK.Udfases}
LIFECYCLE_KNOWN = set(LIFECYCLE) | {"NotInUse", "Undecided"}
SENSITIVITY = {"SensitiveData": 3, "LegalData": 3, "PersonData": 2, "None": 1}
SENSITIVITY_CLASS = {3: ARK.FoelsommePersonoplysninger, 2: ARK.AlmindeligePersonoplysninger,
                     1: ARK.IngenPersonoplysninger}
ORG_TYPES = {"Municipality", "CommunityOfInterest", "Company", "OtherPublicAuthority"}
DELETED_TYPES = {"ItSystem": "it-systems", "ItSystemUsage": "it-system-usages", "ItContract": "it-contracts",
                 "ItInterface": "it-interfaces", "DataProcessingRegistration": "data-processing-registrations",
                 "SystemRelation": "relation", "ItSystemUsageRelation": "relation"}

_COMMON = {"uuid", "name", "lastModified", "lastModifiedBy", "created", "createdBy", "externalReferences",
           "organizationContext", "roles"}
KNOWN = {
    "it-systems": _COMMON | {"externalUuid", "parentSystem", "formerName", "description", "kle", "deactivated",
                             "businessType", "rightsHolder", "mainContractSuppliers", "usingOrganizations",
                             "scope", "exposedInterfaces", "recommendedArchiveDuty", "legalName",
                             "legalDataProcessorName", "dbsName", "dbsDataProcessorName"},
    "it-system-usages": _COMMON | {"systemContext", "organizationUsage", "localKLEDeviations", "general", "gdpr",
                                   "archiving", "outgoingSystemRelations", "processingRegistrations"},
    "it-contracts": _COMMON | {"parentContract", "systemUsages", "dataProcessingRegistrations", "general",
                               "procurement", "supplier", "agreementPeriod", "termination", "payments",
                               "paymentModel", "responsible"},
    "it-interfaces": _COMMON | {"exposedBySystem", "interfaceId", "version", "itInterfaceType", "data",
                                "urlReference", "deactivated", "scope", "description", "notes", "externalUuid"},
    "data-processing-registrations": _COMMON | {"systemUsages", "general", "oversight"},
    "relation": {"uuid", "toSystemUsage", "fromSystemUsage", "relationInterface", "associatedContract",
                 "relationFrequency", "description", "urlReference"},
    "general": {"localSystemId", "localCallName", "systemVersion", "mainContract", "validity",
                "numberOfExpectedUsers", "dataClassification", "notes", "purpose", "hostedAt",
                "isBusinessCritical", "isSociallyCritical", "systemUsageCriticalityLevel", "technicalSystemTypes",
                "licensingAndCodeModels", "mainContractState", "containsAITechnology",
                "webAccessibilityCompliance", "lastWebAccessibilityCheck", "webAccessibilityNotes",
                "contractId", "contractType", "contractTemplate", "criticality", "agreementElements", "notes",
                "isAgreementConcluded", "dataProcessors", "associatedContracts", "isAgreementConcludedRemark",
                "agreementConcludedAt", "basisForTransfer", "dataResponsible", "dataResponsibleRemark",
                "hasSubDataProcessors", "subDataProcessors", "insecureCountriesSubjectToDataTransfer",
                "transferToInsecureThirdCountries", "enabled", "responsibleOrganizationUnit"},
    "gdpr": {"purpose", "businessCritical", "hostedAt", "dataSensitivityLevels", "specificPersonalData",
             "sensitivePersonData", "registeredDataCategories", "technicalPrecautionsInPlace",
             "technicalPrecautionsApplied", "technicalPrecautionsDocumentation", "userSupervision",
             "userSupervisionDate", "userSupervisionDocumentation", "riskAssessmentConducted",
             "riskAssessmentConductedDate", "riskAssessmentResult", "riskAssessmentDocumentation",
             "riskAssessmentNotes", "dpiaConducted", "dpiaDate", "dpia", "dpiaDocumentation",
             "retentionPeriodDefined", "nextDataRetentionEvaluationDate",
             "dataRetentionEvaluationFrequencyInMonths", "directoryDocumentation", "plannedRiskAssessmentDate",
             "processingPurpose"},
}


@dataclass
class Options:
    org: str
    base: str = "https://w3id.org/arkitektur/kitos/"
    kommune: str | None = None
    roles: dict | None = None
    interfaces: dict | None = None
    as_of: dt.date = field(default_factory=dt.date.today)
    repo: list = field(default_factory=list)


@dataclass
class Bundle:
    """The KITOS entities of one organisation: collections by uuid, the organisation, deletions."""

    entities: dict = field(default_factory=lambda: {c: {} for c in COLLECTIONS})
    organization: dict | None = None
    deleted: list = field(default_factory=list)
    fetched_at: str | None = None
    skipped: list = field(default_factory=list)  # (collection, entry) without a string uuid: no IRI

    def to_json(self) -> dict:
        return {"organization": self.organization, "fetched_at": self.fetched_at,
                "entities": {c: [self.entities[c][k] for k in sorted(self.entities[c])] for c in COLLECTIONS}}

    @classmethod
    def from_lists(cls, lists: dict, organization: dict | None, deleted: list, fetched_at: str | None) -> "Bundle":
        b = cls(organization=organization, deleted=list(deleted), fetched_at=fetched_at)
        for c in COLLECTIONS:
            for item in lists.get(c) or []:
                if isinstance(item, dict) and isinstance(item.get("uuid"), str):
                    b.entities[c][item["uuid"]] = item
                else:
                    b.skipped.append((c, item))
        return b


# --------------------------------------------------------------------------- sources
def _load_json(path: Path):
    data = read_capped(path)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:
        raise InputError(f"ikke gyldig JSON: {exc}.", f"not valid JSON: {exc}.", code="ARK-E82",
                         file=str(path)) from None


class DirectorySource:
    """Saved KITOS JSON: one file per collection (``it-system-usages.json`` …), ``organizations.json``
    and optionally ``deleted-entities.json``; each a JSON array as the API returns it (pages may be
    concatenated into one array)."""

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise InputError("mappen findes ikke.", "the folder does not exist.", code="ARK-E01", file=str(folder))
        self.folder = folder

    def _list(self, name: str, report: Report) -> list:
        path = self.folder / f"{name}.json"
        if not path.exists():
            report.warn(f"{name}.json findes ikke i --fra-fil-mappen / missing in the folder")
            return []
        data = _load_json(path)
        if isinstance(data, dict) and isinstance(data.get("response"), list):
            data = data["response"]
        if not isinstance(data, list):
            raise InputError("filen skal indeholde en JSON-liste.", "the file must hold a JSON array.",
                             code="ARK-E82", file=str(path))
        return data

    def fetch(self, org: str, since: str | None, report: Report) -> Bundle:
        lists = {c: self._list(c, report) for c in COLLECTIONS}
        orgs = self._list("organizations", report)
        organization = next((o for o in orgs if isinstance(o, dict) and o.get("uuid") == org), None)
        deleted = []
        if (self.folder / "deleted-entities.json").exists():
            deleted = self._list("deleted-entities", report)
        stamp = None
        meta = self.folder / "hentet.json"
        if meta.exists():
            stamp = _obj(_load_json(meta)).get("fetched_at")
        return Bundle.from_lists(lists, organization, deleted, stamp)


class ApiSource:
    """Live KITOS API v2 (only when ``--url`` is given)."""

    def __init__(self, url: str, *, token=None, email=None, password=None, timeout: float = 30.0) -> None:
        from .kitos_client import KitosClient

        self.client = KitosClient(url, token=token, email=email, password=password, timeout=timeout)

    def fetch(self, org: str, since: str | None, report: Report) -> Bundle:
        c = self.client
        started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        extra = {"changedSinceGtEq": since} if since else {}
        organization = c.get(f"/api/v2/organizations/{org}")
        lists = {
            "it-system-usages": c.paged("/api/v2/it-system-usages", {"organizationUuid": org, **extra}),
            "it-systems": c.paged("/api/v2/it-systems", {"usedInOrganizationUuid": org, **extra}),
            "it-contracts": c.paged("/api/v2/it-contracts", {"organizationUuid": org, **extra}),
            "data-processing-registrations": c.paged("/api/v2/data-processing-registrations",
                                                     {"organizationUuid": org, **extra}),
        }
        wanted = sorted({_obj(r.get("relationInterface")).get("uuid")
                         for u in lists["it-system-usages"] if isinstance(u, dict)
                         for r in u.get("outgoingSystemRelations") or [] if isinstance(r, dict)} - {None})
        interfaces = []
        for uuid in wanted:
            item = c.get(f"/api/v2/it-interfaces/{uuid}")
            if item is None:
                report.warn("snitflade findes ikke i KITOS / interface not found", uuid)
            else:
                interfaces.append(item)
        lists["it-interfaces"] = interfaces
        deleted = c.paged("/api/v2/delta-feed/deleted-entities", {"deletedSinceUTC": since}) if since else []
        report.note(f"KITOS: {c.calls} HTTP-kald / HTTP calls")
        return Bundle.from_lists(lists, organization if isinstance(organization, dict) else None, deleted, started)


# --------------------------------------------------------------------------- values
def _offset_copenhagen(moment: dt.datetime) -> dt.timedelta:
    """UTC offset of Europe/Copenhagen (EU rule: summer time from the last Sunday of March 01:00 UTC
    to the last Sunday of October 01:00 UTC)."""
    def last_sunday(year: int, month: int) -> dt.datetime:
        d = dt.datetime(year, month + 1, 1) - dt.timedelta(days=1) if month < 12 else dt.datetime(year, 12, 31)
        return d - dt.timedelta(days=(d.weekday() + 1) % 7)
    start = last_sunday(moment.year, 3).replace(hour=1)
    end = last_sunday(moment.year, 10).replace(hour=1)
    naive = moment.replace(tzinfo=None)
    return dt.timedelta(hours=2 if start <= naive < end else 1)


def local_date(value) -> dt.date | None:
    """The Danish calendar date of a KITOS DateTime (UTC) or date string."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.date()
    utc = moment.astimezone(dt.timezone.utc)
    return (utc + _offset_copenhagen(utc)).date()


def kle_iri(key: str) -> URIRef | None:
    if not re.match(r"^\d{2}(\.\d{2}){0,2}$", key):
        return None
    return URIRef(KLE_NS.format(hg=key[:2]) + key)


def _d(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


def _obj(value) -> dict:
    """A JSON object, or an empty one for anything else (a drifted schema must not crash us)."""
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _uuid(obj) -> str | None:
    if isinstance(obj, dict) and isinstance(obj.get("uuid"), str):
        return obj["uuid"]
    return None


def _name(obj) -> str | None:
    if isinstance(obj, dict) and isinstance(obj.get("name"), str) and obj["name"].strip():
        return obj["name"].strip()
    return None


# --------------------------------------------------------------------------- mapping
class Mapper:
    def __init__(self, bundle: Bundle, options: Options, report: Report) -> None:
        self.b = bundle
        self.o = options
        self.report = report
        self.g = Graph()
        self.roles = {k.casefold(): v for k, v in (options.roles or DEFAULT_ROLES).items()}
        self.iface_types = {k.casefold(): v for k, v in (options.interfaces or DEFAULT_INTERFACES).items()}
        self.reuse: dict[str, URIRef] = {}
        self.reused: set = set()
        self.shipped_kle = self._shipped_kle()
        self.prefixes = Prefixes()
        for name, seg in (("kitosSystem", "it-system"), ("kitosAnvendelse", "it-system-usage"),
                          ("kitosKontrakt", "it-contract"), ("kitosRelation", "system-relation"),
                          ("kitosSnitflade", "it-interface"), ("kitosOrg", "organization")):
            self.prefixes.add(name, f"{options.base}{seg}/")

    @staticmethod
    def _shipped_kle() -> set:
        from ..loader import ontology_graph

        return set(ontology_graph().subjects(RDF.type, ARK.Opgave))

    # IRIs
    def iri(self, kind: str, uuid: str) -> URIRef:
        if uuid in self.reuse:
            self.reused.add(self.reuse[uuid])
            return self.reuse[uuid]
        return URIRef(f"{self.o.base}{SEGMENT[kind]}/{uuid}")

    def add(self, s, p, o) -> None:
        if o is None or s in self.reused:
            return  # a reused node is described by the architects themselves
        self.g.add((s, p, o))

    def unknown_fields(self, kind: str, obj: dict, where: str | None = None) -> None:
        known = KNOWN.get(where or kind, set())
        for k in obj:
            if k not in known:
                self.report.warn(f"ukendt felt '{where or kind}.{k}' i KITOS-data ignoreret / unknown field ignored")

    def lost(self, what: str, value) -> None:
        if value not in (None, "", [], {}, False):
            self.report.lose(f"KITOS-feltet {what} har ingen plads i modellen / no place in the model")

    # organisation
    def kommune(self) -> URIRef:
        org = _obj(self.b.organization)
        if self.o.kommune:
            return URIRef(Prefixes().expand(self.o.kommune) or self.o.kommune)
        node = self.iri("organization", self.o.org)
        self.add(node, RDF.type, ARK.Kommune)
        name = _name(org)
        if name:
            self.add(node, RDFS.label, Literal(name, lang="da"))
        else:
            self.report.warn("organisationen mangler i organizations.json (intet navn) / organisation missing",
                             self.o.org)
        if org.get("cvr"):
            self.add(node, ARK.cvr, Literal(str(org["cvr"])))
        self.add(node, DCTERMS.identifier, Literal(self.o.org))
        otype = org.get("organizationType")
        otype = otype if isinstance(otype, (str, type(None))) else json.dumps(otype)
        if otype and otype not in ORG_TYPES:
            self.report.warn(f"ukendt organizationType '{otype}' / unknown value")
        elif otype and otype != "Municipality":
            self.report.warn(f"organisationen er ikke en kommune ({otype}) / not a municipality")
        self.report.lose("kommunekode findes ikke i KITOS (tilføj ark:kommunekode selv eller brug --kommune) / "
                         "KITOS has no municipality code")
        return node

    def kommune_label(self) -> str:
        return _name(self.b.organization) or "Kommune"

    def supplier(self, org) -> URIRef | None:
        uuid = _uuid(org)
        if uuid is None:
            return None
        node = self.iri("organization", uuid)
        self.add(node, RDF.type, ARK.Leverandoer)
        if _name(org):
            self.add(node, RDFS.label, Literal(_name(org), lang="da"))
        if isinstance(org, dict) and org.get("cvr"):
            self.add(node, ARK.cvr, Literal(str(org["cvr"])))
        self.add(node, DCTERMS.identifier, Literal(uuid))
        return node

    def opgave(self, key: str) -> URIRef | None:
        node = kle_iri(key)
        if node is None:
            self.report.warn("KLE-nummer i ukendt form / KLE number in an unknown form", key)
            return None
        if node not in self.shipped_kle:
            self.g.add((node, RDF.type, ARK.Opgave))
            self.g.add((node, SKOS.notation, Literal(key)))
            self.g.add((node, SKOS.inScheme, ARK.KLE))
            self.g.add((node, RDFS.label, Literal(f"KLE {key}", lang="da")))
        return node

    # entities
    def run(self) -> Graph:
        kommune = self.kommune()
        systems = self.b.entities["it-systems"]
        for uuid, s in sorted(systems.items()):
            self.system(uuid, s)
        dpr_yes = self.dprs()
        usage_kle: dict[str, set] = {}
        for uuid, u in sorted(self.b.entities["it-system-usages"].items()):
            usage_kle[uuid] = self.usage(uuid, u, kommune, systems)
        for uuid, c in sorted(self.b.entities["it-contracts"].items()):
            self.contract(uuid, c, kommune, dpr_yes, usage_kle)
        return self.g

    def system(self, uuid: str, s: dict) -> None:
        self.unknown_fields("it-systems", s)
        node = self.iri("it-systems", uuid)
        self.add(node, RDF.type, ARK.ItSystem)
        if _name(s):
            self.add(node, RDFS.label, Literal(_name(s), lang="da"))
        if isinstance(s.get("formerName"), str) and s["formerName"].strip():
            self.add(node, SKOS.altLabel, Literal(s["formerName"].strip(), lang="da"))
        if isinstance(s.get("description"), str) and s["description"].strip():
            self.add(node, RDFS.comment, Literal(s["description"].strip(), lang="da"))
        self.add(node, DCTERMS.identifier, Literal(uuid))
        holder = self.supplier(s.get("rightsHolder"))
        if holder is not None:
            self.add(node, ARK.leverandoer, holder)
        if s.get("deactivated"):
            self.report.warn("systemet er deaktiveret i KITOS / the system is deactivated in KITOS", _name(s))
        if not isinstance(s.get("scope"), (str, type(None))) or s.get("scope") not in (None, "Local", "Global"):
            self.report.warn(f"ukendt scope '{s.get('scope')}' / unknown value")
        for f in ("parentSystem", "businessType", "externalReferences", "recommendedArchiveDuty"):
            self.lost(f"it-system.{f}", s.get(f))

    def dprs(self) -> set:
        yes = set()
        for uuid, d in sorted(self.b.entities["data-processing-registrations"].items()):
            self.unknown_fields("data-processing-registrations", d)
            general = _obj(d.get("general"))
            flag = general.get("isAgreementConcluded")
            if flag not in (None, "Yes", "No", "Irrelevant", "Undecided"):
                self.report.warn(f"ukendt isAgreementConcluded '{flag}' / unknown value")
            if flag == "Yes":
                for c in [general.get("mainContract"), *_list(general.get("associatedContracts"))]:
                    if _uuid(c):
                        yes.add(_uuid(c))
            self.lost("data-processing-registration (som helhed; kun databehandleraftale bruges)", True)
        return yes

    def usage(self, uuid: str, u: dict, kommune, systems: dict) -> set:
        self.unknown_fields("it-system-usages", u)
        general = _obj(u.get("general"))
        gdpr = _obj(u.get("gdpr"))
        if isinstance(general, dict):
            self.unknown_fields("", general, "general")
        if isinstance(gdpr, dict):
            self.unknown_fields("", gdpr, "gdpr")
        node = self.iri("it-system-usages", uuid)
        sys_uuid = _uuid(u.get("systemContext"))
        system = systems.get(sys_uuid or "", {})
        sys_name = _name(u.get("systemContext")) or _name(system) or "ukendt system"
        self.add(node, RDF.type, ARK.Systemanvendelse)
        self.add(node, RDFS.label, Literal(f"{self.kommune_label()}: {sys_name}", lang="da"))
        call = general.get("localCallName")
        if isinstance(call, str) and call.strip() and call.strip() != sys_name:
            self.add(node, SKOS.altLabel, Literal(call.strip(), lang="da"))
        self.add(node, DCTERMS.identifier, Literal(uuid))
        self.add(node, ARK.kommune, kommune)
        if sys_uuid:
            self.add(node, ARK.system, self.iri("it-systems", sys_uuid))
            if sys_uuid not in systems:
                self.report.warn("systemet findes ikke i it-systems / the system is not among it-systems", sys_name)
        org_uuid = _uuid(u.get("organizationContext"))
        if org_uuid and org_uuid != self.o.org:
            self.report.warn("systemanvendelse fra en anden organisation / usage of another organisation", uuid)
        main = _uuid(general.get("mainContract"))
        if main:
            self.add(node, ARK.kontrakt, self.iri("it-contracts", main))
        validity = _obj(general.get("validity"))
        status = validity.get("lifeCycleStatus") if isinstance(validity, dict) else None
        self.lifecycle(node, status, validity, sys_name)
        kle = {(_name(k) or "") for k in _list(system.get("kle"))}
        dev = _obj(u.get("localKLEDeviations"))
        kle |= {(_name(k) or "") for k in _list(dev.get("addedKLE"))}
        kle -= {(_name(k) or "") for k in _list(dev.get("removedKLE"))}
        kle.discard("")
        for key in sorted(kle):
            task = self.opgave(key)
            if task is not None:
                self.add(node, ARK.understoetterOpgave, task)
        roles = u.get("roles")
        if roles not in (None, []) and not isinstance(roles, list):
            self.report.lose("roles er ikke en liste; rollerne er ikke importeret / roles is not a list; "
                             "the roles are not imported", f"{sys_name}: {json.dumps(roles, ensure_ascii=False)[:80]}")
        for r in _list(roles):
            self.role(node, r)
        risk = local_date(gdpr.get("riskAssessmentConductedDate"))
        if risk:
            self.add(node, ARK.risikovurderet, _d(risk))
        self.sensitivity(node, gdpr.get("dataSensitivityLevels"), sys_name)
        for rel in _list(u.get("outgoingSystemRelations")):
            if isinstance(rel, dict):
                self.relation(node, rel)
        for f, v in (("general.validity.validFrom/validTo (ibrugtagning/slut)", _obj(validity).get("validFrom")),
                     ("general.systemVersion", general.get("systemVersion")),
                     ("general.localSystemId", general.get("localSystemId")),
                     ("kritikalitet (isBusinessCritical/systemUsageCriticalityLevel)",
                      general.get("isBusinessCritical") or gdpr.get("businessCritical")
                      or general.get("systemUsageCriticalityLevel")),
                     ("hostedAt", general.get("hostedAt") or gdpr.get("hostedAt")),
                     ("purpose", general.get("purpose") or gdpr.get("purpose")),
                     ("archiving", u.get("archiving")),
                     ("organizationUsage", u.get("organizationUsage"))):
            self.lost(f"it-system-usage.{f}", v)
        hosted = general.get("hostedAt") or gdpr.get("hostedAt")
        if hosted not in (None, "Undecided", "OnPremise", "External", "Hybrid"):
            self.report.warn(f"ukendt hostedAt '{hosted}' / unknown value")
        return {k for k in kle if kle_iri(k) is not None}

    def lifecycle(self, node, status, validity: dict, name: str) -> None:
        if status is None:
            return
        status = status if isinstance(status, str) else json.dumps(status)
        if status not in LIFECYCLE_KNOWN:
            self.report.warn(f"ukendt lifeCycleStatus '{status}' – livscyklus ikke sat / unknown value, not set", name)
            return
        if status in LIFECYCLE:
            self.add(node, ARK.livscyklus, LIFECYCLE[status])
        elif status == "NotInUse":
            end = local_date(_obj(validity).get("validTo"))
            if end is not None and end < self.o.as_of:
                self.add(node, ARK.livscyklus, ARK.Udfaset)
            else:
                self.add(node, ARK.livscyklus, ARK.Planlagt)
                self.report.warn("NotInUse uden passeret slutdato tolket som Planlagt / read as Planlagt", name)
        else:
            self.report.lose("lifeCycleStatus Undecided: livscyklus ikke sat / livscyklus not set", name)

    def role(self, node, r) -> None:
        if not isinstance(r, dict):
            self.report.lose("en rolle er ikke et JSON-objekt; den er ikke importeret / a role is not an object; "
                             "not imported", json.dumps(r, ensure_ascii=False)[:80])
            return
        role, user = _obj(r.get("role")), _obj(r.get("user"))
        prop = self.roles.get((_uuid(role) or "").casefold()) or self.roles.get((_name(role) or "").casefold())
        if prop is None:
            self.report.lose(f"rolle '{_name(role)}' har ingen egenskab (se --rolle) / role has no property")
            return
        if prop not in ("systemejer", "systemansvarlig"):
            self.report.warn(f"--rolle peger på '{prop}'; kun systemejer/systemansvarlig / only those two")
            return
        if _name(user):
            self.add(node, ARK[prop], Literal(_name(user)))

    def sensitivity(self, node, levels, name: str) -> None:
        if not levels:
            return
        worst = 0
        for lv in levels if isinstance(levels, list) else [levels]:
            lv = lv if isinstance(lv, str) else json.dumps(lv)
            if lv not in SENSITIVITY:
                self.report.warn(f"ukendt dataSensitivityLevel '{lv}' / unknown value", name)
                continue
            worst = max(worst, SENSITIVITY[lv])
        if not worst:
            return
        data = URIRef(f"{node}/data")
        self.g.add((data, RDF.type, ARK.Dataobjekt))
        self.g.add((data, RDFS.label, Literal(f"Data i {self.kommune_label()}: {name}", lang="da")))
        self.g.add((data, ARK.personoplysninger, SENSITIVITY_CLASS[worst]))
        self.g.add((data, DCTERMS.relation, node))

    def relation(self, source, rel: dict) -> None:
        self.unknown_fields("relation", rel)
        uuid = _uuid(rel)
        to = _uuid(rel.get("toSystemUsage"))
        if uuid is None or to is None:
            self.report.warn("relation uden uuid eller toSystemUsage / relation without uuid or target")
            return
        node = self.iri("relation", uuid)
        target = self.iri("it-system-usages", to)
        if to not in self.b.entities["it-system-usages"]:
            self.report.warn("relation til en systemanvendelse uden for importen / to a usage outside the import",
                             _name(rel.get("toSystemUsage")) or to)
        self.add(node, RDF.type, ARK.Integration)
        to_name = _name(rel.get("toSystemUsage")) or to
        from_label = str(next(iter(self.g.objects(source, RDFS.label)), "")) or str(source)
        self.add(node, RDFS.label, Literal(f"{from_label} → {to_name}", lang="da"))
        if isinstance(rel.get("description"), str) and rel["description"].strip():
            self.add(node, RDFS.comment, Literal(rel["description"].strip(), lang="da"))
        self.add(node, DCTERMS.identifier, Literal(uuid))
        self.add(node, ARK.fra, source)
        self.add(node, ARK.til, target)
        iface_uuid = _uuid(rel.get("relationInterface"))
        if iface_uuid:
            self.interface(node, iface_uuid, _name(rel.get("relationInterface")))
        for f in ("relationFrequency", "associatedContract", "urlReference"):
            self.lost(f"relation.{f}", rel.get(f))

    def interface(self, integration, uuid: str, name: str | None) -> None:
        iface = self.b.entities["it-interfaces"].get(uuid)
        if iface is None:
            self.report.warn("snitfladen mangler i it-interfaces; mønster ukendt / interface missing", name or uuid)
            return
        self.unknown_fields("it-interfaces", iface)
        itype = iface.get("itInterfaceType")
        pattern = None
        if itype:
            pattern = (self.iface_types.get((_uuid(itype) or "").casefold())
                       or self.iface_types.get((_name(itype) or "").casefold()))
            if pattern is None:
                self.report.lose(f"snitfladetype '{_name(itype)}' har intet mønster (se --snitflade) / "
                                 "interface type without a pattern")
            elif pattern not in ("Opslag", "Besked", "Filoverfoersel", "Replikering"):
                self.report.warn(f"--snitflade peger på ukendt mønster '{pattern}' / unknown pattern")
                pattern = None
        if pattern:
            self.add(integration, ARK.moenster, ARK[pattern])
        for i, item in enumerate(_list(iface.get("data"))):
            if not isinstance(item, dict):
                continue
            dtype = _obj(item.get("dataType"))
            key = _uuid(dtype) or re.sub(r"[^A-Za-z0-9_-]", "-", (item.get("description") or str(i)))[:60]
            data = URIRef(f"{self.o.base}{SEGMENT['it-interfaces']}/{uuid}/data/{key}")
            label = (item.get("description") or "").strip() or _name(dtype) or f"Data {i + 1}"
            self.g.add((data, RDF.type, ARK.Dataobjekt))
            self.g.add((data, RDFS.label, Literal(label, lang="da")))
            kind = GRUNDDATA.get((_name(dtype) or "").casefold())
            if kind is not None:
                self.g.add((data, ARK.grunddatatype, kind))
            self.add(integration, ARK.overfoerer, data)

    def contract(self, uuid: str, c: dict, kommune, dpr_yes: set, usage_kle: dict) -> None:
        self.unknown_fields("it-contracts", c)
        node = self.iri("it-contracts", uuid)
        name = _name(c) or uuid
        self.add(node, RDF.type, ARK.Kontrakt)
        self.add(node, RDFS.label, Literal(name, lang="da"))
        self.add(node, DCTERMS.identifier, Literal(uuid))
        general = _obj(c.get("general"))
        validity = _obj(general.get("validity"))
        start, end = local_date(validity.get("validFrom")), local_date(validity.get("validTo"))
        if start:
            self.add(node, ARK.startdato, _d(start))
        if end:
            self.add(node, ARK.udloebsdato, _d(end))
        supplier = self.supplier(_obj(c.get("supplier")).get("organization"))
        if supplier is not None:
            self.add(node, ARK.leverandoer, supplier)
        self.add(node, ARK.kontraktpart, kommune)
        terms = _obj(_obj(c.get("termination")).get("terms"))
        notice = terms.get("noticePeriodMonths")
        if notice:
            m = re.match(r"^\s*(\d{1,3})\b", _name(notice) or "")
            if m:
                self.add(node, ARK.opsigelsesfrist, Literal(f"P{int(m.group(1))}M", datatype=XSD.duration))
            else:
                self.report.warn(f"opsigelsesfrist '{_name(notice)}' kan ikke læses / notice period unreadable", name)
        if terms.get("noticeByEndOf") not in (None, "EndOfCalendarYear", "EndOfQuarter", "EndOfMonth"):
            self.report.warn(f"ukendt noticeByEndOf '{terms.get('noticeByEndOf')}' / unknown value")
        self.lost("termination.terms.noticeByEndOf", terms.get("noticeByEndOf"))
        if _obj(c.get("termination")).get("terminatedAt"):
            self.report.warn("kontrakten er opsagt i KITOS (terminatedAt) / the contract is terminated", name)
        total, seen = Decimal(0), False
        for p in _list(_obj(c.get("payments")).get("external")):
            value = p.get("operation") if isinstance(p, dict) else None
            if value is None:
                continue
            try:
                total += Decimal(str(value))
                seen = True
            except InvalidOperation:
                self.report.warn("betaling der ikke er et tal / payment that is not a number", name)
        if seen:
            self.add(node, ARK.aarligPris, Literal(str(total), datatype=XSD.decimal))
        if uuid in dpr_yes:
            self.add(node, ARK.databehandleraftale, Literal("true", datatype=XSD.boolean))
        usages = [_uuid(u) for u in _list(c.get("systemUsages")) if _uuid(u)]
        for u in usages:
            if u in self.b.entities["it-system-usages"]:
                self.add(self.iri("it-system-usages", u), ARK.kontrakt, node)
        plan = _obj(_obj(c.get("procurement")).get("procurementPlan"))
        q, year = plan.get("quarterOfYear"), plan.get("year")
        if q is not None and year is not None:
            try:
                planned = dt.date(int(year), 3 * (int(q) - 1) + 1, 1)
            except (TypeError, ValueError):
                self.report.warn("genanskaffelsesplan kan ikke læses / procurement plan unreadable", name)
            else:
                udbud = URIRef(f"{node}/udbud")
                self.g.add((udbud, RDF.type, ARK.Udbud))
                self.g.add((udbud, RDFS.label, Literal(f"Genanskaffelse: {name}", lang="da")))
                self.g.add((udbud, ARK.planlagtDato, _d(planned)))
                self.g.add((udbud, ARK.deltager, kommune))
                for u in usages:
                    self.g.add((udbud, ARK.erstatter, self.iri("it-system-usages", u)))
                    for key in sorted(usage_kle.get(u, ())):
                        self.g.add((udbud, ARK.omfatter, kle_iri(key)))
        for f in ("agreementPeriod.irrevocableUntil", "agreementPeriod.extensionOptions"):
            part, sub = f.split(".")
            self.lost(f"it-contract.{f}", _obj(c.get(part)).get(sub))
        self.lost("it-contract.general.criticality", general.get("criticality"))
        self.lost("it-contract.parentContract", c.get("parentContract"))


def reuse_index(paths: list[Path], base: str) -> dict[str, URIRef]:
    """KITOS UUID -> an IRI the repository already uses (``dcterms:identifier "<uuid>"``)."""
    if not paths:
        return {}
    from .. import loader

    repo = loader.load(paths)
    out = {}
    for s, o in repo.model.subject_objects(DCTERMS.identifier):
        if isinstance(s, URIRef) and not str(s).startswith(base) and re.match(r"^[0-9a-fA-F-]{32,36}$", str(o)):
            out[str(o).lower()] = s
    return out


def map_bundle(bundle: Bundle, options: Options, report: Report) -> tuple[Graph, Prefixes]:
    mapper = Mapper(bundle, options, report)
    mapper.reuse = reuse_index(options.repo, options.base)
    if mapper.reuse:
        # IRIs are minted from lower-case UUIDs too, so the index matches either case.
        mapper.reuse.update({k.upper(): v for k, v in list(mapper.reuse.items())})
    g = mapper.run()
    if mapper.reused:
        report.note(f"{len(mapper.reused)} KITOS-emner genbrugt fra repositoriet (dcterms:identifier) / "
                    "nodes reused from the repository")
    return g, mapper.prefixes


# --------------------------------------------------------------------------- run
@dataclass
class KitosResult:
    merge: drift.Merge | None
    report: Report
    written: list
    first: bool
    deleted: list
    labels: dict
    prefixes: Prefixes

    def _label(self, node) -> str:
        return self.labels.get(node) or str(node)

    def _values(self, values: tuple) -> str:
        return ", ".join(self.prefixes.iri_text(str(v)) if isinstance(v, URIRef) else str(v) for v in values) or "–"

    def change_lines(self) -> list[str]:
        if self.merge is None:
            return []
        out = []
        for c in self.merge.source_changes:
            if c.kind == "ændret":
                out.append(f"  ~ ændret / changed: {self._label(c.subject)}: {self.prefixes.iri_text(str(c.predicate))}: "
                           f"{self._values(c.old)} → {self._values(c.new)}")
            else:
                word = "ny / new" if c.kind == "ny" else "fjernet / removed"
                out.append(f"  {'+' if c.kind == 'ny' else '-'} {word}: {self._label(c.subject)} <{c.subject}>")
        return out

    def text(self) -> str:
        lines = []
        if self.merge is not None:
            if self.first:
                n = len({s for s in self.merge.graph.subjects()})
                lines.append(f"Første KITOS-import: {n} emner, {len(self.merge.graph)} tripler / first import.")
            else:
                changed = self.change_lines()
                lines.append("Ændringer i KITOS siden sidste import / changes in KITOS since the last import:"
                             if changed else "Ingen ændringer i KITOS siden sidste import / no changes in KITOS.")
                lines.extend(changed)
            for d in self.deleted:
                lines.append(f"  - slettet i KITOS / deleted in KITOS ({d.get('occurredAtUtc', '?')}): "
                             f"{d.get('entityType', '?')} {d.get('entityUuid', '?')}")
            hand = [c for c in self.merge.hand_edits]
            if hand:
                lines.append("Håndrettelser siden sidste import (bevaret) / hand edits since the last import (kept):")
                for c in hand:
                    if c.kind == "ændret":
                        lines.append(f"  ~ {self._label(c.subject)}: {self.prefixes.iri_text(str(c.predicate))}: "
                                     f"{self._values(c.old)} → {self._values(c.new)}")
                    else:
                        lines.append(f"  {'+' if c.kind == 'ny' else '-'} {self._label(c.subject)} <{c.subject}>")
            if self.merge.conflicts:
                lines.append("KONFLIKTER – håndrettelsen er beholdt, KITOS' værdi er ikke skrevet; ret selv / "
                             "CONFLICTS – the hand edit is kept, KITOS' value is not written:")
                for s, p, b, o, t in self.merge.conflicts:
                    lines.append(f"  ! {self._label(s)}: {self.prefixes.iri_text(str(p))}: sidst / last {self._values(b)}; "
                                 f"hånd / hand {self._values(o)}; KITOS {self._values(t)}")
        lines.extend(self.report.lines())
        for w in self.written:
            lines.append(f"Skrevet / written: {w}")
        return "\n".join(lines) + "\n"


_HAND_COMMENTS = ("Håndskrevne kommentarer fra filen (en import kan ikke bevare deres plads) / "
                  "hand-written comments from the file (an import cannot keep their place):")


def _keep_hand_comments(output: Path, generated: str, header: str, report: Report) -> str:
    """The header with the file's own ``#`` comments appended: the file is written anew from the
    graph, which has no comments, so they would vanish without a word (issue 13)."""
    from ..turtle.lexer import LexError, tokenize

    try:
        ours = {t.text for t in tokenize(generated) if t.kind == "COMMENT"}
        theirs = [t.text for t in tokenize(output.read_text(encoding="utf-8-sig")) if t.kind == "COMMENT"]
    except (LexError, OSError, UnicodeDecodeError):
        return header
    hand = [c for c in theirs if c not in ours and c != f"# {_HAND_COMMENTS}" and c.strip("# \t")]
    if not hand:
        return header
    report.note(f"{len(hand)} håndskrevne kommentarer står samlet øverst i {output.name} / "
                f"{len(hand)} hand-written comments are kept together at the top of the file")
    lines = [c[2:] if c.startswith("# ") else c[1:] for c in hand]
    return "\n".join([header, "", _HAND_COMMENTS, *lines])


def snapshot_paths(output: Path) -> tuple[Path, Path]:
    stem = output.stem
    return (output.parent / f".kitos-sidste-import-{stem}.ttl", output.parent / f".kitos-sidste-import-{stem}.json")


def _parse_turtle(path: Path) -> Graph:
    from ..loader import parse_file

    g = Graph()
    parsed = parse_file(path)
    for t in (parsed.triples if parsed else []):
        g.add(t)
    return g


def run(source, options: Options, output: Path, *, since: str | None = None, dry_run: bool = False,
        overwrite: bool = False, save_json: Path | None = None) -> KitosResult:
    """Fetch, map, compare with the last import and the file, and write (unless ``dry_run``)."""
    report = Report()
    snap_ttl, snap_json = snapshot_paths(output)
    cache = None
    if snap_json.exists():
        cache = _load_json(snap_json)
        if not isinstance(cache, dict):
            cache = None
    since_value = None
    if since:
        if since == "sidst":
            if not cache or not cache.get("fetched_at"):
                raise UsageError("--siden sidst kræver en tidligere import (øjebliksbilledet mangler).",
                                 "--siden sidst needs an earlier import (the snapshot is missing).", code="ARK-E83")
            since_value = cache["fetched_at"]
        else:
            try:
                since_value = dt.date.fromisoformat(since).isoformat() + "T00:00:00Z"
            except ValueError:
                raise UsageError("--siden: skriv ÅÅÅÅ-MM-DD eller 'sidst'.", "--siden: write YYYY-MM-DD or 'sidst'.",
                                 code="ARK-E86") from None
        if not cache:
            raise UsageError("--siden kræver en tidligere fuld import (øjebliksbilledet mangler).",
                             "--siden needs an earlier full import (the snapshot is missing).", code="ARK-E83")
    fetched = source.fetch(options.org, since_value, report)
    for collection, item in fetched.skipped:
        # No uuid, no stable IRI: the entry and all it holds (roles, relations …) stay out; say so.
        what = _name(item) or json.dumps(item, ensure_ascii=False)[:80]
        held = sorted(k for k, v in _obj(item).items() if k not in ("uuid", "name") and v not in (None, "", [], {}))
        report.lose(f"post i {collection} uden gyldig uuid er ikke importeret (heller ikke dens felter) / "
                    f"entry without a valid uuid not imported (nor its fields)",
                    what + (f" ({', '.join(held)})" if held else ""))
    if since_value:
        bundle = Bundle.from_lists(_obj(cache.get("entities")), cache.get("organization"), [], fetched.fetched_at)
        if fetched.organization:
            bundle.organization = fetched.organization
        for c in COLLECTIONS:
            bundle.entities[c].update(fetched.entities[c])
        for d in fetched.deleted:
            uuid = d.get("entityUuid") if isinstance(d, dict) else None
            etype = d.get("entityType") if isinstance(d, dict) else None
            etype = etype if isinstance(etype, (str, type(None))) else json.dumps(etype)
            if etype not in DELETED_TYPES:
                report.warn(f"ukendt entityType '{etype}' i deleted-entities / unknown value")
            for c in COLLECTIONS:
                bundle.entities[c].pop(uuid, None)
            for u in bundle.entities["it-system-usages"].values():
                rels = u.get("outgoingSystemRelations")
                if isinstance(rels, list):
                    u["outgoingSystemRelations"] = [r for r in rels if _uuid(r) != uuid]
        bundle.deleted = fetched.deleted
    else:
        bundle = fetched
        if fetched.deleted:
            bundle.deleted = fetched.deleted
    theirs, prefixes = map_bundle(bundle, options, report)

    first = not output.exists()
    if output.exists() and not snap_ttl.exists() and not overwrite:
        raise UsageError(
            f"{output} findes, men der er intet øjebliksbillede fra en tidligere KITOS-import ({snap_ttl.name}); "
            "en opdatering kan derfor ikke skelne håndrettelser fra KITOS-data. Brug --overskriv for at erstatte "
            "filen, eller vælg en anden -o.",
            f"{output} exists but there is no snapshot of an earlier KITOS import ({snap_ttl.name}), so an update "
            "cannot tell hand edits from KITOS data. Use --overskriv to replace the file, or choose another -o.",
            code="ARK-E84", file=str(output))
    if first or (overwrite and not snap_ttl.exists()):
        base, ours = Graph(), Graph()
        first = True
    else:
        base = _parse_turtle(snap_ttl) if snap_ttl.exists() else Graph()
        ours = _parse_turtle(output)
    merged = drift.merge(base, ours, theirs)
    labels = {}
    for g in (base, ours, theirs):
        for s, lab in g.subject_objects(RDFS.label):
            labels.setdefault(s, str(lab))
    written = []
    if not dry_run:
        header = (f"KITOS-import af organisation {options.org}. Genereret af 'arkitektur import kitos': "
                  "en ny import opdaterer filen; håndrettelser bevares og rapporteres.")
        if not first:
            header = _keep_hand_comments(output, serialize(merged.graph, prefixes, header=header), header, report)
        files = {
            output: serialize(merged.graph, prefixes, header=header).encode("utf-8"),
            snap_ttl: serialize(theirs, prefixes, header="Øjebliksbillede af sidste KITOS-import – ret ikke.").encode("utf-8"),
            snap_json: json.dumps(bundle.to_json(), ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"),
        }
        if save_json is not None:
            for c in COLLECTIONS:
                files[save_json / f"{c}.json"] = json.dumps(
                    [fetched.entities[c][k] for k in sorted(fetched.entities[c])], ensure_ascii=False, indent=1).encode("utf-8")
            files[save_json / "organizations.json"] = json.dumps(
                [fetched.organization] if fetched.organization else [], ensure_ascii=False, indent=1).encode("utf-8")
            files[save_json / "deleted-entities.json"] = json.dumps(fetched.deleted, ensure_ascii=False, indent=1).encode("utf-8")
            files[save_json / "hentet.json"] = json.dumps({"fetched_at": fetched.fetched_at}).encode("utf-8")
        write_atomic(files)
        written = [str(output)]
    else:
        report.note("Tørkørsel: intet skrevet / dry run: nothing written.")
    return KitosResult(merged, report, written, first, list(bundle.deleted if since_value else []), labels, prefixes)
