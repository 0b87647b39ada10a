"""Et let Turtle-leksikon med positioner / the one Turtle tokenizer: tokens with line and column.

rdflib and pyoxigraph keep no source positions, so the locator (and ``fmt``, which must keep
comments) need their own view of the text. It runs only on text that the strict parser has
already accepted, so it can stay simple: https://www.w3.org/TR/turtle/#sec-grammar-grammar
``TOKEN_SPEC`` is the one set of token rules; ``tokenize`` (Token objects), ``lex`` (plain tuples,
for the check's hot path) and :mod:`arkitektur.turtle.scan` all read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

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

TOKEN_SPEC = [
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
_MASTER = re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in TOKEN_SPEC))


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


# The same tokens, each with the whitespace and comments before it skipped in the same match.
SIGNIFICANT = re.compile(r"(?:[ \t\r\n]+|#[^\r\n]*)*(?:" + "|".join(
    f"(?P<{k}>{rx})" for k, rx in TOKEN_SPEC if k not in ("WS", "COMMENT")) + ")")


def lex(text: str) -> list[tuple]:
    """``(kind, text, offset)`` of each significant token: ``tokenize``'s rules without building a
    Token per token (a finding's block is lexed on the check's path); stops where ``tokenize`` raises."""
    out = []
    prev = ""
    pos, n = 0, len(text)
    match = SIGNIFICANT.match
    while pos < n:
        m = match(text, pos)
        if m is None:
            break
        kind = m.lastgroup
        if kind == "DIRECTIVE" and prev == "STRING":
            kind = "LANGTAG"  # "x"@base is a language tag, not a directive
        prev = kind
        out.append((kind, m.group(kind), m.start(kind)))
        pos = m.end()
    return out


_STRING_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}


def string_value(token: str) -> str:
    """The value of a STRING token (quotes removed, escapes resolved)."""
    q = 3 if token[:3] in ('"""', "'''") else 1
    body = token[q:-q]
    if "\\" not in body:
        return body

    def one(m: re.Match) -> str:
        hexa = m.group(1) or m.group(2)
        return chr(int(hexa, 16)) if hexa else _ECHARS.get(m.group(3), m.group(3))

    return _STRING_ESCAPE.sub(one, body)
