"""Serveren / the pygls language server: checks on open/change/save (debounced), publishes per file."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
import traceback
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from .. import catalogue as catalogue_mod
from .. import fmt, version
from ..errors import ArkitekturError
from . import actions, completion, incremental
from . import diagnostics as diag

# The first change after a pause is checked at once; a change that follows another within this
# many seconds waits until that long has passed without one, so a burst of typing is checked at
# its start and once at its end (docs/editor.md, "Hastighed").
DEBOUNCE = 0.075
# Logged once the rules are analysed (``incremental.State.analyse``): from then on an edit reruns
# only the rules it can reach. benchmarks.lsp waits for it before it times edits.
ANALYSED = "arkitektur lsp: reglerne er analyseret"
log = logging.getLogger(__name__)


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path)).resolve()


class ArkitekturServer(LanguageServer):
    """Holds the repository, the open buffers and the last check's outcome."""

    def __init__(self) -> None:
        super().__init__("arkitektur", version())
        self.root: Path | None = None
        self.lang = "da"
        self.catalogue = None
        self.last_good: dict[Path, str] = {}
        self.outcome = diag.Outcome()
        self.shown: dict[str, tuple] = {}  # uri -> (version, diagnostics) last published
        self._pending: asyncio.TimerHandle | None = None
        self._running: asyncio.Task | None = None
        self._again = False
        self.debounce = DEBOUNCE
        self._last_change = float("-inf")
        self._notes: list[str] = []
        self.index = None  # completion.Index of the repository's nodes, rebuilt after each check
        self.index_cache = completion.IndexCache()
        self._index_lock = threading.Lock()  # the cache is refreshed in a worker or, at the start, by completion
        self._index_wanted: tuple | None = None
        self._indexing: asyncio.Task | None = None
        self.state = incremental.State()  # the store and parses kept between checks

    # -- state -------------------------------------------------------------------------------
    def buffers(self) -> dict[Path, str]:
        out = {}
        for uri, doc in list(self.workspace.text_documents.items()):
            path = uri_to_path(uri)
            if path is not None and path.suffix == ".ttl":
                out[path] = doc.source
        return out

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Log) -> None:
        self.window_log_message(lsp.LogMessageParams(type=kind, message=message))

    # -- checking ----------------------------------------------------------------------------
    def schedule(self, delay: float | None = None) -> None:
        """Check after ``delay`` seconds; by default at once after a pause, else after ``debounce``
        seconds of quiet. A change during a check queues one more, with the newest texts."""
        loop = asyncio.get_running_loop()
        if self._pending is not None:
            self._pending.cancel()
        if delay is None:
            now = loop.time()
            delay = 0 if now - self._last_change >= self.debounce else self.debounce
            self._last_change = now
        self._pending = loop.call_later(delay, self._start)

    def _start(self) -> None:
        self._pending = None
        if self._running is not None and not self._running.done():
            self._again = True
            return
        self._running = asyncio.ensure_future(self._check())

    async def _check(self) -> None:
        if self.root is None:
            return
        # the texts and their versions as they are now: diagnostics name the version they checked
        versions = {uri: doc.version for uri, doc in list(self.workspace.text_documents.items())}
        buffers = self.buffers()
        try:
            outcome = await asyncio.to_thread(diag.check, self.root, buffers, self.last_good, self.lang,
                                              self.catalogue, self.state)
            self.publish(outcome, versions)
            # completion's node index: refreshed beside the checks, never delaying one
            self._index_wanted = (outcome.files, buffers)
            if self._indexing is None or self._indexing.done():
                self._indexing = asyncio.ensure_future(self._refresh_index())
            if self.state is not None and not self.state.reuse.analysed and self.catalogue is not None:
                # which triples each rule reads, so that an edit reruns only the rules it reaches:
                # while idle, a query at a time, giving way as soon as an edit waits
                await asyncio.to_thread(self.state.analyse, self.catalogue, self._waiting)
                if self.state.reuse.analysed:
                    self.log(f"{ANALYSED} / rule analysis done: {len(self.state.reuse.footprints)} "
                             "forespørgsler / queries", lsp.MessageType.Info)
        except Exception as exc:  # noqa: BLE001 – a bug must not take the editor's server down
            self.log(f"intern fejl i arkitektur / internal error: {exc!r}\n{traceback.format_exc()}",
                     lsp.MessageType.Error)
        if self.state is None:
            # run_check pauses the cyclic collector and leaves what it allocated in the oldest
            # generation (engine_common.cyclic_gc_paused), which a long-running server would only collect
            # rarely: collect now, after publishing, so memory stays at about one check's worth.
            # The incremental check (the default) does not pause it: no collection is owed.
            await asyncio.to_thread(gc.collect)
        if self._again:
            self._again = False
            self._running = asyncio.ensure_future(self._check())

    async def _refresh_index(self) -> None:
        while self._index_wanted is not None:
            files, buffers = self._index_wanted
            self._index_wanted = None
            try:
                self.index = await asyncio.to_thread(self.refresh_index, files, buffers)
            except Exception as exc:  # noqa: BLE001 – a bug must not take the editor's server down
                self.log(f"intern fejl i arkitektur / internal error: {exc!r}\n{traceback.format_exc()}",
                         lsp.MessageType.Error)

    def refresh_index(self, files, buffers):
        with self._index_lock:
            return self.index_cache.refresh(files, buffers)

    def _waiting(self) -> bool:
        """Whether a change waits for a check (read from the analysing thread: a late answer
        only delays the analysis or the check by one query)."""
        return self._again or self._pending is not None

    def publish(self, outcome: diag.Outcome, versions: dict[str, int] | None = None) -> None:
        self.outcome = outcome
        if outcome.failure is not None:
            self.log(outcome.failure.message(self.lang), lsp.MessageType.Error)
        if outcome.notes != self._notes:  # once, not after every keystroke
            self._notes = outcome.notes
            for note in outcome.notes:
                self.log(f"note: {note}", lsp.MessageType.Info)
        uris = {}
        for path in {*outcome.files, *outcome.diagnostics}:
            uris[path.as_uri()] = outcome.diagnostics.get(path, [])
        for uri in set(self.shown) - set(uris):
            uris[uri] = []  # a file that has gone: clear what it showed
        versions = versions or {}
        for uri, found in sorted(uris.items()):
            version = versions.get(uri)
            # Only what changed: the client keeps a file's diagnostics until it gets new ones, so
            # serialising every diagnostic of the repository after each keystroke is wasted. A
            # buffer's new version is always answered, so the editor knows its text was checked.
            if self.shown.get(uri) == (version, found):
                continue
            self.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=version))
        self.shown = {u: (versions.get(u), found) for u, found in uris.items() if path_exists(u)}

    def findings_for(self, uri: str) -> list:
        path = uri_to_path(uri)
        return self.outcome.findings.get(path, []) if path is not None else []


