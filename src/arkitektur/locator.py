"""Hvor står et element? / maps each IRI to the file and line where it is first written as a subject."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .turtle.iri import resolve_iri, token_iri, unescape_iri
from .turtle.lexer import LexError, lex, string_value
from .turtle.scan import ScanGap, mentions, scan_subjects

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
    _texts: dict = field(default_factory=dict, repr=False, compare=False)  # file -> (text, prefixes, base)

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
        # The strict parser accepted the file, so a ScanGap or LexError is a gap in our rules:
        # positions are a convenience, never a reason to fail a check.
        prefixes: dict = {}
        try:
            prefixes = scan_subjects(display_name, text, self.subjects, base)[0]
        except ScanGap:
            pass
        self._texts[display_name] = (text, prefixes, base)
        try:
            mentions(display_name, text, self.mentions, base)
        except LexError:
            pass

    def source(self, file: str):
        """``Source`` of a scanned file, or None (made on demand: only findings need it; kept, as
        the text is not on disk)."""
        cache = self.__dict__.setdefault("_sources", {})
        if file not in cache:
            text, prefixes, base = self._texts.get(file, (None, None, None))
            cache[file] = None if text is None else Source(text, prefixes, base, self._starts_of(file))
        return cache[file]

    def _starts_of(self, file: str) -> list[int]:
        return sorted(line for f, line in self.subjects.values() if f == file)

    def position(self, focus: str, path: str | None = None, value: str | None = None) -> Where:
        """Where a finding on ``focus`` points: the offending term of the triple (``focus`` ``path``
        ``value``) – the predicate when ``value`` is ``path`` (an unknown property, MOD-1), else the
        object – when that triple is written in the focus's statement block; otherwise the focus
        where it is written as a subject."""
        return self.positions([(focus, path, value)])[0]

    def positions(self, requests: list[tuple], keep: bool = False) -> list[Where]:
        """``position`` for each ``(focus, path, value)``, one file at a time: each file with a
        finding is read once, each of its statement blocks lexed at most once, and its text let go
        before the next file (a check at 98 × 400 finds something in nearly every file) – unless
        ``keep``: more requests are coming (``release_all`` afterwards)."""
        out: list = [None] * len(requests)
        by_file: dict = {}
        for i, (focus, path, value) in enumerate(requests):
            file, line = self.locate(focus)
            if file is None or line is None:
                out[i] = Where(file, line)
            else:
                by_file.setdefault(file, []).append((line, i))
        for file, wanted in by_file.items():
            src = self.source(file)
            if src is None and self.fallback is not None and hasattr(self.fallback, "source"):
                src = self.fallback.source(file)
            for line, i in sorted(wanted):
                focus, path, value = requests[i]
                out[i] = Where(file, line) if src is None else src.position(line, focus, path, value, file)
            if not keep:
                self.release(file)
        return out

    def release_all(self) -> None:
        """``release`` every file ``positions`` kept."""
        for file in list(self.__dict__.get("_sources", {})):
            self.release(file)

    def release(self, file: str) -> None:
        """Let go of what ``source`` holds for ``file`` when it can be read again (here: never)."""


class Source:
    """One file's text, the prefixes and base in force at its end, and where its subjects start:
    enough to re-read one statement block with positions.

    The text stays one string (no list of lines): a file's many small line strings, freed among
    the findings' long-lived objects, would keep their memory from being returned."""

    def __init__(self, text: str, prefixes: dict, base: str | None, starts: list[int]) -> None:
        self.text = text
        self.prefixes = prefixes
        self.base = base
        self.starts = starts
        # Lines looked up and the offsets where they start, in order: the next look-up walks on
        # from the nearest one above (findings arrive in batches, each batch in line order).
        self._lines, self._offsets = [1], [0]
        self._block: _Block | None = None  # the last block lexed: findings come in line order
        self._iris: dict = {}

    def iris_changed(self) -> None:
        """A block redefined a prefix or the base: names read so far may mean other IRIs."""
        self._iris = {}

    def _offset(self, line: int) -> int | None:
        """Where ``line`` (1-based) starts; None past the end. Cheap near a line looked up before."""
        if line < 1:
            return None
        k = bisect.bisect_right(self._lines, line) - 1
        at_line = self._lines[k]
        pos = _skip_lines(self.text, self._offsets[k], line - at_line)
        if pos is not None and line != at_line:
            self._lines.insert(k + 1, line)
            self._offsets.insert(k + 1, pos)
        return pos

    def line(self, line: int) -> str | None:
        """The text of one line, or None past the end."""
        start = self._offset(line)
        if start is None:
            return None
        end = self.text.find("\n", start)
        return self.text[start:] if end < 0 else self.text[start:end]

    def block(self, line: int) -> str:
        """The text of the statement block that starts at ``line`` (up to the next subject's line)."""
        start = self._offset(line)
        if start is None:
            return ""
        k = bisect.bisect_right(self.starts, line)
        end = _skip_lines(self.text, start, self.starts[k] - line) if k < len(self.starts) else None
        return self.text[start:] if end is None else self.text[start:end - 1]

    def statements(self, line: int) -> "_Block":
        """The statements of the block that starts at ``line``, lexed (the last one kept)."""
        if self._block is None or self._block.line != line:
            self._block = _Block(self.block(line), line, self)
        return self._block

    def iri(self, tok: tuple) -> str | None:
        """The IRI a token names, with the file's prefixes (cached: a block repeats its predicates)."""
        key = tok[1]
        hit = self._iris.get(key, self)
        if hit is self:
            hit = self._iris[key] = token_iri(tok[0], key, self.prefixes, self.base)
        return hit

    def position(self, line: int, focus: str, path: str | None, value: str | None, file: str) -> Where:
        if path is None or value is None:  # no triple to find: the subject, from its line alone
            text = self.line(line)
            toks = [] if text is None else lex(text)
            for tok in toks:
                if self.iri(tok) == focus:
                    end = tok[2] + len(tok[1]) + 1
                    return Where(file, line, tok[2] + 1, line, end, tok[1], False, self.prefixes)
            return Where(file, line)
        block = self.statements(line)
        subject_tok = None
        for stok, triples in block.statements:
            if self.iri(stok) != focus:
                continue
            if subject_tok is None:
                subject_tok = stok
            if path is None or value is None:
                break
            for ptok, first, last in triples:
                pred = _RDF_TYPE if ptok[0] == "KEYWORD" and ptok[1] == "a" else self.iri(ptok)
                if pred != path:
                    continue
                if value == path:  # the predicate itself is the offending term
                    return block.where(file, ptok, ptok, True)
                if self._value(first) == value:
                    return block.where(file, first, last, True)
        if subject_tok is not None:
            return block.where(file, subject_tok, subject_tok, False)
        return Where(file, line, _column_in_line(self.line(line), focus, self.prefixes, self.base))

    def _value(self, tok: tuple) -> str | None:
        """An object token as a finding's ``value`` shows it: an IRI, or a literal's lexical form."""
        kind, text = tok[0], tok[1]
        if kind == "STRING":
            return string_value(text)
        if kind in ("NUMBER", "KEYWORD"):
            return text
        if kind in ("IRI", "PNAME"):
            return self.iri(tok)
        return None


