"""Benchmark / publish and check --endpoint on Virtuoso and Oxigraph, against the local check (docs/ydelse.md).

    python -m benchmarks.server [--scales 2x300,98x400] [--servers oxigraph,virtuoso] [--runs N]

For each scale a repository is generated (``benchmarks.generate``, seeded) and committed to git; each
server is started by ``scripts/server.sh`` in a temporary folder on free loopback ports. Timed, as
a user runs them (the console script, process start to exit): the first ``publish`` (every graph
new), a second ``publish`` (nothing changed), ``check --endpoint`` and the local ``check`` (median of
``--runs``). Targets (issue 19): publish 98×400 ≤ 60 s; check --endpoint ≤ 2 × the local check.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .generate import generate

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "arkitektur"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _timed(args: list[str], cwd: Path, env: dict) -> tuple[float, int, str, float]:
    """Wall time, exit code, the end of stderr, and the child's CPU time (user + system): on a
    shared machine the CPU time is the steadier figure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, done.returncode, done.stderr.strip()[-400:], cpu


def _start(kind: str, folder: Path) -> tuple[dict, str, str, dict]:
    if kind == "virtuoso":
        http = _port()
        ports = {"VIRTUOSO_HTTP_PORT": str(http), "VIRTUOSO_SQL_PORT": str(_port())}
        query, update = f"http://127.0.0.1:{http}/sparql", f"http://127.0.0.1:{http}/sparql-auth"
    else:
        port = _port()
        ports = {"OXIGRAPH_PORT": str(port)}
        query, update = f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{port}/update"
    env = {**os.environ, **ports}
    out = subprocess.run(["bash", str(ROOT / "scripts" / "server.sh"), kind, "start", str(folder)], env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{kind} did not start: {out.stderr}")
    creds = {}
    if (folder / "konto").exists():
        creds = dict(line.split("=", 1) for line in (folder / "konto").read_text().split())
    return {**env, **creds}, query, update, ports


def measure(scale: str, kinds: list[str], runs: int, work: Path) -> list[dict]:
    n, s = (int(x) for x in scale.split("x"))
    repo = work / f"repo-{scale}"
    summary = generate(repo, n, s)
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "b"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    base_env = {**os.environ}
    local_runs = [_timed([str(BIN), "check", ".", "--format", "json"], repo, base_env) for _ in range(runs)]
    local, local_cpu = [r[0] for r in local_runs], [r[3] for r in local_runs]
    rows = []
    for kind in kinds:
        folder = work / f"{kind}-{scale}"
        env, query, update, ports = _start(kind, folder)
        try:
            publish = [str(BIN), "publish", ".", "--endpoint", query, "--update-endpoint", update]
            first, rc1, err1, _ = _timed(publish, repo, env)
            again, rc2, err2, _ = _timed(publish, repo, env)
            remote, remote_cpu = [], []
            for _ in range(runs):
                t, rc, err, cpu = _timed([str(BIN), "check", "--endpoint", query, "--format", "json"], work, env)
                remote.append(t)
                remote_cpu.append(cpu)
            rows.append({"scale": scale, "server": kind, "triples": summary.statements, "files": summary.files,
                         "publish": first, "publish_rc": rc1, "republish": again, "republish_rc": rc2,
                         "check_endpoint": statistics.median(remote), "check_local": statistics.median(local),
                         "cpu_endpoint": statistics.median(remote_cpu), "cpu_local": statistics.median(local_cpu),
                         "error": err1 if rc1 else err2 if rc2 else ""})
        finally:
            subprocess.run(["bash", str(ROOT / "scripts" / "server.sh"), kind, "stop", str(folder)],
                           env={**os.environ, **ports}, capture_output=True, text=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="2x300,98x400")
    ap.add_argument("--servers", default="oxigraph,virtuoso")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="arkitektur-server-bench-"))
    try:
        print("| skala | server | tripler | publish (ny) | publish (uændret) | check --endpoint | check lokalt | forhold | CPU --endpoint / lokalt |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for scale in args.scales.split(","):
            for r in measure(scale, args.servers.split(","), args.runs, work):
                ratio = r["check_endpoint"] / r["check_local"]
                note = f" FEJL: {r['error']}" if r["error"] else ""
                print(f"| {r['scale']} | {r['server']} | {r['triples']:,} | {r['publish']:.1f} s | "
                      f"{r['republish']:.1f} s | {r['check_endpoint']:.1f} s | {r['check_local']:.1f} s | "
                      f"{ratio:.2f}× | {r['cpu_endpoint']:.1f} s / {r['cpu_local']:.1f} s{note} |", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
