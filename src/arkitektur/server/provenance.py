"""Publikationens ordforråd og proveniens / the publication's vocabulary, graph names and the
provenance triples (subject → file, line; each file's path, checksum and text).

The terms live in ``https://w3id.org/arkitektur/publikation#`` (prefix ``pub:``), described in
docs/server.md. A file's text is published beside its triples so that a command run against the
server reads exactly the bytes of the published commit (docs/server.md, "hvor arbejdet sker").
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

PUB = "https://w3id.org/arkitektur/publikation#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

META = "metadata"      # graph names under the prefix: metadata, proveniens, ontologi, one per folder
PROVENANCE = "proveniens"
ONTOLOGY = "ontologi"
STAGING = "ny/"        # graphs being loaded, before the switch (docs/server.md, "atomar")


def term(name: str) -> str:
    return f"<{PUB}{name}>"


def iri(text: str) -> str:
    """``<text>`` as N-Triples (the caller passes a valid IRI: a prefix plus quoted path parts)."""
    return f"<{text}>"


def literal(text: str, datatype: str | None = None) -> str:
    """An N-Triples string literal (ECHAR escapes for the characters N-Triples requires)."""
    out = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r"))
    return f'"{out}"^^<{datatype}>' if datatype else f'"{out}"'


def integer(n: int) -> str:
    return literal(str(n), XSD + "integer")


def graph_name(prefix: str, name: str) -> str:
    return prefix + quote(name, safe="/")


def file_node(prefix: str, rel: str) -> str:
    return prefix + "fil/" + quote(rel, safe="/")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_triples(prefix: str, rel: str, text: str, graph: str | None, subjects: dict) -> list[str]:
    """The provenance of one file: its path, checksum, text, the graph its triples went to, and
    for each subject first written in it the line (``<s> pub:kilde <fil#linje-12>``)."""
    node = file_node(prefix, rel)
    lines = [
        f"{iri(node)} {RDF_TYPE} {term('Fil')} .",
        f"{iri(node)} {term('sti')} {literal(rel)} .",
        f"{iri(node)} {term('sha256')} {literal(sha256(text))} .",
        f"{iri(node)} {term('kildetekst')} {literal(text)} .",
    ]
    if graph is not None:
        lines.append(f"{iri(node)} {term('graf')} {iri(graph)} .")
    for subject, (_, line) in subjects.items():
        place = f"{node}#linje-{line}"
        lines.append(f"{iri(subject)} {term('kilde')} {iri(place)} .")
        lines.append(f"{iri(place)} {term('fil')} {iri(node)} .")
        lines.append(f"{iri(place)} {term('linje')} {integer(line)} .")
    return lines
