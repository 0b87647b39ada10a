"""Layout / font metrics, the pinned grid of boxes with orthogonal edge routes, and the legends.

Pinned layouts (``landskab``, ``roadmap``) get their positions here, so Graphviz (``neato -n2``)
draws the same picture on every run; text widths are estimated from DejaVu Sans's advance widths.
"""

from __future__ import annotations

from ..escape import wrap
from ..words import VIEW, words
from .diagram import Cluster, Edge, Ids, Node, View


def legend(view: View, items: list[tuple[str, str, str]], ids: Ids, lang: str = "da") -> None:
    """A "Signaturforklaring" cluster: ("node", kind, text) shows a sample node, ("edge", kind, text) a line.

    Top-to-bottom views get one row (sample nodes, then short arrows with their text); left-to-right
    views one column of samples and arrow tails, the arrow texts in the next column.
    """
    items = used_items(view, items, lang)
    if not items:
        return
    view.clusters.append(Cluster(id="legend", lines=[words(VIEW, lang)["legend"]], kind="legend"))
    samples, tails, texts = [], [], []
    for i, (what, kind, text) in enumerate(items):
        if what == "node":
            n = Node(id=ids(("legend", i)), lines=wrap(text, 26), kind=kind, cluster="legend", legend=True)
            view.nodes.append(n)
            view.legend.append(("node", kind, [x for x in n.lines if x], ""))
            samples.append(n.id)
        else:
            a = Node(id=ids(("legend", i, "a")), lines=[""], kind="legend_point", cluster="legend", legend=True)
            b = Node(id=ids(("legend", i, "b")), lines=wrap(text, 26), kind="legend_text", cluster="legend",
                     legend=True, align="l")
            view.nodes += [a, b]
            count = int(text[1:].split(":")[0]) if what == "count" else 1
            view.edges.append(Edge(src=a.id, dst=b.id, kind=kind, legend=True, weight=50, count=count,
                                   lines=[f"×{count}"] if count > 1 else []))
            if what == "edge":    # a slide explains merged lines itself (legend_items)
                view.legend.append(("edge", kind, [], " ".join(b.lines)))
            tails.append(a.id)
            texts.append(b.id)
    if view.layout == "pinned":
        view.clusters = [c for c in view.clusters if c.id != "legend"]
        for n in view.nodes:
            if n.cluster == "legend":
                n.cluster = None
        _pin_legend(view, items, samples, tails, texts, ids, lang)
    elif view.rankdir == "TB":
        row = samples + [x for pair in zip(tails, texts) for x in pair]
        view.same_rank.append(row)
        for a, b in zip(row, row[1:]):
            if not (a in tails and b in texts):
                view.edges.append(Edge(src=a, dst=b, kind="invis", helper=True, legend=True))
    else:
        # Left to right: three columns — the sample boxes, the arrow tails, the arrow texts — so the
        # legend is as tall as the longer of the two lists, not both (docs/diagrammer.md). Within a
        # rank dot stacks the order bottom-up here, so the chains run in reverse to read top-down.
        for a, b in zip(samples, tails):
            view.edges.append(Edge(src=a, dst=b, kind="invis", helper=True, legend=True, weight=50))
        for column in (samples, tails, texts):
            if not column:
                continue
            view.same_rank.append(list(column))
            for a, b in zip(column[::-1], column[::-1][1:]):
                view.edges.append(Edge(src=a, dst=b, kind="invis", helper=True, legend=True))


# The words of each fallback kind in words.VIEW (a kind's key there, "fb_" first where the word is
# worded for the fallback only).
FALLBACK_NODES = {"kontekst": "fb_kontekst", "system_ny": "fb_system_ny", "system_udfases": "fb_system_udfases",
                  "register": "register", "infrastruktur": "infrastruktur"}
FALLBACK_EDGES = {"via": "via", "p2p": "p2p", "p2p_register": "p2p_register"}


def count_text(count: int, lang: str = "da") -> str:
    """The legend's explanation of a merged line ("×3")."""
    return words(VIEW, lang)["count"].format(n=count)


