"""``render VIEW --lang en``: the diagrams' own words in English, none of the Danish fixed words left (issue 15 item 6)."""

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

# Integration tests that draw with Graphviz or write workbooks: CI runs them; the default run stays
# under a minute (docs/udvikling/konventioner.md, "Tests").
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
AS_OF = dt.date(2016, 6, 1)
needs_graphviz = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) er ikke installeret")

# The Danish fixed words the views wrote before --lang en reached them (words.py holds them now).
# Model names (system and task labels without an @en label, e.g. "Byg og Miljø") may stay Danish.
DANISH = ["Signaturforklaring", "senest", "udløb", "ingen plan", "konvergeret", "divergerende", "planlagt",
          "ikke registreret", "ikke omfattet", "Målsystem", "målsystem", "målløsning", "mål:", "pr. 2016",
          "Én bane", "opgaver", "forbindelser", "tegnet som én streg", "Grunddataregister", "Punkt-til-punkt",
          "fælles infrastruktur", "personoplysninger", "Kontraktudløb", "Opsigelsesdato", "Fælles vindue",
          "i dag", "Køreplan", "Harmonisering", "Integrationskort", "Målarkitektur", "Systemlandskab",
          "heraf", "dispensation til", "godkendt", "Opgave (KLE)", "intet system", "kommunens anvendelse",
          "Kun opgaver", "Stregens tykkelse", "Planlagt udbud", "uden retsgrundlag"]

# (view, --kommune, English words each drawing of the example must show).
ENGLISH = [
    ("maal", [], ["Target architecture and today", "Legend", "as of 2016-06-01", "One lane per member",
                  "converged", "diverging: no plan", "by 2018-12-31", "of which 1 with dispensation until"]),
    ("integrationer", [], ["Integration map", "Legend", "Via shared infrastructure", "integrations",
                           "connections, drawn as one line", "System (the municipality's usage)"]),
    ("dataflow", [], ["Data flows and personal data", "Legend", "Sensitive personal data", "Base register",
                      "The line's width and pattern"]),
    ("harmonisering", [], ["Harmonisation per task", "Legend", "Task (KLE)", "target system and deadline",
                           "✓ converged", "? not registered", "– not covered", "no plan", "expires 2018-06-30",
                           "approved deviation", "Only tasks with a target solution"]),
    ("roadmap", [], ["Roadmap: contracts, procurements and joint windows", "Legend", "today 2016-06-01",
                     "Contract end (the municipality's abbreviation)", "Planned procurement", "target: DUBU, by",
                     "Joint windows: contract ends at most 12 months apart", "Target deadline"]),
    ("landskab", ["Silkeborg"], ["System landscape: Silkeborg Municipality", "Legend", "as of 2016-06-01"]),
]


@pytest.fixture(scope="module")
def ctx():
    return prepare([MODELS], AS_OF)


def texts(svg: bytes) -> str:
    """Everything a reader sees or hovers over: every <text>, <title> and link title, joined by spaces
    (so a wrapped phrase reads as one)."""
    root = ET.fromstring(svg)
    out = []
    for el in root.iter():
        if el.tag.endswith("}text") or el.tag.endswith("}title"):
            out.append(el.text or "")
        out += [v for k, v in el.attrib.items() if k.endswith("title")]
    return " ".join(out)


def drawn(ctx, name: str, kommuner: list[str], lang: str) -> str:
    sel = views.make_selection(ctx.graph, kommuner, [])
    return texts(render_mod.render(views.build(name, ctx, sel, lang=lang), "svg").data)


@needs_graphviz
@pytest.mark.parametrize("name,ks,english", ENGLISH, ids=[e[0] for e in ENGLISH])
def test_english_diagram_has_no_danish_fixed_words(ctx, name, ks, english):
    text = drawn(ctx, name, ks, "en")
    left = [w for w in DANISH if w in text]
    assert not left, f"{name} --lang en still says {left}"
    missing = [w for w in english if w not in text]
    assert not missing, f"{name} --lang en lacks {missing}"


@needs_graphviz
def test_danish_stays_the_default(ctx):
    text = drawn(ctx, "maal", [], "da")
    assert "Signaturforklaring" in text and "Målarkitektur og i dag" in text and "senest 2018-12-31" in text
    assert "Legend" not in text


def test_english_titles_for_every_view():
    """report/slides read REGISTRY titles: Danish by default, English on request, for every view."""
    for spec in views.REGISTRY.values():
        assert spec.heading() == spec.title == spec.heading("da")
        assert spec.title_en and spec.heading("en") == spec.title_en != spec.title


@needs_graphviz
def test_cli_render_lang_en(tmp_path):
    out = tmp_path / "maal.svg"
    r = CliRunner().invoke(main, ["render", "maal", str(MODELS), "--as-of", "2016-06-01", "--lang", "en",
                                  "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = texts(out.read_bytes())
    assert "Legend" in text and re.search(r"\d+ converged", text)
    assert "Signaturforklaring" not in text and "konvergeret" not in text


@needs_graphviz
def test_slides_lang_en(tmp_path):
    """``render --slide --lang en``: the slides' legend and the view's words in English too."""
    out = tmp_path / "h.svg"
    r = CliRunner().invoke(main, ["render", "harmonisering", str(MODELS), "--as-of", "2016-06-01", "--slide",
                                  "--lang", "en", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "slides →" in r.output
    made = sorted(tmp_path.glob("h-*.svg"))
    assert len(made) >= 2
    for f in made:
        text = texts(f.read_bytes())
        assert "Legend" in text and "Harmonisation per task" in text, f.name
        left = [w for w in DANISH if w in text]
        assert not left, f"{f.name} still says {left}"
