"""Egne regler (docs/egne-regler.md): a repository's own SHACL rules are run, listed, documented,
selected, ignored, dispensed and reported like the shipped ones – and refused at file:line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from arkitektur.catalogue import for_paths
from arkitektur.check import ENGINES, run_check
from arkitektur.cli import main

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
RULES = MODELS / "regler" / "silkeborg-viborg.ttl"
EXAMPLES = MODELS / "regler" / "eksempler"
OWN = ("SV-1", "SV-2")


def run(*args, cwd: Path | None = None, monkeypatch=None):
    if cwd is not None:
        monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, [str(a) for a in args])


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def shape_line(rid: str) -> int:
    """The line the own rule's shape starts on in the example repository (as ``fmt`` writes it)."""
    return next(n for n, line in enumerate(RULES.read_text(encoding="utf-8").splitlines(), 1)
                if line.split(" ")[0] == f"sv:{rid}")


# -- the example repository's own rules -------------------------------------------------------

def header(path: Path) -> tuple[str, list[tuple[str, str]]]:
    text = path.read_text(encoding="utf-8")
    as_of = re.search(r"^# as-of: (\S+)", text, re.M).group(1)
    return as_of, re.findall(r"^# forventet: (\w+) (\S+)", text, re.M)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("rule", OWN)
def test_own_rule_fires_on_its_bad_example_and_not_on_its_good(rule, engine):
    import datetime as dt

    for kind in ("bad", "good"):
        path = EXAMPLES / rule / f"{kind}.ttl"
        as_of, expected = header(path)
        result = run_check([path], as_of=dt.date.fromisoformat(as_of), select=rule, engine=engine)
        got = sorted((f.severity.label, f.focus) for f in result.findings)
        assert {f.rule for f in result.findings} <= {rule}
        assert got == sorted(expected), (kind, got)
        if kind == "bad":
            assert expected, "the bad example must expect a finding"
        else:
            assert got == []


def test_the_catalogue_knows_where_each_own_rule_is_written():
    cat = for_paths([MODELS])
    for rid, severity in (("SV-1", "V"), ("SV-2", "W")):
        rule = cat.rules[rid]
        assert rule.own and rule.severity_code == severity
        assert rule.origin.endswith(f"regler/silkeborg-viborg.ttl:{shape_line(rid)}")
        assert rule.bad_example() is not None and rule.good_example() is not None
    assert not cat.rules["HEL-3"].own and cat.rules["HEL-3"].origin is None


def test_check_runs_them_on_the_example_models_and_not_the_shapes_as_data(monkeypatch):
    r = run("check", "models/", "--format", "json", cwd=ROOT, monkeypatch=monkeypatch)
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    sv = [(f["rule"], f["severity"], f["focus"]) for f in doc["findings"] if f["rule"].startswith("SV")]
    assert sv == [("SV-1", "violation", "https://w3id.org/arkitektur/eksempel/viborg#Flow_Hjaelpemidler_Koersel")]
    # the regler folder is rules, not models: neither the shapes nor the examples are checked
    assert not [f for f in doc["findings"] if "regler/" in (f["file"] or "")]
    assert "SHACL-form" not in r.stderr


@pytest.mark.parametrize("engine", ENGINES)
def test_select_and_ignore_know_own_rules(engine):
    only = run_check([MODELS], select="SV-1", engine=engine)
    assert [(f.rule, f.focus.rsplit("#")[1]) for f in only.findings] == [("SV-1", "Flow_Hjaelpemidler_Koersel")]
    rest = run_check([MODELS], ignore="SV-1,SV-2", engine=engine)
    assert rest.findings and not [f for f in rest.findings if f.rule.startswith("SV")]


def test_a_dispensation_for_an_own_rule_turns_it_into_info(tmp_path):
    repo = tmp_path / "models"
    shutil.copytree(MODELS, repo)
    (repo / "samarbejde" / "sv-dispensation.ttl").write_text("""\
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix sam: <https://w3id.org/arkitektur/eksempel/samarbejde#> .
@prefix vi: <https://w3id.org/arkitektur/eksempel/viborg#> .

sam:Dispensation_Koersel
    a ark:Dispensation ;
    rdfs:label "Dispensation: kørselsordrer til Fleetsched, mens databehandleraftalen forhandles"@da ;
    ark:begrundelse "Aftalen er sendt til underskrift; kørslen af borgere kan ikke stoppe imens." ;
    ark:besluttetVed sam:Beslutning_Direktion_Dispensation_Loen ;
    ark:gaelder vi:Flow_Hjaelpemidler_Koersel ;
    ark:regel "SV-1" ;
    ark:udloeber "2016-12-31"^^xsd:date .
""", encoding="utf-8")
    result = run_check([repo], select="SV-1,DISP-3")
    assert [(f.rule, f.severity.label, f.dispensation) for f in result.findings] == [
        ("SV-1", "info", "https://w3id.org/arkitektur/eksempel/samarbejde#Dispensation_Koersel")]


