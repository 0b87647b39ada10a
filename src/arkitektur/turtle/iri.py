"""IRI-opløsning / IRI references and prefixed names resolved as the strict parser resolves them."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin

_LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")
_UCHAR = re.compile(r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}")


@lru_cache(maxsize=4096)
def resolve_iri(base: str | None, iri: str) -> str:
    """``iri`` (unescaped) resolved against ``base`` as the parser resolves it (RFC 3986).

    pyoxigraph itself resolves it, so fmt, the locator and the scanner name exactly the IRIs the
    triples have: ``urllib.parse.urljoin`` drops an empty fragment (``<#>`` against
    ``<http://example.org/ex>`` gives ``…/ex``, not ``…/ex#``), and without a base an absolute IRI
    stays as written (``<http://a/b/../c>`` is not ``<http://a/c>``).
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
    """The IRI an ``<…>`` token's body names (``\\u``/``\\U`` escapes resolved)."""
    return _UCHAR.sub(lambda m: chr(int(m.group()[2:], 16)), iri_body)


def expand_pname(pname: str, prefixes: dict[str, str]) -> str | None:
    """The IRI of a prefixed name, or None when its prefix is not declared."""
    prefix, _, local = pname.partition(":")
    ns = prefixes.get(prefix)
    if ns is None:
        return None
    return ns + (_LOCAL_ESCAPE.sub(r"\1", local) if "\\" in local else local)


def token_iri(kind: str, text: str, prefixes: dict[str, str], base: str | None) -> str | None:
    """The IRI an ``IRI`` or ``PNAME`` token names; None for any other token."""
    if kind == "IRI":
        return resolve_iri(base, unescape_iri(text[1:-1]))
    if kind == "PNAME":
        return expand_pname(text, prefixes)
    return None
