"""The README's commands and the run it shows stay true (the docs' commands are executed as tests)."""

import re
from pathlib import Path

from click.testing import CliRunner

from arkitektur.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_first_lines_are_the_two_newcomer_commands():
    block = re.search(r"```bash\n(.*?)```", README, re.S).group(1).splitlines()
    assert block == ["bash scripts/opsaet.sh && .venv/bin/arkitektur check models/",
                     "bash scripts/opsaet.sh --test && .venv/bin/python -m pytest"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert block[1] in ci, ".ci/run must run the README's test command"


def test_the_shown_run_is_what_check_prints(monkeypatch):
    shown = re.search(r"## Sådan ser en kørsel ud.*?```text\n(.*?)```", README, re.S).group(1)
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["check", "models/"])
    assert result.exit_code == 1
    assert result.stdout == shown, "opdatér README-afsnittet med output fra 'arkitektur check models/'"
