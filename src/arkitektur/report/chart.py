"""Udviklingsgrafen / the convergence chart of the meeting pack: plan against git history as inline SVG.

Hand-written SVG rather than a plotting library: two lines, an axis and a legend are a few dozen
elements, the pack must stay one file without script, and every text goes through ``escape.h``.
Sized in a viewBox and drawn at the page's width, so it reads on a 1920 px projector and on A4.
"""

from __future__ import annotations

import datetime as dt

from ..escape import h
from ..formatting import percent
from ..trajectory import Commit, Point

W, H = 1200, 420
LEFT, RIGHT, TOP, BOTTOM = 70, 30, 20, 90
PLAN = "#1f3a5f"
ACTUAL = "#1b7837"
GAP = 100   # px between two axis labels


def quarter(day: dt.date) -> str:
    """"K3 2016": the quarter a date lies in, as Danish public administration writes it."""
    return f"K{(day.month - 1) // 3 + 1} {day.year}"


def _x(day: dt.date, lo: dt.date, hi: dt.date) -> float:
    span = max((hi - lo).days, 1)
    return round(LEFT + (W - LEFT - RIGHT) * (day - lo).days / span, 1)


def _y(share: float) -> float:
    return round(TOP + (H - TOP - BOTTOM) * (1 - share), 1)


def _text(x: float, y: float, text: str, anchor: str = "middle", size: int = 15, extra: str = "") -> str:
    return (f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="{size}" '
            f'font-family="DejaVu Sans, Arial, sans-serif" fill="#1a1a1a"{extra}>{h(text)}</text>')


def svg(plan: list[Point], actual: list[Commit]) -> str:
    """The chart: the planned trajectory as a dashed step line, the history as a solid line with dots."""
    measured = [p for p in actual if p.andel is not None]
    days = [p.dato for p in plan] + [p.dato for p in measured]
    lo, hi = min(days), max(days)   # one day only: _x puts it at the left edge
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" class="udviklingsgraf" '
           f'aria-label="Andel konvergeret over tid: planlagt forløb og faktisk historik">']
    for share in (0, .25, .5, .75, 1):
        y = _y(share)
        out.append(f'<line x1="{LEFT}" y1="{y}" x2="{W - RIGHT}" y2="{y}" stroke="#c8c8c8" stroke-width="1"/>')
        out.append(_text(LEFT - 8, y + 5, percent(share), anchor="end"))
    # Labels from the end backwards (the last quarter is the target), never closer than GAP px.
    labels: list[float] = []
    for i, day in reversed(list(enumerate([p.dato for p in plan]))):
        x = _x(day, lo, hi)
        out.append(f'<line x1="{x}" y1="{H - BOTTOM}" x2="{x}" y2="{H - BOTTOM + 6}" stroke="#555"/>')
        if all(abs(x - other) >= GAP for other in labels):
            labels.append(x)
            out.append(_text(x, H - BOTTOM + 24, day.isoformat() if i == 0 else quarter(day), size=14,
                             anchor="end" if x > W - RIGHT - GAP / 2 else "middle"))
    for day in sorted({p.dato for p in measured}, reverse=True):
        x = _x(day, lo, hi)
        if all(abs(x - other) >= GAP for other in labels):
            labels.append(x)
            out.append(_text(x, H - BOTTOM + 24, day.isoformat(), size=14,
                             anchor="end" if x > W - RIGHT - GAP / 2 else "middle"))
    if plan:
        pts = []
        for i, p in enumerate(plan):
            x, y = _x(p.dato, lo, hi), _y(p.andel or 0)
            if i:   # a step: the share holds until the quarter in which the plans land
                pts.append(f"{x},{_y(plan[i - 1].andel or 0)}")
            pts.append(f"{x},{y}")
        out.append(f'<polyline points="{" ".join(pts)}" fill="none" stroke="{PLAN}" stroke-width="3" '
                   'stroke-dasharray="10 6"/>')
        for p in plan:
            out.append(f'<circle cx="{_x(p.dato, lo, hi)}" cy="{_y(p.andel or 0)}" r="4" fill="{PLAN}">'
                       f'<title>{h(quarter(p.dato))}: {h(percent(p.andel))} ({p.konvergeret} af {p.i_alt})</title></circle>')
        last = plan[-1]
        out.append(_text(_x(last.dato, lo, hi) - 6, _y(last.andel or 0) - 10, percent(last.andel), anchor="end",
                         size=16, extra=' font-weight="bold"'))
    if measured:
        pts = " ".join(f"{_x(p.dato, lo, hi)},{_y(p.andel)}" for p in measured)
        out.append(f'<polyline points="{pts}" fill="none" stroke="{ACTUAL}" stroke-width="3"/>')
        for p in measured:
            out.append(f'<circle cx="{_x(p.dato, lo, hi)}" cy="{_y(p.andel)}" r="6" fill="#fff" stroke="{ACTUAL}" '
                       f'stroke-width="3"><title>{h(p.commit[:12])} {h(p.dato.isoformat())}: {h(percent(p.andel))} '
                       f'({p.konvergeret} af {p.i_alt}) {h(p.besked)}</title></circle>')
    ly = H - 28
    out.append(f'<line x1="{LEFT}" y1="{ly}" x2="{LEFT + 40}" y2="{ly}" stroke="{PLAN}" stroke-width="3" '
               'stroke-dasharray="10 6"/>')
    out.append(_text(LEFT + 50, ly + 5, "Planlagt forløb: hvis alle planer holder", anchor="start"))
    out.append(f'<line x1="{LEFT + 430}" y1="{ly}" x2="{LEFT + 470}" y2="{ly}" stroke="{ACTUAL}" stroke-width="3"/>')
    out.append(f'<circle cx="{LEFT + 450}" cy="{ly}" r="6" fill="#fff" stroke="{ACTUAL}" stroke-width="3"/>')
    out.append(_text(LEFT + 480, ly + 5, "Faktisk: git-historikken" + ("" if measured else " (ikke valgt)"),
                     anchor="start"))
    out.append("</svg>")
    return "\n".join(out)
