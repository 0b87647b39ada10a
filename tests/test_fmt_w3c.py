"""fmt against the W3C RDF 1.1 Turtle suite: positives round-trip isomorphically, negatives are refused."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from arkitektur.cli import main
from arkitektur.errors import InputError
from arkitektur.fmt import format_text

SUITE = Path(__file__).resolve().parents[2] / "shared" / "testsuites" / "w3c-rdf11-turtle"  # ../shared beside the clone
BASE = "http://www.w3.org/2013/TurtleTests/"  # replaced by the manifest's mf:assumedTestBase
RDFT = "http://www.w3.org/ns/rdftest#"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

pytestmark = pytest.mark.skipif(not (SUITE / "manifest.ttl").is_file() and not os.environ.get("CI"),
                                reason="W3C suite not present (in CI it must be)")


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """A copy of the suite (shared/ is read-only) and its tests by kind."""
    root = tmp_path_factory.mktemp("w3c")
    for f in SUITE.iterdir():
        if f.is_file():
            shutil.copy(f, root / f.name)
    kinds: dict[str, str] = {}
    actions: dict[str, str] = {}
    results: dict[str, str] = {}
    tests_base = BASE
    for q in ox.parse(path=str(root / "manifest.ttl"), base_iri=BASE + "manifest.ttl"):
        s, p, o = q.subject, q.predicate.value, q.object
        if p == RDF_TYPE and o.value.startswith(RDFT):
            kinds[s.value] = o.value[len(RDFT):]
        elif p == MF + "action":
            actions[s.value] = o.value.rsplit("/", 1)[-1]
        elif p == MF + "result":
            results[s.value] = o.value.rsplit("/", 1)[-1]
        elif p == MF + "assumedTestBase":
            tests_base = o.value
    tests = {"positive": [], "negative": [], "base": tests_base}
    for test, kind in sorted(kinds.items()):
        entry = (root / actions[test], root / results[test] if test in results else None, kind)
        tests["negative" if "Negative" in kind else "positive"].append(entry)
    return tests


def _graph(data: bytes, fmt, base: str) -> ox.Dataset:
    ds = ox.Dataset(ox.parse(data, format=fmt, base_iri=base))
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return ds


def test_counts(suite):
    assert len(suite["positive"]) == 219
    assert len(suite["negative"]) == 94


def test_positive_and_evaluation_tests_round_trip_isomorphically(suite):
    done = 0
    for path, result, kind in suite["positive"]:
        base = suite["base"] + path.name
        original = path.read_bytes()
        out = format_text(original.decode("utf-8"), base_iri=base, display=path.name)
        assert _graph(out.encode(), ox.RdfFormat.TURTLE, base) == _graph(original, ox.RdfFormat.TURTLE, base), path.name
        if kind == "TestTurtleEval":
            expected = _graph(result.read_bytes(), ox.RdfFormat.N_TRIPLES, base)
            assert _graph(out.encode(), ox.RdfFormat.TURTLE, base) == expected, path.name
        assert format_text(out, base_iri=base) == out, f"{path.name}: not idempotent"
        assert out.endswith("\n") and not out.endswith("\n\n") or out == ""
        done += 1
    assert done == 219


def test_negative_tests_are_refused_and_left_untouched(suite):
    runner = CliRunner()
    for path, _, _ in suite["negative"]:
        original = path.read_bytes()
        with pytest.raises(InputError):
            format_text(original.decode("utf-8", errors="strict"), base_iri=suite["base"] + path.name)
        res = runner.invoke(main, ["fmt", str(path)])
        assert res.exit_code == 2, path.name
        assert f"{path.name}:" in res.stderr
        assert path.read_bytes() == original, path.name
