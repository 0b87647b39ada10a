"""Issue 15, item 6: ``--lang`` on every command that writes text for people, click's usage errors in
Danish with the English alongside (ARK-E183), and text output wrapped to a terminal's width."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from arkitektur.cli import main, options

# Slow: runs every command through the CLI in both languages. CI runs it; the default run stays under a minute
# (docs/udvikling/konventioner.md, "Tests").
pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
MODELS = ROOT / "models"
DIV = Path(__file__).parent / "data" / "divergens"

#: Every command that writes text for people carries the one shared option.
LANG_COMMANDS = [["check"], ["diff"], ["divergence"], ["roadmap"], ["rules"], ["ontology"], ["render"],
                 ["report"], ["query"], ["fmt"], ["new", "kommune"], ["import", "archimate"]]


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


@pytest.mark.parametrize("command", LANG_COMMANDS, ids=" ".join)
def test_every_command_has_the_same_lang_option(command):
    text = run(*command, "--help").output
    assert "--lang [da|en]" in text


# --------------------------------------------------------------------------- --lang en: English only


def test_check_in_english():
    res = run("check", DIV, "--lang", "en")
    assert res.exit_code == 1
    assert "violations" in res.stdout and " warnings" in res.stdout
    assert "overtrædelse" not in res.stdout and "advarsel" not in res.stdout


def test_divergence_in_english():
    res = run("divergence", DIV, "--lang", "en")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("Harmonisation matrix") or "as of 2016-06-01" in res.stdout.splitlines()[0]
    assert "Harmoniseringsmatrix" not in res.stdout and "Medlemmer" not in res.stdout


def test_roadmap_in_english():
    res = run("roadmap", DIV, "--lang", "en")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("Roadmap as of 2016-06-01")
    assert "Calendar:" in res.stdout and "Joint procurement windows (3):" in res.stdout
    assert "  expiry  " in res.stdout and "  notice  " in res.stdout and "System or procurement — task" in res.stdout
    for danish in ("Køreplan", "Kalender", "udløb", "opsigelse", "Opmærksomhedspunkter", "Kommune"):
        assert danish not in res.stdout


def test_rule_page_in_english_only():
    res = run("rules", "HEL-1", "--lang", "en")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("# HEL-1 — Procurement without every member")
    assert "## Solution" in res.stdout and "| Severity | V (violation) |" in res.stdout
    for danish in ("Løsning", "Alvor", "Princip ", "Forkert", "Rigtigt", "Genereret", " / "):
        assert danish not in res.stdout.split("```")[0], danish
    listing = run("rules", "--lang", "en").stdout
    assert "shipped" in listing and "medfølger" not in listing


def test_query_in_english():
    listing = run("query", "--list", "--lang", "en").stdout
    assert "    Systems that process sensitive personal data, per member" in listing
    assert "følsomme" not in listing
    res = run("query", "kontrakter-udloeber", DIV, "--param", "aar=2019", "--lang", "en")
    assert res.exit_code == 0, res.output
    assert res.stdout.rstrip().endswith("rows)") and "rækker" not in res.stdout


def test_fmt_in_english(tmp_path):
    shutil.copy(DIV / "viborg.ttl", tmp_path / "viborg.ttl")
    (tmp_path / "viborg.ttl").write_text("@prefix ex: <https://example.org/> .\nex:a   ex:b ex:c .\n",
                                         encoding="utf-8")
    res = run("fmt", tmp_path, "--check", "--lang", "en")
    assert res.exit_code == 1
    assert "would change: " in res.stdout
    assert "1 file(s) would change, 0 already canonical." in res.stderr
    assert "ville blive ændret" not in res.output and "fil(er)" not in res.output


def test_new_kommune_in_english(tmp_path):
    shutil.copytree(MODELS, tmp_path / "models")
    res = run("new", "kommune", "Skive", "--kode", "779", "--fra", "2017-01-01", "--dir", tmp_path / "models",
              "--lang", "en")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("Created Skive Kommune <")
    assert "Next steps (docs/onboarding.md):" in res.stdout and "Run: arkitektur check" in res.stdout
    for danish in ("Oprettet", "Næste skridt", "Registrér", "Kør:", "senest"):
        assert danish not in res.stdout


def test_render_in_english(tmp_path):
    res = run("render", "roadmap", DIV, "-o", tmp_path / "r.svg", "--lang", "en")
    assert res.exit_code == 0, res.output
    assert " rows, " in res.stderr and " markers" in res.stderr and "rækker" not in res.stderr


def test_errors_follow_the_language(tmp_path):
    missing = tmp_path / "findes-ikke"
    english = run("check", missing, "--lang", "en")
    assert english.exit_code == 2
    assert english.stderr.startswith("error: ") and "fejl:" not in english.stderr
    danish = run("check", missing)
    assert danish.exit_code == 2 and danish.stderr.startswith("fejl: ")


def test_report_in_english():
    res = run("report", DIV, "--lang", "en")  # nothing to write: the error, in English only
    assert res.exit_code == 2
    assert res.stderr == "error: ARK-E139: give -o FOLDER (the meeting pack) and/or --pdf FILE.pdf / --slides-pdf FILE.pdf.\n"


def test_query_without_a_query_is_a_tool_error():
    res = run("query")
    assert res.exit_code == 2
    assert "ARK-E182" in res.stderr and "angiv en forespørgsel" in res.stderr


# --------------------------------------------------------------------------- click's usage errors


@pytest.mark.parametrize("args, danish, english", [
    (["chekc"], "ukendt kommando 'chekc'. Mente du 'check'?", "No such command 'chekc'"),
    (["check", "--fromat", "json"], "ukendt tilvalg '--fromat'. Mente du '--format'?", "No such option '--fromat'"),
    (["check", "--format", "pdf"], "ugyldig værdi for '--format': 'pdf' er ikke en af 'text', 'json'",
     "Invalid value for '--format': 'pdf' is not one of"),
    (["roadmap", "--vindue", "tolv"], "ugyldig værdi for '--vindue': 'tolv' er ikke et heltal.",
     "Invalid value for '--vindue'"),
    (["render"], "argumentet 'VISNING' mangler. Vælg mellem: landskab, integrationer",
     "Missing argument 'VISNING'"),
    (["new", "kommune"], "argumentet 'NAVN' mangler.", "Missing argument 'NAVN'"),
    (["check", "--lang"], "tilvalget '--lang' kræver en værdi.", "Option '--lang' requires an argument."),
    (["rules", "HEL-1", "HEL-2"], "uventet ekstra argument (HEL-2).", "Got unexpected extra argument (HEL-2)"),
    (["--bogus"], "ukendt tilvalg '--bogus'.", "No such option '--bogus'"),
], ids=["command", "option", "choice", "integer", "argument", "subgroup", "value", "extra", "group-option"])
def test_usage_errors_in_danish_with_english_alongside(args, danish, english):
    res = run(*args)
    assert res.exit_code == 2
    lines = res.stderr.splitlines()
    error = next(i for i, line in enumerate(lines) if line.startswith("fejl: "))
    assert lines[error].startswith("fejl: ARK-E183: " + danish)
    assert lines[error + 1].lstrip().startswith("(" + english)
    assert "Traceback" not in res.output


def test_usage_error_in_english_only_with_lang_en():
    res = run("roadmap", "--vindue", "tolv", "--lang", "en")
    assert res.exit_code == 2
    assert res.stderr.startswith("Usage: ") and "roadmap [OPTIONS] [PATHS]...\nHelp: " in res.stderr
    assert "error: ARK-E183: Invalid value for '--vindue'" in res.stderr
    assert "fejl" not in res.stderr and "Brug" not in res.stderr and "heltal" not in res.stderr


def test_usage_line_is_danish_and_points_at_help():
    res = run("check", "--fromat", "json")
    assert res.stderr.startswith("Brug: ")
    assert "check [OPTIONS] [PATHS]...\nHjælp / help: " in res.stderr and "check --help\n" in res.stderr


# --------------------------------------------------------------------------- wrapping to the terminal


NARROW = {"COLUMNS": "60"}


def as_terminal(monkeypatch, tty: bool = True) -> None:
    """stdout is (or is not) a terminal; CliRunner's stdout never is."""
    monkeypatch.setattr(options, "_stdout_is_tty", lambda: tty)


