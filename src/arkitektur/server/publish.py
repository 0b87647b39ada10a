"""Publicering / loads the repository into a SPARQL server: a named graph per folder, the shipped
ontology, provenance and metadata, switched in atomically (docs/server.md).

Every graph is named by its content (``<prefix><folder>/<digest>``), and the metadata graph
``<prefix>metadata`` says which graphs make up the current publication: it is the pointer every
reader follows (the cross-collaboration queries, ``--endpoint``). A publication loads its new
graphs under their new names (one Graph Store Protocol POST per graph where the server has one,
else INSERT DATA requests of at most ``CHUNK`` triples, as Virtuoso refuses very large INSERT DATA
texts) – nothing a reader follows changes – and then switches with ONE SPARQL Update request that
replaces the metadata graph. That request is one transaction on both servers tested
(tests/test_server.py reads in a loop meanwhile): a reader sees the old publication or the new
one, never a mix. A failure before the switch leaves the old publication untouched; the replaced
graphs are dropped after the switch.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from .. import catalogue as catalogue_mod
from .. import loader, resources, version
from ..check import resolve_as_of
from ..config import find_config
from ..errors import ArkitekturError, InputError
from ..namespaces import ARK, RDF
from ..storegraph import nt_iri
from ..turtle.scan import ScanGap, scan_subjects
from . import provenance as pv
from .endpoint import Endpoint

_GENID = "urn:x-arkitektur-genid:"  # stands for the prefix until the Samarbejde is found
CHUNK = 500  # triples per INSERT DATA where there is no Graph Store: Virtuoso compiles each into SQL text (SP031 above ~1,000)
LOADERS = 4  # graphs loaded at once through the Graph Store Protocol
SAMARBEJDE = f"<{RDF.type}> <{ARK.Samarbejde}>"
# Built once, like SAMARBEJDE: an f-string with two namespace look-ups per line cost ~10 s at 98 × 400.
KOMMUNE = f"<{RDF.type}> <{ARK.Kommune}>"


@dataclass
class GraphPlan:
    """One named graph of a publication: its key (folder, ontologi, proveniens), kind, folder and
    N-Triples statements; its IRI is ``<prefix><key>/<digest>`` once sealed (docs/server.md)."""

    key: str
    kind: str            # medlem, fælles, ontologi, proveniens
    folder: str | None
    lines: list[str] = field(default_factory=list)
    name: str = ""

    @property
    def digest(self) -> str:
        return pv.sha256("\n".join(sorted(set(self.lines))))

    def seal(self, prefix: str) -> GraphPlan:
        """Name the graph by its content: the same triples, the same graph; new triples, a new graph
        that no reader sees until the metadata graph points at it."""
        self.name = pv.graph_name(prefix, f"{self.key}/{self.digest[:16]}")
        return self


@dataclass
class Publication:
    prefix: str
    commit: str | None
    clean: bool
    as_of: dt.date
    paths: list[str]           # the published paths, relative to the base (the git work tree)
    graphs: dict[str, GraphPlan]
    files: list[tuple[str, str]]  # (relative path, sha256)


@dataclass
class Outcome:
    """What a publication did: the changes per graph, and whether anything was written."""

    changes: list
    written: bool


@dataclass
class Change:
    graph: str
    kind: str
    added: int
    removed: int


def _git(base: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(base), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def base_of(paths: list[Path]) -> Path:
    """The git work tree the paths lie in (paths are published relative to it, as git names
    them), else the working directory."""
    top = _git(paths[0] if paths[0].is_dir() else paths[0].parent, "rev-parse", "--show-toplevel")
    return Path(top).resolve() if top else Path.cwd().resolve()


def _relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        raise InputError(
            f"{path} ligger uden for {base}: publicér filer i git-arbejdstræet, de hører til.",
            f"{path} lies outside {base}: publish files inside the git work tree they belong to.",
            code="ARK-E157", file=str(path)) from None


def default_prefix(lines: list[str]) -> str | None:
    """``<samarbejdets IRI>/graf/``: the IRI of the one ``ark:Samarbejde`` in the models, with a
    fragment turned into a path step (graph names with ``#…/…`` read badly)."""
    found = sorted({line.split(" ", 1)[0][1:-1] for line in lines if SAMARBEJDE in line})
    if len(found) != 1:
        return None
    base, _, frag = found[0].partition("#")
    return f"{base.rstrip('/')}/{frag}/graf/" if frag else f"{base.rstrip('/')}/graf/"


def _statements(text: str, display: str, tag: str, prefix: str) -> list[str]:
    """The file's triples as N-Triples lines, blank nodes skolemized (RDF 1.1 §3.5: Virtuoso 7
    refuses blank nodes in INSERT DATA) to ``<prefix>.well-known/genid/<file>/b<n>``, numbered by
    order of appearance in the file named by ``tag`` (its path): an unchanged file gives the same
    lines whatever else changed, two files never share a node."""
    try:
        quads = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
        bnodes: dict = {}

        def show(t) -> str:
            if isinstance(t, ox.BlankNode):
                return bnodes.setdefault(t.value, f"<{prefix}.well-known/genid/{tag}b{len(bnodes)}>")
            return str(t)

        return [f"{show(q.subject)} {show(q.predicate)} {show(q.object)} ." for q in quads]
    except SyntaxError as exc:
        da, en = loader.reason(str(exc))
        raise InputError(da, en, code="ARK-E02", file=display, line=exc.lineno, column=exc.offset) from None


def collect(paths: list[Path], *, prefix: str | None = None, as_of: dt.date | None = None) -> Publication:
    """Read the files under ``paths`` (strictly, as ``check`` does) into a publication."""
    base = base_of(paths)
    cat = catalogue_mod.for_paths(paths)
    config = find_config(paths)
    root = config.parent.resolve() if config else (paths[0] if paths[0].is_dir() else paths[0].parent).resolve()
    files = loader.discover(paths)
    graphs: dict[str, GraphPlan] = {}
    texts: list[tuple[str, str, str | None, dict]] = []  # rel, text, folder key, subjects
    by_folder: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    for path in files:
        display = str(path)
        rel = _relative(path, base)
        text = loader.decode(path, path.read_bytes(), display)
        own = catalogue_mod.in_folders(path, cat.own_folders) is not None
        try:
            step = path.resolve().relative_to(root).parts
        except ValueError:
            step = ()
        folder = step[0] if len(step) > 1 else "faelles"
        subjects: dict = {}
        if own:  # the own rules and their examples: source text only – rules are not model data
            texts.append((rel, text, None, {}))
            continue
        lines = _statements(text, display, quote(rel, safe="/") + "/", _GENID)
        try:
            scan_subjects(rel, text, subjects)
        except (ScanGap, ArkitekturError):
            subjects = {}
        by_folder.setdefault(folder, []).extend(lines)
        if any(KOMMUNE in line for line in lines):
            kinds[folder] = "medlem"
        texts.append((rel, text, folder, subjects))
    all_lines = [line for lines in by_folder.values() for line in lines]
    prefix = prefix or default_prefix(all_lines)
    if prefix is None:
        raise ArkitekturError(
            "kan ikke udlede et grafpræfiks: modellerne har ikke netop ét ark:Samarbejde. Angiv --graf-prefiks IRI.",
            "cannot derive a graph prefix: the models do not have exactly one ark:Samarbejde. Give --graf-prefiks IRI.",
            code="ARK-E158")
    if not prefix.endswith(("/", "#")):
        prefix += "/"
    for folder, lines in sorted(by_folder.items()):
        lines = [line.replace(_GENID, prefix) if _GENID in line else line for line in lines]
        graphs[folder] = GraphPlan(folder, kinds.get(folder, "fælles"), folder, lines).seal(prefix)
    onto = GraphPlan(pv.ONTOLOGY, "ontologi", None)
    for path in resources.ontology_files():
        onto.lines.extend(_statements(path.read_text(encoding="utf-8"), str(path), f"ontologi/{quote(path.name)}/", prefix))
    graphs[onto.key] = onto.seal(prefix)
    prov = GraphPlan(pv.PROVENANCE, "proveniens", None)
    published = []
    if config is not None:
        text = config.read_text(encoding="utf-8")
        texts.append((_relative(config, base), text, None, {}))
    for rel, text, folder, subjects in texts:
        graph = graphs[folder].name if folder is not None else None
        spelled = {nt_iri(s)[1:-1]: where for s, where in subjects.items() if nt_iri(s)}
        prov.lines.extend(pv.file_triples(prefix, rel, text, graph, spelled))
        published.append((rel, pv.sha256(text)))
    graphs[prov.key] = prov.seal(prefix)
    commit = _git(base, "rev-parse", "HEAD")
    dirty = _git(base, "status", "--porcelain", "--", *[_relative(p, base) for p in paths]) if commit else None
    return Publication(prefix=prefix, commit=commit, clean=commit is not None and dirty == "",
                       as_of=resolve_as_of(paths, as_of), paths=[_relative(p, base) for p in paths],
                       graphs=graphs, files=sorted(published))


# -- the metadata graph ----------------------------------------------------------------------

def metadata_lines(pub: Publication, when: dt.datetime) -> list[str]:
    s = pv.iri(pub.prefix)
    out = [f"{s} {pv.RDF_TYPE} {pv.term('Publikation')} .",
           f"{s} {pv.term('tidspunkt')} {pv.literal(when.isoformat(timespec='seconds'), pv.XSD + 'dateTime')} .",
           f"{s} {pv.term('asOf')} {pv.literal(pub.as_of.isoformat(), pv.XSD + 'date')} .",
           f"{s} {pv.term('version')} {pv.literal(version())} .",
           f"{s} {pv.term('ren')} {pv.literal('true' if pub.clean else 'false', pv.XSD + 'boolean')} ."]
    if pub.commit:
        out.append(f"{s} {pv.term('commit')} {pv.literal(pub.commit)} .")
    out += [f"{s} {pv.term('sti')} {pv.literal(p)} ." for p in pub.paths]
    for g in pub.graphs.values():
        n = pv.iri(g.name)
        out += [f"{s} {pv.term('graf')} {n} .", f"{n} {pv.term('slags')} {pv.literal(g.kind)} .",
                f"{n} {pv.term('navn')} {pv.literal(g.key)} .",
                f"{n} {pv.term('tripler')} {pv.integer(len(set(g.lines)))} .",
                f"{n} {pv.term('sha256')} {pv.literal(g.digest)} ."]
        if g.folder:
            out.append(f"{n} {pv.term('mappe')} {pv.literal(g.folder)} .")
    for rel, digest in pub.files:
        f = pv.iri(pv.file_node(pub.prefix, rel))
        out += [f"{s} {pv.term('fil')} {f} .", f"{f} {pv.term('sha256')} {pv.literal(digest)} ."]
    return out


def current(endpoint: Endpoint, prefix: str) -> tuple[str | None, dict[str, str]]:
    """(commit, {key: graph IRI}) of the publication now on the server under ``prefix``."""
    meta = pv.graph_name(prefix, pv.META)
    rows = endpoint.select(
        f"SELECT ?g ?navn ?commit WHERE {{ GRAPH <{meta}> {{ <{prefix}> {pv.term('graf')} ?g . "
        f"?g {pv.term('navn')} ?navn . OPTIONAL {{ <{prefix}> {pv.term('commit')} ?commit }} }} }}")
    commit = next((r["commit"]["value"] for r in rows if "commit" in r), None)
    return commit, {r["navn"]["value"]: r["g"]["value"] for r in rows}


def _count(endpoint: Endpoint, graph: str, minus: str | None = None) -> int:
    """Triples in ``graph`` (not in ``minus``), counted by the server: it compares the literals as
    it stores them (Oxigraph writes "P12M"^^xsd:duration as "P1Y"), so the counts are the graphs' own."""
    unless = f" FILTER NOT EXISTS {{ GRAPH <{minus}> {{ ?s ?p ?o }} }}" if minus else ""
    rows = endpoint.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }}{unless} }}")
    try:
        return int(rows[0]["n"]["value"])
    except (IndexError, KeyError, ValueError):
        return 0


