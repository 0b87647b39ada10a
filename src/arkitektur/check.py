"""Tjekket / the main job: load, derive, validate, apply dispensations, and return findings."""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections import Counter
from contextlib import contextmanager
from importlib import import_module
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from . import catalogue as catalogue_mod
from . import dispensations, loader, suggest
from .catalogue import Catalogue, Rule
from .config import find_config, load_config
from .derive import Facts, derive
from .errors import ArkitekturError, InputError, ShapesError, UsageError
from .findings import CheckResult, Finding, Fix, Severity
from .locator import Locator
from .storegraph import StoreGraph, default_graph_quads
from .formatting import pick
from .namespaces import ARK, RDF, RDFS, SH, curie

# name -> module with ``validate(data: Graph, shapes: Graph) -> list[RawResult]``. pySHACL is the
# reference; oxigraph (the shapes compiled to SPARQL) gives the same findings – tests/test_engines.py
# compares them on every rule example and on generated repositories – and is the fast default
# (docs/ydelse.md). An engine module may set DATA = "store" to get the repository straight in a
# pyoxigraph Store (check.prepare_store), and STREAMS_RESULTS to hand results over as they come.
ENGINE_MODULES = {"oxigraph": "arkitektur.engine_oxigraph", "pyshacl": "arkitektur.engine_pyshacl"}
ENGINES = tuple(ENGINE_MODULES)
DEFAULT_ENGINE = "oxigraph"
REFERENCE_ENGINE = "pyshacl"
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
    cat = catalogue or catalogue_mod.for_paths(paths)
    with proposing_prefixes(paths):
        repo = loader.load(_model_paths(paths, cat))
    graph = repo.graph()
    facts = derive(graph, as_of, repo.model_subjects, repo.model_predicates, repo.model_classes)
    graph += facts.triples
    return Context(graph=graph, facts=facts, repo=repo, catalogue=cat)


def prepare_store(paths: list[Path], as_of: dt.date, catalogue: Catalogue | None = None) -> Context:
    """As ``prepare``, but the repository goes straight into a pyoxigraph Store (the fast path).

    ``Context.graph`` is then a ``storegraph.StoreGraph``: the rdflib read API over the store.
    """
    cat = catalogue or catalogue_mod.for_paths(paths)
    with proposing_prefixes(paths):
        repo = loader.load_store(_model_paths(paths, cat), wait=False)
    graph = repo.model
    facts = derive(graph, as_of)  # afl:Modelemne …: marked by load_store, meanwhile
    repo.ready()
    graph += facts.triples
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
    cat = catalogue or catalogue_mod.for_paths(paths)
    selected = parse_rule_list(select, cat, "--select")
    ignored = parse_rule_list(ignore, cat, "--ignore") or set()
    if engine not in ENGINES:
        raise UsageError(
            f"--engine: ukendt motor '{engine}'. Mulige: {', '.join(ENGINES)}.",
            f"--engine: unknown engine '{engine}'. Choose from: {', '.join(ENGINES)}.",
            code="ARK-E13",
        )
    day = resolve_as_of(paths, as_of)
    module = import_module(ENGINE_MODULES[engine])
    with _cyclic_gc_paused():
        ctx = (prepare_store if getattr(module, "DATA", None) == "store" else prepare)(paths, day, cat)
        findings = evaluate(ctx, lang, engine)
    return conclude(paths, ctx, day, findings, selected, ignored)


def conclude(paths: list[Path], ctx: Context, day: dt.date, findings: list[Finding],
             selected: set[str] | None = None, ignored: set[str] = frozenset()) -> CheckResult:
    """The check's result from evaluated findings: selected, sorted, with the notes (also for
    ``arkitektur lsp``, which prepares the context itself from the files it has parsed already)."""
    if selected is not None:
        findings = [f for f in findings if f.rule in selected]
    findings = [f for f in findings if f.rule not in ignored]
    findings.sort(key=Finding.sort_key)
    findings, depends = _described_outside(paths, findings, ctx.repo.model_files, ctx.catalogue)
    return CheckResult(as_of=day.isoformat(), findings=findings,
                       notes=[*depends, *ctx.repo.notes, *_shapes_among_models(ctx)],
                       files=list(ctx.repo.model_files))


