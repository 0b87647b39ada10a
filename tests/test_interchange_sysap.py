"""SYS-AP export: Turtle and JSON-LD parse, usages become sys:ITSystem, the lossy points are in the output."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from arkitektur import loader
from arkitektur.cli import main
from arkitektur.interchange import sysap

FIXTURE = Path(__file__).resolve().parent / "data" / "interchange" / "repo"
SBSYS = URIRef("https://example.org/test/silkeborg-sbsys")


def test_turtle_export(tmp_path):
    out = tmp_path / "sysap.ttl"
    r = CliRunner().invoke(main, ["export", "sysap", str(FIXTURE), "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "# - Kontrakter:" in text  # the lossy points are listed in the file
    g = loader.load([out]).model  # strict parse
    assert (SBSYS, RDF.type, sysap.SYS.ITSystem) in g
    assert (SBSYS, sysap.SYS.operationalStatus, URIRef(sysap.CONCEPT + "operational-status/operational")) in g
    assert (SBSYS, sysap.SYS.usedInOrganization, URIRef("https://example.org/test/silkeborg")) in g
    assert (SBSYS, sysap.INFRA.instanceOfProductInSeries, URIRef("https://example.org/test/sbsys")) in g
    assert (URIRef("https://example.org/test/sbsys"), RDF.type, sysap.INFRA.ProductSeries) in g
    assert "udloebsdato" in r.stdout  # and reported


def test_json_ld_export_and_supplier_option():
    repo = loader.load([FIXTURE])
    data, _ = sysap.export(repo, fmt="json-ld", supplier_as="maintainedBy")
    doc = json.loads(data)
    g = Graph().parse(data=data, format="json-ld")
    assert (URIRef("https://example.org/test/sbsys"), sysap.SYS.maintainedBy, URIRef("https://example.org/test/fujitsu")) in g
    assert any("rdfs:comment" in n for n in doc["@graph"])