@pytest.mark.parametrize("args", [
    ["check", DIV], ["divergence", DIV], ["roadmap", DIV], ["rules"], ["rules", "HEL-1"],
    ["query", "kontrakter-udloeber", DIV, "--param", "aar=2019"],
], ids=["check", "divergence", "roadmap", "rules", "rule-page", "query"])
def test_text_is_wrapped_to_the_terminal(monkeypatch, args):
    as_terminal(monkeypatch)
    res = run(*args, env=NARROW)
    assert res.exit_code in (0, 1), res.output
    lines = res.stdout.splitlines()
    if args[:2] == ["rules", "HEL-1"]:  # the Turtle examples and the Markdown table stay whole
        lines = [line for line in res.stdout.split("```turtle")[0].splitlines() if not line.startswith("|")]
    too_long = [line for line in lines if len(line) > 60 and " " in line.strip()]
    assert too_long == []
    as_terminal(monkeypatch, False)
    wide = run(*args, env=NARROW)  # not a terminal: one line per row, as before
    assert max(map(len, wide.stdout.splitlines())) > 60


def test_wide_table_wraps_cells_then_falls_back_to_records(monkeypatch):
    as_terminal(monkeypatch)
    text = run("divergence", DIV, env={"COLUMNS": "90"}).stdout
    # 90 columns: still a table; the narrow columns (dates, status) stay whole, the plans wrap.
    assert "  Kommune    Status" in text and "2019-06-30  2019-06-30" in text
    assert all(len(line) <= 90 for line in text.splitlines())
    # 60 columns: too narrow for the columns without breaking words: one "Header: value" a line.
    text = run("divergence", DIV, env=NARROW).stdout
    assert "  Favrskov\n    Status: planlagt\n    Systemer: Acadre (i drift), SBSYS (i drift)\n" in text


