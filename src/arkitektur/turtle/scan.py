"""Hvor står subjekterne? / the one subject scanner: where each IRI is first written as a subject.

``scan_subjects`` finds every IRI written as a statement subject – in Turtle 1.1 the only place an
IRI can be a subject – and its line, jumping from one structural character to the next; the
locator, ``load_store`` (the ``afl:Modelemne`` marks), ``check`` and the language server use it.
``mentions`` records where any IRI is first written at all, the locator's rare fallback.
"""

from __future__ import annotations

import re

from ..errors import InputError
from .iri import expand_pname, resolve_iri, token_iri, unescape_iri
from .lexer import SIGNIFICANT, TOKEN_SPEC, tokenize

# Only a few characters can change the statement structure of Turtle; everything between them is
# skipped by one regex search. Strings, IRIs and comments are matched with the lexer's own rules.
_SPEC = dict(TOKEN_SPEC)
_SPECIAL = re.compile(r"""["'<#@\[\]()\\.~{|]""")
_STRING_LANG = re.compile(f"(?:{_SPEC['STRING']})(?:{_SPEC['LANGTAG']})?")
_IRI = re.compile(_SPEC["IRI"])
_COMMENT = re.compile(_SPEC["COMMENT"])
_AT = re.compile(f"(?P<directive>{_SPEC['DIRECTIVE']})|(?P<lang>{_SPEC['LANGTAG']})")
_ONE = re.compile("|".join(f"(?P<{k}>{rx})" for k, rx in TOKEN_SPEC))
# What the scan may skip in one regex match: ordinary characters, short strings (with a language
# tag) not directly followed by a dot, comments, IRIs, and the dots that can only be inside a token
# (between two digits – a KLE code, a decimal – or between two name characters; never the first
# character of a run, which follows a token read below). Everything else stops the run and is
# decided token by token below.
_NAMECHAR = r"A-Za-z_\-\u00b7\u00c0-\uffff%"
_RUN = re.compile(
    r"""(?!\.)(?:[^."'#<\[\]()@\\~{|]+"""
    rf"""|"(?!"")(?:[^"\\\n])*"(?>{_SPEC['LANGTAG']})?(?![.])|'(?!'')(?:[^'\\\n])*'(?>{_SPEC['LANGTAG']})?(?![.])"""
    rf"|{_SPEC['COMMENT']}|{_SPEC['IRI']}"
    r"|(?<=[0-9])\.(?=[0-9])"
    rf"|(?<=[{_NAMECHAR}])(?<!true)(?<!false)\.(?=[0-9{_NAMECHAR}:])"
    r")+")


_COMMENT_OR_SPACE = re.compile(r"(?:[ \t\r\n]+|#[^\r\n]*)*")
_NEXT = SIGNIFICANT  # one compiled copy: its character classes take long to compile
_DIRECTIVES = ("@prefix", "prefix", "@base", "base")


def _significant(text: str, pos: int):
    """The first token at or after ``pos`` that is not whitespace or a comment: (kind, text, start, end)."""
    m = _NEXT.match(text, pos)
    if m is None:
        return None
    kind = m.lastgroup
    return kind, m.group(kind), m.start(kind), m.end()


class ScanGap(Exception):
    """``scan_subjects`` met text its rules cannot read (the strict parser read it): the subjects
    of that file are unknown to the scan."""


