"""Den semantiske diff som tekst / the diff as text, JSON or Markdown (a PR comment with ``<details>``).

``FORMATS`` is the registry ``arkitektur diff --format`` offers; the data is ``semdiff.SemanticDiff``.
"""

from __future__ import annotations

import json

from rdflib import Literal

from .. import formatting, tables
from ..findings import Finding
from ..namespaces import XSD, curie
from ..semdiff import PropertyChange, SemanticDiff
from ..words import DIFF, status, words

MARKER = "<!-- arkitektur-diff -->"  # lets a CI job find and update its own PR comment


def compact(iri: str | None, labels: dict | None = None) -> str:
    """An IRI as a reader wants it: ``ark:IDrift``, else its label, else ``<iri>``."""
    if iri is None:
        return ""
    return curie(iri) or (labels or {}).get(iri) or f"<{iri}>"


def _value(v: str, labels: dict) -> str:
    """An N-Triples value for reading: compact IRIs, bare dates and numbers, quoted strings."""
    if v.startswith("<") and v.endswith(">"):
        return compact(v[1:-1], labels)
    if v.startswith('"'):
        try:
            from rdflib.util import from_n3
            lit = from_n3(v)
        except Exception:  # noqa: BLE001 – a value we cannot parse is shown as it is
            return v
        if isinstance(lit, Literal):
            if lit.language:
                return f'"{lit}"@{lit.language}'
            if lit.datatype is None or lit.datatype == XSD.string:
                return f'"{lit}"'
            return str(lit)
    return v


def _summary(d: SemanticDiff, w: dict, lang: str) -> dict:
    e = d.elements
    n_anon = len(e.anonymous_added) + len(e.anonymous_removed)
    return {
        "elements": (f"{len(e.added)} {w['added']}, {len(e.removed)} {w['removed']}, "
                     f"{len(e.changed) + n_anon} {w['changed']}"),
        "findings": (f"{len(d.appeared)} {w['appeared']}, {len(d.fixed)} {w['fixed']}" if d.checked
                     else w["unchecked"]),
        "convergence": (f"{w['samlet'].lower()} {formatting.percent(d.convergence.before.get('samlet'), lang)} → "
                        f"{formatting.percent(d.convergence.after.get('samlet'), lang)}"),
    }


def _change_text(c: PropertyChange, labels: dict) -> tuple[str, str]:
    both = set(c.foer) & set(c.efter)
    before = [v for v in c.foer if v not in both]
    after = [v for v in c.efter if v not in both]
    return (", ".join(_value(v, labels) for v in before) or "–", ", ".join(_value(v, labels) for v in after) or "–")


def _finding_line(f: Finding, w: dict) -> list:
    where = f"{f.file}:{f.line}" if f.file and f.line else (f.file or "")
    return [f.rule, w[f.severity.label], f.label or compact(f.focus), f.message, where]


def _conv_rows(d: SemanticDiff, w: dict, lang: str) -> list[list]:
    c = d.convergence
    kommuner = sorted((set(c.before) | set(c.after)) - {"samlet"}, key=lambda k: (c.labels.get(k, k), k))

    def pct(side: dict, k: str) -> str:
        return formatting.percent(side.get(k), lang) if k in side else w["absent"]

    rows = [[c.labels.get(k, compact(k)), pct(c.before, k), pct(c.after, k)] for k in kommuner]
    rows.append([w["samlet"], formatting.percent(c.before.get("samlet"), lang),
                 formatting.percent(c.after.get("samlet"), lang)])
    return rows


def _status(s: str | None, w: dict, lang: str) -> str:
    return w["absent"] if s is None else status(s, lang)


def _json(d: SemanticDiff, lang: str, max_chars: int) -> str:
    return json.dumps(_printable_json(d.to_json()), ensure_ascii=False, indent=2) + "\n"


