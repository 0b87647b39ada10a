"""ArchiMate-import / reads an ArchiMate Model Exchange File (3.0/3.1) into our modelling language.

A file written by ``archimate_export`` comes back exactly (``ark:iri``, ``ark:klasse``, the exact
property forms, ``ark:egenskab`` on relationships). Other files (e.g. from Archi) are mapped where
the mapping is unambiguous (``mapping.FOREIGN_*``); everything else goes into the loss report.
The 2.1 format is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from ..errors import InputError
from ..namespaces import ARK
from . import mapping as M
from .archimate_export import (FORMAT_MARK, K_CLASS, K_FORMAT, K_IRI, K_NAME_FROM_IRI, K_PREFIX, K_PROP,
                               K_REFERENCE)
from .report import ImportResult, Report
from .safety import parse_xml, read_capped
from .terms import Prefixes, decode, node_from_text

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XSI_TYPE = f"{{{M.XSI}}}type"
_PREFIX_VALUE = re.compile(r"^\s*([A-Za-z][\w-]*):\s*<([^<>\s]*)>\s*$")
_LANGTAG = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")  # Turtle's LANGTAG, what rdflib accepts


@dataclass
class Concept:
    ident: str
    xsi_type: str
    names: list = field(default_factory=list)   # (lang, text)
    docs: list = field(default_factory=list)
    props: list = field(default_factory=list)   # (key, [(lang, text)])
    source: str | None = None
    target: str | None = None

    def prop(self, key: str) -> list[str]:
        return [_pick(values) for k, values in self.props if k == key]


def _pick(values: list) -> str:
    """One text of a multi-language value: Danish, else untagged, else the first."""
    for want in ("da", None):
        for lang, text in values:
            if lang == want:
                return text
    return values[0][1] if values else ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _lang_texts(el, name: str) -> list:
    return [(c.get(XML_LANG), c.text or "") for c in el if _local(c.tag) == name]


def parse(data: bytes, display: str) -> tuple[list[Concept], list[Concept], dict, dict]:
    """Elements, relationships, property definitions (id -> name) and model facts of an exchange file."""
    root = parse_xml(data, display)
    ns = _ns(root.tag)
    if _local(root.tag) != "model" or "opengroup.org/xsd/archimate" not in ns:
        raise InputError(
            "filen er ikke en ArchiMate Model Exchange File (rodelementet er ikke <model> i "
            "ArchiMate-navnerummet).",
            "the file is not an ArchiMate Model Exchange File (the root is not <model> in the "
            "ArchiMate namespace).", code="ARK-E75", file=display)
    if ns != M.NS:
        raise InputError(
            f"ArchiMate 2.1-formatet ({ns}) understøttes ikke. Åbn filen i Archi og eksportér den "
            "igen som 'Open Exchange XML Model' (3.x).",
            f"the ArchiMate 2.1 format ({ns}) is not supported. Open the file in Archi and export it "
            "again as 'Open Exchange XML Model' (3.x).", code="ARK-E76", file=display)
    q = lambda name: f"{{{ns}}}{name}"  # noqa: E731
    defs = {}
    box = root.find(q("propertyDefinitions"))
    for d in (box if box is not None else []):
        names = _lang_texts(d, "name")
        defs[d.get("identifier")] = _pick(names) if names else d.get("identifier")

    def props(el) -> list:
        out = []
        box = el.find(q("properties"))
        for p in (box if box is not None else []):
            key = defs.get(p.get("propertyDefinitionRef"), p.get("propertyDefinitionRef") or "")
            out.append((key, _lang_texts(p, "value")))
        return out

    def concept(el) -> Concept:
        return Concept(ident=el.get("identifier") or "", xsi_type=el.get(XSI_TYPE) or "",
                       names=_lang_texts(el, "name"), docs=_lang_texts(el, "documentation"),
                       props=props(el), source=el.get("source"), target=el.get("target"))

    def children(name: str) -> list:
        box = root.find(q(name))
        return list(box) if box is not None else []

    elements = [concept(e) for e in children("elements")]
    rels = [concept(r) for r in children("relationships")]
    facts = {"props": props(root), "views": 0, "organizations": 0, "metadata": root.find(q("metadata")) is not None}
    views = root.find(q("views"))
    if views is not None:
        facts["views"] = sum(1 for _ in views.iter(q("view")))
    for orgs in root.findall(q("organizations")):
        facts["organizations"] += sum(1 for _ in orgs.iter(q("item")))
    return elements, rels, defs, facts


class Importer:
    def __init__(self, base: str, lang: str | None) -> None:
        self.base = base
        self.lang = lang
        self.g = Graph()
        self.report = Report()
        self.prefixes = Prefixes()
        self.nodes: dict[str, object] = {}      # identifier -> RDF node
        self.classes: dict[str, object] = {}    # identifier -> ark class (foreign mode)
        self.types: dict[str, str] = {}         # identifier -> element type (xsi:type)
        self._names: dict[str, list] = {}       # identifier -> names, for integrations without one
        self.integrations: dict[str, int] = {}  # relationship type -> how many became ark:Integration

    def run(self, elements: list[Concept], rels: list[Concept], facts: dict) -> bool:
        model_props = dict((k, _pick(v)) for k, v in facts["props"] if k != K_PREFIX)
        for key, values in facts["props"]:
            if key == K_PREFIX:
                m = _PREFIX_VALUE.match(_pick(values))
                if m:
                    self.prefixes.table[m.group(1)] = m.group(2)
        own = model_props.get(K_FORMAT) == FORMAT_MARK
        for c in elements + rels:
            iris = c.prop(K_IRI)
            if iris:
                node = node_from_text(iris[0], self.prefixes)
                if node is None:
                    self.report.lose("ark:iri kan ikke læses / unreadable ark:iri", iris[0])
                    continue
                self.nodes[c.ident] = node
        for c in elements:
            self.types[c.ident] = c.xsi_type
            self._names[c.ident] = c.names
            if c.ident in self.nodes:
                self._own(c)
            else:
                self._foreign_element(c)
        node_rels = [r for r in rels if r.ident in self.nodes]
        for r in node_rels:
            self._own(r)
            self._relation_node_ends(r)
        for r in rels:
            if r.ident in self.nodes:
                continue
            if r.prop(K_PROP):
                self._own_relationship(r)
            else:
                self._foreign_relationship(r)
        if self.integrations:
            n = sum(self.integrations.values())
            kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.integrations.items()))
            self.report.note(
                f"{n} relationer mellem applikationskomponenter er blevet til ark:Integration ({kinds}); "
                "fra/til er de importerede it-systemer – skift dem til kommunens systemanvendelser, før "
                f"modellen tjekkes / {n} relationships between application components became ark:Integration; "
                "fra/til are the imported IT systems – point them at the municipality's system usages")
        if facts["views"]:
            self.report.lose("views (diagrammer) indlæses ikke / views (diagrams) are not imported",
                             f"{facts['views']} views")
        if facts["organizations"] and not own:
            self.report.lose("mappestrukturen (organizations) indlæses ikke / the folder structure is not imported")
        if facts["metadata"]:
            self.report.lose("modellens metadata indlæses ikke / model metadata is not imported")
        for key, _ in facts["props"]:
            if key not in (K_PREFIX, K_FORMAT):
                self.report.lose(f"modelegenskab '{key}' / model property '{key}'")
        return own

    # ----- own (exact) mode -----
    def _own(self, c: Concept) -> None:
        node = self.nodes[c.ident]
        if c.prop(K_REFERENCE):
            return
        classes = set()
        for value in c.prop(K_CLASS):
            cls = node_from_text(value, self.prefixes)
            if cls is None:
                self.report.lose("ark:klasse kan ikke læses / unreadable ark:klasse", value)
            else:
                self.g.add((node, RDF.type, cls))
                classes.add(cls)
        # Relationships drawn in Archi between our elements (without ark:egenskab) map like foreign ones.
        for cls, _ in M.CLASS_ELEMENT:
            if cls in classes:
                self.classes[c.ident] = cls
                break
        if not c.prop(K_NAME_FROM_IRI):
            for lang, text in c.names:
                self.g.add((node, RDFS.label, self._literal(text, lang, c)))
        for lang, text in c.docs:
            self.g.add((node, RDFS.comment, self._literal(text, lang, c)))
        for key, values in c.props:
            if key in (K_IRI, K_CLASS, K_REFERENCE, K_NAME_FROM_IRI, K_PROP):
                continue
            self._property(node, key, values, c)

    def _literal(self, text: str, lang: str | None, c: Concept) -> Literal:
        """A literal in ``lang``; a tag that is not a language tag (``xml:lang="d@a"``) is dropped
        and said in the report, the text is kept."""
        if lang == "":  # xml:lang="" says "no language"
            lang = None
        if lang is not None and not _LANGTAG.fullmatch(lang):
            self.report.lose(f"ugyldigt sprogmærke xml:lang='{lang}' (teksten er importeret uden) / "
                             f"invalid language tag (the text is imported without it)", _name(c))
            lang = None
        return Literal(text, lang=lang)

    def _property(self, node, key: str, values: list, c: Concept) -> None:
        decoded = decode(key, _pick(values), self.prefixes)
        if decoded is None:
            self.report.lose(f"egenskab '{key}' har ingen plads i modellen / property '{key}' has no place",
                             f"{_name(c)}")
            return
        self.g.add((node, decoded[0], decoded[1]))

    def _relation_node_ends(self, r: Concept) -> None:
        node = self.nodes[r.ident]
        src, tgt = self.nodes.get(r.source or ""), self.nodes.get(r.target or "")
        spec = None
        for cls in self.g.objects(node, RDF.type):
            if cls in M.RELATION_NODES:
                spec = M.RELATION_NODES[cls]
                break
        if spec is None or src is None or tgt is None:
            self.report.lose("relation uden ende eller klasse / relationship without an end or a class", _name(r))
            return
        for end, (how, pred) in ((src, spec.source), (tgt, spec.target)):
            self.g.add((node, pred, end) if how == "out" else (end, pred, node))

    def _own_relationship(self, r: Concept) -> None:
        src, tgt = self.nodes.get(r.source or ""), self.nodes.get(r.target or "")
        text = r.prop(K_PROP)[0]
        inverse = text.startswith("^")
        pred = self.prefixes.expand(text[1:] if inverse else text)
        if pred is None or src is None or tgt is None:
            self.report.lose("relation der ikke kan læses / unreadable relationship", f"{r.xsi_type} {text}")
            return
        s, o = (tgt, src) if inverse else (src, tgt)
        self.g.add((s, URIRef(pred), o))

    # ----- foreign mode -----
    def _mint(self, ident: str) -> URIRef:
        return URIRef(self.base + re.sub(r"[^A-Za-z0-9._-]", "_", ident))

    def _foreign_element(self, c: Concept) -> None:
        cls = M.FOREIGN_ELEMENT.get(c.xsi_type)
        if cls is None:
            self.report.lose(f"elementtypen {c.xsi_type} har ingen entydig klasse / element type "
                             f"{c.xsi_type} has no unambiguous class", _name(c))
            return
        node = self._mint(c.ident)
        self.nodes[c.ident] = node
        self.classes[c.ident] = cls
        self.g.add((node, RDF.type, cls))
        self._texts(node, c)
        if not any(lang == "da" or (lang is None and self.lang == "da") for lang, _ in c.names):
            self.report.warn("ingen dansk rdfs:label (MOD-3) / no Danish label", _name(c))

    def _texts(self, node, c: Concept) -> None:
        """A foreign concept's names and documentation as labels and comments (untagged ones in
        ``--lang``); its properties have no place and are reported."""
        for lang, text in c.names:
            self.g.add((node, RDFS.label, self._literal(text, lang or self.lang, c)))
        for lang, text in c.docs:
            self.g.add((node, RDFS.comment, self._literal(text, lang or self.lang, c)))
        for key, _ in c.props:
            self.report.lose(f"egenskab '{key}' / property '{key}'", _name(c))

    def _foreign_relationship(self, r: Concept) -> None:
        if r.xsi_type in M.INTEGRATION_RELATIONS and self._integration(r):
            return
        sc, tc = self.classes.get(r.source or ""), self.classes.get(r.target or "")
        pred = M.FOREIGN_RELATION.get((r.xsi_type, sc, tc)) if sc and tc else None
        if pred is None:
            self.report.lose(f"relationstypen {r.xsi_type} mellem disse elementer har ingen ark-egenskab / "
                             f"no ark property for {r.xsi_type} between these elements")
            return
        self.g.add((self.nodes[r.source], pred, self.nodes[r.target]))
        if r.names or r.docs or r.props:
            self.report.lose("navn/dokumentation/egenskaber på relationer / names, documentation, "
                             "properties of relationships")


    def _integration(self, r: Concept) -> bool:
        """A Flow/Serving/Triggering between two imported ApplicationComponents -> an ark:Integration
        named by the relationship (else "A → B"); ``False`` when the ends are anything else."""
        ends = [r.source or "", r.target or ""]
        if not all(self.types.get(e) == M.FOREIGN_APPLICATION and e in self.nodes for e in ends):
            return False
        src, tgt = (self.nodes[e] for e in ends)
        node = self._mint(r.ident)
        self.g.add((node, RDF.type, ARK.Integration))
        self.g.add((node, ARK.fra, src))
        self.g.add((node, ARK.til, tgt))
        if not r.names:
            names = [self._names.get(e, []) for e in ends]
            text = " → ".join(_pick(n) or e for n, e in zip(names, ends))
            lang = next((lg for lg, _ in names[0] if lg), None) or self.lang  # the ends' language
            self.g.add((node, RDFS.label, self._literal(text, lang, r)))
        self._texts(node, r)
        self.integrations[r.xsi_type] = self.integrations.get(r.xsi_type, 0) + 1
        return True


def _name(c: Concept) -> str:
    return f"{c.xsi_type} '{_pick(c.names)}'" if c.names else f"{c.xsi_type} {c.ident}"


def import_bytes(data: bytes, display: str, *, base: str | None = None, lang: str | None = None) -> ImportResult:
    elements, rels, _defs, facts = parse(data, display)
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", Path(display).stem) or "model"
    imp = Importer(base or f"https://example.org/archimate/{stem}/", lang)
    own = imp.run(elements, rels, facts)
    n = len(set(imp.g.subjects()))
    imp.report.note(f"{len(elements)} elementer og {len(rels)} relationer læst; {n} emner og {len(imp.g)} "
                    f"tripler skrevet / {len(elements)} elements and {len(rels)} relationships read; "
                    f"{n} subjects and {len(imp.g)} triples written")
    if not own:
        imp.report.note(f"Filen er ikke skrevet af arkitektur: nye IRI'er under {imp.base} (vælg selv med --base). "
                        "/ Not written by arkitektur: new IRIs under that base (choose with --base).")
    return ImportResult(imp.g, imp.prefixes, imp.report, own)


def import_file(path: Path, *, base: str | None = None, lang: str | None = None) -> ImportResult:
    return import_bytes(read_capped(path), str(path), base=base, lang=lang)
