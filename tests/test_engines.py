"""The oxigraph engine gives pySHACL's findings (the reference), on every rule example and on generated models.

Also: the fast store loader reads files and reports bad ones exactly as the rdflib loader does, and
the compiler refuses what it cannot compile.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest
import pyoxigraph as ox
from rdflib import Literal, URIRef

from arkitektur import engine_oxigraph, engine_pyshacl, loader
from arkitektur.catalogue import load_shapes, shipped
from arkitektur.check import DEFAULT_ENGINE, REFERENCE_ENGINE, prepare, prepare_store, run_check
from arkitektur.errors import ArkitekturError, ShapesError
from arkitektur.namespaces import XSD
from arkitektur.resources import examples_dir
from arkitektur.shacl_compile import compile_shapes
from arkitektur.shacl_sparql import inject_focus, term
from benchmarks.generate import generate

logging.getLogger("rdflib").setLevel(logging.ERROR)  # ill-typed literals are planted on purpose

EXAMPLES = sorted(examples_dir().glob("*/*.ttl"))
W3C_TURTLE = Path(__file__).resolve().parents[2] / "shared" / "testsuites" / "w3c-rdf11-turtle"  # ../shared beside the clone


def _as_of(path: Path) -> dt.date:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# as-of:"):
            return dt.date.fromisoformat(line.split()[-1])
    return dt.date(2016, 6, 1)


def _findings(paths, as_of, engine):
    result = run_check(list(paths), as_of=as_of, engine=engine)
    # a list, in output order: the engines must agree on the order too (Finding.sort_key is total)
    return [json.dumps(f.to_json(), sort_keys=True) for f in result.findings]


def _key(findings):
    return {tuple(json.loads(f)[k] for k in ("rule", "focus", "severity", "path", "value")) for f in findings}


def test_the_fast_engine_is_the_default_and_pyshacl_the_reference():
    assert (DEFAULT_ENGINE, REFERENCE_ENGINE) == ("oxigraph", "pyshacl")


def _by_as_of(kind):
    """The rule examples of one kind, grouped by their as-of date: each group is checked as one repository."""
    groups: dict = {}
    for path in EXAMPLES:
        if path.stem == kind:
            groups.setdefault(_as_of(path), []).append(path)
    return sorted(groups.items())


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["bad", "good"])
def test_both_engines_agree_on_the_rule_examples(kind):
    """All examples of a kind in one repository per as-of date (one pySHACL run each, not one per file)."""
    seen = set()
    for as_of, paths in _by_as_of(kind):
        reference = _findings(paths, as_of, "pyshacl")
        fast = _findings(paths, as_of, "oxigraph")
        assert _key(fast) == _key(reference), as_of  # (rule, focus, severity, path, value) …
        assert fast == reference, as_of              # … and everything else a finding says
        seen |= {json.loads(f)["rule"] for f in fast}
    if kind == "bad":
        # the comparison means something only if the examples do fire: (nearly) every rule does
        assert len(seen) > 20


# The example repository (models/) is compared as whole JSON documents, through the command, in
# tests/test_rules_issue13.py::test_both_engines_write_byte_identical_json (one pySHACL run, ~50 s).


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A small generated repository dense with planted defects (every rule but DISP-3 fires on it;
    small, because stock pySHACL takes ~20 s of CPU per 1,500 lines)."""
    root = tmp_path_factory.mktemp("generert")
    generate(root / "b", 2, 8, seed=11, rate=0.15)
    return root / "b"


@pytest.mark.slow
def test_both_engines_agree_on_a_generated_repository(generated):
    reference = _findings([generated], None, "pyshacl")
    fast = _findings([generated], None, "oxigraph")
    assert _key(fast) == _key(reference)
    assert fast == reference
    assert {json.loads(f)["rule"] for f in fast} >= {"MOD-4", "HEL-2", "SMA-2", "KON-3", "HEL-1", "MOD-2"}