def _printable(text: str) -> str:
    """A file name that is not UTF-8 (kept as surrogate escapes) spelled ``\\xe6``, as UTF-8 output allows."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _printable_json(value):
    if isinstance(value, str):
        return _printable(value)
    if isinstance(value, dict):
        return {_printable_json(k): _printable_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_printable_json(v) for v in value]
    return value


def _text(d: SemanticDiff, lang: str, max_chars: int) -> str:
    w = words(DIFF, lang)
    s = _summary(d, w, lang)
    base = f"{d.base} ({d.base_commit[:7]})"
    head = (d.head if d.head is not None else w["worktree"]) + (f" ({d.head_commit[:7]})" if d.head_commit else "")
    lines = [f"{w['title'].format(base=base, head=head)}, {w['asof'].format(d=d.as_of.isoformat())}", ""]
    e = d.elements
    lines.append(f"{w['elements']}: {s['elements']}")
    for sign, items in (("+", e.added), ("-", e.removed), ("~", e.changed)):
        for el in items:
            lines.append(f"  {sign} {compact(el.klasse) or '?'}  {el.label}  <{el.iri}>")
            for c in el.changes:
                before, after = _change_text(c, d.labels)
                lines.append(f"      {compact(c.egenskab)}: {before} → {after}")
    for sign, items in (("+", e.anonymous_added), ("-", e.anonymous_removed)):
        for a in items:
            lines.append(f"  {sign} {w['anon']}: {a}")
    lines += ["", f"{w['findings']}: {s['findings']}"]
    for sign, items in (("+", d.appeared), ("-", d.fixed)):
        for f in items:
            rule, sev, name, msg, where = _finding_line(f, w)
            lines.append(f"  {sign} {rule} {sev}: {name}: {msg}" + (f" ({where})" if where else ""))
    lines += ["", f"{w['convergence']}: {s['convergence']}"]
    lines.append(tables.text_table([w["kommune"], w["before"], w["after"]], _conv_rows(d, w, lang), indent="  "))
    if d.convergence.cells:
        lines.append(f"  {w['cells']}:")
        lines.append(tables.text_table(None, [[c.opgave_label, c.kommune_label,
                                               f"{_status(c.foer, w, lang)} → {_status(c.efter, w, lang)}"]
                                              for c in d.convergence.cells], indent="    "))
    return _printable("\n".join(lines) + "\n")


def _cut(items: list, limit: int | None) -> tuple[list, int]:
    if limit is None or len(items) <= limit:
        return items, 0
    return items[:limit], len(items) - limit


def _markdown_at(d: SemanticDiff, w: dict, lang: str, limit: int | None) -> str:
    s = _summary(d, w, lang)
    base = f"`{d.base}` ({d.base_commit[:7]})"
    head = f"`{d.head}` ({d.head_commit[:7]})" if d.head_commit else w["worktree"]
    e = d.elements
    lines = [MARKER, f"### {w['title'].format(base=base, head=head)}", "",
             f"{w['asof'].format(d=d.as_of.isoformat())} · **{w['elements']}:** {s['elements']} · "
             f"**{w['findings']}:** {s['findings']} · **{w['convergence']}:** {s['convergence']}", ""]
    # Elements
    lines += ["<details>", f"<summary>{w['elements']}: {s['elements']}</summary>", ""]
    if e.empty:
        lines += [w["none"], ""]
    for heading, items in ((w["added_h"], e.added), (w["removed_h"], e.removed)):
        if items:
            shown, more = _cut(items, limit)
            lines += [f"#### {heading}", "",
                      tables.markdown_table([w["class"], w["element"], "IRI"],
                                            [[compact(x.klasse) or "?", x.label, f"`{x.iri}`"] for x in shown]), ""]
            if more:
                lines += [w["more"].format(n=more), ""]
    if e.changed:
        shown, more = _cut(e.changed, limit)
        lines += [f"#### {w['changed_h']}", ""]
        for x in shown:
            lines += [f"**{x.label}** — {compact(x.klasse)} `{x.iri}`", ""]
            rows = [[compact(c.egenskab), *_change_text(c, d.labels)] for c in x.changes]
            lines += [tables.markdown_table([w["property"], w["before"], w["after"]], rows), ""]
        if more:
            lines += [w["more"].format(n=more), ""]
    for heading, items in ((w["anon_added"], e.anonymous_added), (w["anon_removed"], e.anonymous_removed)):
        if items:
            lines += [f"#### {heading[0].upper() + heading[1:]}", ""]
            lines += [f"- `{a}`" for a in _cut(items, limit)[0]] + [""]
    lines += ["</details>", ""]
    # Findings: open when something new appeared, so a reviewer sees it without a click
    lines += ["<details open>" if d.appeared else "<details>",
              f"<summary>{w['findings']}: {s['findings']}</summary>", ""]
    if not d.checked:
        lines += [w["skipped"], ""]
    elif not d.appeared and not d.fixed:
        lines += [w["nofindings"], ""]
    for heading, items in ((w["appeared_h"], d.appeared), (w["fixed_h"], d.fixed)):
        if items:
            shown, more = _cut(items, limit)
            lines += [f"#### {heading}", "",
                      tables.markdown_table([w["rule"], w["severity"], w["element"], w["message"], w["where"]],
                                            [_finding_line(f, w) for f in shown]), ""]
            if more:
                lines += [w["more"].format(n=more), ""]
    lines += ["</details>", ""]
    # Convergence
    lines += ["<details>", f"<summary>{w['convergence']}: {s['convergence']}</summary>", ""]
    if not d.convergence.changed:
        lines += [w["noconv"], ""]
    lines += [tables.markdown_table([w["kommune"], w["before"], w["after"]], _conv_rows(d, w, lang)), ""]
    if d.convergence.cells:
        shown, more = _cut(d.convergence.cells, limit)
        lines += [f"#### {w['cells']}", "",
                  tables.markdown_table([w["task"], w["kommune"], w["before"], w["after"]],
                                        [[c.opgave_label, c.kommune_label, _status(c.foer, w, lang),
                                          _status(c.efter, w, lang)] for c in shown]), ""]
        if more:
            lines += [w["more"].format(n=more), ""]
    lines += ["</details>"]
    return "\n".join(lines) + "\n"


def _markdown(d: SemanticDiff, lang: str, max_chars: int) -> str:
    """Markdown longer than ``max_chars`` (GitHub refuses comments over 65536 characters) is
    shortened by listing fewer items per section."""
    w = words(DIFF, lang)
    for limit in (None, 200, 50, 10, 0):
        text = _markdown_at(d, w, lang, limit)
        if len(text) <= max_chars:
            break
    return _printable(text)


#: ``--format`` name → presenter (the diff, the language and the longest Markdown → the text).
FORMATS = {"text": _text, "json": _json, "markdown": _markdown}


def render(d: SemanticDiff, fmt: str, lang: str = "da", max_chars: int = 60000) -> str:
    """The diff in format ``fmt`` (a key of ``FORMATS``)."""
    return FORMATS[fmt](d, lang, max_chars)
