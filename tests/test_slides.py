"""``render --slide``: every view on 16:9 slides, measured on the SVG — text size at 1920 px, legend share,
split naming — for the example (2 members), the example with a third member and a generated 6-member
repository; and legends that show only what the diagram uses (docs/diagrammer.md, "Lysbilleder")."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner

from arkitektur import slides, views
from arkitektur.check import prepare, resolve_as_of
from arkitektur.cli.app import main

# Integration tests that draw with Graphviz or write workbooks: CI runs them; the default run stays
# under a minute (docs/udvikling/konventioner.md, "Tests").
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
SVG = "{http://www.w3.org/2000/svg}"
SLIDE_AREA = 1920 * 1080


# --------------------------------------------------------------------------- measuring the SVG


def _scale(transform: str | None) -> float:
    """The scale a ``transform`` applies (Graphviz writes "scale(1 1) rotate(0) translate(4 4)")."""
    factor = 1.0
    for m in re.finditer(r"scale\(\s*([-\d.]+)(?:[\s,]+([-\d.]+))?\s*\)", transform or ""):
        factor *= float(m.group(1))
    return factor


def text_sizes(svg: bytes) -> dict[float, int]:
    """Each rendered font size in px at the slide's width (1920), with the number of characters in it."""
    root = ET.fromstring(svg)
    width = float(root.get("viewBox").split()[2])
    assert float(root.get("width")) == 1920 and width == 1920
    out: dict[float, int] = {}

    def walk(el, scale):
        scale *= _scale(el.get("transform"))
        if el.tag == f"{SVG}text":
            text = "".join(el.itertext()).strip()
            if text:
                px = round(float(el.get("font-size")) * scale, 2)
                out[px] = out.get(px, 0) + len(text)
        for child in el:
            walk(child, scale)

    walk(root, 1.0)
    return out


def smallest_and_body(svg: bytes) -> tuple[float, float]:
    sizes = text_sizes(svg)
    return min(sizes), max(sizes, key=lambda s: (sizes[s], -s))


def legend_share(svg: bytes) -> float:
    root = ET.fromstring(svg)
    box = root.find(f".//{SVG}rect[@id='slide-legend-box']")
    if box is None:
        return 0.0
    return float(box.get("width")) * float(box.get("height")) / SLIDE_AREA


# --------------------------------------------------------------------------- repositories


@pytest.fixture(scope="module")
def example():
    return prepare([MODELS], resolve_as_of([MODELS], None))


def _three(tmp: Path) -> Path:
    """The example and a third member with nothing modelled yet (``new kommune``, as a forum would)."""
    models = tmp / "models"
    shutil.copytree(MODELS, models)
    res = CliRunner().invoke(main, ["new", "kommune", "Skive", "--kode", "779", "--fra", "2017-01-01",
                                    "--dir", str(models)])
    assert res.exit_code == 0, res.output
    return models


def _six(tmp: Path) -> Path:
    from benchmarks.generate import generate

    generate(tmp / "seks", 6, 8)
    return tmp / "seks"


def _selection(ctx, name: str):
    kommune = [str(views.kommuner(ctx.graph)[0])] if name == "landskab" else []
    return views.make_selection(ctx.graph, kommune, [], False)


def assert_readable(made: list, name: str) -> None:
    """The contract of a slide deck: 1920 px wide, smallest text ≥ 14 px, body ≥ 18 px, legend ≤ 12 %,
    and on a split view "k/n: …" on every slide, in order."""
    assert made, name
    n = len(made)
    for k, slide in enumerate(made, 1):
        small, body = smallest_and_body(slide.svg)
        assert small >= 14.0, (name, slide.label, small)
        assert body >= 18.0, (name, slide.label, body)
        assert legend_share(slide.svg) <= 0.12, (name, slide.label)
        if n > 1:
            assert slide.label.startswith(f"{k}/{n}: "), (name, slide.label)
            assert f'data-slide="{slide.label}"'.encode() in slide.svg


# --------------------------------------------------------------------------- the measure itself


def test_the_measure_sees_scaled_text():
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="1920" height="1080" viewBox="0 0 1920 1080">'
           b'<text font-size="36">Titel</text><g transform="translate(4 4) scale(1.5)">'
           b'<g transform="scale(1 1) rotate(0)"><text font-size="8">lille</text>'
           b'<text font-size="12">body text of the diagram</text></g></g></svg>')
    assert smallest_and_body(svg) == (12.0, 18.0)


