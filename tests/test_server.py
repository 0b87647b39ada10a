"""Det fælles repository på rigtige SPARQL-servere / publish and --endpoint against Virtuoso and Oxigraph (docs/server.md).

Both servers are started by the project's own script (scripts/server.sh) in a temporary folder on
free loopback ports. Where one cannot start the tests skip with the reason – except under
ARKITEKTUR_SERVERS=required (.ci/run), where that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from arkitektur.cli import main
from arkitektur.server import provenance as pv
from benchmarks.generate import generate

ROOT = Path(__file__).resolve().parents[1]
MODELS_PREFIX = "https://w3id.org/arkitektur/eksempel/samarbejde/SilkeborgViborg/graf/"

pytestmark = [pytest.mark.slow, pytest.mark.server, pytest.mark.xdist_group("sparql-server")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    kind: str
    folder: Path
    env: dict            # ports for scripts/server.sh
    query: str
    update: str
    credentials: dict    # ARKITEKTUR_SPARQL_* for the tool's account (Virtuoso); empty for Oxigraph

    def script(self, action: str) -> subprocess.CompletedProcess:
        return subprocess.run(["bash", str(ROOT / "scripts" / "server.sh"), self.kind, action, str(self.folder)],
                              env={**os.environ, **self.env}, capture_output=True, text=True, timeout=180)

    def select(self, query: str) -> list[dict]:
        r = httpx.post(self.query, data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                       timeout=60)
        r.raise_for_status()
        return r.json()["results"]["bindings"]


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request, tmp_path_factory):
    kind = request.param
    folder = tmp_path_factory.mktemp(kind)
    if kind == "virtuoso":
        http, sql = _free_port(), _free_port()
        env = {"VIRTUOSO_HTTP_PORT": str(http), "VIRTUOSO_SQL_PORT": str(sql)}
        query, update = f"http://127.0.0.1:{http}/sparql", f"http://127.0.0.1:{http}/sparql-auth"
    else:
        port = _free_port()
        env = {"OXIGRAPH_PORT": str(port)}
        query, update = f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{port}/update"
    srv = Server(kind, folder, env, query, update, {})
    started = srv.script("start")
    if started.returncode != 0:
        reason = f"{kind} kunne ikke starte / could not start: {started.stderr.strip()[-600:]}"
        if os.environ.get("ARKITEKTUR_SERVERS") == "required":
            pytest.fail(reason)
        pytest.skip(reason)
    if kind == "virtuoso":
        srv.credentials = dict(line.split("=", 1) for line in (folder / "konto").read_text().split())
    yield srv
    stopped = srv.script("stop")
    assert stopped.returncode == 0, stopped.stderr


def run(server: Server | None, *args: str, env: dict | None = None, cwd: Path | None = None):
    """The CLI in process, with the account's credentials in the environment (never on the command line)."""
    full = {"ARKITEKTUR_SPARQL_USER": None, "ARKITEKTUR_SPARQL_PASSWORD": None, "ARKITEKTUR_SPARQL_TOKEN": None,
            **(server.credentials if server else {}), **(env or {})}
    here = Path.cwd()
    os.chdir(cwd or ROOT)
    try:
        return CliRunner().invoke(main, list(args), env=full, catch_exceptions=False)
    finally:
        os.chdir(here)


def publish(server: Server, *paths: str, prefix: str, cwd: Path | None = None, env: dict | None = None):
    return run(server, "publish", *paths, "--endpoint", server.query, "--update-endpoint", server.update,
               "--graf-prefiks", prefix, cwd=cwd, env=env)


def referenced(server: Server, prefix: str) -> set[str]:
    """The graphs the metadata graph points at (the current publication), after the prefix."""
    rows = server.select(f"SELECT ?g WHERE {{ GRAPH <{prefix}metadata> {{ <{prefix}> {pv.term('graf')} ?g }} }}")
    return {r["g"]["value"][len(prefix):] for r in rows}


def graph_counts(server: Server, prefix: str) -> dict[str, int]:
    rows = server.select(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), \"{prefix}\")) }} GROUP BY ?g")
    return {r["g"]["value"][len(prefix):]: int(r["n"]["value"]) for r in rows}


def git_repo(folder: Path) -> None:
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "m"]):
        subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


# -- the servers as scripts/server.sh sets them up ----------------------------------------------

