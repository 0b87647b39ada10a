"""Egenskabstest af fmt / property-based tests: random Turtle from the grammar (issue 13).

Hypothesis writes documents from the Turtle 1.1 grammar (https://www.w3.org/TR/turtle/#sec-grammar):
prefixes (the empty one too), ``@base``/``BASE`` with relative IRIs, ``PREFIX``, nested blank nodes
and collections, literals of every kind (short and long strings with escapes, language tags,
datatypes, integers, decimals, doubles, booleans) and comments wherever whitespace may stand. For
each, ``fmt`` must give a graph isomorphic to the input (checked with pyoxigraph's canonical form,
independent of fmt's own check), keep every comment and be idempotent. Derandomised, so CI sees
the same examples on every run.
"""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arkitektur.fmt import format_text

PREFIXES = {"": "http://example.org/tom#", "ex": "http://example.org/ex/", "ø2": "urn:x-ø:",
            "ns.a": "http://example.org/ns.a#"}
BASES = ["http://base.example/dir/sub/file", "http://base.example/", "urn:x:base#"]
RELATIVE = ["<>", "<#frag>", "<rel>", "<../op/og>", "<./her?q=1>", "<//andet.example/x>", "</rod>",
            "<a%20b>"]
LOCAL = st.sampled_from(["a", "Navn", "x1", "1x", "a.b", "a-b", "_u", "æøå", "a:b", "a\\.b", "a\\~b",
                         "a%41", "", "sidste\\.", "n\u00b7m"])
LANGS = st.sampled_from(["da", "en", "EN-gb", "de-CH-1996", "x-privat"])
SHORT_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\"'\\\r\n")
LONG_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\"'\\\r")
ESCAPES = st.sampled_from(["\\n", "\\t", "\\\"", "\\'", "\\\\", "\\r", "\\b", "\\f", "\\u00e9", "\\U0001F600",
                           "\\u0022", "#ikke-en-kommentar"])

XSD = "http://www.w3.org/2001/XMLSchema#"
GAPS = st.sampled_from(["space", "space", "space", "newline", "blank-line", "comment", "own-line"])


class Writer:
    """Collects the text of one document and every comment written into it."""

    def __init__(self, draw):
        self.draw = draw
        self.parts: list[str] = []
        self.comments: list[str] = []
        self.prefixes: set[str] = set()
        self.has_base = False

    def gap(self) -> None:
        """Whitespace between two tokens, sometimes a comment (which must end its line)."""
        kind = self.draw(GAPS)
        if kind == "space":
            self.parts.append(" ")
        elif kind == "newline":
            self.parts.append("\n" + " " * self.draw(st.integers(0, 6)))
        elif kind == "blank-line":
            self.parts.append("\n\n")
        else:
            text = f"# kommentar-{len(self.comments)}: " + self.draw(
                st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\r\n\x85"),
                        max_size=12)).rstrip()
            self.comments.append(text.rstrip())
            lead = " " if kind == "comment" else "\n"
            self.parts.append(f"{lead}{text}\n")

    def tok(self, text: str) -> None:
        self.gap()
        self.parts.append(text)

    def text(self) -> str:
        return "".join(self.parts) + "\n"


def iri(w: Writer) -> str:
    choices = ["absolute"]
    if w.prefixes:
        choices.append("pname")
    if w.has_base:
        choices.append("relative")
    kind = w.draw(st.sampled_from(choices))
    if kind == "pname":
        return w.draw(st.sampled_from(sorted(w.prefixes))) + ":" + w.draw(LOCAL)
    if kind == "relative":
        return w.draw(st.sampled_from(RELATIVE))
    return "<http://example.org/abs/" + w.draw(st.sampled_from(["x", "y", "z", "æ", "a%20b", "q?x=1#f", "\\u00e6",
                                                                "\\U0001F600"])) + ">"


def string(w: Writer) -> str:
    quote = w.draw(st.sampled_from(['"', "'", '"""', "'''"]))
    long_ = len(quote) == 3
    piece = st.one_of(st.text(LONG_CHARS if long_ else SHORT_CHARS, max_size=8), ESCAPES,
                      *([st.sampled_from(['"', "'", '""'])] if long_ else []))
    body = "".join(w.draw(st.lists(piece, max_size=6 if w.draw(st.booleans()) else 60)))
    if long_:
        # Raw quotes may stand inside a long string, but not three in a row nor at its end.
        while quote in body:
            body = body.replace(quote, quote[:2] + "x")
        if body.endswith(quote[0]):
            body += "x"
    return quote + body + quote


def literal(w: Writer) -> str:
    kind = w.draw(st.sampled_from(["plain", "lang", "typed", "typed-pname", "integer", "decimal", "double",
                                   "boolean"]))
    if kind == "integer":
        return w.draw(st.sampled_from(["", "+", "-"])) + str(w.draw(st.integers(0, 10**30)))
    if kind == "decimal":
        return w.draw(st.sampled_from(["", "+", "-"])) + w.draw(st.sampled_from(["", "0", "12"])) + "." + \
            str(w.draw(st.integers(0, 999)))
    if kind == "double":
        mantissa = w.draw(st.sampled_from(["1", "1.5", ".5", "12.", "0"]))
        return mantissa + w.draw(st.sampled_from(["e", "E"])) + w.draw(st.sampled_from(["", "+", "-"])) + \
            str(w.draw(st.integers(0, 300)))
    if kind == "boolean":
        return w.draw(st.sampled_from(["true", "false"]))
    s = string(w)
    if kind == "lang":
        return s + "@" + w.draw(LANGS)
    if kind == "typed":
        return s + "^^<" + XSD + w.draw(st.sampled_from(["string", "integer", "date", "anyURI"])) + ">"
    if kind == "typed-pname" and w.prefixes:
        return s + "^^" + iri(w)
    return s


