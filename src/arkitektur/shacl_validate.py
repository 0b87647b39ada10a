"""Generel SHACL-validering / validates any data graph against any shapes graph with one of the
engines and returns a W3C ``sh:ValidationReport`` (the ``arkitektur shacl`` command, docs/shacl.md).

Unlike ``check`` nothing here knows our ontology or rules: no derived facts, no dispensations, no
rule IDs. The engines are the same ones ``check`` runs (``check.ENGINE_MODULES``); a shapes graph
an engine cannot run exactly is refused (``ShapesError``, exit 2), never skipped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from . import loader
from .engine_common import RawResult
from .errors import InputError
from .namespaces import RDF, SH

REPORT_FORMATS = ("turtle", "json", "text")


@dataclass
class Validation:
    """The results of one validation, with the graphs they refer to."""

    results: list[RawResult]
    shapes: Graph

    @property
    def conforms(self) -> bool:
        """SHACL §3.6.1: a graph conforms when validation produces no result at all (any severity)."""
        return not self.results


class ReadGraph(Graph):
    """A graph read from files (``read_graph``) that also keeps its triples as a list
    (``read_triples``, each once) and as pyoxigraph parsed them (``ox_quads``): the default engine
    reads the list instead of iterating rdflib's store, and loads the quads into its own store
    instead of converting every rdflib term back (docs/ydelse.md). Any change through the graph's
    API drops both."""

    read_triples: list | None = None
    ox_quads: list | None = None

    def _changed(self) -> None:
        self.read_triples = self.ox_quads = None

    def add(self, triple):
        self._changed()
        return super().add(triple)

    def addN(self, quads):  # noqa: N802 - rdflib's name
        self._changed()
        return super().addN(quads)

    def remove(self, triple):
        self._changed()
        return super().remove(triple)

    def parse(self, *args, **kwargs):
        self._changed()
        return super().parse(*args, **kwargs)


def read_graph(paths: list[Path]) -> tuple[Graph, list[str]]:
    """Every ``.ttl`` under ``paths`` in one graph, relative IRIs resolved against each file's URI.

    Returns the graph (a ``ReadGraph``) and the notes (empty files skipped); raises ``InputError``
    for unreadable input.
    """
    g = ReadGraph()
    notes = []
    triples, quads = [], []
    files = loader.discover(paths)
    if not files:
        raise InputError("ingen .ttl-filer fundet.", "no .ttl files found.", code="ARK-E01",
                         file=", ".join(map(str, paths)))
    blank_nodes: set = set()
    for path in files:
        parsed = loader.parse_file(path, str(path), base=path.resolve().as_uri())
        if parsed is None:
            notes.append(f"{path}: tom fil eller kun kommentarer – sprunget over / empty or comment-only file, skipped")
            continue
        loader.keep_apart(parsed, blank_nodes)
        for t in parsed.triples:
            g.add(t)
        triples.extend(parsed.triples)
        quads.extend(parsed.quads)
    if len(triples) != len(g):  # a triple written twice (SHACL-for-SHACL's own file): once here too
        triples = list(dict.fromkeys(triples))
    if len(triples) == len(g):
        g.read_triples = triples
    g.ox_quads = quads
    return g, notes


def validate(data: Graph, shapes: Graph, engine: str = "oxigraph") -> Validation:
    """Validate ``data`` against ``shapes`` with ``engine`` (a name of ``check.ENGINE_MODULES``)."""
    from .check import ENGINE_MODULES

    module = import_module(ENGINE_MODULES[engine])
    results = module.validate(data, shapes)
    results = sorted(results, key=_result_key)  # duplicates stay: each is a result of its own
    return Validation(results=results, shapes=shapes)


def _result_key(r: RawResult) -> tuple:
    return tuple(_sort_text(t) for t in (r.focus, r.path, r.value, r.shape, r.component, r.severity))


def _sort_text(term) -> str:
    return "" if term is None else f"{type(term).__name__}:{term}"


_SLOT = re.compile(r"\{[?$](this|value|path)\}")


def messages(r: RawResult) -> list[Literal]:
    """The result's sh:resultMessage texts, with ``{$this}``, ``{?value}`` and ``{?path}`` filled in."""
    slots = {"this": r.focus, "value": r.value, "path": r.path}

    def fill(text: str) -> str:
        return _SLOT.sub(lambda m: "" if slots[m.group(1)] is None else slots[m.group(1)].n3(), text)

    return [Literal(fill(str(m)), lang=m.language) for m in r.messages if isinstance(m, Literal)]