def used_items(view: View, items: list[tuple[str, str, str]], lang: str = "da") -> list[tuple[str, str, str]]:
    """Only the legend items whose style the drawing uses, plus "×N" when parallel lines were merged
    (docs/diagrammer.md: a legend explains what is on the page, nothing else)."""
    nodes = {n.kind for n in view.nodes if not n.legend and not n.helper}
    edges = [e for e in view.edges if not e.legend and not e.helper]
    kinds = {e.kind for e in edges}
    out = [it for it in items if it[1] in (nodes if it[0] == "node" else kinds)]
    # A style the drawing uses but the view's list forgot is still explained (every symbol on the page).
    given = {(what, kind) for what, kind, _ in items}
    w = words(VIEW, lang)
    out += [("node", kind, w[key]) for kind, key in FALLBACK_NODES.items() if kind in nodes and ("node", kind) not in given]
    out += [("edge", kind, w[key]) for kind, key in FALLBACK_EDGES.items() if kind in kinds and ("edge", kind) not in given]
    merged = [e for e in edges if e.count > 1]
    if merged:
        top = max(merged, key=lambda e: e.count)
        out.append(("count", top.kind, count_text(top.count, lang)))
    return out


def _pin_legend(view: View, items, samples, tails, texts, ids: Ids, lang: str) -> None:
    """Pinned layouts: the legend as a grid of cells under the drawing, starting at ``view.legend_at``."""
    cell_w, cell_h = 230.0, 46.0
    x0, y0 = view.legend_at
    view.nodes.append(Node(id=ids("legend:title"), lines=[words(VIEW, lang)["legend"]], kind="legend_title", align="l",
                           pos=(x0 + 80, y0), size=(160, 18), legend=True))
    s_iter, t_iter, x_iter = iter(samples), iter(tails), iter(texts)
    for i, (what, _, _) in enumerate(items):
        cx, cy = x0 + (i % 3) * cell_w, y0 - 30 - (i // 3) * cell_h
        if what == "node":
            n = view.node(next(s_iter))
            n.pos, n.size = (cx + 70, cy), (140, 34)
        else:
            a, b = view.node(next(t_iter)), view.node(next(x_iter))
            a.pos = (cx + 4, cy)
            b.pos, b.size = (cx + 68 + 76, cy), (152, 30)


# --------------------------------------------------------------------------- pinned grid

# Advance widths of DejaVu Sans in em (the font the diagrams name); unknown characters count as "n".
_EM = {**dict.fromkeys("abdghnopqu", 0.635), **dict.fromkeys("ceksvxyz", 0.58), "f": 0.352, "i": 0.278,
       "j": 0.278, "l": 0.278, "m": 0.974, "r": 0.411, "t": 0.392, "w": 0.818, " ": 0.318,
       **dict.fromkeys("ABCDGHKNOQRUVXÅØ", 0.76), **dict.fromkeys("EFLPSTYZ", 0.64), "I": 0.295, "J": 0.295,
       "M": 0.863, "W": 0.989, "Æ": 0.99, "æ": 0.959, "ø": 0.612, "å": 0.613,
       **dict.fromkeys("0123456789", 0.636), **dict.fromkeys(".,:;'|!", 0.34), **dict.fromkeys("()[]-/", 0.39),
       "–": 0.5, "…": 1.0, "×": 0.84}


def text_width(text: str, size: float = 11.0, bold: bool = False) -> float:
    """Estimated width in points of one line in DejaVu Sans (bold is about a tenth wider)."""
    em = sum(_EM.get(ch, 0.635) for ch in text)
    return em * size * (1.18 if bold else 1.0)


def node_size(lines: list[str], size: float = 11.0, bold: bool = False) -> tuple[float, float]:
    """Graphviz's size of a box node with our margins (0.12 × 0.05 in), at least 0.75 × 0.5 in."""
    w = max([text_width(line, size, bold) for line in lines] + [0.0]) + 2 * 8.64
    h = len(lines) * size * 1.2 + 2 * 3.6
    return max(w, 54.0), max(h, 36.0)


def pin_grid(view: View, cells: list[tuple[str, str, list[str], list[str]]], ids: Ids,
             beside: tuple[float, float], aspect: float) -> tuple[float, float, float, float]:
    """Lay cells (id, box kind, title lines, node ids) out as a table of boxes with their nodes two abreast.

    The first cell (shared infrastructure) goes to the middle of the table so its integration lines
    stay short; the number of columns gives the drawing (with a block of ``beside`` width × height to
    its right, e.g. a table) the shape ``aspect``. Edges between cells are then routed through the
    gaps between the boxes (``_route``), never behind another node. Returns the grid's bounding box
    (left, top, right, bottom) in points.
    """
    gap, inner_gap, pad, slack = GAP, INNER_GAP, 12.0, 1.1
    degree: dict = {}
    for e in view.edges:
        if not e.helper and not e.legend:
            for end in (e.src, e.dst):
                degree[end] = degree.get(end, 0) + 1
    boxes = []
    for cid, kind, title, members in cells:
        per_row = 1 if len(members) <= 1 or kind == "faelles_boks" else 2
        sizes = []
        for nid in members:
            n = view.node(nid)
            w, h = node_size(n.lines, 11.0, n.kind == "infrastruktur")
            if n.kind in ("register", "infrastruktur"):
                w, h = w + 16, h + 14
            # Room for every line to arrive at a point of its own on the node's side (one side when
            # two abreast, both sides in a one-column box).
            per_side = degree.get(nid, 0) if per_row == 2 else -(-degree.get(nid, 0) // 2)
            h = max(h, ATTACH * per_side + 12)
            n.size = (round(w * slack), round(h))
            sizes.append(n.size)
        # The shared cell is one column: its hubs can then send lines out of either side.
        slot_w = max([w for w, _ in sizes] + [60.0])
        slot_h = max([h for _, h in sizes] + [36.0]) + 6
        rows = -(-len(members) // per_row) if members else 0
        title_h = len(title) * 12 * 1.2 + 10
        title_w = max([text_width(t, 12, True) for t in title] + [0.0])
        lane_room = 3 * LANE + 8 if per_row == 1 else 0     # one-column boxes: lines inside run on the right
        width = max(per_row * slot_w + (per_row - 1) * inner_gap + lane_room, title_w) + 2 * pad
        height = title_h + rows * slot_h + max(rows - 1, 0) * inner_gap + 2 * pad
        boxes.append({"id": cid, "kind": kind, "title": title, "members": members, "per_row": per_row,
                      "slot": (slot_w, slot_h), "size": (width, height), "title_h": title_h,
                      "lane_room": lane_room})
    if not boxes:
        view.legend_at = (0.0, -40.0)
        return (0.0, 0.0, 0.0, 0.0)

    def table(order, cols):
        col_w = [max(b["size"][0] for b in order[c::cols]) for c in range(min(cols, len(order)))]
        row_h = [max(b["size"][1] for b in order[r * cols:(r + 1) * cols]) for r in range(-(-len(order) // cols))]
        return col_w, row_h

    def arrange(cols):
        order = list(boxes)
        if len(order) > 2:
            rows = -(-len(order) // cols)
            order.insert(min((rows // 2) * cols + cols // 2, len(order) - 1), order.pop(0))
        return order

    best = None
    for cols in range(1, 8):
        order = arrange(cols)
        col_w, row_h = table(order, cols)
        w, h = sum(col_w) + gap * (len(col_w) - 1), sum(row_h) + gap * (len(row_h) - 1)
        if beside[0]:
            w, h = w + 2 * gap + beside[0], max(h, beside[1])
        score = abs((w / max(h, 1.0)) - aspect)
        if best is None or score < best[0] - 1e-9:
            best = (score, cols, order, col_w, row_h)
    _, cols, boxes, col_w, row_h = best
    _face_their_lines(view, boxes, cols)
    col_x = [sum(col_w[:c]) + gap * c for c in range(len(col_w))]
    row_y = [-(sum(row_h[:r]) + gap * r) for r in range(len(row_h))]
    where: dict = {}   # node id -> (row, column, side: -1 left column, 1 right column, 0 alone)
    lanes: dict = {}   # (row, column) of a one-column box -> x of the lane beside its nodes
    for i, b in enumerate(boxes):
        r, c = divmod(i, cols)
        # Each box keeps its own height (top-aligned): the room below a short box is corridor, not
        # an empty frame.
        x, y, width, height = col_x[c], row_y[r], col_w[c], b["size"][1]
        view.nodes.append(Node(id=ids(("box", b["id"])), lines=b["title"], kind=b["kind"], helper=True,
                               pos=(x + width / 2, y - height / 2), size=(width, height)))
        slot_w, slot_h = b["slot"]
        inner = b["per_row"] * slot_w + (b["per_row"] - 1) * inner_gap + b["lane_room"]
        left = x + (width - inner) / 2
        top = y - pad - b["title_h"]
        for j, nid in enumerate(b["members"]):
            rr, cc = divmod(j, b["per_row"])
            view.node(nid).pos = (round(left + cc * (slot_w + inner_gap) + slot_w / 2, 1),
                                  round(top - rr * (slot_h + inner_gap) - slot_h / 2, 1))
            where[nid] = (r, c, 0 if b["per_row"] == 1 else (-1 if cc == 0 else 1))
        if b["per_row"] == 1:
            lanes[(r, c)] = left + slot_w + 8
    bottom = row_y[-1] - row_h[-1]
    view.legend_at = (0.0, bottom - 24)
    gutters_x = [x - gap / 2 for x in col_x] + [col_x[-1] + col_w[-1] + gap / 2]
    gutters_y = [y + gap / 2 for y in row_y] + [bottom - gap / 2]
    _route(view, where, gutters_x, gutters_y, lanes)
    return (0.0, 0.0, col_x[-1] + col_w[-1], bottom)


def _face_their_lines(view: View, boxes: list[dict], cols: int) -> None:
    """In a two-abreast box, put a node whose lines go to the right in the right column, and vice versa.

    A node leaves its box by the side it sits on; one on the wrong side sends its lines the long way
    round the whole drawing. Two passes: the second also knows on which side a partner in the same
    column of boxes ended up. Nodes without a preference fill the remaining places in their order.
    """
    column = {nid: i % cols for i, b in enumerate(boxes) for nid in b["members"]}
    box_of = {nid: i for i, b in enumerate(boxes) for nid in b["members"]}
    side = dict.fromkeys(column, 0.0)
    # Lines inside one box are short straight lines whatever the sides: they do not pull.
    links = [(e.src, e.dst) for e in view.edges if not e.helper and not e.legend and e.src in column
             and e.dst in column and box_of[e.src] != box_of[e.dst]]
    for _ in range(2):
        x = {nid: column[nid] + 0.25 * side[nid] for nid in column}
        pull = dict.fromkeys(column, 0)
        for a, b in links:
            for one, other in ((a, b), (b, a)):
                if abs(x[other] - x[one]) > 0.01:
                    pull[one] += 1 if x[other] > x[one] else -1
        for b in boxes:
            members = b["members"]
            if b["per_row"] != 2 or len(members) < 2:
                continue
            rows = -(-len(members) // 2)
            left = [n for n in members if pull[n] < 0]
            right = [n for n in members if pull[n] > 0]
            free = [n for n in members if pull[n] == 0]
            # Too many for one side: the weakest preferences give way.
            while len(left) > rows:
                weakest = max(left, key=lambda n: (pull[n], members.index(n)))
                left.remove(weakest)
                free.append(weakest)
            while len(right) > len(members) - rows:
                weakest = min(right, key=lambda n: (pull[n], -members.index(n)))
                right.remove(weakest)
                free.append(weakest)
            free.sort(key=members.index)
            left += free[:rows - len(left)]
            right += [n for n in free if n not in left]
            b["members"] = [n for pair in zip(left, right + [None]) for n in pair if n is not None]
            side.update({n: -1.0 for n in left})
            side.update({n: 1.0 for n in right})


GAP = 48.0      # points between the boxes: the corridors the lines run in
INNER_GAP = 22.0  # points between the nodes inside a box
LANE = 8.0      # points between two lines in one corridor
ATTACH = 10.0   # points between two lines arriving at one side of a node


def _spread(count: int, step: float) -> list[float]:
    """``count`` offsets ``step`` apart, centred on 0."""
    return [(k - (count - 1) / 2) * step for k in range(count)]


def _route(view: View, where: dict, gutters_x: list[float], gutters_y: list[float], lanes: dict) -> None:
    """Orthogonal routes through the gaps: out of the node's side into the vertical gap beside its box,
    along a horizontal gap to the target's vertical gap, and into the target's side.

    Every line has a point of its own on a node's side (spread along it, ordered by where the other end
    is, so lines leave without crossing) and a lane of its own in every gap it runs in (``LANE`` apart),
    so no two lines ever share a stretch. Edges inside a two-abreast box are straight lines; inside a
    one-column box they round the nodes between them on the right.
    """
    plans = []
    for e in view.edges:
        if e.helper or e.legend or e.src not in where or e.dst not in where:
            continue
        a, b = view.node(e.src), view.node(e.dst)
        ra, ca, sa = where[e.src]
        rb, cb, sb = where[e.dst]
        (ax, ay), (bx, by) = a.pos, b.pos
        if (ra, ca) == (rb, cb):
            if (ra, ca) in lanes:
                plans.append({"e": e, "inner": True, "sa": 1, "sb": 1, "cell": (ra, ca)})
            elif abs(ay - by) < 0.5:
                s = 1 if bx > ax else -1
                plans.append({"e": e, "inner": True, "sa": s, "sb": -s, "cell": None})
            continue
        if sa == 0:
            sa = -1 if (cb < ca or (cb == ca and bx <= ax)) else 1
        if sb == 0:
            sb = -1 if (ca < cb or (ca == cb and ax <= bx)) else 1
        va, vb = (ca if sa < 0 else ca + 1), (cb if sb < 0 else cb + 1)
        h = None
        if va != vb:
            if rb > ra:
                h = ra + 1
            elif rb < ra:
                h = ra
            else:
                h = ra if abs(gutters_y[ra] - ay) <= abs(gutters_y[ra + 1] - ay) else ra + 1
        plans.append({"e": e, "inner": False, "sa": sa, "sb": sb, "va": va, "vb": vb, "h": h})

    # Points of their own on each node side, ordered by the height of the other end.
    ends: dict = {}
    for p in plans:
        e = p["e"]
        ends.setdefault((e.src, p["sa"]), []).append((p, "a", view.node(e.dst).pos[1]))
        ends.setdefault((e.dst, p["sb"]), []).append((p, "b", view.node(e.src).pos[1]))
    for (nid, _), items in ends.items():
        n = view.node(nid)
        step = min(ATTACH, (n.size[1] - 10) / max(len(items) - 1, 1))
        items.sort(key=lambda item: -item[2])
        for (p, which, _), dy in zip(items, _spread(len(items), step)):
            p["dy" + which] = -dy if dy else 0.0

    # Lanes of their own in every corridor.
    use: dict = {}
    for p in plans:
        if p["inner"]:
            if p["cell"] is not None:
                use.setdefault(("in", p["cell"]), []).append(p)
            continue
        use.setdefault(("v", p["va"]), []).append(p)
        if p["vb"] != p["va"]:
            use.setdefault(("v", p["vb"]), []).append(p)
        if p["h"] is not None:
            use.setdefault(("h", p["h"]), []).append(p)
    lane_of: dict = {}
    for key, ps in use.items():
        step = min(LANE, (GAP - 10) / len(ps)) if key[0] != "in" else 4.0
        offsets = _spread(len(ps), step) if key[0] != "in" else [k * step for k in range(len(ps))]
        for p, off in zip(ps, offsets):
            lane_of[(key, id(p))] = off

    for p in plans:
        e = p["e"]
        a, b = view.node(e.src), view.node(e.dst)
        (ax, ay), (bx, by) = a.pos, b.pos
        ay, by = ay + p.get("dya", 0.0), by + p.get("dyb", 0.0)
        sa, sb = p["sa"], p["sb"]
        start = (ax + sa * a.size[0] / 2, ay)
        tip = (bx + sb * b.size[0] / 2, by)
        if p["inner"]:
            if p["cell"] is None:
                points = [start, (tip[0] + sb * 7.0, by)]
            else:
                x = lanes[p["cell"]] + lane_of[(("in", p["cell"]), id(p))]
                points = [start, (x, ay), (x, by), (tip[0] + 7.0, by)]
        else:
            gxa = gutters_x[p["va"]] + lane_of[(("v", p["va"]), id(p))]
            gxb = gutters_x[p["vb"]] + lane_of[(("v", p["vb"]), id(p))]
            points = [start, (gxa, ay)]
            if p["va"] != p["vb"]:
                gy = gutters_y[p["h"]] + lane_of[(("h", p["h"]), id(p))]
                points += [(gxa, gy), (gxb, gy)]
            points += [(gxb, by), (tip[0] + sb * 7.0, by)]
        clean = [points[0]]
        for q in points[1:]:
            if abs(q[0] - clean[-1][0]) > 0.01 or abs(q[1] - clean[-1][1]) > 0.01:
                clean.append(q)
        e.route = [(round(x, 1), round(y, 1)) for x, y in clean]
        e.tip = (round(tip[0], 1), round(tip[1], 1))


def _path_points(route: list[tuple[float, float]], step: float):
    """Points every ``step`` along a polyline, from its first point on."""
    for (x1, y1), (x2, y2) in zip(route, route[1:]):
        length = abs(x2 - x1) + abs(y2 - y1)
        n = max(int(length // step), 1)
        for k in range(n):
            t = k / n
            yield (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t)
    if route:
        yield route[-1]


def _overlaps(r1, r2) -> bool:
    """Two rectangles (left, bottom, right, top) closer than a point."""
    return not (r1[2] + 1 <= r2[0] or r2[2] + 1 <= r1[0] or r1[3] + 1 <= r2[1] or r2[3] + 1 <= r1[1])


def node_rect(n: Node) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of a pinned node, points."""
    (x, y), (w, h) = n.pos, n.size
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def title_rect(box: Node) -> tuple[float, float, float, float]:
    """The title band at the top of a grid box (its lines in bold 12 pt)."""
    left, _, right, top = node_rect(box)
    return (left, top - len(box.lines) * 12 * 1.2 - 10, right, top)


def place_badges(view: View, badges: list[tuple[Node, object, bool]], obstacles: list) -> None:
    """Pin each badge (a small numbered node) on its edge's line, near the end it belongs to.

    ``badges``: (badge node, edge, at the start?). The badge slides along the line from that end until
    it covers no node, box title, other badge or ``obstacles`` rectangle — so every number stays legible.
    """
    taken = list(obstacles)
    for n in view.nodes:
        if n.pos is not None and n.size is not None and not n.legend:
            if n.helper and n.kind.endswith("_boks"):
                taken.append(title_rect(n))
            elif not n.helper:
                taken.append(node_rect(n))
    for badge, e, at_start in badges:
        w, h = badge.size
        if e.route:
            route = list(e.route) + ([e.tip] if e.tip else [])
        else:
            route = [view.node(e.src).pos, view.node(e.dst).pos]
        if not at_start:
            route = route[::-1]
        chosen = None
        for k, (x, y) in enumerate(_path_points(route, 4.0)):
            rect = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
            if not any(_overlaps(rect, r) for r in taken):
                chosen = (x, y)
                break
        if chosen is None:
            chosen = ((route[0][0] + route[-1][0]) / 2, (route[0][1] + route[-1][1]) / 2)
        badge.pos = (round(chosen[0], 1), round(chosen[1], 1))
        taken.append(node_rect(badge))
