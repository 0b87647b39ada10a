"""Tjekket / the main job: load, derive, validate, apply dispensations, and return findings."""

from __future__ import annotations

import datetime as dt
import re
from importlib import import_module
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from . import catalogue as catalogue_mod
from . import dispensations, loader
from .catalogue import Catalogue, Rule
from .config import load_config
from .derive import Facts, derive
from .errors import UsageError
from .findings import CheckResult, Finding, Severity
from .locator import Locator
from .namespaces import ARK, RDF, RDFS, SH

# name -> module with ``validate(data: Graph, shapes: Graph) -> list[RawResult]``
ENGINE_MODULES = {"pyshacl": "arkitektur.engine_pyshacl", "oxigraph": "arkitektur.engine_oxigraph"}
ENGINES = tuple(ENGINE_MODULES)
DEFAULT_ENGINE = "pyshacl"
_SEVERITY = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}


@dataclass
class Context:
    """Everything a check produced besides findings, for commands that build on it."""

    graph: Graph
    facts: Facts
    repo: loader.Repository
    catalogue: Catalogue


def resolve_as_of(paths: list[Path], as_of: dt.date | None) -> dt.date:
    if as_of is not None:
        return as_of
    config = load_config(paths)
    return config.as_of or dt.date.today()


def parse_rule_list(text: str | None, catalogue: Catalogue, option: str) -> set[str] | None:
    if not text:
        return None
    ids = {t.strip().upper() for t in text.split(",") if t.strip()}
    unknown = sorted(i for i in ids if i not in catalogue.rules)
    if unknown:
        raise UsageError(
            f"{option}: ukendt regel {', '.join(unknown)}. Se 'arkitektur rules'.",
            f"{option}: unknown rule {', '.join(unknown)}. See 'arkitektur rules'.",
            code="ARK-E12",
        )
    return ids


def prepare(paths: list[Path], as_of: dt.date, catalogue: Catalogue | None = None) -> Context:
    """Load the repository and derive the facts at ``as_of`` (shared with divergence, roadmap …)."""
    repo = loader.load(paths)
    cat = catalogue or catalogue_mod.shipped()
    graph = repo.graph()
    facts = derive(graph, as_of, repo.model_subjects)
    graph += facts.graph
    return Context(graph=graph, facts=facts, repo=repo, catalogue=cat)


def run_check(
    paths: list[Path],
    *,
    as_of: dt.date | None = None,
    lang: str = "da",
    select: str | None = None,
    ignore: str | None = None,
    engine: str = DEFAULT_ENGINE,
    catalogue: Catalogue | None = None,
) -> CheckResult:
    """Check the models under ``paths``; raise ``ArkitekturError`` for unreadable input."""
    cat = catalogue or catalogue_mod.shipped()
    selected = parse_rule_list(select, cat, "--select")
    ignored = parse_rule_list(ignore, cat, "--ignore") or set()
    if engine not in ENGINES:
        raise UsageError(
            f"--engine: ukendt motor '{engine}'. Mulige: {', '.join(ENGINES)}.",
            f"--engine: unknown engine '{engine}'. Choose from: {', '.join(ENGINES)}.",
            code="ARK-E13",
        )
    day = resolve_as_of(paths, as_of)
    ctx = prepare(paths, day, cat)
    findings = evaluate(ctx, lang, engine)
    if selected is not None:
        findings = [f for f in findings if f.rule in selected]
    findings = [f for f in findings if f.rule not in ignored]
    findings.sort(key=Finding.sort_key)
    return CheckResult(as_of=day.isoformat(), findings=findings, notes=list(ctx.repo.notes),
                       files=list(ctx.repo.model_files))


def evaluate(ctx: Context, lang: str, engine: str = DEFAULT_ENGINE) -> list[Finding]:
    """Run one engine over the prepared context and turn its results into findings."""
    raw = import_module(ENGINE_MODULES[engine]).validate(ctx.graph, ctx.catalogue.graph)
    maker = FindingMaker(ctx.graph, ctx.repo.locator, ctx.catalogue)
    findings = set()
    for r in raw:
        f = maker.from_result(r, lang)
        if f is not None:
            findings.add(f)
    return dispensations.apply(sorted(findings, key=Finding.sort_key), ctx.graph, ctx.facts,
                               ctx.catalogue, maker.make, lang)


