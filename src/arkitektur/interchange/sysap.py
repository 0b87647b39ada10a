"""SYS-AP-eksport / the repository in the Danish draft profile for describing IT systems (SYS-AP,
digst/IT-System-AP v1.0.1), as Turtle or JSON-LD, with the lossy points written into the output.

A Systemanvendelse becomes a ``sys:ITSystem`` (SYS-AP's example describes one municipality's use),
an ItSystem an ``infra:ProductSeries``, a Kontrakt a FIBO ``Contract``, a Dataobjekt a
``dcat:Dataset``; an Integration becomes a ``dcat:DataService`` provided by the receiving side's
``sys:InstantiatedITSystem`` and used by the sending side's. Concept IRIs follow the profile's
pattern (``https://data.gov.dk/concept/core/…``) and are not verified against a published list.
"""

from __future__ import annotations

from collections import Counter

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from ..namespaces import ARK
from .report import Report
from .terms import Prefixes
from .turtle_out import serialize

SYS = Namespace("https://data.gov.dk/model/core/itsystem/")
INFRA = Namespace("https://data.gov.dk/model/core/infrastructure/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCATDK = Namespace("https://data.gov.dk/model/profile/dcat-dk/")
ORG = Namespace("http://www.w3.org/ns/org#")
FIBO = Namespace("https://spec.edmcouncil.org/fibo/ontology/FND/Agreements/Contracts/")
CONCEPT = "https://data.gov.dk/concept/core/"

STATUS = {ARK.Planlagt: "build", ARK.Indfases: "build", ARK.IDrift: "operational", ARK.Udfases: "transition",
          ARK.Udfaset: "retired"}
PERSONAL = {ARK.IngenPersonoplysninger: "NoPersonalData", ARK.AlmindeligePersonoplysninger: "GeneralPersonalData",
            ARK.FoelsommePersonoplysninger: "SensitivePersonalData"}
# A Systemanvendelse's values that SYS-AP carries as they are, under its own property.
USAGE_PROPERTIES = {ARK.systemejer: SYS.hasITSystemOwner, ARK.systemansvarlig: SYS.hasITSystemManager,
                    ARK.understoetterOpgave: SYS.hasApplicationPurpose, ARK.system: INFRA.instanceOfProductInSeries}
EXPORTED = {ARK.Systemanvendelse, ARK.ItSystem, ARK.Infrastruktur, ARK.Grunddataregister, ARK.Kommune,
            ARK.Leverandoer, ARK.Indkoeber, ARK.Samarbejde, ARK.Kontrakt, ARK.Dataobjekt, ARK.Integration}

LOSSY = [
    "Livscyklus: Planlagt og Indfases bliver begge 'build' / Planlagt and Indfases both become 'build'.",
    "Kontrakter: start-, udløbs- og forlængelsesdato, opsigelsesfrist, årlig pris og databehandleraftale har ingen "
    "plads i SYS-AP og er udeladt / contract dates, notice period, price and DPA flag are left out.",
    "Integrationer: kun 'provides'/'uses' via en InstantiatedITSystem; mønster, via og retsgrundlag er udeladt / "
    "only provides/uses; pattern, via and legal basis are left out.",
    "risikovurderet (dato for risikovurdering) har ingen SYS-AP-egenskab / has no SYS-AP property.",
    "Dataflow, udbud, projekter, gevinster, mål, målarkitektur, beslutninger og dispensationer er ikke en del af "
    "SYS-AP / are not part of SYS-AP.",
    "Begrebs-IRI'er (driftsstatus, personoplysningskategori) og FIBO-egenskaberne hasPrincipal/hasCounterparty/"
    "definesTermsFor følger profilens mønster men er ikke verificeret mod en udgivet liste / concept IRIs unverified.",
]


def _labels(g: Graph, node) -> list:
    return [lab for lab in g.objects(node, RDFS.label) if isinstance(lab, Literal)]


def build(graph: Graph, supplier_as: str = "rightsHolder") -> tuple[Graph, Report]:
    g = graph
    out = Graph()
    report = Report()
    supplier_prop = DCTERMS.rightsHolder if supplier_as == "rightsHolder" else SYS.maintainedBy

    def describe(node, cls) -> None:
        out.add((node, RDF.type, cls))
        for lab in _labels(g, node):
            out.add((node, SKOS.prefLabel, lab))
        for ident in g.objects(node, DCTERMS.identifier):
            out.add((node, DCTERMS.identifier, ident))

    def organisation(subject, prop, node) -> None:
        """``subject prop node`` with ``node`` described (once) as an org:Organization."""
        out.add((subject, prop, node))
        if (node, RDF.type, ORG.Organization) not in out:
            describe(node, ORG.Organization)

    for u in sorted(set(g.subjects(RDF.type, ARK.Systemanvendelse)), key=str):
        describe(u, SYS.ITSystem)
        for k in g.objects(u, ARK.kommune):
            organisation(u, SYS.usedInOrganization, k)
        for p, q in USAGE_PROPERTIES.items():
            for v in g.objects(u, p):
                out.add((u, q, v))
        for lc in g.objects(u, ARK.livscyklus):
            if lc in STATUS:
                out.add((u, SYS.operationalStatus, URIRef(f"{CONCEPT}operational-status/{STATUS[lc]}")))
        if any(True for _ in g.objects(u, ARK.risikovurderet)):
            report.lose("risikovurderet har ingen SYS-AP-egenskab / no SYS-AP property")
    products = set(g.subjects(RDF.type, ARK.ItSystem)) | set(g.subjects(RDF.type, ARK.Infrastruktur)) | \
        set(g.subjects(RDF.type, ARK.Grunddataregister)) | set(g.objects(None, ARK.system))
    for s in sorted(products, key=str):
        if not isinstance(s, URIRef):
            continue
        describe(s, INFRA.ProductSeries)
        for sup in g.objects(s, ARK.leverandoer):
            organisation(s, supplier_prop, sup)
    for c in sorted(set(g.subjects(RDF.type, ARK.Kontrakt)), key=str):
        describe(c, FIBO.Contract)
        for sup in g.objects(c, ARK.leverandoer):
            organisation(c, FIBO.hasCounterparty, sup)
        parts = list(g.objects(c, ARK.kontraktpart))
        if not parts:
            parts = [k for u in g.subjects(ARK.kontrakt, c) for k in g.objects(u, ARK.kommune)]
        for p in parts:
            organisation(c, FIBO.hasPrincipal, p)
        for u in g.subjects(ARK.kontrakt, c):
            out.add((c, FIBO.definesTermsFor, u))
        for p in (ARK.startdato, ARK.udloebsdato, ARK.opsigelsesfrist, ARK.aarligPris, ARK.forlaengelseTil,
                  ARK.databehandleraftale):
            if any(True for _ in g.objects(c, p)):
                report.lose(f"kontraktens ark:{str(p).rsplit('#', 1)[-1]} / the contract's value is left out")
    for d in sorted(set(g.subjects(RDF.type, ARK.Dataobjekt)), key=str):
        out.add((d, RDF.type, DCAT.Dataset))
        for lab in _labels(g, d):
            out.add((d, DCTERMS.title, lab))
        for cat in g.objects(d, ARK.personoplysninger):
            if cat in PERSONAL:
                out.add((d, DCATDK.personalDataCategory, URIRef(f"{CONCEPT}personaldata/{PERSONAL[cat]}")))
    for i in sorted(set(g.subjects(RDF.type, ARK.Integration)), key=str):
        service = URIRef(f"{i}/tjeneste") if isinstance(i, URIRef) else None
        if service is None:
            continue
        out.add((service, RDF.type, DCAT.DataService))
        for lab in _labels(g, i):
            out.add((service, DCTERMS.title, lab))
        for d in g.objects(i, ARK.overfoerer):
            out.add((service, DCAT.servesDataset, d))
        for end, prop in ((ARK.til, SYS.provides), (ARK.fra, SYS.uses)):
            for node in g.objects(i, end):
                inst = URIRef(f"{node}/instans")
                out.add((inst, RDF.type, SYS.InstantiatedITSystem))
                out.add((inst, SYS.instantiationOf, node))
                out.add((inst, prop, service))
        for p in (ARK.moenster, ARK.via, ARK.retsgrundlag):
            if any(True for _ in g.objects(i, p)):
                report.lose(f"integrationens ark:{str(p).rsplit('#', 1)[-1]} / the integration's value is left out")
    left = Counter()
    for s, cls in g.subject_objects(RDF.type):
        if str(cls).startswith(str(ARK)) and cls not in EXPORTED and cls != ARK.Opgave:
            left[str(cls).rsplit("#", 1)[-1]] += 1
    for name, n in sorted(left.items()):
        report.lose(f"{name} er ikke en del af SYS-AP ({n}) / not part of SYS-AP")
    return out, report


def _prefixes() -> Prefixes:
    p = Prefixes()
    for prefix, ns in (("sys", SYS), ("infra", INFRA), ("dcat", DCAT), ("dcatdk", DCATDK), ("org", ORG),
                       ("fibo-ctr", FIBO)):
        p.table[prefix] = str(ns)
    return p


def export(repo, *, fmt: str = "turtle", supplier_as: str = "rightsHolder") -> tuple[bytes, Report]:
    """SYS-AP bytes (Turtle or JSON-LD) for a loaded repository, and the loss report."""
    graph, report = build(repo.model, supplier_as)
    header = ("SYS-AP (udkast v1.0.1) eksporteret af 'arkitektur export sysap'. Tab / lossy points:\n"
              + "\n".join(f"- {line}" for line in LOSSY))
    if fmt == "turtle":
        return serialize(graph, _prefixes(), header=header).encode("utf-8"), report
    doc = URIRef("urn:arkitektur:sysap-eksport")
    for line in LOSSY:
        graph.add((doc, RDFS.comment, Literal(line, lang="da")))
    context = {p: str(ns) for p, ns in _prefixes().table.items() if p in
               ("sys", "infra", "dcat", "dcatdk", "org", "fibo-ctr", "skos", "dcterms", "rdfs", "ark")}
    text = graph.serialize(format="json-ld", context=context, auto_compact=True, sort_keys=True, indent=1)
    return text.encode("utf-8"), report
