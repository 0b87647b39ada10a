"""Regneark ind og ud / reads and writes tables as xlsx and csv, safely.

Reading: the xlsx is checked for zip bombs and DTDs before openpyxl sees it; formula cells, and
text cells that would run as a formula in a spreadsheet (``=…``, or ``+ - @`` followed by a
formula), are refused. A leading apostrophe that our own export put before such a value is removed.
Writing: cells beginning with ``= + - @``, tab or CR are written as text (xlsx: string type and
quote prefix; csv: a leading apostrophe, by ``tables.csv_table``, the one CSV writer of every
command), so no spreadsheet runs them (formula injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter as _col

from ..tables import RISKY_START, csv_table
from .safety import HostileInput, check_zip, read_capped

_FORMULA_AFTER_SIGN = re.compile(r"[A-Za-z_]+\s*\(|[!|]|^\s*[A-Za-z]+\d+\s*[-+*/]")


@dataclass
class Table:
    name: str            # sheet name, or the csv file's stem
    headers: list[str]
    rows: list[list]     # cell values: str, int, float, datetime, date, bool or None
    origin: str          # for messages: file!sheet


def formula_like(text: str) -> bool:
    """Would a spreadsheet run this cell as a formula (DDE/formula injection)?"""
    t = text.lstrip("\t\r\n ")
    if not t:
        return False
    if t.startswith("="):
        return True
    if t[0] in "+-@" and _FORMULA_AFTER_SIGN.search(t[1:]):
        return True
    return text[:1] in ("\t", "\r") and t[0] in "=+-@"


def unescape(text: str) -> str:
    """Remove the apostrophe our export puts before a risky value."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def _refuse(origin: str, where: str, value: str):
    shown = value if len(value) <= 40 else value[:40] + "…"
    raise HostileInput(
        f"cellen {where} indeholder en formel ({shown!r}); formler indlæses ikke af sikkerhedshensyn. "
        "Gem arket med værdier i stedet for formler (eller skriv en apostrof foran).",
        f"cell {where} holds a formula ({shown!r}); formulas are refused for safety. Save the sheet with "
        "values instead of formulas (or put an apostrophe in front).", code="ARK-E78", file=origin)


def _clean_rows(raw: list[list], origin: str) -> tuple[list[str], list[list]]:
    # The header row is the first row with at least two non-empty cells (KITOS writes a title row sometimes).
    start = 0
    for i, row in enumerate(raw[:20]):
        if sum(1 for v in row if v not in (None, "")) >= 2:
            start = i
            break
    if not raw:
        return [], []
    headers = ["" if v is None else str(v).strip() for v in raw[start]]
    rows = []
    for r, row in enumerate(raw[start + 1:], start=start + 2):
        cells = []
        for c, v in enumerate(row, start=1):
            if isinstance(v, str):
                if formula_like(v):
                    _refuse(origin, f"{_col(c)}{r}", v)
                v = unescape(v)
            cells.append(v)
        if any(v not in (None, "") for v in cells):
            rows.append(cells + [None] * (len(headers) - len(cells)))
    return headers, rows


def read_xlsx(path: Path) -> list[Table]:
    check_zip(path)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        from ..errors import InputError

        raise InputError(f"xlsx-filen kan ikke læses ({type(exc).__name__}).",
                         f"the xlsx file cannot be read ({type(exc).__name__}).", code="ARK-E73",
                         file=str(path)) from None
    tables = []
    try:
        for ws in wb.worksheets:
            raw = []
            origin = f"{path}!{ws.title}"
            for r, row in enumerate(ws.iter_rows(), start=1):
                values = []
                for c, cell in enumerate(row, start=1):
                    if getattr(cell, "data_type", None) == "f":
                        _refuse(origin, f"{_col(c)}{r}", str(cell.value))
                    values.append(getattr(cell, "value", None))
                raw.append(values)
            headers, rows = _clean_rows(raw, origin)
            tables.append(Table(ws.title, headers, rows, origin))
    finally:
        wb.close()
    return tables