_SLOT = re.compile(r"\{[?$](this|value|path)\}")


class FindingMaker:
    """Turns engine results into Findings: rule, texts, label, kommune, file and line."""

    def __init__(self, graph: Graph, locator: Locator, catalogue: Catalogue) -> None:
        self.g = graph
        self.locator = locator
        self.catalogue = catalogue

    def label(self, node: Node, lang: str) -> str | None:
        labels = list(self.g.objects(node, RDFS.label))
        for want in (lang, "da", "en"):
            for lab in labels:
                if isinstance(lab, Literal) and lab.language == want:
                    return str(lab)
        return str(labels[0]) if labels else None

    def kommune(self, node: Node) -> str | None:
        own = self.g.value(node, ARK.kommune)
        if own is not None:
            return str(own)
        related = set()
        for o in self.g.objects(node, None):
            if (o, RDF.type, ARK.Systemanvendelse) in self.g:
                related.add(o)
        for s in self.g.subjects(None, node):
            if (s, RDF.type, ARK.Systemanvendelse) in self.g:
                related.add(s)
        kommuner = sorted({str(k) for u in related for k in self.g.objects(u, ARK.kommune)})
        return kommuner[0] if kommuner else None

    def short(self, term: str | None, lang: str) -> str:
        """A value as an architect reads it: its label, else a compact IRI, else the literal."""
        if term is None:
            return ""
        node = URIRef(term)
        label = self.label(node, lang) if term.startswith(("http:", "https:", "urn:")) else None
        if label:
            return label
        for prefix, ns in (("ark", str(ARK)),):
            if term.startswith(ns):
                return f"{prefix}:{term[len(ns):]}"
        return term

    def _fill(self, text: str, focus: str, value: str | None, lang: str) -> str:
        """Fill {$this} and {?value}; engines differ in whether they do, so we always do."""
        slots = {"this": self.short(focus, lang), "value": self.short(value, lang), "path": ""}
        return _SLOT.sub(lambda m: slots[m.group(1)], text)

    def from_result(self, r, lang: str) -> Finding | None:
        rule = self.catalogue.rule_of_shape(r.shape)
        if rule is None:
            return None  # a helper shape (e.g. inside sh:or) reported through its parent
        rule_shape = self.catalogue.shape_with_rule(r.shape)
        severity = _SEVERITY.get(self.catalogue.graph.value(rule_shape, SH.severity), Severity.VIOLATION)
        # Texts come from the shapes, never from the engine: pySHACL drops the language tag when it
        # fills {?value}, and engines differ in whether they copy sh:message at all.
        msgs: dict = {}
        for shape in (r.shape, rule_shape):
            msgs = {m.language: str(m) for m in self.catalogue.graph.objects(shape, SH.message)
                    if isinstance(m, Literal)}
            if msgs:
                break
        # A SPARQL constraint without ?value reports the focus as its value: that is no value.
        value = None if r.value is None or r.value == r.focus else r.value
        return self.make(rule=rule, focus=str(r.focus), severity=severity, lang=lang,
                         path=str(r.path) if isinstance(r.path, URIRef) else None,
                         value=None if value is None else str(value), messages=msgs)

    def make(self, *, rule: Rule, focus: str, severity: Severity, lang: str, path: str | None = None,
             value: str | None = None, messages: dict | None = None) -> Finding:
        node = URIRef(focus)
        msgs = messages or {}
        da = msgs.get("da") or rule.message.get("da") or rule.title.get("da") or rule.id
        en = msgs.get("en") or rule.message.get("en") or rule.title.get("en") or da
        da, en = (self._fill(t, focus, value, lang) for t in (da, en))
        file, line = self.locator.locate(focus)
        return Finding(
            rule=rule.id, severity=severity, focus=focus, message=da if lang == "da" else en,
            message_en=en, label=self.label(node, lang), kommune=self.kommune(node), path=path,
            value=value, file=file, line=line,
        )
