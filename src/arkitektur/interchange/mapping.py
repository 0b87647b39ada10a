"""ArchiMate-afbildningen / the ark ↔ ArchiMate mapping tables and ArchiMate's allowed relationships.

The tables here are the authority (from the interchange notes); the ontology's ``ark:archimate``
annotation is used only for terms the tables do not know. The allowed-relationship table is the
subset of Archi's ``relationships.xml`` (ArchiMate 3.1/3.2, MIT) for the element types we write;
letters: a=Access c=Composition f=Flow g=Aggregation i=Assignment n=Influence o=Association
r=Realization s=Specialization t=Triggering v=Serving.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from ..namespaces import ARK

NS = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{NS} http://www.opengroup.org/xsd/archimate/3.1/archimate3_Diagram.xsd"

# ark class -> ArchiMate element type, in priority order (the first class a node has decides).
CLASS_ELEMENT: list[tuple[URIRef, str]] = [
    (ARK.Systemanvendelse, "ApplicationComponent"),
    (ARK.Infrastruktur, "ApplicationComponent"),
    (ARK.Grunddataregister, "ApplicationComponent"),
    (ARK.ItSystem, "ApplicationComponent"),
    (ARK.Kommune, "BusinessActor"),
    (ARK.Leverandoer, "BusinessActor"),
    (ARK.Indkoeber, "BusinessActor"),
    (ARK.Forum, "BusinessActor"),
    (ARK.Direktion, "BusinessActor"),
    (ARK.Digitaliseringsenhed, "BusinessActor"),
    (ARK.Samarbejde, "BusinessCollaboration"),
    (ARK.Opgave, "BusinessFunction"),
    (ARK.Beslutning, "BusinessEvent"),
    (ARK.Dataobjekt, "DataObject"),
    (ARK.Kontrakt, "Contract"),
    (ARK.Udbud, "WorkPackage"),
    (ARK.Digitaliseringsprojekt, "WorkPackage"),
    (ARK.Fase, "WorkPackage"),
    (ARK.Leverance, "Deliverable"),
    (ARK.Gevinst, "Outcome"),
    (ARK.Maal, "Goal"),
    (ARK.Maalarkitektur, "Plateau"),
    (ARK.Dispensation, "Assessment"),
    (ARK.Forandring, "Gap"),
    # Relationship-like classes: a relationship when they have exactly one source and target
    # (see RELATION_NODES), otherwise an element of this type.
    (ARK.Integration, "Grouping"),
    (ARK.Dataflow, "Grouping"),
    (ARK.Maalloesning, "Grouping"),
    (ARK.Medlemskab, "Grouping"),
]
FALLBACK_ELEMENT = "Grouping"


@dataclass(frozen=True)
class RelationNode:
    """An ark class written as an ArchiMate relationship: its source and target as ark paths.

    ``("out", p)`` = the node's own value of p; ``("in", p)`` = the subject that has p → node.
    """

    type: str
    source: tuple[str, URIRef]
    target: tuple[str, URIRef]


RELATION_NODES: dict[URIRef, RelationNode] = {
    ARK.Integration: RelationNode("Flow", ("out", ARK.fra), ("out", ARK.til)),
    ARK.Dataflow: RelationNode("Flow", ("out", ARK.fra), ("out", ARK.til)),
    ARK.Maalloesning: RelationNode("Aggregation", ("in", ARK.maalloesning), ("out", ARK.maalsystem)),
    ARK.Medlemskab: RelationNode("Aggregation", ("out", ARK.samarbejde), ("out", ARK.kommune)),
}

# ark property -> (preferred relationship type, inverse?). Inverse = the relationship runs from the
# object to the subject (e.g. a BusinessActor is assigned to the WorkPackage it takes part in).
# Anything not allowed between the two element types falls back to a directed Association.
PROPERTY_RELATION: dict[URIRef, tuple[str, bool]] = {
    ARK.system: ("Specialization", False),
    ARK.understoetterOpgave: ("Serving", False),
    ARK.medlem: ("Aggregation", False),
    ARK.deltager: ("Assignment", True),
    ARK.besluttetAf: ("Assignment", True),
    ARK.leverance: ("Realization", False),
    ARK.gevinst: ("Realization", False),
    ARK.bidragerTil: ("Realization", False),
    ARK.implementerer: ("Realization", False),
    ARK.forandring: ("Realization", False),
    ARK.realiseresAf: ("Realization", True),
    ARK.maalloesning: ("Composition", False),
    ARK.maalsystem: ("Aggregation", False),
    ARK.beslutningspunkt: ("Triggering", False),
    ARK.fra: ("Flow", True),
    ARK.til: ("Flow", False),
}

RELATIONSHIP_TYPES = {
    "a": "Access", "c": "Composition", "f": "Flow", "g": "Aggregation", "i": "Assignment",
    "n": "Influence", "o": "Association", "r": "Realization", "s": "Specialization",
    "t": "Triggering", "v": "Serving",
}
LETTER = {v: k for k, v in RELATIONSHIP_TYPES.items()}

_AC, _BA, _BC, _BE, _BF = "ApplicationComponent", "BusinessActor", "BusinessCollaboration", "BusinessEvent", "BusinessFunction"
_CO, _DO, _DE, _GA, _GO = "Contract", "DataObject", "Deliverable", "Gap", "Goal"
_GR, _OU, _PL, _WP, _AS, _PR, _REL = "Grouping", "Outcome", "Plateau", "WorkPackage", "Assessment", "Principle", "Relationship"
ELEMENT_TYPES = [_AC, _BA, _BC, _BE, _BF, _CO, _DO, _DE, _GA, _GO, _GR, _OU, _PL, _WP, _AS, _PR]


def _row(default: str, **cells: str) -> dict[str, str]:
    names = {"AC": _AC, "BA": _BA, "BC": _BC, "BE": _BE, "BF": _BF, "CO": _CO, "DO": _DO, "DE": _DE,
             "GA": _GA, "GO": _GO, "GR": _GR, "OU": _OU, "PL": _PL, "WP": _WP, "AS": _AS, "PR": _PR,
             "REL": _REL}
    row = {t: default for t in [*ELEMENT_TYPES, _REL]}
    for short, letters in cells.items():
        row[names[short]] = letters
    return row


# Source type -> target type -> allowed letters (Archi relationships.xml, v3.2).
ALLOWED: dict[str, dict[str, str]] = {
    _AC: _row("o", AC="cfgorstv", BA="fotv", BC="fotv", BE="fortv", BF="fortv", CO="ao", DO="ao",
              GO="nor", GR="acfginorstv", OU="nor", AS="no", PR="nor"),
    _BA: _row("o", AC="fotv", AS="no", BA="cfgostv", BC="fotv", BE="fiotv", BF="fiotv", CO="ao", DO="ao",
              GO="nor", GR="acfginorstv", OU="nor", PR="nor", WP="io"),
    _BC: _row("o", AC="fotv", AS="no", BA="fgotv", BC="cfgostv", BE="fiotv", BF="fiotv", CO="ao", DO="ao",
              GO="nor", GR="acfginorstv", OU="nor", PR="nor", WP="io"),
    _BE: _row("o", AC="fotv", AS="no", BA="fotv", BC="fotv", BE="cfgostv", BF="fotv", CO="ao", DO="ao",
              GO="nor", GR="acfgnorstv", OU="nor", PR="nor"),
    _BF: _row("o", AC="fotv", AS="no", BA="fotv", BC="fotv", BE="fotv", BF="cfgostv", CO="ao", DO="ao",
              GO="nor", GR="acfgnorstv", OU="nor", PR="nor"),
    _CO: _row("o", AS="no", CO="cgos", GO="nor", GR="cgnors", OU="nor", PR="nor"),
    _DO: _row("o", AS="no", CO="or", DO="cgos", GO="nor", GR="cgnors", OU="nor", PR="nor"),
    _DE: _row("or", AS="no", DE="cgos", GA="o", GO="nor", GR="cgnors", OU="nor", PR="nor", REL="o", WP="o"),
    _GA: _row("o"),
    _GO: _row("o", AS="no", GO="cgnos", GR="cgnos", OU="no", PR="no"),
    _GR: _row("cfgiorstv", AC="cfgorstv", AS="cgnos", CO="acgors", DO="acgors", DE="acgors", GA="cgos",
              GO="cgnors", GR="acfginorstv", OU="cgnors", PL="cfgorst", PR="cgnors", REL="cgo", WP="cfgiost"),
    _OU: _row("o", AS="no", GO="nor", GR="cgnors", OU="cgnos", PR="no"),
    _PL: _row("cgor", AS="no", DE="ao", GA="o", GO="cgnor", GR="acfginorst", OU="cgnor", PL="cfgost",
              PR="nor", REL="cgo", WP="fot"),
    _WP: _row("or", AS="no", DE="aor", GA="o", GO="nor", GR="acfgnorst", OU="nor", PL="fort", PR="nor",
              REL="o", WP="cfgost"),
    _AS: _row("o", AS="cgnos", GO="no", GR="cgnos", OU="no", PR="no"),
    _PR: _row("o", AS="no", GO="nor", GR="cgnors", OU="nor", PR="cgnos"),
    _REL: _row("o", REL=""),
}


def allowed(rel_type: str, source: str, target: str) -> bool:
    """Whether ArchiMate (as Archi checks it) allows ``rel_type`` from ``source`` to ``target``.

    ``source``/``target`` are element types or ``"Relationship"``; unknown types allow nothing.
    """
    row = ALLOWED.get(source)
    if row is None or target not in row:
        return False
    return LETTER[rel_type] in row[target]


# The Archi root folder for each element type (Archi maps a top-level item with this label).
FOLDER = {
    _AC: "Application", _DO: "Application",
    _BA: "Business", _BC: "Business", _BE: "Business", _BF: "Business", _CO: "Business",
    _GO: "Motivation", _OU: "Motivation", _AS: "Motivation", _PR: "Motivation",
    _WP: "Implementation & Migration", _DE: "Implementation & Migration", _PL: "Implementation & Migration",
    _GA: "Implementation & Migration",
    _GR: "Other",
}
FOLDER_ORDER = ["Business", "Application", "Motivation", "Implementation & Migration", "Other", "Relations"]

# Import of files we did not write: element types that map to exactly one ark class.
FOREIGN_ELEMENT: dict[str, URIRef] = {
    _AC: ARK.ItSystem,
    _DO: ARK.Dataobjekt,
    _CO: ARK.Kontrakt,
    _WP: ARK.Digitaliseringsprojekt,
    _DE: ARK.Leverance,
    _OU: ARK.Gevinst,
    _GO: ARK.Maal,
    _PL: ARK.Maalarkitektur,
}

# Import of files we did not write: (relationship type, source class, target class) -> ark property.
FOREIGN_RELATION: dict[tuple[str, URIRef, URIRef], URIRef] = {
    ("Realization", ARK.Digitaliseringsprojekt, ARK.Leverance): ARK.leverance,
    ("Realization", ARK.Digitaliseringsprojekt, ARK.Gevinst): ARK.gevinst,
    ("Realization", ARK.Leverance, ARK.Gevinst): ARK.gevinst,
    ("Realization", ARK.Digitaliseringsprojekt, ARK.Maal): ARK.bidragerTil,
    ("Realization", ARK.Gevinst, ARK.Maal): ARK.bidragerTil,
    ("Influence", ARK.Gevinst, ARK.Maal): ARK.bidragerTil,
    ("Realization", ARK.Digitaliseringsprojekt, ARK.ItSystem): ARK.implementerer,
}

FOREIGN_APPLICATION = _AC

# Import of files we did not write: these relationships between two ApplicationComponents say that
# data or control passes from the source to the target (a Serving provider delivers to its user), so
# they become an ark:Integration (fra = source, til = target) instead of being lost (issue 15).
INTEGRATION_RELATIONS = ("Flow", "Serving", "Triggering")
