"""Regneark-afbildning / our spreadsheet template and KITOS' Excel export ↔ the modelling language.

Our template has one sheet per class with Danish headers (``Systemanvendelser``, ``Kontrakter``,
``Integrationer``; on export also the harmonisation matrix and the findings, ``overview``, which
import skips); KITOS' export (usages or contracts) is recognised and mapped by header text, never
by position. References (kommune, system, kontrakt …) may be an IRI/CURIE, a name defined in
the same workbook, or a name in ``--repo``; otherwise a new node is made and reported.
"""

from .layout import months, parse_date, parse_decimal
from .overview import findings_sheet, matrix_sheet
from .reader import detect, import_file
from .writer import export_csv, export_xlsx, tables_for

__all__ = ["detect", "export_csv", "export_xlsx", "findings_sheet", "import_file", "matrix_sheet",
           "months", "parse_date", "parse_decimal", "tables_for"]
