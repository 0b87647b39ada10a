"""Semantisk diff / compares the repository at two git revisions: elements, findings and convergence.

Each side is loaded by the same strict loader as ``check`` (a revision is exported with
``git ls-tree``/``git cat-file`` to a temporary folder first), checked at the same as-of date,
and compared triple by triple per named subject. Models are blank-node free by convention; where
a blank node occurs anyway, it is compared by its canonical nested form under the named subject
that points to it, and a blank-node structure no named subject points to is compared as a whole
("anonymous structure added/removed").
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from . import check, formatting, tables
from .divergence import IKKE_OMFATTET, build_matrix, label_of, status_text, task_title
from .errors import ArkitekturError, InputError, UsageError
from .findings import Finding
from .namespaces import ARK, OWL, RDF, RDFS, SKOS, XSD

WORKING_TREE = None  # ``head`` value meaning: the working tree, uncommitted changes included
MARKER = "<!-- arkitektur-diff -->"  # lets a CI job find and update its own PR comment
_PREFIXES = (("ark", str(ARK)), ("rdf", str(RDF)), ("rdfs", str(RDFS)), ("owl", str(OWL)),
             ("skos", str(SKOS)), ("xsd", str(XSD)), ("dcat", "http://www.w3.org/ns/dcat#"),
             ("dcterms", "http://purl.org/dc/terms/"), ("org", "http://www.w3.org/ns/org#"))


class GitError(ArkitekturError):
    """git is missing, the folder is not a git repository, or a revision is unknown."""


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
    for s in sorted((b for b in set(g.subjects()) if isinstance(b, BNode) and b not in reached), key=str):
        if s not in reached and (None, None, s) not in g:
            reached.add(s)
            walk(s)
            out.add(_key(g, s))
    for s in set(g.subjects()):  # unreachable cycles: every node has a parent, none is named
        if isinstance(s, BNode) and s not in reached:
            reached.add(s)
            walk(s)
            out.add(_key(g, s))
    return out


def _property_order(p: str) -> tuple:
    """rdf:type and rdfs:label first (what the element is), then the rest by IRI."""
    return ({str(RDF.type): 0, str(RDFS.label): 1}.get(p, 2), p)


def diff_graphs(base: Graph, head: Graph, labels=None) -> GraphDiff:
    """Added, removed and changed named subjects between two model graphs (no I/O)."""
    labels = labels or (lambda node: label_of(head if (node, None, None) in head else base, node))
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


# --------------------------------------------------------------------------- git


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "--literal-pathspecs", *args], cwd=cwd, capture_output=True)
    except FileNotFoundError:
        raise GitError("git er ikke installeret eller ikke på PATH; 'arkitektur diff' kræver git.",
                       "git is not installed or not on PATH; 'arkitektur diff' needs git.",
                       code="ARK-E50") from None


def _err(proc: subprocess.CompletedProcess) -> str:
    return " ".join(proc.stderr.decode("utf-8", "replace").split())[:300]


def repo_root(start: Path) -> Path:
    """The top folder of the git repository that holds ``start``."""
    folder = start.resolve()
    while not folder.is_dir():
        folder = folder.parent
    proc = _git(["rev-parse", "--show-toplevel"], folder)
    if proc.returncode != 0:
        raise GitError(f"{folder} er ikke i et git-repository; 'arkitektur diff' sammenligner to git-revisioner "
                       f"({_err(proc)}).",
                       f"{folder} is not inside a git repository; 'arkitektur diff' compares two git revisions "
                       f"({_err(proc)}).", code="ARK-E51")
    return Path(os.fsdecode(proc.stdout.strip())).resolve()


def resolve_rev(root: Path, rev: str) -> str:
    """The commit id of ``rev``; an unknown revision is a usage error."""
    proc = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], root)
    if proc.returncode != 0 or not rev or rev.startswith("-"):
        raise GitError(f"ukendt git-revision '{rev}'. Angiv en gren, et tag eller et commit-id, fx "
                       "'--base origin/main' (husk 'git fetch' og fetch-depth: 0 i CI).",
                       f"unknown git revision '{rev}'. Give a branch, tag or commit id, e.g. "
                       "'--base origin/main' (remember 'git fetch' and fetch-depth: 0 in CI).", code="ARK-E52")
    return proc.stdout.decode().strip()


def _relative(root: Path, path: Path) -> str:
    full = path.resolve()
    try:
        rel = full.relative_to(root)
    except ValueError:
        raise UsageError(f"{path} ligger uden for git-repositoriet {root}.",
                         f"{path} lies outside the git repository {root}.", code="ARK-E53") from None
    return rel.as_posix() or "."


def _export(root: Path, commit: str, rels: list[str], dest: Path) -> list[Path | None]:
    """Write the .ttl files under ``rels`` at ``commit`` below ``dest``; per rel the path to load (or None)."""
    out: list[Path | None] = []
    for rel in rels:
        proc = _git(["ls-tree", "-r", "-z", "--name-only", commit, "--", rel], root)
        if proc.returncode != 0:
            raise GitError(f"git ls-tree fejlede: {_err(proc)}", f"git ls-tree failed: {_err(proc)}",
                           code="ARK-E52")
        # git prints names as stored (bytes); a name that is not UTF-8 keeps its bytes (surrogateescape),
        # so cat-file and the temporary copy get the same name back (issue 13).
        names = [os.fsdecode(n) for n in proc.stdout.split(b"\0") if n]
        is_file = names == [rel]
        for name in names:
            if not name.endswith(".ttl"):
                continue
            blob = _git(["cat-file", "blob", f"{commit}:{name}"], root)
            if blob.returncode != 0:
                raise GitError(f"kan ikke læse {name} i {commit[:12]}: {_err(blob)}",
                               f"cannot read {name} at {commit[:12]}: {_err(blob)}", code="ARK-E52")
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blob.stdout)
        target = dest / rel
        if is_file:
            out.append(target if target.exists() else None)
        elif names or not rel.endswith(".ttl"):
            target.mkdir(parents=True, exist_ok=True)
            out.append(target)
        else:
            out.append(None)
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
    rels = [_relative(root, p) for p in paths]
    day = check.resolve_as_of(paths, as_of)
    with tempfile.TemporaryDirectory(prefix="arkitektur-diff-") as tmp:
        sides = []  # per side: (per path the folder or file to load, or None; display mapping)
        for name, rev, commit in (("base", base, base_commit), ("head", head, head_commit)):
            if commit is None:
                sides.append(([p if p.exists() else None for p in paths], []))
                continue
            exported = _export(root, commit, rels, Path(tmp) / name)
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
                return label_of(g, node, lang)
        return label_of(after.ctx.graph, node, lang)

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


# --------------------------------------------------------------------------- rendering

_WORDS = {
    "da": {"title": "Arkitekturændringer {base} → {head}", "worktree": "arbejdskopien", "asof": "pr. {d}",
           "elements": "Elementer", "added": "tilføjet", "removed": "fjernet", "changed": "ændret",
           "findings": "Fund", "appeared": "nye", "fixed": "rettet", "convergence": "Konvergens",
           "kommune": "Kommune", "before": "Før", "after": "Efter", "samlet": "Samlet", "task": "Opgave",
           "property": "Egenskab", "class": "Klasse", "element": "Element", "rule": "Regel",
           "severity": "Alvor", "message": "Besked", "where": "Fil", "cells": "Ændrede celler",
           "none": "Ingen semantiske ændringer.", "anon": "Anonym struktur (blank node)",
           "anon_added": "anonym struktur tilføjet", "anon_removed": "anonym struktur fjernet",
           "nofindings": "Ingen ændringer i fund.", "unchecked": "ikke tjekket",
           "skipped": "Modellerne blev ikke tjekket (--skip-check).", "noconv": "Ingen ændring i konvergens.",
           "more": "… og {n} flere (se jobbets log: arkitektur diff --format text)",
           "violation": "overtrædelse", "warning": "advarsel", "info": "info", "absent": "–",
           "added_h": "Tilføjet", "removed_h": "Fjernet", "changed_h": "Ændret",
           "appeared_h": "Nye fund", "fixed_h": "Rettede fund"},
    "en": {"title": "Architecture changes {base} → {head}", "worktree": "working tree", "asof": "as of {d}",
           "elements": "Elements", "added": "added", "removed": "removed", "changed": "changed",
           "findings": "Findings", "appeared": "new", "fixed": "fixed", "convergence": "Convergence",
           "kommune": "Municipality", "before": "Before", "after": "After", "samlet": "Overall", "task": "Task",
           "property": "Property", "class": "Class", "element": "Element", "rule": "Rule",
           "severity": "Severity", "message": "Message", "where": "File", "cells": "Changed cells",
           "none": "No semantic changes.", "anon": "Anonymous structure (blank node)",
           "anon_added": "anonymous structure added", "anon_removed": "anonymous structure removed",
           "nofindings": "No change in findings.", "unchecked": "not checked",
           "skipped": "The models were not checked (--skip-check).", "noconv": "No change in convergence.",
           "more": "… and {n} more (see the job log: arkitektur diff --format text)",
           "violation": "violation", "warning": "warning", "info": "info", "absent": "–",
           "added_h": "Added", "removed_h": "Removed", "changed_h": "Changed",
           "appeared_h": "New findings", "fixed_h": "Fixed findings"},
}


def compact(iri: str | None, labels: dict | None = None) -> str:
    """An IRI as a reader wants it: ``ark:IDrift``, else its label, else ``<iri>``."""
    if iri is None:
        return ""
    for prefix, ns in _PREFIXES:
        if iri.startswith(ns) and iri[len(ns):] and "/" not in iri[len(ns):]:
            return f"{prefix}:{iri[len(ns):]}"
    if labels and iri in labels:
        return labels[iri]
    return f"<{iri}>"


def _value(v: str, labels: dict) -> str:
    """An N-Triples value for reading: compact IRIs, bare dates and numbers, quoted strings."""
    if v.startswith("<") and v.endswith(">"):
        return compact(v[1:-1], labels)
    if v.startswith('"'):
        try:
            from rdflib.util import from_n3
            lit = from_n3(v)
        except Exception:  # noqa: BLE001 – a value we cannot parse is shown as it is
            return v
        if isinstance(lit, Literal):
            if lit.language:
                return f'"{lit}"@{lit.language}'
            if lit.datatype is None or lit.datatype == XSD.string:
                return f'"{lit}"'
            return str(lit)
    return v


def _summary(d: SemanticDiff, w: dict, lang: str) -> dict:
    e = d.elements
    n_anon = len(e.anonymous_added) + len(e.anonymous_removed)
    return {
        "elements": (f"{len(e.added)} {w['added']}, {len(e.removed)} {w['removed']}, "
                     f"{len(e.changed) + n_anon} {w['changed']}"),
        "findings": (f"{len(d.appeared)} {w['appeared']}, {len(d.fixed)} {w['fixed']}" if d.checked
                     else w["unchecked"]),
        "convergence": (f"{w['samlet'].lower()} {formatting.percent(d.convergence.before.get('samlet'), lang)} → "
                        f"{formatting.percent(d.convergence.after.get('samlet'), lang)}"),
    }


def _head_name(d: SemanticDiff, w: dict) -> str:
    return d.head if d.head is not None else w["worktree"]


def _change_text(c: PropertyChange, labels: dict) -> tuple[str, str]:
    both = set(c.foer) & set(c.efter)
    before = [v for v in c.foer if v not in both]
    after = [v for v in c.efter if v not in both]
    return (", ".join(_value(v, labels) for v in before) or "–", ", ".join(_value(v, labels) for v in after) or "–")


def _finding_line(f: Finding, w: dict) -> list:
    where = f"{f.file}:{f.line}" if f.file and f.line else (f.file or "")
    return [f.rule, w[f.severity.label], f.label or compact(f.focus), f.message, where]


def _conv_rows(d: SemanticDiff, w: dict, lang: str) -> list[list]:
    c = d.convergence
    kommuner = sorted((set(c.before) | set(c.after)) - {"samlet"}, key=lambda k: (c.labels.get(k, k), k))

    def pct(side: dict, k: str) -> str:
        return formatting.percent(side.get(k), lang) if k in side else w["absent"]

    rows = [[c.labels.get(k, compact(k)), pct(c.before, k), pct(c.after, k)] for k in kommuner]
    rows.append([w["samlet"], formatting.percent(c.before.get("samlet"), lang),
                 formatting.percent(c.after.get("samlet"), lang)])
    return rows


def _status(s: str | None, w: dict, lang: str) -> str:
    return w["absent"] if s is None else status_text(s, lang)


def render(d: SemanticDiff, fmt: str, lang: str = "da", max_chars: int = 60000) -> str:
    """The diff as ``text``, ``json`` or ``markdown`` (a PR comment with ``<details>`` sections).

    Markdown longer than ``max_chars`` (GitHub refuses comments over 65536 characters) is
    shortened by listing fewer items per section.
    """
    if fmt == "json":
        return json.dumps(_printable_json(d.to_json()), ensure_ascii=False, indent=2) + "\n"
    w = _WORDS["en" if lang == "en" else "da"]
    if fmt == "markdown":
        for limit in (None, 200, 50, 10, 0):
            text = _markdown(d, w, lang, limit)
            if len(text) <= max_chars:
                break
        return _printable(text)
    return _printable(_text(d, w, lang))


def _printable(text: str) -> str:
    """A file name that is not UTF-8 (kept as surrogate escapes) spelled ``\\xe6``, as UTF-8 output allows."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _printable_json(value):
    if isinstance(value, str):
        return _printable(value)
    if isinstance(value, dict):
        return {_printable_json(k): _printable_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_printable_json(v) for v in value]
    return value


