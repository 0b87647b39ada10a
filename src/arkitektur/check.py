"""Tjekket / the main job: load, derive, validate, apply dispensations, and return findings."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from contextlib import contextmanager
from functools import partial
from importlib import import_module
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from . import catalogue as catalogue_mod
from . import dispensations, loader, suggest
from .catalogue import Catalogue
from .config import find_config, load_config
from .derive import Facts, derive
from .engine_common import cyclic_gc_paused
from .errors import ArkitekturError, InputError, ShapesError, UsageError
from .finding_maker import FindingMaker
from .findings import CheckResult, Finding
from .namespaces import RDF, SH, curie

# name -> module with ``validate(data: Graph, shapes: Graph) -> list[RawResult]``. pySHACL is the
# reference; oxigraph (the shapes compiled to SPARQL) gives the same findings – tests/test_engines.py
# compares them on every rule example and on generated repositories – and is the fast default
# (docs/ydelse.md). An engine module may set DATA = "store" to get the repository straight in a
# pyoxigraph Store (check.prepare_store), and STREAMS_RESULTS to hand results over as they come.
ENGINE_MODULES = {"oxigraph": "arkitektur.engine_oxigraph", "pyshacl": "arkitektur.engine_pyshacl"}
ENGINES = tuple(ENGINE_MODULES)
DEFAULT_ENGINE = "oxigraph"
REFERENCE_ENGINE = "pyshacl"


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
    keep: list | None = None,
) -> CheckResult:
    """Check the models under ``paths``; raise ``ArkitekturError`` for unreadable input.

    ``keep``: a list the check's context (the store and everything loaded) is appended to, so
    that the caller decides when it is freed – ``arkitektur check`` never does: freeing ~800 MB at
    98×400 took 0.65 s, and the process ends right after (``cli.app.keep_until_exit``)."""
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
    with cyclic_gc_paused():
        ctx = (prepare_store if getattr(module, "DATA", None) == "store" else prepare)(paths, day, cat)
        findings = evaluate(ctx, lang, engine)
    if keep is not None:
        keep.append(ctx)
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
    load models themselves: export, import's --repo, ontology, new kommune, lsp)."""
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


def evaluate(ctx: Context, lang: str, engine: str = DEFAULT_ENGINE, reuse=None) -> list[Finding]:
    """Run one engine over the prepared context and turn its results into findings. ``reuse``:
    the language server's rows of the previous check (``lsp.reuse``; the default engine only)."""
    module = import_module(ENGINE_MODULES[engine])
    maker = FindingMaker(ctx.graph, ctx.repo.locator, ctx.catalogue, kept=None if reuse is None else reuse.kept)
    options: dict = {}
    if getattr(module, "STREAMS_RESULTS", False):  # make findings while the engine still queries
        options["on_results"] = partial(maker.take, lang=lang)
    if reuse is not None:
        options["reuse"] = reuse
    try:
        raw = module.validate(ctx.graph, ctx.catalogue.graph, **options)
        findings = maker.findings(raw, lang)
    except ShapesError as exc:  # an own rule the engine cannot run exactly: refused at its file:line
        placed = catalogue_mod.placed(exc, ctx.catalogue, getattr(module, "plan_for", None))
        if placed is exc:
            raise
        raise placed from None
    finally:
        maker.locator.release_all()  # the file texts ``take`` kept for positions
    if reuse is not None:
        maker.settle(reuse.kept)
    return dispensations.apply(sorted(findings, key=Finding.sort_key), ctx.graph, ctx.facts,
                               ctx.catalogue, maker.make, lang)
