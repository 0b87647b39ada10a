"""Escaping af brugertekst / makes labels from user data safe as DOT strings, SVG text, HTML text and hrefs.

Every label in a diagram or the meeting pack comes from the models, so it is data, never markup:
- DOT: backslashes are doubled (so ``\\N``, ``\\G``, ``\\l`` come out literally) and ``&`` becomes
  ``&amp;`` (Graphviz decodes HTML entities in every label, also plain ones). Quotes are left to the
  ``graphviz`` package's quoting, and the renderer marks every value ``nohtml`` so a label starting
  with ``<`` never becomes an HTML-like label. https://graphviz.org/docs/attr-types/escString/
- HTML: ``html.escape`` with quotes.
- hrefs: only absolute ``http:``/``https:`` IRIs; anything else (``javascript:``, ``data:`` …) is dropped.
"""

from __future__ import annotations

import html
import re
import textwrap
from urllib.parse import urlsplit

# C0/C1 control characters (except newline, handled as a line break) are not valid in XML 1.0.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


# Characters that act on a terminal or reorder what a reader sees: C0 controls but tab and newline,
# DEL, C1 (ESC sequences, bell, carriage return …) and the bidirectional overrides ("Trojan source").
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with every terminal control and bidi override written as ``\\uXXXX``.

    Applied to every text a command writes (``files.write_output``): a label cannot ring the bell,
    move the cursor or reverse a line. In JSON, Turtle and SPARQL results ``\\uXXXX`` is the same
    escape those formats use, so the data they carry is unchanged.
    """
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def clean(text: object) -> str:
    """Plain text without control characters; CR/LF pairs become one newline."""
    s = "" if text is None else str(text)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(" ", s)


def dot_text(text: object) -> str:
    """One line of user text as the inside of a DOT escString (no line breaks left)."""
    s = clean(text).replace("\n", " ")
    return s.replace("\\", "\\\\").replace("&", "&amp;")


def dot_lines(lines: list[str], align: str = "c") -> str:
    """Several lines joined with DOT line breaks: ``\\n`` centred, ``\\l`` left-justified."""
    brk = "\\l" if align == "l" else "\\n"
    text = brk.join(dot_text(line) for line in lines)
    return text + brk if align == "l" and text else text


def wrap(text: object, width: int = 28, max_lines: int = 4) -> list[str]:
    """Word-wrapped lines for a diagram label; a word longer than ``width`` is split; … if cut."""
    s = clean(text)
    out: list[str] = []
    hard = max(int(width * 1.5), width + 8)  # a somewhat long word stays whole; a very long one is split
    for para in s.split("\n") or [""]:
        for line in textwrap.wrap(para, width=width, break_long_words=False, break_on_hyphens=False) or [""]:
            out.extend(line[i:i + hard] for i in range(0, len(line), hard)) if len(line) > hard else out.append(line)
    if len(out) > max_lines:
        out = out[:max_lines]
        out[-1] = (out[-1][: max(0, width - 1)]).rstrip() + "…"
    return out


def short(text: object, width: int = 60) -> str:
    """One line, cut with … after ``width`` characters."""
    s = " ".join(clean(text).split())
    return s if len(s) <= width else s[: width - 1].rstrip() + "…"


def h(text: object) -> str:
    """Text for HTML element content or a quoted attribute value."""
    return html.escape(clean(text), quote=True)


def safe_href(iri: object) -> str | None:
    """The IRI if it is an absolute http(s) URL without spaces or quotes, else ``None``."""
    s = "" if iri is None else str(iri)
    if not s or any(c in s for c in " \t\r\n\"'<>\\`") or _CONTROL.search(s):
        return None
    try:
        parts = urlsplit(s)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return s
