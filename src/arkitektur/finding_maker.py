"""Fund af motorens svar / turns engine results into findings: rule, texts, label, kommune, position, "did you mean"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from . import suggest
from .catalogue import Catalogue, Rule
from .findings import Finding, Fix, Severity
from .formatting import pick
from .locator import Locator
from .namespaces import ARK, RDF, RDFS, SH, curie
from .storegraph import StoreGraph, default_graph_quads

_SEVERITY = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}

SUGGESTING = ("MOD-1", "MOD-2")  # rules whose value is a typo'd term or reference (issue 16)
_SLOT = re.compile(r"\{[?$](this|value|path)\}")
_ONTOLOGY = {"ark": str(ARK)}


@dataclass
class Kept:
    """What a ``FindingMaker`` may keep from one check to the next (the language server, which
    drops what an edit made stale: ``lsp.reuse``): labels, kommuner, positions, "did you mean"."""

    labels: dict = field(default_factory=dict)
    kommuner: dict = field(default_factory=dict)
    where: dict = field(default_factory=dict)
    suggesters: dict = field(default_factory=dict)
    findings: dict = field(default_factory=dict)  # (engine result, lang) -> its Finding (None: a helper shape's)


class FindingMaker:
    """Turns engine results into Findings: rule, texts, label, kommune, file and line."""

    def __init__(self, graph: Graph, locator: Locator, catalogue: Catalogue, kept: Kept | None = None) -> None:
        self.g = graph
        self.locator = locator
        self.catalogue = catalogue
        self._labels: dict | None = None   # node -> [(language, text)], when prefetched
        self._kommuner: dict | None = None  # node -> (own kommuner, kommuner of related usages)
        self._shapes: dict = {}
        self._suggesters: dict = {}
        self._where: dict = {}  # (focus, path, value) -> Where, filled by locate_results
        self._made: dict | None = None  # (result, lang) -> Finding, when kept between checks
        self._made_now: dict = {}  # … those of this check
        self._located: set = set()  # the positions this check asked for
        self._taken: dict = {}  # engine result -> its Finding (or None), made by ``take``
        if kept is not None and isinstance(graph, StoreGraph):
            self._labels, self._kommuner = kept.labels, kept.kommuner
            self._where, self._suggesters, self._made = kept.where, kept.suggesters, kept.findings

    def prefetch(self, focus_nodes: set, other_nodes: set = frozenset()) -> None:
        """Read labels (and the focus nodes' kommuner) up front, straight from a pyoxigraph store."""
        if not isinstance(self.g, StoreGraph):
            return
        if self._labels is None:
            self._labels, self._kommuner = {}, {}
        focus_nodes = {n for n in focus_nodes if n not in self._kommuner}
        other_nodes = {n for n in other_nodes if n not in self._labels} - focus_nodes
        if focus_nodes or other_nodes:
            labels, kommuner = _prefetch(self.g.store, focus_nodes, other_nodes)
            self._labels.update(labels)
            self._kommuner.update(kommuner)

    def prefetch_results(self, raw) -> None:
        """``prefetch`` for the focus nodes and IRI values of some engine results."""
        self.prefetch({r.focus for r in raw}, {r.value for r in raw if isinstance(r.value, URIRef)})

    def label(self, node: Node, lang: str) -> str | None:
        """The node's rdfs:label by ``formatting.pick``; ``None`` without one (the JSON's null)."""
        if self._labels is not None and node in self._labels:
            return pick(self._labels[node], lang)
        return pick(((lab.language, str(lab)) if isinstance(lab, Literal) else (None, str(lab))
                     for lab in self.g.objects(node, RDFS.label)), lang)

    def kommune(self, node: Node) -> str | None:
        if self._kommuner is not None and node in self._kommuner:
            own, related = self._kommuner[node]
        else:
            own = {str(k) for k in self.g.objects(node, ARK.kommune)}
            usages = set()
            for o in self.g.objects(node, None):
                if (o, RDF.type, ARK.Systemanvendelse) in self.g:
                    usages.add(o)
            for s in self.g.subjects(None, node):
                if (s, RDF.type, ARK.Systemanvendelse) in self.g:
                    usages.add(s)
            related = {str(k) for u in usages for k in self.g.objects(u, ARK.kommune)}
        if own:
            return min(own)
        return min(related) if related else None

    def _shape_info(self, shape: Node):
        """(rule, severity, messages) of a result's source shape, computed once per shape."""
        hit = self._shapes.get(shape)
        if hit is None:
            rule = self.catalogue.rule_of_shape(shape)
            if rule is None:
                hit = (None, None, None)
            else:
                rule_shape = self.catalogue.shape_with_rule(shape)
                severity = _SEVERITY.get(self.catalogue.graph.value(rule_shape, SH.severity), Severity.VIOLATION)
                # Texts come from the shapes, never from the engine: pySHACL drops the language tag
                # when it fills {?value}, and engines differ in whether they copy sh:message at all.
                msgs: dict = {}
                for s in (shape, rule_shape):
                    msgs = {m.language: str(m) for m in sorted(self.catalogue.graph.objects(s, SH.message))
                            if isinstance(m, Literal)}
                    if msgs:
                        break
                hit = (rule, severity, msgs)
            self._shapes[shape] = hit
        return hit

    def short(self, term: str | None, lang: str) -> str:
        """A value as an architect reads it: its label, else a compact IRI, else the literal."""
        if term is None:
            return ""
        label = self.label(URIRef(term), lang) if term.startswith(("http:", "https:", "urn:")) else None
        if label:
            return label
        # Only the ontology's own terms are shortened: the message texts are part of the JSON.
        return curie(term, _ONTOLOGY) or term

    def _slots(self, focus: str, value: str | None, lang: str) -> dict:
        """What {$this}, {?value} and {?path} become in a message."""
        return {"this": self.short(focus, lang), "value": self.short(value, lang), "path": ""}

    @staticmethod
    def _fill(text: str, slots: dict) -> str:
        """Fill the slots; engines differ in whether they do, so we always do."""
        return _SLOT.sub(lambda m: slots[m.group(1)], text)

    def locate_results(self, raw, keep: bool = False) -> None:
        """The positions of the findings of ``raw``, one file at a time (``Locator.positions``;
        ``keep``: more are coming, ``Locator.release_all`` afterwards)."""
        wanted = dict.fromkeys(_triple(r) for r in raw if self._shape_info(r.shape)[0] is not None)
        self._located.update(wanted)
        keys = [k for k in wanted if k not in self._where]
        self._where.update(zip(keys, self.locator.positions(keys, keep)))

    def take(self, raw, lang: str) -> None:
        """Findings made from a batch of results while the engine still runs (``on_results``):
        labels, positions and the findings themselves, except for a literal value, which the
        engine may still swap for the file's spelling; ``findings`` returns them all."""
        self.prefetch_results(raw)
        final = [r for r in raw if not isinstance(r.value, Literal)]
        self.locate_results(final, keep=True)
        for r in final:
            self._taken[r] = self.from_result(r, lang)

    def findings(self, raw, lang: str) -> set[Finding]:
        """The findings of all of the engine's results: those ``take`` made already, and the rest.
        The file texts read for positions are kept until ``Locator.release_all``."""
        taken, self._taken = self._taken, {}
        rest = [r for r in raw if r not in taken]
        self.prefetch_results(rest)
        self.locate_results(rest, keep=True)  # (the caller releases: also when the engine failed)
        found = {f for f in taken.values() if f is not None}
        found.update(f for f in (self.from_result(r, lang) for r in rest) if f is not None)
        return found

    def from_result(self, r, lang: str) -> Finding | None:
        if self._made is not None:
            key = (r, lang)
            found = self._made[key] if key in self._made else self._from_result(r, lang)
            self._made_now[key] = found
            return found
        return self._from_result(r, lang)

    def settle(self, kept: Kept) -> None:
        """Keep only the findings and positions this check had (a long editing session does not
        pile up those of findings long gone)."""
        kept.findings = self._made_now
        kept.where = {k: w for k, w in self._where.items() if k in self._located}

    def _from_result(self, r, lang: str) -> Finding | None:
        rule, severity, msgs = self._shape_info(r.shape)
        if rule is None:
            return None  # a helper shape (e.g. inside sh:or) reported through its parent
        focus, path, value = _triple(r)
        return self.make(rule=rule, focus=focus, severity=severity, lang=lang, path=path, value=value,
                         messages=msgs)

    def make(self, *, rule: Rule, focus: str, severity: Severity, lang: str, path: str | None = None,
             value: str | None = None, messages: dict | None = None) -> Finding:
        node = URIRef(focus)
        msgs = messages or {}
        da = msgs.get("da") or rule.message.get("da") or rule.title.get("da") or rule.id
        en = msgs.get("en") or rule.message.get("en") or rule.title.get("en") or da
        if "{" in da or "{" in en:  # (the slots once for both texts: the same language's labels)
            slots = self._slots(focus, value, lang)
            da, en = self._fill(da, slots), self._fill(en, slots)
        where = self._where.get((focus, path, value)) or self.locator.position(focus, path, value)
        fix = None
        if rule.id in SUGGESTING and value is not None:
            meant = self._suggester(rule.id, path, value).nearest(value)
            if meant is not None:
                text = suggest.written_as(meant, where.text if where.term else None, where.prefixes)
                da, en = f"{da} Mente du {text}?", f"{en} Did you mean {text}?"
                if where.term and where.end_line is not None:
                    fix = Fix(text, where.line, where.column, where.end_line, where.end_column)
        return Finding(
            rule=rule.id, severity=severity, focus=focus, message=da if lang == "da" else en,
            message_en=en, label=self.label(node, lang), kommune=self.kommune(node), path=path,
            value=value, file=where.file, line=where.line, column=where.column, fix=fix,
        )

    def _suggester(self, rule_id: str, path: str | None, value: str) -> suggest.Suggester:
        """Candidates for "did you mean", gathered once per kind: MOD-1 an unknown class (via
        rdf:type) or property of the ontology, MOD-2 the nodes described in the dangling IRI's
        namespace."""
        if rule_id == "MOD-1":
            key = ("class",) if path == str(RDF.type) else ("property",)
        else:
            key = ("node", suggest.namespace_and_local(value)[0])
        hit = self._suggesters.get(key)
        if hit is None:
            hit = self._suggesters[key] = (suggest.term_suggester(self.g, key == ("class",))
                                           if rule_id == "MOD-1" else suggest.node_suggester(self.g, key[1], self.locator.subjects))
        return hit


def _triple(r) -> tuple[str, str | None, str | None]:
    """(focus, path, value) of an engine result as a finding shows them."""
    # A SPARQL constraint without ?value reports the focus as its value: that is no value.
    value = None if r.value is None or r.value == r.focus else str(r.value)
    return str(r.focus), str(r.path) if isinstance(r.path, URIRef) else None, value


def _prefetch(store, focus_nodes: set, other_nodes: set) -> tuple[dict, dict]:
    """Labels of all nodes and (own, related) kommuner of the focus nodes, read straight from the
    store with pyoxigraph terms (no rdflib conversion), as FindingMaker.label/kommune define them."""
    import pyoxigraph as ox  # the store exists, so pyoxigraph is loaded already

    label_p = ox.NamedNode(str(RDFS.label))
    kommune_p = ox.NamedNode(str(ARK.kommune))
    type_p = ox.NamedNode(str(RDF.type))
    usage_c = ox.NamedNode(str(ARK.Systemanvendelse))
    usage_kommuner: dict = {}

    def kommuner_of_usage(node) -> set:
        hit = usage_kommuner.get(node)
        if hit is None:
            hit = set()
            if isinstance(node, (ox.NamedNode, ox.BlankNode)) and next(
                    default_graph_quads(store, node, type_p, usage_c), None) is not None:
                hit = {q.object.value for q in default_graph_quads(store, node, kommune_p, None)}
            usage_kommuner[node] = hit
        return hit

    labels: dict = {}
    kommuner: dict = {}
    for node in focus_nodes | other_nodes:
        if not isinstance(node, URIRef):
            continue
        n = ox.NamedNode(str(node))
        pairs = [(q.object.language if isinstance(q.object, ox.Literal) else None, q.object.value)
                 for q in default_graph_quads(store, n, label_p, None)]
        pairs.sort(key=lambda p: (p[0] or "", p[1]))
        labels[node] = pairs
        if node not in focus_nodes:
            continue
        own = {q.object.value for q in default_graph_quads(store, n, kommune_p, None)}
        related: set = set()
        if not own:
            for q in default_graph_quads(store, n, None, None):
                related |= kommuner_of_usage(q.object)
            for q in default_graph_quads(store, None, None, n):
                related |= kommuner_of_usage(q.subject)
        kommuner[node] = (own, related)
    return labels, kommuner
