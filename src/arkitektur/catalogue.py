"""Regelkataloget / reads the rules (ID, severity, principle, texts, examples) from the shapes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from . import resources
from .errors import ShapesError
from .findings import Severity
from .loader import parse_file
from .namespaces import ARK, SH
from .locator import Locator

_SEVERITY = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}
REGEL = "https://w3id.org/arkitektur/regler#"
_RULE_ID = re.compile(r"^[A-Z]{2,5}-\d+(?:\.\d+)?$")


def _text(g: Graph, node: Node, prop: URIRef, lang: str) -> str | None:
    values = [o for o in g.objects(node, prop) if isinstance(o, Literal)]
    for o in values:
        if o.language == lang:
            return str(o)
    return None


@dataclass
class Example:
    path: Path
    as_of: str | None
    expected: list[tuple[str, str]]  # (severity label, focus IRI)
    text: str


@dataclass
class Rule:
    id: str
    shapes: list[Node] = field(default_factory=list)
    severities: set = field(default_factory=set)
    title: dict = field(default_factory=dict)
    message: dict = field(default_factory=dict)
    principle: dict = field(default_factory=dict)
    problem: dict = field(default_factory=dict)
    solution: dict = field(default_factory=dict)
    source: str | None = None
    post_processing: bool = False
    file: str | None = None
    line: int | None = None

    @property
    def severity_code(self) -> str:
        return "/".join(s.name[0] for s in sorted(self.severities, reverse=True))

    @property
    def family(self) -> str:
        return self.id.split("-")[0]

    def bad_example(self) -> Example | None:
        return _example(self.id, "bad")

    def good_example(self) -> Example | None:
        return _example(self.id, "good")


@dataclass
class Catalogue:
    graph: Graph
    rules: dict[str, Rule]
    locator: Locator

    def rule_of_shape(self, shape: Node) -> Rule | None:
        """The rule a (possibly nested property) shape belongs to."""
        seen = set()
        while shape is not None and shape not in seen:
            seen.add(shape)
            rid = self.graph.value(shape, ARK.regel)
            if rid is not None:
                return self.rules.get(str(rid))
            shape = self.graph.value(None, SH.property, shape) or self.graph.value(None, SH.node, shape)
        return None

    def shape_with_rule(self, shape: Node) -> Node | None:
        seen = set()
        while shape is not None and shape not in seen:
            seen.add(shape)
            if self.graph.value(shape, ARK.regel) is not None:
                return shape
            shape = self.graph.value(None, SH.property, shape) or self.graph.value(None, SH.node, shape)
        return None

    def ordered(self) -> list[Rule]:
        order = ["MOD", "STY", "GEV", "SMA", "HEL", "FDA", "KON", "DISP"]

        def key(r: Rule):
            fam = order.index(r.family) if r.family in order else len(order)
            nums = [int(x) for x in re.findall(r"\d+", r.id)]
            return (fam, nums, r.id)

        return sorted(self.rules.values(), key=key)


def _example(rule_id: str, kind: str) -> Example | None:
    path = resources.examples_dir() / rule_id / f"{kind}.ttl"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    as_of = None
    expected = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = re.match(r"#\s*as-of:\s*(\S+)", line)
        if m:
            as_of = m.group(1)
        m = re.match(r"#\s*forventet:\s*(violation|warning|info)\s+(\S+)", line)
        if m:
            expected.append((m.group(1), m.group(2)))
    return Example(path=path, as_of=as_of, expected=expected, text=text)


def load_shapes(files: list[Path]) -> tuple[Graph, Locator]:
    g = Graph()
    loc = Locator()
    for path in files:
        parsed = parse_file(path, str(path))
        if parsed is None:
            continue
        for t in parsed.triples:
            g.add(t)
        loc.add_file(str(path), parsed.text)
    return g, loc


def build(g: Graph, loc: Locator) -> Catalogue:
    rules: dict[str, Rule] = {}
    # The shape named regel:<ID> speaks for the rule (title, texts); the others follow in IRI order,
    # so a rule's page never depends on the order rdflib happens to return triples in.
    pairs = sorted(g.subject_objects(ARK.regel),
                   key=lambda p: (str(p[0]) != f"{REGEL}{p[1]}", str(p[0])))
    for shape, rid in pairs:
        rid = str(rid)
        if not _RULE_ID.match(rid):
            file, line = loc.locate(str(shape))
            raise ShapesError(
                f"regel-ID '{rid}' har ikke formen ABC-1.",
                f"rule ID '{rid}' is not of the form ABC-1.",
                code="ARK-E30", file=file, line=line,
            )
        rule = rules.setdefault(rid, Rule(id=rid))
        rule.shapes.append(shape)
        sev = g.value(shape, SH.severity)
        rule.severities.add(_SEVERITY.get(sev, Severity.VIOLATION))
        for lang in ("da", "en"):
            for attr, prop in (("title", SH.name), ("message", SH.message), ("principle", ARK.princip),
                               ("problem", ARK.problem), ("solution", ARK.loesning)):
                value = _text(g, shape, prop, lang)
                if value and lang not in getattr(rule, attr):
                    getattr(rule, attr)[lang] = value
        src = g.value(shape, ARK.kilde)
        if src is not None and rule.source is None:
            rule.source = str(src)
        if (shape, SH.deactivated, Literal(True)) in g:
            rule.post_processing = True
        if rule.file is None:
            rule.file, rule.line = loc.locate(str(shape))
    return Catalogue(graph=g, rules=rules, locator=loc)


@lru_cache(maxsize=1)
def shipped() -> Catalogue:
    """The shipped catalogue, read and linted once per process."""
    from .shapes_lint import lint

    g, loc = load_shapes(resources.shape_files())
    lint(g, loc)
    return build(g, loc)
