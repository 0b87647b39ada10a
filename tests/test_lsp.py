"""``arkitektur lsp`` end to end: a real LSP client over stdio (pytest-lsp) against a copy of models/."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.hostile import copy_models, snapshot

pytestmark = [pytest.mark.asyncio(loop_scope="module"),
              pytest.mark.slow]   # a server over the whole example repository: 1–2 s per test

SERVER = [str(Path(sys.executable).with_name("arkitektur")), "lsp"]


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    return copy_models(tmp_path_factory.mktemp("lsp"))


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient, models):
    lsp_client.models = models
    lsp_client.before = snapshot(models)
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        workspace_folders=[lsp.WorkspaceFolder(uri=models.as_uri(), name="models")]))
    await _until(lsp_client, (models / "silkeborg" / "integrationer.ttl").as_uri())
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER))
async def client_en(lsp_client: LanguageClient, models):
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("neovim"), root_uri=(models / "viborg").as_uri(),
        initialization_options={"lang": "en"}))
    await _until(lsp_client, (models / "silkeborg" / "integrationer.ttl").as_uri())
    yield
    await lsp_client.shutdown_session()


async def _until(client: LanguageClient, uri: str, timeout: float = 30):
    """Wait for the next diagnostics of ``uri`` (the caller popped the previous ones); polled,
    because a check publishes every file in one burst, faster than one waiter per notification."""
    import asyncio

    for _ in range(int(timeout / 0.02)):
        if uri in client.diagnostics:
            return client.diagnostics[uri]
        await asyncio.sleep(0.02)
    raise TimeoutError(uri)


_versions: dict[str, int] = {}


async def _open(client, path: Path) -> tuple[str, str]:
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8")
    if uri not in _versions:
        _versions[uri] = 1
        client.diagnostics.pop(uri, None)
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri=uri, language_id="turtle", version=1, text=text)))
        await _until(client, uri)
    return uri, text


async def _set(client, uri: str, text: str) -> list[lsp.Diagnostic]:
    """Replace the buffer (unsaved) and return its diagnostics after the re-check."""
    _versions[uri] += 1
    v = _versions[uri]
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        lsp.VersionedTextDocumentIdentifier(uri=uri, version=v),
        [lsp.TextDocumentContentChangeWholeDocument(text=text)]))
    return await _until(client, uri)


def _apply(text: str, edits: list[lsp.TextEdit]) -> str:
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        a = offsets[e.range.start.line] + e.range.start.character
        b = offsets[e.range.end.line] + e.range.end.character
        text = text[:a] + e.new_text + text[b:]
    return text


def _one(diags, code):
    hits = [d for d in diags if d.code == code]
    assert len(hits) == 1, diags
    return hits[0]


async def _fix(client, uri, text, d) -> str:
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=d.range,
        context=lsp.CodeActionContext(diagnostics=[d])))
    assert actions and len(actions) == 1, actions
    return _apply(text, actions[0].edit.changes[uri])


async def test_every_file_published_and_nothing_written(client: LanguageClient):
    files = {p.as_uri() for p in client.models.rglob("*.ttl")}
    assert files <= set(client.diagnostics)
    for diags in client.diagnostics.values():
        for d in diags:
            assert d.source == "arkitektur"
            # a shipped rule links its page; the example's own rules (SV-…) link their ark:kilde
            assert d.code_description is None or d.code_description.href.endswith(f"{d.code}.md") or (
                str(d.code).startswith("SV-") and d.code_description.href.endswith("egne-regler"))
    assert snapshot(client.models) == client.before


async def test_typo_diagnostic_range_and_did_you_mean(client: LanguageClient):
    uri, text = await _open(client, client.models / "silkeborg" / "systemanvendelser.ttl")
    bad = text.replace('ark:systemansvarlig "Informatik', 'ark:systemansvarig "Informatik', 1)
    d = _one(await _set(client, uri, bad), "MOD-1")
    assert d.severity == lsp.DiagnosticSeverity.Error
    assert (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character) == (42, 4, 42, 22)
    assert "ark:systemansvarlig" in d.message
    assert d.code_description.href.endswith("/docs/regler/MOD-1.md")
    hover = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri=uri), d.range.start))
    assert "**MOD-1**" in hover.contents.value and "Løsning / solution" in hover.contents.value
    fixed = await _fix(client, uri, bad, d)
    assert fixed == text
    assert not [x for x in await _set(client, uri, fixed) if x.code == "MOD-1"]
    assert snapshot(client.models) == client.before  # the buffer was never saved


async def test_dangling_reference_and_its_fix(client: LanguageClient):
    uri, text = await _open(client, client.models / "silkeborg" / "integrationer.ttl")
    bad = text.replace("ark:via ark:Serviceplatformen .\n", "ark:via ark:Serviceplatform .\n", 1)
    d = _one(await _set(client, uri, bad), "MOD-2")
    assert (d.range.start.line, d.range.start.character, d.range.end.character) == (94, 12, 31)
    fixed = await _fix(client, uri, bad, d)
    assert "ark:via ark:Serviceplatformen ." in fixed
    assert not [x for x in await _set(client, uri, fixed) if x.code == "MOD-2"]


async def test_missing_prefix_is_a_syntax_diagnostic_with_the_declaration(client: LanguageClient):
    uri, text = await _open(client, client.models / "silkeborg" / "integrationer.ttl")
    decl = "@prefix sk: <https://w3id.org/arkitektur/eksempel/silkeborg#> .\n"
    bad = text.replace(decl, "", 1)
    diags = await _set(client, uri, bad)
    d = _one(diags, "ARK-E02")
    assert len(diags) == 1  # the buffer's other findings would sit at stale positions
    assert d.severity == lsp.DiagnosticSeverity.Error
    line = bad.split("\n")[d.range.start.line]
    assert line[d.range.start.character:].startswith("sk:")
    fixed = await _fix(client, uri, bad, d)
    assert decl in fixed
    assert not [x for x in await _set(client, uri, fixed) if x.code == "ARK-E02"]
    # the other files were still checked meanwhile: a broken buffer does not blank the repository
    assert any(client.diagnostics.values())


async def test_garbage_buffer_keeps_the_server_up(client: LanguageClient):
    uri, text = await _open(client, client.models / "viborg" / "kommune.ttl")
    d = _one(await _set(client, uri, "@prefix : <x> . \x00 <<< ;;; \"unterminated"), "ARK-E02")
    assert d.range.start.line == 0
    assert not [x for x in await _set(client, uri, text) if x.code.startswith("ARK-E")]


async def test_formatting_and_refusal(client: LanguageClient):
    uri, text = await _open(client, client.models / "viborg" / "kommune.ttl")
    messy = text.replace("\n    ", "\n        ", 3)
    await _set(client, uri, messy)
    edits = await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), options=lsp.FormattingOptions(tab_size=4, insert_spaces=True)))
    assert edits and _apply(messy, edits) == text
    await _set(client, uri, "ark:x ark:y")
    assert await client.text_document_formatting_async(lsp.DocumentFormattingParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), options=lsp.FormattingOptions(tab_size=4, insert_spaces=True))) is None
    await _set(client, uri, text)
    assert snapshot(client.models) == client.before


async def test_hover_and_definition(client: LanguageClient):
    uri, text = await _open(client, client.models / "silkeborg" / "integrationer.ttl")
    await _set(client, uri, text)
    lines = text.split("\n")
    row = next(i for i, l in enumerate(lines) if "ark:via ark:Serviceplatformen" in l)
    col = lines[row].index("ark:Serviceplatformen") + 5
    pos = lsp.Position(row, col)
    hover = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri=uri), pos))
    assert "Serviceplatformen" in hover.contents.value
    where = await client.text_document_definition_async(lsp.DefinitionParams(lsp.TextDocumentIdentifier(uri=uri), pos))
    assert where is not None
    target = Path(where.uri[len("file://"):]).read_text(encoding="utf-8").split("\n")[where.range.start.line]
    assert target.startswith("ark:Serviceplatformen")


async def test_missing_property_action_inserts_it(client: LanguageClient):
    uri, text = await _open(client, client.models / "silkeborg" / "systemanvendelser.ttl")
    bad = text.replace('    ark:systemansvarlig "Informatik – GIS-koordinatorerne" ;\n', "", 1)
    assert bad != text
    diags = await _set(client, uri, bad)
    d = next(d for d in diags if d.code == "STY-1" and "systemansvarlig" in d.message
             and bad.split("\n")[d.range.start.line].startswith("sk:") and d.range.start.line < 45)
    fixed = await _fix(client, uri, bad, d)
    assert 'ark:systemansvarlig ""' in fixed
    after = await _set(client, uri, fixed)
    assert not [x for x in after if x.code == "STY-1" and x.range.start.line == d.range.start.line]
    await _set(client, uri, text)


async def _complete(client, uri, text, marker: str, at: int) -> list[lsp.CompletionItem]:
    lines = text.split("\n")
    row = next(i for i, l in enumerate(lines) if marker in l)
    pos = lsp.Position(row, lines[row].index(marker) + at)
    got = await client.text_document_completion_async(lsp.CompletionParams(lsp.TextDocumentIdentifier(uri=uri), pos))
    return sorted(got.items, key=lambda i: i.sort_text)


async def test_completion_classes_properties_and_values(client: LanguageClient):
    uri, text = await _open(client, client.models / "silkeborg" / "systemanvendelser.ttl")
    await _set(client, uri, text)
    classes = await _complete(client, uri, text, "    a ark:Systemanvendelse", 6)
    assert "ark:Systemanvendelse" in [i.label for i in classes]
    props = await _complete(client, uri, text, "ark:livscyklus ark:IDrift", 0)
    first = [i.label for i in props if i.sort_text.startswith("0")]
    assert {"ark:systemansvarlig", "ark:livscyklus", "ark:system"} <= set(first)
    assert "ark:aarligPris" not in first  # domain is not a Systemanvendelse: listed after
    values = await _complete(client, uri, text, "ark:livscyklus ark:IDrift", len("ark:livscyklus "))
    assert [i.label for i in values] == sorted(["ark:Planlagt", "ark:Indfases", "ark:IDrift", "ark:Udfases", "ark:Udfaset"])
    assert all(i.detail for i in values)  # the Danish label
    kommuner = await _complete(client, uri, text, "ark:kommune sk:Silkeborg", len("ark:kommune "))
    assert "sk:Silkeborg" in [i.label for i in kommuner]


async def test_completion_of_prefixes(client: LanguageClient):
    """A declaration begun offers those the repository's other files use (not those the file has);
    at the start of a statement the file's own prefix names."""
    uri, text = await _open(client, client.models / "silkeborg" / "systemanvendelser.ttl")
    begun = "@prefix v\n" + text
    await _set(client, uri, begun)
    offered = await _complete(client, uri, begun, "@prefix v", len("@prefix v"))
    by_label = {i.label: i for i in offered}
    assert by_label["vi:"].text_edit.new_text == "vi: <https://w3id.org/arkitektur/eksempel/viborg#> ."
    assert by_label["vi:"].text_edit.range.start == lsp.Position(0, len("@prefix "))
    assert "sk:" not in by_label and "ark:" not in by_label  # declared in this file already
    used = [int(i.documentation.split()[2]) for i in offered]  # "erklæret i N af …", in sort_text order
    assert used == sorted(used, reverse=True) and used[0] > used[-1]  # the most used first
    names = await _complete(client, uri, text, "sk:ArcGIS", 0)
    assert {"sk:", "sam:", "ark:"} <= {i.label for i in names}
    await _set(client, uri, text)


