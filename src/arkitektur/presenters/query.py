"""Forespørgslens resultat som tekst / a query result as an aligned table, CSV or JSON.

``FORMATS`` is the registry ``arkitektur query --format`` offers; the data is ``query.QueryResult``.
"""

from __future__ import annotations

import json

from rdflib import BNode, Literal, URIRef

from .. import tables
from ..namespaces import XSD, curie
from ..query import QueryResult


def _plain(term) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _json_value(term):
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.datatype == XSD.boolean:
            return bool(term.toPython())
        if term.datatype == XSD.integer:
            try:
                return int(str(term))
            except ValueError:
                return str(term)
    return _plain(term)


def _compact(term, prefixes: dict[str, str]) -> str:
    if isinstance(term, URIRef):
        return curie(str(term), prefixes) or f"<{term}>"
    return " ".join(_plain(term).split())


def _table(result: QueryResult, prefixes: dict[str, str], lang: str = "da", width: int | None = None) -> str:
    cells = [[_compact(t, prefixes) for t in row] for row in result.rows]
    n = len(result.rows)
    count = (f"{n} row{'' if n == 1 else 's'}" if lang == "en"
             else f"{n} {'række' if n == 1 else 'rækker'} / {n} row{'' if n == 1 else 's'}")
    return tables.text_table(result.variables, cells, underline=True, width=width) + f"\n({count})\n"


def _csv(result: QueryResult, prefixes: dict[str, str], lang: str = "da", width: int | None = None) -> str:
    return tables.csv_table(result.variables, [[_plain(t) for t in row] for row in result.rows],
                            lineterminator="\n")


def _json(result: QueryResult, prefixes: dict[str, str], lang: str = "da", width: int | None = None) -> str:
    data = [{v: _json_value(t) for v, t in zip(result.variables, row)} for row in result.rows]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


#: ``--format`` name → presenter (the result, the prefixes for shortening IRIs, the language of the
#: table's count line and the width to wrap the table to → the text).
FORMATS = {"table": _table, "csv": _csv, "json": _json}


def render(result: QueryResult, fmt: str, prefixes: dict[str, str] | None = None, lang: str = "da",
           width: int | None = None) -> str:
    """The result in format ``fmt`` (a key of ``FORMATS``); the table shortens IRIs with ``prefixes``
    and wraps its cells to ``width`` columns when given (tables.text_table)."""
    return FORMATS[fmt](result, prefixes or {}, lang, width)
