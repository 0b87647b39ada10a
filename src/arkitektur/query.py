"""SPARQL over repositoriet / runs a read-only SPARQL query (a named one or a file) over the loaded repository.

The data are what ``check`` sees: models + shipped ontology + reference data + derived ``afl:``
facts (:func:`arkitektur.check.prepare`). Queries are refused before they run when their parsed
algebra reaches outside that graph (``SERVICE``, ``FROM``/``FROM NAMED``) or when they are updates
(``LOAD``, ``INSERT``, ``DELETE``, ``CLEAR``, ``DROP``, ``CREATE`` …). Parameters are bound as
typed RDF terms through ``initBindings``, never spliced into the text.

A query file starts with comment lines (``# titel:``, ``# title:``, ``# parameter: NAME TYPE
description``); the named queries ship in ``arkitektur/queries/``. The result is written (table,
CSV, JSON) by ``presenters/query.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from pyparsing import ParseException
from rdflib import Literal, URIRef, Variable
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .errors import InputError, UsageError
from .namespaces import XSD

PARAM_TYPES = {
    "xsd:integer": XSD.integer,
    "xsd:gYear": XSD.gYear,
    "xsd:date": XSD.date,
    "xsd:string": XSD.string,
    "xsd:boolean": XSD.boolean,
    "iri": None,
}
_HEADER = re.compile(r"^#\s*(titel|title|parameter)\s*:\s*(.*?)\s*$", re.I)
_UPDATE_WORDS = "INSERT/DELETE/LOAD/CLEAR/DROP/CREATE/ADD/MOVE/COPY"


@dataclass
class Parameter:
    name: str
    type: str  # a key of PARAM_TYPES
    description: str = ""


@dataclass
class NamedQuery:
    name: str
    text: str
    path: str
    title_da: str = ""
    title_en: str = ""
    parameters: list[Parameter] = field(default_factory=list)


@dataclass
class QueryResult:
    variables: list[str]
    rows: list[list]  # rdflib terms or None
    boolean: bool | None = None  # ASK


def parse_header(name: str, text: str, path: str) -> NamedQuery:
    """The title and parameters from the comment lines at the top of a query."""
    q = NamedQuery(name=name, text=text, path=path)
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2)
        if key == "titel":
            q.title_da = value
        elif key == "title":
            q.title_en = value
        else:
            parts = value.split(None, 2)
            if len(parts) < 2 or parts[1] not in PARAM_TYPES:
                raise UsageError(
                    f"{path}: parameterlinjen '{line}' skal have formen '# parameter: NAVN TYPE beskrivelse' "
                    f"med TYPE en af {', '.join(PARAM_TYPES)}.",
                    f"{path}: the parameter line '{line}' must read '# parameter: NAME TYPE description' "
                    f"with TYPE one of {', '.join(PARAM_TYPES)}.",
                    code="ARK-E96",
                )
            q.parameters.append(Parameter(parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    return q


def _library_dir():
    return files("arkitektur") / "queries"


def library(server: bool = False) -> list[NamedQuery]:
    """The named queries shipped with the package, sorted by name; ``server``: those that only make
    sense on the shared SPARQL server, across publications (queries/server/, docs/server.md)."""
    folder = _library_dir() / "server" if server else _library_dir()
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            where = f"queries/server/{entry.name}" if server else f"queries/{entry.name}"
            out.append(parse_header(entry.name[:-3], entry.read_text(encoding="utf-8"), where))
    return out


def bound_text(q: NamedQuery, pairs: list[str]) -> str:
    """The query's text with its parameters as a trailing VALUES block (SPARQL 1.1 §10.2.2): for a
    server, which cannot take rdflib's ``initBindings``."""
    bindings = bind_parameters(q, pairs)
    if not bindings:
        return q.text
    names = list(bindings)
    return (f"{q.text.rstrip()}\nVALUES ({' '.join(n.n3() for n in names)}) "
            f"{{ ({' '.join(bindings[n].n3() for n in names)}) }}\n")


