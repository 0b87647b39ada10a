"""XML-skrivning / the exchange file's XML, written by lxml (stable attribute order, exact escapes).

Elements are in the ArchiMate namespace and make their children with ``add``; ``xsi:`` and ``xml:``
attributes are named by prefix. Characters XML 1.0 cannot carry at all, not even as a character
reference, are written as a visible \\uXXXX, as the other outputs do (escape.visible), so a label
never makes the file unreadable.
"""

from __future__ import annotations

import re

from lxml import etree

from .mapping import NS, XSI

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PREFIXES = {"xsi": XSI, "xml": "http://www.w3.org/XML/1998/namespace"}


def _text(value) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", str(value))


def _name(name: str, default: str | None = None) -> str:
    prefix, colon, local = name.partition(":")
    if colon:
        return f"{{{_PREFIXES[prefix]}}}{local}"
    return f"{{{default}}}{name}" if default else name


class Element(etree.ElementBase):
    """An element of the exchange file."""

    def add(self, tag: str, attrs: dict | None = None, text: str | None = None) -> Element:
        """A new last child: ``tag`` in the ArchiMate namespace, ``attrs`` in insertion order."""
        child = self.makeelement(_name(tag, NS), {_name(k): _text(v) for k, v in (attrs or {}).items()})
        if text is not None:
            child.text = _text(text)
        self.append(child)
        return child


_PARSER = etree.XMLParser()
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(element=Element))


def element(tag: str, attrs: dict | None = None, *, root: bool = False) -> Element:
    """A new element on its own (appended later); ``root`` declares the namespaces."""
    nsmap = {None: NS, "xsi": XSI} if root else None
    return _PARSER.makeelement(_name(tag, NS), {_name(k): _text(v) for k, v in (attrs or {}).items()}, nsmap=nsmap)


def document(root: Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, pretty_print=True, encoding="UTF-8")
