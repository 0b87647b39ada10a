"""Præsentation / how divergence, roadmap, diff and query write their results, one module per command.

Each module has ``FORMATS`` (``--format`` name → function) and ``render(result, fmt, lang)``, as
``formats/`` does for ``check``: the command modules compute, these only write.
"""
