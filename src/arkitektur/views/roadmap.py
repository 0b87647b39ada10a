"""Visningen roadmap / a timeline per task: contract ends, notice dates, planned procurements and joint windows."""

from __future__ import annotations

import datetime as dt
import re

from rdflib import URIRef

from .. import formatting
from ..escape import safe_href, wrap
from ..roadmap import OPSIGELSE_PASSERET, OPSIGELSE_SNART, Roadmap
from ..words import ROADMAP_VIEW, VIEW, words
from .diagram import Edge, Ids, Node, View, ViewSpec, tooltip
from .model import subtitle_lines, task_name
from .selection import Selection


_LABEL_W = 360.0     # task names, wrapped at _TASK_CHARS (11 pt), and the lanes' member tags
_LANE_LABEL_W = 44.0
_TASK_CHARS = 46
_LINE_H = 14.0
_YEAR_W = 190.0
_LANE_H = 22.0       # one lane per member: its 11 pt tag fits with room between lanes (issue 15)
_TAG_H = 17.0
_ROW_PAD = 8.0
_TOP = 0.0


def _abbrev(names: list[str]) -> dict[str, str]:
    """Shortest unique prefix of at least three letters for each member name ("Sil", "Vib")."""
    out = {}
    bare = {n: re.sub(r"\s+kommune$", "", n, flags=re.I) for n in names}
    for n in names:
        size = 3
        while size < len(bare[n]) and any(o != n and bare[o][:size].casefold() == bare[n][:size].casefold()
                                          for o in names):
            size += 1
        out[n] = bare[n][:size]
    return out


def rows_of(plan: Roadmap, sel: Selection) -> tuple[list[tuple], dict[str, str]]:
    """The rows the timeline draws — (task, its members shown, its dates) — and the shown members' labels.

    A row has a date among the members; without --alle or --opgave also a target, window,
    procurement or flag (``slides`` splits a timeline by the same rows).
    """
    tasks = [t for t in plan.tasks if not sel.opgaver or URIRef(t.opgave) in sel.opgaver]
    labels: dict[str, str] = {}
    for t in tasks:
        for m in t.members:
            if sel.kommune_ok(URIRef(m.kommune)):
                labels.setdefault(m.kommune, m.label)
    out = []
    for t in tasks:
        ms = [m for m in t.members if m.kommune in labels]
        dates = [d for m in ms for d in (m.udloebsdato, m.opsigelsesdato) if d]
        dates += [p.planlagt_dato for p in t.udbud if p.planlagt_dato]
        dates += [d for w in t.windows if set(w.kommuner) & set(labels) for d in (w.fra, w.til)]
        if dates and (sel.alle or sel.opgaver or t.maalsystem or t.windows or t.udbud or t.flags):
            out.append((t, ms, dates))
    return out, labels


