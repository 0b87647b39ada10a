"""GitHub-annoteringer / workflow commands (``::error file=…,line=…::``) that annotate the pull request.

Escaping follows GitHub's workflow-command rules: in data % CR LF are percent-encoded, in property
values also ':' and ','.
"""

from __future__ import annotations

_COMMAND = {"violation": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(result, *, lang: str = "da", catalogue=None) -> str:
    lines = []
    for f in result.findings:
        props = []
        if f.file:
            props.append(f"file={_prop(f.file)}")
        if f.line:
            props.append(f"line={f.line}")
            if f.column:
                props.append(f"col={f.column}")
        props.append(f"title={_prop(f.rule + ' ' + (f.label or f.focus))}")
        lines.append(f"::{_COMMAND[f.severity.label]} {','.join(props)}::{_data(f.message)}")
    s = result.summary
    lines.append(f"arkitektur: {s['violation']} violation, {s['warning']} warning, {s['info']} info ({result.as_of})")
    return "\n".join(lines) + "\n"
