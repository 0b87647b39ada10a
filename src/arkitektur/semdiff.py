"""Semantisk diff / compares the repository at two git revisions: elements, findings and convergence.

Each side is loaded by the same strict loader as ``check`` (a revision is exported with
``git ls-tree``/``git cat-file`` to a temporary folder first), checked at the same as-of date,
and compared triple by triple per named subject. Models are blank-node free by convention; where
a blank node occurs anyway, it is compared by its canonical nested form under the named subject
that points to it, and a blank-node structure no named subject points to is compared as a whole
("anonymous structure added/removed"). Reading a revision is ``revisions.py``; writing the
result (text, JSON, Markdown) is ``presenters/diff.py``.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from . import check, formatting
from .divergence import IKKE_OMFATTET, build_matrix, task_title
from .errors import InputError
from .findings import Finding
from .namespaces import ARK, RDF, RDFS
from .revisions import export, relative, repo_root, resolve_rev

WORKING_TREE = None  # ``head`` value meaning: the working tree, uncommitted changes included

# --------------------------------------------------------------------------- records


@dataclass
class PropertyChange:
    egenskab: str
    foer: list[str]    # values in N-Triples notation (blank nodes in canonical nested form)
    efter: list[str]

    def to_json(self) -> dict:
        return {"egenskab": self.egenskab, "foer": self.foer, "efter": self.efter}


@dataclass
class Element:
    iri: str
    klasser: list[str]
    label: str
    changes: list[PropertyChange] = field(default_factory=list)

    @property
    def klasse(self) -> str | None:
        """The element's class for grouping: its first ark: class, else its first class."""
        ark = [k for k in self.klasser if k.startswith(str(ARK))]
        return (ark or self.klasser or [None])[0]

    def to_json(self) -> dict:
        out = {"iri": self.iri, "klasser": self.klasser, "label": self.label}
        if self.changes:
            out["egenskaber"] = [c.to_json() for c in self.changes]
        return out


@dataclass
class GraphDiff:
    """What changed between two model graphs, per named subject."""

    added: list[Element] = field(default_factory=list)
    removed: list[Element] = field(default_factory=list)
    changed: list[Element] = field(default_factory=list)
    anonymous_added: list[str] = field(default_factory=list)
    anonymous_removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.anonymous_added or self.anonymous_removed)

    def to_json(self) -> dict:
        return {"added": [e.to_json() for e in self.added], "removed": [e.to_json() for e in self.removed],
                "changed": [e.to_json() for e in self.changed]}


@dataclass
class CellChange:
    samarbejde: str
    opgave: str
    opgave_label: str
    kommune: str
    kommune_label: str
    foer: str | None   # None: the row or member did not exist on that side
    efter: str | None

    def to_json(self) -> dict:
        return {"samarbejde": self.samarbejde, "opgave": self.opgave, "label": self.opgave_label,
                "kommune": self.kommune, "before": self.foer, "after": self.efter}


@dataclass
class ConvergenceDiff:
    before: dict
    after: dict
    labels: dict  # kommune IRI -> label
    cells: list[CellChange]

    @property
    def changed(self) -> bool:
        return self.before != self.after or bool(self.cells)

    def to_json(self) -> dict:
        return {"before": self.before, "after": self.after, "cells": [c.to_json() for c in self.cells]}


@dataclass
class SemanticDiff:
    base: str
    base_commit: str
    head: str | None
    head_commit: str | None
    as_of: dt.date
    elements: GraphDiff
    appeared: list[Finding]
    fixed: list[Finding]
    convergence: ConvergenceDiff
    labels: dict = field(default_factory=dict)  # IRI -> label, for values in the renderers
    checked: bool = True                          # False: findings were not compared (--skip-check)

    def to_json(self) -> dict:
        return {"base": {"rev": self.base, "commit": self.base_commit},
                "head": {"rev": self.head, "commit": self.head_commit},
                "as_of": self.as_of.isoformat(), "elements": self.elements.to_json(),
                "anonymous": {"added": self.elements.anonymous_added, "removed": self.elements.anonymous_removed},
                "findings": {"appeared": [f.to_json() for f in self.appeared],
                             "fixed": [f.to_json() for f in self.fixed], "checked": self.checked},
                "convergence": self.convergence.to_json()}


# --------------------------------------------------------------------------- graph diff