class _Block:
    """One statement block, lexed: ``statements`` is ``[(subject token, [(predicate token, first
    object token, last object token)])]``, a token being ``(kind, text, offset in the block)``."""

    def __init__(self, chunk: str, line: int, source: Source) -> None:
        self.line = line
        self.source = source
        self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(chunk)]
        self.statements = list(_statements(lex(chunk), source))

    def _line_col(self, offset: int) -> tuple[int, int]:
        k = bisect.bisect_right(self._line_starts, offset) - 1
        return self.line + k, offset - self._line_starts[k] + 1

    def where(self, file: str, first: tuple, last: tuple, term: bool) -> Where:
        line, column = self._line_col(first[2])
        end_line, end_column = self._line_col(last[2] + len(last[1]))
        text = first[1] if first is last else None
        return Where(file, line, column, end_line, end_column, text, term, self.source.prefixes)


_NEWLINE = re.compile("\n")
# k lines skipped in a few regex matches (powers of two, largest first) rather than k Python steps
_SKIPS = [(1 << b, re.compile(r"(?:[^\n]*\n){%d}" % (1 << b))) for b in range(12, -1, -1)]


def _skip_lines(text: str, pos: int, k: int) -> int | None:
    """The offset after the next ``k`` newlines from ``pos``; None when there are fewer."""
    for size, rx in _SKIPS:
        while k >= size:
            m = rx.match(text, pos)
            if m is None:
                return None
            pos, k = m.end(), k - size
    return pos


