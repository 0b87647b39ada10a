"""One option name for one thing: ``--lang`` everywhere; import's old ``--sprog`` still works, hidden."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from arkitektur.cli import main

ARCHIMATE = Path(__file__).parent / "data" / "interchange" / "archimate" / "archisurance.xml"


def _import(source: Path, *options: str) -> str:
    result = CliRunner().invoke(main, ["import", "archimate", str(source), *options])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_import_takes_lang_and_the_old_sprog_alike(tmp_path):
    source = tmp_path / "m.xml"  # the elements' names without xml:lang: the option says which language
    source.write_text(ARCHIMATE.read_text(encoding="utf-8").replace('<name xml:lang="en">', "<name>"), encoding="utf-8")
    danish = _import(source, "--lang", "da")
    assert '"@da' in danish and danish != _import(source, "--lang", "en")
    assert _import(source, "--sprog", "da") == danish


def test_sprog_is_hidden_and_lang_is_shown():
    help_text = CliRunner().invoke(main, ["import", "archimate", "--help"]).output
    assert "--lang" in help_text and "--sprog" not in help_text
