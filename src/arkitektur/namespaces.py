"""Navnerum / the namespaces the package uses."""

from rdflib import Namespace
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD

ARK = Namespace("https://w3id.org/arkitektur/ontologi#")
AFL = Namespace("https://w3id.org/arkitektur/afledt#")

__all__ = ["ARK", "AFL", "OWL", "RDF", "RDFS", "SH", "SKOS", "XSD"]