def test_only_the_tools_account_may_update(server):
    """Virtuoso: the anonymous /sparql refuses updates; the account from DIR/konto may update on
    /sparql-auth; a wrong password is refused (401). Oxigraph has no accounts (loopback only)."""
    if server.kind != "virtuoso":
        pytest.skip("Oxigraph server har ingen konti / has no accounts: bound to loopback (docs/server.md)")
    update = {"update": "INSERT DATA { GRAPH <urn:x:t> { <urn:x:a> <urn:x:b> <urn:x:c> } }"}
    anonymous = httpx.post(server.query, data=update, timeout=30)
    assert anonymous.status_code >= 400
    wrong = httpx.post(server.update, data=update, auth=(server.credentials["ARKITEKTUR_SPARQL_USER"], "forkert"), timeout=30)
    assert wrong.status_code == 401
    right = httpx.post(server.update, data=update, timeout=30,
                       auth=(server.credentials["ARKITEKTUR_SPARQL_USER"], server.credentials["ARKITEKTUR_SPARQL_PASSWORD"]))
    assert right.status_code == 200
    assert server.select("SELECT ?o WHERE { GRAPH <urn:x:t> { <urn:x:a> <urn:x:b> ?o } }")[0]["o"]["value"] == "urn:x:c"


def test_wrong_password_is_exit_2_and_never_printed(server):
    if server.kind != "virtuoso":
        pytest.skip("Oxigraph server har ingen konti / has no accounts")
    secret = "hemmelig-Kodeord-42"
    result = publish(server, "models", prefix="urn:x:forkert/", env={"ARKITEKTUR_SPARQL_PASSWORD": secret})
    assert result.exit_code == 2
    assert "ARK-E154" in result.stderr
    assert secret not in result.output + result.stderr


# -- publish ------------------------------------------------------------------------------------

def test_publish_graphs_counts_and_idempotence(server):
    prefix = "urn:x:idem/"
    first = publish(server, "models", prefix=prefix)
    assert first.exit_code == 0, first.stderr
    counts = graph_counts(server, prefix)
    assert set(counts) == referenced(server, prefix) | {"metadata"}
    assert {g.split("/")[0] for g in counts} == {"samarbejde", "silkeborg", "viborg", "ontologi", "proveniens", "metadata"}
    for graph in counts.keys() - {"metadata"}:  # the printed count is the graph's size
        line = next(line for line in first.output.splitlines() if line.startswith(prefix + graph + " "))
        assert f"+{counts[graph]} -0" in line
    declared = {r["g"]["value"][len(prefix):]: int(r["n"]["value"]) for r in server.select(
        f"SELECT ?g ?n WHERE {{ GRAPH <{prefix}metadata> {{ ?g {pv.term('tripler')} ?n }} }}")}
    assert declared == {k: v for k, v in counts.items() if k != "metadata"}
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    meta = server.select(f"SELECT ?c ?d WHERE {{ GRAPH <{prefix}metadata> {{ <{prefix}> {pv.term('commit')} ?c ; "
                         f"{pv.term('asOf')} ?d }} }}")
    assert meta[0]["c"]["value"] == commit and meta[0]["d"]["value"] == "2016-06-01"
    # provenance: the subject's file and line, as git names the file
    where = server.select(
        f"SELECT ?sti ?linje WHERE {{ GRAPH ?prov {{ "
        f"<https://w3id.org/arkitektur/eksempel/silkeborg#Int_CPR_SilkeborgLoen> {pv.term('kilde')} ?k . "
        f"?k {pv.term('linje')} ?linje ; {pv.term('fil')} ?f . ?f {pv.term('sti')} ?sti }} "
        f"FILTER (STRSTARTS(STR(?prov), \"{prefix}proveniens/\")) }}")
    assert where and where[0]["sti"]["value"].startswith("models/silkeborg/")
    second = publish(server, "models", prefix=prefix)
    assert second.exit_code == 0
    assert "uændret / unchanged" in second.output
    assert all(line.endswith("+0 -0") for line in second.output.splitlines()[:-1])
    assert graph_counts(server, prefix) == counts
    # no staging graph is left behind
    assert not [g for g in counts if g.startswith(pv.STAGING)]


def test_publish_reports_the_change_and_drops_a_removed_member(server, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "models", repo / "models")
    git_repo(repo)
    prefix = "urn:x:aendring/"
    assert publish(server, "models", prefix=prefix, cwd=repo).exit_code == 0
    shutil.rmtree(repo / "models" / "viborg")
    with open(repo / "models" / "silkeborg" / "kommune.ttl", "a", encoding="utf-8") as f:
        f.write('\n<urn:x:ny> <urn:x:egenskab> "ny" .\n')
    second = publish(server, "models", prefix=prefix, cwd=repo)
    assert second.exit_code == 0, second.stderr
    lines = {line.split()[0][len(prefix):].split("/")[0]: line
             for line in second.output.splitlines() if line.startswith(prefix)}
    assert lines["silkeborg"].endswith("+1 -0")
    assert "fjernet" in lines["viborg"] and "+0 -" in lines["viborg"] and not lines["viborg"].endswith(" -0")
    assert not [g for g in graph_counts(server, prefix) if g.startswith("viborg/")]
    assert set(graph_counts(server, prefix)) == referenced(server, prefix) | {"metadata"}  # old graphs dropped
    assert "(ændret / modified)" in second.output  # published from an uncommitted work tree: said so


