"""fmt på fjendtligt input / fmt never hangs or crashes on deep nesting (issue 13).

Deep ``[ … ]`` and ``( … )`` once took time doubling per level (30 levels: a hang) and, deeper,
ended in a RecursionError traceback. Now fmt is linear up to a documented limit
(``turtle.syntax.MAX_NESTING``) and refuses deeper files with ARK-E43 at file:line, exit 2, untouched.
"""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest

from arkitektur import fmt as fmt_mod
from arkitektur.turtle import printer as fmt_render, syntax as fmt_syntax
from arkitektur.fmt import FormatError, format_text
from hostile import assert_no_traceback, assert_refused, run, snapshot

PREFIX = "@prefix ex: <http://ex/> .\n"


def nested_bnodes(n: int) -> str:
    return PREFIX + "ex:s ex:p " + "[ ex:p " * n + "ex:o" + " ]" * n + " .\n"


def nested_lists(n: int) -> str:
    return PREFIX + "ex:s ex:p " + "( " * n + "ex:o" + " )" * n + " .\n"


def commented_bnodes(n: int) -> str:
    """Every level has a comment, so nothing fits on one line: the renderer descends all the way."""
    return PREFIX + "ex:s ex:p " + "[ # niveau\n ex:q 1 ; ex:p " * n + "ex:o" + " ]" * n + " .\n"


def same_graph(a: str, b: str) -> bool:
    """Isomorphic; by fmt's own linear check (tested below against pyoxigraph's canonical form,
    which takes minutes on a chain of 1000 blank nodes)."""
    return fmt_mod._isomorphic(fmt_mod._parse(a, None, None), fmt_mod._parse(b, None, None))


