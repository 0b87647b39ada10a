"""Regelsider / renders the rule catalogue and each rule's page (Markdown) from the shapes."""

from __future__ import annotations

from .catalogue import Catalogue, Rule
from .tables import fold

_SEV_DA = {"V": "overtrædelse", "W": "advarsel", "I": "info", "V/W": "overtrædelse/advarsel"}
_SEV_EN = {"V": "violation", "W": "warning", "I": "info", "V/W": "violation/warning"}


def _t(d: dict, lang: str) -> str:
    return d.get(lang) or d.get("da") or ""


def listing(catalogue: Catalogue, lang: str = "da") -> list[tuple[str, str, str, str]]:
    """(ID, severity code, principle, title) per rule, in catalogue order."""
    return [(r.id, r.severity_code, _t(r.principle, lang), _t(r.title, lang)) for r in catalogue.ordered()]


def _example_block(label: str, example, lang: str = "da") -> list[str]:
    if example is None:
        return [f"### {label}", "", "_(missing)_" if lang == "en" else "_(mangler / missing)_", ""]
    body = "\n".join(line for line in example.text.splitlines())
    return [f"### {label}", "", f"`{example.path.parent.name}/{example.path.name}`", "", "```turtle", body.rstrip(),
            "```", ""]


def _bad_block(rule: Rule, label: str, expected: str, lang: str = "da") -> list[str]:
    """The bad example and the findings it is expected to give."""
    bad = rule.bad_example()
    out = _example_block(label, bad, lang)
    if bad is not None and bad.expected:
        out += [f"{expected}:", "", *(f"- {sev}: `{focus}`" for sev, focus in bad.expected), ""]
    return out


def _fold_prose(text: str, width: int | None) -> str:
    """The page's prose wrapped to a terminal's ``width``; code blocks and table rows stay as they
    are (Turtle and Markdown tables must not be broken), quotes and list items keep their marker."""
    if width is None:
        return text
    out, code = [], False
    for line in text.split("\n"):
        if line.startswith("```"):
            code = not code
        if code or line.startswith(("```", "|", "#")):
            out.append(line)
        else:
            out.append(fold(line, width, "> " if line.startswith(">") else ("  " if line.startswith("- ") else "")))
    return "\n".join(out)


def page(rule: Rule, lang: str = "da", width: int | None = None) -> str:
    """The rule's documentation page: Danish first, English after (fixed template); with ``lang``
    "en" English only (``rules X --lang en``); prose wrapped to ``width`` when given (a terminal)."""
    if width is not None:
        return _fold_prose(page(rule, lang), width)
    if lang == "en":
        return _page_en(rule)
    out = [f"# {rule.id} — {_t(rule.title, 'da')}", "",
           f"*{_t(rule.title, 'en')}*", "",
           "| | |", "|---|---|",
           f"| Alvor / severity | {rule.severity_code} ({_SEV_DA.get(rule.severity_code, rule.severity_code)}) |",
           f"| Princip / principle | {_t(rule.principle, 'da')} / {_t(rule.principle, 'en')} |"]
    if rule.source:
        out.append(f"| Kilde / source | <{rule.source}> |")
    if rule.own:
        out.append(f"| Egen regel / own rule | `{rule.origin}` |")
    out += ["", "## Problem", "", _t(rule.problem, "da"), "", f"*{_t(rule.problem, 'en')}*", "",
            "## Løsning / solution", "", _t(rule.solution, "da"), "", f"*{_t(rule.solution, 'en')}*", "",
            "## Besked / message", "", f"> {_t(rule.message, 'da')}", "", f"> *{_t(rule.message, 'en')}*", "",
            "## Eksempler / examples", ""]
    out += _bad_block(rule, "Forkert / bad", "Forventede fund / expected findings")
    out += _example_block("Rigtigt / good", rule.good_example())
    if rule.own:
        out.append(f"_Genereret fra `{rule.file}` med `arkitektur rules --docs` — ret i formen, ikke her._")
    else:
        out.append("_Genereret fra shapes/ med `arkitektur rules --docs docs/regler` — ret i formen, ikke her._")
    return "\n".join(out) + "\n"


def _page_en(rule: Rule) -> str:
    """The page of ``page`` in English only, section for section."""
    out = [f"# {rule.id} — {_t(rule.title, 'en')}", "", "| | |", "|---|---|",
           f"| Severity | {rule.severity_code} ({_SEV_EN.get(rule.severity_code, rule.severity_code)}) |",
           f"| Principle | {_t(rule.principle, 'en')} |"]
    if rule.source:
        out.append(f"| Source | <{rule.source}> |")
    if rule.own:
        out.append(f"| Own rule | `{rule.origin}` |")
    out += ["", "## Problem", "", _t(rule.problem, "en"), "", "## Solution", "", _t(rule.solution, "en"), "",
            "## Message", "", f"> {_t(rule.message, 'en')}", "", "## Examples", ""]
    out += _bad_block(rule, "Bad", "Expected findings", "en")
    out += _example_block("Good", rule.good_example(), "en")
    source = f"`{rule.file}` with `arkitektur rules --docs`" if rule.own else "shapes/ with `arkitektur rules --docs docs/regler`"
    out.append(f"_Generated from {source} — edit the shape, not this page._")
    return "\n".join(out) + "\n"


def index(catalogue: Catalogue) -> str:
    if any(r.own for r in catalogue.rules.values()):  # with own rules: where each comes from
        out = ["# Regelkatalog / rule catalogue", "",
               "Genereret fra `shapes/` og repositoriets egne regler — ret i formerne, ikke her. / Generated "
               "from `shapes/` and the repository's own rules.", "",
               "| ID | Alvor | Princip | Titel | Kilde |", "|---|---|---|---|---|"]
        for rid, sev, principle, title in listing(catalogue):
            origin = catalogue.rules[rid].origin
            where = f"`{origin}`" if origin else "medfølger / shipped"
            out.append(f"| [{rid}]({rid}.md) | {sev} | {principle} | {title} | {where} |")
        return "\n".join(out) + "\n"
    out = ["# Regelkatalog / rule catalogue", "",
           "Genereret fra `shapes/` — ret i formerne, ikke her. / Generated from `shapes/`.", "",
           "| ID | Alvor | Princip | Titel |", "|---|---|---|---|"]
    for rid, sev, principle, title in listing(catalogue):
        out.append(f"| [{rid}]({rid}.md) | {sev} | {principle} | {title} |")
    return "\n".join(out) + "\n"


def pages(catalogue: Catalogue) -> dict[str, str]:
    """File name -> content, for ``docs/regler/``."""
    out = {"README.md": index(catalogue)}
    for rule in catalogue.ordered():
        out[f"{rule.id}.md"] = page(rule)
    return out
