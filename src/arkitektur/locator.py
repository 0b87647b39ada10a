"""Hvor står et element? / maps each IRI to the file and line where it is first written as a subject."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .turtle_lexer import LexError, Token, expand_pname, resolve_iri, tokenize, unescape_iri

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class Where:
    """Where a finding points: its file, line and column (1-based), and the term written there.

    ``end_line``/``end_column`` end the term (the column after its last character, as SARIF and
    LSP count); ``text`` is the term as the file spells it and ``prefixes`` those in force, so a
    proposed replacement can be written in the same style (suggest.py).
    """

    file: str | None = None
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    text: str | None = None
    term: bool = False  # True: the offending term itself; False: the focus's subject token
    prefixes: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass
class Locator:
    """Positions of subjects (and, as a fallback, of any mention) per IRI."""

    subjects: dict[str, tuple[str, int]] = field(default_factory=dict)
    mentions: dict[str, tuple[str, int]] = field(default_factory=dict)
    fallback: "Locator | None" = None

    def locate(self, iri: str) -> tuple[str | None, int | None]:
        """Where ``iri`` is written as a subject; else where it is first mentioned."""
        hit = self.subjects.get(iri)
        if hit is None and self.fallback is not None:
            hit = self.fallback.subjects.get(iri)
        if hit is None:
            hit = self.mentions.get(iri)
        if hit is None and self.fallback is not None:
            hit = self.fallback.mentions.get(iri)
        return hit if hit else (None, None)

    def add_file(self, display_name: str, text: str, base: str | None = None) -> None:
        """Scan one Turtle document (already accepted by the strict parser)."""
        self._texts = getattr(self, "_texts", {})
        self._texts[display_name] = (text, base)
        try:
            _scan(display_name, text, base, self)
        except LexError:
            # The strict parser accepted the file, so this is a gap in our tokenizer: positions
            # are a convenience, never a reason to fail a check.
            pass


    def source(self, file: str):
        """``Source`` of a scanned file, or None (made on demand: only findings need it)."""
        cache = self.__dict__.setdefault("_sources", {})
        if file not in cache:
            text, base = getattr(self, "_texts", {}).get(file, (None, None))
            cache[file] = None if text is None else Source.of(text, base, self._starts_of(file))
        return cache[file]

    def _starts_of(self, file: str) -> list[int]:
        return sorted(line for f, line in self.subjects.values() if f == file)

    def position(self, focus: str, path: str | None = None, value: str | None = None) -> Where:
        """Where a finding on ``focus`` points (SPEC §4 v1.1): the offending term of the triple
        (``focus`` ``path`` ``value``) – the predicate when ``value`` is ``path`` (an unknown
        property, MOD-1), else the object – when that triple is written in the focus's statement
        block; otherwise the focus where it is written as a subject."""
        file, line = self.locate(focus)
        if file is None or line is None:
            return Where(file, line)
        src = self.source(file)
        if src is None and self.fallback is not None and hasattr(self.fallback, "source"):
            src = self.fallback.source(file)
        if src is None:
            return Where(file, line)
        return src.position(line, focus, path, value, file)


class Source:
    """One file's lines, the prefixes and base in force at its end, and where its subjects start:
    enough to re-read one statement block with positions."""

    def __init__(self, lines: list[str], prefixes: dict, base: str | None, starts: list[int]) -> None:
        self.lines = lines
        self.prefixes = prefixes
        self.base = base
        self.starts = starts
        self._blocks: dict = {}

    @classmethod
    def of(cls, text: str, base: str | None, starts: list[int]) -> "Source":
        prefixes: dict = {}
        try:
            _directives(list(tokenize(text)), prefixes, base)
        except LexError:
            pass
        return cls(text.split("\n"), prefixes, base, starts)

    def statements(self, line: int) -> list:
        """The statements of the block that starts at ``line`` (up to the next subject's line)."""
        hit = self._blocks.get(line)
        if hit is None:
            k = bisect.bisect_right(self.starts, line)
            nxt = self.starts[k] if k < len(self.starts) else len(self.lines) + 1
            chunk = "\n".join(self.lines[line - 1:nxt - 1])
            try:
                toks = [t for t in tokenize(chunk) if t.kind != "COMMENT"]
            except LexError:  # a block that starts inside a long string: no positions from here
                toks = []
            hit = self._blocks[line] = list(_statements(toks, dict(self.prefixes), self.base, line - 1))
        return hit

    def position(self, line: int, focus: str, path: str | None, value: str | None, file: str) -> Where:
        subject_tok = None
        for subject, stok, triples in self.statements(line):
            if subject != focus:
                continue
            if subject_tok is None:
                subject_tok = stok
            if path is None or value is None:
                break
            for pred, ptok, first, last, key in triples:
                if pred != path:
                    continue
                if value == path:  # the predicate itself is the offending term
                    return _where(file, ptok, ptok, True, self.prefixes)
                if key is not None and key[1] == value:
                    return _where(file, first, last, True, self.prefixes)
        if subject_tok is not None:
            return _where(file, subject_tok, subject_tok, False, self.prefixes)
        return Where(file, line, _column_in_line(self.lines, line, focus, self.prefixes, self.base))


def _where(file: str, first: Token, last: Token, term: bool, prefixes: dict) -> Where:
    end_line = last.line + last.text.count("\n")
    end_column = (len(last.text) - last.text.rfind("\n") if "\n" in last.text
                  else last.column + len(last.text))
    text = first.text if first is last else None
    return Where(file, first.line, first.column, end_line, end_column, text, term, prefixes)


def _column_in_line(lines: list[str], line: int, iri: str, prefixes: dict, base: str | None) -> int | None:
    """The column of the first mention of ``iri`` on ``line`` (a node only mentioned, never a subject)."""
    if not 0 < line <= len(lines):
        return None
    try:
        for tok in tokenize(lines[line - 1]):
            if _resolve(tok, prefixes, base) == iri:
                return tok.column
    except LexError:
        pass
    return None


def _directives(toks: list[Token], prefixes: dict, base: str | None) -> str | None:
    """Collect the prefixes (into ``prefixes``) and return the base in force after ``toks``."""
    for i, tok in enumerate(toks):
        low = tok.text.lower()
        if tok.kind in ("DIRECTIVE", "KEYWORD") and low in ("@prefix", "prefix") and i + 2 < len(toks):
            prefixes[toks[i + 1].text[:-1]] = resolve_iri(base, unescape_iri(toks[i + 2].text[1:-1]))
        elif tok.kind in ("DIRECTIVE", "KEYWORD") and low in ("@base", "base") and i + 1 < len(toks):
            base = resolve_iri(base, unescape_iri(toks[i + 1].text[1:-1]))
    return base


_ECHAR = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}