def find(spec: str, server: bool = False) -> NamedQuery:
    """A query by name (``kontrakter-udloeber``) or by path (``mine/forespoergsel.rq``); with
    ``server``, the server's own queries (``library(server=True)``) are found by name too."""
    path = Path(spec)
    if spec.endswith(".rq") or path.is_file():
        if not path.is_file():
            raise InputError("forespørgselsfilen findes ikke.", "the query file does not exist.",
                             code="ARK-E01", file=spec)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"kan ikke læse forespørgselsfilen: {exc}.", f"cannot read the query file: {exc}.",
                             code="ARK-E01", file=spec) from None
        return parse_header(path.stem, text, spec)
    for q in library() + (library(server=True) if server else []):
        if q.name == spec:
            return q
    if not server and any(q.name == spec for q in library(server=True)):
        raise UsageError(
            f"'{spec}' spørger på tværs af samarbejder og kører kun på den fælles SPARQL-server: "
            f"arkitektur query {spec} --endpoint URL --paa-serveren (docs/server.md).",
            f"'{spec}' asks across collaborations and runs only on the shared SPARQL server: "
            f"arkitektur query {spec} --endpoint URL --paa-serveren (docs/server.md).", code="ARK-E163")
    names = ", ".join(q.name for q in library())
    raise UsageError(
        f"ukendt forespørgsel '{spec}'. Kendte navne: {names} (se 'arkitektur query --list'), "
        "eller angiv en .rq-fil.",
        f"unknown query '{spec}'. Known names: {names} (see 'arkitektur query --list'), or give a .rq file.",
        code="ARK-E90",
    )


def _walk(node):
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _walk(value)


def compile_query(q: NamedQuery):
    """Parse and translate; refuse updates, SERVICE and FROM before anything runs."""
    try:
        parsed = parseQuery(q.text)
    except ParseException as exc:
        try:
            parseUpdate(q.text)
        except ParseException:
            raise InputError(
                f"SPARQL-syntaksfejl: {exc.msg}.", f"SPARQL syntax error: {exc.msg}.",
                code="ARK-E91", file=q.path, line=exc.lineno, column=exc.col,
            ) from None
        raise UsageError(
            f"forespørgslen er en opdatering ({_UPDATE_WORDS}); 'arkitektur query' læser kun og kører den ikke.",
            f"the query is an update ({_UPDATE_WORDS}); 'arkitektur query' only reads and does not run it.",
            code="ARK-E92", file=q.path,
        ) from None
    except Exception as exc:  # rdflib raises assorted errors on odd input
        raise InputError(f"SPARQL-fejl: {exc}.", f"SPARQL error: {exc}.", code="ARK-E91", file=q.path) from None
    try:
        query = translateQuery(parsed)
    except Exception as exc:
        raise InputError(f"SPARQL-fejl: {exc}.", f"SPARQL error: {exc}.", code="ARK-E91", file=q.path) from None
    for node in _walk(query.algebra):
        if node.name == "ServiceGraphPattern":
            raise UsageError(
                "forespørgslen bruger SERVICE (henter data fra et andet endpoint); det er ikke tilladt – "
                "'arkitektur query' spørger kun det indlæste repository.",
                "the query uses SERVICE (fetches data from another endpoint); that is not allowed – "
                "'arkitektur query' only asks the loaded repository.",
                code="ARK-E93", file=q.path,
            )
        if node.name == "DatasetClause" or dict.get(node, "datasetClause"):
            raise UsageError(
                "forespørgslen bruger FROM/FROM NAMED (henter grafer udefra); det er ikke tilladt.",
                "the query uses FROM/FROM NAMED (loads graphs from elsewhere); that is not allowed.",
                code="ARK-E93", file=q.path,
            )
    return query


