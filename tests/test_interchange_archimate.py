"""ArchiMate exchange: XSD validity, allowed relationships, exact round trip, real files, hostile XML."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from defusedxml.ElementTree import fromstring
from rdflib.compare import isomorphic

from arkitektur import loader
from arkitektur.cli import main
from arkitektur.interchange import mapping as M
from arkitektur.interchange import xsd_check
from arkitektur.interchange.archimate_export import export_repository
from arkitektur.interchange.archimate_import import import_bytes, import_file
from arkitektur.interchange.turtle_out import serialize

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "interchange"
FIXTURE = DATA / "repo"
MODELS = ROOT / "models"
SHARED_XSD = ROOT.parent / "shared" / "testsuites" / "archimate-exchange" / "xsd-3.1"
NS = "{http://www.opengroup.org/xsd/archimate/3.0/}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

logging.getLogger("rdflib").setLevel(logging.ERROR)  # ill-typed literals in the fixture are on purpose


def _repos():
    yield FIXTURE
    if MODELS.is_dir() and any(MODELS.rglob("*.ttl")):
        yield MODELS


@pytest.fixture(scope="module")
def exported():
    out = {}
    for path in _repos():
        repo = loader.load([path])
        data, _ = export_repository(repo)
        out[path.name] = (repo, data)
    return out


def test_export_validates_against_shipped_xsd(exported):
    for name, (_, data) in exported.items():
        assert xsd_check.errors(data) == [], name


@pytest.mark.skipif(not SHARED_XSD.is_dir(), reason="shared/ testsuite not present")
def test_export_validates_against_testsuite_xsd(exported):
    for name, (_, data) in exported.items():
        assert xsd_check.errors(data, str(SHARED_XSD)) == [], name


def test_every_relationship_is_allowed_between_its_types(exported):
    for name, (_, data) in exported.items():
        root = fromstring(data)
        kinds = {e.get("identifier"): e.get(XSI_TYPE) for e in root.iter(f"{NS}element")}
        kinds.update({r.get("identifier"): "Relationship" for r in root.iter(f"{NS}relationship")})
        seen = set()
        for r in root.iter(f"{NS}relationship"):
            t, s, o = r.get(XSI_TYPE), kinds[r.get("source")], kinds[r.get("target")]
            assert M.allowed(t, s, o), (name, t, s, o)
            seen.add(t)
        assert {"Specialization", "Serving", "Flow", "Aggregation", "Assignment", "Realization", "Association"} <= seen


def test_allowed_table_matches_the_interchange_notes():
    # The pairs the interchange notes rely on (Archi's relationships.xml, v = serving).
    notes = [("ApplicationComponent", "ApplicationComponent", "cfgorstv"),
             ("ApplicationComponent", "BusinessFunction", "fortv"), ("ApplicationComponent", "DataObject", "ao"),
             ("Contract", "ApplicationComponent", "o"), ("Plateau", "ApplicationComponent", "cgor"),
             ("BusinessCollaboration", "BusinessActor", "fgotv"), ("BusinessActor", "WorkPackage", "io"),
             ("WorkPackage", "Deliverable", "aor"), ("Deliverable", "Outcome", "nor"), ("Outcome", "Goal", "nor"),
             ("Relationship", "DataObject", "o")]
    for src, tgt, letters in notes:
        for letter, rel in M.RELATIONSHIP_TYPES.items():
            assert M.allowed(rel, src, tgt) == (letter in letters), (rel, src, tgt)
    assert not M.allowed("Association", "Relationship", "Relationship")


@pytest.mark.slow
def test_round_trip_is_isomorphic_and_strict_turtle(exported, tmp_path):
    from arkitektur import fmt

    for name, (repo, data) in exported.items():
        result = import_bytes(data, f"{name}.xml")
        assert result.own
        assert isomorphic(repo.model, result.graph), name
        assert not result.report.lost and not result.report.warnings, result.report.text()
        text = serialize(result.graph, result.prefixes, header="rundtur")
        assert fmt.format_text(text) == text  # passes `arkitektur fmt --check`
        f = tmp_path / f"{name}.ttl"
        f.write_text(text, encoding="utf-8")
        assert isomorphic(loader.load([f]).model, repo.model), name


def test_identifiers_are_stable_and_derived_from_iris(exported):
    repo, data = exported["repo"]
    again, _ = export_repository(loader.load([FIXTURE]))
    assert again == data
    root = fromstring(data)
    ids = [e.get("identifier") for e in root.iter() if e.get("identifier")]
    assert all(i.startswith(("id-", "pd-")) for i in ids)
    import hashlib

    assert "id-" + hashlib.sha1(b"https://example.org/test/sbsys").hexdigest() in ids


def test_folders_per_municipality(exported):
    _, data = exported["repo"]
    root = fromstring(data)
    top = {i.findtext(f"{NS}label"): i for i in root.find(f"{NS}organizations")}
    assert {"Business", "Application", "Relations"} <= set(top)
    subs = {s.findtext(f"{NS}label") for s in top["Application"]}
    assert {"Silkeborg Kommune", "Viborg Kommune", "Fælles"} <= subs


@pytest.mark.parametrize("name", ["archisurance.xml", "sample1.xml"])
def test_real_exchange_files_import_with_a_loss_report(name):
    result = import_file(DATA / "archimate" / name)
    assert not result.own
    assert result.report.lost  # something could not be mapped, and it is said
    text = serialize(result.graph, result.prefixes)
    import pyoxigraph as ox

    ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)


def test_archisurance_maps_what_is_unambiguous():
    from arkitektur.namespaces import ARK
    from rdflib.namespace import RDF

    g = import_file(DATA / "archimate" / "archisurance.xml").graph
    assert set(g.subjects(RDF.type, ARK.ItSystem))
    assert not set(g.subjects(RDF.type, ARK.Kommune))  # BusinessActor is ambiguous: reported, not guessed


def run(*args):
    r = CliRunner().invoke(main, [*map(str, args)])
    return r.exit_code, r.stdout, r.stderr


def test_cli_export_then_import(tmp_path):
    xml = tmp_path / "ud.xml"
    code, _, err = run("export", "archimate", FIXTURE, "-o", xml)
    assert code == 0, err
    out = tmp_path / "ind"
    code, stdout, err = run("import", "archimate", xml, "-o", out)
    assert code == 0, err
    assert (out / "ud.ttl").is_file()
    assert isomorphic(loader.load([out / "ud.ttl"]).model, loader.load([FIXTURE]).model)
    code, _, err = run("import", "archimate", xml, "-o", out)
    assert code == 2 and "overskriv" in err


HOSTILE = {
    "doctype.xml": b'<?xml version="1.0"?>\n<!DOCTYPE model SYSTEM "http://evil.example/x.dtd">\n'
                   b'<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"/>',
    "laughs.xml": b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
                  b'<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"><name>&lol2;</name></model>',
    "xxe.xml": b'<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
               b'<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"><name>&x;</name></model>',
    "utf16.xml": '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE m [<!ENTITY a "b">]>\n<model/>'.encode("utf-16"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_xml_is_refused_and_nothing_written(tmp_path, name):
    f = tmp_path / name
    f.write_bytes(HOSTILE[name])
    out = tmp_path / "ud"
    code, stdout, err = run("import", "archimate", f, "-o", out)
    assert code == 2
    assert "ARK-E70" in err
    assert not out.exists()


def test_format_21_is_refused(tmp_path):
    f = tmp_path / "gammel.xml"
    f.write_bytes(b'<?xml version="1.0"?><model xmlns="http://www.opengroup.org/xsd/archimate" identifier="m">'
                  b'<name>x</name></model>')
    code, _, err = run("import", "archimate", f)
    assert code == 2 and "ARK-E76" in err and "2.1" in err


def test_not_an_exchange_file_and_broken_xml(tmp_path):
    f = tmp_path / "x.xml"
    f.write_bytes(b"<html/>")
    assert run("import", "archimate", f)[0] == 2
    f.write_bytes(b"<model")
    code, _, err = run("import", "archimate", f)
    assert code == 2 and "ARK-E72" in err


def test_oversized_file_is_refused(tmp_path, monkeypatch):
    from arkitektur.interchange import safety

    monkeypatch.setattr(safety, "MAX_FILE", 10)
    monkeypatch.setattr(safety.read_capped, "__defaults__", (10, None))
    f = tmp_path / "stor.xml"
    f.write_bytes(b"<model>" + b" " * 100 + b"</model>")
    code, _, err = run("import", "archimate", f)
    assert code == 2 and "ARK-E71" in err
