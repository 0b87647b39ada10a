"""Sammenligninger som rdflib / comparisons in SHACL-SPARQL constraints, answered as rdflib answers them.

SPARQL 1.1 makes `<`, `=` … an error for ill-typed literals (``"2015-13-45"^^xsd:date``) and for
literals of unrelated datatypes; rdflib – and so pySHACL – orders them anyway (lexically, or by
datatype IRI). Every comparison in a SHACL-SPARQL constraint therefore becomes
``COALESCE(A op B, rdflib-op(A, B))``: oxigraph's own operator where SPARQL defines one, and
rdflib's answer (``engine_oxigraph.rdflib_comparison``) only where oxigraph would give an error.
"""

from __future__ import annotations

from .shacl_sparql import Unparsable, lex

COMPARE_NS = "urn:arkitektur:rdflib-sammenligning#"
COMPARE_OPS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "=": "eq", "!=": "ne"}


def rdflib_comparisons(text: str) -> str:
    """``text`` with every relational expression wrapped as described above (unchanged if unsure)."""
    lexed = lex(text)
    if lexed is None:
        return text
    try:
        return _Rewriter([(kind, tok) for kind, tok, _ in lexed]).all()
    except (Unparsable, IndexError):
        return text


class _Rewriter:
    def __init__(self, toks: list) -> None:
        self.toks = toks
        self.sig = [i for i, (kind, _) in enumerate(toks) if kind != "ws"]  # significant tokens

    def all(self) -> str:
        return self.region(0, len(self.sig))

    def text(self, i: int) -> str:
        return self.toks[self.sig[i]][1]

    def upper(self, i: int) -> str:
        return self.text(i).upper() if i < len(self.sig) else ""

    def raw(self, lo: int, hi: int) -> str:
        """Original text of significant tokens lo..hi-1 (with the whitespace between them)."""
        if lo >= hi:
            return ""
        return "".join(t for _, t in self.toks[self.sig[lo]:self.sig[hi - 1] + 1])

    def region(self, lo: int, hi: int) -> str:
        """Rewrite significant tokens lo..hi-1: patterns verbatim, expressions after FILTER/BIND/HAVING."""
        out = []
        i = lo
        while i < hi:
            word = self.upper(i)
            if word in ("FILTER", "HAVING") or (word == "BIND" and self.text(i + 1) == "("):
                out.append(self.raw(i, i + 1) + self.gap(i))
                node, j = self.expression_after(i + 1)
                out.append(node)
                i = j
                continue
            out.append(self.raw(i, i + 1) + self.gap(i))
            i += 1
        return "".join(out)

    def gap(self, i: int) -> str:
        """The whitespace after significant token i."""
        if i + 1 < len(self.sig):
            return "".join(t for _, t in self.toks[self.sig[i] + 1:self.sig[i + 1]])
        return "".join(t for _, t in self.toks[self.sig[i] + 1:])

    def expression_after(self, i: int) -> tuple[str, int]:
        """A FILTER/BIND constraint starting at i: a bracketted expression, a call or EXISTS."""
        if self.text(i) == "(":
            self.pos = i
            return self.bracketted_or_bind()
        self.pos = i
        out = self.primary()
        return out, self.pos

    def bracketted_or_bind(self) -> tuple[str, int]:
        start = self.pos
        self.expect("(")
        expr = self.expr()
        tail = ""
        if self.upper(self.pos) == "AS":  # BIND(expr AS ?var)
            tail = self.raw(self.pos, self.pos + 2) + self.gap(self.pos + 1)
            self.pos += 2
        self.expect(")")
        return self.raw(start, start + 1) + self.gap(start) + expr + tail + ")" + self.gap(self.pos - 1), self.pos

    def expect(self, t: str) -> None:
        if self.text(self.pos) != t:
            raise Unparsable(t)
        self.pos += 1

    def tok(self) -> str:
        """The current token with the whitespace after it, and advance."""
        out = self.raw(self.pos, self.pos + 1) + self.gap(self.pos)
        self.pos += 1
        return out

    def expr(self) -> str:
        return self.binary(0)

    _LEVELS = [("||",), ("&&",)]

    def binary(self, level: int) -> str:
        if level == 2:
            return self.relational()
        left = self.binary(level + 1)
        while self.text(self.pos) in self._LEVELS[level]:
            op = self.tok()
            left = left + op + self.binary(level + 1)
        return left

    def relational(self) -> str:
        left = self.additive()
        t = self.text(self.pos)
        if t in COMPARE_OPS:
            self.pos += 1
            gap = self.gap(self.pos - 1)
            right = self.additive()
            a, b = left.rstrip(), right.rstrip()
            trail = right[len(b):]
            return (f"COALESCE(({a}) {t} ({b}), <{COMPARE_NS}{COMPARE_OPS[t]}>({a}, {b})){gap and ' '}"
                    + trail)
        if self.upper(self.pos) == "IN" or (self.upper(self.pos) == "NOT" and self.upper(self.pos + 1) == "IN"):
            out = self.tok()
            if self.upper(self.pos) == "IN":
                out += self.tok()
            return left + out + self.arglist()
        return left

    def additive(self) -> str:
        left = self.multiplicative()
        while self.text(self.pos) in ("+", "-"):
            left += self.tok() + self.multiplicative()
        return left

    def multiplicative(self) -> str:
        left = self.unary()
        while self.text(self.pos) in ("*", "/"):
            left += self.tok() + self.unary()
        return left

    def unary(self) -> str:
        if self.text(self.pos) in ("!", "+", "-"):
            return self.tok() + self.unary()
        return self.primary()

    def arglist(self) -> str:
        out = ""
        if self.text(self.pos) != "(":
            raise Unparsable("(")
        out += self.tok()
        if self.text(self.pos) == ")":
            return out + self.tok()
        if self.upper(self.pos) == "DISTINCT":
            out += self.tok()
        if self.text(self.pos) == "*":
            out += self.tok()
        else:
            out += self.expr()
        while self.text(self.pos) in (",", ";"):
            sep = self.text(self.pos)
            out += self.tok()
            if sep == ";":  # GROUP_CONCAT(... ; SEPARATOR = "x")
                out += self.tok() + self.tok() + self.tok()
                continue
            out += self.expr()
        if self.text(self.pos) != ")":
            raise Unparsable(")")
        return out + self.tok()

    def group(self) -> str:
        """A { … } group pattern (EXISTS): rewritten as a region of its own."""
        start = self.pos
        depth = 0
        while True:
            t = self.text(self.pos)
            if t == "{":
                depth += 1
            elif t == "}":
                depth -= 1
                if depth == 0:
                    break
            self.pos += 1
        inner = self.region(start + 1, self.pos)
        self.pos += 1
        return self.raw(start, start + 1) + self.gap(start) + inner + "}" + self.gap(self.pos - 1)

    def primary(self) -> str:
        kind = self.toks[self.sig[self.pos]][0]
        t = self.text(self.pos)
        word = t.upper()
        if t == "(":
            out = self.tok() + self.expr()
            if self.text(self.pos) != ")":
                raise Unparsable(")")
            return out + self.tok()
        if word == "NOT" and self.upper(self.pos + 1) == "EXISTS":
            return self.tok() + self.tok() + self.group()
        if word == "EXISTS":
            return self.tok() + self.group()
        if kind == "var" or kind == "num" or word in ("TRUE", "FALSE"):
            return self.tok()
        if kind == "str":
            out = self.tok()
            if self.toks[self.sig[self.pos]][0] == "lang" if self.pos < len(self.sig) else False:
                out += self.tok()
            elif self.text(self.pos) == "^^":
                out += self.tok() + self.tok()
            return out
        if kind in ("iri", "name"):
            out = self.tok()
            if self.pos < len(self.sig) and self.text(self.pos) == "(":
                out += self.arglist()
            return out
        raise Unparsable(t)
