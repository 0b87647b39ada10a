"""XML-skrivning / a tiny, deterministic XML writer (stable attribute order, exact character escapes)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Characters XML 1.0 cannot carry at all, not even as a character reference: written as a visible
# \uXXXX, as the other outputs do (escape.visible), so a label never makes the file unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(s: str) -> str:
    s = _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", s)
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _attr(s: str) -> str:
    return (_text(s).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;"))


@dataclass
class Node:
    """One XML element: tag (with prefix), attributes in insertion order, text or children."""

    tag: str
    attrs: dict = field(default_factory=dict)
    text: str | None = None
    children: list = field(default_factory=list)

    def add(self, tag: str, attrs: dict | None = None, text: str | None = None) -> "Node":
        child = Node(tag, dict(attrs or {}), text)
        self.children.append(child)
        return child

    def write(self, out: list[str], indent: int = 0) -> None:
        pad = "  " * indent
        attrs = "".join(f' {k}="{_attr(str(v))}"' for k, v in self.attrs.items())
        if self.text is not None:
            out.append(f"{pad}<{self.tag}{attrs}>{_text(self.text)}</{self.tag}>\n")
        elif not self.children:
            out.append(f"{pad}<{self.tag}{attrs}/>\n")
        else:
            out.append(f"{pad}<{self.tag}{attrs}>\n")
            for c in self.children:
                c.write(out, indent + 1)
            out.append(f"{pad}</{self.tag}>\n")


def document(root: Node) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    root.write(out)
    return "".join(out).encode("utf-8")