def roadmap(ctx, plan: Roadmap, sel: Selection, lang: str = "da") -> View:
    """A timeline per task: contract ends, notice dates, planned procurements and joint windows."""
    g = ctx.graph
    wd = words(ROADMAP_VIEW, lang)
    as_of = plan.as_of
    rows, labels = rows_of(plan, sel)
    # The repository's order, as every other view and the text roadmap list the members.
    members = sorted(labels, key=lambda k: (labels[k].casefold(), k))
    abbr = _abbrev([labels[k] for k in members])
    short_of = {k: abbr[labels[k]] for k in members}
    all_dates = [d for _, _, ds in rows for d in ds]
    # Clamped to the calendar Python can count: 9999-12-31 ("forever") and 0001-01-01 are real
    # dates in models and as --as-of (issue 13).
    start_year = min([as_of.year] + [d.year for d in all_dates if d >= dt.date(max(as_of.year - 1, dt.MINYEAR), 1, 1)])
    end_year = max([as_of.year + 1] + [d.year for d in all_dates])
    end_year = min(end_year, start_year + 9, dt.MAXYEAR)
    start, end = dt.date(start_year, 1, 1), dt.date(end_year, 12, 31)
    span = (end - start).days

    def x(day: dt.date) -> float:
        day = min(max(day, start), end)
        return _LABEL_W + (day - start).days / span * _YEAR_W * (end_year - start_year + 1)

    width = x(end)
    key = " · ".join(f"{short_of[k]} = {labels[k]}" for k in members)
    if len(members) > 1:
        key = wd["lanes"] + key
    view = View(name="roadmap", title=SPEC.heading(lang),
                subtitle=subtitle_lines(g, sel, as_of, [
                    wd["windows"].format(n=plan.window_months),
                    # The key wrapped to the timeline's width (18 pt bold title text ≈ 12.5 pt a character):
                    # a longer title line would widen the drawing and push the timeline off centre.
                    *wrap(key, int(width / 12.5), 4)], lang),
                layout="pinned")
    ids = Ids()
    lanes = max(1, len(members))
    lane_h = lanes * _LANE_H + _ROW_PAD * 2
    # Each task's whole name (and its target), wrapped; a row grows to fit it, never cuts it.
    texts = [_task_text(t, wd) for t, _, _ in rows]
    heights = [max(lane_h, len(lines) * _LINE_H + _ROW_PAD * 2) for lines in texts]
    # Year axis labels and grid lines.
    header_y = _TOP
    body_top = header_y - 18
    y = body_top
    row_ys = []
    for h in heights:
        row_ys.append(y - h / 2)
        y -= h
    body_bottom = y
    for year in range(start_year, min(end_year + 2, dt.MAXYEAR + 1)):
        day = dt.date(year, 1, 1)
        if (day - end).days > 1:
            break
        xx = x(min(day, end))
        # A background node, not an edge: edges are drawn over the nodes, and a grid line through
        # a member's tag made it unreadable (issue 15).
        view.nodes.append(Node(id=ids(("grid", year)), lines=[""], kind="grid_line", helper=True,
                               pos=(xx, (body_top + body_bottom) / 2), size=(1.0, body_top - body_bottom)))
        if year <= end_year:
            view.nodes.append(Node(id=ids(("year", year)), lines=[str(year)], kind="axis",
                                   pos=(x(dt.date(year, 7, 1)), header_y), size=(_YEAR_W, 16), helper=True))
    # Row bands (alternate shading) and task labels.
    text_w = _LABEL_W - _LANE_LABEL_W - 8
    for i, ((t, ms, _), cy, row_h, lines) in enumerate(zip(rows, row_ys, heights, texts)):
        if i % 2 == 0:
            view.nodes.append(Node(id=ids(("band", t.opgave)), lines=[""], kind="band",
                                   pos=((width + 0) / 2, cy), size=(width, row_h), helper=True))
        view.nodes.append(Node(id=ids(("task", t.opgave)), lines=lines, kind="roadmap_task", align="l",
                               pos=(text_w / 2 + 2, cy), size=(text_w, row_h - 2),
                               tooltip=tooltip(t.label, t.opgave), href=safe_href(t.opgave)))
        # The lanes named at the row's left, so a tag's lane says whose it is even without the tag.
        if len(members) > 1:
            for j, k in enumerate(members):
                view.nodes.append(Node(id=ids(("lane", t.opgave, k)), lines=[short_of[k]], kind="lane_label",
                                       pos=(_LABEL_W - _LANE_LABEL_W / 2, _lane_y(cy, lanes, j)),
                                       size=(_LANE_LABEL_W - 4, _TAG_H), helper=True, tooltip=labels[k]))
    # Windows (behind), then procurements, notice dates and contract ends.
    markers = 0
    for (t, ms, _), cy, row_h in zip(rows, row_ys, heights):
        for w in t.windows:
            if not set(w.kommuner) & set(members):
                continue
            x1, x2 = x(w.fra), x(w.til)
            wid = max(x2 - x1, 10.0)
            kind = "window" if w.udbud else "window_open"
            tip = tooltip(wd["tip_window"].format(a=w.fra, b=w.til), ", ".join(w.kommune_labels),
                          (wd["covered"] + ", ".join(w.udbud_labels)) if w.udbud else wd["no_udbud"])
            view.nodes.append(Node(id=ids(("win", t.opgave, w.fra)), lines=[""], kind=kind,
                                   pos=((x1 + x2) / 2, cy), size=(wid + 14, row_h - 4), tooltip=tip))
            markers += 1
        if t.senest is not None and start <= t.senest <= end:
            view.nodes.append(Node(id=ids(("senest", t.opgave)), lines=[""], kind="senest",
                                   pos=(x(t.senest), cy + row_h / 2 - 5), size=(10, 8),
                                   tooltip=wd["deadline"].format(d=t.senest)))
        for p in t.udbud:
            if p.planlagt_dato is None:
                continue
            view.nodes.append(Node(id=ids(("udbud", t.opgave, p.udbud)), lines=[wd["udbud_tag"]], kind="udbud",
                                   pos=(x(p.planlagt_dato), cy), size=(20, 20),
                                   tooltip=tooltip(p.label, wd["planned"].format(d=p.planlagt_dato),
                                                    ", ".join(p.deltager_labels))))
            markers += 1
        flagged = {(f.kommune, f.type) for f in t.flags}
        for m in sorted(ms, key=lambda m: members.index(m.kommune)):
            ly = _lane_y(cy, lanes, members.index(m.kommune))
            if m.udloebsdato is None:
                continue
            soon = (m.kommune, OPSIGELSE_SNART) in flagged or (m.kommune, OPSIGELSE_PASSERET) in flagged
            ex = x(m.udloebsdato)
            end_id = ids(("end", t.opgave, m.kommune))
            view.nodes.append(Node(id=end_id, lines=[short_of[m.kommune]], kind="kontraktudloeb",
                                   pos=(ex, ly), size=_tag_size(short_of[m.kommune]),
                                   tooltip=tooltip(wd["end"].format(k=m.label, d=m.udloebsdato),
                                                    ", ".join(m.system_labels))))
            markers += 1
            # The notice date on the timeline, tied to its end; a soon one on the same day beside the tag.
            apart = m.opsigelsesdato and m.opsigelsesdato != m.udloebsdato
            if apart or soon:
                nid = ids(("notice", t.opgave, m.kommune))
                nx = x(m.opsigelsesdato) if apart else ex - _tag_size(short_of[m.kommune])[0] / 2 - 7
                view.nodes.append(Node(id=nid, lines=[""], kind="opsigelse_snart" if soon else "opsigelse",
                                       pos=(nx, ly), size=(9, 9),
                                       tooltip=wd["notice"].format(k=m.label, d=m.opsigelsesdato)))
            if apart:
                view.edges.append(Edge(src=nid, dst=end_id, kind="varsel"))
                markers += 1
    # The as-of line.
    if start <= as_of <= end:
        a = Node(id=ids("asof:a"), lines=[wd["today"].format(d=as_of.isoformat())], kind="asof_label",
                 pos=(x(as_of), header_y + 16), size=(110, 14), helper=True)
        line = Node(id=ids("asof:line"), lines=[""], kind="asof_line", helper=True,
                    pos=(x(as_of), (body_top + body_bottom) / 2), size=(1.5, body_top - body_bottom))
        view.nodes += [a, line]
    _roadmap_legend(view, ids, body_bottom - 30, short_of[members[0]] if members else "Sil", lang)
    view.size_override = (len(rows), markers)
    if not rows:
        view.notes.append(wd["empty"])
    return view