SK = "https://w3id.org/arkitektur/eksempel/silkeborg#"


async def test_references_rename_and_symbols(client: LanguageClient):
    uri, text = await _open(client, client.models / "silkeborg" / "integrationer.ttl")
    await _set(client, uri, text)
    lines = text.split("\n")
    row = next(i for i, l in enumerate(lines) if "ark:fra sk:KMDAktiv ;" in l)
    pos = lsp.Position(row, lines[row].index("sk:KMDAktiv") + 4)
    doc = lsp.TextDocumentIdentifier(uri=uri)
    refs = await client.text_document_references_async(lsp.ReferenceParams(text_document=doc, position=pos,
        context=lsp.ReferenceContext(include_declaration=True)))
    files = {r.uri for r in refs}
    assert uri in files and len(files) >= 2
    described = (client.models / "silkeborg" / "systemanvendelser.ttl").as_uri()
    assert described in files
    where = await client.text_document_definition_async(lsp.DefinitionParams(doc, pos))
    assert where.uri == described
    assert Path(described[len("file://"):]).read_text(encoding="utf-8").split("\n")[where.range.start.line] == "sk:KMDAktiv"

    edit = await client.text_document_rename_async(lsp.RenameParams(doc, pos, "KMDAktivNy"))
    assert set(edit.changes) == files
    for target, edits in edit.changes.items():
        assert all(e.new_text == "sk:KMDAktivNy" for e in edits)
    # applied to the buffers, unsaved: the repository stays whole (no dangling reference appears)
    originals = {}
    for target, edits in edit.changes.items():
        path = Path(target[len("file://"):])
        t_uri, t_text = await _open(client, path)
        originals[t_uri] = t_text
        await _set(client, t_uri, _apply(t_text, edits))
    final = [d for u in edit.changes for d in client.diagnostics.get(u, []) if d.code == "MOD-2"]
    assert not final
    for t_uri, t_text in originals.items():
        await _set(client, t_uri, t_text)
    assert snapshot(client.models) == client.before

    with pytest.raises(Exception):
        await client.text_document_rename_async(lsp.RenameParams(doc, pos, "ikke et navn"))

    symbols = await client.text_document_document_symbol_async(lsp.DocumentSymbolParams(doc))
    names = [s.name for s in symbols]
    assert "sk:Int_Aktiv_Doc2Mail" in names
    first = symbols[names.index("sk:Int_Aktiv_Doc2Mail")]
    assert lines[first.range.start.line].startswith("sk:Int_Aktiv_Doc2Mail")
    assert lines[first.range.end.line].rstrip().endswith(".")


async def test_english_messages_for_the_whole_repository(client_en: LanguageClient):
    """``lang: en`` gives English messages; a member's folder opened finds the repository root."""
    diags = [d for ds in client_en.diagnostics.values() for d in ds]
    assert diags
    dispensed = [d for d in diags if "dispensation" in d.message]
    assert dispensed and all(d.severity == lsp.DiagnosticSeverity.Information for d in dispensed)
    assert any(d.message.startswith("The ") for d in diags), [d.message for d in diags][:5]
