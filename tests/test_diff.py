"""``arkitektur diff``: a semantic diff between two commits of a test repository made with git in tmp_path."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from arkitektur.cli import main
from arkitektur.presenters.diff import MARKER, render
from arkitektur.semdiff import diff_graphs, semantic_diff

DATA = Path(__file__).parent / "data" / "divergens"
EX = "https://example.org/"
ARK = "https://w3id.org/arkitektur/ontologi#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

LEVERANDOER_V1 = """@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix ex: <https://example.org/> .
ex:leverandoer-x a ark:Leverandoer .
"""
LEVERANDOER_V2 = """@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:leverandoer-x a ark:Leverandoer ; rdfs:label "Leverandør X"@da .
"""
NY_ANVENDELSE = """
ex:vi-ny a ark:Systemanvendelse ; ark:system ex:sdloen ; ark:kommune ex:viborg ; ark:livscyklu ark:IDrift .
"""


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                           "-c", "commit.gpgsign=false", *args], cwd=repo, capture_output=True, text=True,
                          check=True)
    return proc.stdout.strip()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """v1 = the divergens model + a supplier without a label; v2 changes a usage, adds one, removes an Udbud."""
    root = tmp_path_factory.mktemp("arkiv")
    models = root / "models"
    shutil.copytree(DATA, models)
    shutil.move(models / "arkitektur.toml", root / "arkitektur.toml")
    (models / "leverandoer.ttl").write_text(LEVERANDOER_V1, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "v1")
    # v2
    vi = models / "viborg.ttl"
    _edit(vi, "ark:system ex:prisme ; ark:kommune ex:viborg", "ark:system ex:opus ; ark:kommune ex:viborg")
    _edit(vi, '"Viborg: Prisme"@da', '"Viborg: Opus"@da')
    vi.write_text(vi.read_text(encoding="utf-8") + NY_ANVENDELSE, encoding="utf-8")
    sam = models / "samarbejde.ttl"
    text = sam.read_text(encoding="utf-8")
    start = text.index("ex:udbud-oekonomi a ark:Udbud")
    end = text.index("ark:erstatter ex:vi-prisme .") + len("ark:erstatter ex:vi-prisme .")
    sam.write_text(text[:start] + text[end:], encoding="utf-8")
    (models / "leverandoer.ttl").write_text(LEVERANDOER_V2, encoding="utf-8")
    git(root, "commit", "-q", "-a", "-m", "v2")
    return root


@pytest.fixture(scope="module")
def result(repo):
    return semantic_diff([repo / "models"], "HEAD~1", "HEAD")


def test_elements_added_removed_changed(result):
    e = result.elements
    assert [(x.iri, x.klasse) for x in e.added] == [(EX + "vi-ny", ARK + "Systemanvendelse")]
    assert [(x.iri, x.klasse) for x in e.removed] == [(EX + "udbud-oekonomi", ARK + "Udbud")]
    changed = {x.iri: [(c.egenskab, c.foer, c.efter) for c in x.changes] for x in e.changed}
    assert changed == {
        EX + "leverandoer-x": [(RDFS_LABEL, [], ['"Leverandør X"@da'])],
        EX + "vi-prisme": [(RDFS_LABEL, ['"Viborg: Prisme"@da'], ['"Viborg: Opus"@da']),
                           (ARK + "system", [f"<{EX}prisme>"], [f"<{EX}opus>"])],
    }
    assert e.anonymous_added == e.anonymous_removed == []


def test_findings_appeared_and_fixed(result):
    appeared = {(f.rule, f.focus) for f in result.appeared}
    fixed = {(f.rule, f.focus) for f in result.fixed}
    assert {("MOD-1", EX + "vi-ny"), ("MOD-3", EX + "vi-ny")} <= appeared   # typo'd term, no label
    assert ("MOD-3", EX + "leverandoer-x") in fixed                          # the label was added
    assert not appeared & fixed
    mod3 = next(f for f in result.fixed if f.rule == "MOD-3")
    assert mod3.file == "HEAD~1:models/leverandoer.ttl"   # as `git show` names it


def test_convergence_change(result):
    c = result.convergence
    assert c.before == {EX + "favrskov": 0.0, EX + "silkeborg": 1.0, EX + "viborg": 0.0, "samlet": 0.3333}
    assert c.after == {EX + "favrskov": 0.0, EX + "silkeborg": 1.0, EX + "viborg": 0.5, "samlet": 0.5}
    assert [(x.opgave, x.kommune, x.foer, x.efter) for x in c.cells] == [
        (EX + "oekonomi", EX + "viborg", "divergerende", "konvergeret")]


def test_renderings(result):
    data = json.loads(render(result, "json"))
    assert data["base"]["rev"] == "HEAD~1" and data["head"]["rev"] == "HEAD"
    assert len(data["base"]["commit"]) == 40 and data["as_of"] == "2016-06-01"
    assert [x["iri"] for x in data["elements"]["added"]] == [EX + "vi-ny"]
    assert data["convergence"]["cells"] == [{"samarbejde": EX + "sam", "opgave": EX + "oekonomi",
                                             "label": "00.02.00 Økonomistyring", "kommune": EX + "viborg",
                                             "before": "divergerende", "after": "konvergeret"}]
    md = render(result, "markdown")
    assert md.startswith(MARKER)
    assert md.count("<details") == 3 and md.count("</details>") == 3 and "<details open>" in md
    assert "| ark:system | Prisme | Opus |" in md
    assert "| 00.02.00 Økonomistyring | Viborg | divergerende | konvergeret |" in md
    text = render(result, "text")
    assert "  + ark:Systemanvendelse  vi-ny  <https://example.org/vi-ny>" in text
    assert "  - ark:Udbud  Viborgs økonomiudbud  <https://example.org/udbud-oekonomi>" in text
    assert "      ark:system: Prisme → Opus" in text
    assert "Konvergens: samlet 33,3 % → 50 %" in text    # one formatter, as divergence and the pack
    en = render(result, "markdown", lang="en")
    assert "Changed cells" in en
    assert "33.3%" in en and "33,3 %" not in en


def test_markdown_is_shortened_for_github(result):
    full = render(result, "markdown")
    short = render(result, "markdown", max_chars=len(full) - 1)
    assert len(short) < len(full) and "… og 1 flere" in short and short.startswith(MARKER)


def test_working_tree_is_the_default_head(repo):
    models = repo / "models"
    (models / "ny.ttl").write_text("""@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:ny-system a ark:ItSystem ; rdfs:label "Nyt system"@da .
