"""Tabeller / renders a header and rows as an aligned text table, a Markdown table or CSV."""

from __future__ import annotations

import csv
import html
import datetime as dt
import io
import re
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


def text_table(headers: Sequence[str] | None, rows: Sequence[Sequence], indent: str = "", *,
               underline: bool = False) -> str:
    """Columns padded to the widest cell, two spaces apart; no trailing blanks; no header if
    ``None``; with ``underline`` a line of dashes under the header."""
    table = ([[cell(v) for v in headers]] if headers is not None else []) + [[cell(v) for v in r] for r in rows]
    if not table:
        return ""
    widths = [max(_width(r[i]) for r in table) for i in range(len(table[0]))]
    lines = []
    for r in table:
        parts = [v + " " * (widths[i] - _width(v)) for i, v in enumerate(r)]
        lines.append((indent + "  ".join(parts)).rstrip())
    if underline and headers is not None:
        lines.insert(1, (indent + "  ".join("-" * w for w in widths)).rstrip())
    return "\n".join(lines)


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
