"""KITOS import: mapping, stable IRIs, re-import reporting exactly the changes, hand edits, delta feed,
the HTTP client against a local server (no network), and hostile input."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
import rdflib.namespace as rns

from arkitektur import loader
from arkitektur.cli import main
from arkitektur.errors import UsageError
from arkitektur.interchange import kitos
from arkitektur.namespaces import ARK

DATA = Path(__file__).resolve().parent / "data" / "interchange" / "kitos"
ORG = "0f000000-0000-4000-8000-000000000740"
BASE = "https://w3id.org/arkitektur/kitos/"
U1 = URIRef(BASE + "it-system-usage/d0000000-0000-4000-8000-000000000001")
U3 = URIRef(BASE + "it-system-usage/d0000000-0000-4000-8000-000000000003")
U4 = URIRef(BASE + "it-system-usage/d0000000-0000-4000-8000-000000000004")
S5 = URIRef(BASE + "it-system/c0000000-0000-4000-8000-000000000005")
C1 = URIRef(BASE + "it-contract/e0000000-0000-4000-8000-000000000001")
AS_OF = dt.date(2019, 6, 1)


def opts(**kw):
    return kitos.Options(org=ORG, as_of=AS_OF, **kw)


def imp(folder: str, out: Path, **kw):
    return kitos.run(kitos.DirectorySource(DATA / folder), opts(), out, **kw)


def graph(path: Path):
    return loader.load([path]).model


def test_first_import_maps_the_documented_shapes(tmp_path):
    out = tmp_path / "kitos.ttl"
    r = imp("v1", out)
    assert r.first and out.is_file()
    g = graph(out)
    assert (U1, rns.RDF.type, ARK.Systemanvendelse) in g
    assert (U1, ARK.livscyklus, ARK.IDrift) in g
    assert (U1, ARK.systemejer, Literal("Jens Hansen")) in g
    assert (U1, ARK.systemansvarlig, Literal("IT-afdelingen")) in g
    # 31 March 22:00 UTC is 1 April in Denmark (summer time)
    assert (U1, ARK.risikovurderet, Literal("2019-04-01", datatype=rns.XSD.date)) in g
    kle = {str(o) for o in g.objects(U1, ARK.understoetterOpgave)}
    assert kle == {"http://www.kle-online.dk/emneplan/00/#_00.01.10", "http://www.kle-online.dk/emneplan/00/#_00.01.00"}
    assert (C1, ARK.udloebsdato, Literal("2019-12-31", datatype=rns.XSD.date)) in g
    assert (C1, ARK.opsigelsesfrist, Literal("P6M", datatype=rns.XSD.duration)) in g
    assert (C1, ARK.aarligPris, Literal("300000.5", datatype=rns.XSD.decimal)) in g
    assert (C1, ARK.databehandleraftale, Literal("true", datatype=rns.XSD.boolean)) in g
    udbud = URIRef(f"{C1}/udbud")
    assert (udbud, ARK.planlagtDato, Literal("2019-04-01", datatype=rns.XSD.date)) in g
    assert (udbud, ARK.erstatter, U1) in g
    rel = URIRef(BASE + "system-relation/a0000000-0000-4000-8000-000000000001")
    assert (rel, ARK.fra, U1) in g and (rel, ARK.moenster, ARK.Opslag) in g
    data = next(g.objects(rel, ARK.overfoerer))
    assert (data, ARK.grunddatatype, ARK.Person) in g
    assert (URIRef(f"{U1}/data"), ARK.personoplysninger, ARK.FoelsommePersonoplysninger) in g
    assert (U3, ARK.livscyklus, ARK.Indfases) in g  # Pilot
    text = r.text()
    assert "newFancyField" in text and "Forretningsejer" in text  # unknown field, unmapped role: reported
    snap_ttl, snap_json = kitos.snapshot_paths(out)
    assert snap_ttl.is_file() and snap_json.is_file()


def test_second_import_reports_exactly_the_changes_and_does_not_duplicate(tmp_path):
    out = tmp_path / "kitos.ttl"
    imp("v1", out)
    before = len(graph(out))
    r = imp("v2", out)
    got = {(c.kind, str(c.subject), str(c.predicate) if c.predicate else None,
            tuple(map(str, c.old)), tuple(map(str, c.new))) for c in r.merge.source_changes}
    assert got == {
        ("ændret", str(U1), str(ARK.livscyklus), (str(ARK.IDrift),), (str(ARK.Udfases),)),
        ("ændret", str(C1), str(ARK.udloebsdato), ("2019-12-31",), ("2020-12-31",)),
        ("ny", str(U4), None, (), ()),
        ("ny", str(S5), None, (), ()),
    }
    assert not r.merge.hand_edits and not r.merge.conflicts
    g = graph(out)
    assert (U1, ARK.livscyklus, ARK.Udfases) in g and (U1, ARK.livscyklus, ARK.IDrift) not in g
    assert len(g) > before
    # A third import of the same data changes nothing.
    r = imp("v2", out)
    assert r.merge.source_changes == [] and "Ingen ændringer" in r.text()


def test_hand_edits_are_kept_and_conflicts_reported(tmp_path):
    out = tmp_path / "kitos.ttl"
    imp("v1", out)
    text = out.read_text(encoding="utf-8")
    text = text.replace('"2019-12-31"^^xsd:date', '"2021-06-30"^^xsd:date')          # conflicts with KITOS
    text = text.replace('"Økonomiafdelingen"', '"Økonomiafdelingen" , "Mette Jensen"')  # hand only
    out.write_text(text, encoding="utf-8")
    r = imp("v2", out)
    g = graph(out)
    assert (C1, ARK.udloebsdato, Literal("2021-06-30", datatype=rns.XSD.date)) in g  # hand edit kept
    assert [(str(c[0]), str(c[1])) for c in r.merge.conflicts] == [(str(C1), str(ARK.udloebsdato))]
    assert "KONFLIKTER" in r.text()
    assert any(Literal("Mette Jensen") in c.new for c in r.merge.hand_edits)
    assert Literal("Mette Jensen") in set(g.objects(None, ARK.systemansvarlig))
    assert (U1, ARK.livscyklus, ARK.Udfases) in g  # untouched by hand: KITOS wins


def test_delta_import_with_deleted_entities(tmp_path):
    out = tmp_path / "kitos.ttl"
    imp("v1", out)
    r = imp("delta", out, since="2020-01-01")
    kinds = {(c.kind, str(c.subject)) for c in r.merge.source_changes}
    assert ("fjernet", str(U3)) in kinds
    assert "slettet i KITOS" in r.text() and "Experimental" in r.text()  # unknown enum: a warning
    g = graph(out)
    assert not set(g.triples((U3, None, None)))
    assert (C1, rns.RDF.type, ARK.Kontrakt) in g  # unchanged entities stay (delta, not a full replace)


def test_dry_run_and_existing_file_without_snapshot(tmp_path):
    out = tmp_path / "kitos.ttl"
    r = imp("v1", out, dry_run=True)
    assert not out.exists() and r.written == []
    out.write_text("# hånd\n", encoding="utf-8")
    with pytest.raises(UsageError):
        imp("v1", out)
    assert out.read_text(encoding="utf-8") == "# hånd\n"


def test_reuse_of_catalogue_nodes_by_kitos_uuid(tmp_path):
    repo = tmp_path / "repo.ttl"
    repo.write_text('@prefix ark: <https://w3id.org/arkitektur/ontologi#> .\n'
                    '@prefix dcterms: <http://purl.org/dc/terms/> .\n'
                    '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                    '<https://example.org/sbsys> a ark:ItSystem ; rdfs:label "SBSYS"@da ;\n'
                    '    dcterms:identifier "c0000000-0000-4000-8000-000000000001" .\n', encoding="utf-8")
    out = tmp_path / "ud" / "kitos.ttl"
    kitos.run(kitos.DirectorySource(DATA / "v1"), opts(repo=[repo], kommune="https://example.org/silkeborg"), out)
    g = graph(out)
    assert (U1, ARK.system, URIRef("https://example.org/sbsys")) in g
    assert not set(g.triples((URIRef("https://example.org/sbsys"), None, None)))
    assert (U1, ARK.kommune, URIRef("https://example.org/silkeborg")) in g


def test_local_dates():
    assert kitos.local_date("2019-12-30T23:00:00Z") == dt.date(2019, 12, 31)   # winter, +1
    assert kitos.local_date("2019-06-30T22:00:00Z") == dt.date(2019, 7, 1)     # summer, +2
    assert kitos.local_date("2019-06-30T21:59:00Z") == dt.date(2019, 6, 30)
    assert kitos.local_date("2019-06-30") == dt.date(2019, 6, 30)
    assert kitos.local_date("ikke en dato") is None


def test_hostile_json_is_refused_and_nothing_written(tmp_path):
    folder = tmp_path / "json"
    shutil.copytree(DATA / "v1", folder)
    (folder / "it-systems.json").write_text("[" * 100000 + "]" * 100000, encoding="utf-8")
    out = tmp_path / "ud" / "kitos.ttl"
    r = CliRunner().invoke(main, ["import", "kitos", "--fra-fil", str(folder), "--org", ORG, "-o", str(out)])
    assert r.exit_code == 2 and "ARK-E82" in r.stderr
    assert not out.exists() and not (tmp_path / "ud").exists()


def test_cli_offline_import(tmp_path):
    out = tmp_path / "kitos.ttl"
    r = CliRunner().invoke(main, ["import", "kitos", "--fra-fil", str(DATA / "v1"), "--org", ORG, "-o", str(out),
                                  "--as-of", "2019-06-01", "--rolle", "Forretningsejer=systemejer"])
    assert r.exit_code == 0, r.output
    assert "Første KITOS-import" in r.stdout and "Forretningsejer" not in r.stdout
    assert (U1, ARK.systemejer, Literal("Anne Berg")) in graph(out)
    r = CliRunner().invoke(main, ["import", "kitos", "--org", ORG, "-o", str(out)])
    assert r.exit_code == 2


# --------------------------------------------------------------------------- the HTTP client
class FakeKitos(BaseHTTPRequestHandler):
    """Serves the v1 fixtures like KITOS API v2 does (token, paging), on 127.0.0.1 only."""

    calls: list = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, code: int, body) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length))
        if self.path == "/api/authorize/GetToken" and body.get("password") == "hemmelig":
            self._send(200, {"response": {"token": "TOKEN", "email": body["email"], "loginSuccessful": True}})
        else:
            self._send(401, {})

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        FakeKitos.calls.append((url.path, q))
        if self.headers.get("Authorization") != "Bearer TOKEN":
            return self._send(401, {})
        parts = url.path.strip("/").split("/")
        if parts[:2] != ["api", "v2"]:
            return self._send(404, {})
        name = parts[2]
        if name == "organizations":
            return self._send(200, json.loads((DATA / "v1" / "organizations.json").read_text())[0])
        if name == "delta-feed":
            return self._send(200, [])
        items = json.loads((DATA / "v1" / f"{name}.json").read_text())
        if len(parts) == 4:
            hit = [i for i in items if i["uuid"] == parts[3]]
            return self._send(200, hit[0]) if hit else self._send(404, {})
        size, page = int(q.get("pageSize", 250)), int(q.get("page", 0))
        self._send(200, items[page * size:(page + 1) * size])


@pytest.fixture()
def server():
    FakeKitos.calls = []
    httpd = HTTPServer(("127.0.0.1", 0), FakeKitos)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_api_client_token_paging_and_same_result_as_offline(server, tmp_path, monkeypatch):
    from arkitektur.interchange.kitos import client as kitos_client

    monkeypatch.setattr(kitos_client, "PAGE_SIZE", 2)
    src = kitos.ApiSource(server, email="api@kommune.dk", password="hemmelig", timeout=5)
    out_api, out_dir = tmp_path / "api" / "k.ttl", tmp_path / "dir" / "k.ttl"
    save = tmp_path / "gemt"
    kitos.run(src, opts(), out_api, save_json=save)
    kitos.run(kitos.DirectorySource(DATA / "v1"), opts(), out_dir)
    from rdflib.compare import isomorphic

    assert isomorphic(graph(out_api), graph(out_dir))
    usage_pages = [q for p, q in FakeKitos.calls if p == "/api/v2/it-system-usages"]
    assert [q["page"] for q in usage_pages] == ["0", "1"]  # 3 usages, pages of 2
    assert all(q["organizationUuid"] == ORG and q["orderByProperty"] == "CreationOrder" for q in usage_pages)
    # the saved JSON works offline
    out_saved = tmp_path / "saved" / "k.ttl"
    kitos.run(kitos.DirectorySource(save), opts(), out_saved)
    assert isomorphic(graph(out_saved), graph(out_dir))
    # --siden sidst asks for changes since the last fetch, and the deleted-entities feed
    FakeKitos.calls = []
    kitos.run(src, opts(), out_api, since="sidst")
    assert any(p == "/api/v2/delta-feed/deleted-entities" for p, _ in FakeKitos.calls)
    assert all("changedSinceGtEq" in q for p, q in FakeKitos.calls if p == "/api/v2/it-contracts")


def test_api_client_refused_login_and_bad_url(server, tmp_path):
    src = kitos.ApiSource(server, email="api@kommune.dk", password="forkert", timeout=5)
    from arkitektur.errors import ArkitekturError

    with pytest.raises(ArkitekturError) as exc:
        kitos.run(src, opts(), tmp_path / "k.ttl")
    assert exc.value.code == "ARK-E80"
    assert not (tmp_path / "k.ttl").exists()
    from arkitektur.interchange.kitos.client import KitosError

    with pytest.raises(KitosError):
        kitos.ApiSource("file:///etc/passwd")


def test_drifted_and_odd_shapes_warn_but_never_crash(tmp_path):
    folder = tmp_path / "skaev"
    shutil.copytree(DATA / "v1", folder)
    usages = json.loads((folder / "it-system-usages.json").read_text(encoding="utf-8"))
    usages[0]["general"] = "ikke et objekt"
    usages[1]["roles"] = {"role": "forkert form"}
    usages[1]["gdpr"] = {"dataSensitivityLevels": [{"x": 1}, "Quantum"]}
    usages[2]["general"] = {"validity": {"lifeCycleStatus": {"uventet": True}}, "brandNewField": 1}
    usages.append("ikke et objekt")
    (folder / "it-system-usages.json").write_text(json.dumps(usages), encoding="utf-8")
    contracts = json.loads((folder / "it-contracts.json").read_text(encoding="utf-8"))
    contracts[0]["payments"] = {"external": "mange penge"}
    contracts[0]["termination"] = {"terms": {"noticePeriodMonths": {"name": "et halvt år"}}}
    (folder / "it-contracts.json").write_text(json.dumps(contracts), encoding="utf-8")
    r = kitos.run(kitos.DirectorySource(folder), opts(), tmp_path / "k.ttl")
    text = r.text()
    assert "Quantum" in text and "brandNewField" in text and "et halvt år" in text
    assert (tmp_path / "k.ttl").is_file()