def canonical(text: str) -> ox.Dataset:
    ds = ox.Dataset(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return ds


def counting(monkeypatch, module, name: str) -> list[int]:
    calls = [0]
    real = getattr(module, name)

    def wrapper(*args, **kwargs):
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


@pytest.mark.parametrize("make", [nested_bnodes, nested_lists, commented_bnodes])
def test_work_grows_linearly_with_nesting(monkeypatch, make):
    # Counted, not timed: the old renderer called render_node 2^n times for n levels.
    finished = counting(monkeypatch, fmt_render, "_finish")
    rendered = counting(monkeypatch, fmt_render, "render_node")
    work = {}
    for n in (100, 200):
        finished[0] = rendered[0] = 0
        out = format_text(make(n))
        work[n] = (finished[0], rendered[0])
        assert same_graph(out, make(n))
    assert work[200][0] <= 2.2 * work[100][0]
    assert work[200][1] <= 2.2 * work[100][1]


@pytest.mark.parametrize("make", [nested_bnodes, nested_lists, commented_bnodes])
@pytest.mark.parametrize("levels", [30, 200])
def test_deep_nesting_formats_quickly_and_idempotently(make, levels):
    text = make(levels)
    start = time.perf_counter()
    out = format_text(text)
    assert time.perf_counter() - start < 5  # generous: it takes milliseconds; the old code hung
    assert format_text(out) == out
    assert same_graph(out, text)
    if levels <= 30:
        assert canonical(out) == canonical(text)


@pytest.mark.parametrize("make", [nested_bnodes, nested_lists, commented_bnodes])
def test_nesting_up_to_the_limit_formats_without_recursion_error(make):
    out = format_text(make(fmt_syntax.MAX_NESTING))
    assert same_graph(out, make(fmt_syntax.MAX_NESTING))


@pytest.mark.parametrize("make", [nested_bnodes, nested_lists])
def test_nesting_past_the_limit_is_refused_at_the_bracket(make):
    with pytest.raises(FormatError) as exc:
        format_text(make(fmt_syntax.MAX_NESTING + 1), display="dyb.ttl")
    err = exc.value
    assert err.code == "ARK-E43"
    assert (err.file, err.line) == ("dyb.ttl", 2)
    line = make(fmt_syntax.MAX_NESTING + 1).splitlines()[1]
    brackets = [i for i, ch in enumerate(line) if ch in "[("]
    assert err.column == brackets[fmt_syntax.MAX_NESTING] + 1  # the first bracket past the limit


def test_the_fast_isomorphism_check_sees_a_change_deep_inside():
    deep = nested_bnodes(300)
    before = fmt_mod._parse(deep, None, None)
    changed = fmt_mod._parse(deep.replace("ex:o", "ex:x"), None, None)
    swapped = fmt_mod._parse(PREFIX + "ex:s ex:p " + "[ ex:p " * 299 + "[ ex:q ex:o ]" + " ]" * 299 + " .\n",
                             None, None)
    assert fmt_mod._isomorphic(before, fmt_mod._parse(deep, None, None))
    assert not fmt_mod._isomorphic(before, changed)
    assert not fmt_mod._isomorphic(before, swapped)


def test_shared_and_cyclic_blank_nodes_are_compared_by_canonical_form():
    shared = PREFIX + "ex:a ex:p _:b . ex:c ex:p _:b . _:b ex:q 1 .\n"
    split = PREFIX + "ex:a ex:p [ ex:q 1 ] . ex:c ex:p [ ex:q 1 ] .\n"
    cycle = PREFIX + "_:x ex:p _:y . _:y ex:p _:x .\n"
    loop = PREFIX + "_:x ex:p _:x . _:z ex:p _:z .\n"
    assert len(fmt_mod._signature(fmt_mod._parse(shared, None, None))[1]) == 3
    assert len(fmt_mod._signature(fmt_mod._parse(cycle, None, None))[1]) == 2
    assert not fmt_mod._isomorphic(fmt_mod._parse(shared, None, None), fmt_mod._parse(split, None, None))
    assert not fmt_mod._isomorphic(fmt_mod._parse(cycle, None, None), fmt_mod._parse(loop, None, None))
    assert fmt_mod._isomorphic(fmt_mod._parse(cycle, None, None), fmt_mod._parse(cycle, None, None))
    assert format_text(shared) and format_text(cycle)


# --- the real command in a child process -------------------------------------------------------

@pytest.mark.slow
def test_cli_fmt_check_on_30_nested_blank_nodes_answers_at_once(tmp_path):
    f = tmp_path / "dyb.ttl"
    f.write_text(nested_bnodes(30), encoding="utf-8")
    before = snapshot(tmp_path)
    r = run("fmt", "--check", f, timeout=60)
    assert r.code == 1, str(r)  # not canonical yet: a finding, not an error
    assert_no_traceback(r)
    assert snapshot(tmp_path) == before
    r = run("fmt", f, timeout=60)
    assert r.code == 0, str(r)
    assert_no_traceback(r)
    assert canonical(f.read_text(encoding="utf-8")) == canonical(nested_bnodes(30))


@pytest.mark.parametrize("make", [nested_bnodes, nested_lists])
def test_cli_fmt_refuses_too_deep_nesting_and_leaves_every_file(tmp_path, make):
    (tmp_path / "dyb.ttl").write_text(make(fmt_syntax.MAX_NESTING + 500), encoding="utf-8")
    (tmp_path / "andet.ttl").write_text(PREFIX + "ex:b ex:p ex:o . ex:a ex:p ex:o .\n", encoding="utf-8")
    before = snapshot(tmp_path)
    r = run("fmt", tmp_path, timeout=60)
    assert_refused(r, "dyb.ttl:2:", "ARK-E43", "for dybt indlejret", "nested too deeply")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("make", [nested_bnodes, nested_lists])
def test_cli_check_reads_very_deep_nesting(tmp_path, make):
    models = tmp_path / "models"
    models.mkdir()
    (models / "dyb.ttl").write_text(make(5000), encoding="utf-8")
    before = snapshot(tmp_path)
    r = run("check", models, timeout=120)
    assert r.code == 0, str(r)
    assert_no_traceback(r)
    assert snapshot(tmp_path) == before


def test_a_changed_graph_without_blank_nodes_is_refused(monkeypatch):
    # Without blank nodes the check is a plain set comparison; it must still see a lost or
    # changed triple (here a literal's lexical form, "01" → "1").
    text = PREFIX + 'ex:a ex:p "01"^^<http://www.w3.org/2001/XMLSchema#integer> ; ex:q ex:o .\n'
    real = fmt_render.render
    monkeypatch.setattr(fmt_render, "render", lambda doc: real(doc).replace('"01"', '"1"'))
    with pytest.raises(FormatError) as exc:
        format_text(text, display="x.ttl")
    assert exc.value.code == "ARK-E40"
    monkeypatch.setattr(fmt_render, "render", lambda doc: real(doc).replace(" ;\n    ex:q ex:o", ""))
    with pytest.raises(FormatError):
        format_text(text, display="x.ttl")


def test_a_cycle_elsewhere_does_not_slow_down_deep_nesting():
    # Only the component with the cycle goes to pyoxigraph's canonicalisation (minutes for a
    # chain of 1000 blank nodes); the deep tree beside it is hashed.
    text = nested_bnodes(fmt_syntax.MAX_NESTING) + "_:x ex:p _:x .\n_:y ex:p _:z .\nex:a ex:p _:z .\n"
    start = time.perf_counter()
    out = format_text(text)
    assert time.perf_counter() - start < 5
    assert format_text(out) == out
    assert fmt_mod._isomorphic(fmt_mod._parse(out, None, None), fmt_mod._parse(text, None, None))
    other = text.replace("_:x ex:p _:x", "_:x ex:p _:w")
    assert not fmt_mod._isomorphic(fmt_mod._parse(other, None, None), fmt_mod._parse(text, None, None))
