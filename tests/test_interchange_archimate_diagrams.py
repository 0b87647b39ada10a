"""ArchiMate for Archi users (issue 15 item 7): relationships between application components come in
as integrations, the export carries diagrams laid out from the view builders, and properties show
code labels ("Indfases"), not CURIEs."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from arkitektur.interchange.archimate_import import import_bytes, import_file
from arkitektur.namespaces import ARK


ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "interchange"
MODELS = ROOT / "models"
NS = "http://www.opengroup.org/xsd/archimate/3.0/"

FOREIGN = f"""<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="m">
  <name xml:lang="da">Archi</name>
  <elements>
    <element identifier="a" xsi:type="ApplicationComponent"><name xml:lang="da">KMD Aktiv</name></element>
    <element identifier="b" xsi:type="ApplicationComponent"><name xml:lang="da">Doc2Mail</name></element>
    <element identifier="c" xsi:type="ApplicationComponent"><name xml:lang="da">Fælles Sprogværktøj</name></element>
    <element identifier="p" xsi:type="BusinessProcess"><name xml:lang="da">Udsend brev</name></element>
  </elements>
  <relationships>
    <relationship identifier="f1" source="a" target="b" xsi:type="Flow"><name xml:lang="da">Breve</name>
      <documentation xml:lang="da">Natlig fil</documentation></relationship>
    <relationship identifier="s1" source="c" target="a" xsi:type="Serving"/>
    <relationship identifier="t1" source="b" target="c" xsi:type="Triggering"/>
    <relationship identifier="x1" source="a" target="p" xsi:type="Serving"/>
    <relationship identifier="x2" source="a" target="b" xsi:type="Composition"/>
  </relationships>
