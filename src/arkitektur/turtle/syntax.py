"""Turtle-dokumentets træ til fmt / reads accepted Turtle into a tree that keeps comments and lexical forms.

``fmt`` rewrites the layout of a file but must keep what the architect wrote: every term's text
(relative IRIs, ``"01"^^xsd:integer``, long strings) and every comment. rdflib and pyoxigraph keep
neither, so this module builds its own tree over :mod:`.lexer`'s tokens, following
the Turtle 1.1 grammar (https://www.w3.org/TR/turtle/#sec-grammar-grammar). It only runs on text
the strict parser has accepted.

Comment attachment (documented in ``docs/onboarding.md`` and the ``fmt`` help):
- a comment on the same line after a term is that term's *trailing* comment (after ``[`` or ``(``:
  the opening comment of that list);
- comments on lines of their own belong to the next term: a statement's subject, a predicate,
  an object or a directive; before ``]``, ``)`` or a statement's final ``.`` they are the list's or
  statement's closing comments;
- comments before the first directive are the file header (with no directive first: those up to
  the last blank line before the first statement); comments after the last statement are the footer.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from dataclasses import dataclass, field

from .iri import expand_pname, resolve_iri, unescape_iri
from .lexer import Token, string_value, tokenize

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMBER_TYPES = (("e", _XSD + "double"), (".", _XSD + "decimal"))


MAX_NESTING = 1000  # levels of [ … ] and ( … ) inside each other; models use a handful


class TooDeep(ValueError):
    """``[ … ]`` and ``( … )`` nested deeper than ``MAX_NESTING``."""

    def __init__(self, token: Token) -> None:
        super().__init__(f"nested deeper than {MAX_NESTING} levels at line {token.line}, column {token.column}")
        self.line = token.line
        self.column = token.column


def nesting(toks: list[Token]) -> int:
    """The deepest nesting of ``[ … ]`` and ``( … )``; ``TooDeep`` at the bracket that passes the limit."""
    depth = deepest = 0
    for tok in toks:
        if tok.kind == "PUNCT" and tok.text in ("[", "("):
            depth += 1
            if depth > MAX_NESTING:
                raise TooDeep(tok)
            deepest = max(deepest, depth)
        elif tok.kind == "PUNCT" and tok.text in ("]", ")"):
            depth -= 1
    return deepest


class SyntaxGap(ValueError):
    """The tree builder met something the strict parser accepted but it does not understand."""

    def __init__(self, token: Token | None, what: str) -> None:
        where = f"line {token.line}, column {token.column}" if token else "end of file"
        super().__init__(f"{what} at {where}")
        self.line = token.line if token else None
        self.column = token.column if token else None


@dataclass
class Comment:
    text: str
    line: int = 0
    blank_before: bool = False  # a blank line separates it from what precedes it


@dataclass
class Node:
    """A subject or object: a leaf term, ``[ … ]`` (kind ``bnlist``) or ``( … )`` (kind ``list``)."""

    kind: str  # iri | bnode | anon | literal | bnlist | list
    text: str = ""  # leaves: the term as written (literal: string + language tag or ^^datatype)
    key: tuple = ()  # leaves: what the term means, for sorting and for merging subjects
    before: list[str] = field(default_factory=list)
    trailing: list[str] = field(default_factory=list)
    pol: "PredicateList | None" = None  # bnlist
    items: list["Node"] = field(default_factory=list)  # list
    opener: list[str] = field(default_factory=list)  # comment after "[" or "("
    end: list[str] = field(default_factory=list)  # comments before "]" or ")"
    # Filled once, bottom-up, by printer.prepare: recomputing them per comparison made
    # nested ``[ … ]`` take time doubling per level (issue 13).
    flat: str = field(default="", compare=False, repr=False)  # one line without comments
    line: str | None = field(default=None, compare=False, repr=False)  # one-line rendering, if any
    commented: bool = field(default=False, compare=False, repr=False)  # comments inside

    @property
    def mergeable(self) -> bool:
        """Two occurrences with the same text are the same RDF term (not so for [] and lists)."""
        return self.kind in ("iri", "bnode", "literal")


@dataclass
class Verb:
    text: str
    iri: str
    before: list[str] = field(default_factory=list)
    trailing: list[str] = field(default_factory=list)


@dataclass
class Entry:
    verb: Verb
    objects: list[Node] = field(default_factory=list)


class PredicateList:
    """Predicates with their objects; a predicate written twice becomes one entry."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}

    def add(self, verb: Verb, obj: Node) -> None:
        entry = self.entries.get(verb.iri)
        if entry is None:
            entry = self.entries[verb.iri] = Entry(Verb(verb.text, verb.iri))
        if entry.verb is not verb:
            _absorb_verb(entry.verb, verb)
        entry.objects.append(obj)

    def merge(self, other: "PredicateList") -> None:
        for entry in other.entries.values():
            for obj in entry.objects:
                self.add(entry.verb, obj)

    def __bool__(self) -> bool:
        return bool(self.entries)