def _string_value(text: str) -> str:
    q = 3 if text[:3] in ('"""', "'''") else 1
    body = text[q:-q]

    def one(m):
        if m.group(1) or m.group(2):
            return chr(int(m.group(1) or m.group(2), 16))
        return _ECHARS.get(m.group(3), m.group(3))

    return _ECHAR.sub(one, body) if "\\" in body else body


def _statements(toks: list[Token], prefixes: dict, base: str | None, line_offset: int):
    """Yield ``(subject IRI, subject token, [(predicate IRI, predicate token, first object token,
    last object token, ("iri"|"lit", value) or None)])`` for each top-level statement in ``toks``;
    nested blank nodes and collections are stepped over. Token lines are moved by ``line_offset``.
    Tolerant: the block may start in the tail of an earlier statement, which then yields nothing useful.
    """
    toks = [Token(t.kind, t.text, t.line + line_offset, t.column, t.offset) for t in toks]
    n = len(toks)
    i = 0

    def skip_group(i: int) -> int:  # toks[i] opens [ or (: the index after its match
        depth = 0
        while i < n:
            t = toks[i].text if toks[i].kind == "PUNCT" else ""
            if t in ("[", "("):
                depth += 1
            elif t in ("]", ")"):
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return n

    while i < n:
        tok = toks[i]
        low = tok.text.lower()
        if tok.kind in ("DIRECTIVE", "KEYWORD") and low in ("@prefix", "prefix", "@base", "base"):
            step = 3 if low.endswith("prefix") else 2
            base = _directives(toks[i:i + step], prefixes, base)
            i += step
            if low.startswith("@") and i < n and toks[i].text == ".":
                i += 1
            continue
        subject_tok = tok
        subject = _resolve(tok, prefixes, base)
        i = skip_group(i) if tok.kind == "PUNCT" and tok.text in "[(" else i + 1
        triples: list = []
        while i < n and not (toks[i].kind == "PUNCT" and toks[i].text == "."):
            ptok = toks[i]
            if ptok.kind == "PUNCT":  # ; or a stray token: step on
                i += 1
                continue
            pred = _RDF_TYPE if ptok.kind == "KEYWORD" and ptok.text == "a" else _resolve(ptok, prefixes, base)
            i += 1
            while i < n:
                first = toks[i]
                key = None
                if first.kind == "PUNCT" and first.text in "[(":
                    j = skip_group(i)
                elif first.kind == "STRING":
                    key = ("lit", _string_value(first.text))
                    j = i + 1
                    if j < n and toks[j].kind == "LANGTAG":
                        j += 1
                    elif j + 1 < n and toks[j].kind == "DTYPE":
                        j += 2
                elif first.kind in ("NUMBER", "KEYWORD"):
                    key, j = ("lit", first.text), i + 1
                elif first.kind == "PUNCT":  # ; . , ] without an object: malformed here, stop
                    break
                else:
                    iri = _resolve(first, prefixes, base)
                    key, j = (None if iri is None else ("iri", iri)), i + 1
                triples.append((pred, ptok, first, toks[j - 1], key))
                i = j
                if i < n and toks[i].kind == "PUNCT" and toks[i].text == ",":
                    i += 1
                    continue
                break
            if i < n and toks[i].kind == "PUNCT" and toks[i].text == ";":
                i += 1
            elif i < n and not (toks[i].kind == "PUNCT" and toks[i].text == "."):
                i += 1  # something we do not follow: step on rather than loop
        i += 1
        yield subject, subject_tok, triples


