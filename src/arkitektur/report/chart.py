"""Udviklingsgrafen / the convergence chart of the meeting pack: plan against git history, laid out for templates/udviklingsgraf.svg.j2.

An inline SVG drawn by a template rather than a plotting library: two lines, an axis and a legend
are a few dozen elements, the pack must stay one file without script, and the template escapes
every text. Sized in a viewBox and drawn at the page's width, so it reads on a 1920 px projector
and on A4.
"""

from __future__ import annotations

import datetime as dt

from ..formatting import percent
from ..trajectory import Commit, Point

W, H = 1200, 420
LEFT, RIGHT, TOP, BOTTOM = 70, 30, 20, 90
GAP = 100   # px between two axis labels


def quarter(day: dt.date) -> str:
    """"K3 2016": the quarter a date lies in, as Danish public administration writes it."""
    return f"K{(day.month - 1) // 3 + 1} {day.year}"


def _y(share: float) -> float:
    return round(TOP + (H - TOP - BOTTOM) * (1 - share), 1)


def layout(plan: list[Point], actual: list[Commit]) -> dict:
    """Where the chart's lines, dots and labels go: the planned trajectory as a dashed step line,
    the history as a solid line with dots, the axis labels never closer than ``GAP`` px."""
    measured = [p for p in actual if p.andel is not None]
    days = [p.dato for p in plan] + [p.dato for p in measured]
    lo, hi = min(days), max(days)   # one day only: x puts it at the left edge
    taken: list[float] = []

    def x(day: dt.date) -> float:
        return round(LEFT + (W - LEFT - RIGHT) * (day - lo).days / max((hi - lo).days, 1), 1)

    def label(at: float, text: str) -> dict | None:
        if any(abs(at - other) < GAP for other in taken):
            return None
        taken.append(at)
        return {"x": at, "text": text, "anchor": "end" if at > W - RIGHT - GAP / 2 else "middle"}

    # Labels from the end backwards (the last quarter is the target), then the commits' days.
    ticks = [(x(p.dato), label(x(p.dato), p.dato.isoformat() if i == 0 else quarter(p.dato)))
             for i, p in reversed(list(enumerate(plan)))]
    dated = [label(x(day), day.isoformat()) for day in sorted({p.dato for p in measured}, reverse=True)]
    steps = []
    for i, p in enumerate(plan):
        if i:   # a step: the share holds until the quarter in which the plans land
            steps.append(f"{x(p.dato)},{_y(plan[i - 1].andel or 0)}")
        steps.append(f"{x(p.dato)},{_y(p.andel or 0)}")
    return {"w": W, "h": H, "left": LEFT, "right": W - RIGHT, "axis": H - BOTTOM, "key": H - 28,
            "grid": [(_y(share), percent(share)) for share in (0, .25, .5, .75, 1)],
            "ticks": ticks, "dated": [d for d in dated if d], "plan": " ".join(steps),
            "plan_dots": [(x(p.dato), _y(p.andel or 0), f"{quarter(p.dato)}: {percent(p.andel)} "
                           f"({p.konvergeret} af {p.i_alt})") for p in plan],
            "last": {"x": x(plan[-1].dato) - 6, "y": _y(plan[-1].andel or 0) - 10,
                     "text": percent(plan[-1].andel)} if plan else None,
            "actual": " ".join(f"{x(p.dato)},{_y(p.andel)}" for p in measured),
            "actual_dots": [(x(p.dato), _y(p.andel), f"{p.commit[:12]} {p.dato.isoformat()}: {percent(p.andel)} "
                             f"({p.konvergeret} af {p.i_alt}) {p.besked}") for p in measured]}
