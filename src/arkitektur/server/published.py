"""Den publicerede udgave / reads a publication back from the server: which one, its commit, as_of and the files' exact text.

Commands given ``--endpoint`` run the same local pipeline over the files of the published commit
(docs/server.md, "hvor arbejdet sker"): publish stores every file's text and checksum in the
provenance graph, and this module reads them back in one query and checks each checksum against
the metadata graph, so the results – findings with their file and line – are those of the files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..errors import ArkitekturError
from . import provenance as pv
from .endpoint import Endpoint, EndpointError


@dataclass
class Published:
    """One publication on the server: its prefix, commit, as_of, published paths and file texts."""

    prefix: str
    commit: str | None
    as_of: dt.date
    paths: list[str]
    files: dict[str, str]  # relative path (as git names it) → text


def prefixes(endpoint: Endpoint) -> list[str]:
    """The graph prefixes of the publications on the server (one per collaboration)."""
    rows = endpoint.select(
        f"SELECT DISTINCT ?p ?m WHERE {{ GRAPH ?m {{ ?p a {pv.term('Publikation')} }} }}")
    return sorted({r["p"]["value"] for r in rows
                   if r["m"]["value"] == pv.graph_name(r["p"]["value"], pv.META)})


def choose(endpoint: Endpoint, prefix: str | None) -> str:
    """``prefix`` if published there, else the only publication on the server."""
    found = prefixes(endpoint)
    if prefix is not None:
        wanted = prefix if prefix.endswith(("/", "#")) else prefix + "/"
        if wanted in found:
            return wanted
        raise EndpointError(
            f"{endpoint.query_url} har ingen publicering med grafpræfikset {wanted}"
            + (f"; der er: {', '.join(found)}." if found else "; kør 'arkitektur publish' først."),
            f"{endpoint.query_url} has no publication with the graph prefix {wanted}"
            + (f"; there are: {', '.join(found)}." if found else "; run 'arkitektur publish' first."),
            code="ARK-E159")
    if len(found) == 1:
        return found[0]
    if not found:
        raise EndpointError(
            f"{endpoint.query_url} har ingen publicering: kør 'arkitektur publish … --endpoint {endpoint.query_url}' først.",
            f"{endpoint.query_url} has no publication: run 'arkitektur publish' first.", code="ARK-E159")
    raise EndpointError(
        f"{endpoint.query_url} har {len(found)} publiceringer ({', '.join(found)}): vælg én med --graf-prefiks.",
        f"{endpoint.query_url} has {len(found)} publications: choose one with --graf-prefiks.", code="ARK-E159")


def read(endpoint: Endpoint, prefix: str | None = None) -> Published:
    """The publication under ``prefix`` (or the only one), with every file's text, checksum-checked."""
    prefix = choose(endpoint, prefix)
    meta = pv.graph_name(prefix, pv.META)
    head = endpoint.select(
        f"SELECT ?asof ?commit ?sti WHERE {{ GRAPH <{meta}> {{ <{prefix}> {pv.term('asOf')} ?asof . "
        f"OPTIONAL {{ <{prefix}> {pv.term('commit')} ?commit }} OPTIONAL {{ <{prefix}> {pv.term('sti')} ?sti }} }} }}")
    listed = endpoint.select(
        f"SELECT ?f ?sha WHERE {{ GRAPH <{meta}> {{ <{prefix}> {pv.term('fil')} ?f . ?f {pv.term('sha256')} ?sha }} }}")
    texts = endpoint.select(  # the provenance graph the metadata points at
        f"SELECT ?f ?sti ?tekst WHERE {{ GRAPH <{meta}> {{ <{prefix}> {pv.term('graf')} ?prov . "
        f"?prov {pv.term('navn')} \"{pv.PROVENANCE}\" }} GRAPH ?prov {{ ?f {pv.term('sti')} ?sti ; "
        f"{pv.term('kildetekst')} ?tekst }} }}")
    if not head:
        raise _broken(prefix, "metadatagrafen mangler as_of", "the metadata graph lacks as_of")
    want = {r["f"]["value"]: r["sha"]["value"] for r in listed}
    files: dict[str, str] = {}
    for r in texts:
        node, rel, text = r["f"]["value"], r["sti"]["value"], r["tekst"]["value"]
        if node not in want:
            continue
        if pv.sha256(text) != want[node]:
            raise _broken(prefix, f"teksten til {rel} har ikke den publicerede kontrolsum",
                          f"the text of {rel} does not have the published checksum")
        files[_safe(rel, prefix)] = text
    missing = len(want) - len(files)
    if missing:
        raise _broken(prefix, f"{missing} publicerede filer mangler i proveniensgrafen",
                      f"{missing} published files are missing from the provenance graph")
    try:
        as_of = dt.date.fromisoformat(head[0]["asof"]["value"])
    except ValueError:
        raise _broken(prefix, "as_of er ikke en dato", "as_of is not a date") from None
    return Published(prefix=prefix, commit=next((r["commit"]["value"] for r in head if "commit" in r), None),
                     as_of=as_of, paths=sorted({r["sti"]["value"] for r in head if "sti" in r}), files=files)


def _safe(rel: str, prefix: str) -> str:
    """A published path may only name a file below the folder it is written into."""
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise _broken(prefix, f"stien {rel!r} peger uden for repositoriet", f"the path {rel!r} points outside the repository")
    return path.as_posix()


def _broken(prefix: str, da: str, en: str) -> ArkitekturError:
    return EndpointError(
        f"publiceringen {prefix} er ufuldstændig: {da}. Publicér igen (arkitektur publish).",
        f"the publication {prefix} is incomplete: {en}. Publish again.", code="ARK-E160")