def _resolve(tok: Token, prefixes: dict[str, str], base: str | None) -> str | None:
    if tok.kind == "IRI":
        iri = unescape_iri(tok.text[1:-1])
        return resolve_iri(base, iri)
    if tok.kind == "PNAME":
        return expand_pname(tok.text, prefixes)
    return None


def _scan(name: str, text: str, base: str | None, loc: Locator) -> None:
    prefixes: dict[str, str] = {}
    toks = list(t for t in tokenize(text) if t.kind != "COMMENT")
    i = 0
    depth = 0  # nesting of [ ] and ( )
    expect_subject = True
    while i < len(toks):
        tok = toks[i]
        low = tok.text.lower()
        if depth == 0 and expect_subject and tok.kind in ("DIRECTIVE", "KEYWORD") and low in (
            "@prefix", "prefix", "@base", "base"
        ):
            if low.endswith("prefix") and i + 2 < len(toks):
                pfx = toks[i + 1].text[:-1]
                iri = unescape_iri(toks[i + 2].text[1:-1])
                prefixes[pfx] = resolve_iri(base, iri)
                i += 3
            elif i + 1 < len(toks):
                iri = unescape_iri(toks[i + 1].text[1:-1])
                base = resolve_iri(base, iri)
                i += 2
            if low.startswith("@") and i < len(toks) and toks[i].text == ".":
                i += 1
            continue
        iri = _resolve(tok, prefixes, base)
        if iri is not None:
            loc.mentions.setdefault(iri, (name, tok.line))
            if depth == 0 and expect_subject:
                loc.subjects.setdefault(iri, (name, tok.line))
        if tok.kind == "PUNCT":
            if tok.text in "[(":
                depth += 1
            elif tok.text in "])":
                depth -= 1
            elif tok.text == "." and depth == 0:
                expect_subject = True
                i += 1
                continue
        expect_subject = False
        i += 1