# -- atomicity: a reader never sees a mixed state -------------------------------------------------

def test_a_reader_never_sees_a_mixed_publication(server, tmp_path):
    """Publish two different versions alternately while a reader queries in a loop: in every answer
    each graph has exactly the number of triples the metadata graph of the same answer declares."""
    prefix = "urn:x:atomar/"
    versions = []
    for n in range(2):
        repo = tmp_path / f"v{n}"
        generate(repo, 2, 120, seed=7)
        if n:
            for f in sorted(repo.rglob("*.ttl")):
                with open(f, "a", encoding="utf-8") as out:
                    out.write(f'\n<urn:x:v{n}:{f.stem}> <urn:x:p> "{f}" .\n')
        git_repo(repo)
        versions.append(repo)
    assert publish(server, ".", prefix=prefix, cwd=versions[0]).exit_code == 0
    probe = (f"SELECT ?g ?declared (COUNT(*) AS ?n) WHERE {{ GRAPH <{prefix}metadata> {{ <{prefix}> {pv.term('graf')} ?g . "
             f"?g {pv.term('tripler')} ?declared }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g ?declared")
    seen, mixed, errors = [], [], []
    done = threading.Event()

    def reader():
        while not done.is_set():
            try:
                rows = server.select(probe)
            except Exception as exc:  # noqa: BLE001 – reported below, not swallowed
                errors.append(repr(exc))
                continue
            state = {r["g"]["value"]: (int(r["declared"]["value"]), int(r["n"]["value"])) for r in rows}
            seen.append(sum(d for d, _ in state.values()))
            mixed.extend(g for g, (d, n) in state.items() if d != n)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for n in (1, 0, 1, 0):
            result = publish(server, ".", prefix=prefix, cwd=versions[n])
            assert result.exit_code == 0, result.stderr
    finally:
        done.set()
        thread.join()
    assert not errors
    assert len(seen) > 10
    assert mixed == []
    assert len(set(seen)) == 2  # both versions were read, and nothing between them


# -- the same results from the endpoint --------------------------------------------------------------

@pytest.mark.parametrize("command", [
    ["check", "--format", "json"],
    ["divergence", "--format", "json"],
    ["roadmap", "--format", "json"],
    ["query", "kontrakter-udloeber", "--param", "aar=2019", "--format", "json"],
])
def test_endpoint_gives_the_same_json_as_the_files(server, command):
    prefix = "urn:x:identitet/"
    assert publish(server, "models", prefix=prefix).exit_code == 0
    local = run(None, *command, "models") if command[0] != "query" else run(None, *command, "--path", "models")
    remote = run(server, *command, "--endpoint", server.query, "--graf-prefiks", prefix)
    assert remote.exit_code == local.exit_code, remote.stderr
    assert remote.stdout == local.stdout
    assert json.loads(remote.stdout)  # not empty on both sides


def test_endpoint_check_is_identical_on_a_generated_repository(server, tmp_path):
    repo = tmp_path / "gen"
    generate(repo, 2, 300)
    git_repo(repo)
    prefix = "urn:x:genereret/"
    assert publish(server, ".", prefix=prefix, cwd=repo).exit_code == 0
    local = run(None, "check", ".", "--format", "json", cwd=repo)
    remote = run(server, "check", "--format", "json", "--endpoint", server.query, "--graf-prefiks", prefix)
    assert local.exit_code == remote.exit_code == 1
    assert remote.stdout == local.stdout
    assert json.loads(remote.stdout)["findings"][0]["file"].startswith(("samarbejde/", "silkeborg/", "viborg/"))


def test_query_endpoint_refuses_updates_and_service(server, tmp_path):
    prefix = "urn:x:laes/"
    assert publish(server, "models", prefix=prefix).exit_code == 0
    for text in ("INSERT DATA { <urn:x:forbudt> <urn:x:b> <urn:x:c> }",
                 "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"):
        rq = tmp_path / "q.rq"
        rq.write_text(text, encoding="utf-8")
        result = run(server, "query", str(rq), "--endpoint", server.query, "--graf-prefiks", prefix)
        assert result.exit_code == 2
        assert "ARK-E" in result.stderr
    assert not server.select("SELECT * WHERE { GRAPH ?g { <urn:x:forbudt> ?p ?o } }")  # nothing written


