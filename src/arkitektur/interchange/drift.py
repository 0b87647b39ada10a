"""Tre-vejs-sammenligning / what changed in a source since the last import, what was edited by hand,
and the merge of both at (subject, predicate) level — hand edits are never silently overwritten.

base = the snapshot of the last import, ours = the file as it is now (maybe edited by hand),
theirs = the new import. Per (subject, predicate): untouched by hand → the source's values; changed
only by hand → kept; changed in both ways → a conflict, the hand edit is kept and reported.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph


@dataclass(frozen=True)
class Change:
    kind: str          # "ny" | "fjernet" | "ændret"
    subject: object
    predicate: object | None = None
    old: tuple = ()
    new: tuple = ()


@dataclass
class Merge:
    graph: Graph
    source_changes: list[Change] = field(default_factory=list)
    hand_edits: list[Change] = field(default_factory=list)
    conflicts: list[tuple] = field(default_factory=list)  # (subject, predicate, base, ours, theirs)


def _index(g: Graph) -> dict:
    out: dict = defaultdict(set)
    for s, p, o in g:
        out[(s, p)].add(o)
    return out


def _key(t) -> tuple:
    return (type(t).__name__, str(t), str(getattr(t, "datatype", "") or ""), getattr(t, "language", "") or "")


def changes(old: Graph, new: Graph) -> list[Change]:
    """Per-subject changes from ``old`` to ``new``: new and removed subjects, changed values."""
    a, b = _index(old), _index(new)
    subj_a = {s for s, _ in a}
    subj_b = {s for s, _ in b}
    out: list[Change] = []
    for s in sorted(subj_b - subj_a, key=str):
        out.append(Change("ny", s))
    for s in sorted(subj_a - subj_b, key=str):
        out.append(Change("fjernet", s))
    for key in sorted(set(a) | set(b), key=lambda k: (str(k[0]), str(k[1]))):
        s, p = key
        if s not in subj_a or s not in subj_b:
            continue
        va, vb = a.get(key, set()), b.get(key, set())
        if va != vb:
            out.append(Change("ændret", s, p, tuple(sorted(va, key=_key)), tuple(sorted(vb, key=_key))))
    return out


def merge(base: Graph, ours: Graph, theirs: Graph) -> Merge:
    b, o, t = _index(base), _index(ours), _index(theirs)
    result = Graph()
    conflicts = []
    for key in set(b) | set(o) | set(t):
        vb, vo, vt = b.get(key, set()), o.get(key, set()), t.get(key, set())
        if vo == vb:
            chosen = vt
        elif vt == vb or vo == vt:
            chosen = vo
        else:
            chosen = vo
            conflicts.append((key[0], key[1], tuple(sorted(vb, key=_key)), tuple(sorted(vo, key=_key)),
                              tuple(sorted(vt, key=_key))))
        for v in chosen:
            result.add((key[0], key[1], v))
    conflicts.sort(key=lambda c: (str(c[0]), str(c[1])))
    return Merge(result, changes(base, theirs), changes(base, ours), conflicts)