def bind_parameters(q: NamedQuery, pairs: list[str]) -> dict:
    """``NAME=VALUE`` pairs as typed RDF terms, checked against the query's declared parameters."""
    declared = {p.name: p for p in q.parameters}
    given: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not name:
            raise UsageError(f"--param '{pair}': skriv NAVN=VÆRDI.", f"--param '{pair}': write NAME=VALUE.",
                             code="ARK-E94")
        if declared and name not in declared:
            raise UsageError(
                f"--param {name}: forespørgslen '{q.name}' har ingen sådan parameter "
                f"(den har: {', '.join(declared) or 'ingen'}).",
                f"--param {name}: the query '{q.name}' has no such parameter (it has: {', '.join(declared) or 'none'}).",
                code="ARK-E94",
            )
        given[name] = value
    missing = [n for n in declared if n not in given]
    if missing:
        hints = "; ".join(f"--param {n}=… ({declared[n].type}: {declared[n].description})" for n in missing)
        raise UsageError(f"forespørgslen '{q.name}' mangler {hints}.", f"the query '{q.name}' needs {hints}.",
                         code="ARK-E94")
    return {Variable(n): _term(n, v, declared[n].type if n in declared else None) for n, v in given.items()}


def _term(name: str, value: str, kind: str | None):
    def bad(da: str, en: str):
        return UsageError(f"--param {name}={value}: forventede {da}.",
                          f"--param {name}={value}: expected {en}.", code="ARK-E95")

    if kind is None:  # an undeclared parameter of a file: guess from its form
        if re.fullmatch(r"[+-]?\d+", value):
            kind = "xsd:integer"
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            kind = "xsd:date"
        elif value.startswith("<") and value.endswith(">") or re.match(r"(https?|urn):", value):
            kind = "iri"
        else:
            kind = "xsd:string"
    if kind == "xsd:integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise bad("et heltal", "an integer")
        return Literal(int(value), datatype=XSD.integer)
    if kind == "xsd:gYear":
        if not re.fullmatch(r"-?\d{4,}", value):
            raise bad("et årstal (ÅÅÅÅ)", "a year (YYYY)")
        return Literal(value, datatype=XSD.gYear)
    if kind == "xsd:date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise bad("en dato ÅÅÅÅ-MM-DD", "a date YYYY-MM-DD") from None
        return Literal(value, datatype=XSD.date)
    if kind == "xsd:boolean":
        if value not in ("true", "false"):
            raise bad("true eller false", "true or false")
        return Literal(value == "true")
    if kind == "iri":
        iri = value[1:-1] if value.startswith("<") and value.endswith(">") else value
        if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:\S+$", iri) or re.search(r"[<>\"{}|^`\\\s]", iri):
            raise bad("en absolut IRI", "an absolute IRI")
        return URIRef(iri)
    return Literal(value)


def run_on_server(endpoint, q: NamedQuery, params: list[str] | None = None) -> QueryResult:
    """Compile (refusing what is not allowed, as locally), bind the parameters as VALUES and run on
    the SPARQL server ``endpoint`` (``server.endpoint.Endpoint``), across every publication."""
    from .server.endpoint import rdf_term

    query = compile_query(q)
    text = bound_text(q, params or [])
    kind = query.algebra.name
    if kind == "AskQuery":
        answer = endpoint.ask(text)
        return QueryResult(variables=["svar"], rows=[[Literal(answer)]], boolean=answer)
    if kind != "SelectQuery":
        raise UsageError("på serveren køres kun SELECT og ASK (CONSTRUCT/DESCRIBE: kør lokalt).",
                         "on the server only SELECT and ASK run (CONSTRUCT/DESCRIBE: run locally).",
                         code="ARK-E164")
    variables, rows = endpoint.select_table(text)
    return QueryResult(variables=variables, rows=[[rdf_term(r.get(v)) for v in variables] for r in rows])


def run(graph, q: NamedQuery, params: list[str] | None = None) -> QueryResult:
    """Compile (refusing what is not allowed), bind the parameters, and run over ``graph``."""
    query = compile_query(q)
    bindings = bind_parameters(q, params or [])
    result = graph.query(query, initBindings=bindings)
    if result.type == "ASK":
        return QueryResult(variables=["svar"], rows=[[Literal(bool(result.askAnswer))]], boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        rows = sorted(([s, p, o] for s, p, o in result.graph), key=lambda r: tuple(map(str, r)))
        return QueryResult(variables=["subjekt", "praedikat", "objekt"], rows=rows)
    variables = [str(v) for v in result.vars]
    return QueryResult(variables=variables, rows=[[row[v] for v in result.vars] for row in result])
