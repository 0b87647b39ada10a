"""SPARQL-teksten / the SPARQL text the shape compiler writes and reads (``shacl_compile``).

Terms in SPARQL syntax (``term``, written by pyoxigraph), the reading of a SHACL-SPARQL constraint's
query (``inspect_sparql``: what SHACL forbids, and whether ``$this`` must be substituted) and joining
it with its targets (``inject_focus``). All of it reads the query's tokens (``lex``/``tokens``)
instead of parsing it: rdflib's SPARQL parser takes ~70 ms a query, more than the whole check of
two municipalities.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from .errors import ShapesError


def unsupported(shape: Node, what: str) -> ShapesError:
    """The error for a shape the oxigraph engine cannot compile (ARK-E36): never skipped silently.
    ``what`` names the construct: ``"dansk / English"`` – two whole phrases, split at the first
    " / " – where the words differ, else one name for both."""
    da, _, en = what.partition(" / ")
    return ShapesError(
        f"formen {_name(shape, '(en blank knude)')} bruger {da}, som oxigraph-motoren ikke kan oversætte; "
        "brug --engine pyshacl.",
        f"the shape {_name(shape, '(a blank node)')} uses {en or da}, which the oxigraph engine cannot compile; "
        "use --engine pyshacl.",
        code="ARK-E36",
    )


def _name(node: Node, blank: str) -> str:
    return f"<{node}>" if isinstance(node, URIRef) else blank


def term(node: Node) -> str:
    """A term in SPARQL syntax, as pyoxigraph writes it (N-Triples, which SPARQL reads).

    pyoxigraph checks an IRI as its SPARQL parser will: one that SPARQL cannot write (``>``, a
    backslash, a space …) is refused here, by name, rather than as a syntax error in a query.
    """
    if not isinstance(node, (URIRef, Literal)):
        raise ShapesError("blank knude hvor en IRI eller literal var ventet i en form.",
                          "blank node where a shape expects an IRI or a literal.", code="ARK-E36")
    try:
        if isinstance(node, URIRef):
            return str(ox.NamedNode(node))
        if node.language:
            return str(ox.Literal(str(node), language=node.language))
        return str(ox.Literal(str(node), datatype=None if node.datatype is None else ox.NamedNode(node.datatype)))
    except ValueError as e:
        shown = f"<{node}>" if isinstance(node, URIRef) else repr(node)
        raise ShapesError(
            f"{shown} kan ikke skrives i SPARQL ({e}), så oxigraph-motoren kan ikke oversætte formen; "
            "brug --engine pyshacl.",
            f"{shown} cannot be written in SPARQL ({e}), so the oxigraph engine cannot compile the shape; "
            "use --engine pyshacl.",
            code="ARK-E36",
        ) from None


# Variables SHACL pre-binds in a SPARQL constraint (SHACL §5.3.1); PATH is substituted as text.
_PRE_BOUND = {"this", "shapesGraph", "currentShape"}


def assume_this_bound(text: str, names=("this",)) -> str:
    """``BOUND($this)`` (and of the other pre-bound ``names``) as ``(true)``: a pre-bound variable
    is always bound, but pyoxigraph's substitution answers BOUND of a substituted variable with false."""
    alternatives = "|".join(re.escape(n) for n in names)
    return re.sub(r"\bBOUND\s*\(\s*[?$](?:" + alternatives + r")\s*\)", "(true)", text, flags=re.IGNORECASE)