def _task_text(t, w: dict) -> list[str]:
    """The row's label: the task's whole name and its target, wrapped — never cut (issue 15)."""
    lines = wrap(task_name(t.notation, t.label), _TASK_CHARS, 6)
    if t.maalsystem_label:
        lines += wrap(w["target"].format(s=t.maalsystem_label, d=formatting.date(t.senest)), _TASK_CHARS, 4)
    return lines


def _lane_y(cy: float, lanes: int, index: int) -> float:
    """The centre of member ``index``'s lane in a row centred at ``cy``: the first member on top."""
    return cy + (lanes - 1) * _LANE_H / 2 - index * _LANE_H


def _tag_size(text: str) -> tuple[float, float]:
    """A contract-end tag that fits its 11 pt abbreviation."""
    return (max(30.0, 8.0 * len(text) + 10), _TAG_H)


def _roadmap_legend(view: View, ids: Ids, y: float, tag: str, lang: str = "da") -> None:
    w = words(ROADMAP_VIEW, lang)
    items = [("kontraktudloeb", tag, _tag_size(tag), w["lg_end"]),
             ("opsigelse", "", (9, 9), w["lg_notice"]),
             ("opsigelse_snart", "", (9, 9), w["lg_soon"]),
             ("udbud", w["udbud_tag"], (20, 20), w["lg_udbud"]),
             ("window", "", (44, 14), w["lg_window"]),
             ("window_open", "", (44, 14), w["lg_open"]),
             ("senest", "", (10, 8), w["lg_senest"])]
    view.nodes.append(Node(id=ids("legend:title"), lines=[words(VIEW, lang)["legend"]], kind="legend_title",
                           pos=(_LABEL_W / 2 + 2, y), size=(_LABEL_W - 8, 16), align="l", legend=True))
    col_w = 330.0
    for i, (kind, text, size, desc) in enumerate(items):
        col, row = i % 3, i // 3
        cx = _LABEL_W + 30 + col * col_w
        cy = y - row * 24
        view.nodes.append(Node(id=ids(("legend", kind)), lines=[text], kind=kind, pos=(cx, cy), size=size,
                               legend=True))
        view.nodes.append(Node(id=ids(("legend", kind, "t")), lines=[desc], kind="legend_text", align="l",
                               pos=(cx + 30 + 140, cy), size=(280, 16), legend=True))
        view.legend.append(("node", kind, [text] if text else [], desc))


# The roadmap counts rows (tasks) as nodes and member markers as edges.
SPEC = ViewSpec("roadmap", "Køreplan: kontrakter, udbud og fælles vinduer", (45, 400),
                lambda src, sel, lang: roadmap(src.ctx, src.plan, sel, lang),
                hint="--opgave (fx --opgave 27) eller --kommune",
                units={"da": ("rækker", "markeringer"), "en": ("rows", "markers")},
                title_en="Roadmap: contracts, procurements and joint windows")
