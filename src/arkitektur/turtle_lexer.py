"""Et let Turtle-leksikon med positioner / a small Turtle tokenizer that keeps line and column.

rdflib and pyoxigraph keep no source positions, so the locator (and ``fmt``, which must keep
comments) need their own view of the text. It runs only on text that the strict parser has
already accepted, so it can stay simple: https://www.w3.org/TR/turtle/#sec-grammar-grammar
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator
from urllib.parse import urljoin

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})"
    rf"(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"\\[tbnrf\"'\\]"

_TOKEN_SPEC = [
    ("WS", r"[ \t\r\n]+"),
    ("COMMENT", r"#[^\r\n]*"),
    ("IRI", rf"<(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>"),
    ("STRING", rf'"""(?:[^"\\]|"(?!"")|{_ECHAR}|{_UCHAR})*"""'
               rf"|'''(?:[^'\\]|'(?!'')|{_ECHAR}|{_UCHAR})*'''"
               rf'|"(?:[^"\\\r\n]|{_ECHAR}|{_UCHAR})*"'
               rf"|'(?:[^'\\\r\n]|{_ECHAR}|{_UCHAR})*'"),
    ("DIRECTIVE", r"@(?:prefix|base)(?![A-Za-z0-9-])"),
    ("LANGTAG", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("DTYPE", r"\^\^"),
    ("BNODE", rf"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"),
    ("ANON", r"\[[ \t\r\n]*\]"),
    ("NUMBER", r"[+-]?(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+"
               r"|[0-9]*\.[0-9]+|[0-9]+)"),
    ("PNAME", rf"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
    ("KEYWORD", r"(?i:PREFIX|BASE)\b|true\b|false\b|a\b"),
    ("PUNCT", r"[.;,\[\]()]"),
]
_MASTER = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _TOKEN_SPEC))


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int
    column: int
    offset: int


class LexError(ValueError):
    def __init__(self, line: int, column: int, text: str) -> None:
        super().__init__(f"unexpected input at line {line}, column {column}: {text!r}")
        self.line = line
        self.column = column


def tokenize(text: str, *, keep_space: bool = False) -> Iterator[Token]:
    """Yield tokens with 1-based line and column; whitespace only when ``keep_space``."""
    pos = 0
    line = 1
    line_start = 0
    n = len(text)
    prev_kind = ""
    while pos < n:
        m = _MASTER.match(text, pos)
        if m is None:
            raise LexError(line, pos - line_start + 1, text[pos:pos + 20])
        kind = m.lastgroup or ""
        tok_text = m.group()
        if kind == "DIRECTIVE" and prev_kind == "STRING":
            kind = "LANGTAG"  # "x"@base is a language tag, not a directive
        if kind not in ("WS", "COMMENT"):
            prev_kind = kind
        if kind != "WS" or keep_space:
            yield Token(kind, tok_text, line, pos - line_start + 1, pos)
        newlines = tok_text.count("\n")
        if newlines:
            line += newlines
            line_start = pos + tok_text.rindex("\n") + 1
        pos = m.end()


_LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")
_UCHAR_RX = re.compile(_UCHAR)


@lru_cache(maxsize=4096)
def resolve_iri(base: str | None, iri: str) -> str:
    """``iri`` (unescaped) resolved against ``base`` as the parser resolves it (RFC 3986).

    pyoxigraph itself resolves it: ``urllib.parse.urljoin`` drops an empty fragment (``<#>``
    against ``<http://example.org/ex>`` gives ``…/ex``, not ``…/ex#``), so ``@prefix : <#>``
    under a ``@base`` would name other IRIs than the triples have.
    """
    if not base:
        return iri
    import pyoxigraph as ox

    try:
        quad = next(iter(ox.parse(f"<{iri}> <urn:x> <urn:x> .".encode("utf-8"), format=ox.RdfFormat.TURTLE,
                                  base_iri=base)))
        return quad.subject.value
    except (SyntaxError, ValueError, StopIteration):  # not an IRI the parser accepts: best effort
        return urljoin(base, iri)


def unescape_iri(iri_body: str) -> str:
    return _UCHAR_RX.sub(lambda m: chr(int(m.group()[2:], 16)), iri_body)


def expand_pname(pname: str, prefixes: dict[str, str]) -> str | None:
    prefix, _, local = pname.partition(":")
    ns = prefixes.get(prefix)
    if ns is None:
        return None
    return ns + _LOCAL_ESCAPE.sub(r"\1", local)
