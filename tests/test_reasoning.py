"""HermiT reasoning: consistency of the shipped ontology, localised culprits, no network, Java errors."""

from __future__ import annotations

import math
import os
import shutil
import socket
import subprocess
import tempfile
import urllib.request

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from arkitektur import resources
from arkitektur.errors import ArkitekturError, JavaMissing
from arkitektur.reasoning import check_consistency, hermit
from arkitektur.reasoning.localise import find_conflict

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")

PREFIXES = """
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
"""


def ontology() -> Graph:
    g = Graph()
    for path in resources.ontology_files():
        g.parse(path, format="turtle")
    return g


def fifty_good_individuals() -> str:
    """Two municipalities, a collaboration and 48 system usages of 12 products."""
    lines = [
        'ex:silkeborg a ark:Kommune ; ark:kommunekode "740" .',
        'ex:viborg a ark:Kommune ; ark:kommunekode "791" .',
        "ex:sam a ark:Samarbejde ; ark:medlem ex:silkeborg , ex:viborg .",
    ]
    for i in range(12):
        lines.append(f"ex:system{i} a ark:ItSystem ; ark:leverandoer ark:KOMBIT .")
    for i in range(36):
        kommune = "ex:silkeborg" if i % 2 else "ex:viborg"
        lines.append(
            f"ex:brug{i} a ark:Systemanvendelse ; ark:system ex:system{i % 12} ; "
            f"ark:kommune {kommune} ; ark:livscyklus ark:IDrift ; ark:systemejer \"Ejer {i}\" ."
        )
    return "\n".join(lines)


def model(extra: str) -> Graph:
    g = ontology()
    g.parse(data=PREFIXES + fifty_good_individuals() + "\n" + extra, format="turtle")
    return g


# ---------------------------------------------------------------------------
# HermiT
# ---------------------------------------------------------------------------


@needs_java
@pytest.mark.slow
def test_shipped_ontology_and_reference_data_are_consistent():
    report = check_consistency(ontology())
    assert report.consistent
    assert report.inconsistent_classes == []
    assert report.inconsistent_individuals == []
    assert report.hermit_runs == 1


@needs_java
@pytest.mark.slow
def test_an_individual_typed_kommune_and_itsystem_is_reported_by_iri(capfd):
    report = check_consistency(
        model("ex:forkert a ark:Kommune , ark:ItSystem .\nex:brug3 ark:kontrakt ex:forkert .")
    )
    assert not report.consistent
    assert report.inconsistent_individuals == ["https://example.org/forkert"]
    reason = report.reasons["https://example.org/forkert"]
    assert "Kommune" in reason.besked_da and "It-system" in reason.besked_da
    assert "Municipality" in reason.besked_en and "IT system" in reason.besked_en
    assert report.hermit_runs <= 2  # the full run, and one to confirm the rest is consistent
    assert capfd.readouterr() == ("", "")  # the library never prints


@needs_java
@pytest.mark.slow
def test_several_culprits_each_with_a_reason():
    report = check_consistency(
        model(
            """
            ex:brug1 ark:kontrakt ex:viborg .
            ex:brug2 ark:livscyklus ark:Udfaset .
            ex:k1 a ark:Kontrakt ; ark:aarligPris "mange" .
            ex:k2 a ark:Kontrakt ; ark:udloebsdato "2019-13-01"^^xsd:date .
            ex:brug4 ark:risikovurderet "2015-02-30"^^xsd:date ; ark:livscyklus ark:Godkendt .
            """
        )
    )
    assert not report.consistent
    assert sorted(report.inconsistent_individuals) == [
        f"https://example.org/{n}" for n in ("brug1", "brug2", "brug4", "k1", "k2")
    ]
    assert "kontrakt" in report.reasons["https://example.org/brug1"].besked_da
    assert "livscyklus" in report.reasons["https://example.org/brug2"].besked_da
    assert "xsd:decimal" in report.reasons["https://example.org/k1"].besked_da
    assert "2019-13-01" in report.reasons["https://example.org/k2"].besked_da
    # two problems on one node: listed once, both reasons kept
    both = report.reasons["https://example.org/brug4"].besked_en
    assert "2015-02-30" in both and "life cycle status" in both
    # the pointed-to municipality itself is fine
    assert "https://example.org/viborg" not in report.inconsistent_individuals
    assert report.hermit_runs <= 2


@needs_java
@pytest.mark.slow
def test_delta_debugging_finds_what_the_schema_alone_does_not_show():
    """owl:sameAs between a Kommune and an ItSystem is only visible to the reasoner."""
    g = Graph()
    g.parse(
        data=PREFIXES
        + """
        ark:Kommune a owl:Class . ark:ItSystem a owl:Class .
        ark:Kommune owl:disjointWith ark:ItSystem .
        ex:k0 a ark:Kommune . ex:k1 a ark:Kommune . ex:k2 a ark:Kommune . ex:k3 a ark:Kommune .
        ex:s0 a ark:ItSystem . ex:s1 a ark:ItSystem . ex:s2 a ark:ItSystem .
        ex:k2 owl:sameAs ex:s1 .
        """,
        format="turtle",
    )
    report = check_consistency(g)
    assert not report.consistent
    assert report.inconsistent_individuals == ["https://example.org/k2"]
    assert report.reasons["https://example.org/k2"].besked_en
    n = 7
    # full run + empty TBox + halving + confirmation + check of the rest
    assert report.hermit_runs <= 4 + math.ceil(math.log2(n))


