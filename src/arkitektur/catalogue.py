"""Regelkataloget / reads the rules (ID, severity, principle, texts, examples) from the shapes.

The shipped rules (``shapes/``) and, where ``arkitektur.toml`` names them, the repository's own
rules (docs/egne-regler.md); ``ownrules`` checks the latter before they join the catalogue.
"""

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
from .loader import keep_apart, parse_file
from .namespaces import ARK, RDF, SH
from .locator import Locator

_SEVERITY = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}
REGEL = "https://w3id.org/arkitektur/regler#"
SHIPPED_FAMILIES = ["MOD", "STY", "GEV", "SMA", "HEL", "FDA", "KON", "DISP"]
# A rule's texts: the attribute of ``Rule``, the property of its shape, and that as written.
_TEXTS = (("title", SH.name, "sh:name"), ("message", SH.message, "sh:message"), ("principle", ARK.princip, "ark:princip"),
          ("problem", ARK.problem, "ark:problem"), ("solution", ARK.loesning, "ark:loesning"))
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
    file: str | None = None
    line: int | None = None
    own: bool = False  # one of the repository's own rules (docs/egne-regler.md), not shipped
    examples: Path | None = None  # the folder with <ID>/bad.ttl and good.ttl (own rules)

    @property
    def origin(self) -> str | None:
        """Where an own rule is written (``file:line``); None for a shipped rule."""
        if not self.own:
            return None
        return f"{self.file}:{self.line}" if self.line else self.file

    @property
    def severity_code(self) -> str:
        return "/".join(s.name[0] for s in sorted(self.severities, reverse=True))

    @property
    def family(self) -> str:
        return self.id.split("-")[0]

    def bad_example(self) -> Example | None:
        return _example(self.id, "bad", self.examples)

    def good_example(self) -> Example | None:
        return _example(self.id, "good", self.examples)


@dataclass
class Catalogue:
    graph: Graph
    rules: dict[str, Rule]
    locator: Locator
    own_folders: tuple[Path, ...] = ()  # the ``regler`` folders of arkitektur.toml
    own_files: dict[str, Graph] = field(default_factory=dict)  # shown name -> that file's shapes

    def rule_of_shape(self, shape: Node) -> Rule | None:
        """The rule a (possibly nested property) shape belongs to."""
        found = self.shape_with_rule(shape)
        return None if found is None else self.rules.get(str(self.graph.value(found, ARK.regel)))

    def shape_with_rule(self, shape: Node) -> Node | None:
        """The shape that names the rule (ark:regel): ``shape`` itself or the shape it is nested in."""
        seen = set()
        while shape is not None and shape not in seen:
            seen.add(shape)
            if self.graph.value(shape, ARK.regel) is not None:
                return shape
            shape = self.graph.value(None, SH.property, shape) or self.graph.value(None, SH.node, shape)
        return None

    def ordered(self) -> list[Rule]:
        order = SHIPPED_FAMILIES

        def key(r: Rule):  # the shipped rules first, then the own ones by family
            fam = order.index(r.family) if r.family in order else len(order)
            nums = [int(x) for x in re.findall(r"\d+", r.id)]
            return (fam, r.family, nums, r.id)

        return sorted(self.rules.values(), key=key)


def _example(rule_id: str, kind: str, folder: Path | None = None) -> Example | None:
    path = (folder or resources.examples_dir()) / rule_id / f"{kind}.ttl"
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
    blank_nodes: set = set()
    for path in files:
        parsed = parse_file(path, str(path))
        if parsed is None:
            continue
        for t in keep_apart(parsed, blank_nodes).triples:
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
            for attr, prop, _ in _TEXTS:
                value = _text(g, shape, prop, lang)
                if value and lang not in getattr(rule, attr):
                    getattr(rule, attr)[lang] = value
        src = g.value(shape, ARK.kilde)
        if src is not None and rule.source is None:
            rule.source = str(src)
        if rule.file is None:
            rule.file, rule.line = loc.locate(str(shape))
    return Catalogue(graph=g, rules=rules, locator=loc)


def for_paths(paths: list[Path]) -> Catalogue:
    """The catalogue in effect for the models under ``paths``: the shipped rules, plus the own
    rules of the repository whose ``arkitektur.toml`` names them (docs/egne-regler.md)."""
    from .config import load_config

    return with_own(load_config(paths).regler)


# -- the repository's own rules (docs/egne-regler.md) -------------------------------------------

