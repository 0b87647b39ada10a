"""arkitektur query: the named queries on a small model with known answers, parameters, refusals, formats."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner

from arkitektur import query as query_mod
from arkitektur.check import prepare
from arkitektur.cli import main
from arkitektur.errors import ArkitekturError

MODEL = """\
@prefix ark: <https://w3id.org/arkitektur/ontologi#> .
@prefix ex: <https://example.org/> .
@prefix kle27: <http://www.kle-online.dk/emneplan/27/#_> .
@prefix kle85: <http://www.kle-online.dk/emneplan/85/#_> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:a a ark:Kommune ; rdfs:label "Aby Kommune"@da ; ark:kommunekode "101" .
ex:b a ark:Kommune ; rdfs:label "Bby Kommune"@da ; ark:kommunekode "102" .
ex:sam a ark:Samarbejde ; rdfs:label "Samarbejdet"@da ; ark:medlem ex:a , ex:b .

kle27:27.36.00 a ark:Opgave ; rdfs:label "Hjemmepleje"@da ; skos:notation "27.36.00" .
kle85:85.00.00 a ark:Opgave ; rdfs:label "Økonomi"@da ; skos:notation "85.00.00" .

ex:lev a ark:Leverandoer ; rdfs:label "Leverandøren"@da .
ex:omsorg1 a ark:ItSystem ; rdfs:label "Omsorg Et"@da .
ex:omsorg2 a ark:ItSystem ; rdfs:label "Omsorg To"@da .
ex:oekonomi a ark:ItSystem ; rdfs:label "Økonomisystem"@da .

ex:a-omsorg a ark:Systemanvendelse ; rdfs:label "A: Omsorg Et"@da ; ark:kommune ex:a ;
    ark:system ex:omsorg1 ; ark:livscyklus ark:IDrift ; ark:understoetterOpgave kle27:27.36.00 ;
    ark:kontrakt ex:k-a-omsorg .
ex:b-omsorg a ark:Systemanvendelse ; rdfs:label "B: Omsorg To"@da ; ark:kommune ex:b ;
    ark:system ex:omsorg2 ; ark:livscyklus ark:IDrift ; ark:understoetterOpgave kle27:27.36.00 ;
    ark:kontrakt ex:k-b-omsorg .
ex:a-oek a ark:Systemanvendelse ; rdfs:label "A: Økonomi"@da ; ark:kommune ex:a ;
    ark:system ex:oekonomi ; ark:livscyklus ark:IDrift ; ark:understoetterOpgave kle85:85.00.00 ;
    ark:kontrakt ex:k-faelles .
ex:b-oek a ark:Systemanvendelse ; rdfs:label "B: Økonomi"@da ; ark:kommune ex:b ;
    ark:system ex:oekonomi ; ark:livscyklus ark:IDrift ; ark:understoetterOpgave kle85:85.00.00 ;
    ark:kontrakt ex:k-faelles .
ex:b-gammel a ark:Systemanvendelse ; rdfs:label "B: gammelt omsorgssystem"@da ; ark:kommune ex:b ;
    ark:system ex:omsorg1 ; ark:livscyklus ark:Udfaset ; ark:understoetterOpgave kle27:27.36.00 .

ex:k-a-omsorg a ark:Kontrakt ; rdfs:label "A: omsorgskontrakt"@da ; ark:leverandoer ex:lev ;
    ark:udloebsdato "2019-06-30"^^xsd:date ; ark:opsigelsesfrist "P6M"^^xsd:duration .
ex:k-b-omsorg a ark:Kontrakt ; rdfs:label "B: omsorgskontrakt"@da ; ark:leverandoer ex:lev ;
    ark:udloebsdato "2020-12-31"^^xsd:date .
ex:k-faelles a ark:Kontrakt ; rdfs:label "Fælles økonomikontrakt"@da ; ark:leverandoer ex:lev ;
    ark:udloebsdato "2019-12-31"^^xsd:date ; ark:kontraktpart ex:sam .

ex:helbred a ark:Dataobjekt ; rdfs:label "Helbredsoplysninger"@da ;
    ark:personoplysninger ark:FoelsommePersonoplysninger .
ex:poster a ark:Dataobjekt ; rdfs:label "Posteringer"@da ;
    ark:personoplysninger ark:AlmindeligePersonoplysninger .

