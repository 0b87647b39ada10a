"""Modelleringssproget / renders the generated part of docs/modelsprog.md from the ontology and the shapes.

One section per ontology module (``ontology/*.ttl`` except the core file, which holds only the
header and annotation properties): its classes with their code-list values or shipped individuals,
then its properties with domain, range, cardinality and the rules that require them
(``sh:minCount`` on a rule's property shape). The hand-written parts of the page (layout, naming,
time, plan) stay in the page; only the text between the two markers is generated, so that the
page cannot drift from the ontology (tests/test_modelsprog.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import BNode, Graph, Literal
from rdflib.collection import Collection
from rdflib.term import Node

from . import resources
from .catalogue import shipped as shipped_catalogue
from .formatting import label
from .namespaces import ARK, OWL, RDF, RDFS, SH, SKOS

BEGIN = "<!-- genereret af arkitektur.modeldocs: start -->"
END = "<!-- genereret af arkitektur.modeldocs: slut -->"

# The modules in reading order (organisations first, code lists last). kerne.ttl declares only the
# ontology header and the annotation properties used on terms and shapes, not modelling terms.
MODULES = {
    "organisation.ttl": "Organisationer og styring / organisations and governance",
    "systemer.ttl": "It-systemer og opgaver / IT systems and tasks",
    "data.ttl": "Data, integrationer og dataflow / data, integrations and data flows",
    "kontrakter.ttl": "Kontrakter og udbud / contracts and procurement",
    "projekter.ttl": "Projekter, gevinster og mål / projects, benefits and goals",
    "maalarkitektur.ttl": "Målarkitektur og dispensationer / target architecture and dispensations",
    "infrastruktur.ttl": "Fælles infrastruktur og grunddataregistre / shared infrastructure and base registers",
    "kodelister.ttl": "Kodelister / code lists",
}
_SKIP = {"kerne.ttl"}
_PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)


def _text(g: Graph, node: Node, prop, lang: str) -> str:
    """The ``lang`` value of ``prop`` exactly (a definition has no fallback to another language)."""
    return next((str(o) for o in sorted(g.objects(node, prop)) if isinstance(o, Literal) and o.language == lang), "")


def _name(g: Graph, node: Node) -> str:
    """A term as a person reads it in the page: its CURIE, a union as ``A | B``."""
    if isinstance(node, BNode):
        members = g.value(node, OWL.unionOf)
        if members is not None:
            return " \\| ".join(_name(g, m) for m in Collection(g, members))
        return "?"
    try:
        return f"`{g.namespace_manager.curie(str(node), generate=False)}`"
    except (KeyError, ValueError):  # no prefix fits (an IRI ending in "/"): the IRI as written in Turtle
        return f"`<{node}>`"


def _definition(g: Graph, node: Node) -> list[str]:
    da, en = _text(g, node, SKOS.definition, "da"), _text(g, node, SKOS.definition, "en")
    return [da, "", f"*{en}*", ""] if en else [da, ""]


def _heading(g: Graph, node: Node) -> str:
    return (f"#### {_name(g, node)} — {label(g, node, 'da')}"
            f" / *{label(g, node, 'en')}*")


def _alignment(g: Graph, node: Node) -> str:
    parts = []
    archimate = g.value(node, ARK.archimate)
    if archimate is not None:
        parts.append(f"ArchiMate: {archimate}")
    for prop, word in ((SKOS.closeMatch, "svarer til / close match"), (SKOS.relatedMatch, "beslægtet / related")):
        targets = sorted(g.objects(node, prop))
        if targets:
            parts.append(f"{word}: " + ", ".join(_name(g, t) for t in targets))
    return " · ".join(parts)


def _required(shapes: Graph) -> dict[Node, set[str]]:
    """Property -> the rules whose property shapes give it ``sh:minCount`` ≥ 1."""
    required: dict[Node, set[str]] = {}
    for shape, rid in shapes.subject_objects(ARK.regel):
        for ps in shapes.objects(shape, SH.property):
            path, least = shapes.value(ps, SH.path), shapes.value(ps, SH.minCount)
            if path is not None and least is not None and int(least) >= 1:
                required.setdefault(path, set()).add(str(rid))
    return required


def _class(g: Graph, cls: Node, written) -> list[str]:
    out = [_heading(g, cls), ""] + _definition(g, cls)
    facts = [f"underklasse af / subclass of {_name(g, s)}" for s in sorted(g.objects(cls, RDFS.subClassOf))
             if not isinstance(s, BNode)]
    if _alignment(g, cls):
        facts.append(_alignment(g, cls))
    if facts:
        out += [" · ".join(facts), ""]
    members = sorted((m for m in g.subjects(RDF.type, cls) if not isinstance(m, BNode)), key=written)
    if members:
        closed = any(g.value(e, OWL.oneOf) is not None for e in g.objects(cls, OWL.equivalentClass))
        word = "Værdier (lukket kodeliste) / values (closed code list)" if closed else "Medleveret / shipped"
        out += [f"{word}: " + ", ".join(
            f"{_name(g, m)} ({label(g, m, 'da')})" for m in members), ""]
    return out


def _property(g: Graph, prop: Node, required: dict[Node, set[str]]) -> str:
    """One row of the module's property table."""
    domain = " \\| ".join(_name(g, d) for d in sorted(g.objects(prop, RDFS.domain), key=str)) or "–"
    ranges = sorted(g.objects(prop, RDFS.range), key=str)
    if ranges:
        target = " \\| ".join(_name(g, r) for r in ranges)
    else:
        target = "tekst eller IRI / literal or IRI" if (prop, RDF.type, RDF.Property) in g else "–"
    use = f"{domain} → {target}"
    if (prop, RDF.type, OWL.FunctionalProperty) in g:
        use += "<br>højst én / at most one"
    rules = sorted(required.get(prop, ()))
    if rules:
        use += "<br>krævet af / required by " + ", ".join(f"[{r}](regler/{r}.md)" for r in rules)
    meaning = _text(g, prop, SKOS.definition, "da")
    if _text(g, prop, SKOS.definition, "en"):
        meaning += f"<br>*{_text(g, prop, SKOS.definition, 'en')}*"
    if _alignment(g, prop):
        meaning += f"<br>{_alignment(g, prop)}"
    names = f"{label(g, prop, 'da')} / *{label(g, prop, 'en')}*"
    return f"| {_name(g, prop)}<br>{names} | {use} | {meaning} |"