def test_the_store_path_and_the_rdflib_path_of_the_fast_engine_agree(generated):
    day = dt.date(2016, 6, 1)
    via_store = prepare_store([generated], day)
    via_rdflib = prepare([generated], day)
    shapes = shipped().graph
    a = engine_oxigraph.validate(via_store.graph, shapes)
    b = engine_oxigraph.validate(via_rdflib.graph, shapes)
    assert {(r.shape, r.focus, r.path, r.value) for r in a} == {(r.shape, r.focus, r.path, r.value) for r in b}


# -- the store loader --------------------------------------------------------------------------

PREFIX = "@prefix ex: <https://example.org/> .\n"


@pytest.mark.parametrize("files", [
    {"a.ttl": PREFIX + "ex:a ex:b ex:c .\n", "b.ttl": PREFIX + 'ex:a ex:b "open .\n'},
    {"a.ttl": PREFIX + "ex:a ex:b ex:c ;\n", "b.ttl": b"\xff\xfe"},
    {"a.ttl": b"\xef\xbb\xbf" + (PREFIX + "ex:a ex:b <relative> .\n").encode()},
    {"a.ttl": PREFIX + "ex:a ex:b ex:c .\n", "b.ttl": "@prefix ex: <https://example.org/>\nex:a ex:b ex:c ."},
])
def test_the_store_loader_reports_bad_files_as_the_rdflib_loader_does(tmp_path, files):
    for name, body in files.items():
        (tmp_path / name).write_bytes(body if isinstance(body, bytes) else body.encode())

    def error(load):
        with pytest.raises(ArkitekturError) as exc:
            load([tmp_path])
        e = exc.value
        return (type(e), e.code, e.file, e.line, e.column, e.da, e.en)

    assert error(loader.load_store) == error(loader.load)


def test_the_store_loader_skips_comment_only_files_with_a_note(tmp_path):
    (tmp_path / "tom.ttl").write_text("# kun en kommentar\n", encoding="utf-8")
    (tmp_path / "data.ttl").write_text(PREFIX + "ex:a ex:b ex:c .\n", encoding="utf-8")
    fast, slow = loader.load_store([tmp_path]), loader.load([tmp_path])
    assert fast.notes == slow.notes and fast.model_files == slow.model_files


BASE = "http://example.org/base/"


def _accepted_turtle():
    roots = [W3C_TURTLE, examples_dir(), Path(__file__).resolve().parents[1] / "models"]
    for root in roots:
        for path in sorted(root.rglob("*.ttl")) if root.is_dir() else []:
            data = path.read_bytes()
            try:
                list(ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=BASE))
                yield path, data.decode("utf-8-sig")
            except (SyntaxError, UnicodeDecodeError):
                continue


def test_the_subject_scan_finds_the_subjects_the_parser_makes_on_their_lines():
    tricky = PREFIX + (
        'ex:s1 ex:p """long "string" with . dots\nex:fake ex:p ex:o .\n"""@en.ex:s2 ex:p "x"@en.ex:s3 '
        "ex:p 5 .ex:s4 ex:p true .ex:s5 ex:p 1.5e3 .\nex:s7 ex:p ex:a.b , \"a.b\" ; ex:q ( ex:l1 ex:l2 ) . "
        "[] ex:p ex:o . [ ex:p ex:o ] ex:q ex:r .\n<https://example.org/s8> ex:p ex:o .ex:s9 ex:p 'x' . "
        "ex:s\\-10 ex:p ex:o .\nex:s11 ex:p ex:o . # ex:fake2 ex:p ex:o .\nPREFIX z: <http://z/>\n"
        "z:s14 ex:p kle:27.24.00 .\n"
    ).replace("kle:", "ex:")
    cases = [(Path("tricky.ttl"), tricky), *_accepted_turtle()]
    assert len(cases) > 20
    lines = {}
    for path, text in cases:
        fast: dict = {}
        loader.scan_subjects(str(path), text, fast, base=BASE)
        if path.name == "tricky.ttl":
            lines = {iri.rsplit("/", 1)[-1]: line for iri, (_, line) in fast.items()}
        # exactly the IRIs the parser makes subjects: load_store marks them afl:Modelemne.
        quads = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=BASE)
        assert set(fast) == {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}, path
    assert lines == {"s1": 2, "s2": 4, "s3": 4, "s4": 4, "s5": 4, "s7": 5, "s8": 6, "s9": 6, "s-10": 6,
                     "s11": 7, "s14": 9}


