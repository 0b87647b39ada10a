"""maal, harmonisering, integrationer and roadmap with 2, 3 and 6 members: lanes in order, nothing overlaps (issue 15).

Measured on the SVG Graphviz draws: text boxes do not intersect, no drawn line passes through a
member's name or a cluster's title, the members' lanes come in the repository's order, and no
text is cut with "…". The repositories: the example (2), the example with Skive added by
``arkitektur new kommune`` and a few usages (3), the benchmark generator's (6).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from arkitektur import render as render_mod
from arkitektur import views
from arkitektur.check import prepare
from arkitektur.cli import main
from benchmarks.generate import generate

pytestmark = [pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) er ikke installeret"),
              pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
NS = "{http://www.w3.org/2000/svg}"
VIEWS = ("maal", "harmonisering", "integrationer", "roadmap")

SKIVE_USAGES = """\
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix kle00: <http://www.kle-online.dk/emneplan/00/#_> .
@prefix kle15: <http://www.kle-online.dk/emneplan/15/#_> .
@prefix kle27: <http://www.kle-online.dk/emneplan/27/#_> .
@prefix kle85: <http://www.kle-online.dk/emneplan/85/#_> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sam: <https://w3id.org/arkitektur/eksempel/samarbejde#> .
@prefix skive: <https://w3id.org/arkitektur/eksempel/skive#> .

skive:SBSYS a ark:Systemanvendelse ; rdfs:label "Skive: SBSYS"@da ; ark:kommune skive:Skive ;
    ark:system sam:SBSYS ; ark:livscyklus ark:IDrift ; ark:understoetterOpgave kle00:00.00.00 .
skive:KMDOpera a ark:Systemanvendelse ; rdfs:label "Skive: KMD Opera"@da ; ark:kommune skive:Skive ;
    ark:system sam:KMDOpera ; ark:livscyklus ark:IDrift ; ark:understoetterOpgave kle15:15.20.00 .
skive:KMDNexus a ark:Systemanvendelse ; rdfs:label "Skive: KMD Nexus"@da ; ark:kommune skive:Skive ;
    ark:system sam:KMDNexus ; ark:livscyklus ark:IDrift ; ark:understoetterOpgave kle27:27.36.00 .
skive:Prisme a ark:Systemanvendelse ; rdfs:label "Skive: Prisme"@da ; ark:kommune skive:Skive ;
    ark:system sam:Prisme ; ark:livscyklus ark:IDrift ; ark:understoetterOpgave kle85:85.00.00 .
skive:Int_CPR_SBSYS a ark:Integration ; rdfs:label "Skive: SF1520 CPR-opslag: CPR → SBSYS"@da ;
    ark:fra ark:CPR ; ark:til skive:SBSYS ; ark:via ark:Serviceplatformen ; ark:moenster ark:Opslag .
skive:Int_Opera_Nexus a ark:Integration ; rdfs:label "Skive: Borgerdata: KMD Opera → KMD Nexus"@da ;
    ark:fra skive:KMDOpera ; ark:til skive:KMDNexus ; ark:moenster ark:Opslag .
"""


@pytest.fixture(scope="session")
def repos(tmp_path_factory):
    """Members count -> (models folder, as-of date, the members' names in the repository's order)."""
    base = tmp_path_factory.mktemp("medlemmer")
    two = base / "to"
    shutil.copytree(ROOT / "models", two)
    three = base / "tre"
    shutil.copytree(ROOT / "models", three)
    r = CliRunner().invoke(main, ["new", "kommune", "Skive", "--kode", "779", "--fra", "2017-01-01",
                                  "--dir", str(three)])
    assert r.exit_code == 0, r.output
    (three / "skive" / "systemanvendelser.ttl").write_text(SKIVE_USAGES, encoding="utf-8")
    six = base / "seks"
    generate(six, 6, 12, seed=2015)
    return {
        2: (two, dt.date(2016, 6, 1), ["Silkeborg Kommune", "Viborg Kommune"]),
        # Skive is a member from 2017: after that date it is in every view (the case).
        3: (three, dt.date(2017, 6, 1), ["Silkeborg Kommune", "Skive Kommune", "Viborg Kommune"]),
        6: (six, dt.date(2016, 6, 1), ["Ballerup Kommune", "Brøndby Kommune", "Frederiksberg Kommune",
                                       "København Kommune", "Silkeborg Kommune", "Viborg Kommune"]),
    }


@pytest.fixture(scope="session")
def drawn(repos):
    """(members, view) -> (View, parsed SVG), each drawn once for the whole file."""
    out = {}
    for n, (folder, as_of, _) in repos.items():
        ctx = prepare([folder], as_of)
        sources = views.Sources(ctx)
        for name in VIEWS:
            sel = views.make_selection(ctx.graph, [], [])
            view = views.REGISTRY[name].build(sources, sel, "da")
            views.check_density(view)
            svg = render_mod.render(view, "svg", timeout=60).data
            out[(n, name)] = (view, ET.fromstring(svg))
    return out


CASES = [(n, name) for n in (2, 3, 6) for name in VIEWS]
IDS = [f"{name}-{n}" for n, name in CASES]


# --------------------------------------------------------------------------- reading the SVG


def _floats(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def text_boxes(root) -> list[tuple[str, str, tuple[float, float, float, float]]]:
    """(group title, text, box) for every <text>: its width estimated from DejaVu Sans's average advance."""
    out = []
    for g in root.iter(f"{NS}g"):
        if g.get("class") not in ("node", "edge", "cluster"):
            continue
        title = g.findtext(f"{NS}title") or ""
        for t in g.findall(f"{NS}text") + [t for a in g.iter(f"{NS}a") for t in a.findall(f"{NS}text")]:
            if not (t.text or "").strip():
                continue
            x, y = float(t.get("x")), float(t.get("y"))
            size = float(t.get("font-size", "14"))
            # 0.55 em a character is DejaVu Sans's average for Danish text (bold is wider, and so
            # under-, never over-estimated: a box found overlapping really does overlap).
            w = 0.55 * size * len(t.text)
            anchor = t.get("text-anchor", "start")
            x0 = x - w / 2 if anchor == "middle" else x - w if anchor == "end" else x
            out.append((title, t.text, (x0, y - 0.72 * size, x0 + w, y + 0.1 * size)))
    return out


