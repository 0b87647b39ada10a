"""Fjendtligt input, der ikke kan læses / input that cannot be read gives a clear error, never a crash (issue 13).

Each case runs the real console command in a child process (tests/hostile.py) and asserts the exit
code, that stderr holds no traceback, and that no file changed.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from hostile import MODELS, ROOT, Run, _ARKITEKTUR, assert_no_traceback, assert_refused, copy_models, invoke, is_root, run, snapshot

# -- running without the right to read what chmod forbids ---------------------------------------

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


def _drop_file_capabilities() -> None:  # runs in the child, between fork and exec
    """Root ignores chmod through two capabilities; drop them from the bounding set, so that the
    program exec'd next runs as root without them (the interpreter under /root stays reachable,
    which it would not be for an unprivileged uid)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _can_drop() -> bool:
    try:
        subprocess.run(["true"], preexec_fn=_drop_file_capabilities, check=True)
    except (OSError, subprocess.SubprocessError):
        return False
    return True


def run_unprivileged(*args, cwd: Path | None = None) -> Run:
    """``arkitektur ARGS`` by a user whom chmod binds (as root: without the DAC capabilities)."""
    if is_root() and not _can_drop():
        pytest.skip("kører som root uden CAP_SETPCAP: chmod 000 kan ikke håndhæves / root without CAP_SETPCAP")
    proc = subprocess.run([str(_ARKITEKTUR), *map(str, args)], cwd=cwd,
                          env={**os.environ, "COLUMNS": "100"}, capture_output=True, text=True,
                          errors="replace", timeout=120,
                          preexec_fn=_drop_file_capabilities if is_root() else None)
    return Run(proc.returncode, proc.stdout, proc.stderr)


QUERY = "foelsomme-data"


@pytest.fixture
def models(tmp_path) -> Path:
    return copy_models(tmp_path)


# -- 1. unreadable files and folders, dangling links, temporary files ----------------------------

@pytest.mark.parametrize("name, code, mode", [("viborg", "ARK-E04", 0o755), ("arkitektur.toml", "ARK-E11", 0o644)])
def test_an_unreadable_folder_or_config_is_refused_not_skipped(models, name, code, mode):
    target = models / name
    target.chmod(0o000)
    try:
        before = snapshot(models)
        r = run_unprivileged("check", models)
        assert_refused(r, code, str(target))
        assert snapshot(models) == before
    finally:
        target.chmod(mode)


@pytest.mark.slow
def test_unreadable_file_is_refused(models):
    target = models / "viborg" / "kontrakter.ttl"
    assert target.exists()
    target.chmod(0o000)
    try:
        before = snapshot(models)
        for args in (("check", models), ("fmt", "--check", models), ("query", QUERY, models)):
            r = run_unprivileged(*args)
            assert_refused(r, "ARK-E01", str(target))
        assert snapshot(models) == before
    finally:
        target.chmod(0o644)


@pytest.mark.slow
def test_dangling_symlink_is_refused(models):
    link = models / "samarbejde" / "forsvundet.ttl"
    link.symlink_to("findes-ikke.ttl")
    before = snapshot(models)
    r = run("check", models)
    assert_refused(r, "ARK-E05", str(link), "findes-ikke.ttl")
    r = run("check", link)
    assert_refused(r, "ARK-E05", str(link))
    assert snapshot(models) == before


@pytest.mark.slow
def test_hidden_and_temporary_files_are_not_models(models):
    clean = run("check", models)
    assert clean.code == 1, str(clean)  # the example models hold violations on purpose
    folder = models / "viborg"
    (folder / ".systemer.ttl.k3j4h5.tmp").write_text("ikke turtle", encoding="utf-8")
    (folder / ".skjult.ttl").write_text("ikke turtle", encoding="utf-8")
    (folder / ".#systemer.ttl").symlink_to("root@host.1234:1700000000")  # an Emacs lock file
    (models / ".git").mkdir()
    (models / ".git" / "x.ttl").write_text("ikke turtle", encoding="utf-8")
    before = snapshot(models)
    r = run("check", models)
    assert r.code == 1, str(r)
    assert_no_traceback(r)
    assert r.out.splitlines()[-1] == clean.out.splitlines()[-1]  # same 19 files, same findings
    assert snapshot(models) == before


