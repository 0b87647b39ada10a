"""Navnerum / the namespaces the package uses, the one prefix table and the one way to shorten an IRI."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, ORG, OWL, RDF, RDFS, SH, SKOS, XSD

ARK = Namespace("https://w3id.org/arkitektur/ontologi#")
AFL = Namespace("https://w3id.org/arkitektur/afledt#")

#: The prefixes every output may use without declaring them: the ontology, the derived facts and
#: the vocabularies the models use.
PREFIXES: dict[str, str] = {
    "ark": str(ARK), "afl": str(AFL), "rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL),
    "xsd": str(XSD), "skos": str(SKOS), "dcterms": str(DCTERMS), "dcat": str(DCAT), "org": str(ORG),
}

# A local name that is valid Turtle and SPARQL (PN_LOCAL without escapes) and reads as a CURIE:
# letters, digits, "_", "-" and inner dots; empty is allowed (``ark:`` is the namespace itself).
_LOCAL = re.compile(r"(?:\w(?:[\w.\-]*[\w\-])?)?")
_PREFIX_LINE = re.compile(r"^\s*@?prefix\s+((?:[^\W\d_][\w.\-]*)?):\s*<([^>\s]*)>", re.M | re.I)


def curie(iri: str, prefixes: dict[str, str] = PREFIXES) -> str | None:
    """``ark:IDrift`` for an IRI under one of ``prefixes`` (the longest namespace wins, the first
    prefix of that namespace), if the rest is a plain local name; else ``None``."""
    best = None
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(prefixes[best])) and _LOCAL.fullmatch(iri[len(ns):]):
            best = prefix
    return None if best is None else f"{best}:{iri[len(prefixes[best]):]}"


def prefixes_in(text: str) -> dict[str, str]:
    """The ``@prefix``/``PREFIX`` declarations of a Turtle text, the first of each prefix (the
    empty prefix as "")."""
    out: dict[str, str] = {}
    for prefix, ns in _PREFIX_LINE.findall(text):
        out.setdefault(prefix, ns)
    return out


def declared_prefixes(files: Iterable) -> list[tuple[str, str]]:
    """``(prefix, namespace)`` as the files declare them (``prefixes_in``), file by file in order;
    a file that cannot be read is passed over. Callers choose which declaration wins."""
    out: list[tuple[str, str]] = []
    for f in files:
        try:
            out.extend(prefixes_in(Path(f).read_text(encoding="utf-8-sig")).items())
        except (OSError, UnicodeDecodeError):
            continue
    return out


__all__ = ["ARK", "AFL", "OWL", "RDF", "RDFS", "SH", "SKOS", "XSD", "PREFIXES", "curie", "declared_prefixes", "prefixes_in"]