def test_terminal_width_rules(monkeypatch):
    monkeypatch.setattr(options, "_stdout_is_tty", lambda: False)
    monkeypatch.setenv("COLUMNS", "60")
    assert options.terminal_width() is None  # a pipe: unwrapped, though COLUMNS is exported
    monkeypatch.setattr(options, "_stdout_is_tty", lambda: True)
    assert options.terminal_width() == 60
    assert options.terminal_width(Path("ud.txt")) is None  # -o: a file is never wrapped
    monkeypatch.setenv("COLUMNS", "10")
    assert options.terminal_width() == options.MIN_WIDTH


# --------------------------------------------------------------------------- the roadmap's text


def test_roadmap_is_calendar_and_windows_not_divergence_tables():
    text = run("roadmap", DIV).stdout
    assert "Kalender:" in text and "Fælles udbudsvinduer (3):" in text and "Opmærksomhedspunkter (7):" in text
    assert "Systemer i drift" not in text and "Status" not in text
    calendar = text.split("Kalender:")[1].split("Fælles udbudsvinduer")[0].splitlines()[2:]
    dates = [line.split()[0] for line in calendar if line.strip()]
    assert dates == sorted(dates)
    assert "  2016-06-01  ◀ køreplan pr." in calendar  # where as-of falls among the events
    # Two members with the same event the same day share one row, in the repository's member order.
    assert "  2016-03-31  opsigelse       Favrskov, Silkeborg  KMD Løn — 00.03.00 Løn" in calendar


def test_roadmap_single_day_window_says_so():
    text = run("roadmap", MODELS).stdout
    assert "2018-12-31 (én dag)" in text
    assert "2018-12-31 – 2018-12-31" not in text
    assert "2018-12-31 (single day)" in run("roadmap", MODELS, "--lang", "en").stdout


def test_roadmap_names_members_in_the_repository_order():
    text = run("roadmap", MODELS).stdout
    # Viborg's contract for GIS ends first (2018-04-30), yet Silkeborg is named first, as everywhere.
    gis = next(line for line in text.splitlines() if line.startswith("  2018-04-30 – 2018-12-31  01.00.00"))
    assert [c.strip() for c in gis.split("  ")[-2:]] == ["Silkeborg, Viborg", "Fælles udbud af GIS-platform"]
    names = [line for line in text.splitlines() if "Viborg" in line and "Silkeborg" in line]
    assert len(names) > 20 and all(line.index("Silkeborg") < line.index("Viborg") for line in names)
    # Under a Kommune heading the member is "Silkeborg", not "Silkeborg Kommune".
    assert "Silkeborg Kommune" not in text.split("Opmærksomhedspunkter")[0]


def test_text_table_keeps_short_columns_whole_and_wraps_the_long_ones():
    from arkitektur import tables

    rows = [["Silkeborg", "2018-06-30", "Fælles ESDH-platform: Viborg overgår til SBSYS i løbet af 2018"]]
    text = tables.text_table(["Kommune", "Udløb", "Plan"], rows, width=50)
    assert text.splitlines() == [
        "Kommune    Udløb       Plan",
        "Silkeborg  2018-06-30  Fælles ESDH-platform:",  # 50 - 9 - 10 - 2 × 2 = 27 for the plan
        "                       Viborg overgår til SBSYS i",
        "                       løbet af 2018",
    ]
    assert tables.text_table(["Kommune", "Udløb", "Plan"], rows) == (
        "Kommune    Udløb       Plan\n"
        "Silkeborg  2018-06-30  Fælles ESDH-platform: Viborg overgår til SBSYS i løbet af 2018")
