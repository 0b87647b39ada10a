"""ArchiMate for Archi users (issue 15 item 7): relationships between application components come in
as integrations, the export carries diagrams laid out from the view builders, and properties show
code labels ("Indfases"), not CURIEs."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from arkitektur.interchange.archimate_import import import_bytes, import_file
from arkitektur.namespaces import ARK

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "interchange"
MODELS = ROOT / "models"
NS = "http://www.opengroup.org/xsd/archimate/3.0/"

FOREIGN = f"""<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m">
  <name xml:lang="da">Archi</name>
  <elements>
    <element identifier="a" xsi:type="ApplicationComponent"><name xml:lang="da">KMD Aktiv</name></element>
    <element identifier="b" xsi:type="ApplicationComponent"><name xml:lang="da">Doc2Mail</name></element>
    <element identifier="c" xsi:type="ApplicationComponent"><name xml:lang="da">Fælles Sprogværktøj</name></element>
    <element identifier="p" xsi:type="BusinessProcess"><name xml:lang="da">Udsend brev</name></element>
  </elements>
  <relationships>
    <relationship identifier="f1" source="a" target="b" xsi:type="Flow"><name xml:lang="da">Breve</name>
      <documentation xml:lang="da">Natlig fil</documentation></relationship>
    <relationship identifier="s1" source="c" target="a" xsi:type="Serving"/>
    <relationship identifier="t1" source="b" target="c" xsi:type="Triggering"/>
    <relationship identifier="x1" source="a" target="p" xsi:type="Serving"/>
    <relationship identifier="x2" source="a" target="b" xsi:type="Composition"/>
  </relationships>
</model>
""".encode()


def _integrations(g) -> dict:
    return {str(i).rsplit("/", 1)[1]: (g.value(i, ARK.fra), g.value(i, ARK.til), set(g.objects(i, RDFS.label)))
            for i in g.subjects(RDF.type, ARK.Integration)}


def test_flow_serving_triggering_between_application_components_become_integrations():
    result = import_bytes(FOREIGN, "archi.xml")
    g = result.graph
    base = "https://example.org/archimate/archi/"
    a, b, c = (URIRef(base + x) for x in "abc")
    got = _integrations(g)
    assert got == {"f1": (a, b, {Literal("Breve", lang="da")}),
                   "s1": (c, a, {Literal("Fælles Sprogværktøj → KMD Aktiv", lang="da")}),
                   "t1": (b, c, {Literal("Doc2Mail → Fælles Sprogværktøj", lang="da")})}
    assert (URIRef(base + "f1"), RDFS.comment, Literal("Natlig fil", lang="da")) in g
    # Serving to a business process and Composition are still reported, not guessed.
    lost = " ".join(result.report.lost)
    assert "Serving" in lost and "Composition" in lost and "Flow" not in lost and "Triggering" not in lost
    assert any("3 relationer mellem applikationskomponenter" in n for n in result.report.notes)


def test_archisurance_serving_between_components_are_counted():
    result = import_file(DATA / "archimate" / "archisurance.xml")
    assert len(set(result.graph.subjects(RDF.type, ARK.Integration))) == 7
    assert any("7 relationer mellem applikationskomponenter er blevet til ark:Integration (Serving 7)" in n
               for n in result.report.notes)