@needs_java
@pytest.mark.slow
def test_owl_imports_are_never_fetched(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    seen_imports = []
    real = subprocess.run

    def spy(command, *args, **kwargs):  # count the owl:imports in the file HermiT reads
        hermit_input = Graph().parse(command[-2].removeprefix("file://"), format="nt")
        seen_imports.append(len(list(hermit_input.triples((None, OWL.imports, None)))))
        return real(command, *args, **kwargs)

    monkeypatch.setattr(hermit.subprocess, "run", spy)
    g = ontology()
    g.add((URIRef("https://w3id.org/arkitektur/ontologi"), OWL.imports,
           URIRef("http://example.org/unreachable/ontology.owl")))
    g.add((URIRef("https://example.org/model"), RDF.type, OWL.Ontology))
    g.add((URIRef("https://example.org/model"), OWL.imports,
           URIRef("https://w3id.org/arkitektur/ontologi")))
    report = check_consistency(g)
    assert report.consistent
    assert seen_imports == [0]


@needs_java
@pytest.mark.slow
def test_calls_do_not_leak_state(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("JAVA_TOOL_OPTIONS", "-Dbrugerens.egen=1")
    commands = []
    real = subprocess.run

    def spy(command, *args, **kwargs):  # the JVM options go to HermiT's process, not to ours
        assert os.environ["JAVA_TOOL_OPTIONS"] == "-Dbrugerens.egen=1"
        commands.append(command)
        return real(command, *args, **kwargs)

    monkeypatch.setattr(hermit.subprocess, "run", spy)
    tiny = PREFIXES + """
        ark:Kommune a owl:Class . ark:ItSystem a owl:Class .
        ark:Kommune owl:disjointWith ark:ItSystem .
        ex:k a ark:Kommune . ex:s a ark:ItSystem .
        """
    bad = check_consistency(Graph().parse(data=tiny + "ex:x a ark:Kommune , ark:ItSystem .", format="turtle"))
    good = check_consistency(Graph().parse(data=tiny, format="turtle"))
    assert not bad.consistent and bad.inconsistent_individuals == ["https://example.org/x"]
    assert good.consistent and good.inconsistent_individuals == []
    assert os.environ["JAVA_TOOL_OPTIONS"] == "-Dbrugerens.egen=1"
    assert commands and all("-XX:+UseSerialGC" in c for c in commands)
    # HermiT's input files are removed, also after an inconsistent run
    assert list(tmp_path.iterdir()) == []


@needs_java
def test_unsatisfiable_classes_and_inferred_subclasses_are_read_from_hermit():
    report = check_consistency(Graph().parse(data=PREFIXES + """
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        ark:A a owl:Class . ark:B a owl:Class ; owl:equivalentClass ark:A . ark:C a owl:Class .
        ark:D a owl:Class ; rdfs:subClassOf ark:B , ark:C . ark:C owl:disjointWith ark:A .
        ark:E a owl:Class ; owl:equivalentClass ark:D .
        ex:a a ark:B .""", format="turtle"))
    assert report.consistent
    assert report.inconsistent_classes == ["https://w3id.org/arkitektur/ontologi#D",
                                           "https://w3id.org/arkitektur/ontologi#E"]
    assert ("https://example.org/a", str(RDF.type), "https://w3id.org/arkitektur/ontologi#A") in {
        (i.subject, i.predicate, i.object) for i in report.inferred}


@needs_java
@pytest.mark.slow
def test_inferred_types_are_reported():
    report = check_consistency(model("ex:uden-type ark:livscyklus ark:IDrift ."))
    assert report.consistent
    inferred = {(i.subject, i.object) for i in report.inferred}
    assert ("https://example.org/uden-type",
            "https://w3id.org/arkitektur/ontologi#Systemanvendelse") in inferred


# ---------------------------------------------------------------------------
# Java missing (no HermiT run)
# ---------------------------------------------------------------------------


def test_missing_java_executable_gives_the_clear_error():
    with pytest.raises(JavaMissing) as info:
        check_consistency(Graph(), java="/nonexistent/java")
    assert isinstance(info.value, ArkitekturError)
    assert info.value.code == "ARK-E20"
    assert "Java" in info.value.da and "Java" in info.value.en


def test_java_not_on_path_gives_the_clear_error(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    with pytest.raises(JavaMissing):
        check_consistency(Graph())


# ---------------------------------------------------------------------------
# The localisation algorithm, with a fake reasoner (no Java)
# ---------------------------------------------------------------------------


class Oracle:
    """Inconsistent when a subset contains every member of some conflict."""

    def __init__(self, conflicts):
        self.conflicts = [set(c) for c in conflicts]
        self.calls = 0

    def __call__(self, members) -> bool:
        self.calls += 1
        chosen = set(members)
        return not any(c <= chosen for c in self.conflicts)


@pytest.mark.parametrize("culprit", [0, 1, 37, 63, 98, 99])
def test_a_single_culprit_takes_logarithmic_runs(culprit):
    candidates = list(range(100))
    oracle = Oracle([{culprit}])
    assert find_conflict(candidates, oracle) == [culprit]
    assert oracle.calls <= math.ceil(math.log2(100)) + 1


def test_a_contradiction_between_two_individuals_is_found():
    candidates = list(range(64))
    oracle = Oracle([{5, 50}])
    assert sorted(find_conflict(candidates, oracle)) == [5, 50]
    assert oracle.calls <= 4 * math.ceil(math.log2(64)) + 2
