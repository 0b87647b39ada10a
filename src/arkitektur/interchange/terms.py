"""RDF-termer som tekst / prefix tables and the exact, readable text form of RDF terms in key/value pairs.

Exchange formats that only carry strings (ArchiMate properties, spreadsheet cells) get each RDF
value as a pair (key, value):

- key ``ark:livscyklus``, value ``I drift``            → a code of the property's code list (its range in
  the ontology), by its Danish label — what a person reads in Archi; the CURIE ``ark:IDrift`` reads too
- key ``ark:kontraktpart``, value ``sam:KOMBIT``       → any other IRI (a CURIE of a known prefix, or ``<IRI>``)
- key ``ark:udloebsdato``, value ``2019-12-31``         → a literal typed by the property's range in the
  ontology (here xsd:date); without a datatype range a plain string
- key ``rdfs:label@en``, value ``Case management``      → a language-tagged literal
- key ``ark:realiseres^^xsd:gYear``, value ``2017``     → a literal with an explicit datatype
- key ``… (escaped)`` → the value is a JSON string body (for characters XML cannot carry)

``encode`` always picks the shortest form that ``decode`` maps back to exactly the same term.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD

from ..namespaces import PREFIXES, curie

KLE_NS = "http://www.kle-online.dk/emneplan/{hg}/#_"

BUILTIN_PREFIXES: dict[str, str] = {
    **PREFIXES,
    "sk": "https://w3id.org/arkitektur/eksempel/silkeborg#",
    "vi": "https://w3id.org/arkitektur/eksempel/viborg#",
    "sam": "https://w3id.org/arkitektur/eksempel/samarbejde#",
    "ex": "https://example.org/",
}
for _hg in range(100):
    BUILTIN_PREFIXES[f"kle{_hg:02d}"] = KLE_NS.format(hg=f"{_hg:02d}")

_PREFIX_NAME = re.compile(r"^[A-Za-z][\w-]*$")
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# A property key as the sheets and ArchiMate properties write it: predicate, @lang or ^^datatype, " (escaped)".
KEY = re.compile(
    r"^(?P<pred><[^<>\s]+>|[A-Za-z][\w-]*:[^\s@^<>]*)"
    r"(?:@(?P<lang>[A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(?P<dt><[^<>\s]+>|[A-Za-z][\w-]*:[^\s@^<>]*))?"
    r"(?P<esc> \(escaped\))?$"
)


@dataclass
class Prefixes:
    """A prefix table: compacts IRIs to CURIEs and expands them back."""

    table: dict[str, str] = field(default_factory=lambda: dict(BUILTIN_PREFIXES))
    used: set[str] = field(default_factory=set)

    def add(self, prefix: str, ns: str) -> None:
        if _PREFIX_NAME.match(prefix) and prefix not in self.table and ns not in self.table.values():
            self.table[prefix] = ns

    def curie(self, iri: str) -> str | None:
        """``namespaces.curie`` over this table; the prefix it uses is remembered in ``used``."""
        found = curie(iri, self.table)
        if found is not None:
            self.used.add(found.split(":", 1)[0])
        return found

    def iri_text(self, iri: str) -> str:
        """A CURIE when one fits, else ``<IRI>``."""
        return self.curie(iri) or f"<{iri}>"

    def expand(self, text: str) -> str | None:
        """The IRI of a CURIE with a known prefix or of ``<IRI>``; ``None`` otherwise."""
        if text.startswith("<") and text.endswith(">") and len(text) > 2 and not re.search(r"[\s<>]", text[1:-1]):
            return text[1:-1]
        m = re.match(r"^([A-Za-z][\w-]*):([^\s<>]*)$", text)
        if m and m.group(1) in self.table:
            return self.table[m.group(1)] + m.group(2)
        return None

    def used_table(self) -> dict[str, str]:
        return {p: self.table[p] for p in sorted(self.used)}


@lru_cache(maxsize=1)
def ontology_ranges() -> dict:
    """Property IRI -> its xsd: datatype range in the ontology: what a bare key means for a literal."""
    from ..loader import ontology_graph

    g = ontology_graph()
    out = {}
    for p, r in g.subject_objects(RDFS.range):
        if isinstance(p, URIRef) and isinstance(r, URIRef) and str(r).startswith(str(XSD)):
            out[p] = r
    return out


@dataclass(frozen=True)
class CodeLabels:
    """Per property whose range is a code list of the shipped ontology: Danish label <-> code.

    Only labels that name one code of that list are used, so the label reads back as exactly that code.
    """

    by_label: dict  # predicate -> {label: code}
    by_code: dict   # predicate -> {code: label}

    def label(self, pred, code) -> str | None:
        return self.by_code.get(pred, {}).get(code)

    def code(self, pred, text: str):
        return self.by_label.get(pred, {}).get(text)


@lru_cache(maxsize=1)
def code_labels() -> CodeLabels:
    from ..loader import ontology_graph

    g = ontology_graph()
    by_label, by_code = {}, {}
    for p, scheme in g.subject_objects(RDFS.range):
        codes = [c for c in g.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef)]
        if not isinstance(p, URIRef) or not codes:
            continue
        names: dict = {}
        for c in codes:
            for lab in g.objects(c, RDFS.label):
                if getattr(lab, "language", None) == "da":
                    names.setdefault(str(lab), set()).add(c)
        unique = {text: next(iter(cs)) for text, cs in names.items() if len(cs) == 1}
        by_label[p] = unique
        by_code[p] = {c: text for text, c in sorted(unique.items())}
    return CodeLabels(by_label, by_code)


def term_text(term, prefixes: Prefixes) -> str:
    """A node as a value: CURIE/``<IRI>`` for IRIs, ``_:id`` for blank nodes."""
    if isinstance(term, URIRef):
        return prefixes.iri_text(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(term)


def node_from_text(text: str, prefixes: Prefixes):
    if text.startswith("_:") and len(text) > 2 and re.match(r"^_:[\w.-]+$", text):
        return BNode(text[2:])
    iri = prefixes.expand(text)
    return URIRef(iri) if iri is not None else None


def decode(key: str, value: str, prefixes: Prefixes):
    """(predicate, object) for a key/value pair, or ``None`` when the key is not an RDF key."""
    m = KEY.match(key)
    if not m:
        return None
    pred = prefixes.expand(m.group("pred"))
    if pred is None:
        return None
    pred = URIRef(pred)
    if m.group("esc"):
        try:
            value = json.loads(f'"{value}"')
        except ValueError:
            return None
    if m.group("lang"):
        return pred, Literal(value, lang=m.group("lang"))
    if m.group("dt"):
        dt = prefixes.expand(m.group("dt"))
        if dt is None:
            return None
        if dt == str(XSD.string):
            return pred, Literal(value)
        return pred, Literal(value, datatype=URIRef(dt), normalize=False)
    if m.group("esc") is None:
        node = node_from_text(value, prefixes)
        if node is not None:
            return pred, node
        code = code_labels().code(pred, value)
        if code is not None:
            return pred, code
    dt = ontology_ranges().get(pred)
    if dt is not None and dt != XSD.string:
        return pred, Literal(value, datatype=dt, normalize=False)
    return pred, Literal(value)


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, Literal):
        return str(a) == str(b) and a.language == b.language and a.datatype == b.datatype
    return a == b


def encode(pred: URIRef, obj, prefixes: Prefixes, reserved: frozenset = frozenset()) -> tuple[str, str]:
    """(key, value) for one triple's predicate and object, exact under ``decode``.

    A predicate whose CURIE is one of the ``reserved`` keys is written as ``<IRI>``.
    """
    pkey = prefixes.iri_text(str(pred))
    if pkey in reserved:
        pkey = f"<{pred}>"
    if not isinstance(obj, Literal):
        label = code_labels().label(pred, obj)
        if label is not None and _same(decode(pkey, label, prefixes)[1], obj):
            return pkey, label
        value = term_text(obj, prefixes)
        assert _same(decode(pkey, value, prefixes)[1], obj), (pkey, value)
        return pkey, value
    text = str(obj)
    escaped = bool(_INVALID_XML.search(text))
    value = json.dumps(text, ensure_ascii=True)[1:-1] if escaped else text
    esc = " (escaped)" if escaped else ""
    candidates = [pkey + esc]
    if obj.language:
        candidates = [f"{pkey}@{obj.language}{esc}"]
    else:
        dt = obj.datatype or XSD.string
        candidates.append(f"{pkey}^^{prefixes.iri_text(str(dt))}{esc}")
    for key in candidates:
        back = decode(key, value, prefixes)
        if back is not None and _same(back[1], obj):
            return key, value
    raise ValueError(f"cannot encode {pred} {obj!r}")  # pragma: no cover - every literal has a form