EXAMPLES = "eksempler"  # <regler>/eksempler/<ID>/bad.ttl, good.ttl: examples, not shapes
_OWN_CACHE: dict = {}
_SHAPE_MARKS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


def own_shape_files(folder: Path) -> list[Path]:
    """The ``.ttl`` files of a ``regler`` folder, without its ``eksempler/`` (those are models)."""
    from .loader import discover

    out = []
    for path in discover([folder]):
        rel = path.relative_to(folder)
        if rel.parts and rel.parts[0] == EXAMPLES:
            continue
        out.append(path)
    return out


def in_folders(path: Path, folders) -> Path | None:
    """The folder of ``folders`` that ``path`` lies in (after links), or None."""
    resolved = path.resolve()
    for folder in folders:
        top = folder.resolve()
        if resolved == top or top in resolved.parents:
            return folder
    return None


def _shown(path: Path) -> str:
    """``path`` relative to the working directory where it lies under it (as check shows files)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def with_own(folders: tuple[Path, ...]) -> Catalogue:
    """The shipped catalogue joined by the own rules in ``folders`` – read, checked and cached
    until a file changes. Refused with exit 2 at file:line, never skipped: unreadable Turtle, an ID
    that repeats another (ARK-E117), a shipped family (ARK-E119), missing metadata or a shape
    without ID (ARK-E118), anything the shapes lint rejects (ARK-E30 … ARK-E34)."""
    if not folders:
        return shipped()
    files = [(folder, path) for folder in folders for path in own_shape_files(folder)]
    # Positions are shown relative to the working directory, so it is part of the key.
    key = (Path.cwd(), *folders, *((str(p.resolve()), p.stat().st_mtime_ns, p.stat().st_size) for _, p in files))
    hit = _OWN_CACHE.get(key)
    if hit is None:
        _OWN_CACHE.clear()  # one repository per process, in practice
        hit = _OWN_CACHE[key] = _build_own(folders, files)
    return hit


def _build_own(folders: tuple[Path, ...], files: list[tuple[Path, Path]]) -> Catalogue:
    from .shapes_lint import lint

    base = shipped()
    own = Graph()
    loc = Locator(fallback=base.locator)
    per_file: dict[str, Graph] = {}
    folder_of: dict[str, Path] = {}
    blank_nodes: set = set()
    for folder, path in files:
        shown = _shown(path)
        parsed = parse_file(path, shown)  # unreadable Turtle: InputError at file:line
        if parsed is None:
            continue
        g = per_file[shown] = Graph()
        for t in keep_apart(parsed, blank_nodes).triples:
            g.add(t)
            own.add(t)
        loc.add_file(shown, parsed.text)
        folder_of[shown] = folder
    _check_ids(own, loc, base)
    merged = Graph()
    merged += base.graph
    merged += own
    _check_unnamed(own, merged, loc)
    lint(merged, loc)
    cat = build(merged, loc)
    cat.own_folders = tuple(folders)
    cat.own_files = per_file
    for rid in {str(r) for r in own.objects(None, ARK.regel)}:
        rule = cat.rules[rid]
        rule.own = True
        if rule.file in folder_of:
            rule.examples = folder_of[rule.file] / EXAMPLES
        _check_metadata(rule, own)
    return cat


def _position(g: Graph, loc: Locator, node: Node) -> tuple[str | None, int | None]:
    seen = set()
    while not isinstance(node, URIRef) and node not in seen:  # a blank node: the IRI around it
        seen.add(node)
        parent = next(iter(g.subjects(None, node)), None)
        if parent is None:
            break
        node = parent
    return loc.locate(str(node))


def _sort_key(where: tuple) -> tuple:
    return (where[0] or "", where[1] or 0)


def _at(where: tuple) -> str:
    file, line = where
    return f"{file}:{line}" if line else str(file)


def _check_ids(own: Graph, loc: Locator, base: Catalogue) -> None:
    first: dict[str, tuple] = {}
    pairs = sorted(((s, str(r)) for s, r in own.subject_objects(ARK.regel)),
                   key=lambda p: _sort_key(_position(own, loc, p[0])))
    for shape, rid in pairs:
        where = _position(own, loc, shape)
        if not _RULE_ID.match(rid):
            continue  # build() refuses it with ARK-E30 at the same place
        if rid in base.rules:
            other = base.rules[rid]
            raise ShapesError(
                f"regel-ID '{rid}' findes allerede som medfølgende regel ({other.file}:{other.line}); giv din regel "
                "sit eget ID i en egen familie, fx SV-1.",
                f"rule ID '{rid}' already exists as a shipped rule ({other.file}:{other.line}); give your rule its "
                "own ID in a family of its own, e.g. SV-1.", code="ARK-E117", file=where[0], line=where[1])
        family = rid.split("-")[0]
        if family in SHIPPED_FAMILIES:
            raise ShapesError(
                f"regel-ID '{rid}' bruger de medfølgende reglers familie {family}; brug en egen familie, fx SV-1 "
                "(så en senere medfølgende regel aldrig får samme ID).",
                f"rule ID '{rid}' uses the shipped rules' family {family}; use a family of your own, e.g. SV-1 "
                "(so that a later shipped rule never gets the same ID).", code="ARK-E119",
                file=where[0], line=where[1])
        seen = first.setdefault(rid, where)
        if seen[0] != where[0]:
            raise ShapesError(
                f"regel-ID '{rid}' er også brugt i {_at(seen)}; hver regel skal have sit eget ID.",
                f"rule ID '{rid}' is also used at {_at(seen)}; every rule needs an ID of its own.",
                code="ARK-E117", file=where[0], line=where[1])


def _check_unnamed(own: Graph, merged: Graph, loc: Locator) -> None:
    """A shape in the own rules without ark:regel would run nameless or not at all: refused."""
    candidates = set(own.subjects(RDF.type, SH.NodeShape)) | set(own.subjects(RDF.type, SH.PropertyShape))
    for mark in _SHAPE_MARKS:
        candidates |= set(own.subjects(mark, None))
    for shape in sorted(candidates, key=str):
        if own.value(shape, ARK.regel) is not None or next(iter(merged.subjects(None, shape)), None) is not None:
            continue  # a rule's shape, or a helper shape another shape uses
        file, line = _position(own, loc, shape)
        raise ShapesError(
            "formen har intet ark:regel (regel-ID, fx \"SV-1\") og ville ikke blive kørt som regel; "
            "tilføj ID og de øvrige oplysninger (docs/egne-regler.md).",
            "the shape has no ark:regel (rule ID, e.g. \"SV-1\") and would not run as a rule; add the ID and "
            "the other metadata (docs/egne-regler.md).", code="ARK-E118", file=file, line=line)


def _check_metadata(rule: Rule, own: Graph) -> None:
    missing = [f"{name}@{lang}" for attr, _, name in _TEXTS for lang in ("da", "en")
               if lang not in getattr(rule, attr)]
    if not any(own.value(shape, SH.severity) is not None for shape in rule.shapes):
        missing.append("sh:severity")
    if missing:
        raise ShapesError(
            f"reglen {rule.id} mangler {', '.join(missing)}; en egen regel skal have de samme oplysninger som "
            "de medfølgende (docs/egne-regler.md).",
            f"the rule {rule.id} lacks {', '.join(missing)}; an own rule needs the same metadata as the shipped "
            "ones (docs/egne-regler.md).", code="ARK-E118", file=rule.file, line=rule.line)


def placed(exc: ShapesError, cat: Catalogue, compile_=None) -> ShapesError:
    """An engine's refusal (ARK-E35, ARK-E36 …) without a place, placed at the own rule it comes from:
    the shape it names, else the own file the engine refuses on its own (``compile_``)."""
    if exc.file is not None or not cat.own_files:
        return exc
    file = line = None
    for iri in re.findall(r"<([^<>\s]+)>", exc.da):
        f, n = cat.locator.locate(iri)
        if f in cat.own_files:
            file, line = f, n
            break
    if file is None and compile_ is not None:
        for shown, g in cat.own_files.items():
            trial = Graph()
            trial += shipped().graph
            trial += g
            try:
                compile_(trial)
            except ShapesError:
                file = shown
                line = min((r.line for r in cat.rules.values() if r.file == shown and r.line), default=None)
                break
    if file is None:
        return exc
    return ShapesError(exc.da, exc.en, code=exc.code, file=file, line=line, column=exc.column)


@lru_cache(maxsize=1)
def shipped() -> Catalogue:
    """The shipped catalogue, read and linted once per process."""
    from .shapes_lint import lint

    g, loc = load_shapes(resources.shape_files())
    lint(g, loc)
    return build(g, loc)