# --------------------------------------------------------------------------- the example (2 members)


def test_dataflow_slides_of_the_example(example):
    """Quick loop: one view, every slide measured."""
    made = slides.make_slides("dataflow", example, _selection(example, "dataflow"))
    assert_readable(made, "dataflow")
    # The unsplit rendering of the same view is far below the projector size at 1920 wide: the slides
    # are what makes it readable, not a property every drawing has.
    plain = views.build("dataflow", example, _selection(example, "dataflow"))
    from arkitektur import render as render_mod

    data = render_mod.render(plain, "svg").data
    root = ET.fromstring(data)
    _, _, w, h = (float(x) for x in root.get("viewBox").split())
    sizes = {float(t.get("font-size")) for t in root.iter(f"{SVG}text") if t.get("font-size")}
    assert min(sizes) * min(1920 / w, 1080 / h) < 14.0


@pytest.mark.slow
@pytest.mark.parametrize("name", views.VIEWS)
def test_every_view_of_the_example(example, name):
    made = slides.make_slides(name, example, _selection(example, name))
    assert_readable(made, name)


@pytest.mark.slow
@pytest.mark.parametrize("name", views.VIEWS)
def test_every_view_with_three_members(tmp_path_factory, name):
    models = _three(tmp_path_factory.mktemp("tre"))
    ctx = prepare([models], resolve_as_of([models], None))
    assert len(views.kommuner(ctx.graph)) == 3
    assert_readable(slides.make_slides(name, ctx, _selection(ctx, name)), name)


@pytest.fixture(scope="module")
def six(tmp_path_factory):
    root = _six(tmp_path_factory.mktemp("seks"))
    return prepare([root], resolve_as_of([root], None))


@pytest.mark.slow
@pytest.mark.parametrize("name", views.VIEWS)
def test_every_view_with_six_members(six, name):
    assert len(views.kommuner(six.graph)) == 6
    made = slides.make_slides(name, six, _selection(six, name))
    assert_readable(made, name)
    if name in ("integrationer", "dataflow", "maal"):
        # Six members never fit one readable slide: split by member, each slide naming its part.
        assert len(made) > 1 and all("Kommune" in s.label for s in made)


# --------------------------------------------------------------------------- splitting and naming


@pytest.mark.slow
def test_split_roadmap_by_years_and_task_groups(example):
    made = slides.make_slides("roadmap", example, _selection(example, "roadmap"))
    assert len(made) > 1
    # "1/8: 2016–2018 · KLE 00–15": a year range, then the KLE main groups.
    assert all(re.match(r"\d+/\d+: \d{4}(–\d{4})? · KLE \d\d", s.label) for s in made), [s.label for s in made]
    assert_readable(made, "roadmap")
    for s in made:
        # The years the slide says it shows are the years on its axis: no more, no fewer.
        span = re.match(r"\d+/\d+: (\d{4})(?:–(\d{4}))?", s.label)
        first, last = int(span.group(1)), int(span.group(2) or span.group(1))
        drawing = ET.fromstring(s.svg).find(f".//{SVG}g[@id='d']")
        axis = {int(t.text) for t in drawing.iter(f"{SVG}text") if t.text and re.fullmatch(r"\d{4}", t.text)}
        assert axis == set(range(first, last + 1)), (s.label, axis)


def test_cli_writes_name_k_svg(tmp_path):
    out = tmp_path / "dataflow.svg"
    res = CliRunner().invoke(main, ["render", "dataflow", str(MODELS), "--slide", "-o", str(out)])
    assert res.exit_code == 0, res.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["dataflow-1.svg", "dataflow-2.svg"]
    first = (tmp_path / "dataflow-1.svg").read_bytes()
    assert b'data-slide="1/2: Silkeborg Kommune"' in first
    assert "2 lysbilleder" in res.output


