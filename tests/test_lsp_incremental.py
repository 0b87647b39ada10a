"""The language server's incremental re-check equals a fresh full check after every edit (issue 16, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from arkitektur import catalogue as catalogue_mod
from arkitektur.lsp import diagnostics as diag
from arkitektur.lsp import incremental
from tests.hostile import copy_models


def _seen(outcome: diag.Outcome) -> tuple:
    """Everything an editor is shown: per file each diagnostic's rule, range, severity, message
    and data; the notes; a failure; the findings."""
    shown = {}
    for path, found in outcome.diagnostics.items():
        shown[str(path)] = sorted(
            (str(d.code), d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character,
             int(d.severity), d.message, repr(d.data)) for d in found)
    failure = None if outcome.failure is None else outcome.failure.message("da")
    # and the findings behind them (hover, code actions): label and kommune too
    findings = sorted(repr(f) for found in outcome.findings.values() for f in found)
    return shown, list(outcome.notes), failure, sorted(map(str, outcome.files)), findings


def _edits(root: Path):
    """A scripted sequence of (description, {file: new buffer text or None for the file on disk})."""
    vs = root / "viborg" / "systemanvendelser.ttl"
    kat = root / "samarbejde" / "katalog.ttl"
    integ = root / "silkeborg" / "integrationer.ttl"
    v, k, i = (p.read_text(encoding="utf-8") for p in (vs, kat, integ))
    acadre_block = v[v.index("vi:Acadre\n"):v.index("vi:BygOgMiljoe\n")]
    yield "the files as they are", {vs: v}
    yield "a typo in a property (MOD-1)", {vs: v.replace("ark:systemansvarlig", "ark:systemansvarig", 1)}
    yield "a second typo, in a class", {vs: v.replace("ark:systemansvarlig", "ark:systemansvarig", 1)
                                        .replace("a ark:Systemanvendelse", "a ark:Systemanvendelsee", 1)}
    yield "both fixed", {vs: v}
    yield "a date made invalid (MOD-4, derived facts)", {vs: v.replace('"2014-10-01"^^xsd:date', '"2014-13-01"^^xsd:date', 1)}
    yield "a block removed", {vs: v.replace(acadre_block, "")}
    yield "the block added back twice (the same triples stated twice)", {vs: v + "\n" + acadre_block}
    shared = '\n<https://w3id.org/arkitektur/eksempel/viborg#Acadre> <http://www.w3.org/2000/01/rdf-schema#label> "Viborg: Acadre"@da .\n'
    unlabelled = v.replace('rdfs:label "Viborg: Acadre"@da ,\n        "Viborg: Acadre"@en ;', 'rdfs:label "Viborg: Acadre"@en ;')
    assert unlabelled != v
    yield "the same triple stated in a second file", {vs: v, integ: i + shared}
    yield "taken out of the first file, still stated by the second", {vs: unlabelled, integ: i + shared}
    yield "taken out of both (MOD-3: no Danish label)", {vs: unlabelled, integ: i}
    yield "a prefix removed (ARK-E02 with the declaration to add)", {vs: v.replace("@prefix sam: <https://w3id.org/arkitektur/eksempel/samarbejde#> .\n", "")}
    yield "the file broken mid-statement, the other file changed meanwhile", {
        vs: v.replace("ark:livscyklus ark:IDrift ;", "ark:livscyklus ark:IDrift", 1),
        integ: i.replace('"', '"Ny ', 1)}
    yield "repaired", {vs: v, integ: i}
    yield "a catalogue node renamed that other files reference (MOD-2)", {kat: k.replace("sam:Acadre\n", "sam:AcadreX\n", 1), vs: v}
    yield "renamed again: the proposal follows the new name", {kat: k.replace("sam:Acadre\n", "sam:AcadreY\n", 1), vs: v}
    yield "a reference misspelt (MOD-2: did you mean sam:AcadreY?)", {
        kat: k.replace("sam:Acadre\n", "sam:AcadreY\n", 1), vs: v.replace("sam:Acadre ;", "sam:AcadreZZ ;")}
    yield "another node labelled as the misspelling: the proposal follows the label", {
        kat: k.replace("sam:Acadre\n", "sam:AcadreY\n", 1).replace('rdfs:label "Cicero"@da', 'rdfs:label "AcadreZZ"@da', 1),
        vs: v.replace("sam:Acadre ;", "sam:AcadreZZ ;")}
    yield "the references renamed too", {kat: k.replace("sam:Acadre\n", "sam:AcadreX\n", 1),
                                         vs: v.replace("sam:Acadre ;", "sam:AcadreX ;")}
    yield "the catalogue emptied to a comment", {kat: "# tom\n", vs: v}
    yield "the catalogue closed: its file on disk counts again", {vs: v}
    assert 'rdfs:label "SBSYS"@da' in k
    yield "a target system relabelled in the catalogue (HEL-2's message about Viborg's Acadre names it)", {
        kat: k.replace('rdfs:label "SBSYS"@da', 'rdfs:label "SBSYS 2.0"@da', 1), vs: v}
    yield "a delivery date changed (derived facts: plans, expiry)", {vs: v.replace('"2014-10-01"', '"2099-10-01"', 1)}
    fleet = v.index("vi:Fleetsched\n")  # used by a data flow whose SV-1 finding takes its kommune from it
    moved = v[:fleet] + v[fleet:].replace("ark:kommune vi:Viborg ;", "ark:kommune <https://w3id.org/arkitektur/eksempel/silkeborg#Silkeborg> ;", 1)
    yield "a usage moved to the other kommune (the kommune of findings about related elements)", {vs: moved}
    maal = root / "samarbejde" / "maalarkitektur.ttl"
    m = maal.read_text(encoding="utf-8")
    assert 'ark:udloeber "2017-12-31"^^xsd:date' in m
    yield "a dispensation expired (derived afl:udloebet: DISP-2, the dispensed findings count again)", {
        maal: m.replace('ark:udloeber "2017-12-31"^^xsd:date', 'ark:udloeber "2016-01-31"^^xsd:date', 1)}
    yield "everything as on disk", {}


@pytest.fixture
def repo(tmp_path):
    return copy_models(tmp_path)


@pytest.mark.slow  # 38 checks of the example repository: ~5 s
def test_incremental_equals_a_full_check_after_each_edit(repo):
    root = diag.repository_root(repo)
    cat = catalogue_mod.for_paths([root])
    state = incremental.State()
    good_inc: dict = {}
    good_full: dict = {}
    steps = 0
    ran = []
    for what, buffers in _edits(root):
        buffers = {p.resolve(): t for p, t in buffers.items()}
        inc = diag.check(root, buffers, good_inc, "da", cat, state)
        full = diag.check(root, buffers, good_full, "da", cat, None)
        assert _seen(inc) == _seen(full), what
        assert good_inc == good_full, what
        if steps == 0:
            state.analyse(cat)  # as the server does after its first check: from now on rows are reused
        else:
            ran.append(state.reuse.ran)
        steps += 1
    assert steps == 25
    # the sequence did reach the cases it names, and most edits reran only some of the rules
    assert state.store is not None and state.loaded
    queries = len(state.reuse.plan.queries)
    assert sum(r < queries / 2 for r in ran) >= 10, ran


def test_a_file_changed_on_disk_is_read_again(repo):
    root = diag.repository_root(repo)
    cat = catalogue_mod.for_paths([root])
    state = incremental.State()
    diag.check(root, {}, {}, "da", cat, state)
    vs = root / "viborg" / "systemanvendelser.ttl"
    vs.write_text(vs.read_text(encoding="utf-8").replace("ark:systemansvarlig", "ark:systemansvarig", 1), encoding="utf-8")
    inc = diag.check(root, {}, {}, "da", cat, state)
    assert _seen(inc) == _seen(diag.check(root, {}, {}, "da", cat, None))
    assert [d.code for d in inc.diagnostics[vs.resolve()]].count("MOD-1") == 1


def test_only_the_changed_file_is_parsed_again(repo, monkeypatch):
    root = diag.repository_root(repo)
    cat = catalogue_mod.for_paths([root])
    state = incremental.State()
    diag.check(root, {}, {}, "da", cat, state)
    parsed = []
    real = incremental.parse
    monkeypatch.setattr(incremental, "parse", lambda display, text: parsed.append(display) or real(display, text))
    vs = (root / "viborg" / "systemanvendelser.ttl").resolve()
    bad = vs.read_text(encoding="utf-8").replace("ark:systemansvarlig", "ark:systemansvarig", 1)
    out = diag.check(root, {vs: bad}, {}, "da", cat, state)
    # the new text, and on this first edit of the file its old text again (its triples as loaded)
    assert [Path(p).name for p in parsed] == ["systemanvendelser.ttl"] * 2
    parsed.clear()
    worse = bad.replace("ark:systemansvarlig", "ark:systemansvarig", 1)
    diag.check(root, {vs: worse}, {}, "da", cat, state)  # a second edit: only the new text
    assert [Path(p).name for p in parsed] == ["systemanvendelser.ttl"]
    assert [d.code for d in out.diagnostics[vs]].count("MOD-1") == 1
    parsed.clear()
    diag.check(root, {vs: worse}, {}, "da", cat, state)  # the same text again: nothing parsed
    assert parsed == []


@pytest.mark.slow
def test_the_store_holds_exactly_ontology_models_and_overlay(repo):
    """After edits the kept store equals one built from scratch for the same texts."""
    root = diag.repository_root(repo)
    cat = catalogue_mod.for_paths([root])
    state = incremental.State()
    edits = list(_edits(root))
    for _, buffers in edits[:7]:
        diag.check(root, {p.resolve(): t for p, t in buffers.items()}, {}, "da", cat, state)
    fresh = incremental.State()
    diag.check(root, {p.resolve(): t for p, t in edits[6][1].items()}, {}, "da", cat, fresh)

    def shape(store):  # blank nodes get new names in each parse: compare the rest
        return sorted(str(q) for q in store if not any(
            type(t).__name__ == "BlankNode" for t in (q.subject, q.object)))

    assert shape(state.store) == shape(fresh.store)
    assert len(state.store) == len(fresh.store)


def test_only_changed_diagnostics_are_published_again(repo):
    """After an edit the server sends the edited buffer (its new version) and the files whose
    diagnostics changed; a file whose diagnostics are as before is not sent again."""
    from arkitektur.lsp.server import ArkitekturServer

    root = diag.repository_root(repo)
    cat = catalogue_mod.for_paths([root])
    state = incremental.State()
    server = ArkitekturServer()
    sent: list = []
    server.text_document_publish_diagnostics = lambda params: sent.append((params.uri, params.version))
    vs = (root / "viborg" / "systemanvendelser.ttl").resolve()
    text = vs.read_text(encoding="utf-8")
    server.publish(diag.check(root, {vs: text}, {}, "da", cat, state), {vs.as_uri(): 1})
    everything = {uri for uri, _ in sent}
    assert vs.as_uri() in everything and len(everything) > 10
    sent.clear()
    bad = text.replace("ark:systemansvarlig", "ark:systemansvarig", 1)
    server.publish(diag.check(root, {vs: bad}, {}, "da", cat, state), {vs.as_uri(): 2})
    assert sent == [(vs.as_uri(), 2)]  # MOD-1 and STY-1 both in this file; nothing else changed
    sent.clear()
    server.publish(diag.check(root, {vs: bad}, {}, "da", cat, state), {vs.as_uri(): 3})
    assert sent == [(vs.as_uri(), 3)]  # same diagnostics, new version: answered
    sent.clear()
    server.publish(diag.check(root, {vs: bad}, {}, "da", cat, state), {vs.as_uri(): 3})
    assert sent == []


def test_a_change_after_a_pause_is_checked_at_once_a_burst_at_its_end():
    """Leading-edge debounce: the first change after a pause starts a check at once; a change
    closer than the debounce to the one before waits for that much quiet."""
    import asyncio

    from arkitektur.lsp.server import ArkitekturServer

    async def scenario():
        server = ArkitekturServer()
        server._start = lambda: None  # only when the check is scheduled counts here
        loop = asyncio.get_running_loop()
        server.schedule()
        first = server._pending.when() - loop.time()
        server.schedule()  # straight after: part of a burst
        second = server._pending.when() - loop.time()
        await asyncio.sleep(server.debounce + 0.02)
        server.schedule()  # after a pause again
        third = server._pending.when() - loop.time()
        return first, second, third

    first, second, third = asyncio.run(scenario())
    assert first <= 0.005
    assert abs(second - 0.075) < 0.01
    assert third <= 0.005


_TWO_TARGETS = """
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix sv: <https://w3id.org/arkitektur/eksempel/samarbejde/regler#> .