</model>
""".encode()


def _integrations(g) -> dict:
    return {str(i).rsplit("/", 1)[1]: (g.value(i, ARK.fra), g.value(i, ARK.til), set(g.objects(i, RDFS.label)))
            for i in g.subjects(RDF.type, ARK.Integration)}


def test_flow_serving_triggering_between_application_components_become_integrations():
    result = import_bytes(FOREIGN, "archi.xml")
    g = result.graph
    base = "https://example.org/archimate/archi/"
    a, b, c = (URIRef(base + x) for x in "abc")
    got = _integrations(g)
    assert got == {"f1": (a, b, {Literal("Breve", lang="da")}),
                   "s1": (c, a, {Literal("Fælles Sprogværktøj → KMD Aktiv", lang="da")}),
                   "t1": (b, c, {Literal("Doc2Mail → Fælles Sprogværktøj", lang="da")})}
    assert (URIRef(base + "f1"), RDFS.comment, Literal("Natlig fil", lang="da")) in g
    # Serving to a business process and Composition are still reported, not guessed.
    lost = " ".join(result.report.lost)
    assert "Serving" in lost and "Composition" in lost and "Flow" not in lost and "Triggering" not in lost
    assert any("3 relationer mellem applikationskomponenter" in n for n in result.report.notes)


def test_archisurance_serving_between_components_are_counted():
    result = import_file(DATA / "archimate" / "archisurance.xml")
    assert len(set(result.graph.subjects(RDF.type, ARK.Integration))) == 7
    assert any("7 relationer mellem applikationskomponenter er blevet til ark:Integration (Serving 7)" in n
               for n in result.report.notes)


# ----- the export's diagrams -----

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from defusedxml.ElementTree import fromstring  # noqa: E402
from rdflib.compare import isomorphic  # noqa: E402

from arkitektur import views  # noqa: E402
from arkitektur.check import prepare  # noqa: E402
from arkitektur.interchange import xsd_check  # noqa: E402
from arkitektur.interchange.archimate_export import export_repository, sha_id  # noqa: E402

Q = "{" + NS + "}"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}type"
SHARED_XSD = ROOT.parent / "shared" / "testsuites" / "archimate-exchange" / "xsd-3.1"
AS_OF = dt.date(2016, 6, 1)  # models/arkitektur.toml: Silkeborg's dispensation to 2017-12-31 is in force
SK = "https://w3id.org/arkitektur/eksempel/silkeborg#"


@pytest.fixture(scope="module")
def with_views():
    ctx = prepare([MODELS], AS_OF)
    data, report = export_repository(ctx.repo, ctx=ctx)
    return ctx, data, report, fromstring(data)


def _boxes(parent):
    return [(n, tuple(int(n.get(k)) for k in "xywh")) for n in parent.findall(Q + "node")]


def _overlap(a, b, gap=0) -> bool:
    return a[0] < b[0] + b[2] + gap and b[0] < a[0] + a[2] + gap and a[1] < b[1] + b[3] + gap and b[1] < a[1] + a[3] + gap


def _view(root, name):
    return next(v for v in root.iter(Q + "view") if v.findtext(Q + "name") == name)


@pytest.mark.slow  # lays out every view with Graphviz; CI runs it
def test_views_are_valid_and_named_per_member(with_views):
    ctx, data, report, root = with_views
    assert xsd_check.errors(data) == []
    if SHARED_XSD.is_dir():
        assert xsd_check.errors(data, str(SHARED_XSD)) == []
    names = [v.findtext(Q + "name") for v in root.iter(Q + "view")]
    assert names == ["Silkeborg Kommune: Systemlandskab", "Silkeborg Kommune: Integrationskort",
                     "Viborg Kommune: Systemlandskab", "Viborg Kommune: Integrationskort", "Målarkitektur og i dag"]
    assert any("5 diagrammer" in n for n in report.notes)


@pytest.mark.slow  # lays out every view with Graphviz; CI runs it
def test_nodes_fit_their_groups_and_never_overlap(with_views):
    _, _, _, root = with_views
    for v in root.iter(Q + "view"):
        stack = [v]
        while stack:
            parent = stack.pop()
            kids = _boxes(parent)
            for i, (n, a) in enumerate(kids):
                for m, b in kids[i + 1:]:
                    assert not _overlap(a, b), (v.findtext(Q + "name"), a, b)
                    if n.get(XSI) == m.get(XSI) == "Element":
                        assert not _overlap(a, b, 11), (v.findtext(Q + "name"), a, b)  # room between boxes
                if parent is not v:
                    p = tuple(int(parent.get(k)) for k in "xywh")
                    assert p[0] <= a[0] and a[0] + a[2] <= p[0] + p[2] and p[1] <= a[1] and a[1] + a[3] <= p[1] + p[3]
                if n.get(XSI) == "Element":
                    assert a[2] >= 130 and a[3] >= 45  # room for Archi's full element name
                stack.append(n)


@pytest.mark.slow  # lays out every view with Graphviz; CI runs it
def test_landscape_shows_the_members_systems_in_named_task_areas(with_views):
    ctx, _, _, root = with_views
    v = _view(root, "Silkeborg Kommune: Systemlandskab")
    built = views.build("landskab", ctx, views.Selection(kommuner=[URIRef(SK + "Silkeborg")]))
    systems = [n for n in built.nodes if n.kind.startswith("system") and not n.legend]
    refs = {n.get("elementRef") for n in v.iter(Q + "node") if n.get(XSI) == "Element"}
    wanted = {sha_id(n.tooltip.rsplit(" · ", 1)[1]) for n in systems}
    assert wanted <= refs and len(wanted) == len(systems)
    groups = [n.findtext(Q + "label") for n in v.findall(Q + "node") if n.get(XSI) == "Container"]
    assert "Fælles infrastruktur og grunddata" in groups
    assert any(g.startswith("KLE 27") for g in groups)
    # Each Silkeborg system sits in its task area's box.
    sbsys = sha_id(SK + "SBSYS")
    holder = next(g for g in v.findall(Q + "node") if any(c.get("elementRef") == sbsys for c in g.iter(Q + "node")))
    assert holder.findtext(Q + "label").startswith("KLE 00")


@pytest.mark.slow  # lays out every view with Graphviz; CI runs it
def test_an_integration_via_serviceplatformen_bends_through_it(with_views):
    ctx, _, _, root = with_views
    v = _view(root, "Silkeborg Kommune: Integrationskort")
    hub = next(n for n in v.iter(Q + "node") if n.get("elementRef") == sha_id(str(ARK.Serviceplatformen)))
    x, y, w, h = (int(hub.get(k)) for k in "xywh")
    vias = [i for i in ctx.graph.subjects(ARK.via, ARK.Serviceplatformen)
            if ARK.Serviceplatformen not in (ctx.graph.value(i, ARK.fra), ctx.graph.value(i, ARK.til))
            and (str(ctx.graph.value(i, ARK.fra)).startswith(SK) or str(ctx.graph.value(i, ARK.til)).startswith(SK))]
    assert len(vias) == 5
    for i in vias:
        conns = [c for c in v.findall(Q + "connection") if c.get("relationshipRef") == sha_id(str(i))]
        assert conns, i
        bend = conns[0].find(Q + "bendpoint")
        assert bend is not None and abs(int(bend.get("x")) - (x + w / 2)) <= 1 and abs(int(bend.get("y")) - (y + h / 2)) <= 1


@pytest.mark.slow  # lays out every view with Graphviz; CI runs it
def test_target_view_gives_each_member_a_group_with_its_targets_and_status_lines(with_views):
    ctx, _, _, root = with_views
    v = _view(root, "Målarkitektur og i dag")
    plateau = next(ctx.graph.subjects(RDF.type, ARK.Maalarkitektur))
    targets = {sha_id(str(o)) for m in ctx.graph.objects(plateau, ARK.maalloesning)
               for o in ctx.graph.objects(m, ARK.maalsystem)}
    lanes = {g.findtext(Q + "label"): g for g in v.findall(Q + "node") if g.get(XSI) == "Container"}
    assert {"Silkeborg Kommune", "Viborg Kommune"} <= set(lanes)
    drawn = set()
    for lane in lanes.values():
        refs = {n.get("elementRef") for n in lane.iter(Q + "node") if n.get("elementRef")}
        drawn |= refs & targets
    assert drawn == targets          # every target system stands in the lane of a member that points to it
    # No connection leaves its lane: each member's lines stay among its own group's nodes.
    lane_of = {n.get("identifier"): name for name, lane in lanes.items() for n in lane.iter(Q + "node")}
    for c in v.findall(Q + "connection"):
        assert lane_of.get(c.get("source")) == lane_of.get(c.get("target")), c.get("identifier")
    lines = [c for c in v.findall(Q + "connection") if c.get(XSI) == "Line"]
    colours = {(c.findtext(Q + "label"), tuple(int(c.find(Q + "style/" + Q + "lineColor").get(k)) for k in "rgb"))
               for c in lines}
    assert ("ingen plan", (0x40, 0x00, 0x0d)) in colours          # divergerende: STATUS_STYLE's border
    assert any(t.startswith("dispensation til") and rgb == (0x76, 0x2a, 0x83) for t, rgb in colours)
    # A member already on the target system: the model's Specialization, not an extra line.
    rel_types = {r.get("identifier"): r.get(XSI) for r in root.iter(Q + "relationship")}
    assert "Specialization" in {rel_types[c.get("relationshipRef")] for c in v.findall(Q + "connection")
                                if c.get(XSI) == "Relationship"}


@pytest.mark.slow  # lays out every view with Graphviz; CI runs it
def test_round_trip_with_views_keeps_the_graph_and_the_integrations(with_views):
    ctx, data, _, _ = with_views
    back = import_bytes(data, "eksport.xml")
    assert back.own and isomorphic(back.graph, ctx.repo.model)
    n = len(set(ctx.repo.model.subjects(RDF.type, ARK.Integration)))
    assert n and len(set(back.graph.subjects(RDF.type, ARK.Integration))) == n


@pytest.mark.slow  # lays out every view with Graphviz; CI runs it
def test_properties_show_code_labels_not_curies(with_views):
    _, data, _, root = with_views
    text = data.decode()
    assert "<value>I drift</value>" in text and "<value>Filoverførsel</value>" in text
    assert ">ark:IDrift<" not in text and ">ark:Filoverfoersel<" not in text


@pytest.mark.slow  # lays out every view with Graphviz; CI runs it
def test_without_graphviz_the_model_is_still_exported(monkeypatch, with_views):
    from arkitektur.interchange import archimate_views

    def missing(view):
        raise FileNotFoundError("dot")

    monkeypatch.setattr(archimate_views, "graphviz_layout", missing)
    ctx = with_views[0]
    data, report = export_repository(ctx.repo, ctx=ctx)
    assert b"<views>" not in data and xsd_check.errors(data) == []
    assert sum("kunne ikke lægges ud" in k for k in report.lost) == 5


def test_cli_without_diagrams(tmp_path):
    from click.testing import CliRunner

    from arkitektur.cli import main

    out = tmp_path / "uden.xml"
    r = CliRunner().invoke(main, ["export", "archimate", str(MODELS), "-o", str(out), "--ingen-diagrammer"])
    assert r.exit_code == 0, r.output
    assert b"<views>" not in out.read_bytes() and "diagrammer" not in r.output


def test_groups_grown_around_wider_boxes_do_not_overlap():
    """Two member groups stacked tightly (as maal draws six members): after the boxes get Archi's
    width, the groups are spread apart rather than grown into each other."""
    from arkitektur.interchange.archimate_views import Box, Item, _fit

    groups = [Item("cluster a", Box(0, 0, 50, 50), "Container"), Item("cluster b", Box(0, 55, 50, 50), "Container")]
    kids = [Item("node 1", Box(15, 15, 20, 20), "Element"), Item("node 2", Box(15, 70, 20, 20), "Element")]
    for g, k in zip(groups, kids):
        g.children.append(k)
    _fit(groups + kids, groups)
    a, b = (g.box for g in groups)
    assert not a.overlaps(b)
    for g, k in zip(groups, kids):
        assert g.box.contains(k.box) and k.box.w >= 130
        assert g.box.x <= k.box.x and k.box.x + k.box.w <= g.box.x + g.box.w
        assert g.box.y <= k.box.y and k.box.y + k.box.h <= g.box.y + g.box.h
