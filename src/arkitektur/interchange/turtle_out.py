"""Turtle-skrivning / writes an imported graph as Turtle in the layout of ``arkitektur fmt``.

pyoxigraph writes the triples (every literal keeps its exact lexical form; rdflib's writer would
turn ``"480000"^^xsd:decimal`` into ``480000.0`` and ``"P12M"`` into ``"P1Y"``), then
``fmt.format_text`` lays them out and proves the graph unchanged, so an imported file passes
``arkitektur fmt --check``. A prefix is declared only when the graph uses it and every IRI in its
namespace has a plain local name (``ex:a/b`` would be written ``ex:a\\/b``: the full IRI reads better).
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, URIRef

from ..fmt import format_text
from ..storegraph import to_ox
from .terms import Prefixes

_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")


def serialize(graph: Graph, prefixes: Prefixes | None = None, header: str = "") -> str:
    """The graph as Turtle text (deterministic), ``header`` as comment lines at its top."""
    table = (prefixes or Prefixes()).table
    iris = {str(t) for s, p, o in graph for t in (s, o) if isinstance(t, URIRef)}
    iris |= {str(p) for p in graph.predicates() if p != RDF.type}  # rdf:type is written "a"
    iris |= {str(o.datatype) for o in graph.objects() if isinstance(o, Literal) and o.datatype is not None}
    used = {}
    for p, ns in table.items():
        locals_ = [iri[len(ns):] for iri in iris if iri.startswith(ns)]
        if locals_ and all(_PLAIN_LOCAL.fullmatch(local) for local in locals_):
            used[p] = ns
    text = ox.serialize([ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph],
                        format=ox.RdfFormat.TURTLE, prefixes=used).decode("utf-8")
    head = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines()) if header else ""
    return format_text(head + ("\n" if head else "") + text)