sv:SV-9
    a sh:NodeShape ;
    sh:name "Prøveregel med to mål"@da , "Test rule with two targets"@en ;
    sh:message "{$this} har en afsender."@da , "{$this} has a sender."@en ;
    sh:severity sh:Info ;
    sh:targetClass ark:Dataflow , ark:Integration ;
    sh:property [ sh:path ark:fra ; sh:maxCount 0 ] ;
    ark:kilde <https://w3id.org/arkitektur/docs/egne-regler> ;
    ark:loesning "Ingen."@da , "None."@en ;
    ark:princip "Prøve"@da , "Test"@en ;
    ark:problem "En prøve af fokusmængder."@da , "A test of focus sets."@en ;
    ark:regel "SV-9" .
"""


@pytest.mark.slow  # 7 checks of the example repository: ~4 s
def test_an_own_rule_with_two_targets_follows_a_changed_type(repo):
    """A core shape with several targets finds its focus nodes with an update (a focus set) before
    its queries run: a changed rdf:type reaches it through the update, not the query text."""
    root = diag.repository_root(repo)
    (root / "regler" / "proeve.ttl").write_text(_TWO_TARGETS, encoding="utf-8")
    cat = catalogue_mod.for_paths([root])
    from arkitektur.engine_oxigraph import plan_for

    assert plan_for(cat.graph).focus_sets  # the rule does get a focus set
    integ = (root / "silkeborg" / "integrationer.ttl").resolve()
    text = integ.read_text(encoding="utf-8")
    retyped = text.replace("a ark:Integration ;", "a ark:Integrationn ;", 1)
    assert retyped != text
    state = incremental.State()
    diag.check(root, {integ: text}, {}, "da", cat, state)
    state.analyse(cat)
    counts = []
    for buffer in (retyped, text, retyped):
        inc = diag.check(root, {integ: buffer}, {}, "da", cat, state)
        full = diag.check(root, {integ: buffer}, {}, "da", cat, None)
        assert _seen(inc) == _seen(full)
        counts.append(sum(d.code == "SV-9" for found in inc.diagnostics.values() for d in found))
    assert counts[0] == counts[1] - 1 == counts[2]


def _same_as_a_fresh_check_after_each(root: Path, steps) -> None:
    cat = catalogue_mod.for_paths([root])
    state = incremental.State()
    good_inc: dict = {}
    good_full: dict = {}
    for n, (what, buffers) in enumerate(steps):
        buffers = {(root / p).resolve(): t for p, t in buffers.items()}
        inc = diag.check(root, buffers, good_inc, "da", cat, state)
        full = diag.check(root, buffers, good_full, "da", cat, None)
        assert _seen(inc) == _seen(full), what
        if n == 0:
            state.analyse(cat)


@pytest.mark.slow  # 8 checks of the example repository
def test_what_depends_on_how_a_file_writes_a_value_not_only_on_the_store(repo):
    """Found in review: "450000"^^xsd:byte is stored as xsd:integer, so writing it as xsd:integer
    changes no triple – but the byte is ill-typed (MOD-4) and the integer is not."""
    root = diag.repository_root(repo)
    kf = "silkeborg/kontrakter.ttl"
    k = (root / kf).read_text(encoding="utf-8")
    assert 'ark:aarligPris "520000"^^xsd:decimal' in k
    byte = k.replace('ark:aarligPris "520000"^^xsd:decimal', 'ark:aarligPris "450000"^^xsd:byte', 1)
    integer = k.replace('ark:aarligPris "520000"^^xsd:decimal', 'ark:aarligPris "450000"^^xsd:integer', 1)
    _same_as_a_fresh_check_after_each(root, [
        ("as is", {kf: k}), ("a byte out of range", {kf: byte}),
        ("the same value as xsd:integer", {kf: integer}), ("a byte again", {kf: byte})])


@pytest.mark.slow
def test_positions_follow_the_file_that_first_describes_a_subject(repo):
    """Found in review: a file's statement blocks end where a subject first described in it
    starts; describing one of them in an earlier file moves the blocks of an unedited file."""
    root = diag.repository_root(repo)
    vs, kat = "viborg/systemanvendelser.ttl", "samarbejde/katalog.ttl"
    v, k = ((root / f).read_text(encoding="utf-8") for f in (vs, kat))
    i = v.index("vi:CSCVitae\n")
    v2 = v[:i] + 'vi:Acadre ark:systemansvarig "x" .\n\n' + v[i:]
    k2 = k + '\n@prefix vi: <https://w3id.org/arkitektur/eksempel/viborg#> .\nvi:BygOgMiljoe rdfs:comment "også her" .\n'
    _same_as_a_fresh_check_after_each(root, [
        ("a misspelt property of vi:Acadre after vi:BygOgMiljoe's block", {vs: v2}),
        ("vi:BygOgMiljoe described in the catalogue too", {vs: v2, kat: k2}),
        ("and taken out again", {vs: v2, kat: k})])


@pytest.mark.slow
def test_a_literal_spelling_an_iri_is_shown_with_that_nodes_new_label(repo):
    """Found in review: a message shows the label of a node a literal value names."""
    root = diag.repository_root(repo)
    vs, kat = "viborg/systemanvendelser.ttl", "samarbejde/katalog.ttl"
    v, k = ((root / f).read_text(encoding="utf-8") for f in (vs, kat))
    i = v.index("vi:BygOgMiljoe\n")
    j = v.index("ark:livscyklus ark:IDrift", i)
    bad = v[:j] + 'ark:livscyklus "https://w3id.org/arkitektur/eksempel/samarbejde#Acadre"' + v[j + len("ark:livscyklus ark:IDrift"):]
    assert 'rdfs:label "Acadre"@da' in k
    _same_as_a_fresh_check_after_each(root, [
        ("a code-list value written as a literal naming sam:Acadre", {vs: bad}),
        ("sam:Acadre relabelled in the catalogue", {vs: bad, kat: k.replace('rdfs:label "Acadre"@da', 'rdfs:label "Acadre (ny)"@da', 1)})])


def test_a_file_rewritten_with_its_old_modification_time_is_read_again(tmp_path, monkeypatch):
    """Found in review: the disk cache must not trust (modification time, size) alone."""
    import os

    monkeypatch.setattr(incremental, "_RACY", 0.0)  # no racy window: the cache is trusted at once
    f = tmp_path / "a.ttl"
    f.write_text("# aaaa\n", encoding="utf-8")
    state = incremental.State()
    assert state.disk_text(f, str(f)) == "# aaaa\n"
    reads = []
    real = incremental.loader.read_text
    monkeypatch.setattr(incremental.loader, "read_text", lambda p, d: reads.append(d) or real(p, d))
    assert state.disk_text(f, str(f)) == "# aaaa\n" and reads == []  # unchanged: not read
    st = f.stat()
    f.write_text("# bbbb\n", encoding="utf-8")  # the same size
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the old modification time
    assert state.disk_text(f, str(f)) == "# bbbb\n"