def _key(g: Graph, term: Node, stack: tuple = ()) -> str:
    """A term in N-Triples notation; a blank node as its nested description ``[ p o ; … ]``."""
    if not isinstance(term, BNode):
        return term.n3()
    if term in stack:
        return "[ … ]"  # a cycle of blank nodes
    parts = sorted(f"{p.n3()} {_key(g, o, stack + (term,))}" for p, o in g.predicate_objects(term))
    return "[ " + " ; ".join(parts) + " ]" if parts else "[]"


def _description(g: Graph, s: Node) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for p, o in g.predicate_objects(s):
        out[str(p)].add(_key(g, o))
    return out


def _anonymous(g: Graph) -> set[str]:
    """Blank-node structures that no named subject points to (roots, and unreachable cycles)."""
    reached: set = set()

    def walk(node):
        for o in g.objects(node, None):
            if isinstance(o, BNode) and o not in reached:
                reached.add(o)
                walk(o)

    for s in set(g.subjects()):
        if isinstance(s, URIRef):
            walk(s)
    out = set()
    # The roots (nothing points to them) first, then what is left: cycles no named subject reaches.
    for s in sorted((b for b in set(g.subjects()) if isinstance(b, BNode) and b not in reached),
                    key=lambda b: ((None, None, b) in g, str(b))):
        if s not in reached:
            reached.add(s)
            walk(s)
            out.add(_key(g, s))
    return out


def _property_order(p: str) -> tuple:
    """rdf:type and rdfs:label first (what the element is), then the rest by IRI."""
    return ({str(RDF.type): 0, str(RDFS.label): 1}.get(p, 2), p)


def diff_graphs(base: Graph, head: Graph, labels=None) -> GraphDiff:
    """Added, removed and changed named subjects between two model graphs (no I/O)."""
    labels = labels or (lambda node: formatting.label(head if (node, None, None) in head else base, node))
    out = GraphDiff()
    subjects = {s for g in (base, head) for s in g.subjects() if isinstance(s, URIRef)}
    for s in subjects:
        before, after = _description(base, s), _description(head, s)
        if before == after:
            continue
        side = head if after else base
        elem = Element(iri=str(s), klasser=sorted(str(t) for t in side.objects(s, RDF.type)), label=labels(s))
        if not before:
            out.added.append(elem)
        elif not after:
            out.removed.append(elem)
        else:
            for p in sorted(set(before) | set(after), key=_property_order):
                if before.get(p, set()) != after.get(p, set()):
                    elem.changes.append(PropertyChange(egenskab=p, foer=sorted(before.get(p, ())),
                                                       efter=sorted(after.get(p, ()))))
            out.changed.append(elem)
    for lst in (out.added, out.removed, out.changed):
        lst.sort(key=lambda e: (e.klasse or "~", e.label.casefold(), e.iri))
    a, b = _anonymous(base), _anonymous(head)
    out.anonymous_added, out.anonymous_removed = sorted(b - a), sorted(a - b)
    return out


@dataclass
class _Side:
    ctx: check.Context
    findings: list[Finding]


def _rewrite(text: str | None, mapping: list[tuple[str, str]]) -> str | None:
    if text is None:
        return None
    for old, new in mapping:
        if text == old or text.startswith(old.rstrip("/") + "/"):
            rest = text[len(old):]
            return new + (rest.lstrip("/") if new.endswith(":") else rest)
    return text


def _load_side(paths: list[Path], day: dt.date, lang: str, mapping: list[tuple[str, str]],
               run_check: bool = True) -> _Side:
    try:
        ctx = check.prepare(paths, day)
    except InputError as exc:
        exc.file = _rewrite(exc.file, mapping)
        raise
    findings = sorted(check.evaluate(ctx, lang), key=Finding.sort_key) if run_check else []
    if mapping:
        findings = [f.with_(file=_rewrite(f.file, mapping)) for f in findings]
    return _Side(ctx=ctx, findings=findings)


def _finding_key(f: Finding) -> tuple:
    # File and line are where it is written, not what it is: moving a block is no new finding.
    return (f.rule, f.severity, f.focus, f.path or "", f.value or "", f.dispensation or "")


