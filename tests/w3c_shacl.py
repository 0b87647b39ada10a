"""Reads the W3C SHACL test suite (../shared/testsuites/w3c-shacl) and runs one test with one engine.

An engine passes a test when its report has the expected ``sh:conforms`` and the same multiset of
results (focus node, result path, value, source shape, source constraint component, severity) —
or, for a test whose expected result is ``sht:Failure``, when it refuses the shapes graph.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from arkitektur import shacl_validate
from arkitektur.errors import ArkitekturError
from arkitektur.namespaces import RDF, SH

SUITE = Path(__file__).resolve().parents[2] / "shared" / "testsuites" / "w3c-shacl"  # ../shared beside the clone
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"


@dataclass
class W3CTest:
    name: str       # e.g. core/property/uniqueLang-001
    path: Path
    node: URIRef    # the test entry in its file
    graph: Graph    # the whole file: data, shapes and expected report


def tests() -> list[W3CTest]:
    """Every test of the suite: the manifests include folders' manifests, which include test files,
    each of which lists its own entries (mf:entries)."""
    out = []
    todo = [SUITE / "manifest.ttl"]
    while todo:
        path = todo.pop(0)
        g, _ = shacl_validate.read_graph([path])
        for inc in sorted(g.objects(None, URIRef(MF + "include")), key=str):
            todo.append(Path(inc.removeprefix("file://")))
        for entries in g.objects(None, URIRef(MF + "entries")):
            for node in Collection(g, entries):
                name = str(path.resolve().relative_to(SUITE.resolve()).with_suffix(""))
                out.append(W3CTest(name=name, path=path.resolve(), node=node, graph=g))
    return sorted(out, key=lambda t: t.name)


def _graph_of(t: W3CTest, prop: str) -> Graph:
    action = t.graph.value(t.node, URIRef(MF + "action"))
    target = t.graph.value(action, URIRef(SHT + prop))
    if target is None or str(target).split("#")[0] == t.path.as_uri():
        return t.graph
    g, _ = shacl_validate.read_graph([Path(str(target).removeprefix("file://"))])
    return g


def _canon(term, g: Graph):
    """A term to compare: blank-node paths by their structure, everything else as it is."""
    if isinstance(term, BNode):
        if (term, RDF.first, None) in g or any(
                (term, p, None) in g for p in (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath,
                                               SH.zeroOrOnePath, SH.alternativePath)):
            return ("path", shacl_validate.path_text(term, g))
    return term


def expected(t: W3CTest):
    """None for sht:Failure, else (conforms, Counter of result keys)."""
    result = t.graph.value(t.node, URIRef(MF + "result"))
    if result == URIRef(SHT + "Failure"):
        return None
    g = t.graph
    conforms = g.value(result, SH.conforms) == Literal(True)
    keys = Counter()
    for r in g.objects(result, SH.result):
        keys[tuple(_canon(g.value(r, p), g) for p in (SH.focusNode, SH.resultPath, SH.value, SH.sourceShape,
                                                       SH.sourceConstraintComponent, SH.resultSeverity))] += 1
    return conforms, keys


def run(t: W3CTest, engine: str) -> str:
    """'pass', or what went wrong: 'wrong: …', 'refused: …', 'error: …'."""
    want = expected(t)
    data, shapes = _graph_of(t, "dataGraph"), _graph_of(t, "shapesGraph")
    try:
        v = shacl_validate.validate(data, shapes, engine)
    except ArkitekturError as exc:
        return "pass" if want is None else f"refused: {exc.code}: {exc.en[:160]}"
    except Exception as exc:  # noqa: BLE001 - a crash is a result of its own here
        return f"error: {type(exc).__name__}: {str(exc)[:160]}"
    if want is None:
        return "wrong: validated a shapes graph it should refuse"
    got = Counter(tuple(_canon(x, shapes) if x is r.path else x for x in
                        (r.focus, r.path, r.value, r.shape, r.component, r.severity)) for r in v.results)
    if (v.conforms, got) == want:
        return "pass"
    missing, extra = want[1] - got, got - want[1]
    return f"wrong: conforms {v.conforms} (want {want[0]}); missing {len(missing)}, extra {len(extra)}"