def test_rules_lists_own_rules_with_their_origin(monkeypatch):
    r = run("rules", "--models", "models", cwd=ROOT, monkeypatch=monkeypatch)
    assert r.exit_code == 0
    lines = {line.split()[0]: line for line in r.stdout.splitlines()}
    assert re.match(r"SV-1\s+V\s+models/regler/silkeborg-viborg\.ttl:\d+\s+Silkeborg–Viborg", lines["SV-1"])
    assert re.match(r"SV-2\s+W\s+models/regler/silkeborg-viborg\.ttl:\d+\s", lines["SV-2"])
    assert re.match(r"HEL-3\s+V\s+medfølger\s", lines["HEL-3"])
    en = run("rules", "--models", "models", "--lang", "en", cwd=ROOT, monkeypatch=monkeypatch)
    assert "shipped" in en.stdout and "sensitive data only with a data processing agreement" in en.stdout
    # without an arkitektur.toml naming rules: the shipped catalogue only
    plain = run("rules", cwd=ROOT, monkeypatch=monkeypatch)
    assert "SV-1" not in plain.stdout and "HEL-3" in plain.stdout


def test_rules_explains_and_documents_own_rules(tmp_path, monkeypatch):
    one = run("rules", "sv-1", "--models", "models", cwd=ROOT, monkeypatch=monkeypatch)
    assert one.exit_code == 0
    assert one.stdout.startswith("# SV-1 — Følsomme personoplysninger til et system uden databehandleraftale")
    assert "| Egen regel / own rule | `models/regler/silkeborg-viborg.ttl:" in one.stdout
    assert "`SV-1/bad.ttl`" in one.stdout and "- violation: `https://example.org/int-sbsys-nexus`" in one.stdout
    out = tmp_path / "sider"
    docs = run("rules", "--models", "models", "--docs", out, cwd=ROOT, monkeypatch=monkeypatch)
    assert docs.exit_code == 0, docs.output
    assert (out / "SV-1.md").read_text(encoding="utf-8") == one.stdout
    assert (out / "HEL-3.md").read_text(encoding="utf-8") == (ROOT / "docs" / "regler" / "HEL-3.md").read_text(
        encoding="utf-8")
    assert "| [SV-2](SV-2.md) | W |" in (out / "README.md").read_text(encoding="utf-8")


def test_every_format_reports_own_rules_and_sarif_carries_their_metadata(monkeypatch):
    monkeypatch.chdir(ROOT)
    sarif = json.loads(run("check", "models/", "--format", "sarif").stdout)
    driver = sarif["runs"][0]["tool"]["driver"]["rules"]
    ids = [r["id"] for r in driver]
    entry = driver[ids.index("SV-1")]
    assert entry["shortDescription"]["text"] == "Følsomme personoplysninger til et system uden databehandleraftale"
    assert entry["defaultConfiguration"]["level"] == "error"
    assert entry["properties"]["principle"] == "Silkeborg–Viborg: følsomme data kun med databehandleraftale"
    assert entry["properties"]["origin"] == f"models/regler/silkeborg-viborg.ttl:{shape_line('SV-1')}"
    assert "databeskyttelsesforordningens art. 28" in entry["fullDescription"]["text"]
    assert driver[ids.index("SV-2")]["defaultConfiguration"]["level"] == "warning"
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "SV-1"]
    assert len(results) == 1 and results[0]["ruleIndex"] == ids.index("SV-1")
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("viborg/dataflows.ttl")
    junit = run("check", "models/", "--format", "junit").stdout
    assert 'name="SV-1 Følsomme personoplysninger til et system uden databehandleraftale" tests="1" failures="1"' in junit
    assert 'name="SV-2 Nyt lokalt ESDH uden fælles projekt" tests="1" failures="0"' in junit
    markdown = run("check", "models/", "--format", "markdown").stdout
    assert "SV-1 Følsomme personoplysninger til et system uden databehandleraftale" in markdown
    github = run("check", "models/", "--format", "github").stdout
    assert re.search(r"::error file=models/viborg/dataflows\.ttl,line=\d+,col=\d+,title=SV-1 ", github)
    text = run("check", "models/").stdout
    assert "SV-1 Følsomme personoplysninger til et system uden databehandleraftale (1)" in text


