"""``render landskab``: KLE main groups named, every integration numbered once with its row in the table,
routed through the hub it goes via, other members' systems by name, no text over text (issue 15)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from arkitektur import formatting
from arkitektur import render as render_mod
from arkitektur import views
from arkitektur.check import prepare
from arkitektur.namespaces import ARK, RDF, SKOS
from arkitektur.views.layout import node_rect, text_width, title_rect
from arkitektur.views.model import main_group
from arkitektur.views.selection import notation

# Integration tests that draw with Graphviz or write workbooks: CI runs them; the default run stays
# under a minute (docs/udvikling/konventioner.md, "Tests").
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
KLE = ROOT / "ontology" / "reference" / "kle.ttl"
AS_OF = dt.date(2016, 6, 1)
SK = URIRef("https://w3id.org/arkitektur/eksempel/silkeborg#Silkeborg")
VI = URIRef("https://w3id.org/arkitektur/eksempel/viborg#Viborg")
SVG = "{http://www.w3.org/2000/svg}"

needs_graphviz = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")

# A Silkeborg integration that reaches a Viborg system via Serviceplatformen: the view must show
# that system by name in a box named "Viborg Kommune", not in an anonymous box.
CROSS = """
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sam: <https://w3id.org/arkitektur/eksempel/samarbejde#> .
@prefix sk: <https://w3id.org/arkitektur/eksempel/silkeborg#> .
@prefix vi: <https://w3id.org/arkitektur/eksempel/viborg#> .

sk:Int_SBSYS_Acadre
    a ark:Integration ;
    rdfs:label "Silkeborg: SF1601 Sagsoverdragelse: SBSYS → Acadre (Viborg)"@da ;
    ark:fra sk:SBSYS ;
    ark:moenster ark:Besked ;
    ark:overfoerer sam:DigitalPost ;
    ark:retsgrundlag "Forvaltningsloven" ;
    ark:til vi:Acadre ;
    ark:via ark:Serviceplatformen .
