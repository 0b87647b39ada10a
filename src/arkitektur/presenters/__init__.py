"""Præsentation / how divergence, roadmap, diff and query write their results, one module per command.

Each module has ``FORMATS`` (``--format`` name → function) and ``render(result, fmt, lang)``, as
``formats/`` does for ``check``: the command modules compute, these only write.
"""

import json


def as_json(result, lang: str = "da", width: int | None = None) -> str:
    """A result's ``to_json()`` as the JSON outputs write it: UTF-8 text, two-space indent, a final newline."""
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