# -- refusals: exit 2 at file:line, never skipped ------------------------------------------------

TEMPLATE = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix regel: <https://w3id.org/arkitektur/regler#> .
@prefix ex: <https://example.org/regler#> .

ex:{name} a sh:NodeShape ;
    ark:regel "{rid}" ;
    sh:name "Integration uden mønster"@da , "Integration without a pattern"@en ;
    ark:princip "Eget princip"@da , "Own principle"@en ;
    ark:problem "Problem."@da , "Problem."@en ;
    ark:loesning "Løsning."@da , "Solution."@en ;
    sh:severity sh:Warning ;
    sh:targetClass ark:Integration ;
    sh:message "{{$this}} mangler mønster."@da , "{{$this}} lacks a pattern."@en ;
    {body} .
"""
BODY = "sh:property [ sh:path ark:moenster ; sh:minCount 1 ]"


def own_repo(tmp_path: Path, files: dict[str, str], toml: str = 'regler = ["regler/"]\n') -> Path:
    repo = tmp_path / "repo"
    (repo / "regler").mkdir(parents=True)
    (repo / "arkitektur.toml").write_text(f'as_of = "2016-06-01"\n{toml}', encoding="utf-8")
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    (repo / "model.ttl").write_text(
        "@prefix ark: <https://w3id.org/arkitektur/ontologi#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix ex: <https://example.org/> .\n\n"
        'ex:int a ark:Integration ;\n    rdfs:label "En integration"@da .\n', encoding="utf-8")
    return repo


def rule(rid: str = "XY-1", name: str | None = None, body: str = BODY) -> str:
    return TEMPLATE.format(rid=rid, name=name or rid.replace("-", "_"), body=body)


def refused(repo: Path, code: str, where: str, *more: str, engine: str = "oxigraph"):
    r = CliRunner().invoke(main, ["check", str(repo), "--engine", engine])
    assert r.exit_code == 2, r.output
    first = r.stderr.strip().splitlines()[0].removeprefix("fejl: ")
    assert first.startswith(f"{where}: {code}: "), first
    for text in more:
        assert text in first, first
    assert "Traceback" not in r.output
    return first


def test_a_working_own_rule_runs_on_both_engines(tmp_path):
    repo = own_repo(tmp_path, {"regler/r.ttl": rule()})
    for engine in ENGINES:
        result = run_check([repo], engine=engine, select="XY-1")
        assert [(f.rule, f.severity.label, f.focus) for f in result.findings] == [
            ("XY-1", "warning", "https://example.org/int")], engine
        assert result.files == [str(repo / "model.ttl")]  # the rule file is not read as a model


def test_refused_an_id_that_repeats_a_shipped_rule(tmp_path):
    repo = own_repo(tmp_path, {"regler/r.ttl": rule("HEL-3", name="mit")})
    hel = ROOT / "shapes" / "HEL.ttl"
    first = refused(repo, "ARK-E117", f"{repo / 'regler' / 'r.ttl'}:6", "HEL-3")
    assert re.search(rf"HEL\.ttl:{line_of(hel, 'regel:HEL-3 a sh:NodeShape')}\)", first), first


def test_refused_an_id_that_two_own_files_use(tmp_path):
    repo = own_repo(tmp_path, {"regler/a.ttl": rule("XY-1", name="a"), "regler/b.ttl": rule("XY-1", name="b")})
    first = refused(repo, "ARK-E117", f"{repo / 'regler' / 'b.ttl'}:6")
    assert f"{repo / 'regler' / 'a.ttl'}:6" in first


def test_refused_a_shipped_family(tmp_path):
    repo = own_repo(tmp_path, {"regler/r.ttl": rule("FDA-9")})
    refused(repo, "ARK-E119", f"{repo / 'regler' / 'r.ttl'}:6", "FDA")


def test_refused_missing_metadata_naming_which(tmp_path):
    text = rule().replace(' , "Integration without a pattern"@en', "").replace('    ark:problem "Problem."@da , "Problem."@en ;\n', "")
    text = text.replace("    sh:severity sh:Warning ;\n", "")
    repo = own_repo(tmp_path, {"regler/r.ttl": text})
    refused(repo, "ARK-E118", f"{repo / 'regler' / 'r.ttl'}:6", "sh:name@en", "ark:problem@da", "ark:problem@en",
            "sh:severity")


def test_refused_a_shape_without_rule_id(tmp_path):
    text = rule() + "\nex:Uden a sh:NodeShape ;\n    sh:targetClass ark:Integration ;\n    sh:nodeKind sh:IRI .\n"
    repo = own_repo(tmp_path, {"regler/r.ttl": text})
    refused(repo, "ARK-E118", f"{repo / 'regler' / 'r.ttl'}:17", "ark:regel")


def test_refused_what_the_shapes_lint_rejects(tmp_path):
    repo = own_repo(tmp_path, {"regler/r.ttl": rule(body="sh:property [ sh:path ark:moenster ; sh:minCont 1 ]")})
    refused(repo, "ARK-E31", f"{repo / 'regler' / 'r.ttl'}:6", "sh:minCont")


def test_refused_what_the_engine_cannot_run_exactly(tmp_path):
    # A sub-SELECT that does not project $this: SHACL cannot pre-bind it (Appendix A), the engine refuses.
    body = ('sh:sparql [ a sh:SPARQLConstraint ; sh:prefixes regel:prefikser ; sh:select """SELECT $this WHERE {'
            ' $this a ark:Integration . { SELECT ?y WHERE { ?y a ark:Integration } } }""" ]')
    repo = own_repo(tmp_path, {"regler/r.ttl": rule(body=body)})
    refused(repo, "ARK-E36", f"{repo / 'regler' / 'r.ttl'}:6", "indlejret SELECT")


