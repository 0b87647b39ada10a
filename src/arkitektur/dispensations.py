"""Dispensationer / turns findings covered by a valid Dispensation into info, and reports stale ones (DISP-3).

Validity is decided once, in ``derive`` (docs/modelsprog.md); DISP-1 and DISP-2 are shapes, DISP-3 needs the
findings and so runs here, with the texts of its (post-processing) shape.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph

from .catalogue import Catalogue
from .derive import Facts
from .findings import Finding, Severity
from .namespaces import ARK

STALE_RULE = "DISP-3"


def valid_by_key(graph: Graph, facts: Facts) -> dict[tuple[str, str], list[str]]:
    """(rule, focus) -> the valid dispensations that exempt it, first one used (what ``apply`` matches on).

    The reports (divergence, diagrams, pack) ask this too, so "dispensed" means the same as in ``check``.
    """
    by_key: dict[tuple[str, str], list[str]] = {}
    for d in sorted(facts.valid_dispensations, key=str):
        rule, target = graph.value(d, ARK.regel), graph.value(d, ARK.gaelder)
        by_key.setdefault((str(rule).strip(), str(target)), []).append(str(d))
    return by_key


def apply(
    findings: list[Finding],
    graph: Graph,
    facts: Facts,
    catalogue: Catalogue,
    make: Callable[..., Finding],
    lang: str,
) -> list[Finding]:
    """Return the findings with valid dispensations applied and DISP-3 findings added."""
    by_key = valid_by_key(graph, facts)
    used: set[str] = set()
    out = []
    for f in findings:
        names = by_key.get(f.key())
        if names and f.severity > Severity.INFO:
            used.add(names[0])
            f = f.with_(severity=Severity.INFO, dispensation=names[0])
        out.append(f)
    rule = catalogue.rules.get(STALE_RULE)
    if rule is not None:
        for names in by_key.values():
            for name in names:
                if name not in used:
                    out.append(make(rule=rule, focus=name, severity=Severity.INFO, lang=lang,
                                     path=str(ARK.gaelder)))
    return out
