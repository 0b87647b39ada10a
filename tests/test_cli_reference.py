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
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
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


def test_every_command_module_is_listed_and_registers_its_command():
    from pkgutil import iter_modules

    import arkitektur.cli as package
    from arkitektur.cli.app import COMMAND_MODULES

    # app, and the two helpers every command shares (--lang and the width; click's usage errors).
    modules = {m.name for m in iter_modules(package.__path__)} - {"app", "options", "usage"}
    assert set(COMMAND_MODULES.values()) == modules
    ctx = click.Context(main)
    for name in COMMAND_MODULES:
        assert main.get_command(ctx, name).name == name


def test_check_does_not_import_the_other_commands():
    import subprocess
    import sys

    code = ("import sys; from arkitektur.cli import main; "
            "main(['check', '--help'], standalone_mode=False); "
            "print(sorted(m for m in sys.modules if m.startswith('arkitektur.cli.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == ("['arkitektur.cli.app', 'arkitektur.cli.check', "
                                            "'arkitektur.cli.options', 'arkitektur.cli.usage']")


def test_every_command_is_in_the_readme():
    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    for name in main.list_commands(click.Context(main)):
        assert f"arkitektur {name}" in readme, f"README nævner ikke 'arkitektur {name}'"
