"""KITOS-import / maps one organisation's KITOS API v2 data (live or saved JSON) into our language
and updates the repository file without duplicating or silently overwriting.

KITOS UUIDs give stable IRIs (``<base><type>/<uuid>``, plus ``dcterms:identifier``), so a second
import updates the same nodes. Next to the output file the last import is kept as a snapshot
(``.kitos-sidste-import-<navn>.ttl``, the mapped graph, and ``….json``, the KITOS entities and the
time of the import for ``--siden sidst``); ``drift.merge`` compares snapshot, file and new import.
Unknown fields and enum values are warnings, never crashes.
"""

from .mapper import Options, kle_iri, kle_task, local_date, map_bundle
from .source import ApiSource, Bundle, DirectorySource
from .sync import KitosResult, run, snapshot_paths

__all__ = ["ApiSource", "Bundle", "DirectorySource", "KitosResult", "Options", "kle_iri", "kle_task", "local_date",
           "map_bundle", "run", "snapshot_paths"]