""", encoding="utf-8")
    try:
        res = CliRunner().invoke(main, ["diff", "--base", "HEAD", "--skip-check", "--format", "json", str(models)])
        assert res.exit_code == 0, res.output
        data = json.loads(res.output)
        assert data["head"] == {"rev": None, "commit": None}
        assert [x["iri"] for x in data["elements"]["added"]] == [EX + "ny-system"]
        assert data["elements"]["removed"] == data["elements"]["changed"] == []
        assert data["findings"] == {"appeared": [], "fixed": [], "checked": False}
        res = CliRunner().invoke(main, ["diff", "--base", "HEAD", "--skip-check", str(models)])
        assert "→ arbejdskopien" in res.output and "Fund: ikke tjekket" in res.output
    finally:
        (models / "ny.ttl").unlink()


def test_same_revision_has_no_changes(repo):
    d = semantic_diff([repo / "models"], "HEAD", "HEAD", run_check=False)
    assert d.elements.empty and not d.convergence.cells
    assert "Ingen semantiske ændringer." in render(d, "markdown")


def test_not_a_git_repository_is_exit_2(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    folder = tmp_path / "models"
    folder.mkdir()
    res = CliRunner().invoke(main, ["diff", "--base", "HEAD", str(folder)])
    assert res.exit_code == 2
    assert "ARK-E51" in res.output and "er ikke i et git-repository" in res.output


@pytest.mark.parametrize("option", ["--base", "--head"])
def test_unknown_revision_is_exit_2(repo, option):
    args = ["--base", "HEAD", "--head", "HEAD"]
    args[args.index(option) + 1] = "findes-ikke"
    res = CliRunner().invoke(main, ["diff", *args, str(repo / "models")])
    assert res.exit_code == 2
    assert "ARK-E52" in res.output and "ukendt git-revision 'findes-ikke'" in res.output


def test_broken_turtle_at_the_base_revision_names_the_revision(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "a.ttl").write_text("<https://example.org/a> <https://example.org/b> .\n",
                                               encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "broken")
    res = CliRunner().invoke(main, ["diff", "--base", "HEAD", "--as-of", "2016-06-01", "--skip-check",
                                    str(tmp_path / "models")])
    assert res.exit_code == 2
    assert "ARK-E02" in res.output and "HEAD:" in res.output


def test_blank_nodes_are_compared_by_canonical_form_under_their_parent():
    base, head = Graph(), Graph()
    base.parse(data="""@prefix ex: <https://example.org/> .
ex:a ex:kontrakt [ ex:udloeb "2019" ; ex:part [ ex:navn "x" ] ] .
[ ex:note "løs" ] .""", format="turtle")
    head.parse(data="""@prefix ex: <https://example.org/> .
ex:a ex:kontrakt [ ex:udloeb "2020" ; ex:part [ ex:navn "x" ] ] .
[ ex:note "løs" ] . [ ex:note "ny" ] .""", format="turtle")
    d = diff_graphs(base, head)
    assert [(x.iri, [(c.egenskab, c.foer, c.efter) for c in x.changes]) for x in d.changed] == [
        (EX + "a", [(EX + "kontrakt",
                     [f'[ <{EX}part> [ <{EX}navn> "x" ] ; <{EX}udloeb> "2019" ]'],
                     [f'[ <{EX}part> [ <{EX}navn> "x" ] ; <{EX}udloeb> "2020" ]'])])]
    assert d.anonymous_added == [f'[ <{EX}note> "ny" ]'] and d.anonymous_removed == []
    # Same structure with fresh blank-node ids: no change.
    again = Graph()
    again.parse(data=base.serialize(format="nt"), format="nt")
    assert diff_graphs(base, again).empty
