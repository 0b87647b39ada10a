"""Mente du …? / proposes the defined term or described node nearest to a typo (MOD-1, MOD-2).

Names are compared by edit distance (rapidfuzz's Levenshtein) after folding: lower case, the Danish
letters as their two-letter spellings (æ/ae, ø/oe, å/aa) and nothing but letters and digits, so
``ark:Kommunekode`` and ``ark:kommune_kode`` are the same name. A name is proposed only when it is
clearly close – within one edit in short names, two or three in longer ones – and nearer than any
other candidate; a tie or nothing close proposes nothing (issue 16: never a random term).
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Iterable

from rdflib import URIRef

from .namespaces import ARK, OWL, RDF, RDFS
from .storegraph import StoreGraph

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "ue", "ö": "oe", "ä": "ae"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_PN_LOCAL_SAFE = re.compile(r"\w[\w\-]*")  # a local name that needs no escape after "prefix:"
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)


def fold(text: str) -> str:
    """``text`` as compared: lower case, æ ø å spelt ae oe aa, letters and digits only."""
    text = text.lower()
    return _NOT_ALNUM.sub("", text if text.isascii() else text.translate(_FOLD))


def namespace_and_local(iri: str) -> tuple[str, str]:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[:cut + 1], iri[cut + 1:]


def _limit(name: str) -> int:
    """How many edits still make a name "clearly close"."""
    return 1 if len(name) <= 6 else 2 if len(name) <= 12 else 3


class Suggester:
    """Nearest candidate IRIs for a wrong IRI, over the candidates' local names and labels."""

    def __init__(self, names: dict[str, set[str]]) -> None:
        self.names = names  # iri -> local name and labels
        self._choices: list[str] = []
        self._nearest: dict[str, str | None] = {}
        self._owners: list[str] = []
        for iri, texts in names.items():
            for text in texts:
                folded = fold(text)
                if folded:
                    self._choices.append(folded)
                    self._owners.append(iri)

    def with_names(self, changed: dict[str, set[str]]) -> "Suggester":
        """The same candidates with ``changed`` names (the language server, after a label edit)."""
        return Suggester({**self.names, **changed})

    def nearest(self, wrong: str) -> str | None:
        if wrong not in self._nearest:  # the same typo is often made in many places
            self._nearest[wrong] = self._find(wrong)
        return self._nearest[wrong]

    def _find(self, wrong: str) -> str | None:
        query = fold(namespace_and_local(wrong)[1])
        if not query or not self._choices:
            return None
        from rapidfuzz import process  # imported here: a check without typos does not pay for it
        from rapidfuzz.distance import Levenshtein

        hits = process.extract(query, self._choices, scorer=Levenshtein.distance,
                               score_cutoff=_limit(query), limit=None)
        best: dict[str, int] = {}
        for _, dist, i in hits:
            owner = self._owners[i]
            if owner != wrong and dist < best.get(owner, 99):
                best[owner] = dist
        if not best:
            return None
        top = min(best.values())
        winners = [iri for iri, d in best.items() if d == top]
        return winners[0] if len(winners) == 1 else None


def names_of(graph, iris) -> dict[str, set[str]]:
    """``iri -> {local name, labels…}``; on a pyoxigraph store one indexed lookup per IRI."""
    names = {}
    if isinstance(graph, StoreGraph):
        import pyoxigraph as ox  # the store exists: pyoxigraph is loaded

        label, dg = ox.NamedNode(str(RDFS.label)), ox.DefaultGraph()
        for iri in map(str, iris):
            names[iri] = {namespace_and_local(iri)[1]}
            names[iri].update(q.object.value for q in graph.store.quads_for_pattern(ox.NamedNode(iri), label, None, dg))
        return names
    for iri in iris:
        names[str(iri)] = {namespace_and_local(str(iri))[1]}
        names[str(iri)].update(str(lab) for lab in graph.objects(URIRef(iri), RDFS.label))
    return names


@lru_cache(maxsize=8)
def shipped_subjects(namespace: str) -> frozenset[str]:
    """The IRIs under ``namespace`` that the shipped ontology and reference data describe (the fast
    subject scan, no parse; only files that name the namespace at all are scanned)."""
    from . import loader, resources

    found: dict = {}
    for path in resources.ontology_files():
        try:
            text = path.read_text(encoding="utf-8")
            if namespace in text:
                loader.scan_subjects(str(path), text, found)
        except (loader.ScanGap, OSError, UnicodeDecodeError):
            continue  # only proposals get fewer
    return frozenset(iri for iri in found if iri.startswith(namespace))


def term_suggester(graph, classes: bool) -> Suggester:
    """The ontology's classes (``classes``) or properties in the ark: namespace, for MOD-1."""
    kinds = (OWL.Class,) if classes else PROPERTY_TYPES
    iris = {s for k in kinds for s in graph.subjects(RDF.type, k) if str(s).startswith(str(ARK))}
    return Suggester(names_of(graph, iris))


def node_suggester(graph, namespace: str, described: Iterable[str] = ()) -> Suggester:
    """The nodes described under ``namespace`` – ``described`` (the subjects of the model files)
    and those of the shipped ontology and reference data –, by local name and label, for MOD-2.

    Only that namespace: the same local name under another namespace is usually another
    municipality's element, not the one meant.
    """
    iris = {iri for iri in described if iri.startswith(namespace)}
    iris.update(shipped_subjects(namespace))
    return Suggester(names_of(graph, iris))


def written_as(iri: str, written: str | None, prefixes: dict) -> str:
    """``iri`` spelt as the file spells the term it replaces: with the same prefix where it fits,
    else any prefix the file declares, else as ``<iri>``."""
    if written and not written.startswith("<") and ":" in written:
        own = written.split(":", 1)[0]
        ordered = [own] + [p for p in prefixes if p != own]
    else:
        ordered = [] if written and written.startswith("<") else list(prefixes)
    for p in ordered:
        ns = prefixes.get(p)
        if ns and iri.startswith(ns) and _PN_LOCAL_SAFE.fullmatch(iri[len(ns):]):
            return f"{p}:{iri[len(ns):]}"
    return f"<{iri}>"


_UNDECLARED = re.compile(r"The prefix (\S*?):? has not been declared")


def prefix_declaration(error, paths: list) -> str | None:
    """For an undeclared prefix (ARK-E02): the ``@prefix`` line the repository's other files use
    for it – the most common one, from the files under ``paths`` and the repository root (the
    folder with ``arkitektur.toml``) –, or None."""
    m = _UNDECLARED.search(error.en or "")
    if error.code != "ARK-E02" or m is None:
        return None
    from collections import Counter
    from pathlib import Path

    from .config import find_config
    from .loader import discover

    prefix = m.group(1)
    declaration = re.compile(rf"^[ \t]*(?:@prefix|(?i:prefix))[ \t]+{re.escape(prefix)}:[ \t]*<([^<>\s]*)>",
                             re.MULTILINE)
    folders = list(paths)
    config = find_config(list(paths))
    if config is not None:
        folders.append(config.parent)
    seen: set = set()
    counts: Counter = Counter()
    failing = Path(error.file).resolve() if error.file else None
    for folder in folders:
        try:
            files = discover([Path(folder)])
        except Exception:  # noqa: BLE001 – only a proposal is lost; the error itself stands
            continue
        for path in files:
            real = path.resolve()
            if real in seen or real == failing:
                continue
            seen.add(real)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            counts.update(declaration.findall(text))
    if not counts:
        return None
    iri = counts.most_common(1)[0][0]
    return f"@prefix {prefix}: <{iri}> ."