def inspect_sparql(text: str, pre_bound: tuple = ()) -> tuple[str | None, bool]:
    """(what SHACL forbids (Appendix A, pre-binding) in this SPARQL constraint's query, or None; whether ``$this`` must
    be pre-bound by substitution rather than by a join with the targets).

    Forbidden: MINUS, VALUES, SERVICE, a nested SELECT that does not project ``$this`` (``SELECT *``
    included), and ``AS`` re-binding a pre-bound variable (``pre_bound``: those besides ``$this``,
    ``$shapesGraph``, ``$currentShape`` – a validator's ``$value`` and parameters). Such a query is refused, never run
    (SERVICE would reach the network).

    Joining the outermost group with the targets gives the rows SHACL's pre-binding gives as long as
    every FILTER or BIND that mentions ``$this`` sits in a group that itself binds ``$this`` by a
    triple pattern (an EXISTS inside a FILTER substitutes the group's solution anyway) and no
    LIMIT/OFFSET or GROUP BY without ``$this`` spans the focus nodes. Elsewhere – a FILTER in a
    nested group or UNION branch with no pattern on ``$this``, a sub-SELECT that only filters –
    bottom-up evaluation sees ``$this`` unbound, so the query runs once per focus node.

    Read from the query's tokens (``tokens``): rdflib's SPARQL parser would take ~70 ms per query,
    more than the whole check of two municipalities. Where the structure is not understood, the
    answer is "substitute" – exact, only slower.
    """
    toks = tokens(text)
    if toks is None:
        return None, False  # the shapes lint reports text that does not parse (ARK-E33)
    bound = _PRE_BOUND | set(pre_bound)
    for i, (kind, t, _) in enumerate(toks):
        word = t.upper() if kind == "name" else ""
        if word in ("MINUS", "VALUES", "SERVICE"):
            return f"{word} (forbudt i SHACL-SPARQL) / {word} (not allowed in SHACL-SPARQL)", False
        if word == "AS" and i + 1 < len(toks) and toks[i + 1][0] == "var" and toks[i + 1][1][1:] in bound:
            return f"AS, der binder {toks[i + 1][1]} igen / AS re-binding {toks[i + 1][1]}", False
        if word == "SELECT" and i > 0:
            j = i + 1
            projection = []
            while j < len(toks) and toks[j][1] != "{" and toks[j][1].upper() != "WHERE":
                projection.append(toks[j])
                j += 1
            if any(p[1] == "*" for p in projection):
                return "SELECT * i en indlejret SELECT / SELECT * in a nested SELECT", False
            if not any(_is_this(p) for p in projection):
                return "en indlejret SELECT uden $this / a nested SELECT that does not project $this", False
    try:
        return None, _needs_substitution(toks)
    except (Unparsable, IndexError):
        return None, True


def _needs_substitution(toks: list) -> bool:
    """See ``inspect_sparql``: walks the group structure of a SELECT's tokens."""
    i = 0
    while toks[i][1] != "{":  # the projection (and WHERE)
        i += 1
    end, sub = _group(toks, i, bound_outside=True)
    tail = {t.upper() for _, t, _ in toks[end:]}
    if tail & {"LIMIT", "OFFSET"}:
        return True
    if "GROUP" in tail and not any(_is_this(tok) for tok in toks[end:]):
        return True
    return sub[1]