def test_folder_link_loop_ends(models):
    (models / "viborg" / "sløjfe").symlink_to("..", target_is_directory=True)
    before = snapshot(models)
    r = run("check", models, timeout=60)
    assert r.code == 1, str(r)
    assert_no_traceback(r)
    assert "19 filer" in r.out
    assert snapshot(models) == before


# -- 2. a token larger than the parser's 16 MiB buffer -------------------------------------------

@pytest.fixture(scope="module")
def huge_literal(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("stor") / "models"
    folder.mkdir()
    big = "x" * (17 * 1024 * 1024)
    (folder / "stor.ttl").write_text(
        f'@prefix ex: <http://example.org/> .\nex:a ex:p "ok" .\n\nex:b ex:p "{big}" .\n', encoding="utf-8")
    return folder


@pytest.mark.parametrize("args", [("check",), *(pytest.param(a, marks=pytest.mark.slow) for a in
                                                 [("fmt", "--check"), ("fmt",), ("query", QUERY), ("ontology",)])])
def test_token_over_16_mib_is_refused_at_its_line(huge_literal, args):
    before = snapshot(huge_literal)
    r = run(*args, huge_literal)
    assert_refused(r, "ARK-E06", f"{huge_literal / 'stor.ttl'}:4:11:")
    assert snapshot(huge_literal) == before


def test_too_large_finds_the_oversized_token_fast():
    from arkitektur.loader import too_large

    big = 17 * 1024 * 1024
    cases = {
        "iri": (f"<http://x/{'a' * big}> <http://x/p> 1 .", (1, 1)),
        "long string": ('<http://x/a> <http://x/p> """' + "a\n" * (big // 2) + '""" .', (1, 27)),
        "name": (f"@prefix ex: <http://x/> .\nex:{'a' * big} ex:p 1 .", (2, 1)),
        "comment": (f"@prefix ex: <http://x/> .\n#{'c' * big}\nex:b ex:p 2 .", (2, 1)),
        "escaped quote": ('<http://x/a> <http://x/p> "\\"' + "b" * big + '" .', (1, 27)),
    }
    for name, (text, (line, column)) in cases.items():
        err = too_large(text, "f.ttl")
        assert (err.code, err.line, err.column) == ("ARK-E06", line, column), name


def test_hermit_gets_a_digest_of_a_long_string():
    """HermiT's time grows with the square of a literal's length; the content never matters."""
    from rdflib import Graph, Literal, URIRef

    from arkitektur.reasoning import _prepare
    from arkitektur.reasoning.explain import Schema

    ex = "http://example.org/"
    g = Graph()
    long_a, long_b = "a" * 100_000, "a" * 99_999 + "b"
    g.add((URIRef(ex + "x"), URIRef(ex + "p"), Literal(long_a)))
    g.add((URIRef(ex + "y"), URIRef(ex + "p"), Literal(long_a)))
    g.add((URIRef(ex + "z"), URIRef(ex + "p"), Literal(long_b, lang="da")))
    g.add((URIRef(ex + "z"), URIRef(ex + "q"), Literal("kort")))
    work, ill = _prepare(g, Schema(g))
    assert not ill
    values = {str(s)[len(ex):]: o for s, p, o in work if str(p) == ex + "p"}
    assert max(len(o) for o in work.objects()) < 200
    assert values["x"] == values["y"] != values["z"]
    assert values["z"].language == "da"
    assert Literal("kort") in set(work.objects())


# -- 3. a \u escape that makes an IRI invalid ----------------------------------------------------

@pytest.mark.parametrize("statement, column", [
    ('<http://x/a\\u0020b> ex:p "x" .', 1),
    ('ex:a ex:q 1 . <http://x/a\\u003eb> ex:p 1 .', 15),
    ('ex:b ex:p <http://x/a\\u0020b> .', 11),
])
@pytest.mark.parametrize("args", [("check",), ("query", QUERY), ("fmt", "--check"), ("ontology",)])
def test_uchar_giving_an_invalid_iri_is_a_syntax_error(tmp_path, statement, column, args):
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "a.ttl").write_text(f'@prefix ex: <http://x/> .\nex:a ex:p "ok" .\n\n{statement}\n', encoding="utf-8")
    before = snapshot(folder)
    r = invoke(*args, folder)
    assert_refused(r, "ARK-E02", f"{folder / 'a.ttl'}:4:{column}:", "IRI")
    assert snapshot(folder) == before


# -- 4. dates: only YYYY-MM-DD, and the ends of the calendar -------------------------------------

@pytest.mark.parametrize("value", ["2016-W22-3", "20160601", "2016-06-01T10:00:00", "2016-6-1", "２０１６-06-01"])
@pytest.mark.parametrize("command", [("check",), ("render", "roadmap"), ("roadmap",), ("query", QUERY)])
def test_as_of_option_takes_only_a_calendar_date(models, value, command):
    before = snapshot(models)
    r = invoke(*command, "--as-of", value, models)
    assert_refused(r, "ARK-E10", value)
    assert snapshot(models) == before


@pytest.mark.parametrize("toml_value", ["2016-06-01T10:00:00", "2016-06-01T10:00:00Z", "20160601",
                                        '"20160601"', '"2016-W22-3"', "10:00:00", "[2016]"])
def test_as_of_in_config_takes_only_a_calendar_date(models, toml_value):
    config = models / "arkitektur.toml"
    config.write_text(f"as_of = {toml_value}\n", encoding="utf-8")
    before = snapshot(models)
    r = invoke("check", models)
    assert_refused(r, "ARK-E10", "as_of")
    assert snapshot(models) == before


def test_as_of_as_a_toml_date_still_works(models):
    (models / "arkitektur.toml").write_text("as_of = 2016-06-01\n", encoding="utf-8")
    r = run("check", models)
    assert r.code == 1, str(r)
    assert_no_traceback(r)
    assert "pr. 2016-06-01" in r.out


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
@pytest.mark.slow
def test_dates_at_the_ends_of_the_calendar(models, tmp_path, day):
    """--as-of and model dates at year 1 or 9999 ("forever") draw and report; nothing overflows."""
    n = 0
    for path in sorted(models.rglob("*.ttl")):
        text = path.read_text(encoding="utf-8")
        text, k = re.subn(r'"\d{4}-\d\d-\d\d"\^\^xsd:date', f'"{day}"^^xsd:date', text)
        n += k
        path.write_text(text, encoding="utf-8")
    assert n > 50
    before = snapshot(models)
    for args in (("render", "roadmap", "--as-of", day), ("render", "roadmap"), ("roadmap", "--as-of", day),
                 ("report", "--as-of", day, "-o", tmp_path / f"pakke{day}")):
        r = run(*args, models)
        assert r.code == 0, f"{args}\n{r}"
        assert_no_traceback(r)
    assert (tmp_path / f"pakke{day}" / "index.html").is_file()
    assert snapshot(models) == before


# -- 5. diff --base where a revision holds a file name that is not UTF-8 -------------------------

def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo,
                   check=True, capture_output=True)


@pytest.mark.slow
def test_diff_with_a_file_name_that_is_not_utf8(models):
    repo = models.parent
    old, odd = bytes(models / "viborg" / "kontrakter.ttl"), bytes(models / "viborg" / "kontrakt\udce6r.ttl")
    os.rename(old, odd)  # the bytes 'kontrakt\xe6r.ttl' (Latin-1 æ), as a Windows zip might leave it
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    text = Path(os.fsdecode(odd)).read_text(encoding="utf-8")
    Path(os.fsdecode(odd)).write_text(text.replace("ark:leverandoer ", "ark:leverandoerX ", 1), encoding="utf-8")
    before = snapshot(repo)
    outputs = {}
    for fmt in ("text", "json", "markdown"):
        # strict: what a UTF-8 locale other than C.UTF-8 gives sys.stdout
        r = run("diff", "--base", "HEAD", "--format", fmt, models, cwd=repo, env={"PYTHONIOENCODING": "utf-8:strict"})
        assert r.code == 0, str(r)
        assert_no_traceback(r)
        outputs[fmt] = r.out
    assert "kontrakt\\xe6r.ttl" in outputs["text"]
    assert "ark:leverandoerX" in outputs["text"]
    files = [f["file"] for f in json.loads(outputs["json"])["findings"]["appeared"]]
    assert any(f.endswith("kontrakt\\xe6r.ttl") for f in files), files
    assert snapshot(repo) == before


# -- 6. ArchiMate and xlsx import: a bad language tag, a lying zip, an injected --base -----------

@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """An ArchiMate exchange file (model only: these tests tamper with the model, the views would
    only cost a Graphviz layout of every view) and an xlsx exported from the example models."""
    folder = tmp_path_factory.mktemp("eksport")
    for kind, name, extra in (("archimate", "m.xml", ("--ingen-diagrammer",)), ("xlsx", "m.xlsx", ())):
        r = run("export", kind, "-o", folder / name, MODELS, *extra)
        assert r.code == 0, str(r)
    return folder


@pytest.mark.slow
def test_archimate_invalid_language_tag_is_reported_not_a_crash(exported, tmp_path):
    text = (exported / "m.xml").read_text(encoding="utf-8")
    at = text.index('xml:lang="da"', text.index("<elements>"))
    (tmp_path / "bad.xml").write_text(text[:at] + 'xml:lang="d@a"' + text[at + 13:], encoding="utf-8")
    r = run("import", "archimate", tmp_path / "bad.xml", "-o", tmp_path / "ud.ttl")
    assert r.code == 0, str(r)
    assert_no_traceback(r)
    assert "xml:lang='d@a'" in r.out + r.err
    after = snapshot(tmp_path)
    r = run("check", tmp_path / "ud.ttl")
    assert r.code in (0, 1), str(r)
    assert_no_traceback(r)
    assert snapshot(tmp_path) == after


def _lie_about_size(data: bytes, member: bytes, factor: float) -> bytes:
    """The zip with ``member``'s uncompressed size in both headers multiplied by ``factor``."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos != -1:
        (n,) = struct.unpack("<H", out[pos + 28:pos + 30])
        if bytes(out[pos + 46:pos + 46 + n]) == member:
            (size,) = struct.unpack("<I", out[pos + 24:pos + 28])
            (local,) = struct.unpack("<I", out[pos + 42:pos + 46])
            new = struct.pack("<I", int(size * factor))
            out[pos + 24:pos + 28] = new
            out[local + 22:local + 26] = new
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


def test_xlsx_whose_directory_lies_is_refused(exported, tmp_path):
    bad = tmp_path / "lyver.xlsx"
    bad.write_bytes(_lie_about_size((exported / "m.xlsx").read_bytes(), b"xl/worksheets/sheet1.xml", 0.5))
    before = snapshot(tmp_path)
    r = run("import", "xlsx", bad, "-o", tmp_path / "ud.ttl")
    assert_refused(r, "ARK-E73", str(bad), "sheet1.xml")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("base", ["http://x/> <http://evil/", "relativ/sti/", "http://x/a b/", ""])
def test_import_base_must_be_an_absolute_iri(exported, tmp_path, base):
    (tmp_path / "tom.csv").write_text("Navn\n", encoding="utf-8")
    (tmp_path / "kitos").mkdir()
    before = snapshot(tmp_path)
    for args in (("archimate", exported / "m.xml"), ("xlsx", exported / "m.xlsx"), ("csv", tmp_path / "tom.csv"),
                 ("kitos", "--fra-fil", tmp_path / "kitos", "--org", "00000000-0000-0000-0000-000000000000")):
        r = invoke("import", *args, "--base", base, "-o", tmp_path / "ud.ttl")
        assert_refused(r, "ARK-E87", "--base")
    assert snapshot(tmp_path) == before


# -- 7. export of a price no number cell can hold ------------------------------------------------

@pytest.mark.slow
def test_export_of_inf_nan_and_huge_prices(models, tmp_path):
    path = models / "silkeborg" / "kontrakter.ttl"
    text = path.read_text(encoding="utf-8")
    for old, new in (('"520000"', '"INF"'), ('"300000"', '"NaN"'), ('"140000"', '"1e999999"')):
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    before = snapshot(models)
    for kind, target in (("csv", tmp_path / "csv"), ("xlsx", tmp_path / "k.xlsx")):
        r = run("export", kind, "-o", target, models)
        assert r.code == 0, str(r)
        assert_no_traceback(r)
        assert "aarligPris" in r.out + r.err and "INF" in r.out + r.err  # said in the loss report
    rows = (tmp_path / "csv" / "kontrakter.csv").read_text(encoding="utf-8-sig")
    for value in (";INF;", ";NaN;", ";1e999999;", ";450000;"):
        assert value in rows, value
    assert snapshot(models) == before


# -- 8. KITOS: entries without a uuid, roles that are not a list, hand-written comments ---------

KITOS_V1 = ROOT / "tests" / "data" / "interchange" / "kitos" / "v1"
KITOS_ORG = "0f000000-0000-4000-8000-000000000740"


def _kitos(folder: Path, out: Path) -> Run:
    return run("import", "kitos", "--fra-fil", folder, "--org", KITOS_ORG, "--as-of", "2019-06-01", "-o", out)


def test_kitos_entries_dropped_or_roles_lost_are_reported(tmp_path):
    data = tmp_path / "kitos"
    shutil.copytree(KITOS_V1, data)
    path = data / "it-system-usages.json"
    usages = json.loads(path.read_text(encoding="utf-8"))
    orphan = json.loads(json.dumps(usages[0]))
    orphan["uuid"] = None
    usages[1]["roles"] = "x"
    usages.append(orphan)
    path.write_text(json.dumps(usages), encoding="utf-8")
    before = snapshot(data)
    r = _kitos(data, tmp_path / "ud" / "kitos.ttl")
    assert r.code == 0, str(r)
    assert_no_traceback(r)
    assert "it-system-usages uden gyldig uuid" in r.out and "roles" in r.out, r.out
    assert "roles er ikke en liste" in r.out and '"x"' in r.out, r.out
    assert snapshot(data) == before


@pytest.mark.slow
def test_kitos_reimport_keeps_hand_written_comments(tmp_path):
    out = tmp_path / "ud" / "kitos.ttl"
    r = _kitos(KITOS_V1, out)
    assert r.code == 0, str(r)
    text = out.read_text(encoding="utf-8")
    cut = text.index("\n\n", text.index("@prefix")) + 2
    out.write_text(text[:cut] + "# Aftalt med Jens 2019: SBSYS udfases.\n" + text[cut:]
                   + "#bemærk: kontrakten genforhandles\n", encoding="utf-8")
    for _ in range(2):  # and again: kept once, not duplicated
        r = _kitos(KITOS_V1, out)
        assert r.code == 0, str(r)
        assert_no_traceback(r)
        assert "2 håndskrevne kommentarer" in r.out, r.out
        text = out.read_text(encoding="utf-8")
        assert text.count("# Aftalt med Jens 2019: SBSYS udfases.\n") == 1, text[:2000]
        assert text.count("# bemærk: kontrakten genforhandles\n") == 1, text[:2000]
    assert run("check", out).code in (0, 1)


@pytest.mark.parametrize("command", [["check"], ["divergence"], ["roadmap"], ["render", "maal"]])
def test_an_empty_as_of_is_an_error_not_the_default(command, tmp_path):
    """`--as-of ''` (an unset shell variable) was quietly read as "no date given"."""
    models = copy_models(tmp_path)
    before = snapshot(models)
    r = invoke(*command, models, "--as-of", "")
    assert_refused(r, "ARK-E10", "--as-of")
    assert snapshot(models) == before
