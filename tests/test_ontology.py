"""The OWL ontology: every term of docs/modelsprog.md exists with the right kind, labels, definitions and alignment."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from arkitektur import resources

ARK = Namespace("https://w3id.org/arkitektur/ontologi#")
# an open Namespace: pytest probes module attributes, which rdflib's closed XSD warns about
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ONTOLOGY_IRI = URIRef("https://w3id.org/arkitektur/ontologi")

CLASSES = """Kommune Samarbejde Medlemskab Forum Direktion Digitaliseringsenhed Beslutning Fase
Leverandoer Indkoeber ItSystem Systemanvendelse Opgave Infrastruktur Grunddataregister Dataobjekt
Integration Dataflow Kontrakt Udbud Digitaliseringsprojekt Leverance Gevinst Forandring Maal
Maalarkitektur Maalloesning Dispensation""".split()

OBJECT_PROPERTIES = """medlem samarbejde kommune besluttetAf udfald vedroerer beslutningspunkt
leverandoer system livscyklus understoetterOpgave kontrakt personoplysninger grunddatatype
autoritativKilde fra til via moenster overfoerer realiseresAf kontraktpart deltager omfatter
erstatter gevinst leverance bidragerTil implementerer status gevinsttype forandring maalloesning
opgave maalsystem gaelder besluttetVed realiseringsstatus""".split()

DATATYPE_PROPERTIES = """kommunekode medlemFra dato startdato slutdato cvr risikovurderet
udloebsdato opsigelsesfrist forlaengelseTil aarligPris databehandleraftale planlagtDato realiseres
forudsaetning gaelderFra senest regel begrundelse udloeber realiseretDato realiseringsnote""".split()

# "a literal or an IRI" in docs/modelsprog.md: plain rdf:Property, neither object nor datatype property.
LITERAL_OR_IRI_PROPERTIES = ["systemejer", "systemansvarlig", "retsgrundlag", "modtager"]

ANNOTATION_PROPERTIES = ["archimate", "princip", "kilde", "problem", "loesning"]

CODE_LISTS = {
    "Livscyklus": ["Planlagt", "Indfases", "IDrift", "Udfases", "Udfaset"],
    "Udfald": ["Go", "NoGo", "Godkendt", "Afvist"],
    "Integrationsmoenster": ["Opslag", "Besked", "Filoverfoersel", "Replikering"],
    "Personoplysningskategori": [
        "IngenPersonoplysninger", "AlmindeligePersonoplysninger", "FoelsommePersonoplysninger",
    ],
    "Grunddatatype": ["Person", "Virksomhed", "Adresse", "Ejendom"],
    "Gevinsttype": ["Strategisk", "Oekonomisk", "Organisatorisk", "Teknologisk"],
    "Projektstatus": ["Ide", "Igang", "Afsluttet"],
    "Realiseringsstatus": ["IkkeRealiseret", "Undervejs", "Realiseret", "Opgivet"],
}

INDIVIDUALS = {
    "Infrastruktur": [
        "Serviceplatformen", "Beskedfordeler", "Adgangsstyring", "FaellesOrganisation",
        "FaellesKlassifikation", "SagsOgDokumentindeks", "Ydelsesindeks", "Datafordeleren",
    ],
    "Grunddataregister": ["CPR", "CVR", "BBR", "DAR", "Matriklen"],
    "Indkoeber": ["KOMBIT", "SKI"],
}

DATE_PROPERTIES = """medlemFra dato startdato slutdato risikovurderet udloebsdato forlaengelseTil
planlagtDato gaelderFra senest udloeber realiseretDato""".split()

# property -> the classes its rdfs:domain must cover (docs/modelsprog.md)
UNION_DOMAINS = {
    "kommune": {"Systemanvendelse", "Forum", "Medlemskab"},
    "fra": {"Integration", "Dataflow"},
    "til": {"Integration", "Dataflow"},
    "overfoerer": {"Integration", "Dataflow"},
    "retsgrundlag": {"Integration", "Dataflow"},
    "startdato": {"Kontrakt", "Fase", "Leverance"},
    "deltager": {"Udbud", "Digitaliseringsprojekt"},
    "gevinst": {"Digitaliseringsprojekt", "Leverance"},
    "bidragerTil": {"Digitaliseringsprojekt", "Gevinst"},
    "leverandoer": {"ItSystem", "Kontrakt"},
    "forandring": {"Digitaliseringsprojekt", "Leverance"},
}

UNION_RANGES = {
    "fra": {"Systemanvendelse", "Grunddataregister", "Infrastruktur"},
    "til": {"Systemanvendelse", "Grunddataregister", "Infrastruktur"},
    "kontraktpart": {"Kommune", "Samarbejde", "Indkoeber"},
    "besluttetAf": {"Forum", "Direktion"},
}


def _own_files() -> list[Path]:
    """The ontology modules (not the reference data in ontology/reference/)."""
    return sorted(resources.ontology_dir().glob("*.ttl"))


@pytest.fixture(scope="module")
def g() -> Graph:
    graph = Graph()
    for path in resources.ontology_files():
        graph.parse(path, format="turtle")
    return graph


def _members(g: Graph, node) -> list:
    return list(g.items(node))


def _named(g: Graph, node) -> set[str]:
    """Local names of a named class or of the classes in an owl:unionOf."""
    if isinstance(node, URIRef):
        return {str(node).split("#")[-1]}
    return {str(m).split("#")[-1] for m in _members(g, g.value(node, OWL.unionOf))}


def _declared_ark_terms(g: Graph) -> set[URIRef]:
    return {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(ARK)}


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------


def test_the_modules_exist():
    names = {p.name for p in _own_files()}
    assert {"kerne.ttl", "organisation.ttl", "systemer.ttl", "data.ttl", "kontrakter.ttl",
            "projekter.ttl", "maalarkitektur.ttl", "kodelister.ttl", "infrastruktur.ttl"} <= names


@pytest.mark.parametrize("path", resources.ontology_files(), ids=lambda p: p.name)
def test_every_file_parses_strictly_with_pyoxigraph_and_rdflib(path: Path):
    triples = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert triples
    assert len(Graph().parse(path, format="turtle")) > 0


def test_nothing_is_imported(g: Graph):
    assert list(g.triples((None, OWL.imports, None))) == []


def test_ontology_header(g: Graph):
    assert list(g.subjects(RDF.type, OWL.Ontology)) == [ONTOLOGY_IRI]
    assert g.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    langs = {lit.language for lit in g.objects(ONTOLOGY_IRI, RDFS.label)}
    assert {"da", "en"} <= langs
    assert {lit.language for lit in g.objects(ONTOLOGY_IRI, DCTERMS.description)} >= {"da", "en"}


# ---------------------------------------------------------------------------
# Every name of docs/modelsprog.md, with the right kind
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", CLASSES)
def test_class(g: Graph, name: str):
    assert (ARK[name], RDF.type, OWL.Class) in g


@pytest.mark.parametrize("name", OBJECT_PROPERTIES)
def test_object_property(g: Graph, name: str):
    assert (ARK[name], RDF.type, OWL.ObjectProperty) in g
    assert (ARK[name], RDF.type, OWL.DatatypeProperty) not in g


@pytest.mark.parametrize("name", DATATYPE_PROPERTIES)
def test_datatype_property(g: Graph, name: str):
    assert (ARK[name], RDF.type, OWL.DatatypeProperty) in g
    assert (ARK[name], RDF.type, OWL.ObjectProperty) not in g


@pytest.mark.parametrize("name", LITERAL_OR_IRI_PROPERTIES)
def test_literal_or_iri_property_is_plain_rdf_property(g: Graph, name: str):
    types = set(g.objects(ARK[name], RDF.type))
    assert types == {RDF.Property}


@pytest.mark.parametrize("name", ANNOTATION_PROPERTIES)
def test_annotation_property(g: Graph, name: str):
    assert (ARK[name], RDF.type, OWL.AnnotationProperty) in g


@pytest.mark.parametrize("cls,names", sorted(INDIVIDUALS.items()))
def test_shipped_individuals(g: Graph, cls: str, names: list[str]):
    for name in names:
        assert (ARK[name], RDF.type, ARK[cls]) in g, name
        assert (ARK[name], RDF.type, OWL.NamedIndividual) in g, name


def test_kle_is_a_concept_scheme(g: Graph):
    assert (ARK.KLE, RDF.type, SKOS.ConceptScheme) in g


def test_subclasses(g: Graph):
    assert (ARK.Infrastruktur, RDFS.subClassOf, ARK.ItSystem) in g
    assert (ARK.Opgave, RDFS.subClassOf, SKOS.Concept) in g


def test_every_ark_name_is_ascii(g: Graph):
    for term in _declared_ark_terms(g):
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", term[len(ARK):]), term


def test_every_ark_term_used_is_declared(g: Graph):
    """A typo in the ontology itself would be a term nobody declared."""
    declared = _declared_ark_terms(g)
    used = {t for triple in g for t in triple if isinstance(t, URIRef) and t.startswith(ARK)}
    assert used - declared == set()


# ---------------------------------------------------------------------------
# Labels, definitions, alignment
# ---------------------------------------------------------------------------


def test_every_ark_term_has_labels_da_en_and_definitions(g: Graph):
    problems = []
    for term in sorted(_declared_ark_terms(g)):
        labels = {lit.language for lit in g.objects(term, RDFS.label) if isinstance(lit, Literal)}
        definitions = {
            lit.language for lit in g.objects(term, SKOS.definition) if isinstance(lit, Literal)
        }
        if not {"da", "en"} <= labels:
            problems.append(f"{term}: labels {labels}")
        if not {"da", "en"} <= definitions:
            problems.append(f"{term}: definitions {definitions}")
    assert problems == []


def test_one_label_per_language(g: Graph):
    for term in _declared_ark_terms(g):
        langs = [lit.language for lit in g.objects(term, RDFS.label)]
        assert len(langs) == len(set(langs)), term


def test_every_class_and_property_has_an_archimate_alignment(g: Graph):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
    missing = [
        str(t) for t in _declared_ark_terms(g)
        if any((t, RDF.type, k) in g for k in kinds)
        and (t, RDF.type, OWL.AnnotationProperty) not in g
        and g.value(t, ARK.archimate) is None
    ]
    assert missing == []


def test_alignment_targets(g: Graph):
    sys_ap = URIRef("https://data.gov.dk/model/core/itsystem/ITSystem")
    assert (ARK.Systemanvendelse, SKOS.closeMatch, sys_ap) in g
    org = Namespace("http://www.w3.org/ns/org#")
    assert (ARK.Kommune, SKOS.closeMatch, org.FormalOrganization) in g
    assert (ARK.Samarbejde, SKOS.closeMatch, org.OrganizationalCollaboration) in g
    assert (ARK.Medlemskab, SKOS.closeMatch, org.Membership) in g
    assert str(g.value(ARK.ItSystem, ARK.archimate)) == "ApplicationComponent"
    assert str(g.value(ARK.Maalarkitektur, ARK.archimate)) == "Plateau"
    eira = [o for o in g.objects(None, SKOS.closeMatch) if str(o).startswith("http://data.europa.eu/dr8/")]
    assert eira


# ---------------------------------------------------------------------------
# Domains and ranges
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("prop,expected", sorted(UNION_DOMAINS.items()))
def test_union_domains(g: Graph, prop: str, expected: set[str]):
    domains = list(g.objects(ARK[prop], RDFS.domain))
    assert len(domains) == 1
    assert expected <= _named(g, domains[0])


@pytest.mark.parametrize("prop,expected", sorted(UNION_RANGES.items()))
def test_union_ranges(g: Graph, prop: str, expected: set[str]):
    ranges = list(g.objects(ARK[prop], RDFS.range))
    assert len(ranges) == 1
    assert _named(g, ranges[0]) == expected


@pytest.mark.parametrize("prop", DATE_PROPERTIES)
def test_dates(g: Graph, prop: str):
    assert list(g.objects(ARK[prop], RDFS.range)) == [XSD.date]


@pytest.mark.parametrize(
    "prop,datatype",
    [("opsigelsesfrist", XSD.duration), ("aarligPris", XSD.decimal),
     ("databehandleraftale", XSD.boolean), ("kommunekode", XSD.string), ("cvr", XSD.string),
     ("regel", XSD.string)],
)
def test_datatype_ranges(g: Graph, prop: str, datatype: URIRef):
    assert list(g.objects(ARK[prop], RDFS.range)) == [datatype]


def test_realiseres_is_a_union_of_year_date_and_string(g: Graph):
    (rng,) = list(g.objects(ARK.realiseres, RDFS.range))
    assert isinstance(rng, BNode)
    assert (rng, RDF.type, RDFS.Datatype) in g
    assert set(_members(g, g.value(rng, OWL.unionOf))) == {XSD.gYear, XSD.date, XSD.string}


@pytest.mark.parametrize("prop", ["vedroerer", "gaelder"])
def test_open_ranges(g: Graph, prop: str):
    assert list(g.objects(ARK[prop], RDFS.range)) == []


# ---------------------------------------------------------------------------
# Code lists and disjointness
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("cls,members", sorted(CODE_LISTS.items()))
def test_code_list_is_closed_distinct_and_a_concept_scheme(g: Graph, cls: str, members: list[str]):
    expected = [ARK[m] for m in members]
    enumerations = [
        _members(g, g.value(eq, OWL.oneOf))
        for eq in g.objects(ARK[cls], OWL.equivalentClass)
        if g.value(eq, OWL.oneOf) is not None
    ]
    assert enumerations == [expected]
    distinct = [
        set(_members(g, g.value(ax, OWL.distinctMembers)))
        for ax in g.subjects(RDF.type, OWL.AllDifferent)
    ]
    assert set(expected) in distinct
    assert (ARK[cls], RDF.type, SKOS.ConceptScheme) in g
    for m in expected:
        assert (m, RDF.type, ARK[cls]) in g
        assert (m, RDF.type, SKOS.Concept) in g
        assert (m, SKOS.inScheme, ARK[cls]) in g


def test_code_list_range_of_its_property(g: Graph):
    ranges = {
        "livscyklus": "Livscyklus", "udfald": "Udfald", "moenster": "Integrationsmoenster",
        "personoplysninger": "Personoplysningskategori", "grunddatatype": "Grunddatatype",
        "gevinsttype": "Gevinsttype", "status": "Projektstatus",
        "realiseringsstatus": "Realiseringsstatus",
    }
    for prop, cls in ranges.items():
        assert g.value(ARK[prop], RDFS.range) == ARK[cls], prop


def _disjoint_pairs(g: Graph) -> set[frozenset]:
    pairs: set[frozenset] = set()
    for ax in g.subjects(RDF.type, OWL.AllDisjointClasses):
        groups = [_named(g, m) for m in _members(g, g.value(ax, OWL.members))]
        for i, a in enumerate(groups):
            for b in groups[i + 1 :]:
                pairs |= {frozenset((x, y)) for x in a for y in b}
    return pairs


def test_disjointness(g: Graph):
    pairs = _disjoint_pairs(g)
    assert frozenset(("Kommune", "ItSystem")) in pairs
    assert frozenset(("ItSystem", "Systemanvendelse")) in pairs
    assert frozenset(("Grunddataregister", "ItSystem")) in pairs
    assert frozenset(("Kommune", "Samarbejde")) in pairs
    # deliberately open: KOMBIT is both purchaser and named as supplier; a municipality may
    # supply another
    assert frozenset(("Leverandoer", "Indkoeber")) not in pairs
    assert frozenset(("Leverandoer", "Kommune")) not in pairs
    # every class (but Infrastruktur, which inherits ItSystem's) is disjoint from others
    for cls in CLASSES:
        if cls != "Infrastruktur":
            assert any(cls in pair for pair in pairs), cls


# ---------------------------------------------------------------------------
# resources
# ---------------------------------------------------------------------------


def test_resources_find_the_repository_folders():
    root = Path(__file__).resolve().parents[1]
    assert resources.ontology_dir() == root / "ontology"
    assert resources.shapes_dir() == root / "shapes"
    assert resources.examples_dir() == root / "shapes" / "examples"


def test_ontology_files_are_sorted_and_include_reference_data():
    files = resources.ontology_files()
    assert files == sorted(files)
    assert set(_own_files()) <= set(files)
    reference = sorted((resources.ontology_dir() / "reference").glob("*.ttl"))
    assert set(reference) <= set(files)


def test_shape_files_exclude_the_examples():
    files = resources.shape_files()
    assert files == sorted(files)
    assert all(p.parent == resources.shapes_dir() for p in files)
