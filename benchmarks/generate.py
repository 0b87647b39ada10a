"""Generator / writes a seeded, realistic repository of N municipalities × S system usages with planted defects.

The repository follows the modelling language (docs/modelsprog.md) and the layout of ``models/``: one folder
per municipality (systems, contracts, integrations and data flows, local projects) and a folder for
the collaboration (members, forums, phases, the shared product and task catalogue, the target
architecture, joint procurements and projects, dispensations). Clean data passes every rule; a few
per cent of the relevant elements then get a defect for *every* rule of the shipped catalogue
(``arkitektur.catalogue.shipped()``), so that every rule has work to do at every scale.

    python -m benchmarks.generate OUT --municipalities 2 --systems 300 [--seed 2015]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

AS_OF = dt.date(2016, 6, 1)
BASE = "https://example.org/generated/"

# The 98 Danish municipalities (name, kommunekode); the collaboration's founders come first.
KOMMUNER = [
    ("Silkeborg", "740"), ("Viborg", "791"), ("København", "101"), ("Frederiksberg", "147"),
    ("Ballerup", "151"), ("Brøndby", "153"), ("Dragør", "155"), ("Gentofte", "157"), ("Gladsaxe", "159"),
    ("Glostrup", "161"), ("Herlev", "163"), ("Albertslund", "165"), ("Hvidovre", "167"),
    ("Høje-Taastrup", "169"), ("Lyngby-Taarbæk", "173"), ("Rødovre", "175"), ("Ishøj", "183"),
    ("Tårnby", "185"), ("Vallensbæk", "187"), ("Furesø", "190"), ("Allerød", "201"), ("Fredensborg", "210"),
    ("Helsingør", "217"), ("Hillerød", "219"), ("Hørsholm", "223"), ("Rudersdal", "230"), ("Egedal", "240"),
    ("Frederikssund", "250"), ("Greve", "253"), ("Køge", "259"), ("Halsnæs", "260"), ("Roskilde", "265"),
    ("Solrød", "269"), ("Gribskov", "270"), ("Odsherred", "306"), ("Holbæk", "316"), ("Faxe", "320"),
    ("Kalundborg", "326"), ("Ringsted", "329"), ("Slagelse", "330"), ("Stevns", "336"), ("Sorø", "340"),
    ("Lejre", "350"), ("Lolland", "360"), ("Næstved", "370"), ("Guldborgsund", "376"), ("Vordingborg", "390"),
    ("Bornholm", "400"), ("Middelfart", "410"), ("Assens", "420"), ("Faaborg-Midtfyn", "430"),
    ("Kerteminde", "440"), ("Nyborg", "450"), ("Odense", "461"), ("Svendborg", "479"), ("Nordfyns", "480"),
    ("Langeland", "482"), ("Ærø", "492"), ("Haderslev", "510"), ("Billund", "530"), ("Sønderborg", "540"),
    ("Tønder", "550"), ("Esbjerg", "561"), ("Fanø", "563"), ("Varde", "573"), ("Vejen", "575"),
    ("Aabenraa", "580"), ("Fredericia", "607"), ("Horsens", "615"), ("Kolding", "621"), ("Vejle", "630"),
    ("Herning", "657"), ("Holstebro", "661"), ("Lemvig", "665"), ("Struer", "671"), ("Syddjurs", "706"),
    ("Norddjurs", "707"), ("Favrskov", "710"), ("Odder", "727"), ("Randers", "730"), ("Samsø", "741"),
    ("Skanderborg", "746"), ("Aarhus", "751"), ("Ikast-Brande", "756"), ("Ringkøbing-Skjern", "760"),
    ("Hedensted", "766"), ("Morsø", "773"), ("Skive", "779"), ("Thisted", "787"), ("Brønderslev", "810"),
    ("Frederikshavn", "813"), ("Vesthimmerlands", "820"), ("Læsø", "825"), ("Rebild", "840"),
    ("Mariagerfjord", "846"), ("Jammerbugt", "849"), ("Aalborg", "851"), ("Hjørring", "860"),
]
LEVERANDOERER = [
    "KMD", "Netcompany", "Schultz", "EG", "Systematic", "Fujitsu", "Atea", "Formpipe", "Netic",
    "IT Relation", "Columna", "Visma", "Rambøll", "Unit4", "Nordic Engineering", "Strand & Donslund",
    "Kvalitetsit", "Miracle", "Digital Identity", "Hougaard", "Silverbullet", "Zylinc", "Cura Systems",
    "Novataris", "Globeteam", "Omada", "Proactive", "Frontavenue", "Evida", "Datatorvet",
]
PRODUKTER = [
    "Sag", "Journal", "Ydelse", "Booking", "Økonomi", "Løn", "Plan", "Portal", "Indberetning", "Analyse",
    "Dokument", "Arkiv", "Borgerservice", "Tilsyn", "Visitation", "Betaling", "Kalender", "Rapport",
]
OMRAADER = ["Socialområdet", "Sundhed og omsorg", "Børn og unge", "Beskæftigelse", "Teknik og miljø",
            "Økonomi og personale", "Borgerservice", "Kultur og fritid", "Skoleområdet", "Digitalisering"]
KLE_HG = ["00", "01", "02", "03", "05", "06", "07", "09", "13", "14", "15", "16", "17", "18", "20", "22",
          "23", "24", "25", "27", "28", "29", "30", "31", "32", "82", "83", "84", "85", "86", "88"]
MOENSTRE = ["ark:Opslag", "ark:Besked", "ark:Filoverfoersel", "ark:Replikering"]
GEVINSTTYPER = ["ark:Strategisk", "ark:Oekonomisk", "ark:Organisatorisk", "ark:Teknologisk"]
MODTAGERE = ["alle", "fagområderne", "projektejer", "it- og digitaliseringsorganisationen"]
RETSGRUNDLAG = ["Databeskyttelsesforordningens art. 6, stk. 1, litra e", "Serviceloven § 11",
                "Forvaltningsloven § 31", "Lov om aktiv socialpolitik § 11", "Sundhedsloven § 42a"]

PREFIXES = {
    "ark": "https://w3id.org/arkitektur/ontologi#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "sam": BASE + "samarbejde#",
}


def _slug(name: str) -> str:
    table = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})
    return name.translate(table).lower().replace(" ", "-")


def lit(text: str, lang: str | None = None) -> str:
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{body}"@{lang}' if lang else f'"{body}"'


def labels(da: str, en: str | None = None) -> str:
    return f"{lit(da, 'da')} , {lit(en or da, 'en')}"


def date(d: dt.date) -> str:
    return f'"{d.isoformat()}"^^xsd:date'


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, 1) if d.day == 1 else dt.date(d.year + y, m + 1, min(d.day, 28))


class Entity:
    __slots__ = ("file", "props")

    def __init__(self, file: str, props: list) -> None:
        self.file = file
        self.props = props

    def get(self, p: str) -> str | None:
        return next((o for q, o in self.props if q == p), None)

    def all(self, p: str) -> list[str]:
        return [o for q, o in self.props if q == p]

    def remove(self, p: str, o: str | None = None) -> None:
        self.props = [(q, v) for q, v in self.props if not (q == p and (o is None or v == o))]

    def set(self, p: str, o: str) -> None:
        if any(q == p for q, _ in self.props):
            self.props = [(q, o if q == p else v) for q, v in self.props]
        else:
            self.props.append((p, o))


@dataclass
class Kommune:
    name: str
    kode: str
    slug: str
    pfx: str
    medlem_fra: dt.date | None

    @property
    def node(self) -> str:
        return f"{self.pfx}:kommune"


@dataclass
class Usage:
    node: str
    kommune: Kommune
    task: int
    product: int
    contract: str | None


@dataclass
class World:
    rng: random.Random
    n: int
    s: int
    rate: float
    entities: dict = field(default_factory=dict)
    kommuner: list = field(default_factory=list)
    tasks: list = field(default_factory=list)          # (prefixed name, code)
    products: list = field(default_factory=list)       # (node, name, supplier index)
    candidates: dict = field(default_factory=dict)     # task -> [product]
    targets: dict = field(default_factory=dict)        # task -> Maalloesning node, target product
    udbud_tasks: dict = field(default_factory=dict)    # task -> Udbud node
    usages: list = field(default_factory=list)
    integrations: list = field(default_factory=list)   # (node, kommune, carries sensitive?, personal?, register?)
    dataflows: list = field(default_factory=list)
    projects: list = field(default_factory=list)       # (node, [kommune], status)
    used_products: set = field(default_factory=set)
    touched: set = field(default_factory=set)
    planted: Counter = field(default_factory=Counter)
    notes: list = field(default_factory=list)

    def add(self, file: str, subject: str, *props: tuple[str, str]) -> Entity:
        e = Entity(file, list(props))
        self.entities[subject] = e
        return e

    def e(self, subject: str) -> Entity:
        return self.entities[subject]

    def pick(self, population: list, rule: str, count: int | None = None, reuse: bool = False) -> list:
        """Untouched elements of ``population`` to plant ``rule`` in: a few per cent, at least one.

        ``reuse``: the defect does not interfere with others, so any element will do (tiny scales).
        """
        free = [x for x in population if reuse or _key(x) not in self.touched]
        want = count if count is not None else max(1, round(self.rate * len(population)))
        chosen = self.rng.sample(free, min(want, len(free)))
        for x in chosen:
            self.touched.add(_key(x))
        self.planted[rule] += len(chosen)
        return chosen


def _key(x) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, tuple):
        return x[0]
    return x.node


# --------------------------------------------------------------------------------------------
# Clean data
# --------------------------------------------------------------------------------------------

def _build(w: World) -> None:
    rng = w.rng
    names = KOMMUNER[: w.n] if w.n <= len(KOMMUNER) else KOMMUNER + [
        (f"Kommune {i}", str(900 + i)) for i in range(w.n - len(KOMMUNER))]
    for i, (name, kode) in enumerate(names):
        joined = None
        if i >= 2:  # later members join over time; a few only after as-of
            joined = dt.date(2015, 12, 1) + dt.timedelta(days=rng.randrange(0, 600))
        w.kommuner.append(Kommune(name, kode, _slug(name), f"k{kode}", joined))

    sam = "samarbejde"
    # Collaboration, members, governance bodies and phases.
    props = [("a", "ark:Samarbejde"), ("rdfs:label", labels("Det fælles it-samarbejde", "The joint IT collaboration"))]
    props += [("ark:medlem", k.node) for k in w.kommuner]
    w.add(f"{sam}/samarbejde.ttl", "sam:samarbejde", *props)
    for k in w.kommuner:
        if k.medlem_fra is not None:
            w.add(f"{sam}/samarbejde.ttl", f"sam:medlemskab-{k.kode}", ("a", "ark:Medlemskab"),
                  ("rdfs:label", labels(f"Medlemskab: {k.name}", f"Membership: {k.name}")),
                  ("ark:samarbejde", "sam:samarbejde"), ("ark:kommune", k.node),
                  ("ark:medlemFra", date(k.medlem_fra)))
    w.add(f"{sam}/samarbejde.ttl", "sam:enhed", ("a", "ark:Digitaliseringsenhed"),
          ("rdfs:label", labels("Fælles digitaliseringsenhed", "Joint digitalisation unit")))
    w.add(f"{sam}/samarbejde.ttl", "sam:direktion", ("a", "ark:Direktion"),
          ("rdfs:label", labels("Kommunaldirektørerne", "The municipal directors")))
    phases = [("definering", "Definering", dt.date(2015, 4, 1), dt.date(2015, 12, 31), dt.date(2015, 3, 20)),
              ("harmonisering", "Harmonisering", dt.date(2016, 2, 1), dt.date(2017, 6, 30), dt.date(2016, 1, 20)),
              ("organisation", "Organisationsetablering", dt.date(2017, 7, 1), dt.date(2018, 12, 31),
               dt.date(2017, 1, 20))]
    for slug, name, start, end, decided in phases:
        b = f"sam:go-{slug}"
        _decision(w, f"{sam}/samarbejde.ttl", b, f"GO: {name}", "sam:direktion", decided, "ark:Go", None)
        w.add(f"{sam}/samarbejde.ttl", f"sam:fase-{slug}", ("a", "ark:Fase"),
              ("rdfs:label", labels(f"Fase: {name}", f"Phase: {name}")), ("ark:startdato", date(start)),
              ("ark:slutdato", date(end)), ("ark:beslutningspunkt", b))

    for k in w.kommuner:
        f = f"{k.slug}/kommune.ttl"
        w.add(f, k.node, ("a", "ark:Kommune"), ("rdfs:label", labels(f"{k.name} Kommune", f"{k.name} Municipality")),
              ("ark:kommunekode", lit(k.kode)))
        w.add(f, f"{k.pfx}:forum", ("a", "ark:Forum"),
              ("rdfs:label", labels(f"{k.name}: strategisk digitaliseringsforum",
                                    f"{k.name}: strategic digitalisation forum")),
              ("ark:kommune", k.node))
        for j in range(3):
            w.add(f, f"{k.pfx}:maal-{j}", ("a", "ark:Maal"),
                  ("rdfs:label", labels(f"{k.name}: mål {j + 1}", f"{k.name}: goal {j + 1}")))

    # Shared catalogue: tasks (KLE), suppliers, products.
    seen = set()
    t = 0
    while len(w.tasks) < max(w.s, 10):
        hg = KLE_HG[t % len(KLE_HG)]
        code = f"{hg}.{(t // len(KLE_HG)) % 40:02d}.{(t // (len(KLE_HG) * 40)):02d}"
        t += 1
        if code in seen:
            continue
        seen.add(code)
        node = f"kle{hg}:{code}"
        w.tasks.append((node, code))
        area = OMRAADER[len(w.tasks) % len(OMRAADER)]
        w.add(f"{sam}/opgaver.ttl", node, ("a", "ark:Opgave"), ("skos:notation", lit(code)),
              ("rdfs:label", labels(f"{code} {area}", f"{code} {area}")))
    for i, name in enumerate(LEVERANDOERER):
        w.add(f"{sam}/katalog.ttl", f"sam:lev-{i}", ("a", "ark:Leverandoer"), ("rdfs:label", labels(name)),
              ("ark:cvr", lit(str(10000000 + 7919 * i))))
    for task in range(len(w.tasks)):
        w.candidates[task] = []
        for j in range(3):
            p = len(w.products)
            sup = rng.randrange(len(LEVERANDOERER))
            name = f"{LEVERANDOERER[sup]} {PRODUKTER[(task + j) % len(PRODUKTER)]} {task}.{j}"
            w.products.append((f"sam:sys-{p}", name, sup))
            w.candidates[task].append(p)
            w.add(f"{sam}/katalog.ttl", f"sam:sys-{p}", ("a", "ark:ItSystem"), ("rdfs:label", labels(name)),
                  ("ark:leverandoer", f"sam:lev-{sup}"))

    # Target architecture: an older one superseded by a newer one for a few tasks.
    ntarget = max(3, round(0.15 * len(w.tasks)))
    target_tasks = sorted(rng.sample(range(len(w.tasks)), ntarget))
    f = f"{sam}/maalarkitektur.ttl"
    old = w.add(f, "sam:maalarkitektur-2015", ("a", "ark:Maalarkitektur"),
                ("rdfs:label", labels("Målarkitektur 2015", "Target architecture 2015")),
                ("ark:samarbejde", "sam:samarbejde"), ("ark:gaelderFra", date(dt.date(2015, 6, 1))))
    new = w.add(f, "sam:maalarkitektur-2016", ("a", "ark:Maalarkitektur"),
                ("rdfs:label", labels("Målarkitektur 2016", "Target architecture 2016")),
                ("ark:samarbejde", "sam:samarbejde"), ("ark:gaelderFra", date(dt.date(2016, 1, 1))))
    for task in target_tasks:
        product = w.candidates[task][0]
        node = f"sam:ml-{task}"
        w.targets[task] = (node, product)
        w.used_products.add(product)
        new.props.append(("ark:maalloesning", node))
        w.add(f, node, ("a", "ark:Maalloesning"),
              ("rdfs:label", labels(f"Målløsning: {w.tasks[task][1]}", f"Target solution: {w.tasks[task][1]}")),
              ("ark:opgave", w.tasks[task][0]), ("ark:maalsystem", w.products[product][0]),
              ("ark:senest", date(dt.date(2018, 12, 31))))
        if rng.random() < 0.2:  # superseded by the 2016 target architecture
            onode = f"sam:ml-{task}-2015"
            old.props.append(("ark:maalloesning", onode))
            w.add(f, onode, ("a", "ark:Maalloesning"),
                  ("rdfs:label", labels(f"Målløsning 2015: {w.tasks[task][1]}")),
                  ("ark:opgave", w.tasks[task][0]), ("ark:maalsystem", w.products[w.candidates[task][1]][0]),
                  ("ark:senest", date(dt.date(2017, 12, 31))))

    # Joint procurements for about half of the target tasks (a plan for every member taking part).
    f = f"{sam}/udbud.ttl"
    for task in target_tasks[: max(2, len(target_tasks) // 2)]:
        planned = dt.date(2016, 9, 1) + dt.timedelta(days=rng.randrange(0, 600))
        node = f"sam:udbud-{task}"
        w.udbud_tasks[task] = node
        props = [("a", "ark:Udbud"), ("rdfs:label", labels(f"Fælles udbud: {w.tasks[task][1]}",
                                                             f"Joint tender: {w.tasks[task][1]}")),
                 ("ark:omfatter", w.tasks[task][0]), ("ark:planlagtDato", date(planned))]
        props += [("ark:deltager", k.node) for k in w.kommuner if k.medlem_fra is None or k.medlem_fra <= planned]
        w.add(f, node, *props)

    for k in w.kommuner:
        _municipality(w, k)
    _joint_projects(w)


def _decision(w: World, file: str, node: str, label: str, by: str, day: dt.date, outcome: str,
              about: str | None) -> Entity:
    props = [("a", "ark:Beslutning"), ("rdfs:label", labels(label)), ("ark:besluttetAf", by),
             ("ark:dato", date(day)), ("ark:udfald", outcome)]
    if about:
        props.append(("ark:vedroerer", about))
    return w.add(file, node, *props)


def _municipality(w: World, k: Kommune) -> None:
    rng = w.rng
    sysf, kontf, intf, projf = (f"{k.slug}/{n}.ttl" for n in ("systemer", "kontrakter", "integrationer", "projekter"))
    usages: list[Usage] = []
    for i in range(w.s):
        task = i % len(w.tasks)
        if task in w.targets:
            product = w.targets[task][1]
            cycle = "ark:IDrift"
        else:
            product = rng.choice(w.candidates[task])
            r = rng.random()
            cycle = ("ark:IDrift" if r < 0.82 else "ark:Indfases" if r < 0.87 else "ark:Planlagt" if r < 0.9
                     else "ark:Udfases" if r < 0.95 else "ark:Udfaset")
        pnode, pname, sup = w.products[product]
        node = f"{k.pfx}:anv-{i}"
        area = OMRAADER[i % len(OMRAADER)]
        props = [("a", "ark:Systemanvendelse"), ("rdfs:label", labels(f"{k.name}: {pname}")),
                 ("ark:system", pnode), ("ark:kommune", k.node), ("ark:livscyklus", cycle),
                 ("ark:understoetterOpgave", w.tasks[task][0])]
        if cycle != "ark:Planlagt":
            props += [("ark:systemejer", lit(f"Fagchef, {area}")),
                      ("ark:systemansvarlig", lit(f"Systemforvalter, {area}"))]
        contract = None
        if cycle not in ("ark:Planlagt", "ark:Udfaset"):
            contract = f"{k.pfx}:kontrakt-{i}"
            props.append(("ark:kontrakt", contract))
            start = dt.date(2012 + rng.randrange(0, 4), 1 + rng.randrange(12), 1)
            end = dt.date(2018, 7, 1) + dt.timedelta(days=rng.randrange(0, 1600))
            cprops = [("a", "ark:Kontrakt"), ("rdfs:label", labels(f"Kontrakt: {pname} ({k.name})",
                                                                    f"Contract: {pname} ({k.name})")),
                      ("ark:leverandoer", f"sam:lev-{sup}"), ("ark:startdato", date(start)),
                      ("ark:udloebsdato", date(end)), ("ark:opsigelsesfrist", '"P6M"^^xsd:duration'),
                      ("ark:aarligPris", f'"{rng.randrange(20, 2000) * 1000}.00"^^xsd:decimal'),
                      ("ark:databehandleraftale", "true")]
            if rng.random() < 0.5:
                cprops.append(("ark:forlaengelseTil", date(dt.date(end.year + 2, end.month, 1))))
            if rng.random() < 0.1:
                cprops.append(("ark:kontraktpart", "ark:KOMBIT"))
            w.add(kontf, contract, *cprops)
        props.append(("ark:risikovurderet", date(dt.date(2014, 1, 1) + dt.timedelta(days=rng.randrange(0, 850)))))
        w.add(sysf, node, *props)
        u = Usage(node, k, task, product, contract)
        usages.append(u)
        w.usages.append(u)

    # Data objects: personal data of each kind, and base data with its authoritative register.
    kinds = ["ark:IngenPersonoplysninger", "ark:AlmindeligePersonoplysninger", "ark:FoelsommePersonoplysninger"]
    data = []
    for d in range(max(6, w.s // 8)):
        kind = kinds[d % 3]
        node = f"{k.pfx}:data-{d}"
        props = [("a", "ark:Dataobjekt"), ("rdfs:label", labels(f"{k.name}: dataobjekt {d}", f"{k.name}: data object {d}")),
                 ("ark:personoplysninger", kind)]
        register = None
        if d % 5 == 4:
            gtype, register = [("ark:Person", "ark:CPR"), ("ark:Adresse", "ark:DAR"), ("ark:Ejendom", "ark:BBR"),
                               ("ark:Virksomhed", "ark:CVR")][(d // 5) % 4]
            props += [("ark:grunddatatype", gtype), ("ark:autoritativKilde", register)]
        w.add(intf, node, *props)
        data.append((node, kind, register))

    active = [u for u in usages if w.e(u.node).get("ark:livscyklus") in ("ark:IDrift", "ark:Indfases", "ark:Udfases")]
    n_int = 0
    for u in active:
        for _ in range(1 if rng.random() < 0.45 else 2):
            other = rng.choice(active)
            if other is u:
                continue
            node, kind, register = rng.choice(data)
            inode = f"{k.pfx}:int-{n_int}"
            n_int += 1
            props = [("a", "ark:Integration"), ("rdfs:label", labels(f"{k.name}: integration {n_int}")),
                     ("ark:fra", u.node), ("ark:til", other.node), ("ark:moenster", rng.choice(MOENSTRE)),
                     ("ark:overfoerer", node)]
            if register is not None or rng.random() < 0.4:
                props.append(("ark:via", "ark:Serviceplatformen" if register is not None or rng.random() < 0.5
                              else "ark:Beskedfordeler"))
            personal = kind != "ark:IngenPersonoplysninger"
            if personal:
                props.append(("ark:retsgrundlag", lit(rng.choice(RETSGRUNDLAG))))
            w.add(intf, inode, *props)
            w.integrations.append((inode, k, kind == "ark:FoelsommePersonoplysninger", personal, False))
            if rng.random() < 0.5:
                fnode = f"{k.pfx}:flow-{n_int}"
                fprops = [("a", "ark:Dataflow"), ("rdfs:label", labels(f"{k.name}: dataflow {n_int}")),
                          ("ark:fra", u.node), ("ark:til", other.node), ("ark:overfoerer", node),
                          ("ark:realiseresAf", inode)]
                if personal:
                    fprops.append(("ark:retsgrundlag", lit(rng.choice(RETSGRUNDLAG))))
                w.add(intf, fnode, *fprops)
                w.dataflows.append((fnode, k, personal))
        if rng.random() < 0.1:  # a CPR lookup through Serviceplatformen
            inode = f"{k.pfx}:int-{n_int}"
            n_int += 1
            w.add(intf, inode, ("a", "ark:Integration"), ("rdfs:label", labels(f"{k.name}: CPR-opslag {n_int}")),
                  ("ark:fra", "ark:CPR"), ("ark:til", u.node), ("ark:via", "ark:Serviceplatformen"),
                  ("ark:moenster", "ark:Opslag"), ("ark:overfoerer", "sam:data-cpr"),
                  ("ark:retsgrundlag", lit("CPR-loven § 38")))
            w.integrations.append((inode, k, False, True, True))

    # Local projects, each implementing a product of its own.
    for j in range(max(1, w.s // 50)):
        _project(w, projf, f"{k.pfx}:projekt-{j}", f"{k.name}: projekt {j + 1}", [k],
                 [f"{k.pfx}:maal-{j % 3}"], _free_product(w))


def _free_product(w: World) -> int:
    free = [p for p in range(len(w.products)) if p not in w.used_products]
    p = w.rng.choice(free) if free else w.rng.randrange(len(w.products))
    w.used_products.add(p)
    return p


def _project(w: World, file: str, node: str, name: str, members: list[Kommune], goals: list[str],
             product: int, status: str | None = None) -> None:
    rng = w.rng
    status = status or rng.choice(["ark:Igang", "ark:Igang", "ark:Ide", "ark:Afsluttet"])
    props = [("a", "ark:Digitaliseringsprojekt"), ("rdfs:label", labels(name)), ("ark:status", status)]
    props += [("ark:deltager", k.node) for k in members]
    props += [("ark:bidragerTil", g) for g in goals]
    props.append(("ark:implementerer", w.products[product][0]))
    gains = []
    for g in range(2):
        gnode = f"{node}-gevinst-{g}"
        gains.append(gnode)
        w.add(file, gnode, ("a", "ark:Gevinst"), ("rdfs:label", labels(f"{name}: gevinst {g + 1}")),
              ("ark:gevinsttype", GEVINSTTYPER[(g + len(w.projects)) % 4]), ("ark:modtager", lit(rng.choice(MODTAGERE))),
              ("ark:realiseres", f'"{2016 + g}"^^xsd:gYear' if g == 0 else lit("2017-2018")),
              ("ark:bidragerTil", goals[0]), ("ark:forudsaetning", lit("Fælles arbejdsgange er aftalt")),
              *_realisation(status, g))
    props += [("ark:gevinst", g) for g in gains]
    for le in range(2):
        lnode = f"{node}-leverance-{le}"
        start = dt.date(2016, 1 + rng.randrange(0, 9), 1)
        w.add(file, lnode, ("a", "ark:Leverance"), ("rdfs:label", labels(f"{name}: leverance {le + 1}")),
              ("ark:startdato", date(start)), ("ark:slutdato", date(add_months(start, 2 + rng.randrange(0, 4)))),
              ("ark:gevinst", gains[le]))
        props.append(("ark:leverance", lnode))
    w.add(file, node, *props)
    if status == "ark:Igang":
        for k in members:
            _decision(w, file, f"{node}-godkendt-{k.kode}", f"{k.name}: godkendelse af {name}", f"{k.pfx}:forum",
                      dt.date(2015, 10, 1) + dt.timedelta(days=rng.randrange(0, 200)), "ark:Godkendt", node)
    w.projects.append((node, members, status))


def _realisation(status: str, g: int) -> list:
    """Realistic follow-up at as-of, none of it due yet (GEV-4 is planted apart): a finished
    project's first benefit is realised, a running one's under way, the rest not begun or unset.
    Derived from the status, not drawn, so the random stream (and every other defect) stays put."""
    if g == 0 and status == "ark:Afsluttet":
        return [("ark:realiseringsstatus", "ark:Realiseret"), ("ark:realiseretDato", date(dt.date(2016, 3, 31))),
                ("ark:realiseringsnote", lit("Målt ved projektets afslutning", "da"))]
    if g == 0 and status == "ark:Igang":
        return [("ark:realiseringsstatus", "ark:Undervejs")]
    return [("ark:realiseringsstatus", "ark:IkkeRealiseret")] if status == "ark:Igang" else []


def _joint_projects(w: World) -> None:
    rng = w.rng
    w.add("samarbejde/projekter.ttl", "sam:maal-faelles", ("a", "ark:Maal"),
          ("rdfs:label", labels("Samme løsning til samme opgave", "The same solution for the same task")))
    w.add("samarbejde/data.ttl", "sam:data-cpr", ("a", "ark:Dataobjekt"),
          ("rdfs:label", labels("Personoplysninger fra CPR", "Personal data from CPR")),
          ("ark:personoplysninger", "ark:AlmindeligePersonoplysninger"), ("ark:grunddatatype", "ark:Person"),
          ("ark:autoritativKilde", "ark:CPR"))
    tasks = [t for t in w.targets if t not in w.udbud_tasks]
    for n in range(max(1, w.n * w.s // 400)):
        members = rng.sample(w.kommuner, min(len(w.kommuner), 2 + rng.randrange(0, 3)))
        members.sort(key=lambda k: k.kode)
        if tasks and n < len(tasks):  # a joint project implementing the target system is a plan
            product = w.targets[tasks[n]][1]
        else:
            product = _free_product(w)
        _project(w, "samarbejde/projekter.ttl", f"sam:projekt-{n}", f"Fælles projekt {n + 1}", members,
                 ["sam:maal-faelles"], product, status=rng.choice(["ark:Igang", "ark:Ide"]))


# --------------------------------------------------------------------------------------------
# Planted defects: one planter per rule of the catalogue (docs/regler/)
# --------------------------------------------------------------------------------------------

def _usages(w: World, cycle: str | None = "ark:IDrift") -> list[Usage]:
    return [u for u in w.usages if cycle is None or w.e(u.node).get("ark:livscyklus") == cycle]


def _of_type(w: World, cls: str) -> list[str]:
    return [s for s, e in w.entities.items() if e.get("a") == cls]


def plant_mod_1(w: World) -> None:
    for n, u in enumerate(w.pick(_usages(w, None), "MOD-1")):
        if n % 2 == 0:
            w.e(u.node).props.append(("ark:bemaerkning", lit("Afventer ny kontrakt", "da")))
        else:
            w.e(u.node).set("a", "ark:Systemanvendelsee")


def plant_mod_2(w: World) -> None:
    for n, c in enumerate(w.pick(_of_type(w, "ark:Kontrakt"), "MOD-2")):
        w.e(c).set("ark:leverandoer", f"sam:lev-ukendt-{n}")


def plant_mod_3(w: World) -> None:
    for c in w.pick(_of_type(w, "ark:Kontrakt"), "MOD-3"):
        e = w.e(c)
        e.set("rdfs:label", e.get("rdfs:label").split(" , ")[1])


def plant_mod_4(w: World) -> None:
    contracts = _of_type(w, "ark:Kontrakt")
    chosen = w.pick(contracts, "MOD-4")
    for n, c in enumerate(chosen):
        e = w.e(c)
        variant = n % 5
        if variant == 0:
            e.set("ark:startdato", date(dt.date(2023, 1, 1)))               # end before start
        elif variant == 1:
            e.set("ark:aarligPris", lit("450.000 kr."))                      # wrong datatype
        elif variant == 2:
            e.set("ark:aarligPris", '"1.50E5"^^xsd:double')                   # valid, non-canonical double
        elif variant == 3:
            e.set("ark:opsigelsesfrist", '"6 måneder"^^xsd:duration')        # ill-typed duration
        else:
            e.set("ark:databehandleraftale", lit("ja"))                       # not a boolean
    for n, u in enumerate(w.pick(_usages(w, "ark:Udfases"), "MOD-4", max(1, len(chosen) // 2))):
        if n % 2 == 0:
            w.e(u.node).set("ark:risikovurderet", '"2015-13-45"^^xsd:date')  # ill-typed date
        else:
            w.e(u.node).set("ark:livscyklus", "ark:Godkendt")                 # outside the code list
    for le in w.pick(_of_type(w, "ark:Leverance"), "MOD-4", 1):
        w.e(le).set("ark:slutdato", '"2016-02-30"^^xsd:date')                 # no such day


def plant_sty_1(w: World) -> None:
    for n, u in enumerate(w.pick(_usages(w), "STY-1")):
        w.e(u.node).remove("ark:systemejer" if n % 2 == 0 else "ark:systemansvarlig")


def plant_sty_2(w: World) -> None:
    running = [p for p in w.projects if p[2] == "ark:Igang"]
    for node, members, _ in w.pick(running, "STY-2"):
        victim = members[-1]
        w.entities.pop(f"{node}-godkendt-{victim.kode}", None)


def plant_sty_3(w: World) -> None:
    f = "samarbejde/samarbejde.ttl"
    _decision(w, f, "sam:nogo-pilot", "No-go: pilotfase", "sam:direktion", dt.date(2016, 3, 1), "ark:NoGo", None)
    w.add(f, "sam:fase-pilot", ("a", "ark:Fase"), ("rdfs:label", labels("Fase: Pilot", "Phase: Pilot")),
          ("ark:startdato", date(dt.date(2016, 4, 1))), ("ark:slutdato", date(dt.date(2016, 9, 30))),
          ("ark:beslutningspunkt", "sam:nogo-pilot"))
    w.planted["STY-3"] += 1


def plant_gev_1(w: World) -> None:
    for node, _, _ in w.pick(w.projects, "GEV-1"):
        w.e(node).remove("ark:gevinst")


def plant_gev_2(w: World) -> None:
    for n, g in enumerate(w.pick(_of_type(w, "ark:Gevinst"), "GEV-2")):
        if n % 2 == 0:
            w.e(g).remove("ark:modtager")
        else:
            w.e(g).props.append(("ark:gevinsttype", "ark:Strategisk" if w.e(g).get("ark:gevinsttype") != "ark:Strategisk"
                                 else "ark:Oekonomisk"))


def plant_gev_3(w: World) -> None:
    for g in w.pick(_of_type(w, "ark:Gevinst"), "GEV-3"):
        w.e(g).remove("ark:bidragerTil")


# Overdue the three ways GEV-4 names: a past year without status, a past date under way, a past
# range not begun. Undone by nothing else: the benefits keep their type, receiver and goal.
_OVERDUE = [('"2015"^^xsd:gYear', None), (date(dt.date(2016, 3, 31)), "ark:Undervejs"),
            (lit("2014-2015"), "ark:IkkeRealiseret")]


def plant_gev_4(w: World) -> None:
    for n, g in enumerate(w.pick(_of_type(w, "ark:Gevinst"), "GEV-4")):
        when, status = _OVERDUE[n % len(_OVERDUE)]
        e = w.e(g)
        e.set("ark:realiseres", when)
        for p in ("ark:realiseringsstatus", "ark:realiseretDato", "ark:realiseringsnote"):
            e.remove(p)
        if status:
            e.props.append(("ark:realiseringsstatus", status))


def plant_sma_1(w: World) -> None:
    for node, _, _ in w.pick(w.projects, "SMA-1"):
        w.e(node).remove("ark:bidragerTil")


def plant_sma_2(w: World) -> None:
    running = [p for p in w.projects if p[2] == "ark:Igang"]
    for node, _, _ in w.pick(running, "SMA-2", max(1, round(w.rate * len(running)) // 2)):
        w.e(node).remove("ark:leverance")
    for le in w.pick(_of_type(w, "ark:Leverance"), "SMA-2", max(1, round(w.rate * len(w.projects)))):
        e = w.e(le)
        start = dt.date.fromisoformat(e.get("ark:startdato").split('"')[1])
        e.set("ark:slutdato", date(add_months(start, 9)))


def plant_sma_3(w: World) -> None:
    for le in w.pick(_of_type(w, "ark:Leverance"), "SMA-3"):
        w.e(le).remove("ark:gevinst")


def plant_hel_1(w: World) -> None:
    for u in w.pick(list(w.udbud_tasks.values()), "HEL-1", 1):
        e = w.e(u)
        e.remove("ark:deltager", e.all("ark:deltager")[-1])


def _switch(w: World, u: Usage) -> None:
    other = w.candidates[u.task][1 + w.rng.randrange(2)]
    w.e(u.node).set("ark:system", w.products[other][0])
    w.e(u.node).set("rdfs:label", labels(f"{u.kommune.name}: {w.products[other][1]}"))


def _active_on(u: Usage) -> bool:
    return u.kommune.medlem_fra is None or u.kommune.medlem_fra <= AS_OF


def plant_hel_2(w: World) -> None:
    pop = [u for u in _usages(w) if u.task in w.targets and _active_on(u)]
    planned = [u for u in pop if u.task in w.udbud_tasks]
    unplanned = [u for u in pop if u.task not in w.udbud_tasks]
    for part in (planned, unplanned):
        for u in w.pick(part, "HEL-2", max(1, round(w.rate * len(pop) / 2))):
            _switch(w, u)


def plant_hel_3(w: World) -> None:
    pop = [u for u in _usages(w) if u.task in w.targets and _active_on(u)]
    for n, u in enumerate(w.pick(pop, "HEL-3")):
        _switch(w, u)
        e = w.e(u.node)
        e.set("ark:livscyklus", "ark:Planlagt" if n % 2 == 0 else "ark:Indfases")


def plant_hel_4(w: World) -> None:
    active = [p for p in w.projects if p[2] != "ark:Afsluttet"]
    if len(active) < 2:  # a tiny repository: revive a closed local project as an idea
        closed = [p for p in w.projects if p[2] == "ark:Afsluttet" and p not in active]
        for node, members, _ in closed[: 2 - len(active)]:
            w.e(node).set("ark:status", "ark:Ide")
            w.projects[w.projects.index((node, members, "ark:Afsluttet"))] = (node, members, "ark:Ide")
        active = [p for p in w.projects if p[2] != "ark:Afsluttet"]
    local = [p for p in active if p[0].split(":")[0] != "sam"] or active[:1]
    count = max(1, round(w.rate * len(local) / 2))
    untouched = [p for p in local if p[0] not in w.touched]
    for node, _, _ in w.pick(local, "HEL-4", count, reuse=len(untouched) < count):
        others = [p for p in active if p[0] != node]
        if not others:
            continue
        other = w.rng.choice(others)
        w.e(node).set("ark:implementerer", w.e(other[0]).get("ark:implementerer"))
        w.touched.add(other[0])
        w.planted["HEL-4"] += 1  # both projects are reported


def plant_fda_2_1(w: World) -> None:
    registers = [i for i in w.integrations if i[4]]
    for n, i in enumerate(w.pick(registers, "FDA-2.1")):
        if n % 2 == 0:
            w.e(i[0]).remove("ark:via")
        else:
            w.e(i[0]).set("ark:via", "ark:Beskedfordeler")


def plant_fda_3_1(w: World) -> None:
    for i in w.pick([i for i in w.integrations if i[3] and not i[4]], "FDA-3.1"):
        w.e(i[0]).remove("ark:retsgrundlag")
    for f in w.pick([f for f in w.dataflows if f[2]], "FDA-3.1", max(1, round(w.rate * len(w.dataflows) / 2))):
        w.e(f[0]).remove("ark:retsgrundlag")


def plant_fda_4_1(w: World) -> None:
    sensitive = {w.e(i[0]).get("ark:fra") for i in w.integrations if i[2]}
    pop = [u for u in w.usages if u.node in sensitive]
    for n, u in enumerate(w.pick(pop, "FDA-4.1")):
        if n % 2 == 0:
            w.e(u.node).set("ark:risikovurderet", date(dt.date(2012, 5, 1)))
        else:
            w.e(u.node).remove("ark:risikovurderet")


def plant_fda_6_1(w: World) -> None:
    pop = [s for s in _of_type(w, "ark:Dataobjekt") if w.e(s).get("ark:grunddatatype") and s != "sam:data-cpr"]
    for d in w.pick(pop, "FDA-6.1"):
        w.e(d).remove("ark:autoritativKilde")


def plant_fda_7_1(w: World) -> None:
    for i in w.pick(w.integrations, "FDA-7.1"):
        w.e(i[0]).remove("ark:moenster")


def plant_kon_1(w: World) -> None:
    for u in w.pick([u for u in _usages(w) if u.contract], "KON-1"):
        w.e(u.node).remove("ark:kontrakt")


def plant_kon_2(w: World) -> None:
    for u in w.pick([u for u in _usages(w) if u.contract], "KON-2"):
        w.e(u.contract).set("ark:udloebsdato", date(dt.date(2016, 3, 31)))


def plant_kon_3(w: World) -> None:
    pop = [u for u in _usages(w) if u.contract and u.task not in w.udbud_tasks
           and not w.e(u.contract).get("ark:kontraktpart")]
    for u in w.pick(pop, "KON-3"):
        w.e(u.contract).set("ark:udloebsdato", date(dt.date(2017, 6, 30)))


def _dispensation(w: World, node: str, rule: str | None, target: str | None, reason: bool, expires: dt.date) -> None:
    props = [("a", "ark:Dispensation"), ("rdfs:label", labels(f"Dispensation {node.split('-')[-1]}"))]
    if rule:
        props.append(("ark:regel", lit(rule)))
    if target:
        props.append(("ark:gaelder", target))
    if reason:
        props.append(("ark:begrundelse", lit("Kontrakten løber til udbuddet; skift før ville koste dobbeltdrift.", "da")))
    props += [("ark:besluttetVed", "sam:direktion-dispensationer"), ("ark:udloeber", date(expires))]
    w.add("samarbejde/dispensationer.ttl", node, *props)


def _dispensation_decision(w: World) -> None:
    if "sam:direktion-dispensationer" not in w.entities:
        _decision(w, "samarbejde/dispensationer.ttl", "sam:direktion-dispensationer", "Direktionen: dispensationer",
                  "sam:direktion", dt.date(2016, 2, 15), "ark:Godkendt", None)


def plant_disp_1(w: World) -> None:
    _dispensation_decision(w)
    for n, u in enumerate(w.pick(_usages(w), "DISP-1", max(1, round(w.rate * w.n * 3)))):
        _dispensation(w, f"sam:disp-ufuldstaendig-{n}", "KON-1", u.node, False, dt.date(2017, 12, 31))


def plant_disp_2(w: World) -> None:
    _dispensation_decision(w)
    for n, u in enumerate(w.pick(_usages(w), "DISP-2", max(1, round(w.rate * w.n * 3)))):
        _dispensation(w, f"sam:disp-udloebet-{n}", "STY-1", u.node, True, dt.date(2016, 1, 31))


def plant_disp_3(w: World) -> None:
    _dispensation_decision(w)
    for n, u in enumerate(w.pick(_usages(w), "DISP-3", max(1, round(w.rate * w.n * 3)))):
        _dispensation(w, f"sam:disp-forældet-{n}".replace("æ", "ae"), "KON-1", u.node, True, dt.date(2017, 12, 31))


PLANTERS = {
    "MOD-1": plant_mod_1, "MOD-2": plant_mod_2, "MOD-3": plant_mod_3, "MOD-4": plant_mod_4,
    "STY-1": plant_sty_1, "STY-2": plant_sty_2, "STY-3": plant_sty_3,
    "GEV-1": plant_gev_1, "GEV-2": plant_gev_2, "GEV-3": plant_gev_3, "GEV-4": plant_gev_4,
    "SMA-1": plant_sma_1, "SMA-2": plant_sma_2, "SMA-3": plant_sma_3,
    "HEL-1": plant_hel_1, "HEL-2": plant_hel_2, "HEL-3": plant_hel_3, "HEL-4": plant_hel_4,
    "FDA-2.1": plant_fda_2_1, "FDA-3.1": plant_fda_3_1, "FDA-4.1": plant_fda_4_1, "FDA-6.1": plant_fda_6_1,
    "FDA-7.1": plant_fda_7_1, "KON-1": plant_kon_1, "KON-2": plant_kon_2, "KON-3": plant_kon_3,
    "DISP-1": plant_disp_1, "DISP-2": plant_disp_2, "DISP-3": plant_disp_3,
}


def _cover_with_dispensations(w: World) -> None:
    """A few planted HEL-2 violations are covered by a valid dispensation (they become info)."""
    _dispensation_decision(w)
    switched = [u for u in _usages(w) if u.task in w.targets and u.task not in w.udbud_tasks
                and w.e(u.node).get("ark:system") != w.products[w.targets[u.task][1]][0]]
    for n, u in enumerate(switched[: len(switched) // 5 or (1 if len(switched) > 1 else 0)]):
        _dispensation(w, f"sam:disp-gyldig-{n}", "HEL-2", u.node, True, dt.date(2017, 12, 31))


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

def _prefix_block(w: World, file: str) -> str:
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
    lines += [f"@prefix kle{hg}: <http://www.kle-online.dk/emneplan/{hg}/#_> ." for hg in KLE_HG]
    if file.startswith("samarbejde/"):
        lines += [f"@prefix {k.pfx}: <{BASE}{k.slug}#> ." for k in w.kommuner]
    else:
        k = next(k for k in w.kommuner if file.startswith(k.slug + "/"))
        lines.append(f"@prefix {k.pfx}: <{BASE}{k.slug}#> .")
    return "\n".join(lines) + "\n"


def _render(subject: str, props: list) -> str:
    grouped: dict[str, list[str]] = {}
    for p, o in props:
        grouped.setdefault(p, []).append(o)
    parts = [f"{p} {' , '.join(os)}" for p, os in grouped.items()]
    return subject + " " + " ;\n    ".join(parts) + " .\n"


@dataclass
class Summary:
    root: Path
    municipalities: int
    systems: int
    files: int
    statements: int
    planted: dict


def generate(root: Path, municipalities: int, systems: int, *, seed: int = 2015, rate: float = 0.03,
             rules: list[str] | None = None) -> Summary:
    """Write the repository under ``root`` (created); plant defects for ``rules`` (default: the catalogue)."""
    if rules is None:
        from arkitektur.catalogue import shipped

        rules = [r.id for r in shipped().ordered()]
    missing = [r for r in rules if r not in PLANTERS]
    if missing:
        raise ValueError(f"no planter for rule(s) {', '.join(missing)}: extend benchmarks/generate.py")
    w = World(rng=random.Random(seed), n=municipalities, s=systems, rate=rate)
    _build(w)
    for rule in rules:
        PLANTERS[rule](w)
    _cover_with_dispensations(w)

    root.mkdir(parents=True, exist_ok=True)
    (root / "arkitektur.toml").write_text(f'as_of = "{AS_OF.isoformat()}"\n', encoding="utf-8")
    by_file: dict[str, list[str]] = {}
    statements = 0
    for subject, e in w.entities.items():
        by_file.setdefault(e.file, []).append(_render(subject, e.props))
        statements += len(e.props)
    for file, blocks in by_file.items():
        path = root / file
        path.parent.mkdir(parents=True, exist_ok=True)
        header = f"# Genereret af benchmarks.generate (seed {seed}) / generated\n"
        path.write_text(header + _prefix_block(w, file) + "\n" + "\n".join(blocks), encoding="utf-8")
    return Summary(root=root, municipalities=municipalities, systems=systems, files=len(by_file),
                   statements=statements, planted=dict(sorted(w.planted.items())))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--municipalities", "-n", type=int, default=2)
    ap.add_argument("--systems", "-s", type=int, default=300)
    ap.add_argument("--seed", type=int, default=2015)
    ap.add_argument("--rate", type=float, default=0.03)
    args = ap.parse_args(argv)
    summary = generate(args.out, args.municipalities, args.systems, seed=args.seed, rate=args.rate)
    print(f"{summary.files} files, {summary.statements} triples written to {summary.root}")
    for rule, n in summary.planted.items():
        print(f"  {rule:8} {n} planted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
