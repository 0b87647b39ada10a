"""KITOS-synkronisering / one import run: fetch, map, compare with the last import's snapshot and the
file (``drift.merge``), and write the file, the snapshot and the report of what changed."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from ... import formatting
from ...errors import UsageError
from ...files import write_all
from .. import drift
from ..report import Report
from ..terms import Prefixes
from ..turtle_out import serialize
from .mapper import Options, map_bundle
from .source import COLLECTIONS, DELETED_TYPES, Bundle, json_object, load_json, name_of, uuid_of


@dataclass
class KitosResult:
    merge: drift.Merge | None
    report: Report
    written: list
    first: bool
    deleted: list
    labels: dict
    prefixes: Prefixes

    def _label(self, node) -> str:
        return self.labels.get(node) or formatting.tail(node)

    def _values(self, values: tuple) -> str:
        return ", ".join(self.prefixes.iri_text(str(v)) if isinstance(v, URIRef) else str(v) for v in values) or "–"

    def _change(self, c: drift.Change, words: bool) -> str:
        """One change as a line; ``words``: said in words too (KITOS' changes; hand edits go without)."""
        if c.kind == "ændret":
            return (f"  ~ {'ændret / changed: ' if words else ''}{self._label(c.subject)}: "
                    f"{self.prefixes.iri_text(str(c.predicate))}: {self._values(c.old)} → {self._values(c.new)}")
        word = ("ny / new: " if c.kind == "ny" else "fjernet / removed: ") if words else ""
        return f"  {'+' if c.kind == 'ny' else '-'} {word}{self._label(c.subject)} <{c.subject}>"

    def text(self) -> str:
        lines = []
        if self.merge is not None:
            if self.first:
                n = len({s for s in self.merge.graph.subjects()})
                lines.append(f"Første KITOS-import: {n} emner, {len(self.merge.graph)} tripler / first import.")
            else:
                changed = [self._change(c, True) for c in self.merge.source_changes]
                lines.append("Ændringer i KITOS siden sidste import / changes in KITOS since the last import:"
                             if changed else "Ingen ændringer i KITOS siden sidste import / no changes in KITOS.")
                lines.extend(changed)
            for d in self.deleted:
                lines.append(f"  - slettet i KITOS / deleted in KITOS ({d.get('occurredAtUtc', '?')}): "
                             f"{d.get('entityType', '?')} {d.get('entityUuid', '?')}")
            if self.merge.hand_edits:
                lines.append("Håndrettelser siden sidste import (bevaret) / hand edits since the last import (kept):")
                lines.extend(self._change(c, False) for c in self.merge.hand_edits)
            if self.merge.conflicts:
                lines.append("KONFLIKTER – håndrettelsen er beholdt, KITOS' værdi er ikke skrevet; ret selv / "
                             "CONFLICTS – the hand edit is kept, KITOS' value is not written:")
                for s, p, b, o, t in self.merge.conflicts:
                    lines.append(f"  ! {self._label(s)}: {self.prefixes.iri_text(str(p))}: sidst / last {self._values(b)}; "
                                 f"hånd / hand {self._values(o)}; KITOS {self._values(t)}")
        lines.extend(self.report.lines())
        for w in self.written:
            lines.append(f"Skrevet / written: {w}")
        return "\n".join(lines) + "\n"


_HAND_COMMENTS = ("Håndskrevne kommentarer fra filen (en import kan ikke bevare deres plads) / "
                  "hand-written comments from the file (an import cannot keep their place):")


def _keep_hand_comments(output: Path, generated: str, header: str, report: Report) -> str:
    """The header with the file's own ``#`` comments appended: the file is written anew from the
    graph, which has no comments, so they would vanish without a word (issue 13)."""
    from ...turtle.lexer import LexError, tokenize

    try:
        ours = {t.text for t in tokenize(generated) if t.kind == "COMMENT"}
        theirs = [t.text for t in tokenize(output.read_text(encoding="utf-8-sig")) if t.kind == "COMMENT"]
    except (LexError, OSError, UnicodeDecodeError):
        return header
    hand = [c for c in theirs if c not in ours and c != f"# {_HAND_COMMENTS}" and c.strip("# \t")]
    if not hand:
        return header
    report.note(f"{len(hand)} håndskrevne kommentarer står samlet øverst i {output.name} / "
                f"{len(hand)} hand-written comments are kept together at the top of the file")
    lines = [c[2:] if c.startswith("# ") else c[1:] for c in hand]
    return "\n".join([header, "", _HAND_COMMENTS, *lines])


def snapshot_paths(output: Path) -> tuple[Path, Path]:
    stem = output.stem
    return (output.parent / f".kitos-sidste-import-{stem}.ttl", output.parent / f".kitos-sidste-import-{stem}.json")


def _parse_turtle(path: Path) -> Graph:
    from ...loader import parse_file

    g = Graph()
    parsed = parse_file(path)
    for t in (parsed.triples if parsed else []):
        g.add(t)
    return g


def run(source, options: Options, output: Path, *, since: str | None = None, dry_run: bool = False,
        overwrite: bool = False, save_json: Path | None = None) -> KitosResult:
    """Fetch, map, compare with the last import and the file, and write (unless ``dry_run``)."""
    report = Report()
    snap_ttl, snap_json = snapshot_paths(output)
    cache = None
    if snap_json.exists():
        cache = load_json(snap_json)
        if not isinstance(cache, dict):
            cache = None
    since_value = None
    if since:
        if since == "sidst":
            if not cache or not cache.get("fetched_at"):
                raise UsageError("--siden sidst kræver en tidligere import (øjebliksbilledet mangler).",
                                 "--siden sidst needs an earlier import (the snapshot is missing).", code="ARK-E83")
            since_value = cache["fetched_at"]
        else:
            try:
                since_value = dt.date.fromisoformat(since).isoformat() + "T00:00:00Z"
            except ValueError:
                raise UsageError("--siden: skriv ÅÅÅÅ-MM-DD eller 'sidst'.", "--siden: write YYYY-MM-DD or 'sidst'.",
                                 code="ARK-E86") from None
        if not cache:
            raise UsageError("--siden kræver en tidligere fuld import (øjebliksbilledet mangler).",
                             "--siden needs an earlier full import (the snapshot is missing).", code="ARK-E83")
    fetched = source.fetch(options.org, since_value, report)
    for collection, item in fetched.skipped:
        # No uuid, no stable IRI: the entry and all it holds (roles, relations …) stay out; say so.
        what = name_of(item) or json.dumps(item, ensure_ascii=False)[:80]
        held = sorted(k for k, v in json_object(item).items() if k not in ("uuid", "name") and v not in (None, "", [], {}))
        report.lose(f"post i {collection} uden gyldig uuid er ikke importeret (heller ikke dens felter) / "
                    f"entry without a valid uuid not imported (nor its fields)",
                    what + (f" ({', '.join(held)})" if held else ""))
    if since_value:
        bundle = Bundle.from_lists(json_object(cache.get("entities")), cache.get("organization"), [], fetched.fetched_at)
        if fetched.organization:
            bundle.organization = fetched.organization
        for c in COLLECTIONS:
            bundle.entities[c].update(fetched.entities[c])
        for d in fetched.deleted:
            uuid = d.get("entityUuid") if isinstance(d, dict) else None
            etype = d.get("entityType") if isinstance(d, dict) else None
            etype = etype if isinstance(etype, (str, type(None))) else json.dumps(etype)
            if etype not in DELETED_TYPES:
                report.warn(f"ukendt entityType '{etype}' i deleted-entities / unknown value")
            for c in COLLECTIONS:
                bundle.entities[c].pop(uuid, None)
            for u in bundle.entities["it-system-usages"].values():
                rels = u.get("outgoingSystemRelations")
                if isinstance(rels, list):
                    u["outgoingSystemRelations"] = [r for r in rels if uuid_of(r) != uuid]
        bundle.deleted = fetched.deleted
    else:
        bundle = fetched
        if fetched.deleted:
            bundle.deleted = fetched.deleted
    theirs, prefixes = map_bundle(bundle, options, report)

    first = not output.exists()
    if output.exists() and not snap_ttl.exists() and not overwrite:
        raise UsageError(
            f"{output} findes, men der er intet øjebliksbillede fra en tidligere KITOS-import ({snap_ttl.name}); "
            "en opdatering kan derfor ikke skelne håndrettelser fra KITOS-data. Brug --overskriv for at erstatte "
            "filen, eller vælg en anden -o.",
            f"{output} exists but there is no snapshot of an earlier KITOS import ({snap_ttl.name}), so an update "
            "cannot tell hand edits from KITOS data. Use --overskriv to replace the file, or choose another -o.",
            code="ARK-E84", file=str(output))
    if first or (overwrite and not snap_ttl.exists()):
        base, ours = Graph(), Graph()
        first = True
    else:
        base = _parse_turtle(snap_ttl) if snap_ttl.exists() else Graph()
        ours = _parse_turtle(output)
    merged = drift.merge(base, ours, theirs)
    labels = {}
    for g in (base, ours, theirs):
        for s, lab in g.subject_objects(RDFS.label):
            labels.setdefault(s, str(lab))
    written = []
    if not dry_run:
        header = (f"KITOS-import af organisation {options.org}. Genereret af 'arkitektur import kitos': "
                  "en ny import opdaterer filen; håndrettelser bevares og rapporteres.")
        if not first:
            header = _keep_hand_comments(output, serialize(merged.graph, prefixes, header=header), header, report)
        files = {
            output: serialize(merged.graph, prefixes, header=header).encode("utf-8"),
            snap_ttl: serialize(theirs, prefixes, header="Øjebliksbillede af sidste KITOS-import – ret ikke.").encode("utf-8"),
            snap_json: json.dumps(bundle.to_json(), ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"),
        }
        if save_json is not None:
            for c in COLLECTIONS:
                files[save_json / f"{c}.json"] = json.dumps(
                    [fetched.entities[c][k] for k in sorted(fetched.entities[c])], ensure_ascii=False, indent=1).encode("utf-8")
            files[save_json / "organizations.json"] = json.dumps(
                [fetched.organization] if fetched.organization else [], ensure_ascii=False, indent=1).encode("utf-8")
            files[save_json / "deleted-entities.json"] = json.dumps(fetched.deleted, ensure_ascii=False, indent=1).encode("utf-8")
            files[save_json / "hentet.json"] = json.dumps({"fetched_at": fetched.fetched_at}).encode("utf-8")
        write_all(files, make_dirs=True)
        written = [str(output)]
    else:
        report.note("Tørkørsel: intet skrevet / dry run: nothing written.")
    return KitosResult(merged, report, written, first, list(bundle.deleted if since_value else []), labels, prefixes)