def _balanced(toks: list, i: int, open_: str, close: str) -> int:
    """Index after the ``close`` matching the ``open_`` at ``i``."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j][1] == open_:
            depth += 1
        elif toks[j][1] == close:
            depth -= 1
            if depth == 0:
                return j + 1
    raise Unparsable(close)


def _group(toks: list, i: int, bound_outside: bool) -> tuple[int, tuple[bool, bool]]:
    """The group ``{ … }`` at ``i``: (index after it, (binds $this, needs substitution))."""
    if toks[i][1] != "{":
        raise Unparsable("{")
    j = i + 1
    if j < len(toks) and toks[j][1].upper() == "SELECT":  # a sub-SELECT: its WHERE group decides
        while toks[j][1] != "{":
            j += 1
        j, result = _group(toks, j, False)
        return _balanced(toks, i, "{", "}"), result
    binds, substitute = bound_outside, False
    filters = []  # (start, end) of each FILTER's expression: it applies to the whole group
    while toks[j][1] != "}":
        t = toks[j][1].upper() if toks[j][0] == "name" else toks[j][1]
        if t in ("FILTER", "BIND"):
            k = j + 1
            if toks[k][1].upper() == "NOT":
                k += 1
            if toks[k][1].upper() == "EXISTS":
                k = _balanced(toks, k + 1, "{", "}")
            else:
                if toks[k][0] == "name":  # a function call: FILTER regex(…)
                    k += 1
                k = _balanced(toks, k, "(", ")")
            if t == "FILTER":
                filters.append((j + 1, k))
            elif any(_is_this(tok) for tok in toks[j + 1:k]) and not binds:
                substitute = True  # BIND sees only what the group bound before it
            j = k
        elif t in ("OPTIONAL", "GRAPH") or t == "{":
            if t == "GRAPH":
                j += 2
            elif t == "OPTIONAL":
                j += 1
            branches = []
            j, result = _group(toks, j, False)
            branches.append(result)
            while j < len(toks) and toks[j][1].upper() == "UNION":
                j, result = _group(toks, j + 1, False)
                branches.append(result)
            substitute = substitute or any(sub for _, sub in branches)
            if t == "{":  # a plain group or UNION chain binds what all its branches bind
                binds = binds or all(b for b, _ in branches)
        else:
            if _is_this(toks[j]):
                binds = True  # a triple pattern on $this (expressions are consumed above)
            j += 1
    for start, stop in filters:
        k = start
        while k < stop:
            if toks[k][1] == "{":  # EXISTS: substitutes the group's solution, so sees its bindings
                k, result = _group(toks, k, binds)
                substitute = substitute or result[1]
                continue
            if _is_this(toks[k]) and not binds:
                substitute = True
            k += 1
    return j + 1, (binds, substitute)


def as_select(text: str, names) -> str:
    """An ASK query (``ASK { … }``) as a SELECT projecting the pre-bound ``names``, so that
    pyoxigraph can substitute them (it substitutes projected variables only); true if it has a row."""
    m = re.match(r"\s*ASK\b(\s*WHERE\b)?", text, flags=re.IGNORECASE)
    if m is None:
        raise Unparsable("ASK")
    return "SELECT " + " ".join(f"?{n}" for n in names) + " WHERE" + text[m.end():] + " LIMIT 1"


def project(text: str, names) -> str:
    """A SELECT query with the pre-bound ``names`` added to its outer projection where missing
    (pyoxigraph substitutes projected variables only; each has one value per run, so the rows
    stay as many as they were)."""
    m = _SELECT.match(text)
    toks = tokens(text)
    if m is None or toks is None:
        raise Unparsable("SELECT")
    projection = []
    for _kind, t, _start in toks[1:]:
        if t == "{" or t.upper() == "WHERE":
            break
        projection.append(t)
    if "*" in projection:
        return text
    missing = [n for n in names if not any(p[1:] == n and p[0] in "?$" for p in projection)]
    return text[:m.end()] + "".join(f"?{n} " for n in missing) + text[m.end():]


_SELECT = re.compile(r"^\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?", re.IGNORECASE)


def inject_focus(text: str, focus: str, shape: Node) -> str:
    """Join the query's outermost WHERE group with the target pattern, and project ``?this``.

    SHACL pre-binds ``$this`` to each focus node; one query joined with the targets gives the same
    rows for the constraints SHACL allows. The targets go at the head of the group, so the planner
    starts from the focus nodes – except when the group reads every triple of its focus (a
    top-level ``$this ?p ?o``), or the author starts it from another pattern than one with ``$this``
    (MOD-1 starts from the terms the models use), and it binds ``?this`` in every solution: then the
    targets become a ``FILTER EXISTS`` at its end, and pyoxigraph – which joins in the written
    order – starts where the author did (MOD-1 at 98 municipalities: 19 s → 0.01 s).
    """
    body = text.lstrip()
    if re.match(r"(?:PREFIX|BASE)\b", body, flags=re.IGNORECASE):
        raise unsupported(shape, "PREFIX/BASE i selve forespørgslen (brug sh:prefixes) / PREFIX in the query text")
    m = _SELECT.match(body)
    if not m:
        raise unsupported(shape, "en sh:select, der ikke begynder med SELECT / a sh:select not starting with SELECT")
    toks = tokens(body)
    if toks is None:
        raise unsupported(shape, "SPARQL, som ikke kan deles i tegn / SPARQL that cannot be tokenized")
    open_i = close_i = None
    depth = parens = 0
    for i, (kind, t, start) in enumerate(toks):
        if t == "(":
            parens += 1
        elif t == ")":
            parens -= 1
        elif t == "{":
            if depth == 0 and parens == 0 and open_i is None:
                open_i = i
            depth += 1
        elif t == "}":
            depth -= 1
            if depth == 0 and open_i is not None and close_i is None:
                close_i = i
    if open_i is None or close_i is None:
        raise unsupported(shape, "en sh:select uden WHERE-gruppe / a sh:select without a WHERE group")
    brace, closing = toks[open_i][2], toks[close_i][2]
    projection = body[m.end():brace]
    projection_wo_where = re.sub(r"\bWHERE\s*$", "", projection.strip(), flags=re.IGNORECASE)
    tail = " ".join(t.upper() for _, t, _ in toks[close_i + 1:])
    grouped = "GROUP" in tail or "HAVING" in tail
    shift = 0
    if projection_wo_where.strip() != "*" and not re.search(r"[?$]this\b", projection_wo_where):
        if grouped:
            raise unsupported(shape, "GROUP BY uden $this i projektionen / GROUP BY without $this projected")
        body = body[: m.end()] + "?this " + body[m.end():]
        shift = len("?this ")
    brace, closing = brace + shift, closing + shift
    inner = toks[open_i + 1:close_i]
    if not grouped and (_walks_all_triples(inner) or _starts_elsewhere(inner)) and _binds_this(inner):
        return body[:closing] + f" FILTER EXISTS {{ {focus} }} " + body[closing:]
    return body[: brace + 1] + " { " + focus + " } " + body[brace + 1:]


def _walks_all_triples(toks: list) -> bool:
    """A top-level ``$this ?p ?o``: the group reads every triple of its focus nodes anyway."""
    top = _top_level(toks)
    return any(_is_this(a) and b[0] == "var"
               for a, b in zip(top, top[1:]) if a[0] != "group" and b[0] != "group")


def _starts_elsewhere(toks: list) -> bool:
    """Does the group begin with a triple pattern without ``?this`` (in every UNION branch, if it
    begins with a UNION of groups)?"""
    top = _top_level(toks)
    if not top:
        return False
    if top[0][0] == "group":
        return all(_starts_elsewhere(b) for b in _union_chain(top, 0)[0])
    first = []
    for tok in top:
        if tok[0] == "group" or tok[1] in (".", ";", ","):
            break
        first.append(tok)
    if not first or first[0][0] not in ("var", "iri", "name") or first[0][1].upper() in _KEYWORDS:
        return False
    return not any(_is_this(tok) for tok in first)


_KEYWORDS = {"FILTER", "BIND", "OPTIONAL", "MINUS", "VALUES", "SERVICE", "GRAPH", "UNION", "SELECT"}


def lex(text: str):
    """Every SPARQL token (kind, text, offset), whitespace and comments ("ws") included; None if unreadable."""
    out = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            return None
        out.append((m.lastgroup, m.group(), pos))
        pos = m.end()
    return out


def tokens(text: str):
    """SPARQL tokens (kind, text, offset), whitespace and comments left out; None if unreadable."""
    lexed = lex(text)
    return None if lexed is None else [t for t in lexed if t[0] != "ws"]


def _top_level(toks: list) -> list:
    """The tokens of a group body that are not inside nested braces or parentheses, with the
    nested groups as ("group", [tokens]) entries."""
    out = []
    depth = parens = 0
    start = None
    for i, tok in enumerate(toks):
        t = tok[1]
        if t == "{" and parens == 0:
            if depth == 0:
                start = i
            depth += 1
            continue
        if t == "}" and parens == 0:
            depth -= 1
            if depth == 0:
                out.append(("group", toks[start + 1:i], tok[2]))
            continue
        if depth:
            continue
        if t == "(":
            parens += 1
        elif t == ")":
            parens -= 1
        elif parens == 0:
            out.append(tok)
    return out


def _binds_this(toks: list) -> bool:
    """Does every solution of this group bind ?this: a triple pattern at its top level, a nested
    group that does, or a UNION all of whose branches do (OPTIONAL, MINUS, EXISTS groups do not)?"""
    top = _top_level(toks)
    if any(_is_this(tok) for tok in top):
        return True
    i = 0
    while i < len(top):
        if top[i][0] != "group":
            i += 1
            continue
        prev = top[i - 1][1].upper() if i and top[i - 1][0] != "group" else ""
        chain, j = _union_chain(top, i)
        if prev not in ("OPTIONAL", "MINUS", "EXISTS") and all(_binds_this(b) for b in chain):
            return True
        i = j
    return False


def _union_chain(top: list, i: int) -> tuple[list, int]:
    """The groups ``{…} UNION {…} …`` starting at ``top[i]`` (a group), and the index after them."""
    chain = [top[i][1]]
    j = i + 1
    while j + 1 < len(top) and top[j][0] != "group" and top[j][1].upper() == "UNION" and top[j + 1][0] == "group":
        chain.append(top[j + 1][1])
        j += 2
    return chain, j


def _is_this(tok: tuple) -> bool:
    return tok[0] == "var" and tok[1][1:] == "this"


# SPARQL's tokens, enough to follow groups, expressions and their operators.
_TOKEN = re.compile(r"""
    (?P<ws>(?:\s+|\#[^\n]*)+)
  | (?P<str>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
  | (?P<num>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<op>\|\||&&|!=|<=|>=|\^\^|[=<>!+\-*/(){}\[\],;.|^?])
  | (?P<name>[A-Za-z_\u00c0-\uffff][A-Za-z0-9_\-.\u00b7\u00c0-\uffff]*(?::[A-Za-z0-9_\-.:%\u00b7\u00c0-\uffff]*)?|:[A-Za-z0-9_\-.:%\u00b7\u00c0-\uffff]*)
""", re.VERBOSE)


class Unparsable(Exception):
    """The tokens do not have the structure looked for."""
