"""Konvergens over tid / the planned trajectory and the git history of the converged share (docs/divergens.md).

Both use the harmonisation matrix's cell model (``divergence``): a cell is one active member of a
collaboration for one task with a target solution; the share is converged cells out of those cells.
The trajectory asks "if every plan holds"; the history asks "what did the repository say at each commit".
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from . import check, revisions
from .derive import as_date
from .divergence import KONVERGERET, PLANLAGT, Cell, Matrix, Row, Share, build_matrix
from .errors import InputError
from .namespaces import ARK, RDF


@dataclass(kw_only=True)
class Point(Share):
    """The converged share on one day."""

    dato: dt.date

    def to_json(self) -> dict:
        return {"dato": self.dato.isoformat(), "andel": self.andel, "konvergeret": self.konvergeret,
                "i_alt": self.i_alt}


@dataclass(kw_only=True)
class Commit(Point):
    """The share as the models stood at one commit (``fejl``: why they could not be read there)."""

    commit: str = ""
    besked: str = ""
    fejl: str | None = None

    def to_json(self) -> dict:
        return {"commit": self.commit, **super().to_json(), "besked": self.besked, "fejl": self.fejl}


def plan_date(g, row: Row, cell: Cell) -> dt.date | None:
    """The day a planned cell converges if its plan holds (docs/divergens.md).

    The earliest ``planlagtDato`` of the Udbud that make up its plan; a project (it has no date of
    its own) or an undated Udbud holds the target's ``senest``. None: the plan has no date at all.
    """
    days = []
    for p in cell.planer:
        node = URIRef(p)
        day = as_date(g.value(node, ARK.planlagtDato)) if (node, RDF.type, ARK.Udbud) in g else None
        days.append(day or row.senest)
    dated = [d for d in days if d is not None]
    return min(dated) if dated else None


#: The trajectory looks at most this many quarters ahead (20 years); a later `senest` is beyond the chart.
MAX_QUARTERS = 80


def quarter_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The last day of every quarter after ``start`` up to the one that holds ``end`` (at most ``MAX_QUARTERS``)."""
    out: list[dt.date] = []
    year, q = start.year, (start.month - 1) // 3 + 1
    while len(out) < MAX_QUARTERS and year <= dt.MAXYEAR:
        last = dt.date(year, 12, 31) if q == 4 else dt.date(year, 3 * q + 1, 1) - dt.timedelta(days=1)
        if last > start:
            out.append(last)
        if last >= end:
            break
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def planned(matrix: Matrix, g) -> list[Point]:
    """As-of, then every quarter end up to the last ``senest``: the share converged if every plan holds.

    The cells are the matrix's (target tasks × active members at as-of); at most ``MAX_QUARTERS`` ahead. A converged cell stays
    converged; a planned one converges on its ``plan_date``; every other cell (diverging, not
    registered, dispensed) does not move — nothing in the model says it will.
    """
    due: list[dt.date | None] = []   # per cell: the day it is converged (None: not in this plan)
    for row in matrix.rows:
        if not row.has_target:
            continue
        for c in row.members:
            if not c.aktiv:
                continue
            if c.status == KONVERGERET:
                due.append(matrix.as_of)
            elif c.status == PLANLAGT:
                due.append(plan_date(g, row, c))
            else:
                due.append(None)
    ends = [r.senest for r in matrix.rows if r.has_target and r.senest is not None]
    days = [matrix.as_of] + (quarter_ends(matrix.as_of, max(ends)) if ends and max(ends) > matrix.as_of else [])
    return [Point(dato=d, konvergeret=sum(1 for x in due if x is not None and x <= d), i_alt=len(due))
            for d in days]


def history(paths: list[Path], span: str, *, as_of: dt.date | None = None, lang: str = "da") -> list[Commit]:
    """The converged share at the start of ``span`` ("REV..REV") and at every commit in it that touches ``paths``.

    Each commit is measured on its own commit date (what the repository said that day), or on
    ``as_of`` when one is given (every commit with the same yardstick). A commit whose models
    cannot be read gets ``fejl`` and no share; the rest of the history is still drawn.
    """
    paths = list(paths) or [Path("models")]
    root = revisions.repo_root(paths[0] if paths[0].is_absolute() else Path.cwd() / paths[0])
    rels = [revisions.relative(root, p) for p in paths]
    out: list[Commit] = []
    with tempfile.TemporaryDirectory(prefix="arkitektur-historik-") as tmp:
        for commit, day, subject in revisions.commits(root, span, rels):
            exported = revisions.export(root, commit, rels, Path(tmp) / commit)
            present = [p for p in exported if p is not None]
            point = Commit(dato=day, konvergeret=0, i_alt=0, commit=commit, besked=subject)
            if not present:
                point.fejl = "ingen modelfiler i denne revision / no model files at this revision"
            else:
                try:
                    share = build_matrix(check.prepare(present, as_of or day), lang).samlet
                    point.konvergeret, point.i_alt = share.konvergeret, share.i_alt
                except InputError as exc:
                    point.fejl = f"{exc.code}: {exc.da}" if lang == "da" else f"{exc.code}: {exc.en}"
            out.append(point)
    return out