def path_exists(uri: str) -> bool:
    path = uri_to_path(uri)
    return path is not None and path.exists()


def build() -> ArkitekturServer:
    server = ArkitekturServer()

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: ArkitekturServer, params: lsp.InitializeParams):
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        ls.lang = "en" if options.get("lang") == "en" else "da"
        debounce = options.get("debounce_ms")
        if isinstance(debounce, (int, float)) and 0 <= debounce <= 5000:
            ls.debounce = debounce / 1000
        if options.get("incremental") is False:  # a fresh full check per change (for comparison)
            ls.state = None
        folder = None
        if params.workspace_folders:
            folder = uri_to_path(params.workspace_folders[0].uri)
        elif params.root_uri:
            folder = uri_to_path(params.root_uri)
        elif params.root_path:
            folder = Path(params.root_path)
        ls.root = diag.repository_root(folder or Path.cwd())
        try:   # the repository's own rules too (docs/egne-regler.md)
            ls.catalogue = catalogue_mod.for_paths([ls.root])
        except ArkitekturError:   # a bad `regler` entry: the check itself reports it as a diagnostic
            ls.catalogue = None

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: ArkitekturServer, params):
        ls.log(f"arkitektur lsp: repository {ls.root}", lsp.MessageType.Info)
        ls.schedule(0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ArkitekturServer, params):
        ls.schedule()

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ArkitekturServer, params):
        ls.schedule()

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: ArkitekturServer, params):
        ls.schedule()

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ArkitekturServer, params):
        ls.schedule()  # the file on disk counts again

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
    def code_action(ls: ArkitekturServer, params: lsp.CodeActionParams):
        doc = ls.workspace.get_text_document(params.text_document.uri)
        return actions.code_actions(params.text_document.uri, doc.source, ls.findings_for(doc.uri),
                                    params.context.diagnostics, ls.catalogue) or None

    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: ArkitekturServer, params: lsp.DocumentFormattingParams):
        doc = ls.workspace.get_text_document(params.text_document.uri)
        path = uri_to_path(doc.uri)
        try:
            new = fmt.format_text(doc.source, display=str(path) if path else doc.uri)
        except ArkitekturError as exc:
            ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=exc.message(ls.lang)))
            return None
        if new == doc.source:
            return []
        lines = doc.source.split("\n")
        end = lsp.Position(len(lines) - 1, len(lines[-1]))
        return [lsp.TextEdit(range=lsp.Range(lsp.Position(0, 0), end), new_text=new)]

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[":"]))
    def complete(ls: ArkitekturServer, params: lsp.CompletionParams):
        doc = ls.workspace.get_text_document(params.text_document.uri)
        if ls.index is None:
            ls.index = ls.refresh_index(ls.outcome.files, ls.buffers())
        items = completion.complete(doc.source, params.position, ls.outcome.files, ls.buffers(), ls.index)
        return lsp.CompletionList(is_incomplete=False, items=items)

    from . import navigation

    navigation.register(server)
    return server


def serve() -> None:
    build().start_io()
