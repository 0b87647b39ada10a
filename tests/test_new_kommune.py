"""arkitektur new kommune: a third member scaffolded into a tiny repository; what check says afterwards."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from click.testing import CliRunner

from arkitektur.check import run_check
from arkitektur.cli import main
from arkitektur.errors import ArkitekturError
from arkitektur.fmt import format_text
from arkitektur.scaffold import local_name, plan_kommune, slug

SAM = """\
# Samarbejdet / the collaboration.
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix sam: <https://w3id.org/arkitektur/eksempel/samarbejde#> .
@prefix sk: <https://w3id.org/arkitektur/eksempel/silkeborg#> .
@prefix vi: <https://w3id.org/arkitektur/eksempel/viborg#> .
@prefix kle00: <http://www.kle-online.dk/emneplan/00/#_> .

sam:SilkeborgViborg a ark:Samarbejde ;
    rdfs:label "It-samarbejdet Silkeborg–Viborg"@da ;
    ark:medlem sk:Silkeborg , vi:Viborg .

sam:Udbud_ESDH2016 a ark:Udbud ;
    rdfs:label "Fælles udbud af ESDH 2016"@da ;
    ark:deltager sk:Silkeborg , vi:Viborg ;
    ark:omfatter kle00:00.01.10 ;
    ark:planlagtDato "2016-10-15"^^xsd:date .

sam:Udbud_ESDH2017 a ark:Udbud ;
    rdfs:label "Fælles genudbud af ESDH-drift 2017"@da ;
    ark:deltager sk:Silkeborg , vi:Viborg ;
    ark:omfatter kle00:00.01.10 ;
    ark:planlagtDato "2017-06-01"^^xsd:date .
"""

KOMMUNE = """\
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix {p}: <https://w3id.org/arkitektur/eksempel/{slug}#> .

{p}:{name} a ark:Kommune ;
    rdfs:label "{name} Kommune"@da ;
    ark:kommunekode "{kode}" .