def model_paths(paths: list[Path], catalogue: Catalogue | None = None) -> list[Path]:
    """The model files under ``paths`` without the repository's own rules (for the commands that
    load models themselves: export, ontology, lsp)."""
    return _model_paths(paths, catalogue or catalogue_mod.for_paths(paths))


def _model_paths(paths: list[Path], cat: Catalogue) -> list[Path]:
    """``paths`` without the own rules' folders: their shapes are rules, not model data
    (docs/egne-regler.md). A path named inside such a folder (an example, ``eksempler/…``) is
    checked as given, without the shapes beside it."""
    if not cat.own_folders:
        return paths
    shapes = {p.resolve() for folder in cat.own_folders for p in catalogue_mod.own_shape_files(folder)}
    out = []
    for given in paths:
        inside = catalogue_mod.in_folders(given, cat.own_folders) is not None
        for path in loader.discover([given]):
            if path.resolve() in shapes or (not inside and catalogue_mod.in_folders(path, cat.own_folders)):
                continue
            out.append(path)
    return out


_SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)
_SHOWN_SHAPES = 5


def _shapes_among_models(ctx: Context) -> list[str]:
    """A SHACL shape in a model file is read as data and checks nothing: say so, with where it is
    and where it belongs (docs/egne-regler.md), rather than let it look like a rule that passed."""
    found = []
    for shape in sorted({s for t in _SHAPE_TYPES for s in ctx.graph.subjects(RDF.type, t) if isinstance(s, URIRef)},
                        key=str):
        file, line = ctx.repo.locator.locate(str(shape))
        if file is not None and file in ctx.repo.model_files:  # not the shipped data
            found.append((file, line, shape))
    notes = [
        f"{file}:{line}: {curie(str(shape)) or shape} er en SHACL-form i modellen og bliver læst som data, ikke "
        "kørt – hører den under regler/? (docs/egne-regler.md) / is a SHACL shape among the models: read as "
        "data, not run – does it belong in regler/?"
        for file, line, shape in found[:_SHOWN_SHAPES]]
    if len(found) > _SHOWN_SHAPES:
        notes.append(f"… og {len(found) - _SHOWN_SHAPES} SHACL-former mere i modellen / and "
                     f"{len(found) - _SHOWN_SHAPES} more SHACL shapes among the models")
    return notes


def _described_outside(paths: list[Path], findings: list[Finding], files: list[str],
                       cat: Catalogue | None = None) -> tuple[list, list[str]]:
    """MOD-2 findings whose node the repository does describe, in a folder not checked (a member's
    folder checked alone, without the shared catalogue): one note per such folder instead of a
    finding per reference (issue 16). The repository is the folder with ``arkitektur.toml``; its
    other files are only scanned for subjects, never loaded."""
    dangling = {f.value for f in findings if f.rule == "MOD-2" and f.value}
    config = find_config(paths) if dangling else None
    if config is None:
        return findings, []
    root = config.parent
    checked = {Path(f).resolve() for f in files}
    try:
        others = [p for p in loader.discover([root]) if p.resolve() not in checked
                  and not (cat is not None and catalogue_mod.in_folders(p, cat.own_folders))]
    except ArkitekturError:
        return findings, []
    folder_of: dict[str, Path] = {}
    for path in others:
        try:
            found: dict = {}
            loader.scan_subjects(str(path), path.read_text(encoding="utf-8"), found)
        except (OSError, UnicodeDecodeError, loader.ScanGap, ArkitekturError):
            continue  # a file that cannot be read here is reported when it is checked itself
        rel = path.relative_to(root)
        folder = root / rel.parts[0] if len(rel.parts) > 1 else root
        for iri in dangling.intersection(found):
            folder_of.setdefault(iri, folder)
    if not folder_of:
        return findings, []
    kept, moved = [], Counter()
    for f in findings:
        if f.rule == "MOD-2" and f.value in folder_of:
            moved[folder_of[f.value]] += 1
        else:
            kept.append(f)
    shown = " ".join(str(p) for p in paths)
    notes = []
    for folder, n in sorted(moved.items()):
        where = _shown_path(folder)
        notes.append(
            f"{n} henvisninger (MOD-2) peger på elementer, der er beskrevet under {where}/, som ikke er med i "
            f"tjekket: tjek dem sammen, fx 'arkitektur check {shown} {where}' / {n} references (MOD-2) point to "
            f"elements described under {where}/, which is not checked: check them together")
    return kept, notes