def _text(d: SemanticDiff, w: dict, lang: str) -> str:
    s = _summary(d, w, lang)
    base = f"{d.base} ({d.base_commit[:7]})"
    head = _head_name(d, w) + (f" ({d.head_commit[:7]})" if d.head_commit else "")
    lines = [f"{w['title'].format(base=base, head=head)}, {w['asof'].format(d=d.as_of.isoformat())}", ""]
    e = d.elements
    lines.append(f"{w['elements']}: {s['elements']}")
    for sign, items in (("+", e.added), ("-", e.removed), ("~", e.changed)):
        for el in items:
            lines.append(f"  {sign} {compact(el.klasse) or '?'}  {el.label}  <{el.iri}>")
            for c in el.changes:
                before, after = _change_text(c, d.labels)
                lines.append(f"      {compact(c.egenskab)}: {before} → {after}")
    for sign, items in (("+", e.anonymous_added), ("-", e.anonymous_removed)):
        for a in items:
            lines.append(f"  {sign} {w['anon']}: {a}")
    lines += ["", f"{w['findings']}: {s['findings']}"]
    for sign, items in (("+", d.appeared), ("-", d.fixed)):
        for f in items:
            rule, sev, name, msg, where = _finding_line(f, w)
            lines.append(f"  {sign} {rule} {sev}: {name}: {msg}" + (f" ({where})" if where else ""))
    lines += ["", f"{w['convergence']}: {s['convergence']}"]
    lines.append(tables.text_table([w["kommune"], w["before"], w["after"]], _conv_rows(d, w, lang), indent="  "))
    if d.convergence.cells:
        lines.append(f"  {w['cells']}:")
        lines.append(tables.text_table(None, [[c.opgave_label, c.kommune_label,
                                               f"{_status(c.foer, w, lang)} → {_status(c.efter, w, lang)}"]
                                              for c in d.convergence.cells], indent="    "))
    return "\n".join(lines) + "\n"