"""

AS_OF = dt.date(2016, 6, 1)


def _make_repo(models):
    for folder, text in (("samarbejde", SAM),
                         ("silkeborg", KOMMUNE.format(p="sk", slug="silkeborg", name="Silkeborg", kode="740")),
                         ("viborg", KOMMUNE.format(p="vi", slug="viborg", name="Viborg", kode="791"))):
        (models / folder).mkdir(parents=True)
        (models / folder / ("samarbejde.ttl" if folder == "samarbejde" else "kommune.ttl")).write_text(text)
    return models


@pytest.fixture
def repo(tmp_path):
    return _make_repo(tmp_path / "models")


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """The findings of the tiny repository before anyone joins (checked once)."""
    return findings(_make_repo(tmp_path_factory.mktemp("baseline") / "models"))


def findings(models):
    return {(f.rule, f.focus.rsplit("#", 1)[-1], (f.value or "").rsplit("#", 1)[-1])
            for f in run_check([models], as_of=AS_OF).findings}


def snapshot(folder):
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_slug_and_local_name():
    assert slug("Ringkøbing-Skjern") == "ringkoebing-skjern"
    assert slug("Ærø") == "aeroe" and slug("Faaborg-Midtfyn") == "faaborg-midtfyn"
    assert slug("Lyngby-Taarbæk") == "lyngby-taarbaek"
    assert local_name("Ringkøbing-Skjern") == "RingkoebingSkjern" and local_name("Ærø") == "Aeroe"


def test_scaffolds_a_third_member_and_check_shows_what_it_must_do(repo, baseline):
    before = baseline
    original = snapshot(repo)
    res = CliRunner().invoke(main, ["new", "kommune", "Skive", "--kode", "779", "--dir", str(repo),
                                    "--fra", "2017-01-01"])
    assert res.exit_code == 0, res.output
    kommune_file = repo / "skive" / "kommune.ttl"
    membership_file = repo / "samarbejde" / "medlemskab-skive.ttl"
    assert kommune_file.is_file() and membership_file.is_file()
    # Existing files are untouched; only the two new files were added.
    after = snapshot(repo)
    assert {p: b for p, b in after.items() if p in original} == original
    assert set(after) - set(original) == {kommune_file, membership_file}
    # Canonical (fmt --check passes) and in the expected shape.
    for f in (kommune_file, membership_file):
        assert format_text(f.read_text()) == f.read_text()
    assert CliRunner().invoke(main, ["fmt", "--check", str(repo / "skive"), str(membership_file)]).exit_code == 0
    text = kommune_file.read_text()
    assert "@prefix skive: <https://w3id.org/arkitektur/eksempel/skive#> ." in text
    assert 'skive:Skive\n    a ark:Kommune ;\n    rdfs:label "Skive Kommune"@da ,' in text
    assert 'ark:kommunekode "779"' in text and "ark:kommune skive:Skive" in text
    membership = membership_file.read_text()
    assert 'ark:medlemFra "2017-01-01"^^xsd:date' in membership
    assert "sam:SilkeborgViborg\n    ark:medlem skive:Skive .\n" in membership
    # The next check: HEL-1 now flags the procurement planned after Skive joined (and only that);
    # the new Kommune, Forum and Medlemskab are MOD-clean.
    new = findings(repo) - before
    assert new == {("HEL-1", "Udbud_ESDH2017", "Skive")}
    assert "Udbud planlagt fra 2017-01-01" in res.stdout and "Fælles genudbud af ESDH-drift 2017" in res.stdout


def test_joining_today_reports_nothing_false(repo, baseline):
    before = baseline
    res = CliRunner().invoke(main, ["new", "kommune", "Lyngby-Taarbæk", "--dir", str(repo)])
    assert res.exit_code == 0, res.output
    assert (repo / "lyngby-taarbaek" / "kommune.ttl").is_file()
    assert f'"{dt.date.today().isoformat()}"^^xsd:date' in (repo / "samarbejde" / "medlemskab-lyngby-taarbaek.ttl").read_text()
    assert findings(repo) == before


def test_refusals_write_nothing(repo):
    runner = CliRunner()
    original = snapshot(repo)
    # The folder or the IRI exists already.
    for args in (["Silkeborg"], ["Viborg"], ["Skive", "--kode", "740"], ["Skive", "--kode", "7a0"]):
        res = runner.invoke(main, ["new", "kommune", *args, "--dir", str(repo)])
        assert res.exit_code == 2, (args, res.output)
        assert snapshot(repo) == original
    (repo / "silkeborg").rename(repo / "sk-gammel")  # the IRI still exists, in another folder
    res = runner.invoke(main, ["new", "kommune", "Silkeborg", "--dir", str(repo)])
    assert res.exit_code == 2 and "findes allerede" in res.stderr
    # Two collaborations: --samarbejde is required, and must name one of them.
    (repo / "andet.ttl").write_text(
        "@prefix ark: <https://w3id.org/arkitektur/ontologi#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://example.org/andet> a ark:Samarbejde ; rdfs:label "Andet"@da .\n')
    original = snapshot(repo)
    res = runner.invoke(main, ["new", "kommune", "Skive", "--dir", str(repo)])
    assert res.exit_code == 2 and "--samarbejde" in res.stderr
    res = runner.invoke(main, ["new", "kommune", "Skive", "--dir", str(repo), "--samarbejde", "https://example.org/x"])
    assert res.exit_code == 2
    assert snapshot(repo) == original
    res = runner.invoke(main, ["new", "kommune", "Skive", "--dir", str(repo), "--fra", "2017-01-01",
                               "--samarbejde", "https://example.org/andet"])
    assert res.exit_code == 0, res.output
    assert "ark:medlem skive:Skive" in (repo / "medlemskab-skive.ttl").read_text()
    # A missing models folder.
    res = runner.invoke(main, ["new", "kommune", "Skive", "--dir", str(repo / "findes-ikke")])
    assert res.exit_code == 2


def test_plan_writes_nothing(repo):
    original = snapshot(repo)
    plan = plan_kommune("Skive Kommune", directory=repo, fra=dt.date(2017, 1, 1))
    assert plan.name == "Skive" and plan.kommune.endswith("/skive#Skive")
    assert snapshot(repo) == original and not (repo / "skive").exists()
    with pytest.raises(ArkitekturError):
        plan_kommune("123", directory=repo)


def test_failed_write_leaves_nothing_behind(repo, monkeypatch):
    from arkitektur import scaffold

    original = snapshot(repo)
    calls = []

    def flaky(path, data, **kw):
        calls.append(path)
        if len(calls) == 2:
            raise scaffold.InputError("disk fuld", "disk full", code="ARK-E42")
        path.write_bytes(data)

    monkeypatch.setattr(scaffold, "write_atomic", flaky)
    res = CliRunner().invoke(main, ["new", "kommune", "Skive", "--dir", str(repo)])
    assert res.exit_code == 2
    assert snapshot(repo) == original and not (repo / "skive").exists()


def test_example_repository_copy(tmp_path):
    """With the example repository (when present) the newcomer lands next to samarbejde.ttl."""
    from pathlib import Path

    models = Path(__file__).resolve().parents[1] / "models"
    if not (models / "samarbejde").is_dir():
        pytest.skip("no example repository")
    copy = tmp_path / "models"
    shutil.copytree(models, copy)
    plan = plan_kommune("Skive", directory=copy, kode="779", fra=dt.date(2017, 1, 1))
    assert copy / "samarbejde" / "medlemskab-skive.ttl" in plan.files
    assert plan.samarbejde.endswith("samarbejde#SilkeborgViborg")