def _intersect(a, b, slack: float = 0.5) -> bool:
    return a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]


def edge_points(root) -> list[tuple[str, list[tuple[float, float]]]]:
    """Each drawn edge: its path sampled along the Bézier curves Graphviz writes."""
    out = []
    for g in root.iter(f"{NS}g"):
        if g.get("class") != "edge":
            continue
        for path in g.iter(f"{NS}path"):
            nums = _floats(path.get("d", "").replace(",", " "))
            pts = list(zip(nums[::2], nums[1::2]))
            samples = [pts[0]] if pts else []
            for i in range(0, len(pts) - 3, 3):
                p0, p1, p2, p3 = pts[i:i + 4]
                for step in range(1, 21):
                    t = step / 20
                    samples.append(tuple((1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t ** 2 * c
                                         + t ** 3 * d for a, b, c, d in zip(p0, p1, p2, p3)))
            out.append((g.findtext(f"{NS}title") or "", samples))
    return out


def centre_of(root, node_id: str) -> tuple[float, float]:
    for g in root.iter(f"{NS}g"):
        if g.get("class") == "node" and g.findtext(f"{NS}title") == node_id:
            t = next(g.iter(f"{NS}text"))
            return float(t.get("x")), float(t.get("y"))
    raise AssertionError(f"node {node_id} is not in the SVG")


def title_boxes(view, root):
    """The boxes of every member name (a lane's header node) and every cluster title."""
    heads = {n.id for n in view.nodes if n.kind == "header"}
    return [(title, text, box) for title, text, box in text_boxes(root)
            if title in heads or title.startswith("cluster_")]


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("n,name", CASES, ids=IDS)
def test_no_two_texts_overlap(drawn, n, name):
    _, root = drawn[(n, name)]
    boxes = text_boxes(root)
    assert len(boxes) > 10
    clashes = [(a[1], b[1]) for i, a in enumerate(boxes) for b in boxes[i + 1:] if _intersect(a[2], b[2])]
    assert not clashes, clashes[:5]


@pytest.mark.parametrize("n,name", CASES, ids=IDS)
def test_no_line_passes_through_a_title(drawn, n, name):
    view, root = drawn[(n, name)]
    titles = title_boxes(view, root)
    if name in ("maal", "integrationer"):
        assert len({t[0] for t in titles if t[0].endswith("_navn")}) == n   # one named lane per member
    crossing = [(edge, text) for edge, points in edge_points(root) for _, text, box in titles
                if any(box[0] < x < box[2] and box[1] < y < box[3] for x, y in points)]
    assert not crossing, crossing[:5]


@pytest.mark.parametrize("n,name", CASES, ids=IDS)
def test_members_are_lanes_in_the_repositorys_order(drawn, repos, n, name):
    view, root = drawn[(n, name)]
    expected = repos[n][2]
    if name in ("maal", "integrationer"):
        # Lanes top to bottom; every node of a lane inside its lane's box.
        heads = sorted((n_ for n_ in view.nodes if n_.kind == "header"), key=lambda h: centre_of(root, h.id)[1])
        assert [" ".join(h.lines) for h in heads] == expected
        clusters = {g.findtext(f"{NS}title"): _floats(" ".join(el.get("d") or el.get("points") or "" for el in g.iter()
                                                               if el.tag in (f"{NS}path", f"{NS}polygon")))
                    for g in root.iter(f"{NS}g") if g.get("class") == "cluster"}
        for node in view.nodes:
            if node.cluster and node.cluster.startswith("k") and not node.legend:
                xs, ys = clusters[f"cluster_{node.cluster}"][::2], clusters[f"cluster_{node.cluster}"][1::2]
                x, y = centre_of(root, node.id)
                assert min(xs) < x < max(xs) and min(ys) < y < max(ys), (node.lines, node.cluster)
    elif name == "harmonisering":
        heads = [h for h in view.nodes if h.kind == "header" and h.tooltip]
        assert [" ".join(h.lines) for h in sorted(heads, key=lambda h: centre_of(root, h.id)[0])] == expected
    else:
        # Roadmap: each row names its lanes, first member on top, and a member's tags sit in its lane.
        short = {}
        for lane in (l_ for l_ in view.nodes if l_.kind == "lane_label"):
            short.setdefault(lane.tooltip, (" ".join(lane.lines), lane.pos[1]))
        assert [k for k, _ in sorted(short.items(), key=lambda kv: -kv[1][1])] == expected
        first_row = [l_ for l_ in view.nodes if l_.kind == "lane_label"][:n]
        lane_y = {" ".join(l_.lines): l_.pos[1] for l_ in first_row}
        assert [l_.tooltip for l_ in first_row] == expected
        tags = [t for t in view.nodes if t.kind == "kontraktudloeb" and not t.legend]
        assert tags
        rows = sorted({l_.pos[1] - lane_y[" ".join(l_.lines)] for l_ in view.nodes if l_.kind == "lane_label"})
        for tag in tags:
            assert any(abs(tag.pos[1] - (offset + lane_y[tag.lines[0]])) < 0.01 for offset in rows), tag


@pytest.mark.parametrize("n,name", CASES, ids=IDS)
def test_no_text_is_cut(drawn, n, name):
    _, root = drawn[(n, name)]
    cut = [t.text for t in root.iter(f"{NS}text") if t.text and "…" in t.text]
    assert not cut, cut


def test_plan_texts_are_whole_in_harmonisering_and_maal(drawn):
    plan = "Monopolbrud: fælles forberedelse af KY, KSD og SAPA (arbejdsspor 3.1/3.3)"
    for name in ("harmonisering", "maal"):
        _, root = drawn[(3, name)]
        text = " ".join(t.text or "" for t in root.iter(f"{NS}text"))
        assert plan in text.replace("plan: ", ""), name


@pytest.mark.parametrize("n", (2, 3, 6))
def test_roadmap_tags_are_readable_and_above_the_grid(drawn, n):
    view, root = drawn[(n, "roadmap")]
    kind = {node.id: node.kind for node in view.nodes}
    order = [kind.get(g.findtext(f"{NS}title")) for g in root.iter(f"{NS}g") if g.get("class") == "node"]
    tags = [i for i, k in enumerate(order) if k == "kontraktudloeb"]
    lines = [i for i, k in enumerate(order) if k in ("grid_line", "asof_line")]
    assert tags and lines and max(lines) < min(tags)       # drawn first, so under every tag
    assert not [g for g in root.iter(f"{NS}g") if g.get("class") == "edge" and "grid" in (g.get("id") or "")]
    for g in root.iter(f"{NS}g"):
        if kind.get(g.findtext(f"{NS}title")) == "kontraktudloeb":
            t = next(g.iter(f"{NS}text"))
            assert float(t.get("font-size")) >= 11, t.text


def test_maal_skive_arrows_stay_in_skives_lane(drawn):
    view, root = drawn[(3, "maal")]
    lane = next(n.cluster for n in view.nodes if n.kind == "header" and n.lines == ["Skive Kommune"])
    mine = {n.id for n in view.nodes if n.cluster == lane}
    arrows = [e for e in view.edges if not e.helper and not e.legend and (e.src in mine or e.dst in mine)]
    # SBSYS converged, KMD Opera without a plan, KMD Nexus converged, Prisme without a plan.
    assert sorted(e.kind for e in arrows) == ["divergerende", "divergerende", "konvergeret", "konvergeret"]
    assert all(e.src in mine and e.dst in mine for e in arrows)
    assert [e.lines for e in arrows if e.kind == "divergerende"] == [["ingen plan"], ["ingen plan"]]


def test_copies_in_lanes_count_once_against_the_limit(drawn):
    """The example's maal has 24 systems and 12 targets: 36, as before the lanes, though 24 targets are drawn."""
    view, _ = drawn[(2, "maal")]
    assert len([n for n in view.nodes if n.kind == "maalsystem" and not n.legend]) == 24
    assert view.size == (36, 24)
    view, _ = drawn[(2, "integrationer")]
    assert view.size == (27, 32)


def test_kommune_filter_narrows_but_never_reorders(repos):
    folder, as_of, expected = repos[3]
    ctx = prepare([folder], as_of)
    sources = views.Sources(ctx)
    sel = views.make_selection(ctx.graph, ["Viborg", "Silkeborg"], [])
    want = ["Silkeborg Kommune", "Viborg Kommune"]
    for name in VIEWS:
        view = views.REGISTRY[name].build(sources, sel, "da")
        if name in ("maal", "integrationer"):
            got = [" ".join(n.lines) for n in sorted((n for n in view.nodes if n.kind == "header"), key=lambda n: n.id)]
        elif name == "harmonisering":
            got = [" ".join(n.lines) for n in view.nodes if n.kind == "header" and n.tooltip]
        else:
            got = list(dict.fromkeys(n.tooltip for n in view.nodes if n.kind == "lane_label"))
        assert got == want, name