def test_cli_one_slide_to_stdout_and_several_refused(tmp_path):
    res = CliRunner().invoke(main, ["render", "dataflow", str(MODELS), "--slide", "--kommune", "Viborg"])
    assert res.exit_code == 0, res.output
    assert 'data-slide="1/1"' in res.output and 'width="1920"' in res.output
    res = CliRunner().invoke(main, ["render", "dataflow", str(MODELS), "--slide"])
    assert res.exit_code == 2 and "ARK-E165" in res.output
    res = CliRunner().invoke(main, ["render", "dataflow", str(MODELS), "--slide", "-o", str(tmp_path / "x.png")])
    assert res.exit_code == 2 and "ARK-E166" in res.output
    assert list(tmp_path.iterdir()) == []


def test_never_writes_over_an_input(example, tmp_path):
    """NAME-2.svg named among the inputs: refused before anything is written (ARK-E137)."""
    made = slides.make_slides("dataflow", example, _selection(example, "dataflow"))
    second = tmp_path / "dataflow-2.svg"
    second.write_text("<svg/>", encoding="utf-8")
    from arkitektur.errors import ArkitekturError

    with pytest.raises(ArkitekturError) as err:
        slides.write_slides(made, tmp_path / "dataflow.svg", [MODELS, second])
    assert err.value.code == "ARK-E137"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataflow-2.svg"]
    assert second.read_text(encoding="utf-8") == "<svg/>"


# --------------------------------------------------------------------------- legends


@pytest.mark.parametrize("name", ["integrationer", "dataflow", "maal"])
def test_legend_only_what_the_drawing_uses(example, name):
    view = views.build(name, example, _selection(example, name))
    used = {n.kind for n in view.nodes if not n.legend and not n.helper}
    used |= {e.kind for e in view.edges if not e.legend and not e.helper}
    samples = {n.kind for n in view.nodes if n.legend and n.kind not in ("legend_point", "legend_text",
                                                                          "legend_title", "helper_point")}
    lines = {e.kind for e in view.edges if e.legend and not e.helper}
    assert samples | lines <= used, (samples | lines) - used
    merged = max((e.count for e in view.edges if not e.legend and not e.helper), default=1)
    texts = [" ".join(n.lines) for n in view.nodes if n.legend]
    if merged > 1:
        assert any(t.startswith(f"×{merged}: {merged} forbindelser") for t in texts), texts
    else:
        assert not any(t.startswith("×") for t in texts)


def test_integrationer_legend_explains_the_count(example):
    """The example's integration map merges each member's 4 CPR lookups into one line labelled ×4: the legend says so."""
    view = views.build("integrationer", example, _selection(example, "integrationer"))
    counts = {e.count for e in view.edges if not e.legend and e.count > 1}
    assert 4 in counts
    texts = [" ".join(n.lines) for n in view.nodes if n.legend]
    assert any(t.startswith(f"×{max(counts)}: {max(counts)} forbindelser") for t in texts), texts
    assert "Grunddata punkt-til-punkt (FDA 2.1)" in " ".join(texts)


def test_slide_legend_lists_only_used_styles(example):
    made = slides.make_slides("dataflow", example, _selection(example, "dataflow"))
    for s in made:
        legend = ET.fromstring(s.svg).find(f".//{SVG}g[@id='l']")
        words = " ".join("".join(t.itertext()) for t in legend.iter(f"{SVG}text"))
        drawing = ET.fromstring(s.svg).find(f".//{SVG}g[@id='d']")
        styles = {p.get("stroke-dasharray") for p in drawing.iter(f"{SVG}path")}
        # dataflow's example uses no dashed "Kategori ikke angivet" line: not in the legend either.
        if "5,2" not in styles:
            assert "Kategori ikke angivet" not in words
        assert "Signaturforklaring" in words


# --------------------------------------------------------------------------- report --slides


