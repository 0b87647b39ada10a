"""Fejl ved serveren er ikke tab / a bad endpoint is exit 2 with a clear message, nothing written, no credential printed.

A small local HTTP server plays the broken SPARQL servers (an HTML page, a login refusal, an error
page, silence); no real SPARQL server is needed (those are in tests/test_server.py).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from arkitektur.cli import main

# Slow: starts fake HTTP servers for every failure mode. CI runs it; the default run stays under a minute
# (docs/udvikling/konventioner.md, "Tests").
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SECRET = "Hemmeligt-Kodeord-7"


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 – http.server's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        kind = self.path.strip("/").split("/")[0]
        if kind == "langsom":
            time.sleep(3)
        status, ctype, body = {
            "html": (200, "text/html", "<!DOCTYPE html><html><body>Velkommen til intranettet</body></html>"),
            "login": (401, "text/plain", "Unauthorized"),
            "fejlside": (502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>"),
            "ikke-json": (200, "application/sparql-results+json", "{ikke json"),
        }.get(kind, (200, "application/sparql-results+json", '{"head":{"vars":[]},"results":{"bindings":[]}}'))
        data = body.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def fake():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args, env=None):
    env = {"ARKITEKTUR_SPARQL_USER": "arkitektur", "ARKITEKTUR_SPARQL_PASSWORD": SECRET,
           "ARKITEKTUR_SPARQL_TOKEN": None, **(env or {})}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.mark.parametrize(("path", "code"), [
    ("html/sparql", "ARK-E156"),      # a web page, not a SPARQL server
    ("login/sparql", "ARK-E154"),     # wrong credentials
    ("fejlside/sparql", "ARK-E156"),  # a proxy's HTML error page
    ("ikke-json/sparql", "ARK-E156"),
])
@pytest.mark.parametrize("command", ["publish", "check"])
def test_a_broken_endpoint_is_exit_2_with_its_id(fake, path, code, command):
    args = ["publish", str(ROOT / "models")] if command == "publish" else ["check"]
    result = run(*args, "--endpoint", f"{fake}/{path}")
    assert result.exit_code == 2, result.output
    assert f"fejl: {code}" in result.stderr
    assert "Traceback" not in result.stderr
    assert SECRET not in result.stdout + result.stderr


def test_a_timeout_is_exit_2(fake):
    result = run("check", "--endpoint", f"{fake}/langsom/sparql", env={"ARKITEKTUR_SPARQL_TIMEOUT": "0.5"})
    assert result.exit_code == 2
    assert "fejl: ARK-E153" in result.stderr


def test_no_server_is_exit_2_and_says_nothing_changed():
    result = run("publish", str(ROOT / "models"), "--endpoint", f"http://127.0.0.1:{_closed_port()}/query")
    assert result.exit_code == 2
    assert "fejl: ARK-E152" in result.stderr and "forrige publicering står urørt" in result.stderr


@pytest.mark.parametrize(("url", "env", "code"), [
    ("ftp://example.org/sparql", {}, "ARK-E150"),
    (f"http://arkitektur:{SECRET}@127.0.0.1:1/sparql", {}, "ARK-E150"),
    ("http://127.0.0.1:1/sparql", {"ARKITEKTUR_SPARQL_TOKEN": "t"}, "ARK-E151"),
    ("http://127.0.0.1:1/sparql", {"ARKITEKTUR_SPARQL_PASSWORD": None}, "ARK-E151"),
])
def test_bad_url_or_credentials_are_refused_before_any_request(url, env, code):
    result = run("check", "--endpoint", url, env=env)
    assert result.exit_code == 2
    assert f"fejl: {code}" in result.stderr
    assert SECRET not in result.stdout + result.stderr


def test_an_empty_server_has_no_publication(fake):
    result = run("roadmap", "--endpoint", f"{fake}/tom/sparql")
    assert result.exit_code == 2
    assert "fejl: ARK-E159" in result.stderr


def test_endpoint_and_paths_together_are_refused(fake):
    result = run("check", "models", "--endpoint", f"{fake}/tom/sparql")
    assert result.exit_code == 2 and "fejl: ARK-E161" in result.stderr
    assert "kan ikke kombineres med stier." in result.stderr  # named as the user wrote them
    result = run("divergence", "--historik", "HEAD~1..HEAD", "--endpoint", f"{fake}/tom/sparql")
    assert result.exit_code == 2 and "fejl: ARK-E161" in result.stderr
    assert "kombineres med --historik." in result.stderr


def test_query_on_the_server_needs_an_endpoint_and_says_where_a_server_query_runs(tmp_path):
    """query --paa-serveren (the cross-collaboration questions, docs/server.md): without --endpoint
    ARK-E162; a server query by name without it ARK-E163, naming the command that runs it."""
    result = run("query", "opgaver-samme-system", "--paa-serveren")
    assert result.exit_code == 2 and "fejl: ARK-E162" in result.stderr
    result = run("query", "opgaver-samme-system", "--path", "models")
    assert result.exit_code == 2 and "fejl: ARK-E163" in result.stderr
    assert "--endpoint URL --paa-serveren" in result.stderr
    listing = run("query", "--list")
    assert "opgaver-samme-system (kun på serveren: --endpoint URL --paa-serveren)" in listing.stdout


def test_query_on_the_server_refuses_what_it_refuses_locally_before_sending(fake, tmp_path):
    construct = tmp_path / "c.rq"
    construct.write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n", encoding="utf-8")
    result = run("query", str(construct), "--endpoint", f"{fake}/tom/sparql", "--paa-serveren")
    assert result.exit_code == 2 and "fejl: ARK-E164" in result.stderr
    service = tmp_path / "s.rq"
    service.write_text("SELECT * WHERE { SERVICE <http://evil/> { ?s ?p ?o } }\n", encoding="utf-8")
    result = run("query", str(service), "--endpoint", f"{fake}/tom/sparql", "--paa-serveren")
    assert result.exit_code == 2 and "SERVICE" in result.stderr
    # an empty answer from the server is an empty table, exit 0
    select = tmp_path / "t.rq"
    select.write_text("SELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
    result = run("query", str(select), "--endpoint", f"{fake}/tom/sparql", "--paa-serveren", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