def test_refused_unreadable_turtle(tmp_path):
    repo = own_repo(tmp_path, {"regler/r.ttl": rule().replace("sh:severity sh:Warning ;", "sh:severity sh:Warning")})
    r = CliRunner().invoke(main, ["check", str(repo)])
    assert r.exit_code == 2
    assert r.stderr.startswith(f"fejl: {repo / 'regler' / 'r.ttl'}:"), r.stderr


@pytest.mark.parametrize(("toml", "code", "says"), [
    ('regler = ["findes-ikke/"]\n', "ARK-E115", "findes ikke"),
    ('regler = ["model.ttl"]\n', "ARK-E115", "er en fil"),
    ('regler = "regler/"\n', "ARK-E115", "liste"),
    ('regler = ["../"]\n', "ARK-E116", "uden for repositoriet"),
])
def test_refused_a_wrong_regler_entry_at_its_line(tmp_path, toml, code, says):
    repo = own_repo(tmp_path, {"regler/r.ttl": rule()}, toml="\n# egne regler\n" + toml)
    refused(repo, code, f"{repo / 'arkitektur.toml'}:4", says)


def test_the_examples_folder_is_models_not_rules(tmp_path):
    bad = "@prefix ark: <https://w3id.org/arkitektur/ontologi#> .\n@prefix ex: <https://example.org/> .\n" \
          "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n" \
          'ex:int2 a ark:Integration ;\n    rdfs:label "Eksempel"@da .\n'
    repo = own_repo(tmp_path, {"regler/r.ttl": rule(), "regler/eksempler/XY-1/bad.ttl": bad})
    whole = run_check([repo], select="XY-1")
    assert [f.focus for f in whole.findings] == ["https://example.org/int"]  # the example is not a model
    example = run_check([repo / "regler" / "eksempler" / "XY-1" / "bad.ttl"], select="XY-1")
    assert [f.focus for f in example.findings] == ["https://example.org/int2"]  # …unless named


def test_a_shape_among_the_models_gets_a_note(tmp_path):
    repo = own_repo(tmp_path, {}, toml="")
    (repo / "form.ttl").write_text(rule(), encoding="utf-8")
    result = run_check([repo])
    assert [n for n in result.notes if "SHACL-form" in n] == [
        f"{repo / 'form.ttl'}:6: https://example.org/regler#XY_1 er en SHACL-form i modellen og bliver læst som "
        "data, ikke kørt – hører den under regler/? (docs/egne-regler.md) / is a SHACL shape among the models: "
        "read as data, not run – does it belong in regler/?"]


def test_the_template_in_the_docs_works_as_written(tmp_path):
    doc = (ROOT / "docs" / "egne-regler.md").read_text(encoding="utf-8")
    template = re.search(r"## Skabelon.*?```turtle\n(.*?)```", doc, re.S).group(1)
    repo = own_repo(tmp_path, {"regler/mine-regler.ttl": template})
    result = run_check([repo], select="SV-9")
    assert [(f.rule, f.severity.label, f.focus) for f in result.findings] == [
        ("SV-9", "warning", "https://example.org/int")]
    assert for_paths([repo]).rules["SV-9"].origin.endswith("regler/mine-regler.ttl:8")
