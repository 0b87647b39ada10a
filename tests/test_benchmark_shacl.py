"""``python -m benchmarks.shacl`` runs: a smoke test on a tiny repository (the real run takes minutes
and is not part of the suite; docs/ydelse.md has its figures)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from w3c_shacl import SUITE

pytestmark = pytest.mark.slow   # runs the benchmark itself (both engines over the W3C suite): ~15 s

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(not SUITE.is_dir(), reason="W3C SHACL suite not found beside the clone")
def test_the_benchmark_prints_tallies_times_and_ratios(tmp_path):
    done = subprocess.run([sys.executable, "-m", "benchmarks.shacl", "--scale", "1x2", "--pyshacl-timeout", "0.01",
                           "--big", "1x3", "--data", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "oxigraph  120/120 pass (pass 120)" in out, out
    assert "pyshacl   117/120 pass" in out, out
    assert out.count("ratio pySHACL / default engine:") == 2, out
    assert "pyshacl   stopped after 0 s" in out and "(pySHACL did not finish)" in out, out
    assert "(CPU: " in out and "target ≥ 20×" in out, out  # the suite's ratio, also in CPU time
    big = next(line for line in out.splitlines() if line.startswith("time "))  # --big: all three figures
    assert "(target ≤ 12 s: met)" in big and "CPU " in big and "(target ≤ 1200 MB: met)" in big, out
