"""Benchmark / times `arkitektur check` end to end per scale and engine: wall time, peak memory, findings per rule.

    python -m benchmarks.run [--scales 2x300,10x300,98x400] [--engines oxigraph,pyshacl]
                             [--runs N] [--data DIR] [--markdown]

For each scale (municipalities x system usages) a repository is generated (``benchmarks.generate``,
seeded, so every run checks the same data) and ``arkitektur check`` runs as a subprocess – process
start to exit, with the console script a user runs – ``--runs`` times (default: 5 below 200,000
triples, else 3); the median is reported, with the range. Peak memory is the child's maximum
resident set size (``os.wait4``). pySHACL is skipped above 200,000 triples unless
``--pyshacl-everywhere`` (it takes many minutes there). Where both engines ran, their findings
(rule, focus, severity, path, value) are compared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .generate import generate

BIG = 200_000


@dataclass
class Run:
    seconds: float
    peak_mb: float
    exit_code: int
    cpu: float = float("nan")  # the child's user + system time: steadier than wall time on a busy machine


@dataclass
class Outcome:
    engine: str
    runs: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    skipped: str | None = None

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def median_cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def peak(self) -> float:
        return max(r.peak_mb for r in self.runs)


def machine() -> str:
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    except OSError:
        pass
    versions = []
    for dist in ("pyoxigraph", "pyshacl", "rdflib"):
        try:
            from importlib.metadata import version

            versions.append(f"{dist} {version(dist)}")
        except Exception:  # noqa: BLE001 – only for the header
            pass
    return (f"{os.cpu_count()} cores, {mem} RAM, {platform.machine()}, Python {platform.python_version()}, "
            + ", ".join(versions))


def calibrate() -> float:
    """A fixed pure-Python workload: shared or throttled machines vary by tens of per cent."""
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        sum(i * i for i in range(3_000_000))
        best = min(best, time.perf_counter() - t)
    return best


def command() -> list[str]:
    script = Path(sys.executable).parent / "arkitektur"
    if script.exists():
        return [str(script)]
    found = shutil.which("arkitektur")
    return [found] if found else [sys.executable, "-c", "from arkitektur.cli import main; main()"]


def triples_in_child(root: Path) -> int:
    """``triples(root)``, counted in a child process: a runner that held a large store would lend
    its memory to the next forked check, whose peak RSS would then read too high."""
    code = f"from benchmarks.run import triples; from pathlib import Path; print(triples(Path({str(root)!r})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[1])
    return int(done.stdout.strip())


def triples(root: Path) -> int:
    """Triples the check reads: the generated files plus the shipped ontology and reference data."""
    import pyoxigraph as ox

    from arkitektur import resources

    store = ox.Store()
    for path in [*sorted(root.rglob("*.ttl")), *resources.ontology_files()]:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return len(store)


def check_once(root: Path, engine: str, out: Path) -> Run:
    args = [*command(), "check", str(root), "--engine", engine, "--format", "json", "-o", str(out)]
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.stderr.close()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"arkitektur check failed ({proc.returncode}): {err[-2000:]}")
    return Run(seconds=seconds, peak_mb=usage.ru_maxrss / 1024, exit_code=proc.returncode,
               cpu=usage.ru_utime + usage.ru_stime)


def parse_scale(text: str) -> tuple[int, int]:
    n, s = text.lower().split("x")
    return int(n), int(s)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="2x300,10x300,98x400")
    ap.add_argument("--engines", default="oxigraph,pyshacl")
    ap.add_argument("--runs", type=int, help="runs per scale and engine (default 5 below 200k triples, else 3)")
    ap.add_argument("--seed", type=int, default=2015)
    ap.add_argument("--data", type=Path, help="keep generated repositories here (reused if present)")
    ap.add_argument("--pyshacl-everywhere", action="store_true", help="run pySHACL above 200k triples too")
    ap.add_argument("--markdown", action="store_true", help="also print the tables as Markdown")
    args = ap.parse_args(argv)

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    print(f"# arkitektur check – benchmark\nmachine: {machine()}\ncommand: {' '.join(command())} check DIR "
          f"--engine E --format json -o FILE\ncpu calibration (pure-Python loop, lower is faster): "
          f"{calibrate():.2f} s\n", flush=True)
    data = args.data or Path(tempfile.mkdtemp(prefix="arkitektur-bench-"))
    rows = []
    for scale in args.scales.split(","):
        n, s = parse_scale(scale)
        root = data / f"{n}x{s}-seed{args.seed}"
        if not (root / "arkitektur.toml").exists():
            t = time.perf_counter()
            summary = generate(root, n, s, seed=args.seed)
            print(f"{n}x{s}: generated {summary.files} files in {time.perf_counter() - t:.1f} s", flush=True)
        size = triples_in_child(root)
        runs = args.runs or (5 if size < BIG else 3)
        outcomes = []
        for engine in engines:
            outcome = Outcome(engine)
            outcomes.append(outcome)
            if engine == "pyshacl" and size >= BIG and not args.pyshacl_everywhere:
                outcome.skipped = "skipped (pySHACL takes many minutes at this size; --pyshacl-everywhere)"
                print(f"{n}x{s} {engine}: {outcome.skipped}", flush=True)
                continue
            out = data / f"{n}x{s}-{engine}.json"
            for _ in range(1 if engine == "pyshacl" and size >= 50_000 else runs):
                outcome.runs.append(check_once(root, engine, out))
                last = outcome.runs[-1]  # CPU and the load beside the wall time: the machine may be shared
                print(f"{n}x{s} {engine}: {last.seconds:.2f} s, {last.cpu:.2f} s CPU, {last.peak_mb:.0f} MB, "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
            outcome.findings = json.loads(out.read_text(encoding="utf-8"))["findings"]
        rows.append((n, s, size, outcomes))
        report(n, s, size, outcomes)
    print(f"\ncpu calibration at the end: {calibrate():.2f} s")
    if args.markdown:
        print(markdown(rows))
    if not args.data:
        shutil.rmtree(data, ignore_errors=True)
    return 0


def _key(f: dict) -> tuple:
    return (f["rule"], f["focus"], f["severity"], f["path"], f["value"])


def report(n: int, s: int, size: int, outcomes: list[Outcome]) -> None:
    print(f"\n## {n} municipalities x {s} system usages – {size:,} triples")
    for o in outcomes:
        if o.skipped:
            print(f"  {o.engine:9} {o.skipped}")
            continue
        times = [r.seconds for r in o.runs]
        print(f"  {o.engine:9} median {o.median:7.2f} s  (min {min(times):.2f}, max {max(times):.2f}, "
              f"{len(times)} runs)  CPU {o.median_cpu:.2f} s  peak {o.peak:6.0f} MB  "
              f"{o.median / size * 1e6:6.2f} µs/triple  "
              f"exit {o.runs[-1].exit_code}")
    ran = [o for o in outcomes if not o.skipped]
    if len(ran) == 2:
        a, b = ({_key(f) for f in o.findings} for o in ran)
        print(f"  findings identical: {'yes' if a == b else f'NO ({len(a ^ b)} differ)'}")
    per_rule = {o.engine: Counter(f["rule"] for f in o.findings) for o in ran}
    rules = sorted({r for c in per_rule.values() for r in c}, key=_rule_order)
    print("  findings per rule: " + ", ".join(
        f"{r} {'/'.join(str(per_rule[o.engine][r]) for o in ran)}" for r in rules))


def _rule_order(rule: str):
    order = ["MOD", "STY", "GEV", "SMA", "HEL", "FDA", "KON", "DISP"]
    fam, _, num = rule.partition("-")
    return (order.index(fam) if fam in order else 99, [int(x) for x in num.split(".") if x.isdigit()])


def markdown(rows: list) -> str:
    lines = ["", "| scale | triples | engine | median wall time | runs (min–max) | peak RSS | µs/triple |",
             "|---|---:|---|---:|---|---:|---:|"]
    for n, s, size, outcomes in rows:
        for o in outcomes:
            if o.skipped:
                lines.append(f"| {n}×{s} | {size:,} | {o.engine} | skipped | | | |")
                continue
            times = [r.seconds for r in o.runs]
            lines.append(f"| {n}×{s} | {size:,} | {o.engine} | {o.median:.2f} s | {len(times)} "
                         f"({min(times):.2f}–{max(times):.2f}) | {o.peak:.0f} MB | {o.median / size * 1e6:.1f} |")
    lines += ["", "| scale | " + " | ".join(r for r in _all_rules(rows)) + " |",
              "|---|" + "---:|" * len(_all_rules(rows))]
    for n, s, _size, outcomes in rows:
        counts = next((Counter(f["rule"] for f in o.findings) for o in outcomes if not o.skipped), Counter())
        lines.append(f"| {n}×{s} | " + " | ".join(str(counts[r]) for r in _all_rules(rows)) + " |")
    return "\n".join(lines)


def _all_rules(rows: list) -> list[str]:
    rules = {f["rule"] for _, _, _, outcomes in rows for o in outcomes for f in o.findings}
    return sorted(rules, key=_rule_order)


if __name__ == "__main__":
    sys.exit(main())