def test_deck_page_allows_only_its_own_script():
    import base64
    import hashlib

    from arkitektur.report import slides as deck

    page = deck._page("T", '<div class="slide"></div>', prev="01.html", nxt="03.html").decode()
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = re.search(r'Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    assert 'rel="prev" href="01.html"' in page and 'rel="next" href="03.html"' in page
    assert "ArrowRight" in script and "ArrowLeft" in script


def test_pack_with_a_deck_can_be_replaced(tmp_path):
    """A pack written with lysbilleder/ is recognised as the tool's own and replaced on the next run."""
    import datetime as dt

    from arkitektur.report import Pack, write_pack

    pack = Pack(title="T", as_of=dt.date(2016, 6, 1), html="<p>x</p>", diagrams=[], notes=[],
                deck={"lysbilleder/01.html": b"<p>1</p>", "lysbilleder/alle.html": b"<p>alle</p>"})
    out = tmp_path / "pakke"
    write_pack(pack, out)
    assert (out / "lysbilleder" / "01.html").read_bytes() == b"<p>1</p>"
    pack.deck = {"lysbilleder/01.html": b"<p>ny</p>"}
    write_pack(pack, out)
    assert sorted(p.name for p in (out / "lysbilleder").iterdir()) == ["01.html"]


@pytest.mark.slow
def test_report_slides_deck(tmp_path):
    out = tmp_path / "pakke"
    res = CliRunner().invoke(main, ["report", str(MODELS), "-o", str(out), "--slides"])
    assert res.exit_code == 0, res.output
    pages = sorted(p.name for p in (out / "lysbilleder").iterdir())
    assert pages[0] == "01.html" and pages[-1] == "alle.html"
    front = (out / "lysbilleder" / "01.html").read_text(encoding="utf-8")
    assert "Indhold" in front and "Køreplan" in front
    every = (out / "lysbilleder" / "alle.html").read_text(encoding="utf-8")
    assert every.count('<div class="slide">') == len(pages) - 1
    for name in pages[1:-1]:
        html = (out / "lysbilleder" / name).read_text(encoding="utf-8")
        svg = re.search(r"<svg.*</svg>", html, re.S).group(0).encode("utf-8")
        small, body = smallest_and_body(svg)
        assert small >= 14 and body >= 18, (name, small, body)
    assert f"lysbilleder: {len(pages) - 1}" in res.output


def test_legend_explains_a_style_the_view_forgot():
    """A drawing that uses a style its view's legend list forgot (a dotted "kontekst" box) still explains it."""
    from arkitektur.views.diagram import Node, View
    from arkitektur.views.layout import used_items

    view = View(name="landskab", title="t", subtitle=[])
    view.nodes += [Node(id="a", lines=["SBSYS"], kind="system"), Node(id="b", lines=["Acadre"], kind="kontekst")]
    items = used_items(view, [("node", "system", "System i drift"), ("node", "register", "Grunddataregister")])
    assert items == [("node", "system", "System i drift"),
                     ("node", "kontekst", "Uden for udsnittet (anden opgave eller kommune)")]


def test_a_legend_too_large_gets_its_own_slide(example, monkeypatch):
    """Above LEGEND_SHARE the legend leaves every slide and is the last one ("n/n: Signaturforklaring")."""
    monkeypatch.setattr(slides, "LEGEND_SHARE", 0.001)
    made = slides.make_slides("dataflow", example, _selection(example, "dataflow"))
    assert [s.label for s in made] == ["1/3: Silkeborg Kommune", "2/3: Viborg Kommune", "3/3: Signaturforklaring"]
    assert all(legend_share(s.svg) == 0.0 for s in made[:-1])
    last = ET.fromstring(made[-1].svg)
    words = " ".join("".join(t.itertext()) for t in last.iter(f"{SVG}text"))
    assert "Følsomme personoplysninger" in words and "Almindelige personoplysninger" in words
    small, body = smallest_and_body(made[-1].svg)
    assert small >= 14 and body >= 18


def test_left_to_right_legend_is_samples_beside_lines(example):
    """integrationer (left to right): sample boxes in one column, lines and their texts beside them —
    as many rows as the longer list, not both lists stacked."""
    from arkitektur import render as render_mod

    view = views.build("integrationer", example, _selection(example, "integrationer"))
    samples = [n.id for n in view.nodes if n.legend and n.kind not in ("legend_point", "legend_text")]
    texts = [n.id for n in view.nodes if n.legend and n.kind == "legend_text"]
    root = ET.fromstring(render_mod.render(view, "svg").data)
    y_of = {}
    for g in root.iter(f"{SVG}g"):
        title = g.find(f"{SVG}title")
        if g.get("class") == "node" and title is not None:
            ys = [float(t.get("y")) for t in g.iter(f"{SVG}text")]
            if ys:
                y_of[title.text] = sum(ys) / len(ys)
    rows = {round(y_of[i] / 20) for i in samples + texts}
    assert len(samples) == 3 and len(texts) == 4
    assert len(rows) <= max(len(samples), len(texts)) + 1, rows