def _cut(items: list, limit: int | None) -> tuple[list, int]:
    if limit is None or len(items) <= limit:
        return items, 0
    return items[:limit], len(items) - limit


def _markdown(d: SemanticDiff, w: dict, lang: str, limit: int | None) -> str:
    s = _summary(d, w, lang)
    base = f"`{d.base}` ({d.base_commit[:7]})"
    head = f"`{d.head}` ({d.head_commit[:7]})" if d.head_commit else w["worktree"]
    e = d.elements
    lines = [MARKER, f"### {w['title'].format(base=base, head=head)}", "",
             f"{w['asof'].format(d=d.as_of.isoformat())} · **{w['elements']}:** {s['elements']} · "
             f"**{w['findings']}:** {s['findings']} · **{w['convergence']}:** {s['convergence']}", ""]
    # Elements
    lines += ["<details>", f"<summary>{w['elements']}: {s['elements']}</summary>", ""]
    if e.empty:
        lines += [w["none"], ""]
    for heading, items in ((w["added_h"], e.added), (w["removed_h"], e.removed)):
        if items:
            shown, more = _cut(items, limit)
            lines += [f"#### {heading}", "",
                      tables.markdown_table([w["class"], w["element"], "IRI"],
                                            [[compact(x.klasse) or "?", x.label, f"`{x.iri}`"] for x in shown]), ""]
            if more:
                lines += [w["more"].format(n=more), ""]
    if e.changed:
        shown, more = _cut(e.changed, limit)
        lines += [f"#### {w['changed_h']}", ""]
        for x in shown:
            lines += [f"**{x.label}** — {compact(x.klasse)} `{x.iri}`", ""]
            rows = [[compact(c.egenskab), *_change_text(c, d.labels)] for c in x.changes]
            lines += [tables.markdown_table([w["property"], w["before"], w["after"]], rows), ""]
        if more:
            lines += [w["more"].format(n=more), ""]
    for heading, items in ((w["anon_added"], e.anonymous_added), (w["anon_removed"], e.anonymous_removed)):
        if items:
            lines += [f"#### {heading[0].upper() + heading[1:]}", ""]
            lines += [f"- `{a}`" for a in _cut(items, limit)[0]] + [""]
    lines += ["</details>", ""]
    # Findings: open when something new appeared, so a reviewer sees it without a click
    lines += ["<details open>" if d.appeared else "<details>",
              f"<summary>{w['findings']}: {s['findings']}</summary>", ""]
    if not d.checked:
        lines += [w["skipped"], ""]
    elif not d.appeared and not d.fixed:
        lines += [w["nofindings"], ""]
    for heading, items in ((w["appeared_h"], d.appeared), (w["fixed_h"], d.fixed)):
        if items:
            shown, more = _cut(items, limit)
            lines += [f"#### {heading}", "",
                      tables.markdown_table([w["rule"], w["severity"], w["element"], w["message"], w["where"]],
                                            [_finding_line(f, w) for f in shown]), ""]
            if more:
                lines += [w["more"].format(n=more), ""]
    lines += ["</details>", ""]
    # Convergence
    lines += ["<details>", f"<summary>{w['convergence']}: {s['convergence']}</summary>", ""]
    if not d.convergence.changed:
        lines += [w["noconv"], ""]
    lines += [tables.markdown_table([w["kommune"], w["before"], w["after"]], _conv_rows(d, w, lang)), ""]
    if d.convergence.cells:
        shown, more = _cut(d.convergence.cells, limit)
        lines += [f"#### {w['cells']}", "",
                  tables.markdown_table([w["task"], w["kommune"], w["before"], w["after"]],
                                        [[c.opgave_label, c.kommune_label, _status(c.foer, w, lang),
                                          _status(c.efter, w, lang)] for c in shown]), ""]
        if more:
            lines += [w["more"].format(n=more), ""]
    lines += ["</details>"]
    return "\n".join(lines) + "\n"
