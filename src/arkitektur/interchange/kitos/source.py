"""KITOS-kilder / where one organisation's KITOS data comes from: saved JSON files or the live API v2,
gathered into one ``Bundle``; and the lenient readers of KITOS JSON values (a drifted schema must
not crash an import)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import InputError
from ..report import Report
from ..safety import read_capped

COLLECTIONS = ("it-systems", "it-system-usages", "it-contracts", "it-interfaces",
               "data-processing-registrations")
DELETED_TYPES = {"ItSystem": "it-systems", "ItSystemUsage": "it-system-usages", "ItContract": "it-contracts",
                 "ItInterface": "it-interfaces", "DataProcessingRegistration": "data-processing-registrations",
                 "SystemRelation": "relation", "ItSystemUsageRelation": "relation"}


@dataclass
class Bundle:
    """The KITOS entities of one organisation: collections by uuid, the organisation, deletions."""

    entities: dict = field(default_factory=lambda: {c: {} for c in COLLECTIONS})
    organization: dict | None = None
    deleted: list = field(default_factory=list)
    fetched_at: str | None = None
    skipped: list = field(default_factory=list)  # (collection, entry) without a string uuid: no IRI

    def to_json(self) -> dict:
        return {"organization": self.organization, "fetched_at": self.fetched_at,
                "entities": {c: [self.entities[c][k] for k in sorted(self.entities[c])] for c in COLLECTIONS}}

    @classmethod
    def from_lists(cls, lists: dict, organization: dict | None, deleted: list, fetched_at: str | None) -> "Bundle":
        b = cls(organization=organization, deleted=list(deleted), fetched_at=fetched_at)
        for c in COLLECTIONS:
            for item in lists.get(c) or []:
                if isinstance(item, dict) and isinstance(item.get("uuid"), str):
                    b.entities[c][item["uuid"]] = item
                else:
                    b.skipped.append((c, item))
        return b


def json_object(value) -> dict:
    """A JSON object, or an empty one for anything else (a drifted schema must not crash us)."""
    return value if isinstance(value, dict) else {}


def json_list(value) -> list:
    return value if isinstance(value, list) else []


def uuid_of(obj) -> str | None:
    if isinstance(obj, dict) and isinstance(obj.get("uuid"), str):
        return obj["uuid"]
    return None


def name_of(obj) -> str | None:
    if isinstance(obj, dict) and isinstance(obj.get("name"), str) and obj["name"].strip():
        return obj["name"].strip()
    return None


def load_json(path: Path):
    data = read_capped(path)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:
        raise InputError(f"ikke gyldig JSON: {exc}.", f"not valid JSON: {exc}.", code="ARK-E82",
                         file=str(path)) from None


class DirectorySource:
    """Saved KITOS JSON: one file per collection (``it-system-usages.json`` …), ``organizations.json``
    and optionally ``deleted-entities.json``; each a JSON array as the API returns it (pages may be
    concatenated into one array)."""

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise InputError("mappen findes ikke.", "the folder does not exist.", code="ARK-E01", file=str(folder))
        self.folder = folder

    def _list(self, name: str, report: Report) -> list:
        path = self.folder / f"{name}.json"
        if not path.exists():
            report.warn(f"{name}.json findes ikke i --fra-fil-mappen / missing in the folder")
            return []
        data = load_json(path)
        if isinstance(data, dict) and isinstance(data.get("response"), list):
            data = data["response"]
        if not isinstance(data, list):
            raise InputError("filen skal indeholde en JSON-liste.", "the file must hold a JSON array.",
                             code="ARK-E82", file=str(path))
        return data

    def fetch(self, org: str, since: str | None, report: Report) -> Bundle:
        lists = {c: self._list(c, report) for c in COLLECTIONS}
        orgs = self._list("organizations", report)
        organization = next((o for o in orgs if isinstance(o, dict) and o.get("uuid") == org), None)
        deleted = []
        if (self.folder / "deleted-entities.json").exists():
            deleted = self._list("deleted-entities", report)
        stamp = None
        meta = self.folder / "hentet.json"
        if meta.exists():
            stamp = json_object(load_json(meta)).get("fetched_at")
        return Bundle.from_lists(lists, organization, deleted, stamp)


class ApiSource:
    """Live KITOS API v2 (only when ``--url`` is given)."""

    def __init__(self, url: str, *, token=None, email=None, password=None, timeout: float = 30.0) -> None:
        from .client import KitosClient

        self.client = KitosClient(url, token=token, email=email, password=password, timeout=timeout)

    def fetch(self, org: str, since: str | None, report: Report) -> Bundle:
        c = self.client
        started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        extra = {"changedSinceGtEq": since} if since else {}
        organization = c.get(f"/api/v2/organizations/{org}")
        lists = {
            "it-system-usages": c.paged("/api/v2/it-system-usages", {"organizationUuid": org, **extra}),
            "it-systems": c.paged("/api/v2/it-systems", {"usedInOrganizationUuid": org, **extra}),
            "it-contracts": c.paged("/api/v2/it-contracts", {"organizationUuid": org, **extra}),
            "data-processing-registrations": c.paged("/api/v2/data-processing-registrations",
                                                     {"organizationUuid": org, **extra}),
        }
        wanted = sorted({json_object(r.get("relationInterface")).get("uuid")
                         for u in lists["it-system-usages"] if isinstance(u, dict)
                         for r in u.get("outgoingSystemRelations") or [] if isinstance(r, dict)} - {None})
        interfaces = []
        for uuid in wanted:
            item = c.get(f"/api/v2/it-interfaces/{uuid}")
            if item is None:
                report.warn("snitflade findes ikke i KITOS / interface not found", uuid)
            else:
                interfaces.append(item)
        lists["it-interfaces"] = interfaces
        deleted = c.paged("/api/v2/delta-feed/deleted-entities", {"deletedSinceUTC": since}) if since else []
        report.note(f"KITOS: {c.calls} HTTP-kald / HTTP calls")
        return Bundle.from_lists(lists, organization if isinstance(organization, dict) else None, deleted, started)