ex:int-omsorg-oek a ark:Integration ; rdfs:label "A: omsorg til økonomi"@da ;
    ark:fra ex:a-omsorg ; ark:til ex:a-oek ; ark:overfoerer ex:poster ; ark:moenster ark:Filoverfoersel .
ex:int-helbred a ark:Integration ; rdfs:label "B: helbred via Serviceplatformen"@da ;
    ark:fra ex:b-omsorg ; ark:til ex:b-oek ; ark:via ark:Serviceplatformen ; ark:overfoerer ex:helbred .
ex:flow-helbred a ark:Dataflow ; rdfs:label "B: helbred (gammelt system)"@da ;
    ark:fra ex:b-gammel ; ark:til ex:b-omsorg ; ark:overfoerer ex:helbred .

ex:p-med a ark:Digitaliseringsprojekt ; rdfs:label "Projekt med gevinst"@da ; ark:status ark:Igang ;
    ark:deltager ex:a ; ark:gevinst ex:g .
ex:p-uden a ark:Digitaliseringsprojekt ; rdfs:label "Projekt uden gevinst"@da ; ark:status ark:Ide ;
    ark:deltager ex:a , ex:b .
ex:g a ark:Gevinst ; rdfs:label "Gevinsten"@da .
"""

EX = "https://example.org/"


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("q") / "models"
    root.mkdir()
    (root / "model.ttl").write_text(MODEL, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def graph(repo):
    return prepare([repo], dt.date(2016, 6, 1)).graph


def rows(graph, name, *params):
    result = query_mod.run(graph, query_mod.find(name), list(params))
    return [dict(zip(result.variables, (None if t is None else str(t) for t in row))) for row in result.rows]


def test_library_headers():
    names = [q.name for q in query_mod.library()]
    assert names == ["foelsomme-data", "forskellige-loesninger", "gevinster-forfaldne", "kontrakter-udloeber",
                     "projekter-uden-gevinst", "uden-om-infrastruktur"]
    for q in query_mod.library():
        assert q.title_da and q.title_en, q.name
        query_mod.compile_query(q)
    assert [(p.name, p.type) for p in query_mod.find("kontrakter-udloeber").parameters] == [("aar", "xsd:integer")]


def test_foelsomme_data(graph):
    got = {(r["kommune"], r["system"]) for r in rows(graph, "foelsomme-data")}
    # The phased-out usage at the end of the data flow does not count.
    assert got == {(EX + "b", EX + "omsorg2"), (EX + "b", EX + "oekonomi")}


def test_kontrakter_udloeber(graph):
    got = {(r["kommune"], r["kontrakt"], r["opsigelsesdato"]) for r in rows(graph, "kontrakter-udloeber", "aar=2019")}
    assert got == {(EX + "a", EX + "k-a-omsorg", "2018-12-30"), (EX + "a", EX + "k-faelles", "2019-12-31"),
                   (EX + "b", EX + "k-faelles", "2019-12-31")}
    assert {r["kontrakt"] for r in rows(graph, "kontrakter-udloeber", "aar=2020")} == {EX + "k-b-omsorg"}
    assert rows(graph, "kontrakter-udloeber", "aar=2031") == []


def test_forskellige_loesninger(graph):
    got = {(r["kle"], r["kommune"], r["system"]) for r in rows(graph, "forskellige-loesninger")}
    assert got == {("27.36.00", EX + "a", EX + "omsorg1"), ("27.36.00", EX + "b", EX + "omsorg2")}


def test_uden_om_infrastruktur(graph):
    got = {(r["kommune"], r["integration"]) for r in rows(graph, "uden-om-infrastruktur")}
    assert got == {(EX + "a", EX + "int-omsorg-oek")}


def test_projekter_uden_gevinst(graph):
    got = rows(graph, "projekter-uden-gevinst")
    assert [(r["projekt"], r["status"], r["deltagere"]) for r in got] == [
        (EX + "p-uden", "Ide", "Aby Kommune, Bby Kommune")]


def test_parameters_are_typed_bindings_never_text(graph, tmp_path):
    q = query_mod.find("kontrakter-udloeber")
    bound = query_mod.bind_parameters(q, ["aar=2019"])
    assert [str(v) for v in bound] == ["aar"] and bound[next(iter(bound))].datatype.endswith("#integer")
    # An injection attempt is not an integer, so it is refused; it never reaches the query text.
    with pytest.raises(ArkitekturError) as exc:
        query_mod.bind_parameters(q, ["aar=2019) } ; DROP ALL #"])
    assert exc.value.code == "ARK-E95"
    with pytest.raises(ArkitekturError):
        query_mod.bind_parameters(q, [])  # missing
    with pytest.raises(ArkitekturError):
        query_mod.bind_parameters(q, ["aar=2019", "andet=1"])  # unknown
    # A file's undeclared parameter is typed by its form; a string stays a plain literal.
    f = tmp_path / "label.rq"
    f.write_text('PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n'
                 'SELECT ?s WHERE { ?s rdfs:label ?l FILTER (STR(?l) = ?navn) }\n')
    assert [r["s"] for r in rows(graph, str(f), 'navn=Aby Kommune')] == [EX + "a"]
    assert rows(graph, str(f), 'navn=" } ?s ?p ?o { "') == []


@pytest.mark.parametrize("text, code", [
    ("SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }", "ARK-E93"),
    ("SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT <http://e.example/> { ?s ?q ?r } } }", "ARK-E93"),
    ("SELECT * FROM <http://evil.example/g> WHERE { ?s ?p ?o }", "ARK-E93"),
    ("LOAD <http://evil.example/data.ttl>", "ARK-E92"),
    ("INSERT DATA { <http://e.example/a> <http://e.example/b> <http://e.example/c> }", "ARK-E92"),
    ("DELETE WHERE { ?s ?p ?o }", "ARK-E92"),
    ("CLEAR ALL", "ARK-E92"),
    ("DROP GRAPH <http://e.example/g>", "ARK-E92"),
    ("CREATE GRAPH <http://e.example/g>", "ARK-E92"),
    ("SELECT * WHERE { ?s ?p }", "ARK-E91"),
])
def test_refused_before_running(tmp_path, text, code, monkeypatch):
    f = tmp_path / "q.rq"
    f.write_text("# titel: ond\n" + text + "\n")
    with pytest.raises(ArkitekturError) as exc:
        query_mod.compile_query(query_mod.find(str(f)))
    assert exc.value.code == code
    # The CLI refuses with exit 2 before it loads anything.
    monkeypatch.setattr("arkitektur.cli.query.prepared", lambda *a, **k: pytest.fail("loaded the repository"))
    res = CliRunner().invoke(main, ["query", str(f), str(tmp_path)])
    assert res.exit_code == 2 and code in res.stderr


def test_unknown_name_and_missing_file():
    runner = CliRunner()
    res = runner.invoke(main, ["query", "findes-ikke"])
    assert res.exit_code == 2 and "ukendt forespørgsel" in res.stderr
    res = runner.invoke(main, ["query", "mangler.rq"])
    assert res.exit_code == 2 and "findes ikke" in res.stderr


def test_cli_formats_and_list(repo):
    runner = CliRunner()
    res = runner.invoke(main, ["query", "--list"])
    assert res.exit_code == 0 and "kontrakter-udloeber" in res.stdout and "--param aar" in res.stdout
    args = ["query", "kontrakter-udloeber", "--path", str(repo), "--param", "aar=2019", "--as-of", "2016-06-01"]
    res = runner.invoke(main, args + ["--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert isinstance(data, list) and {d["kontrakt"] for d in data} == {EX + "k-a-omsorg", EX + "k-faelles"}
    res = runner.invoke(main, args + ["--format", "csv"])
    table = list(csv.reader(io.StringIO(res.stdout)))
    assert table[0][:3] == ["kommune", "kommunenavn", "kontrakt"] and len(table) == 4
    res = runner.invoke(main, args)
    lines = res.stdout.splitlines()
    assert lines[0].startswith("kommune ") and set(lines[1]) <= {"-", " "}
    assert "ex:k-faelles" in res.stdout  # IRIs shortened with the model's prefixes
    assert lines[2].index("ex:") == lines[3].index("ex:")  # columns aligned
    # PATHS as arguments work as well as --path.
    res = runner.invoke(main, ["query", "projekter-uden-gevinst", str(repo), "--format", "json"])
    assert [d["projekt"] for d in json.loads(res.stdout)] == [EX + "p-uden"]
