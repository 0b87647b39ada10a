"""``arkitektur check`` end to end: exit codes, JSON contract, locator, and every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from arkitektur.cli import main

PREFIXES = """@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

CLEAN = PREFIXES + """
ex:silkeborg a ark:Kommune ;
    rdfs:label "Silkeborg Kommune"@da ;
    ark:kommunekode "740" .
"""


def run(*args):
    result = CliRunner().invoke(main, ["check", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def test_clean_model_exits_0(tmp_path):
    write(tmp_path, "a.ttl", CLEAN)
    code, out, _ = run(tmp_path, "--as-of", "2016-06-01")
    assert code == 0, out
    assert "0 overtrædelser" in out


def test_violation_exits_1_and_json_matches_the_contract(tmp_path):
    write(tmp_path, "a.ttl", CLEAN + '\nex:viborg a ark:Kommune ;\n    ark:kommunekode "791" .\n')
    code, out, _ = run(tmp_path, "--as-of", "2016-06-01", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert list(doc) == ["as_of", "conforms", "summary", "findings"]
    assert doc["as_of"] == "2016-06-01" and doc["conforms"] is False
    assert doc["summary"] == {"violation": 1, "warning": 0, "info": 0}
    (f,) = doc["findings"]
    assert list(f) == ["rule", "severity", "focus", "message", "label", "kommune", "path", "value", "file",
                       "line", "column", "dispensation", "fix"]  # v1.1: column and fix (docs/fund.md)
    assert f["rule"] == "MOD-3" and f["severity"] == "violation"
    assert f["focus"] == "https://example.org/viborg"
    assert f["file"] == str(tmp_path / "a.ttl") and f["line"] == 10
    assert f["dispensation"] is None and f["kommune"] is None


def test_fail_on_warning_and_select_ignore(tmp_path):
    write(tmp_path, "a.ttl", CLEAN + '\nex:viborg a ark:Kommune ;\n    ark:kommunekode "791" .\n')
    assert run(tmp_path, "--as-of", "2016-06-01", "--ignore", "MOD-3")[0] == 0
    assert run(tmp_path, "--as-of", "2016-06-01", "--select", "MOD-1")[0] == 0
    code, _, err = run(tmp_path, "--select", "NOPE-1")
    assert code == 2 and "ukendt regel NOPE-1" in err


def test_relative_path_is_reported_as_given(tmp_path, monkeypatch):
    write(tmp_path, "m/sub/a.ttl", PREFIXES + "\n\nex:x a ark:Kommune .\n")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("m", "--as-of", "2016-06-01", "--format", "json")
    (f,) = json.loads(out)["findings"]
    assert f["file"] == str(Path("m/sub/a.ttl")) and f["line"] == 7


def test_locator_points_at_the_subject_line_across_files(tmp_path):
    write(tmp_path, "a.ttl", CLEAN)
    write(tmp_path, "b.ttl", PREFIXES + '# en kommentar med ex:viborg\n\nex:silkeborg ark:medlem ex:x .\n\n'
          'ex:viborg\n    a ark:Kommune .\n')
    code, out, _ = run(tmp_path, "--as-of", "2016-06-01", "--format", "json", "--select", "MOD-3")
    (f,) = json.loads(out)["findings"]
    assert (Path(f["file"]).name, f["line"]) == ("b.ttl", 9)


@pytest.mark.parametrize(
    "name, content, line, reason",
    [
        ("syntaks.ttl", PREFIXES + "ex:a a ark:Kommune ;\n  rdfs:label \"x\"@da\n", 7, "uventet slutning"),
        ("praefiks.ttl", PREFIXES + "\nfoo:a a ark:Kommune .\n", 6, "præfikset foo: er ikke erklæret"),
        ("relativ.ttl", PREFIXES + "\n<silkeborg> a ark:Kommune .\n", 6, "relativ IRI uden @base"),
        ("kodning.ttl", (PREFIXES + "\nex:a rdfs:label \"K\xf8ge\"@da .\n").encode("latin-1"), 6, "UTF-8"),
    ],
)
def test_unreadable_input_gives_file_line_reason_and_exit_2(tmp_path, name, content, line, reason):
    path = write(tmp_path, name, content)
    before = path.read_bytes()
    code, out, err = run(path, "--as-of", "2016-06-01", "--format", "json")
    assert code == 2
    assert out == ""
    first = err.splitlines()[0]
    assert first.startswith(f"fejl: {path}:{line}")
    assert reason in first
    assert "Traceback" not in err
    assert path.read_bytes() == before


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize(
    "statement, marker",
    [
        ("ex:a ark:kommune ex:b ~ ex:r .", "~"),  # a reifier
        ("ex:a ark:kommune ex:b {| rdfs:comment \"x\" |} .", "{"),  # an annotation
        ("<< ex:a ark:kommune ex:b >> rdfs:comment \"x\" .", "<<"),  # a reified triple as subject
        ("ex:x rdfs:seeAlso <<( ex:a ark:kommune ex:b )>> .", "<<"),  # a triple term
    ],
)
def test_rdf12_syntax_is_refused_at_its_line_by_both_engines(tmp_path, engine, statement, marker):
    """pyoxigraph reads RDF 1.2; the models are Turtle 1.1 (the reference path crashed on it)."""
    path = write(tmp_path, "rdf12.ttl", CLEAN + statement + "\n")
    before = path.read_bytes()
    code, out, err = run(path, "--engine", engine)
    assert code == 2 and out == "" and "Traceback" not in err
    column = statement.index(marker) + 1
    assert err.startswith(f"fejl: {path}:9:{column}: ARK-E02: RDF 1.2-syntaks"), err
    assert path.read_bytes() == before


def test_rdf12_characters_in_strings_iris_and_comments_are_fine(tmp_path):
    write(tmp_path, "a.ttl", CLEAN + 'ex:silkeborg rdfs:comment "~ {| << |}" ; rdfs:seeAlso <https://x.dk/~a> . # ~ {|\n')
    code, _, err = run(tmp_path, "--as-of", "2016-06-01")
    assert code == 0, err


def test_huge_parser_message_is_cut_to_one_short_line(tmp_path):
    path = write(tmp_path, "lang.ttl", PREFIXES + "ex:a ex:b \"" + "x" * 200_000 + "\n")
    code, _, err = run(path)
    assert code == 2
    assert len(err.splitlines()[0]) < 400


def test_missing_path_exit_2(tmp_path):
    code, _, err = run(tmp_path / "findes-ikke")
    assert code == 2 and "stien findes ikke" in err


def test_ill_typed_literal_is_a_mod4_finding_at_its_line(tmp_path):
    write(tmp_path, "a.ttl", CLEAN + '\nex:k a ark:Kontrakt ;\n    rdfs:label "K"@da ;\n'
          '    ark:aarligPris "abc"^^xsd:integer .\n')
    code, out, _ = run(tmp_path, "--as-of", "2016-06-01", "--format", "json")
    assert code == 1
    (f,) = json.loads(out)["findings"]
    # v1.1 (docs/fund.md): line and column of the value itself, not of the subject (line 10)
    assert (f["rule"], f["focus"], f["line"], f["column"], f["value"]) == ("MOD-4", "https://example.org/k", 12,
                                                                           20, "abc")


def test_empty_and_comment_only_files_are_skipped_with_a_note(tmp_path):
    write(tmp_path, "a.ttl", CLEAN)
    write(tmp_path, "tom.ttl", "")
    write(tmp_path, "kommentar.ttl", "# kun en kommentar\n\n# og en til\n")
    code, out, _ = run(tmp_path, "--as-of", "2016-06-01")
    assert code == 0
    assert "tom.ttl: tom fil eller kun kommentarer" in out
    assert "kommentar.ttl: tom fil eller kun kommentarer" in out


def test_bad_as_of_is_a_usage_error(tmp_path):
    write(tmp_path, "a.ttl", CLEAN)
    code, _, err = run(tmp_path, "--as-of", "1. juni 2016")
    assert code == 2 and "ÅÅÅÅ-MM-DD" in err


def test_as_of_comes_from_arkitektur_toml(tmp_path):
    write(tmp_path, "arkitektur.toml", 'as_of = "2016-06-01"\n')
    write(tmp_path, "m/a.ttl", CLEAN)
    code, out, _ = run(tmp_path / "m", "--format", "json")
    assert json.loads(out)["as_of"] == "2016-06-01"


def test_english_messages(tmp_path):
    write(tmp_path, "a.ttl", PREFIXES + "\nex:x a ark:Kommune .\n")
    _, out, _ = run(tmp_path, "--lang", "en", "--as-of", "2016-06-01")
    assert "lacks a Danish label" in out and "1 violations" in out