def obj(w: Writer, depth: int) -> None:
    kinds = ["iri", "iri", "bnode", "literal", "literal", "literal", "anon"]
    if depth < 3:
        kinds += ["bnlist", "collection"]
    kind = w.draw(st.sampled_from(kinds))
    if kind == "iri":
        w.tok(iri(w))
    elif kind == "bnode":
        w.tok("_:" + w.draw(st.sampled_from(["b0", "b1", "knude_2", "x.y"])))
    elif kind == "literal":
        w.tok(literal(w))
    elif kind == "anon":
        w.tok("[]")
    elif kind == "bnlist":
        w.tok("[")
        if w.draw(st.integers(0, 5)):
            predicate_list(w, depth + 1)
        w.tok("]")
    else:
        w.tok("(")
        for _ in range(w.draw(st.integers(0, 3))):
            obj(w, depth + 1)
        w.tok(")")


def predicate_list(w: Writer, depth: int) -> None:
    for n in range(w.draw(st.integers(1, 3))):
        if n:
            for _ in range(w.draw(st.integers(1, 2))):
                w.tok(";")
        w.tok("a" if w.draw(st.integers(0, 4)) == 0 else iri(w))
        for k in range(w.draw(st.integers(1, 3))):
            if k:
                w.tok(",")
            obj(w, depth)
    if w.draw(st.integers(0, 4)) == 0:
        w.tok(";")


def statement(w: Writer) -> None:
    kind = w.draw(st.sampled_from(["iri", "iri", "iri", "bnode", "bnlist", "collection", "anon"]))
    if kind == "anon":
        w.tok("[]")
        predicate_list(w, 0)
    elif kind == "iri":
        w.tok(iri(w))
        predicate_list(w, 0)
    elif kind == "bnode":
        w.tok("_:" + w.draw(st.sampled_from(["b0", "b1", "knude_2"])))
        predicate_list(w, 0)
    elif kind == "bnlist":
        w.tok("[")
        predicate_list(w, 1)
        w.tok("]")
        if w.draw(st.booleans()):
            predicate_list(w, 0)
    else:
        w.tok("(")
        for _ in range(w.draw(st.integers(0, 3))):
            obj(w, 1)
        w.tok(")")
        predicate_list(w, 0)
    w.tok(".")


def directive(w: Writer) -> None:
    if w.draw(st.integers(0, 3)) == 0:
        base = w.draw(st.sampled_from(BASES + (RELATIVE[1:4] if w.has_base else [])))
        iri_text = base if base.startswith("<") else f"<{base}>"
        if w.draw(st.booleans()):
            w.tok("@base")
            w.tok(iri_text)
            w.tok(".")
        else:
            w.tok(w.draw(st.sampled_from(["BASE", "base"])))
            w.tok(iri_text)
        w.has_base = True
        return
    name = w.draw(st.sampled_from(sorted(PREFIXES)))
    target = f"<{PREFIXES[name]}>"
    if w.has_base and w.draw(st.integers(0, 4)) == 0:
        target = "<relativ/>"  # a prefix IRI read against the base in force
    if w.draw(st.integers(0, 4)) == 0 and w.prefixes:
        target = f"<{w.draw(st.sampled_from(list(PREFIXES.values())))}andet/>"  # a prefix bound again
    if w.draw(st.booleans()):
        w.tok("@prefix")
        w.tok(name + ":")
        w.tok(target)
        w.tok(".")
    else:
        w.tok(w.draw(st.sampled_from(["PREFIX", "prefix"])))
        w.tok(name + ":")
        w.tok(target)
    w.prefixes.add(name)


@st.composite
def documents(draw) -> tuple[str, list[str]]:
    w = Writer(draw)
    for _ in range(draw(st.integers(0, 3))):
        directive(w)
    for _ in range(draw(st.integers(0, 5))):
        if draw(st.integers(0, 5)) == 0:
            directive(w)
        statement(w)
    if draw(st.booleans()):
        w.gap()
    text = w.text()
    if draw(st.integers(0, 5)) == 0:
        w.comments.append("# sidst i filen uden linjeskift")
        text += w.comments[-1]
    return text, w.comments


def canonical(text: str) -> ox.Dataset:
    ds = ox.Dataset(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return ds


@settings(deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents())
def test_fmt_keeps_the_graph_and_every_comment_and_is_idempotent(doc):
    text, comments = doc
    before = canonical(text)  # the generator writes valid Turtle; this proves it
    out = format_text(text)
    assert canonical(out) == before, out
    for comment in comments:
        assert comment in out, (comment, out)
    assert format_text(out) == out
