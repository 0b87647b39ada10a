"""Kanonisk Turtle / formats model files into one canonical layout without changing a triple.

``format_text`` parses strictly (pyoxigraph), rewrites the layout from a comment-keeping tree
(:mod:`arkitektur.turtle.syntax`, :mod:`arkitektur.turtle.printer`), and proves the result: the output
must parse to a graph isomorphic to the input, literal lexical forms included, or it raises and
nothing is written. ``format_files`` formats every file in memory first and writes only when all
of them succeeded, all or none, through :mod:`arkitektur.files` (never over an edit made meanwhile).

Relative IRIs: the command line reads files like ``check`` does, without a base IRI, so a
relative IRI needs an ``@base`` in the file (else exit 2). ``format_text(text, base_iri=…)``
takes a base for other callers (the W3C suite); relative IRIs are always kept as written and
``@base`` lines keep their place relative to the statements that read them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import files
from .errors import ArkitekturError, InputError
from .loader import decode, discover, reason, too_large
from .turtle import printer, syntax
from .turtle.lexer import LexError


class FormatError(ArkitekturError):
    """fmt cannot format a well-formed file without risk; the file is left untouched."""


def _parse(text: str, base_iri: str | None, display: str | None) -> ox.Dataset:
    try:
        return ox.Dataset(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base_iri))
    except SyntaxError as exc:
        da, en = reason(str(exc))
        raise InputError(da, en, code="ARK-E02", file=display, line=exc.lineno, column=exc.offset) from None
    except MemoryError:  # a token over the parser's 16 MiB buffer
        raise too_large(text, display) from None


def _canonical(ds: ox.Dataset) -> ox.Dataset:
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return ds


def _signature(ds: ox.Dataset) -> tuple[list[tuple[str, str, str, str]], ox.Dataset]:
    """The graph split in two parts that together decide isomorphism: a sorted list of its
    triples with each blank node of a tree-shaped component replaced by a hash of the tree below
    it, and the canonical form of the triples of the other components (a blank node used twice
    as an object, or a cycle).

    Nearly every blank node a model holds is a ``[ … ]`` or ``( … )`` written inline, i.e. a
    tree, and for trees equal hashes mean isomorphic subgraphs, found in linear time, whereas
    pyoxigraph's canonicalisation takes seconds at 200 levels of nesting and minutes at 1000.
    Components share no blank node, so the graphs are isomorphic exactly when both parts are."""
    below: dict[ox.BlankNode, list[ox.Quad]] = {}
    incoming: dict[ox.BlankNode, int] = {}
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def root(b: ox.BlankNode) -> ox.BlankNode:  # union-find over blank nodes joined by a triple
        while parent.setdefault(b, b) != b:
            parent[b] = parent[parent[b]]
            b = parent[b]
        return b

    for q in ds:
        s_blank, o_blank = isinstance(q.subject, ox.BlankNode), isinstance(q.object, ox.BlankNode)
        if s_blank:
            below.setdefault(q.subject, []).append(q)
            root(q.subject)
        if o_blank:
            incoming[q.object] = incoming.get(q.object, 0) + 1
            root(q.object)
        if s_blank and o_blank:
            parent[root(q.subject)] = root(q.object)
    members: dict[ox.BlankNode, list[ox.BlankNode]] = {}
    for b in parent:
        members.setdefault(root(b), []).append(b)
    digest: dict[ox.BlankNode, str] = {}
    other: set[ox.BlankNode] = set()
    for group in members.values():
        if not _hash_tree(group, below, incoming, digest):
            other.update(group)

    def name(term) -> str:
        return digest[term] if isinstance(term, ox.BlankNode) else str(term)

    rest = ox.Dataset()
    signature = []
    for q in ds:
        if q.subject in other or q.object in other:
            rest.add(q)
        else:
            signature.append((name(q.subject), str(q.predicate), name(q.object), str(q.graph_name)))
    signature.sort()
    if len(rest):
        _canonical(rest)
    return signature, rest


def _hash_tree(group: list[ox.BlankNode], below: dict, incoming: dict, digest: dict) -> bool:
    """Hash every blank node of ``group`` bottom-up into ``digest``; ``False`` (and the hashes
    of the group dropped) when the group is not a tree: a node used twice as an object, or a cycle."""
    if any(incoming.get(b, 0) > 1 for b in group):
        return False
    done: list[ox.BlankNode] = []
    for start in group:
        if start in digest:
            continue
        stack, open_ = [(start, False)], set()
        while stack:  # post-order without recursion: nesting may be deep
            node, children_done = stack.pop()
            if children_done:
                open_.discard(node)
                lines = sorted(f"{q.predicate} {digest[q.object] if isinstance(q.object, ox.BlankNode) else q.object}"
                               for q in below.get(node, ()))
                digest[node] = "_:" + hashlib.sha256("\n".join(lines).encode()).hexdigest()
                done.append(node)
                continue
            if node in digest:
                continue
            if node in open_:
                for b in done:
                    del digest[b]
                return False
            open_.add(node)
            stack.append((node, True))
            stack.extend((q.object, False) for q in below.get(node, ()) if isinstance(q.object, ox.BlankNode))
    return True


def _isomorphic(before: ox.Dataset, after: ox.Dataset, blank_nodes: bool = True) -> bool:
    """Same graph, literal lexical forms included; ``blank_nodes=False`` (the input has none)
    allows a plain comparison of the two sets."""
    if len(before) != len(after):
        return False
    if not blank_nodes:
        return before == after
    return _signature(before) == _signature(after)


def format_text(text: str, *, base_iri: str | None = None, display: str | None = None) -> str:
    """The canonical form of a Turtle document; raises ``InputError`` (unparseable) or
    ``FormatError`` (the round trip would not be isomorphic) and never returns changed data."""
    if text.startswith("\ufeff"):
        text = text[1:]
    before = _parse(text, base_iri, display)
    try:
        doc = syntax.read(text, base_iri)
    except syntax.TooDeep as exc:
        raise FormatError(
            f"for dybt indlejret: mere end {syntax.MAX_NESTING} niveauer [ … ] eller ( … ) inden i "
            "hinanden; fmt formaterer ikke filen, og den er ikke ændret.",
            f"nested too deeply: more than {syntax.MAX_NESTING} levels of [ … ] or ( … ) inside each "
            "other; fmt does not format the file, and it is unchanged.",
            code="ARK-E43", file=display, line=exc.line, column=exc.column,
        ) from None
    except (syntax.SyntaxGap, LexError) as exc:
        raise FormatError(
            f"fmt forstår ikke denne del af filen ({exc}); filen er ikke ændret.",
            f"fmt does not understand this part of the file ({exc}); the file is unchanged.",
            code="ARK-E41", file=display, line=exc.line, column=exc.column,
        ) from None
    out = printer.render(doc)
    try:
        after = _parse(out, base_iri, display)
    except InputError as exc:
        raise _not_isomorphic(display, f"output does not parse: {exc.en}") from None
    if not _isomorphic(before, after, doc.blank_nodes):
        raise _not_isomorphic(display, f"{len(before)} triples before, {len(after)} after")
    return out


def _not_isomorphic(display: str | None, detail: str) -> FormatError:
    return FormatError(
        "omformateringen ville ændre data (grafen ville ikke være den samme); filen er ikke ændret. "
        f"Meld venligst fejlen ({detail}).",
        f"reformatting would change the data (the graph would differ); the file is unchanged. "
        f"Please report this ({detail}).",
        code="ARK-E40", file=display,
    )


@dataclass
class FileResult:
    path: Path
    display: str
    original: bytes
    formatted: str

    @property
    def changed(self) -> bool:
        return self.original != self.formatted.encode("utf-8")


def format_file(path: Path, display: str | None = None) -> FileResult:
    """Format one file in memory (nothing is written)."""
    display = display or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"kan ikke læse filen: {exc.strerror}.", f"cannot read the file: {exc.strerror}.",
                         code="ARK-E01", file=display) from None
    text = decode(path, data, display)
    return FileResult(path, display, data, format_text(text, display=display))


def format_files(paths: list[Path], *, check: bool = False) -> tuple[list[FileResult], list[ArkitekturError]]:
    """Format every ``.ttl`` under ``paths``. Returns the results and the errors.

    Files are written only when ``check`` is false and no file had an error, and then all or none
    (``files.write_all``): every destination is checked before the first rename, a file edited
    since it was read is never overwritten (ARK-E110), and a symlink's target is formatted while
    the link is kept (two links to one file: formatted once).
    """
    results: list[FileResult] = []
    errors: list[ArkitekturError] = []
    for path in discover(paths):
        try:
            results.append(format_file(path))
        except ArkitekturError as exc:
            errors.append(exc)
    if not check and not errors:
        todo = [r for r in results if r.changed]
        try:
            files.write_all({r.path: r.formatted.encode("utf-8") for r in todo},
                            expected={r.path: r.original for r in todo},
                            displays={r.path: r.display for r in todo})
        except files.WriteErrors as exc:
            errors.extend(exc.errors)
        except files.WriteError as exc:
            errors.append(exc)
    return results, errors
