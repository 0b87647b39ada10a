"""Hvor står et element? / maps each IRI to the file and line where it is first written as a subject."""

from __future__ import annotations

from dataclasses import dataclass, field

from .turtle_lexer import LexError, Token, expand_pname, resolve_iri, tokenize, unescape_iri


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
        try:
            _scan(display_name, text, base, self)
        except LexError:
            # The strict parser accepted the file, so this is a gap in our tokenizer: positions
            # are a convenience, never a reason to fail a check.
            pass


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
