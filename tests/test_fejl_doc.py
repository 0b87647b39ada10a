"""Every error ID the code raises is a heading in docs/fejl.md (STYLE.md convention 8)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_error_id_has_a_heading():
    used = set()
    for path in (ROOT / "src" / "arkitektur").rglob("*.py"):
        used |= set(re.findall(r'"(ARK-E\d+)"', path.read_text(encoding="utf-8")))
    headings = set(re.findall(r"^### (ARK-E\d+)$", (ROOT / "docs" / "fejl.md").read_text(encoding="utf-8"), re.M))
    assert sorted(used - headings) == []
    assert sorted(headings - used) == []