def test_endpoint_with_paths_is_a_usage_error(server):
    result = run(server, "check", "models", "--endpoint", server.query)
    assert result.exit_code == 2 and "ARK-E161" in result.stderr


# -- failure is not loss -----------------------------------------------------------------------------

def test_server_gone_before_the_switch_leaves_the_previous_publication(server, tmp_path, monkeypatch):
    """The server stops after the new graphs are staged and before the one switching request: exit 2
    with ARK-E152, and after a restart the previous publication is there, whole."""
    from arkitektur.server import endpoint as endpoint_mod

    prefix = "urn:x:tab/"
    assert publish(server, "models", prefix=prefix).exit_code == 0
    before = graph_counts(server, prefix)
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "models", repo / "models")
    with open(repo / "models" / "viborg" / "kommune.ttl", "a", encoding="utf-8") as f:
        f.write('\n<urn:x:ny> <urn:x:egenskab> "ny" .\n')
    git_repo(repo)
    real_update = endpoint_mod.Endpoint.update

    def update(self, text):
        if "ADD SILENT GRAPH" in text:  # the switch
            assert server.script("stop").returncode == 0
        return real_update(self, text)

    monkeypatch.setattr(endpoint_mod.Endpoint, "update", update)
    result = publish(server, "models", prefix=prefix, cwd=repo)
    monkeypatch.undo()
    restarted = server.script("start")
    assert restarted.returncode == 0, restarted.stderr
    assert result.exit_code == 2
    assert "ARK-E152" in result.stderr and "forrige publicering står urørt" in result.stderr
    after = graph_counts(server, prefix)
    assert {g: n for g, n in after.items() if g in before} == before  # every graph, metadata too
    assert referenced(server, prefix) | {"metadata"} == set(before)  # still the old publication
    again = publish(server, "models", prefix=prefix, cwd=repo)
    assert again.exit_code == 0
    assert set(graph_counts(server, prefix)) == referenced(server, prefix) | {"metadata"}


# -- questions across collaborations (src/arkitektur/queries/server/) ---------------------------------

def test_cross_collaboration_queries(server, tmp_path):
    """Two collaborations on one server (the example, and a copy of it under another prefix): the
    same systems with contracts ending in 2019 are found in both, and the common task systems."""
    copy = tmp_path / "andet"
    shutil.copytree(ROOT / "models", copy / "models")
    git_repo(copy)
    assert publish(server, "models", prefix="urn:x:tvaers-a/").exit_code == 0
    assert publish(server, "models", prefix="urn:x:tvaers-b/", cwd=copy).exit_code == 0
    folder = ROOT / "src" / "arkitektur" / "queries" / "server"
    local = json.loads(run(None, "query", "kontrakter-udloeber", "--param", "aar=2019", "--format", "json",
                           "--path", "models").stdout)
    expected = {name.lower() for row in local if row.get("systemer")
                for name in row["systemer"].split(", ")}
    rows = server.select((folder / "samme-system-kontraktudloeb.rq").read_text(encoding="utf-8"))
    found = {r["system"]["value"]: int(r["samarbejder"]["value"]) for r in rows}
    assert expected and set(found) >= expected
    assert all(found[s] >= 2 for s in expected)  # both publications (and any other test's) count
    tasks = server.select((folder / "opgaver-samme-system.rq").read_text(encoding="utf-8"))
    assert tasks
    assert all(2 * int(t["kommunerMedSystem"]["value"]) > int(t["kommunerMedOpgave"]["value"]) for t in tasks)
    # The same questions by name through the tool (query --paa-serveren): the server's answer, as JSON.
    res = run(server, "query", "samme-system-kontraktudloeb", "--endpoint", server.query, "--paa-serveren",
              "--format", "json")
    assert res.exit_code == 0, res.output
    assert {r["system"]: int(r["samarbejder"]) for r in json.loads(res.stdout)} == found
    res = run(server, "query", "opgaver-samme-system", "--endpoint", server.query, "--paa-serveren",
              "--format", "table")
    assert res.exit_code == 0 and f"({len(tasks)} " in res.stdout


def test_render_png_from_the_endpoint_lands_where_the_caller_is(server, tmp_path):
    prefix = "urn:x:tegning/"
    assert publish(server, "models", prefix=prefix).exit_code == 0
    result = run(server, "render", "landskab", "--kommune", "silkeborg", "--format", "png",
                 "--endpoint", server.query, "--graf-prefiks", prefix, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "landskab.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    again = run(server, "render", "landskab", "--kommune", "silkeborg", "--format", "png",
                "--endpoint", server.query, "--graf-prefiks", prefix, cwd=tmp_path)
    assert again.exit_code == 2 and "ARK-E138" in again.stderr
