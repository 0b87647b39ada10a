"""Afgrænsning / what the user focused on: --kommune and --opgave resolved to municipalities and tasks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from .. import formatting
from ..errors import UsageError
from ..namespaces import ARK, RDF, SKOS


@dataclass
class Selection:
    """What the user focused on: municipalities and task prefixes (empty = everything)."""

    kommuner: list[URIRef] = field(default_factory=list)
    opgaver: set = field(default_factory=set)      # task nodes; empty = all
    opgave_args: list[str] = field(default_factory=list)
    alle: bool = False                              # also tasks without a target / rows without events

    def task_ok(self, tasks) -> bool:
        return not self.opgaver or any(t in self.opgaver for t in tasks)

    def kommune_ok(self, k) -> bool:
        return not self.kommuner or k in self.kommuner


def kommuner(g: Graph) -> list[URIRef]:
    """Every ark:Kommune in the graph, by label."""
    found = {k for k in g.subjects(RDF.type, ARK.Kommune) if isinstance(k, URIRef)}
    return sorted(found, key=lambda k: (formatting.label(g, k).casefold(), str(k)))


def _bare(name: str) -> str:
    s = name.casefold().strip()
    for suffix in (" kommune", " municipality"):
        if s.endswith(suffix):
            s = s[: -len(suffix)].strip()
    return s


def resolve_kommune(g: Graph, text: str) -> URIRef:
    """A municipality from its IRI, kommunekode, label (with or without "Kommune") or IRI local name."""
    want = text.strip()
    options = kommuner(g)
    for k in options:
        if str(k) == want:
            return k
    for k in options:
        if any(str(code) == want for code in g.objects(k, ARK.kommunekode)):
            return k
    for k in options:
        names = {_bare(str(lab)) for lab in g.objects(k, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))}
        local = re.split(r"[#/]", str(k).rstrip("/#"))[-1].casefold()
        if _bare(want) in names or want.casefold() == local:
            return k
    listing = ", ".join(kommune_choice(g, k) for k in options) or "(ingen kommuner i modellerne)"
    raise UsageError(
        f"--kommune: ukendt kommune '{want}'. Mulige: {listing}.",
        f"--kommune: unknown municipality '{want}'. Choose from: {listing}.",
        code="ARK-E103",
    )


def kommune_choice(g: Graph, k) -> str:
    code = g.value(k, ARK.kommunekode)
    return f"{formatting.label(g, k)} ({code})" if code is not None else formatting.label(g, k)


def notation(g: Graph, task) -> str:
    value = g.value(task, SKOS.notation)
    return "" if value is None else str(value)


def all_tasks(g: Graph) -> list:
    found = {t for t in g.subjects(RDF.type, ARK.Opgave)}
    return sorted(found, key=lambda t: (notation(g, t) or "~", formatting.label(g, t).casefold(), str(t)))


def resolve_opgaver(g: Graph, texts: list[str]) -> set:
    """Tasks from KLE numbers (a prefix: "27", "27.36", "27.36.00" = the group and below), IRIs or label text."""
    chosen: set = set()
    tasks = all_tasks(g)
    for text in texts:
        want = text.strip()
        hits = {t for t in tasks if str(t) == want}
        if not hits and re.fullmatch(r"\d{2}(\.\d{2}){0,2}", want):
            parts = want.split(".")
            while len(parts) > 1 and parts[-1] == "00":
                parts.pop()
            exact = ".".join(parts)
            hits = {t for t in tasks if notation(g, t) == want
                    or notation(g, t) == exact or notation(g, t).startswith(exact + ".")}
        if not hits and want:
            hits = {t for t in tasks if want.casefold() in formatting.label(g, t).casefold()}
        if not hits:
            raise UsageError(
                f"--opgave: ingen opgave matcher '{want}'. Angiv et KLE-nummer (fx 27 eller 27.36.00) "
                "eller en del af opgavens navn.",
                f"--opgave: no task matches '{want}'. Give a KLE number (e.g. 27 or 27.36.00) or part "
                "of the task's name.",
                code="ARK-E104",
            )
        chosen |= hits
    return chosen


def make_selection(g: Graph, kommune_args: list[str] | None = None, opgave_args: list[str] | None = None,
                   alle: bool = False) -> Selection:
    ks: list[URIRef] = []
    for text in kommune_args or ():
        k = resolve_kommune(g, text)
        if k not in ks:
            ks.append(k)
    return Selection(kommuner=ks, opgaver=resolve_opgaver(g, list(opgave_args or [])),
                     opgave_args=list(opgave_args or []), alle=alle)