"""


@pytest.fixture(scope="module")
def ctx():
    return prepare([MODELS], AS_OF)


@pytest.fixture(scope="module")
def cross_ctx(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tvaers")
    shutil.copytree(MODELS, folder / "models")
    (folder / "models" / "silkeborg" / "tvaers.ttl").write_text(CROSS, encoding="utf-8")
    return prepare([folder / "models"], AS_OF)


def build(ctx, kommune, opgaver=()):
    return views.build("landskab", ctx, views.make_selection(ctx.graph, [str(kommune)], list(opgaver)))


def table_rows(view) -> dict[str, list[str]]:
    """The integration table as {number: [from, to, via, kind]} (each cell's wrapped lines joined)."""
    cells: dict = {}
    for n in view.nodes:
        if n.kind == "tabel" and n.helper:
            cells.setdefault(round(n.pos[1], 1), []).append((n.pos[0], " ".join(n.lines)))
    rows = {}
    for _, row in sorted(cells.items(), reverse=True):
        texts = [t for _, t in sorted(row)]
        assert texts[0] not in rows, f"number {texts[0]} twice in the table"
        rows[texts[0]] = texts[1:]
    return rows


def edge_numbers(view, edge) -> set[str]:
    """The numbers an edge stands for, from its tooltip "Nr. 2, 3: …"."""
    head = edge.tooltip.split("\n")[0]
    return set(re.findall(r"\d+", head.split(":")[0]))


def member_integrations(g: Graph, kommune) -> list:
    mine = {u for u in g.subjects(ARK.kommune, kommune) if g.value(u, ARK.livscyklus) != ARK.Udfaset}
    return [i for i in g.subjects(RDF.type, ARK.Integration)
            if (g.value(i, ARK.fra) in mine or g.value(i, ARK.til) in mine) and g.value(i, ARK.til) is not None]


def test_kle_reference_data_names_every_main_group():
    g = Graph().parse(KLE)
    main = {str(g.value(c, SKOS.notation))[:2]: formatting.label(g, c) for c in g.subjects(RDF.type, SKOS.Concept)
            if str(g.value(c, SKOS.notation)).endswith(".00.00")}
    # Groups 15 and 27 were missing before issue 15; every group the KLE list has is there with a name.
    for hh in ("00", "01", "02", "03", "04", "05", "06", "07", "09", "13", "14", "15", "17", "18", "20", "21",
               "23", "25", "27", "28", "29", "32", "54", "81", "82", "83", "84", "85", "87", "88"):
        assert main.get(hh), f"KLE {hh} has no name"
    assert main["15"] == "Arbejdsmarked og beskæftigelsesindsats" and main["27"] == "Social service"


def test_every_kle_main_group_of_the_example_is_named(ctx):
    g = ctx.graph
    for kommune in (SK, VI):
        view = build(ctx, kommune)
        titles = {n.id: " ".join(n.lines) for n in view.nodes if n.kind == "opgaveomraade_boks"}
        used = set()
        for u in g.subjects(ARK.kommune, kommune):
            tasks = sorted((t for t in g.objects(u, ARK.understoetterOpgave)), key=lambda t: notation(g, t))
            if tasks and g.value(u, ARK.livscyklus) != ARK.Udfaset:
                used.add(main_group(notation(g, tasks[0])))
        assert len(used) >= 15
        for hh in used:
            [title] = [t for t in titles.values() if t.startswith(f"KLE {hh} ")]
            assert len(title) > len(f"KLE {hh} ") + 3, title     # a name, not only the number
        assert any(t.startswith("KLE 15 Arbejdsmarked") for t in titles.values())
        assert any(t == "KLE 27 Social service" for t in titles.values())


def test_each_integration_once_in_the_table_and_on_an_edge(ctx):
    g = ctx.graph
    for kommune in (SK, VI):
        view = build(ctx, kommune)
        rows = table_rows(view)
        integrations = member_integrations(g, kommune)
        assert len(integrations) >= 14
        assert sorted(rows, key=int) == [str(n) for n in range(1, len(integrations) + 1)]
        edges = [e for e in view.edges if not e.helper and not e.legend]
        drawn: dict = {}
        for e in edges:
            for nr in edge_numbers(view, e):
                drawn.setdefault(nr, []).append(e)
        assert set(drawn) == set(rows)
        # Every number is written on the drawing: a badge on its line (or on a line it shares).
        badges = [" ".join(n.lines) for n in view.nodes if n.kind == "nummer" and not n.legend]
        on_drawing = {nr for text in badges for nr in text.split(", ")}
        assert on_drawing == set(rows)
        # Each integration is in exactly one row: the rows match the integrations' ends one to one.
        ends = sorted((formatting.label(g, g.value(i, ARK.via)) if g.value(i, ARK.via) is not None else "direkte")
                      for i in integrations)
        assert sorted(r[2] for r in rows.values()) == ends
        assert not any("×" in " ".join(n.lines) for n in view.nodes)    # no unexplained "×3" counts


def test_integrations_via_infrastructure_route_through_that_hub(ctx):
    view = build(ctx, SK)
    rows = table_rows(view)
    by_id = {n.id: n for n in view.nodes}
    checked = 0
    for nr, (fra, til, via, kind) in rows.items():
        legs = [e for e in view.edges if not e.helper and not e.legend and nr in edge_numbers(view, e)]
        if via == "direkte":
            assert len(legs) == 1 and legs[0].kind in ("p2p", "p2p_register")
            continue
        hub = [n for n in view.nodes if n.lines and " ".join(n.lines) == via and n.kind == "infrastruktur"]
        assert len(hub) == 1, via
        assert all(hub[0].id in (e.src, e.dst) and e.kind == "via" for e in legs), nr
        # From the system into the hub, and out of the hub to the other end (unless that end is the hub).
        assert any(e.dst == hub[0].id for e in legs) and (til == via or any(e.src == hub[0].id for e in legs))
        assert all(e.route and len(e.route) >= 2 for e in legs)      # routed, not a free straight line
        # The other end of each leg is the system the table names.
        for e in legs:
            other = " ".join(by_id[e.dst if e.src == hub[0].id else e.src].lines)
            assert other.startswith(fra) or other.startswith(til), (nr, other)
        checked += 1
    assert checked >= 6
    # The SF number and the pattern of an integration, from its label and ark:moenster.
    assert rows["1"][0] == "Fælles Organisation" and rows["1"][3] == "SF1460 · Besked"


def test_other_members_systems_are_shown_by_name(cross_ctx):
    view = build(cross_ctx, SK)
    boxes = {" ".join(n.lines): n for n in view.nodes if n.kind == "andre_boks"}
    assert "Viborg Kommune" in boxes
    assert not any("Uden for udsnittet" in t for t in boxes)
    acadre = [n for n in view.nodes if n.lines and n.lines[0] == "Acadre" and not n.helper]
    assert len(acadre) == 1 and acadre[0].cluster == next(n.cluster for n in view.nodes
                                                           if n.cluster and n.cluster.startswith("km"))
    rows = table_rows(view)
    [row] = [r for r in rows.values() if r[1].startswith("Acadre")]
    assert row == ["SBSYS", "Acadre (Viborg Kommune)", "Serviceplatformen", "SF1601 · Besked"]
    # Inside the Viborg box: the system's centre lies within the box's rectangle.
    box = boxes["Viborg Kommune"]
    (bx, by), (bw, bh) = box.pos, box.size
    (ax, ay) = acadre[0].pos
    assert abs(ax - bx) < bw / 2 and abs(ay - by) < bh / 2


def test_a_selection_of_kle_groups_keeps_only_those_groups(ctx):
    view = build(ctx, SK, ["27"])
    areas = {n.cluster for n in view.nodes if n.cluster and n.cluster.startswith("hg")}
    assert areas == {"hg27"}
    titles = [" ".join(n.lines) for n in view.nodes if n.kind == "opgaveomraade_boks"]
    assert titles == ["KLE 27 Social service"]
    # Own systems that 27's integrations reach are named in a box of their own, with their KLE group.
    outside = [n for n in view.nodes if n.cluster == "udenfor"]
    assert outside and all(n.lines[-1].startswith("KLE ") for n in outside)
    assert {n.lines[0] for n in outside} >= {"SBSYS"}


def _text_boxes(svg: bytes) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every <text>'s rectangle (left, top, right, bottom), from its anchor, baseline and font size."""
    out = []
    for t in ET.fromstring(svg).iter(f"{SVG}text"):
        text = t.text or ""
        if not text.strip():
            continue
        x, y, size = float(t.get("x")), float(t.get("y")), float(t.get("font-size", "14"))
        bold = "Bold" in (t.get("font-family") or "") or t.get("font-weight") == "bold"
        w = text_width(text, size, bold)
        left = {"start": x, "middle": x - w / 2, "end": x - w}[t.get("text-anchor", "start")]
        out.append((text, (left, y - 0.78 * size, left + w, y + 0.2 * size)))
    return out


@needs_graphviz
def test_no_text_overlaps_another_in_the_svg(ctx, cross_ctx):
    for c, kommune in ((ctx, SK), (ctx, VI), (cross_ctx, SK)):
        svg = render_mod.render(build(c, kommune), "svg").data
        boxes = _text_boxes(svg)
        assert len(boxes) > 100
        clashes = []
        for i, (t1, a) in enumerate(boxes):
            for t2, b in boxes[i + 1:]:
                if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5:
                    clashes.append((t1, t2))
        assert not clashes, clashes[:10]


def _crosses(segment, rect) -> bool:
    (x1, y1), (x2, y2) = segment
    left, bottom, right, top = rect
    return (min(x1, x2) < right and max(x1, x2) > left and min(y1, y2) < top and max(y1, y2) > bottom)


def test_no_line_runs_through_a_box_heading_or_a_system(ctx, cross_ctx):
    for c, kommune in ((ctx, SK), (ctx, VI), (cross_ctx, SK)):
        view = build(c, kommune)
        headings = [(" ".join(n.lines), title_rect(n)) for n in view.nodes if n.kind.endswith("_boks")]
        systems = {n.id: node_rect(n) for n in view.nodes if not n.helper and not n.legend and n.pos}
        for e in view.edges:
            if e.helper or e.legend or not e.route:
                continue
            for seg in zip(e.route, e.route[1:]):
                assert not [t for t, r in headings if _crosses(seg, r)], (e.src, e.dst, seg)
                # Not through a system it does not belong to (its own ends are touched by design).
                through = [nid for nid, r in systems.items() if nid not in (e.src, e.dst) and _crosses(seg, r)]
                assert not through, (e.src, e.dst, through)
