"""Regneark ind og ud / reads and writes tables as xlsx and csv, safely.

Reading: the xlsx is checked for zip bombs and DTDs before openpyxl sees it; formula cells, and
text cells that would run as a formula in a spreadsheet (``=…``, or ``+ - @`` followed by a
formula), are refused. A leading apostrophe that our own export put before such a value is removed.
Writing: cells beginning with ``= + - @``, tab or CR are written as text (xlsx: string type and
quote prefix; csv: a leading apostrophe), so no spreadsheet runs them (formula injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .safety import HostileInput, check_zip, read_capped

RISKY_START = ("=", "+", "-", "@", "\t", "\r")
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


def escape_csv(text: str) -> str:
    return "'" + text if text.startswith(RISKY_START) else text


def _refuse(origin: str, where: str, value: str):
    shown = value if len(value) <= 40 else value[:40] + "…"
    raise HostileInput(
        f"cellen {where} indeholder en formel ({shown!r}); formler indlæses ikke af sikkerhedshensyn. "
        "Gem arket med værdier i stedet for formler (eller skriv en apostrof foran).",
        f"cell {where} holds a formula ({shown!r}); formulas are refused for safety. Save the sheet with "
        "values instead of formulas (or put an apostrophe in front).", code="ARK-E78", file=origin)


def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


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


def write_xlsx(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    fixed = dt.datetime(2000, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    for name, headers, rows in sheets:
        ws = wb.create_sheet(name[:31])
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(RISKY_START):
                    cell.data_type = "s"
                    cell.quotePrefix = True
        ws.freeze_panes = "A2"
        for i, h in enumerate(headers, start=1):
            width = max([len(str(h))] + [len(str(r[i - 1])) for r in rows if i - 1 < len(r) and r[i - 1] is not None])
            ws.column_dimensions[_col(i)].width = min(60, max(10, width + 2))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_csv(headers: list[str], rows: list[list], delimiter: str = ";") -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(headers)
    for row in rows:
        w.writerow(["" if v is None else escape_csv(str(v)) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
