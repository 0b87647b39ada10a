"""Tabsrapport / the loss report every importer and exporter fills: what could not be mapped, and warnings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph

    from .terms import Prefixes


@dataclass
class Report:
    """Lines an import or export reports to the user, grouped and counted; never silently dropped.

    ``lost`` = data that could not be carried over, ``warnings`` = data carried over with a doubt,
    ``notes`` = plain information (counts, files written).
    """

    lost: Counter = field(default_factory=Counter)
    warnings: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    examples: dict = field(default_factory=dict)

    def lose(self, what: str, example: str | None = None) -> None:
        self._count(self.lost, what, example)

    def warn(self, what: str, example: str | None = None) -> None:
        self._count(self.warnings, what, example)

    def _count(self, counter: Counter, what: str, example: str | None) -> None:
        counter[what] += 1
        if example:
            self.examples.setdefault(what, example)

    def note(self, text: str) -> None:
        self.notes.append(text)

    def lines(self) -> list[str]:
        out: list[str] = []
        for title, counter in (("Ikke overført / not carried over", self.lost),
                               ("Advarsler / warnings", self.warnings)):
            if not counter:
                continue
            out.append(f"{title}:")
            for what, n in sorted(counter.items()):
                times = f" ({n}×)" if n > 1 else ""
                ex = self.examples.get(what)
                out.append(f"  - {what}{times}" + (f" – fx / e.g. {ex}" if ex else ""))
        out.extend(self.notes)
        return out

    def text(self) -> str:
        lines = self.lines()
        return "\n".join(lines) + ("\n" if lines else "")


@dataclass
class ImportResult:
    """What an importer gives ``arkitektur import``: the graph, the prefixes to write it with, the report."""

    graph: Graph
    prefixes: Prefixes
    report: Report
    own: bool = False  # ArchiMate: the file was written by arkitektur (its IRIs and classes come back exactly)