def _absorb_verb(into: Verb, other: Verb) -> None:
    if other.before or other.trailing:
        into.before.extend(other.before)
        into.trailing.extend(other.trailing)
        other.before, other.trailing = [], []


@dataclass
class Directive:
    kind: str  # prefix | base
    name: str  # "ex:" for a prefix, "" for a base
    iri: str  # the IRI token as written
    resolved: str
    before: list[str] = field(default_factory=list)
    trailing: list[str] = field(default_factory=list)


@dataclass
class Statement:
    subject: Node
    pol: PredicateList
    end: list[str] = field(default_factory=list)  # comments before the final "."


@dataclass
class Document:
    items: list  # Directive | Statement, in file order
    header: list[Comment] = field(default_factory=list)
    footer: list[Comment] = field(default_factory=list)
    depth: int = 0  # deepest nesting of [ … ] and ( … )
    blank_nodes: bool = False  # any _:label, [ … ] or ( … ): the graph may hold blank nodes


class _Opener:
    def __init__(self, node: Node) -> None:
        self.node = node


def _end_line(tok: Token) -> int:
    return tok.line + tok.text.count("\n")


class _Reader:
    """Recursive descent over the tokens; comments are attached while skipping them."""

    def __init__(self, text: str, base: str | None) -> None:
        self.toks = list(tokenize(text))
        self.i = 0
        self.prefixes: dict[str, str] = {}
        self.base = base
        self.last_item = None
        self.last_end = 0  # line where the previous token or comment ended
        self.last_token_end = -1  # line where the previous non-comment token ended
        self.pending: list[Comment] = []

    # --- cursor -------------------------------------------------------------------------
    def peek(self) -> Token | None:
        while self.i < len(self.toks) and self.toks[self.i].kind == "COMMENT":
            c = self.toks[self.i]
            self.i += 1
            text = c.text.rstrip()
            if c.line == self.last_token_end and self.last_item is not None:
                target = self.last_item
                if isinstance(target, _Opener):
                    target.node.opener.append(text)
                else:
                    target.trailing.append(text)
            else:
                self.pending.append(Comment(text, c.line, blank_before=c.line - self.last_end > 1))
            self.last_end = c.line
        return self.toks[self.i] if self.i < len(self.toks) else None

    def advance(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise SyntaxGap(None, "unexpected end")
        self.i += 1
        self.last_token_end = self.last_end = _end_line(tok)
        return tok

    def take(self) -> list[str]:
        out = [c.text for c in self.pending]
        self.pending = []
        return out

    def expect(self, text: str) -> Token:
        tok = self.advance()
        if tok.text != text:
            raise SyntaxGap(tok, f"expected {text!r}, found {tok.text!r}")
        return tok

    def is_punct(self, text: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "PUNCT" and tok.text == text

    # --- terms --------------------------------------------------------------------------
    def iri_of(self, tok: Token) -> str:
        if tok.kind == "IRI":
            return resolve_iri(self.base, unescape_iri(tok.text[1:-1]))
        if tok.kind == "PNAME":
            iri = expand_pname(tok.text, self.prefixes)
            if iri is None:
                raise SyntaxGap(tok, f"undeclared prefix in {tok.text!r}")
            return iri
        if tok.kind == "KEYWORD" and tok.text == "a":
            return RDF_TYPE
        raise SyntaxGap(tok, f"expected an IRI, found {tok.text!r}")

    # --- document -----------------------------------------------------------------------
    def document(self) -> Document:
        doc = Document(items=[])
        first = True
        while True:
            tok = self.peek()
            if tok is None:
                break
            is_directive = tok.kind == "DIRECTIVE" or (
                tok.kind == "KEYWORD" and tok.text.lower() in ("prefix", "base")
            )
            if first:
                doc.header = self._split_header(tok, is_directive)
                first = False
            doc.items.append(self.directive() if is_directive else self.statement())
        doc.footer = self.pending
        if first:  # nothing but comments
            doc.header, doc.footer = doc.footer, []
        self.pending = []
        return doc

    def _split_header(self, tok: Token, is_directive: bool) -> list[Comment]:
        comments = self.pending
        if is_directive:
            cut = len(comments)
        else:
            cut = 0
            for k, c in enumerate(comments):
                if c.blank_before and k:
                    cut = k
            if comments and tok.line - comments[-1].line > 1:
                cut = len(comments)
        header, self.pending = comments[:cut], comments[cut:]
        return header

    def directive(self) -> Directive:
        before = self.take()
        kw = self.advance()
        word = kw.text.lstrip("@").lower()
        if word == "prefix":
            d = Directive("prefix", "", "", "", before=before)
            self.last_item = d
            name = self.advance()
            if name.kind != "PNAME" or not name.text.endswith(":"):
                raise SyntaxGap(name, "expected a prefix name")
            iri = self.advance()
            d.name, d.iri = name.text, iri.text
            d.resolved = self.iri_of(iri)
            self.prefixes[name.text[:-1]] = d.resolved
        else:
            d = Directive("base", "", "", "", before=before)
            self.last_item = d
            iri = self.advance()
            d.iri = iri.text
            d.resolved = self.iri_of(iri)
            self.base = d.resolved
        if kw.kind == "DIRECTIVE":
            self.expect(".")
        return d

    def statement(self) -> Statement:
        tok = self.peek()
        if tok.kind == "PUNCT" and tok.text == "[":
            subject = self.bnlist()
            pol = PredicateList() if self.is_punct(".") else self.predicate_list()
        elif tok.kind == "PUNCT" and tok.text == "(":
            subject = self.collection()
            pol = self.predicate_list()
        else:
            subject = self.leaf()
            pol = self.predicate_list()
        self.peek()
        end = self.take()
        self.expect(".")
        return Statement(subject, pol, end)

    def predicate_list(self) -> PredicateList:
        pol = PredicateList()
        while True:
            self.peek()
            before = self.take()
            tok = self.advance()
            verb = Verb(tok.text, self.iri_of(tok), before=before)
            self.last_item = verb
            while True:
                pol.add(verb, self.object())
                if not self.is_punct(","):
                    break
                self.advance()
            if not self.is_punct(";"):
                return pol
            while self.is_punct(";"):
                self.advance()
            tok = self.peek()
            if tok is None or tok.kind not in ("IRI", "PNAME") and not (tok.kind == "KEYWORD" and tok.text == "a"):
                return pol

    def object(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise SyntaxGap(None, "expected an object")
        if tok.kind == "PUNCT" and tok.text == "[":
            return self.bnlist()
        if tok.kind == "PUNCT" and tok.text == "(":
            return self.collection()
        if tok.kind == "STRING":
            return self.literal()
        if tok.kind == "NUMBER":
            return self._leaf_node("literal", (2, _number_type(tok.text), "", tok.text))
        if tok.kind == "KEYWORD" and tok.text in ("true", "false"):
            return self._leaf_node("literal", (2, _XSD + "boolean", "", tok.text))
        return self.leaf()

    def _leaf_node(self, kind: str, key: tuple) -> Node:
        before = self.take()
        tok = self.advance()
        node = Node(kind, tok.text, key, before=before)
        self.last_item = node
        return node

    def leaf(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise SyntaxGap(None, "expected a term")
        if tok.kind in ("IRI", "PNAME"):
            return self._leaf_node("iri", (0, self.iri_of(tok)))
        if tok.kind == "BNODE":
            return self._leaf_node("bnode", (1, tok.text[2:]))
        if tok.kind == "ANON":
            node = self._leaf_node("anon", (3, "[]"))
            node.text = "[]"
            return node
        raise SyntaxGap(tok, f"unexpected {tok.text!r}")

    def literal(self) -> Node:
        before = self.take()
        tok = self.advance()
        node = Node("literal", tok.text, (), before=before)
        self.last_item = node
        lang, dtype = "", ""
        nxt = self.peek()
        if nxt is not None and nxt.kind == "LANGTAG":
            self.advance()
            node.text += nxt.text
            lang = nxt.text[1:].lower()
        elif nxt is not None and nxt.kind == "DTYPE":
            self.advance()
            dt_tok = self.advance()
            dtype = self.iri_of(dt_tok)
            node.text += "^^" + dt_tok.text
        node.key = (2, dtype, lang, string_value(tok.text))
        return node

    def bnlist(self) -> Node:
        before = self.take()
        self.expect("[")
        node = Node("bnlist", before=before, pol=PredicateList())
        self.last_item = _Opener(node)
        if not self.is_punct("]"):
            node.pol = self.predicate_list()
        self.peek()
        node.end = self.take()
        self.expect("]")
        self.last_item = node
        return node

    def collection(self) -> Node:
        before = self.take()
        self.expect("(")
        node = Node("list", before=before)
        self.last_item = _Opener(node)
        while not self.is_punct(")"):
            if self.peek() is None:
                raise SyntaxGap(None, "unclosed collection")
            node.items.append(self.object())
        self.peek()
        node.end = self.take()
        self.expect(")")
        self.last_item = node
        return node


def _number_type(text: str) -> str:
    low = text.lower()
    for mark, dtype in _NUMBER_TYPES:
        if mark in low:
            return dtype
    return _XSD + "integer"


def read(text: str, base: str | None = None) -> Document:
    """The tree of an accepted Turtle document; ``SyntaxGap`` (or ``LexError``) if it cannot,
    ``TooDeep`` if it nests deeper than ``MAX_NESTING``."""
    reader = _Reader(text, base)
    depth = nesting(reader.toks)
    with recursion_room(depth):
        doc = reader.document()
    doc.depth = depth
    doc.blank_nodes = any(t.kind in ("BNODE", "ANON") or t.kind == "PUNCT" and t.text in "[(" for t in reader.toks)
    return doc


@contextmanager
def recursion_room(levels: int):
    """Room on the Python stack for ``levels`` of nesting. Reader and renderer descend
    recursively, up to about three frames per level; Python 3.11+ keeps pure-Python calls off
    the C stack, so raising the limit for the duration is safe."""
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, depth + 4 * levels + 200))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)