def _column_in_line(text: str | None, iri: str, prefixes: dict, base: str | None) -> int | None:
    """The column of the first mention of ``iri`` on ``line`` (a node only mentioned, never a subject)."""
    if text is None:
        return None
    for kind, word, offset in lex(text):
        if token_iri(kind, word, prefixes, base) == iri:
            return offset + 1
    return None


def _directives(toks: list[tuple], prefixes: dict, base: str | None) -> str | None:
    """Collect the prefixes (into ``prefixes``) and return the base in force after ``toks``."""
    for i, (kind, text, _) in enumerate(toks):
        low = text.lower()
        if kind in ("DIRECTIVE", "KEYWORD") and low in ("@prefix", "prefix") and i + 2 < len(toks):
            prefixes[toks[i + 1][1][:-1]] = resolve_iri(base, unescape_iri(toks[i + 2][1][1:-1]))
        elif kind in ("DIRECTIVE", "KEYWORD") and low in ("@base", "base") and i + 1 < len(toks):
            base = resolve_iri(base, unescape_iri(toks[i + 1][1][1:-1]))
    return base


def _statements(toks: list[tuple], source: Source):
    """Yield ``(subject token, [(predicate token, first object token, last object token)])`` for
    each top-level statement in ``toks``; nested blank nodes and collections are stepped over, and
    an ``@prefix`` in the block updates ``source``'s. Tolerant: a block may start in the tail of an
    earlier statement, which then yields nothing useful."""
    n = len(toks)
    i = 0

    def punct(i: int, chars: str) -> bool:
        return i < n and toks[i][0] == "PUNCT" and toks[i][1] in chars

    def skip_group(i: int) -> int:  # toks[i] opens [ or (: the index after its match
        depth = 0
        while i < n:
            if toks[i][0] == "PUNCT":
                t = toks[i][1]
                if t in "[(":
                    depth += 1
                elif t in "])":
                    depth -= 1
                    if depth == 0:
                        return i + 1
            i += 1
        return n

    while i < n:
        tok = toks[i]
        low = tok[1].lower()
        if tok[0] in ("DIRECTIVE", "KEYWORD") and low in ("@prefix", "prefix", "@base", "base"):
            step = 3 if low.endswith("prefix") else 2
            before = (dict(source.prefixes), source.base)
            source.base = _directives(toks[i:i + step], source.prefixes, source.base)
            if (dict(source.prefixes), source.base) != before:
                source.iris_changed()
            i += step
            if low.startswith("@") and punct(i, "."):
                i += 1
            continue
        subject_tok = tok
        i = skip_group(i) if tok[0] == "PUNCT" and tok[1] in "[(" else i + 1
        triples: list = []
        while i < n and not punct(i, "."):
            ptok = toks[i]
            if ptok[0] == "PUNCT":  # ; or a stray token: step on
                i += 1
                continue
            i += 1
            while i < n:
                kind = toks[i][0]
                if kind == "PUNCT" and toks[i][1] in "[(":
                    j = skip_group(i)
                elif kind == "STRING":
                    j = i + 1
                    if j < n and toks[j][0] == "LANGTAG":
                        j += 1
                    elif j + 1 < n and toks[j][0] == "DTYPE":
                        j += 2
                elif kind == "PUNCT":  # ; . , ] without an object: malformed here, stop
                    break
                else:
                    j = i + 1
                triples.append((ptok, toks[i], toks[j - 1]))
                i = j
                if punct(i, ","):
                    i += 1
                    continue
                break
            if punct(i, ";"):
                i += 1
            elif i < n and not punct(i, "."):
                i += 1  # something we do not follow: step on rather than loop
        i += 1
        yield subject_tok, triples
