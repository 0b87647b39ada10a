"""Benchmark / drives ``arkitektur lsp`` over stdio with scripted edits: didChange→publishDiagnostics and completion.

    python -m benchmarks.lsp [--scales 2x300,10x300] [--edits 50] [--debounce-ms 75] [--full]

For each scale a repository is generated (``benchmarks.generate``, seeded), the server starts as a
user's editor starts it (the console script, over stdio), opens the largest member file and makes
``--edits`` unsaved edits in turn: a typo in a property (MOD-1), the fix, a changed label. For each
it times didChange until the server publishes that buffer's diagnostics, and one completion
request in predicate position. The server checks a change at once when the one before it is more
than its debounce ago (``--debounce-ms``, default the server's 75 ms), as the scripted edits are;
closer changes wait for that much quiet. Before the edits it waits, as an architect reading the
file would, until the server has analysed the rules (printed: "rules analysed … later"; not with
``--full``). Prints p50/p95 of both, the server's CPU time per edit (all threads; steadier than
wall time on a shared machine) and its peak memory (VmHWM).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

from arkitektur.lsp.server import ANALYSED

from .generate import generate

SERVER = [str(Path(sys.executable).with_name("arkitektur")), "lsp"]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def _run(root: Path, edits: int, debounce_ms: int | None, incremental: bool = True) -> dict:
    client = LanguageClient("arkitektur-benchmark", "1")
    waiting: dict[tuple[str, int], asyncio.Future] = {}
    analysed = asyncio.Event()

    @client.feature(lsp.WINDOW_LOG_MESSAGE)
    def logged(params: lsp.LogMessageParams):
        if params.message.startswith(ANALYSED):
            analysed.set()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: lsp.PublishDiagnosticsParams):
        fut = waiting.pop((params.uri, params.version), None)
        if fut is not None and not fut.done():
            fut.set_result(params.diagnostics)

    await client.start_io(*SERVER)
    options = {} if debounce_ms is None else {"debounce_ms": debounce_ms}
    if not incremental:
        options["incremental"] = False
    await client.initialize_async(lsp.InitializeParams(
        capabilities=lsp.ClientCapabilities(), root_uri=root.as_uri(), initialization_options=options))
    target = max((p for p in root.rglob("*.ttl") if "samarbejde" not in p.parts), key=lambda p: p.stat().st_size)
    uri, text = target.resolve().as_uri(), target.read_text(encoding="utf-8")
    loop = asyncio.get_running_loop()

    async def send(version: int, body: str, change: bool) -> float:
        fut = loop.create_future()
        waiting[(uri, version)] = fut
        start = time.perf_counter()
        if change:
            client.text_document_did_change(lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [lsp.TextDocumentContentChangeWholeDocument(text=body)]))
        else:
            client.text_document_did_open(lsp.DidOpenTextDocumentParams(
                lsp.TextDocumentItem(uri=uri, language_id="turtle", version=version, text=body)))
        await asyncio.wait_for(fut, 120)
        return time.perf_counter() - start

    client.initialized(lsp.InitializedParams())
    first = await send(1, text, change=False)
    # As an architect opening a file reads it first: the server analyses the rules while idle
    # (once per start), and the edits are timed from then on. The wait is printed.
    start = time.perf_counter()
    if incremental:
        await asyncio.wait_for(analysed.wait(), 120)
    warmup = time.perf_counter() - start
    proc = getattr(client, "_server", None)
    cpu_before = _cpu(proc)
    lines = text.split("\n")
    row = next(i for i, l in enumerate(lines) if l.startswith("    ark:") and l.rstrip().endswith(";"))
    word = lines[row].split()[0]
    typo = "\n".join(lines[:row] + [lines[row].replace(word, word[:-1], 1)] + lines[row + 1:])
    label_row = next((i for i, l in enumerate(lines) if "rdfs:label" in l and '"' in l), row)
    relabel = "\n".join(lines[:label_row] + [lines[label_row].replace('"', '"Ny ', 1)] + lines[label_row + 1:])
    script = [typo, text, relabel, text]
    changes, completions = [], []
    for n in range(edits):
        changes.append(await send(n + 2, script[n % len(script)], change=True))
        start = time.perf_counter()
        await client.text_document_completion_async(lsp.CompletionParams(
            lsp.TextDocumentIdentifier(uri=uri), lsp.Position(row, 4)))
        completions.append(time.perf_counter() - start)
    cpu = None if cpu_before is None else (_cpu(proc) - cpu_before) / max(1, edits)
    peak = None
    if proc is not None:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            peak = next(int(l.split()[1]) // 1024 for l in status.splitlines() if l.startswith("VmHWM"))
        except (OSError, StopIteration):
            pass
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {"first": first, "warmup": warmup, "changes": changes, "completions": completions, "peak_mb": peak, "file": target.name,
            "cpu": cpu}


def _cpu(proc) -> float | None:
    """The server's CPU seconds so far (user + system, all threads): steadier than wall time on a
    shared machine."""
    if proc is None:
        return None
    try:
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="2x300")
    ap.add_argument("--edits", type=int, default=50)
    ap.add_argument("--debounce-ms", type=int, default=None)
    ap.add_argument("--data", type=Path, help="keep the generated repositories here")
    ap.add_argument("--full", action="store_true", help="a fresh full check per change (the server's "
                    "initializationOptions.incremental = false), to compare")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="arkitektur-lsp-bench-") as tmp:
        base = args.data or Path(tmp)
        for scale in args.scales.split(","):
            n, s = (int(x) for x in scale.lower().split("x"))
            root = (base / f"lsp-{n}x{s}").resolve()
            if not (root / "arkitektur.toml").exists():
                generate(root, n, s)
            r = asyncio.run(_run(root, args.edits, args.debounce_ms, not args.full))
            ms = lambda v: f"{v * 1000:.0f} ms"  # noqa: E731
            analysed = "" if args.full else f", rules analysed {ms(r['warmup'])} later"
            print(f"{scale}: first check {ms(r['first'])}{analysed}; {len(r['changes'])} edits of {r['file']}: "
                  f"didChange→publishDiagnostics p50 {ms(statistics.median(r['changes']))}, "
                  f"p95 {ms(_pct(r['changes'], 0.95))}; completion p50 {ms(statistics.median(r['completions']))}, "
                  f"p95 {ms(_pct(r['completions'], 0.95))}; server CPU per edit "
                  f"{'?' if r['cpu'] is None else ms(r['cpu'])}; server peak memory {r['peak_mb']} MB "
                  f"(debounce {'server default' if args.debounce_ms is None else str(args.debounce_ms) + ' ms'}"
                  f"{'; full re-check' if args.full else ''})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
