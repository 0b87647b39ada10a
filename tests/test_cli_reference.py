"""docs/cli.md is generated from ``--help`` and must not drift (STYLE.md convention 10).

Regenerate after changing a command: ``ARKITEKTUR_GOLDEN=1 pytest tests/test_cli_reference.py``.
"""

import os
from pathlib import Path

import click
from click.testing import CliRunner

from arkitektur.cli import main

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def _commands(group: click.Group, prefix: list[str]):
    for name in sorted(group.commands):
        cmd = group.commands[name]
        yield prefix + [name]
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + [name])


def reference() -> str:
    runner = CliRunner()
    parts = ["# Kommandolinjen / command line reference", "",
             "Genereret fra `--help` af `tests/test_cli_reference.py` — ret i koden, ikke her.", ""]
    for words in [[]] + list(_commands(main, [])):
        result = runner.invoke(main, [*words, "--help"], terminal_width=100)
        assert result.exit_code == 0, result.output
        title = " ".join(["arkitektur", *words])
        parts += [f"## `{title}`", "", "```text", result.output.rstrip().replace("Usage: main", "Usage: arkitektur"), "```", ""]
    return "\n".join(parts)


def test_cli_reference_is_current():
    text = reference()
    if os.environ.get("ARKITEKTUR_GOLDEN"):
        DOC.write_text(text, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == text, "kør: ARKITEKTUR_GOLDEN=1 pytest tests/test_cli_reference.py"


def test_every_command_is_in_the_readme():
    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"arkitektur {name}" in readme, f"README nævner ikke 'arkitektur {name}'"
