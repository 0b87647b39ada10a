"""Print and PDF of the meeting pack (issue 14 item 6): ≤ 12 A4 pages for the example, one diagram per
landscape page, nothing split, file paths and RDF terms only in the appendix; ``--pdf`` without
Chromium is exit 2 with how to install it.

Pages are counted in the PDF itself (``/Type /Page`` objects and their ``/MediaBox``): Chromium
writes them uncompressed, and no PDF library is needed for that.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from arkitektur.cli import main
from arkitektur.report import pdf as pdf_mod

pytestmark = pytest.mark.slow   # Chromium prints the pack: seconds per test

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
CSS = (ROOT / "src" / "arkitektur" / "report" / "templates" / "moedepakke.css").read_text(encoding="utf-8")
HAS_BROWSER = any(shutil.which(b) for b in pdf_mod.BROWSERS)
HAS_DOT = shutil.which("dot") is not None
A4 = (595, 842)   # points, rounded


def _pages(data: bytes) -> list[tuple[int, int]]:
    """(width, height) in points of every page, in file order."""
    boxes = []
    for m in re.finditer(rb"/Type\s*/Page(?![s\w])", data):
        # The page object around the match ("N 0 obj … endobj") holds its MediaBox.
        start = data.rfind(b" obj", 0, m.start())
        end = data.find(b"endobj", m.end())
        box = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data[start:end])
        assert box, data[start:end][:300]
        boxes.append((round(float(box.group(3))), round(float(box.group(4)))))
    return boxes


def _print_block() -> str:
    return CSS[CSS.index("@media print {"):]


def test_print_stylesheet_rules():
    block = _print_block()
    # Text on A4 portrait, each diagram on a named landscape page.
    assert re.search(r"@page\s*\{\s*size:\s*A4 portrait;", CSS)
    assert re.search(r"@page diagram\s*\{\s*size:\s*A4 landscape;", CSS)
    assert re.search(r"figure\.diagram\s*\{[^}]*page:\s*diagram;[^}]*break-before:\s*page;", block)
    # Nothing split: cards, table rows, figures.
    rule = re.search(r"\n\s*([^{}\n]*)\{\s*break-inside:\s*avoid;\s*\}", block)
    assert rule and {".card", "tr", "figure"} <= {s.strip() for s in rule.group(1).split(",")}
    # File paths and commit ids are for architects: hidden in print (the appendix keeps them).
    assert re.search(r"\.fil, \.teknisk[^{]*\{\s*display:\s*none;", block)
    assert "nav.indhold { display: none; }" in block


@pytest.mark.skipif(not (HAS_BROWSER and HAS_DOT), reason="Chromium eller Graphviz mangler ('bash scripts/opsaet.sh --test')")
def test_example_prints_to_at_most_12_pages_one_landscape_page_per_diagram(tmp_path):
    out, pdf = tmp_path / "pakke", tmp_path / "moede.pdf"
    res = CliRunner().invoke(main, ["report", str(MODELS), "-o", str(out), "--pdf", str(pdf)])
    assert res.exit_code == 0, res.output
    assert f"PDF → {pdf}" in res.output
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = _pages(data)
    assert len(pages) <= 12, pages
    landscape = [p for p in pages if p == A4[::-1]]
    portrait = [p for p in pages if p == A4]
    # The example has seven diagrams (roadmap included): each on its own landscape page, all text portrait.
    assert len(landscape) == 7 and len(portrait) == len(pages) - 7, pages
    # Text first (page 1 is the key figures), the diagrams after it.
    assert pages[0] == A4 and pages[-7:] == [A4[::-1]] * 7
    (ROOT / "test-artefakter").mkdir(exist_ok=True)
    shutil.copyfile(pdf, ROOT / "test-artefakter" / "moedepakke.pdf")


def test_pdf_only_writes_no_folder(tmp_path, monkeypatch):
    if not HAS_BROWSER:
        pytest.skip("Chromium mangler")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["report", str(MODELS), "--pdf", "moede.pdf", "--timeout", "30"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["moede.pdf"]


def test_pdf_without_chromium_is_exit_2_and_says_how_to_install(tmp_path, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    out = tmp_path / "pakke"
    res = CliRunner().invoke(main, ["report", str(MODELS), "-o", str(out), "--pdf", str(tmp_path / "m.pdf")])
    assert res.exit_code == 2, res.output
    assert "ARK-E133" in res.output and "apt-get install chromium" in res.output
    assert "Traceback" not in res.output
    # Checked before anything is built: nothing written.
    assert not out.exists() and not (tmp_path / "m.pdf").exists()


def test_pdf_must_end_in_pdf(tmp_path):
    model = tmp_path / "model.ttl"
    model.write_text("# min model\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["report", str(MODELS), "--pdf", str(model)])
    assert res.exit_code == 2 and "ARK-E136" in res.output
    assert model.read_text(encoding="utf-8") == "# min model\n"


def test_report_needs_o_or_pdf():
    res = CliRunner().invoke(main, ["report", str(MODELS)])
    assert res.exit_code == 2 and "--pdf" in res.output


def test_failing_chromium_is_ark_e135_and_keeps_the_old_pdf(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho kaput >&2\nexit 3\n", encoding="utf-8")
    fake.chmod(0o755)
    index = tmp_path / "index.html"
    index.write_text("<html></html>", encoding="utf-8")
    target = tmp_path / "m.pdf"
    target.write_bytes(b"%PDF gammel")
    with pytest.raises(pdf_mod.PdfError) as err:
        pdf_mod.print_pdf(index, target, browser=str(fake))
    assert err.value.code == "ARK-E135" and "exitkode 3" in err.value.da and "kaput" in err.value.da
    assert target.read_bytes() == b"%PDF gammel"


def test_appendix_has_rdf_terms_and_files_the_findings_table_hides_them_in_print(tmp_path):
    out = tmp_path / "pakke"
    res = CliRunner().invoke(main, ["report", str(MODELS), "-o", str(out), "--timeout", "30"])
    assert res.exit_code == 0, res.output
    html = (out / "index.html").read_text(encoding="utf-8")
    bilag = re.search(r'<section id="bilag".*?</section>', html, re.S).group(0)
    # The example's own prefixes (sk:, vi:) and the ontology's (ark:), and file:line.
    assert "<code>sk:KMDOpera</code>" in bilag and "<code>ark:via</code>" in bilag
    assert "models/silkeborg/integrationer.ttl:34</code>" in bilag
    assert html.index('id="diagrammer"') < html.index('id="bilag"')
    assert '<a href="#bilag">Bilag</a>' in html