def publish(endpoint: Endpoint, pub: Publication, *, now: dt.datetime | None = None) -> Outcome:
    """Make ``pub`` the current publication on ``endpoint``; return the changes per graph.

    Nothing is written when every graph and the commit are as published already (idempotent)."""
    old_commit, old = current(endpoint, pub.prefix)
    live = set(old.values())
    changed = [g for g in pub.graphs.values() if g.name not in live]
    dropped = sorted(key for key in old if key not in pub.graphs)
    if not changed and not dropped and old_commit == pub.commit and old:
        return Outcome([Change(g.name, g.kind, 0, 0) for g in pub.graphs.values()], written=False)
    # 1. The new graphs under their own (content) names: no reader looks there yet. The Graph Store
    #    Protocol where the server has it (one bulk load per graph), else INSERT DATA in chunks.
    meta = GraphPlan(pv.META, "metadata", None, metadata_lines(pub, now or dt.datetime.now(dt.timezone.utc)))
    meta.name = pv.graph_name(pub.prefix, pv.STAGING + pv.META)
    loads = [*changed, meta]
    endpoint.update(" ;\n".join(f"DROP SILENT GRAPH <{g.name}>" for g in loads))  # a failed try's remains
    # Four at a time: the servers load graphs on several threads (Oxigraph's bulk loads dominate
    # a large publication, docs/ydelse.md); the first failure stops the publication before the switch.
    with ThreadPoolExecutor(max_workers=LOADERS) as pool:
        loaded = list(pool.map(lambda g: bool(g.lines) and endpoint.post_graph(g.name, "\n".join(g.lines) + "\n"),
                               loads))
    chunked = [g for g, ok in zip(loads, loaded) if g.lines and not ok]
    for g in chunked:
        for start in range(0, len(g.lines), CHUNK):
            body = "\n".join(g.lines[start:start + CHUNK])
            endpoint.update(f"INSERT DATA {{ GRAPH <{g.name}> {{\n{body}\n}} }}")
    # 2. What changes, counted by the server between each new graph and the one it replaces.
    changes = []
    for g in pub.graphs.values():
        before = old.get(g.key)
        if g in changed:
            added = _count(endpoint, g.name, before)
            removed = _count(endpoint, before, g.name) if before else 0
        else:
            added = removed = 0
        changes.append(Change(g.name, g.kind, added, removed))
    changes += [Change(old[key], "fjernet", 0, _count(endpoint, old[key])) for key in dropped]
    # 3. The switch: ONE request, one transaction, replacing only the small metadata graph – the
    #    pointer every reader follows (copying the big graphs in the switch took minutes on Oxigraph).
    target = pv.graph_name(pub.prefix, pv.META)
    endpoint.update(f"DROP SILENT GRAPH <{target}> ;\nADD SILENT GRAPH <{meta.name}> TO <{target}> ;\n"
                    f"DROP SILENT GRAPH <{meta.name}>")
    # 4. The replaced graphs: no metadata points at them any more.
    gone = sorted(live - {g.name for g in pub.graphs.values()})
    if gone:
        endpoint.update(" ;\n".join(f"DROP SILENT GRAPH <{name}>" for name in gone))
    return Outcome(changes, written=True)