def report_graph(v: Validation) -> Graph:
    """The results as a W3C ``sh:ValidationReport`` (SHACL §3.6), complex result paths copied over."""
    g = Graph()
    g.bind("sh", SH)
    report = BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(v.conforms)))
    for r in v.results:
        node = BNode()
        g.add((report, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.focusNode, r.focus))
        if r.path is not None:
            g.add((node, SH.resultPath, _copy_path(r.path, v.shapes, g)))
        if r.value is not None:
            g.add((node, SH.value, r.value))
        g.add((node, SH.sourceShape, r.shape))
        if r.component is not None:
            g.add((node, SH.sourceConstraintComponent, r.component))
        g.add((node, SH.resultSeverity, r.severity))
        for m in messages(r):
            g.add((node, SH.resultMessage, m))
    return g


def _copy_path(path: Node, shapes: Graph, into: Graph) -> Node:
    """A SHACL property path; a blank-node path (inverse, sequence …) is copied with its structure."""
    if not isinstance(path, BNode):
        return path
    seen = set()
    todo = [path]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            into.add((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return path


def path_text(path: Node | None, shapes: Graph) -> str | None:
    """A property path in SPARQL notation, for the text and JSON reports."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return path.n3()
    if (path, RDF.first, None) in shapes:
        return "(" + " / ".join(path_text(p, shapes) or "?" for p in Collection(shapes, path)) + ")"
    for p, op in ((SH.inversePath, "^"), (SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = shapes.value(path, p)
        if inner is not None:
            text = path_text(inner, shapes)
            return f"^{text}" if op == "^" else f"({text}){op}"
    alt = shapes.value(path, SH.alternativePath)
    if alt is not None:
        return "(" + " | ".join(path_text(p, shapes) or "?" for p in Collection(shapes, alt)) + ")"
    return path.n3()


def _term(term: Node | None) -> str | None:
    return None if term is None else term.n3()


def render(v: Validation, fmt: str) -> str:
    """The report as ``turtle`` (W3C vocabulary), ``json`` or ``text``."""
    if fmt == "turtle":
        return report_graph(v).serialize(format="turtle")
    if fmt == "json":
        doc = {"conforms": v.conforms, "results": [{
            "focusNode": _term(r.focus), "resultPath": path_text(r.path, v.shapes), "value": _term(r.value),
            "sourceShape": _term(r.shape), "sourceConstraintComponent": _term(r.component),
            "resultSeverity": _term(r.severity), "resultMessage": [str(m) for m in messages(r)],
        } for r in v.results]}
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    lines = []
    for r in v.results:
        severity = str(r.severity).rsplit("#", 1)[-1]
        component = "" if r.component is None else str(r.component).rsplit("#", 1)[-1]
        where = r.focus.n3() + (f" {path_text(r.path, v.shapes)}" if r.path is not None else "")
        value = f" = {r.value.n3()}" if r.value is not None else ""
        text = "; ".join(str(m) for m in messages(r))
        lines.append(f"{severity}: {where}{value} [{component}, {_term(r.shape)}]" + (f": {text}" if text else ""))
    lines.append(f"overholder / conforms: {'ja / yes' if v.conforms else 'nej / no'} – {len(v.results)} resultater / results")
    return "\n".join(lines) + "\n"
