"""Formatering / one way to write shares, dates, names and dispensations wherever a person reads them.

The divergence matrix, the semantic diff, the diagrams and the meeting pack all go through these
functions, so "62,5 %" in the pack is "62,5 %" in ``divergence`` and ``diff`` too (issue 14).
Danish typography puts a space before the per-cent sign and a decimal comma; English neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from rdflib import Graph, Literal
from rdflib.term import Node

from .namespaces import RDFS, SKOS

NONE = "–"


def percent(share: float | None, lang: str = "da") -> str:
    """0.625 → "62,5 %" (da) / "62.5%" (en); one decimal, dropped when zero; ``None`` → "–"."""
    if share is None:
        return NONE
    text = f"{round(share * 100, 1):.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return f"{text}%" if lang == "en" else text.replace(".", ",") + " %"


def date(day: dt.date | None) -> str:
    """A date as people in the forum write it in documents: ISO 8601 (2017-12-31); ``None`` → "–"."""
    return day.isoformat() if day else NONE


def iso(day: dt.date | None) -> str | None:
    """A date as the JSON outputs carry it: ISO 8601, or ``None`` (null) when there is none."""
    return day.isoformat() if day else None


def pick(labels: Iterable[tuple[str | None, str]], lang: str = "da") -> str | None:
    """Which of a node's ``(language, text)`` labels a person reads: the one in ``lang``, else
    Danish, else English, else the first (untagged first, then by tag and text, so the store's
    order never matters); ``None`` when there is none. The one rule of every output."""
    ordered = sorted(labels, key=lambda p: (p[0] or "", p[1]))
    for want in (lang, "da", "en"):
        for language, text in ordered:
            if language == want:
                return text
    return ordered[0][1] if ordered else None


def tail(node: Node) -> str:
    """An IRI's last part (after "#", else "/"), for a node without a label."""
    text = str(node)
    for sep in ("#", "/"):
        if sep in text.rstrip(sep):
            return text.rstrip(sep).rsplit(sep, 1)[1]
    return text


def label(g: Graph, node: Node | None, lang: str = "da") -> str:
    """A node's name wherever a person reads it: rdfs:label (then skos:prefLabel) chosen by
    ``pick``, else the IRI's ``tail``."""
    if node is None:
        return ""
    for prop in (RDFS.label, SKOS.prefLabel):
        found = pick(((lab.language, str(lab)) for lab in g.objects(node, prop) if isinstance(lab, Literal)), lang)
        if found is not None:
            return found
    return tail(node)


def dispensation(expiry: dt.date | None, lang: str = "da") -> str:
    """"dispensation til 2017-12-31" / "dispensation until 2017-12-31" (a valid one always has an expiry)."""
    if expiry is None:
        return "dispensation"
    return f"dispensation {'until' if lang == 'en' else 'til'} {date(expiry)}"