def read_csv(path: Path) -> Table:
    data = read_capped(path)
    text = ""
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    raw = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    raw = [[v if v != "" else None for v in r] for r in raw]
    headers, rows = _clean_rows(raw, str(path))
    return Table(path.stem, headers, rows, str(path))


# Number formats are stored in Excel's neutral notation ("," groups thousands, "." is the decimal
# point); a Danish Excel shows them as 1.234.567,50 kr. and 31-12-2019 (docs/udveksling.md).
DATE_FORMAT = "dd-mm-yyyy"
AMOUNT_FORMAT = '#,##0.00 "kr."'
INTEGER_FORMAT = "0"
HEADER_FILL = "D9D9D9"
MAX_WIDTH = 60


@dataclass
class Sheet:
    """One worksheet to write: headers, rows, a number format per column (by header) and cell colours.

    ``fills`` maps (row index in ``rows``, column index) to (background, font colour) as hex RGB.
    ``freeze`` is the top-left cell that is not frozen ("A2": the header row; "C2": also two columns).
    """

    name: str
    headers: list[str]
    rows: list[list]
    formats: dict = field(default_factory=dict)
    fills: dict = field(default_factory=dict)
    freeze: str = "A2"


def _shown_width(value, number_format: str | None) -> int:
    """How many characters the cell shows (Excel's column width unit is about one character)."""
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    if isinstance(value, bool):
        return 5
    if isinstance(value, (int, float)):
        if number_format == AMOUNT_FORMAT:
            return len(f"{value:,.2f}") + 4
        return len(str(value))
    return max((len(line) for line in str(value).splitlines()), default=0)


def write_xlsx(sheets: list) -> bytes:
    """An xlsx workbook: per sheet a bold, grey, frozen header row with an autofilter, dates and
    amounts as typed cells with Danish formats, columns as wide as their text (at most 60; longer
    text wraps), and formula-like text written as text. ``sheets`` are ``Sheet``s or
    (name, headers, rows) tuples."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from ..escape import visible

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.created = dt.datetime(2000, 1, 1)  # openpyxl sets "modified" to the time of saving
    for sheet in sheets:
        if not isinstance(sheet, Sheet):
            sheet = Sheet(*sheet)
        ws = wb.create_sheet(sheet.name[:31])
        ws.append(sheet.headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        for row in sheet.rows:  # a control character cannot be stored in a worksheet: shown as \uXXXX
            ws.append([visible(v) if isinstance(v, str) else v for v in row])
        formats = {i: sheet.formats.get(h) for i, h in enumerate(sheet.headers)}
        widths = [len(str(h)) + 3 for h in sheet.headers]  # + the autofilter's drop-down button
        for r, row in enumerate(ws.iter_rows(min_row=2)):
            for c, cell in enumerate(row):
                value = cell.value
                if isinstance(value, str) and value.startswith(RISKY_START):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                if isinstance(value, (dt.date, dt.datetime)):
                    cell.number_format = DATE_FORMAT
                elif isinstance(value, (int, float)) and not isinstance(value, bool) and formats.get(c):
                    cell.number_format = formats[c]
                if c < len(widths):
                    shown = _shown_width(value, formats.get(c))
                    widths[c] = max(widths[c], shown + 2)
                    if shown > MAX_WIDTH - 2 or (isinstance(value, str) and "\n" in value):
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
                colours = sheet.fills.get((r, c))
                if colours:
                    cell.fill = PatternFill("solid", fgColor=colours[0].lstrip("#").upper())
                    cell.font = Font(color=colours[1].lstrip("#").upper())
        ws.freeze_panes = sheet.freeze
        last = _col(max(1, len(sheet.headers)))
        ws.auto_filter.ref = f"A1:{last}{max(1, len(sheet.rows) + 1)}"
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[_col(i)].width = min(MAX_WIDTH, max(8, width))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_csv(headers: list[str], rows: list[list], delimiter: str = ";") -> bytes:
    # tables.csv_table is the one guarded CSV writer; export adds the BOM that Excel needs.
    text = csv_table(headers, [["" if v is None else str(v) for v in row] for row in rows], delimiter=delimiter)
    return ("\ufeff" + text).encode("utf-8")
