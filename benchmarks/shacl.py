"""Benchmark / the default engine against stock pySHACL: the W3C SHACL suite and the shipped shapes on a generated repository.

    python -m benchmarks.shacl [--scale 2x300] [--big 98x400] [--pyshacl-timeout 900] [--suite DIR] [--data DIR]

1. The W3C SHACL test suite (98 core + 22 SHACL-SPARQL tests, ``../shared/testsuites/w3c-shacl``)
   through ``arkitektur shacl``'s library on each engine in this process: the tally (passed /
   wrong / error) and the time validating the whole suite (graphs read beforehand, shapes compiled
   each run; fastest of three), as wall time and as this process's CPU time – on a shared machine
   the CPU ratio is the steadier one.
2. ``arkitektur check`` with the shipped shapes on a generated repository (``benchmarks.generate``,
   seeded) on each engine, as a subprocess (``benchmarks.run.check_once``): time, peak memory, and
   whether the findings are the same. pySHACL is stopped after ``--pyshacl-timeout`` seconds; the
   ratio is then a lower bound (printed as "≥").
3. With ``--big``: ``arkitektur check`` on a large generated repository with the default engine only:
   wall time, CPU time and peak memory against the targets (docs/ydelse.md: 98×400 ≤ 12 s, ≤ 1.2 GB).

The ratios are pySHACL's time over the default engine's. Not part of the test suite (it takes
minutes); ``tests/test_benchmark_shacl.py`` runs it on a tiny input. More runs of 98×400:
``python -m benchmarks.run --scales 98x400 --engines oxigraph``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from .generate import generate
from .run import Run, calibrate, check_once, command, machine, parse_scale

ENGINES = ("oxigraph", "pyshacl")
ROOT = Path(__file__).resolve().parents[1]


def suite(folder: Path | None) -> dict:
    """engine -> (seconds validating, CPU seconds, Counter of outcomes, number of tests) for the whole W3C suite.

    The outcomes come from ``w3c_shacl.run`` (the tests' own judge); the time is that of
    ``shacl_validate.validate`` alone on graphs read beforehand, so parsing and comparing – the same
    for both engines – do not blur the ratio.
    """
    import warnings

    from rdflib import URIRef

    from arkitektur import shacl_validate
    from arkitektur.engine_oxigraph import forget_plans

    sys.path.insert(0, str(ROOT / "tests"))  # the suite's reader lives beside the tests that use it
    import w3c_shacl

    if folder is not None:
        w3c_shacl.SUITE = folder
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)
    logging.getLogger("pyshacl").setLevel(logging.CRITICAL)
    warnings.simplefilter("ignore")
    tests = w3c_shacl.tests()

    def graph(t, prop):
        action = t.graph.value(t.node, URIRef(w3c_shacl.MF + "action"))
        target = t.graph.value(action, URIRef(w3c_shacl.SHT + prop))
        if target is None or str(target).split("#")[0] == t.path.as_uri():
            return t.graph
        return shacl_validate.read_graph([Path(str(target).removeprefix("file://"))])[0]

    pairs = [(graph(t, "dataGraph"), graph(t, "shapesGraph")) for t in tests]
    out = {}
    for engine in ENGINES:
        tally = Counter(w3c_shacl.run(t, engine).split(":")[0] for t in tests)
        best, best_cpu = float("inf"), float("inf")
        for _ in range(3):
            forget_plans()  # compiling the shapes counts, as in one `arkitektur shacl` run
            start, cpu = time.perf_counter(), time.process_time()
            for data, shapes in pairs:
                try:
                    shacl_validate.validate(data, shapes, engine)
                except Exception:  # noqa: BLE001 - refusals and pySHACL's own errors count as run
                    pass
            best = min(best, time.perf_counter() - start)
            best_cpu = min(best_cpu, time.process_time() - cpu)
        out[engine] = (best, best_cpu, tally, len(tests))
    return out


def check_with_timeout(root: Path, engine: str, out: Path, timeout: float) -> Run | None:
    """``check_once``, or None when the engine is still running after ``timeout`` seconds."""
    if engine != "pyshacl":
        return check_once(root, engine, out)
    args = [*command(), "check", str(root), "--engine", engine, "--format", "json", "-o", str(out)]
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # its own session: only this check and its children
        proc.wait()
        return None
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"arkitektur check --engine {engine} failed ({proc.returncode})")
    return Run(seconds=seconds, peak_mb=float("nan"), exit_code=proc.returncode)


def _findings(path: Path) -> Counter:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return Counter((f["rule"], f["focus"], f["severity"], f["path"], f["value"]) for f in doc["findings"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="2x300", help="municipalities x system usages (default 2x300)")
    ap.add_argument("--big", help="also time the default engine alone at this scale (e.g. 98x400)")
    ap.add_argument("--pyshacl-timeout", type=float, default=900, help="seconds before pySHACL is stopped")
    ap.add_argument("--suite", type=Path, help="the W3C SHACL suite (default ../shared/testsuites/w3c-shacl)")
    ap.add_argument("--data", type=Path, help="keep the generated repository here (reused if present)")
    ap.add_argument("--seed", type=int, default=2015)
    args = ap.parse_args(argv)

    print(f"# default engine vs stock pySHACL\nmachine: {machine()}\n"
          f"cpu calibration (pure-Python loop, lower is faster): {calibrate():.2f} s\n", flush=True)
    print("## W3C SHACL test suite (in process, validation only, fastest of three runs)")
    times = suite(args.suite)
    for engine, (seconds, cpu, tally, total) in times.items():
        shown = ", ".join(f"{k} {v}" for k, v in sorted(tally.items()))
        print(f"{engine:9} {tally['pass']:3}/{total} pass ({shown}) in {seconds:.2f} s (CPU {cpu:.2f} s)", flush=True)
    ratio = times["pyshacl"][0] / times["oxigraph"][0]
    cpu_ratio = times["pyshacl"][1] / times["oxigraph"][1]
    print(f"ratio pySHACL / default engine: {ratio:.1f}× (CPU: {cpu_ratio:.1f}×; target ≥ 20×)\n")

    n, s = parse_scale(args.scale)
    data = args.data or Path(tempfile.mkdtemp(prefix="arkitektur-bench-shacl-"))
    root = data / f"{n}x{s}-seed{args.seed}"
    if not (root / "arkitektur.toml").exists():
        generate(root, n, s, seed=args.seed)
    print(f"## shipped shapes on the generated {n}x{s} repository (arkitektur check, end to end)")
    runs = {}
    for engine in ENGINES:
        out = data / f"{n}x{s}-{engine}.json"
        r = check_with_timeout(root, engine, out, args.pyshacl_timeout)
        runs[engine] = (r, out)
        if r is None:
            print(f"{engine:9} stopped after {args.pyshacl_timeout:.0f} s", flush=True)
        else:
            memory = "" if r.peak_mb != r.peak_mb else f", {r.peak_mb:.0f} MB"
            print(f"{engine:9} {r.seconds:.2f} s{memory}, exit {r.exit_code}", flush=True)
    fast, slow = runs["oxigraph"][0], runs["pyshacl"][0]
    if slow is None:
        print(f"ratio pySHACL / default engine: ≥ {args.pyshacl_timeout / fast.seconds:.0f}× (pySHACL did not finish)")
    else:
        same = _findings(runs["oxigraph"][1]) == _findings(runs["pyshacl"][1])
        print(f"ratio pySHACL / default engine: {slow.seconds / fast.seconds:.1f}×; "
              f"same findings: {'yes' if same else 'NO'}")
    if args.big:
        n, s = parse_scale(args.big)
        root = data / f"{n}x{s}-seed{args.seed}"
        if not (root / "arkitektur.toml").exists():
            generate(root, n, s, seed=args.seed)
        r = check_once(root, "oxigraph", data / f"{n}x{s}-oxigraph.json")
        print(f"\n## default engine on the generated {n}x{s} repository (arkitektur check, end to end)\n"
              f"time {r.seconds:.2f} s (target ≤ 12 s: {'met' if r.seconds <= 12 else 'NOT met'}), "
              f"CPU {r.cpu:.2f} s, peak memory {r.peak_mb:.0f} MB "
              f"(target ≤ 1200 MB: {'met' if r.peak_mb <= 1200 else 'NOT met'})", flush=True)
    print(f"\ncpu calibration at the end: {calibrate():.2f} s")
    if not args.data:
        shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