def _convergence(before: check.Context, after: check.Context, lang: str) -> ConvergenceDiff:
    mb, ma = build_matrix(before, lang), build_matrix(after, lang)
    labels = {}
    cells_b, cells_a, rows = {}, {}, {}
    for matrix, cells in ((mb, cells_b), (ma, cells_a)):
        for r in matrix.rows:
            for c in r.members:
                key = (r.samarbejde, r.opgave, c.kommune)
                cells[key] = c.status
                rows[(r.samarbejde, r.opgave)] = task_title(r)
                labels[c.kommune] = c.label
    changes = []
    for key in sorted(set(cells_b) | set(cells_a)):
        b, a = cells_b.get(key), cells_a.get(key)
        # A task that appears or disappears without a target is noise, not a change in convergence.
        if b != a and not ({b, a} <= {None, IKKE_OMFATTET}):
            changes.append(CellChange(samarbejde=key[0], opgave=key[1], opgave_label=rows[key[:2]],
                                      kommune=key[2], kommune_label=labels[key[2]], foer=b, efter=a))
    changes.sort(key=lambda c: (c.samarbejde, c.opgave_label, c.kommune_label))
    return ConvergenceDiff(before=mb.summary(), after=ma.summary(), labels=labels, cells=changes)


def semantic_diff(paths: list[Path], base: str, head: str | None = WORKING_TREE, *,
                  as_of: dt.date | None = None, lang: str = "da", run_check: bool = True) -> SemanticDiff:
    """Compare the models under ``paths`` at ``base`` with ``head`` (default: the working tree).

    ``run_check=False`` skips the validation of both sides (no findings compared; much faster).
    """
    paths = list(paths) or [Path("models")]
    root = repo_root(paths[0] if paths[0].is_absolute() else Path.cwd() / paths[0])
    base_commit = resolve_rev(root, base)
    head_commit = resolve_rev(root, head) if head is not None else None
    rels = [relative(root, p) for p in paths]
    day = check.resolve_as_of(paths, as_of)
    with tempfile.TemporaryDirectory(prefix="arkitektur-diff-") as tmp:
        sides = []  # per side: (per path the folder or file to load, or None; display mapping)
        for name, rev, commit in (("base", base, base_commit), ("head", head, head_commit)):
            if commit is None:
                sides.append(([p if p.exists() else None for p in paths], []))
                continue
            exported = export(root, commit, rels, Path(tmp) / name)
            # Files of a revision are named as ``git show`` names them: REV:path/from/the/root.
            sides.append((exported, [(str(t), f"{rev}:" + ("" if r == "." else r)) for t, r in zip(exported, rels)
                                     if t is not None]))
        for i, p in enumerate(paths):
            if sides[0][0][i] is None and sides[1][0][i] is None:
                raise InputError("stien findes hverken i base-revisionen eller i den anden side af sammenligningen.",
                                 "the path exists neither at the base revision nor on the other side.",
                                 code="ARK-E01", file=str(p))
        loaded = []
        for n, (targets, mapping) in enumerate(sides):
            present = [t for t in targets if t is not None]
            if not present:  # nothing there on this side: compare with an empty repository
                present = [Path(tmp) / f"tom{n}"]
                present[0].mkdir()
            loaded.append(_load_side(present, day, lang, mapping, run_check))
        before, after = loaded
    g_b, g_a = before.ctx.repo.model, after.ctx.repo.model

    def labels(node):
        for g in (after.ctx.graph, before.ctx.graph):
            if (node, None, None) in g:
                return formatting.label(g, node, lang)
        return formatting.label(after.ctx.graph, node, lang)

    elements = diff_graphs(g_b, g_a, labels)
    keys_b = {_finding_key(f) for f in before.findings}
    keys_a = {_finding_key(f) for f in after.findings}
    appeared = [f for f in after.findings if _finding_key(f) not in keys_b]
    fixed = [f for f in before.findings if _finding_key(f) not in keys_a]
    value_labels = {}
    for e in elements.changed:
        for c in e.changes:
            for v in c.foer + c.efter:
                if v.startswith("<") and v.endswith(">"):
                    value_labels[v[1:-1]] = labels(URIRef(v[1:-1]))
    return SemanticDiff(base=base, base_commit=base_commit, head=head, head_commit=head_commit, as_of=day,
                        elements=elements, appeared=appeared, fixed=fixed,
                        convergence=_convergence(before.ctx, after.ctx, lang), labels=value_labels,
                        checked=run_check)
