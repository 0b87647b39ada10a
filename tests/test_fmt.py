"""arkitektur fmt: canonical layout, idempotence, comments, lexical forms, atomic writes, exit codes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from arkitektur import files as files_mod
from arkitektur import fmt as fmt_mod
from arkitektur.turtle import printer as fmt_render
from arkitektur.cli import main
from arkitektur.errors import ArkitekturError, InputError
from arkitektur.fmt import FormatError, format_text

SAMPLE = '''# Filhoved: Silkeborgs systemer
# anden linje i hovedet

@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
PREFIX ex: <https://example.org/>
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . # rdfs er W3C's

# Om B
ex:b ex:zz "01"^^xsd:integer , 1.0 , "P12M"^^xsd:duration , 1e0 ; # efter 1e0
    # før label
    rdfs:label "B"@da ;
    ex:y [ ex:q ex:r ; ex:p ( 1 2 [ ex:x ex:y ] ) ] ;
    ex:lang """første linje
anden linje""" .

# Om A
ex:a # subjektkommentar
  a ex:T ;
  ex:m ex:o2 , # om o2
    # før o1
    ex:o1 ;
  ex:n [ # åbner
    ex:q ex:r
    # sidst i listen
  ] ;
  ex:l ( # liste
    ex:x # om x
  )
  # sidst i A
  .
ex:b ex:a ex:c .
[ ex:p ex:o ] .
_:x ex:p _:x .
# fod
'''


def quads(text: str, base: str | None = None) -> ox.Dataset:
    ds = ox.Dataset(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE, base_iri=base))
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return ds


def comments(text: str) -> list[str]:
    return re.findall(r"#[^\n]*", text.replace("<https://example.org/>", ""))


def test_formats_to_the_same_graph_and_is_idempotent():
    out = format_text(SAMPLE)
    assert quads(out) == quads(SAMPLE)
    assert format_text(out) == out
    assert out.endswith(".\n\n# fod\n") and not out.endswith("\n\n")


def test_canonical_layout():
    out = format_text(SAMPLE)
    lines = out.splitlines()
    prefixes = [ln for ln in lines if ln.startswith("@prefix")]
    assert prefixes == sorted(prefixes) and len(prefixes) == 3  # PREFIX became @prefix, sorted
    # Subjects sorted by IRI, one block each (ex:b's two statements merged).
    starts = [out.index(f"\n{s}") for s in ("ex:a ", "ex:b\n", "_:x\n", "[ ex:p")]
    assert starts == sorted(starts) and out.count("\nex:b") == 1
    block_b = out[out.index("\nex:b"):]
    # rdf:type / labels first, then the rest by IRI; several objects one per line.
    assert block_b.index("rdfs:label") < block_b.index("ex:a ex:c") < block_b.index("ex:lang")
    assert "    ex:m\n        # før o1\n        ex:o1 ,\n        ex:o2 ; # om o2\n" in out
    assert "ex:y [\n        ex:p ( 1 2 [ ex:x ex:y ] ) ;\n        ex:q ex:r\n    ] ;" in out


def test_comments_are_kept_where_they_belong():
    out = format_text(SAMPLE)
    assert sorted(comments(out)) == sorted(comments(SAMPLE))
    assert out.startswith("# Filhoved: Silkeborgs systemer\n# anden linje i hovedet\n\n@prefix")
    assert "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . # rdfs er W3C's\n" in out
    assert "# Om A\nex:a # subjektkommentar\n    a ex:T ;" in out  # before the element it preceded
    assert "# Om B\nex:b\n    # før label\n    rdfs:label" in out  # before its predicate line
    assert "ex:n [ # åbner\n        ex:q ex:r\n        # sidst i listen\n    ]" in out
    assert "ex:l ( # liste\n        ex:x # om x\n    ) ;" in out
    assert "1e0 , # efter 1e0" in out
    assert "    # sidst i A\n.\n" in out


def test_lexical_forms_are_kept():
    out = format_text(SAMPLE)
    for form in ('"01"^^xsd:integer', "1.0", '"P12M"^^xsd:duration', "1e0",
                 '"""første linje\nanden linje"""'):
        assert form in out
    before = {(str(q.object.value), q.object.datatype.value) for q in quads(SAMPLE)
              if isinstance(q.object, ox.Literal)}
    after = {(str(q.object.value), q.object.datatype.value) for q in quads(out)
             if isinstance(q.object, ox.Literal)}
    assert before == after and ("01", "http://www.w3.org/2001/XMLSchema#integer") in after


def test_relative_iris_stay_relative_with_base_in_place():
    text = "@base <http://a.example/dir/> .\n<s> <p> <o> .\n@base <sub/> .\n<s2> <p> <../o> .\n"
    out = format_text(text)
    assert "@base <sub/> .\n\n<s2>\n    <p> <../o> .\n" in out
    assert quads(out) == quads(text)
    with pytest.raises(InputError) as exc:
        format_text("<s> <p> <o> .\n")  # like the loader: a relative IRI needs @base
    assert "relativ IRI" in exc.value.da
    assert quads(format_text("<s> <p> <o> .\n", base_iri="http://b/"), "http://b/") == quads(
        "<s> <p> <o> .\n", "http://b/")


def test_trailing_newline_and_empty_files():
    assert format_text("@prefix ex: <http://e/> . ex:a ex:b ex:c .") == (
        "@prefix ex: <http://e/> .\n\nex:a\n    ex:b ex:c .\n")
    assert format_text("@prefix ex: <http://e/> .\nex:a ex:b ex:c .\n\n\n\n").endswith(".\n")
    assert format_text("") == ""
    assert format_text("# kun en kommentar\n\n\n") == "# kun en kommentar\n"


def test_refuses_a_round_trip_that_would_change_data(monkeypatch):
    real = fmt_render.render
    monkeypatch.setattr(fmt_render, "render", lambda doc: real(doc).replace("ex:o1 ,\n", ""))
    with pytest.raises(FormatError) as exc:
        format_text(SAMPLE, display="x.ttl")
    assert exc.value.code == "ARK-E40"


@pytest.fixture
def repo(tmp_path):
    models = tmp_path / "models"
    (models / "a").mkdir(parents=True)
    (models / "a" / "x.ttl").write_text(SAMPLE, encoding="utf-8")
    canonical = format_text(SAMPLE)
    (models / "b.ttl").write_text(canonical, encoding="utf-8")
    return models


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_check_exit_codes_and_writes_nothing(repo):
    before = (repo / "a" / "x.ttl").read_bytes()
    res = run("fmt", "--check", str(repo))
    assert res.exit_code == 1, res.output
    assert "a/x.ttl" in res.stdout and "b.ttl" not in res.stdout
    assert (repo / "a" / "x.ttl").read_bytes() == before
    res = run("fmt", str(repo))
    assert res.exit_code == 0, res.output
    assert (repo / "a" / "x.ttl").read_text() == format_text(SAMPLE)
    assert run("fmt", "--check", str(repo)).exit_code == 0
    assert sorted(p.name for p in repo.rglob("*")) == ["a", "b.ttl", "x.ttl"]  # no temp files


def test_default_path_is_models(repo, monkeypatch):
    monkeypatch.chdir(repo.parent)
    assert run("fmt", "--check").exit_code == 1


def test_broken_input_exit_2_nothing_written(repo):
    bad = repo / "c.ttl"
    bad.write_bytes(b"@prefix ex: <http://e/> .\nex:a ex:b ex:c ;\n  ex:d \"open .\n")
    originals = {p: p.read_bytes() for p in repo.rglob("*.ttl")}
    for args in (("fmt", str(repo)), ("fmt", "--check", str(repo))):
        res = run(*args)
        assert res.exit_code == 2
        assert re.search(r"c\.ttl:3:\d+: ARK-E02: ", res.stderr), res.stderr
        assert "ingen filer er ændret" in res.stderr
        assert {p: p.read_bytes() for p in repo.rglob("*.ttl")} == originals


def test_bad_encoding_is_refused(tmp_path):
    f = tmp_path / "latin1.ttl"
    f.write_bytes('@prefix ex: <http://e/> .\nex:a ex:b "Århus" .\n'.encode("latin-1"))
    res = run("fmt", str(f))
    assert res.exit_code == 2 and "ARK-E03" in res.stderr
    assert f.read_bytes().decode("latin-1").startswith("@prefix")


def test_atomic_write_keeps_the_original_when_replace_fails(repo, monkeypatch):
    target = repo / "a" / "x.ttl"
    before = target.read_bytes()

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files_mod.os, "replace", boom)
    res = run("fmt", str(repo))
    assert res.exit_code == 2 and "ARK-E42" in res.stderr
    assert target.read_bytes() == before
    assert sorted(p.name for p in (repo / "a").iterdir()) == ["x.ttl"]  # temp file removed


def test_atomic_write_fsyncs_before_replacing(tmp_path, monkeypatch):
    target = tmp_path / "m.ttl"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(files_mod.os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(files_mod.os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))[1])
    files_mod.write_atomic(target, b"new\n")
    assert target.read_bytes() == b"new\n" and calls[:2] == ["fsync", "replace"]
    assert os.stat(target).st_mode & 0o777 == 0o640


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_two_architects_editing_different_elements_merge_cleanly(tmp_path):
    """The point of the canonical layout: edits of different elements touch different lines."""
    base = format_text(
        "@prefix ex: <https://example.org/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        + "".join(f'ex:e{i} a ex:System ; rdfs:label "E{i}"@da ; ex:p ex:x{i} .\n' for i in range(1, 6)))
    ours = format_text(base.replace('"E2"@da ;', '"E2"@da ; ex:q ex:ny , ex:anden ;'))
    theirs = format_text(base + 'ex:e4 ex:r "tilføjet" .\nex:e6 a ex:System ; rdfs:label "E6"@da .\n')
    paths = []
    for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
        paths.append(tmp_path / f"{name}.ttl")
        paths[-1].write_text(text)
    res = subprocess.run(["git", "merge-file", "-p", *map(str, paths)], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout
    merged = format_text(res.stdout)
    assert merged == res.stdout
    assert "ex:ny" in merged and '"tilføjet"' in merged and "ex:e6" in merged


def test_errors_are_arkitektur_errors():
    with pytest.raises(ArkitekturError):
        format_text("@prefix ex: <http://e/> .\nex:a ex:b .\n", display="f.ttl")


def test_example_repository_is_canonical():
    """CI runs `arkitektur fmt --check models`; the example models stay in canonical form."""
    from pathlib import Path

    models = Path(__file__).resolve().parents[1] / "models"
    files = sorted(models.rglob("*.ttl"))
    if not files:
        pytest.skip("no example models")
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert format_text(text, display=str(f)) == text, f"{f}: run 'arkitektur fmt models'"


def test_imports_write_the_model_files_triples_unchanged_through_fmt(tmp_path):
    """interchange.turtle_out writes through pyoxigraph and fmt: on the 19 model files, parse →
    serialize → parse gives the same graph, literal lexical forms included ("480000"^^xsd:decimal
    stays, which rdflib's own writer makes 480000.0)."""
    from pathlib import Path

    from rdflib import Graph
    from rdflib.compare import isomorphic

    from arkitektur.interchange.terms import Prefixes
    from arkitektur.interchange.turtle_out import serialize
    from arkitektur.loader import parse_file

    files = sorted((Path(__file__).parent.parent / "models").rglob("*.ttl"))
    assert len(files) == 24   # the 19 model files and the 5 of the own rules (models/regler/)
    for path in files:
        before = Graph()
        for t in parse_file(path).triples:
            before.add(t)
        text = serialize(before, Prefixes(), header="rundtur")
        assert text.startswith("# rundtur\n")
        (tmp_path / "ud.ttl").write_text(text, encoding="utf-8")
        after = Graph()
        for t in parse_file(tmp_path / "ud.ttl").triples:  # the strict parser, lexical forms as written
            after.add(t)
        assert isomorphic(before, after), path
        assert sorted(o.n3() for o in before.objects()) == sorted(o.n3() for o in after.objects()), path
