"""Tabeller / renders a header and rows as an aligned text table, a Markdown table or CSV."""

from __future__ import annotations

import csv
import html
import datetime as dt
import io
import re
import textwrap
import unicodedata
from collections.abc import Sequence

# A spreadsheet runs a cell that begins with one of these as a formula (CSV/formula injection,
# e.g. a label ``=HYPERLINK("http://evil","x")``); such text gets a leading apostrophe.
RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def cell(value) -> str:
    """A value as table text: dates in ISO form, ``None`` as empty."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    return str(value)


def _width(text: str) -> int:
    # Combining marks take no column in a terminal; everything we print is otherwise narrow.
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


#: A word longer than this may be broken inside a cell (an IRI); shorter words never are.
LONG_WORD = 24


def _floor(column: list[str]) -> int:
    """The narrowest a column may get: its longest word (dates, statuses, names stay whole)."""
    return max((min(_width(word), LONG_WORD) for v in column for word in v.split()), default=0)


#: A column at most this wide (a date range, a name, a status) stays whole while the wide ones wrap.
SHORT = 24


def _fit(widths: list[int], floors: list[int], room: int) -> list[int] | None:
    """Column widths that fit ``room`` columns, or ``None`` if even every column at its floor is
    too wide. The short columns (IDs, dates, periods, names, statuses) keep their width when they
    can, and the long texts (systems, plans, tasks) take the extra lines."""
    if sum(widths) <= room:
        return widths
    if sum(floors) > room:
        return None
    flex = [i for i, w in enumerate(widths) if w > SHORT]
    fixed = sum(w for w in widths if w <= SHORT)
    if flex and fixed + sum(floors[i] for i in flex) <= room:
        fitted = list(widths)
        for i, v in zip(flex, _cap([widths[i] for i in flex], [floors[i] for i in flex], room - fixed)):
            fitted[i] = v
        return fitted
    return _cap(widths, floors, room)


def _cap(widths: list[int], floors: list[int], room: int) -> list[int]:
    """The widest columns cut to one common cap (never below a column's floor) until they fit."""
    cap = max(widths)
    while cap > 0 and sum(max(f, min(w, cap)) for w, f in zip(widths, floors)) > room:
        cap -= 1
    fitted = [max(f, min(w, cap)) for w, f in zip(widths, floors)]
    spare = room - sum(fitted)  # what the common cap left unused goes to the cut columns, left to right
    for i, w in enumerate(widths):
        extra = min(spare, w - fitted[i])
        if extra > 0:
            fitted[i] += extra
            spare -= extra
    return fitted


def _wrap_cell(text: str, width: int) -> list[str]:
    if _width(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def _records(headers: Sequence[str] | None, body: list[list[str]], indent: str, width: int) -> str:
    """The table one row at a time, a cell a line (``Header: value``): for a terminal too narrow
    for the columns, like psql's expanded display."""
    lines = []
    for r in body:
        lines.append(fold(indent + r[0], width))
        for i, v in enumerate(r[1:], start=1):
            if v:
                head = f"{headers[i]}: " if headers is not None and headers[i] else ""
                lines.append(fold(f"{indent}  {head}{v}", width, "  "))
    return "\n".join(lines)


def text_table(headers: Sequence[str] | None, rows: Sequence[Sequence], indent: str = "", *,
               underline: bool = False, width: int | None = None) -> str:
    """Columns padded to the widest cell, two spaces apart; no trailing blanks; no header if
    ``None``; with ``underline`` a line of dashes under the header. With ``width`` (a terminal's
    columns) a table wider than that wraps the text inside its widest cells onto more lines, so
    that a row stays a row instead of a line the terminal folds at random; if the columns cannot
    fit without breaking words, each row is written as ``Header: value`` lines instead."""
    table = ([[cell(v) for v in headers]] if headers is not None else []) + [[cell(v) for v in r] for r in rows]
    if not table:
        return ""
    widths = [max(_width(r[i]) for r in table) for i in range(len(table[0]))]
    if width is not None:
        fitted = _fit(widths, [_floor([r[i] for r in table]) for i in range(len(widths))],
                      width - len(indent) - 2 * (len(widths) - 1))
        if fitted is None:
            return _records(table[0] if headers is not None else None,
                            table[1:] if headers is not None else table, indent, width)
        widths = fitted
    lines = []
    for n, r in enumerate(table):
        wrapped = [_wrap_cell(v, widths[i]) for i, v in enumerate(r)]
        for k in range(max(len(c) for c in wrapped)):
            parts = [(c[k] if k < len(c) else "") for c in wrapped]
            parts = [v + " " * (widths[i] - _width(v)) for i, v in enumerate(parts)]
            lines.append((indent + "  ".join(parts)).rstrip())
        if n == 0 and underline and headers is not None:
            lines.append((indent + "  ".join("-" * w for w in widths)).rstrip())
    return "\n".join(lines)


def fold(line: str, width: int | None, hanging: str = "  ") -> str:
    """``line`` wrapped to ``width`` columns, continuation lines indented by ``hanging``; unchanged
    without a width. Words are never broken, so a ``file:line:col:`` or an IRI stays one piece
    that an editor or terminal can still follow."""
    if width is None or _width(line) <= width:
        return line
    body = line.lstrip(" ")
    lead = line[:len(line) - len(body)]
    return "\n".join(textwrap.wrap(body, width, initial_indent=lead, subsequent_indent=lead + hanging,
                                    break_long_words=False, break_on_hyphens=False))


def _md(value) -> str:
    """User text as the inside of a table cell: HTML escaped (a label is data, never markup),
    backslashes and pipes escaped, line breaks as ``<br>`` – the one markup a cell gets."""
    text = html.escape(cell(value), quote=False)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    """A GitHub-flavoured Markdown table (HTML and pipes escaped, line breaks as ``<br>``)."""
    lines = ["| " + " | ".join(_md(h) for h in headers) + " |",
             "|" + "|".join("---" for _ in headers) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(_md(v) for v in r) + " |")
    return "\n".join(lines)


def csv_cell(value) -> str:
    """A value as CSV text that no spreadsheet runs as a formula: text that begins with
    ``= + - @``, tab or CR gets a leading apostrophe (which the spreadsheet shows as text and our
    own import removes); a plain number such as ``-5`` or ``+1.5e3`` stays as it is."""
    text = cell(value)
    if text.startswith(RISKY_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_table(headers: Sequence[str], rows: Sequence[Sequence], *, delimiter: str = ",",
              lineterminator: str = "\r\n") -> str:
    """CSV (RFC 4180 by default: comma, double quotes, CRLF line ends), one header line; every
    cell guarded by ``csv_cell``. The one CSV writer of every command."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator, quoting=csv.QUOTE_MINIMAL)
    writer.writerow([csv_cell(h) for h in headers])
    for r in rows:
        writer.writerow([csv_cell(v) for v in r])
    return buf.getvalue()