def test_relative_iris_resolve_as_the_parser_resolves_them():
    """urllib's urljoin drops an empty fragment; the W3C suite's @base/<#> files showed it."""
    from arkitektur.turtle.iri import resolve_iri

    assert resolve_iri("http://example.org/ex", "#") == "http://example.org/ex#"
    assert resolve_iri("http://example.org/a/b", "../c") == "http://example.org/c"
    assert resolve_iri(None, "http://example.org/x") == "http://example.org/x"


# -- what the compiler does and refuses --------------------------------------------------------

SH = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://example.org/> .\n"


def _shapes(tmp_path, text):
    (tmp_path / "s.ttl").write_text(SH + text, encoding="utf-8")
    return load_shapes([tmp_path / "s.ttl"])[0]


@pytest.mark.parametrize("text", [
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:target [ a ex:Custom ] ; sh:nodeKind sh:IRI .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:or ( [ sh:sparql [ sh:select \"SELECT $this WHERE {}\" ] ] ) .",
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 9 ] .",
    # a SPARQL-based constraint component with two values of one parameter
    "ex:K sh:parameter [ sh:path ex:k ] ; sh:validator [ sh:ask \"ASK { FILTER($value != $k) }\" ] .\n"
    "ex:S a sh:NodeShape ; sh:targetClass ex:C ; ex:k 1, 2 .",
])
def test_a_shape_the_compiler_cannot_translate_is_an_error_not_a_skip(tmp_path, text):
    with pytest.raises(ShapesError) as exc:
        compile_shapes(_shapes(tmp_path, text))
    assert exc.value.code == "ARK-E36"


@pytest.mark.parametrize("node", [
    URIRef("https://example.org/a>b"), URIRef("https://example.org/a\\b"), URIRef("https://example.org/a b"),
    URIRef("https://example.org/æ?q=1#x"), Literal('say "hi"\\ \n\r\tnow'), Literal("x", lang="da-DK"),
    Literal("5", datatype=XSD.integer), Literal("abc", datatype=XSD.date), Literal("x", datatype=XSD.string),
])
def test_a_term_is_written_as_sparql_reads_it_back_or_refused_by_name(node):
    try:
        text = term(node)
    except ShapesError as exc:
        assert exc.code == "ARK-E36" and str(node) in str(exc)
        with pytest.raises(ValueError):  # refused only where pyoxigraph cannot hold the IRI either
            ox.NamedNode(str(node))
        return
    (row,) = ox.Store().query(f"SELECT ?x WHERE {{ VALUES ?x {{ {text} }} }}")
    assert row["x"] == (ox.NamedNode(str(node)) if isinstance(node, URIRef) else ox.Literal(
        str(node), language=node.language) if node.language else ox.Literal(str(node), datatype=ox.NamedNode(
            node.datatype or XSD.string)))


def test_a_shape_with_a_target_becomes_one_query_per_constraint(tmp_path):
    plan = compile_shapes(_shapes(tmp_path, """
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:datatype <http://www.w3.org/2001/XMLSchema#date> ] ;
            sh:or ( [ sh:class ex:D ] [ sh:hasValue ex:v ] ) .
        ex:Helper a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ] .
        ex:Off a sh:NodeShape ; sh:targetClass ex:C ; sh:deactivated true ; sh:nodeKind sh:IRI ."""))
    assert sorted(q.kind for q in plan.queries) == ["focus", "none", "value"]
    assert plan.datatypes == {XSD.date} and plan.datatype_predicates == {URIRef("https://example.org/p")}


# Which literals are ill-typed, and how comparisons treat them, is the one place pySHACL follows rdflib
# rather than the specifications: tests/test_shacl_standard.py asserts the default engine's answers
# and the reference's differences (docs/shacl.md); the comparisons below keep to data both get right.


def test_the_targets_join_where_the_planner_does_best():
    focus = "?this a <https://example.org/C> ."
    walks = inject_focus("SELECT $this ?p WHERE { $this ?p ?o . FILTER NOT EXISTS { ?p a ?k } }", focus, None)
    assert walks.rstrip().endswith("FILTER EXISTS { " + focus + " } }")
    head = inject_focus("SELECT ?value WHERE { OPTIONAL { $this <https://example.org/p> ?value } }", focus, None)
    assert head.startswith("SELECT ?this ?value WHERE { { " + focus + " }")


CORE_SHAPES = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Thing a sh:NodeShape ; sh:targetClass ex:T ;
    sh:property [ sh:path ex:name ; sh:minLength 3 ; sh:maxLength 8 ; sh:pattern "^[A-Z]" ; sh:maxCount 2 ] ;
    sh:property [ sh:path ex:label ; sh:languageIn ( "da" "en" ) ; sh:uniqueLang true ] ;
    sh:property [ sh:path ex:n ; sh:datatype xsd:integer ; sh:minInclusive 0 ; sh:maxExclusive 10 ] ;
    sh:property [ sh:path ex:a ; sh:equals ex:b ] ;
    sh:property [ sh:path ex:a ; sh:disjoint ex:c ] ;
    sh:property [ sh:path ex:start ; sh:lessThan ex:end ] ;
    sh:property [ sh:path ex:link ; sh:class ex:T ; sh:nodeKind sh:IRI ] ;
    sh:property [ sh:path ( ex:link ex:name ) ; sh:minCount 1 ] ;
    sh:property [ sh:path [ sh:inversePath ex:link ] ; sh:maxCount 1 ] ;
    sh:property [ sh:path ex:part ; sh:qualifiedValueShape [ sh:class ex:P ] ; sh:qualifiedMaxCount 1 ] ;
    sh:property [ sh:path ex:kind ; sh:in ( ex:k1 ex:k2 ) ; sh:hasValue ex:k1 ] ;
    sh:xone ( [ sh:property [ sh:path ex:x ; sh:minCount 1 ] ] [ sh:property [ sh:path ex:y ; sh:minCount 1 ] ] ) ;
    sh:node ex:Named .
ex:Named a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
ex:Closed a sh:NodeShape ; sh:targetNode ex:t2 ; sh:closed true ; sh:ignoredProperties ( rdf:type ) ;
    sh:property [ sh:path ex:name ] .
ex:Objects a sh:NodeShape ; sh:targetObjectsOf ex:link ; sh:not [ sh:class ex:P ] .
"""

CORE_DATA = PREFIX + """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:t1 a ex:T ; ex:name "Anna" , "Bo" , "Carl" ; ex:label "a"@da , "b"@da , "c"@fr ; ex:n 3 , 12 , "x" ;
    ex:a ex:v1 , ex:v2 ; ex:b ex:v1 , ex:v3 ; ex:c ex:v2 ; ex:start 5 ; ex:end 4 , 9 ; ex:link ex:t2 , "lit" ;
    ex:part ex:p1 , ex:p2 ; ex:kind ex:k2 , ex:k3 ; ex:x 1 ; ex:y 2 .
ex:t2 a ex:T , ex:P ; ex:name "lowercase-and-long" ; ex:kind ex:k1 ; ex:x 1 ; ex:extra 1 .
ex:t3 a ex:T ; ex:link ex:t2 ; ex:kind ex:k1 .
ex:p1 a ex:P . ex:p2 a ex:P .
"""


def test_core_constraints_compile_to_the_results_pyshacl_gives(tmp_path):
    shapes = _shapes(tmp_path, "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n" + CORE_SHAPES)
    (tmp_path / "d.ttl").write_text(CORE_DATA, encoding="utf-8")
    data = prepare([tmp_path / "d.ttl"], dt.date(2016, 6, 1)).graph

    def norm(results):
        # a node shape reports its focus as the value (FindingMaker drops it); compare as findings do
        return {(r.shape, r.focus, r.path, None if r.value == r.focus else r.value) for r in results}

    fast = norm(engine_oxigraph.validate(data, shapes))
    reference = norm(engine_pyshacl.validate(data, shapes))
    assert fast == reference
    assert len(reference) > 20


def test_facts_go_into_the_store_exactly_as_rdflib_terms():
    """StoreGraph += spells what it can as N-Triples, the rest as quads: the same triples either way."""
    from rdflib import BNode

    from arkitektur.storegraph import StoreGraph, nt_term, to_ox

    ex = "https://example.org/"
    b = BNode("kontrakt1")
    facts = [
        (URIRef(ex + "k"), URIRef(ex + "p"), Literal('citat " og \\ og\nny linje\r', lang="da")),
        (URIRef(ex + "k"), URIRef(ex + "dato"), Literal("2016-06-01", datatype=XSD.date)),
        (URIRef(ex + "k"), URIRef(ex + "ugyldig"), Literal("2016-13-45", datatype=XSD.date)),
        (URIRef(ex + "k"), URIRef(ex + "tekst"), Literal("æøå")),
        (URIRef(ex + "k"), URIRef(ex + "kontrakt"), b),
        (b, URIRef(ex + "dato"), Literal("2016-06-01", datatype=XSD.date)),
        (URIRef(ex + "k"), URIRef(ex + "p"), Literal("x", lang="da")),  # repeated: a set in the store
        (URIRef(ex + "k"), URIRef(ex + "p"), Literal("x", lang="da")),
    ]
    assert nt_term(b) is None and nt_term(URIRef("https://example.org/a b")) is None
    view = StoreGraph(ox.Store())
    view += facts
    expected = ox.Store()
    expected.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph()) for s, p, o in facts)
    assert set(view.store) == set(expected)
    assert len(view) == 7


def test_a_file_the_scan_cannot_read_still_gets_its_model_marks(monkeypatch):
    """Should the fast scan ever stop inside a file the parser read, the afl:Modelemne marks come
    from the store instead – the same findings, only slower."""
    path = examples_dir() / "MOD-3" / "bad.ttl"
    expected = run_check([path], as_of=dt.date(2016, 6, 1)).findings
    real = loader.scan_subjects

    def gap(name, text, subjects, base=None):
        if name.endswith("bad.ttl"):
            raise loader.ScanGap(name)
        return real(name, text, subjects, base)

    monkeypatch.setattr(loader, "scan_subjects", gap)
    repo = loader.load_store([path])
    assert repo.locator.gaps == [str(path)]
    got = run_check([path], as_of=dt.date(2016, 6, 1)).findings
    assert [(f.rule, f.focus, f.severity) for f in got] == [(f.rule, f.focus, f.severity) for f in expected]
    assert any(f.rule == "MOD-3" for f in got)


def test_the_garbage_collector_pause_leaves_cycles_collectable():
    """check pauses the cyclic collector and hands everything to the oldest generation afterwards
    (so the next young collection does not walk millions of objects); cycles made meanwhile must
    still be collected, and the collector must be on again."""
    import gc
    import weakref

    from arkitektur.engine_common import cyclic_gc_paused

    class Node:
        pass

    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
        a, b = Node(), Node()
        a.other, b.other = b, a
        alive = weakref.ref(a)
        del a, b
    assert gc.isenabled()
    assert alive() is not None  # a cycle: only the cyclic collector frees it
    gc.collect()
    assert alive() is None