def _module(path: Path, required: dict[Node, set[str]]) -> list[str]:
    g = Graph().parse(path, format="turtle")
    g.bind("ark", ARK)
    text = path.read_text(encoding="utf-8")

    def written(term: Node) -> tuple[int, str]:
        """Where the file defines the term: the page keeps the author's order."""
        m = re.search(rf"^ark:{re.escape(str(term)[len(ARK):])}\s", text, re.M)
        return (m.start() if m else len(text), str(term))

    classes = sorted((s for s in g.subjects(RDF.type, OWL.Class) if not isinstance(s, BNode)), key=written)
    props = sorted({s for t in _PROPERTY_TYPES for s in g.subjects(RDF.type, t)
                    if not isinstance(s, BNode) and str(s).startswith(str(ARK))}, key=written)
    # Shipped individuals of a class defined in another module (infrastructure, registers).
    loose = sorted({c for c in g.objects(None, RDF.type) if str(c).startswith(str(ARK)) and c not in classes})
    out = [f"### {MODULES.get(path.name, path.stem)}", "", f"`ontology/{path.name}`", ""]
    for cls in classes:
        out += _class(g, cls, written)
    for cls in loose:
        members = sorted(g.subjects(RDF.type, cls), key=written)
        out += [f"Medleverede / shipped {_name(g, cls)}: " + ", ".join(
            f"{_name(g, m)} ({label(g, m, 'da')})" for m in members), ""]
    if props:
        out += ["| Egenskab / property | Fra → til / domain → range | Betydning / meaning |", "|---|---|---|"]
        out += [_property(g, prop, required) for prop in props] + [""]
    return out


def generated() -> str:
    """The generated part of docs/modelsprog.md, markers included."""
    required = _required(shipped_catalogue().graph)
    order = list(MODULES)
    files = sorted((p for p in resources.ontology_dir().glob("*.ttl") if p.name not in _SKIP),
                   key=lambda p: (order.index(p.name) if p.name in order else len(order), p.name))
    out = [BEGIN, "", "_Genereret fra `ontology/` og `shapes/` — ret i ontologien, ikke her. / "
           "Generated from the ontology and the shapes._", ""]
    for path in files:
        out += _module(path, required)
    return "\n".join(out).rstrip("\n") + "\n\n" + END


def page(current: str) -> str:
    """``current`` (the page's text) with the part between the markers regenerated."""
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + generated() + tail
