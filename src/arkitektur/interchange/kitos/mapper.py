"""KITOS → vores sprog / maps a ``Bundle`` of KITOS entities into our modelling language (docs/udveksling.md):
stable IRIs from KITOS UUIDs, ``dcterms:identifier``, roles, interfaces, lifecycle, data sensitivity.

Over 500 lines because ``Mapper`` is one pass over the KITOS API v2 schema, a method per entity
kind, sharing the graph, the reuse index and the report; the tables of known fields above it are
what turns a drifted schema into a warning instead of a crash.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ...namespaces import ARK
from ..report import Report
from ..terms import KLE_NS, Prefixes
from .source import Bundle, json_list, json_object, name_of, uuid_of

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
    return moment.astimezone(ZoneInfo("Europe/Copenhagen")).date()


def kle_iri(key: str) -> URIRef | None:
    if not re.match(r"^\d{2}(\.\d{2}){0,2}$", key):
        return None
    return URIRef(KLE_NS.format(hg=key[:2]) + key)


def kle_task(g: Graph, key: str, report: Report, described) -> URIRef | None:
    """The KLE task of a KLE number (``None`` and a warning for another form), added to ``g`` as an
    ark:Opgave unless ``described(node)`` (shipped, or in the repository)."""
    node = kle_iri(key)
    if node is None:
        report.warn("KLE-nummer i ukendt form / KLE number in an unknown form", key)
        return None
    if not described(node):
        g.add((node, RDF.type, ARK.Opgave))
        g.add((node, SKOS.notation, Literal(key)))
        g.add((node, SKOS.inScheme, ARK.KLE))
        g.add((node, RDFS.label, Literal(f"KLE {key}", lang="da")))
    return node


def _d(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


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
        from ...loader import ontology_graph

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
        org = json_object(self.b.organization)
        if self.o.kommune:
            return URIRef(Prefixes().expand(self.o.kommune) or self.o.kommune)
        node = self.iri("organization", self.o.org)
        self.add(node, RDF.type, ARK.Kommune)
        name = name_of(org)
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
        return name_of(self.b.organization) or "Kommune"

    def supplier(self, org) -> URIRef | None:
        uuid = uuid_of(org)
        if uuid is None:
            return None
        node = self.iri("organization", uuid)
        self.add(node, RDF.type, ARK.Leverandoer)
        if name_of(org):
            self.add(node, RDFS.label, Literal(name_of(org), lang="da"))
        if isinstance(org, dict) and org.get("cvr"):
            self.add(node, ARK.cvr, Literal(str(org["cvr"])))
        self.add(node, DCTERMS.identifier, Literal(uuid))
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
        if name_of(s):
            self.add(node, RDFS.label, Literal(name_of(s), lang="da"))
        if isinstance(s.get("formerName"), str) and s["formerName"].strip():
            self.add(node, SKOS.altLabel, Literal(s["formerName"].strip(), lang="da"))
        if isinstance(s.get("description"), str) and s["description"].strip():
            self.add(node, RDFS.comment, Literal(s["description"].strip(), lang="da"))
        self.add(node, DCTERMS.identifier, Literal(uuid))
        holder = self.supplier(s.get("rightsHolder"))
        if holder is not None:
            self.add(node, ARK.leverandoer, holder)
        if s.get("deactivated"):
            self.report.warn("systemet er deaktiveret i KITOS / the system is deactivated in KITOS", name_of(s))
        if not isinstance(s.get("scope"), (str, type(None))) or s.get("scope") not in (None, "Local", "Global"):
            self.report.warn(f"ukendt scope '{s.get('scope')}' / unknown value")
        for f in ("parentSystem", "businessType", "externalReferences", "recommendedArchiveDuty"):
            self.lost(f"it-system.{f}", s.get(f))

    def dprs(self) -> set:
        yes = set()
        for uuid, d in sorted(self.b.entities["data-processing-registrations"].items()):
            self.unknown_fields("data-processing-registrations", d)
            general = json_object(d.get("general"))
            flag = general.get("isAgreementConcluded")
            if flag not in (None, "Yes", "No", "Irrelevant", "Undecided"):
                self.report.warn(f"ukendt isAgreementConcluded '{flag}' / unknown value")
            if flag == "Yes":
                for c in [general.get("mainContract"), *json_list(general.get("associatedContracts"))]:
                    if uuid_of(c):
                        yes.add(uuid_of(c))
            self.lost("data-processing-registration (som helhed; kun databehandleraftale bruges)", True)
        return yes

    def usage(self, uuid: str, u: dict, kommune, systems: dict) -> set:
        self.unknown_fields("it-system-usages", u)
        general = json_object(u.get("general"))
        gdpr = json_object(u.get("gdpr"))
        if isinstance(general, dict):
            self.unknown_fields("", general, "general")
        if isinstance(gdpr, dict):
            self.unknown_fields("", gdpr, "gdpr")
        node = self.iri("it-system-usages", uuid)
        sys_uuid = uuid_of(u.get("systemContext"))
        system = systems.get(sys_uuid or "", {})
        sys_name = name_of(u.get("systemContext")) or name_of(system) or "ukendt system"
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
        org_uuid = uuid_of(u.get("organizationContext"))
        if org_uuid and org_uuid != self.o.org:
            self.report.warn("systemanvendelse fra en anden organisation / usage of another organisation", uuid)
        main = uuid_of(general.get("mainContract"))
        if main:
            self.add(node, ARK.kontrakt, self.iri("it-contracts", main))
        validity = json_object(general.get("validity"))
        status = validity.get("lifeCycleStatus") if isinstance(validity, dict) else None
        self.lifecycle(node, status, validity, sys_name)
        kle = {(name_of(k) or "") for k in json_list(system.get("kle"))}
        dev = json_object(u.get("localKLEDeviations"))
        kle |= {(name_of(k) or "") for k in json_list(dev.get("addedKLE"))}
        kle -= {(name_of(k) or "") for k in json_list(dev.get("removedKLE"))}
        kle.discard("")
        for key in sorted(kle):
            task = kle_task(self.g, key, self.report, self.shipped_kle.__contains__)
            if task is not None:
                self.add(node, ARK.understoetterOpgave, task)
        roles = u.get("roles")
        if roles not in (None, []) and not isinstance(roles, list):
            self.report.lose("roles er ikke en liste; rollerne er ikke importeret / roles is not a list; "
                             "the roles are not imported", f"{sys_name}: {json.dumps(roles, ensure_ascii=False)[:80]}")
        for r in json_list(roles):
            self.role(node, r)
        risk = local_date(gdpr.get("riskAssessmentConductedDate"))
        if risk:
            self.add(node, ARK.risikovurderet, _d(risk))
        self.sensitivity(node, gdpr.get("dataSensitivityLevels"), sys_name)
        for rel in json_list(u.get("outgoingSystemRelations")):
            if isinstance(rel, dict):
                self.relation(node, rel)
        for f, v in (("general.validity.validFrom/validTo (ibrugtagning/slut)", json_object(validity).get("validFrom")),
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
            end = local_date(json_object(validity).get("validTo"))
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
        role, user = json_object(r.get("role")), json_object(r.get("user"))
        prop = self.roles.get((uuid_of(role) or "").casefold()) or self.roles.get((name_of(role) or "").casefold())
        if prop is None:
            self.report.lose(f"rolle '{name_of(role)}' har ingen egenskab (se --rolle) / role has no property")
            return
        if prop not in ("systemejer", "systemansvarlig"):
            self.report.warn(f"--rolle peger på '{prop}'; kun systemejer/systemansvarlig / only those two")
            return
        if name_of(user):
            self.add(node, ARK[prop], Literal(name_of(user)))

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
        uuid = uuid_of(rel)
        to = uuid_of(rel.get("toSystemUsage"))
        if uuid is None or to is None:
            self.report.warn("relation uden uuid eller toSystemUsage / relation without uuid or target")
            return
        node = self.iri("relation", uuid)
        target = self.iri("it-system-usages", to)
        if to not in self.b.entities["it-system-usages"]:
            self.report.warn("relation til en systemanvendelse uden for importen / to a usage outside the import",
                             name_of(rel.get("toSystemUsage")) or to)
        self.add(node, RDF.type, ARK.Integration)
        to_name = name_of(rel.get("toSystemUsage")) or to
        from_label = str(next(iter(self.g.objects(source, RDFS.label)), "")) or str(source)
        self.add(node, RDFS.label, Literal(f"{from_label} → {to_name}", lang="da"))
        if isinstance(rel.get("description"), str) and rel["description"].strip():
            self.add(node, RDFS.comment, Literal(rel["description"].strip(), lang="da"))
        self.add(node, DCTERMS.identifier, Literal(uuid))
        self.add(node, ARK.fra, source)
        self.add(node, ARK.til, target)
        iface_uuid = uuid_of(rel.get("relationInterface"))
        if iface_uuid:
            self.interface(node, iface_uuid, name_of(rel.get("relationInterface")))
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
            pattern = (self.iface_types.get((uuid_of(itype) or "").casefold())
                       or self.iface_types.get((name_of(itype) or "").casefold()))
            if pattern is None:
                self.report.lose(f"snitfladetype '{name_of(itype)}' har intet mønster (se --snitflade) / "
                                 "interface type without a pattern")
            elif pattern not in ("Opslag", "Besked", "Filoverfoersel", "Replikering"):
                self.report.warn(f"--snitflade peger på ukendt mønster '{pattern}' / unknown pattern")
                pattern = None
        if pattern:
            self.add(integration, ARK.moenster, ARK[pattern])
        for i, item in enumerate(json_list(iface.get("data"))):
            if not isinstance(item, dict):
                continue
            dtype = json_object(item.get("dataType"))
            key = uuid_of(dtype) or re.sub(r"[^A-Za-z0-9_-]", "-", (item.get("description") or str(i)))[:60]
            data = URIRef(f"{self.o.base}{SEGMENT['it-interfaces']}/{uuid}/data/{key}")
            label = (item.get("description") or "").strip() or name_of(dtype) or f"Data {i + 1}"
            self.g.add((data, RDF.type, ARK.Dataobjekt))
            self.g.add((data, RDFS.label, Literal(label, lang="da")))
            kind = GRUNDDATA.get((name_of(dtype) or "").casefold())
            if kind is not None:
                self.g.add((data, ARK.grunddatatype, kind))
            self.add(integration, ARK.overfoerer, data)

    def contract(self, uuid: str, c: dict, kommune, dpr_yes: set, usage_kle: dict) -> None:
        self.unknown_fields("it-contracts", c)
        node = self.iri("it-contracts", uuid)
        name = name_of(c) or uuid
        self.add(node, RDF.type, ARK.Kontrakt)
        self.add(node, RDFS.label, Literal(name, lang="da"))
        self.add(node, DCTERMS.identifier, Literal(uuid))
        general = json_object(c.get("general"))
        validity = json_object(general.get("validity"))
        start, end = local_date(validity.get("validFrom")), local_date(validity.get("validTo"))
        if start:
            self.add(node, ARK.startdato, _d(start))
        if end:
            self.add(node, ARK.udloebsdato, _d(end))
        supplier = self.supplier(json_object(c.get("supplier")).get("organization"))
        if supplier is not None:
            self.add(node, ARK.leverandoer, supplier)
        self.add(node, ARK.kontraktpart, kommune)
        terms = json_object(json_object(c.get("termination")).get("terms"))
        notice = terms.get("noticePeriodMonths")
        if notice:
            m = re.match(r"^\s*(\d{1,3})\b", name_of(notice) or "")
            if m:
                self.add(node, ARK.opsigelsesfrist, Literal(f"P{int(m.group(1))}M", datatype=XSD.duration))
            else:
                self.report.warn(f"opsigelsesfrist '{name_of(notice)}' kan ikke læses / notice period unreadable", name)
        if terms.get("noticeByEndOf") not in (None, "EndOfCalendarYear", "EndOfQuarter", "EndOfMonth"):
            self.report.warn(f"ukendt noticeByEndOf '{terms.get('noticeByEndOf')}' / unknown value")
        self.lost("termination.terms.noticeByEndOf", terms.get("noticeByEndOf"))
        if json_object(c.get("termination")).get("terminatedAt"):
            self.report.warn("kontrakten er opsagt i KITOS (terminatedAt) / the contract is terminated", name)
        total, seen = Decimal(0), False
        for p in json_list(json_object(c.get("payments")).get("external")):
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
        usages = [uuid_of(u) for u in json_list(c.get("systemUsages")) if uuid_of(u)]
        for u in usages:
            if u in self.b.entities["it-system-usages"]:
                self.add(self.iri("it-system-usages", u), ARK.kontrakt, node)
        plan = json_object(json_object(c.get("procurement")).get("procurementPlan"))
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
            self.lost(f"it-contract.{f}", json_object(c.get(part)).get(sub))
        self.lost("it-contract.general.criticality", general.get("criticality"))
        self.lost("it-contract.parentContract", c.get("parentContract"))


def reuse_index(paths: list[Path], base: str) -> dict[str, URIRef]:
    """KITOS UUID -> an IRI the repository already uses (``dcterms:identifier "<uuid>"``)."""
    if not paths:
        return {}
    from ... import loader

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