def scan_subjects(name: str, text: str, subjects: dict, base: str | None = None) -> tuple[dict, str | None]:
    """Record ``iri -> (name, line)`` for each IRI first written as a statement subject in ``text``.

    Returns the prefixes and base in force at the end of the text; raises ``ScanGap`` (recording
    nothing) where the lexer's rules cannot read on, and ``InputError`` at RDF 1.2 syntax.

    For text the strict parser accepted these are exactly the IRIs the parser makes subjects
    (tests/test_engines.py compares them on the W3C suite): a statement starts after a ``.``
    outside brackets; its first token, if an IRI, is a subject.
    Instead of tokenizing everything it jumps from one structural character to the next (quote,
    ``<``, ``#``, ``@``, bracket, backslash, dot) and tokenizes only there; a dot followed by a
    name character is checked against the lexer's rules (``ex:a.b`` and ``1.5`` are one token).
    """
    found: dict = {}
    prefixes: dict = {}
    depth = 0
    line, line_pos = 1, 0
    pos = 0
    boundary = 0  # end of the last token found (not moved by a backslash escape inside a name)
    expect_subject = True
    while True:
        if expect_subject and depth == 0:
            tok = _significant(text, pos)
            if tok is None:
                rest = _COMMENT_OR_SPACE.match(text, pos).end()
                if text.startswith("<<", rest):
                    raise rdf12_error(name, text, rest)
                break
            kind, word, tok_start, tok_end = tok
            low = word.lower()
            if kind in ("DIRECTIVE", "KEYWORD") and low in _DIRECTIVES:
                t1 = _significant(text, tok_end)
                t2 = _significant(text, t1[3]) if t1 is not None else None
                if low.endswith("prefix") and t2 is not None:
                    iri = unescape_iri(t2[1][1:-1])
                    prefixes[t1[1][:-1]] = resolve_iri(base, iri)
                    pos = t2[3]
                elif t1 is not None:
                    iri = unescape_iri(t1[1][1:-1])
                    base = resolve_iri(base, iri)
                    pos = t1[3]
                else:
                    raise ScanGap(name)
                if low.startswith("@"):
                    dot = _significant(text, pos)
                    if dot is not None and dot[1] == ".":
                        pos = dot[3]
                continue
            iri = None
            if kind == "IRI":
                iri = unescape_iri(word[1:-1])
                iri = resolve_iri(base, iri)
            elif kind == "PNAME":
                iri = expand_pname(word, prefixes)
            if iri is not None and iri not in found:
                line += text.count("\n", line_pos, tok_start)
                line_pos = tok_start
                found[iri] = (name, line)
            expect_subject = False
            if kind == "PUNCT":  # e.g. a "[" or "(" subject: let the loop below see it
                pos = boundary = tok_start
            else:
                pos = boundary = tok_end
                continue
        skip = _RUN.match(text, pos)
        if skip is not None:
            pos = boundary = skip.end()
        m = _SPECIAL.search(text, pos)
        if m is None:
            break
        c = m.group()
        at = m.start()
        if c == '"' or c == "'":
            sm = _STRING_LANG.match(text, at)
            if sm is None:
                raise ScanGap(name)  # the lexer would fail: the file contributes nothing
            pos = boundary = sm.end()
        elif c == "<":
            im = _IRI.match(text, at)
            if im is None:
                if text.startswith("<<", at):
                    raise rdf12_error(name, text, at)
                raise ScanGap(name)
            pos = boundary = im.end()
        elif c in "~{|":  # outside strings, IRIs and comments only RDF 1.2 has these
            raise rdf12_error(name, text, at)
        elif c == "#":
            pos = boundary = _COMMENT.match(text, at).end()
        elif c == "@":
            am = _AT.match(text, at)
            if am is None:
                raise ScanGap(name)
            pos = boundary = am.end()
        elif c == "\\":
            pos = at + 2
        elif c in "[(":
            depth += 1
            pos = boundary = at + 1
        elif c in "])":
            depth -= 1
            pos = boundary = at + 1
        else:  # "."
            nxt = text[at + 1:at + 2]
            if nxt and not nxt.isspace() and nxt != "#":
                # Possibly inside a name or number: the token holding this dot starts after the last
                # whitespace, "," or ";" since the previous structural token (which ended at pos).
                start = max(boundary, *(text.rfind(ch, boundary, at) + 1 for ch in " \n\t\r;,"))
                tm = _ONE.match(text, start)
                if tm is not None and tm.lastgroup != "PUNCT" and tm.end() > at:
                    pos = boundary = tm.end()
                    continue
            pos = boundary = at + 1
            if depth == 0:
                expect_subject = True
    for iri, where in found.items():
        subjects.setdefault(iri, where)
    return prefixes, base


def iri_tokens(text: str, base: str | None = None):
    """Every ``IRI`` and ``PNAME`` token outside the directives, in file order, with the IRI it
    names (None for an undeclared prefix); ``LexError`` where the lexer cannot read on, after
    the tokens before it."""
    prefixes: dict[str, str] = {}
    directive: list = []  # while a directive is read: its keyword (lower case), then its tokens
    for tok in tokenize(text):
        if tok.kind == "COMMENT":
            continue
        if directive:
            if tok.text == ".":
                directive = []
                continue
            directive.append(tok)
            if directive[0].endswith("prefix") and len(directive) == 3:
                prefixes[directive[1].text[:-1]] = resolve_iri(base, unescape_iri(directive[2].text[1:-1]))
            elif directive[0].endswith("base") and len(directive) == 2:
                base = resolve_iri(base, unescape_iri(directive[1].text[1:-1]))
            else:
                continue
            if not directive[0].startswith("@"):  # SPARQL-style PREFIX and BASE end without a dot
                directive = []
            continue
        if tok.kind in ("DIRECTIVE", "KEYWORD") and tok.text.lower() in _DIRECTIVES:
            directive = [tok.text.lower()]
        elif tok.kind in ("IRI", "PNAME"):
            yield tok, token_iri(tok.kind, tok.text, prefixes, base)


def mentions(name: str, text: str, found: dict, base: str | None = None) -> None:
    """Record ``iri -> (name, line)`` where each IRI is first written, as any term; raises
    ``LexError`` where the lexer cannot read on (what was found so far stays recorded)."""
    for tok, iri in iri_tokens(text, base):
        if iri is not None:
            found.setdefault(iri, (name, tok.line))


def rdf12_error(display: str, text: str, at: int | None) -> InputError:
    """The error for RDF 1.2 syntax (``<< >>``, ``<<( )>>``, ``~``, ``{| |}``), which pyoxigraph reads.

    Reifiers and triple terms are not Turtle 1.1: no rule sees them, and an IRI after ``~`` becomes
    a subject that no statement starts with.
    """
    line = column = None
    if at is not None:
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
    return InputError(
        "RDF 1.2-syntaks (<< >>, <<( )>>, ~ eller {| |}) understøttes ikke: modellerne skrives i Turtle 1.1.",
        "RDF 1.2 syntax (<< >>, <<( )>>, ~ or {| |}) is not supported: models are written in Turtle 1.1.",
        code="ARK-E02", file=display, line=line, column=column,
    )