def _shown_path(path: Path) -> str:
    """``path`` relative to the working directory where it lies under it, else absolute."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@contextmanager
def proposing_prefixes(paths: list[Path]):
    """An undeclared prefix (ARK-E02) also says which ``@prefix`` line the repository uses for it."""
    try:
        yield
    except InputError as exc:
        line = suggest.prefix_declaration(exc, paths)
        if line is None:
            raise
        raise InputError(f"{exc.da}; tilføj: {line}", f"{exc.en}; add: {line}", code=exc.code,
                         file=exc.file, line=exc.line, column=exc.column) from None


@contextmanager
def _cyclic_gc_paused():
    """Pause Python's cyclic garbage collector for the duration of a check, then restore it.

    A check allocates millions of short-lived, acyclic objects (terms, rows, findings); each full
    collection walks all of them again. Paused, a large check is faster with the same peak memory
    (figures: docs/ydelse.md). Reference counting still frees everything as usual.

    Everything allocated meanwhile is still in the youngest generation when the pause ends, so the
    first young collection afterwards would walk it all. ``freeze`` +
    ``unfreeze`` moves every tracked object to the oldest generation first (two list splices): the
    objects stay collectable, by the rarer full collections.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def evaluate(ctx: Context, lang: str, engine: str = DEFAULT_ENGINE, reuse=None) -> list[Finding]:
    """Run one engine over the prepared context and turn its results into findings. ``reuse``:
    the language server's rows of the previous check (``lsp.reuse``; the default engine only)."""
    module = import_module(ENGINE_MODULES[engine])
    maker = FindingMaker(ctx.graph, ctx.repo.locator, ctx.catalogue, kept=None if reuse is None else reuse.kept)
    try:
        if reuse is not None:
            raw = module.validate(ctx.graph, ctx.catalogue.graph, on_results=maker.prefetch_results, reuse=reuse)
        elif getattr(module, "STREAMS_RESULTS", False):  # read labels while the engine still queries
            raw = module.validate(ctx.graph, ctx.catalogue.graph, on_results=maker.prefetch_results)
        else:
            raw = module.validate(ctx.graph, ctx.catalogue.graph)
    except ShapesError as exc:  # an own rule the engine cannot run exactly: refused at its file:line
        placed = catalogue_mod.placed(exc, ctx.catalogue, getattr(module, "plan_for", None))
        if placed is exc:
            raise
        raise placed from None
    maker.prefetch_results(raw)
    maker.locate_results(raw)
    findings = set()
    for r in raw:
        f = maker.from_result(r, lang)
        if f is not None:
            findings.add(f)
    if reuse is not None:
        maker.settle(reuse.kept)
    return dispensations.apply(sorted(findings, key=Finding.sort_key), ctx.graph, ctx.facts,
                               ctx.catalogue, maker.make, lang)


_SUGGESTING = ("MOD-1", "MOD-2")  # rules whose value is a typo'd term or reference (issue 16)
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

    def _fill(self, text: str, focus: str, value: str | None, lang: str) -> str:
        """Fill {$this} and {?value}; engines differ in whether they do, so we always do."""
        slots = {"this": self.short(focus, lang), "value": self.short(value, lang), "path": ""}
        return _SLOT.sub(lambda m: slots[m.group(1)], text)

    def locate_results(self, raw) -> None:
        """The positions of the findings of ``raw``, one file at a time (``Locator.positions``)."""
        wanted = dict.fromkeys(_triple(r) for r in raw if self._shape_info(r.shape)[0] is not None)
        self._located.update(wanted)
        keys = [k for k in wanted if k not in self._where]
        self._where.update(zip(keys, self.locator.positions(keys)))

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
        da, en = (self._fill(t, focus, value, lang) for t in (da, en))
        where = self._where.get((focus, path, value)) or self.locator.position(focus, path, value)
        fix = None
        if rule.id in _SUGGESTING and value is not None:
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
