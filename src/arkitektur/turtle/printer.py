"""Den kanoniske Turtle-skrivemåde / writes a ``turtle.syntax`` tree in fmt's one canonical layout.

Layout (so that two architects editing different elements touch different lines):
- the file header, then ``@base``/``@prefix`` lines (prefixes sorted by name; ``PREFIX`` becomes
  ``@prefix``), then one block per subject separated by blank lines, then the footer;
- a block is the subject on a line of its own, then one line per predicate indented by four
  spaces, further objects of a predicate on lines of their own indented by eight;
- subjects sorted by full IRI, then labelled blank nodes by label, then ``[ … ]``/``( … )`` subjects;
  a subject written in several statements becomes one block;
- predicates: ``rdf:type`` (``a``), ``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``,
  ``rdfs:comment``, ``skos:definition`` first, then the rest sorted by full IRI;
- objects: one per line where there are several, sorted (IRIs by full IRI, then blank nodes, then
  literals by datatype, language and value, then ``[ … ]`` and ``( … )``); an object written twice
  is written once;
- every term keeps the text it was written with.
"""

from __future__ import annotations

from .syntax import Comment, Directive, Document, Node, PredicateList, Statement, recursion_room

IND = 4
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
HEAD_PREDICATES = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    _RDFS + "label",
    _SKOS + "prefLabel",
    _SKOS + "altLabel",
    _RDFS + "comment",
    _SKOS + "definition",
)
_HEAD_RANK = {iri: i for i, iri in enumerate(HEAD_PREDICATES)}


def verb_key(iri: str) -> tuple:
    return (_HEAD_RANK.get(iri, len(HEAD_PREDICATES)), iri)


def _trail(lines: list[str], comments: list[str]) -> None:
    """Several trailing comments of one term are joined into one (a line holds only one)."""
    if comments:
        lines[-1] += " " + " ".join(comments)


def _comment_lines(comments: list[str], indent: int) -> list[str]:
    return [" " * indent + c for c in comments]


def has_comments(node: Node) -> bool:
    """Comments on or inside ``node`` (inside: cached by ``prepare``)."""
    return bool(node.before or node.trailing) or node.commented


def _children(node: Node) -> list[Node]:
    if node.kind == "bnlist" and node.pol:
        return [o for entry in node.pol.entries.values() for o in entry.objects]
    if node.kind == "list":
        return node.items
    return []


def prepare(roots: list[Node]) -> None:
    """Sort and de-duplicate the objects under ``roots`` and cache each node's sort key and
    one-line form, children before parents and each node once (an explicit stack: no recursion,
    and linear time however deep the nesting)."""
    stack: list[tuple[Node, bool]] = [(n, False) for n in roots]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            _finish(node)
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node))


def _finish(node: Node) -> None:
    if node.kind == "bnlist":
        if node.pol:
            normalise(node.pol)
        entries = list(node.pol.entries.values()) if node.pol else []
        node.flat = "[ " + " ; ".join(
            e.verb.text + " " + " , ".join(o.flat for o in e.objects) for e in entries) + " ]" if entries else "[]"
        node.commented = bool(node.opener or node.end) or any(
            e.verb.before or e.verb.trailing or any(has_comments(o) for o in e.objects) for e in entries)
        if not entries and not node.opener and not node.end:
            node.line = "[]"
        elif not has_comments(node) and len(entries) == 1 and len(entries[0].objects) == 1 \
                and entries[0].objects[0].line is not None:
            node.line = f"[ {entries[0].verb.text} {entries[0].objects[0].line} ]"
        else:
            node.line = None
    elif node.kind == "list":
        node.flat = "( " + " ".join(i.flat for i in node.items) + " )" if node.items else "()"
        node.commented = bool(node.opener or node.end) or any(has_comments(i) for i in node.items)
        if not has_comments(node) and all(i.line is not None for i in node.items):
            node.line = "( " + " ".join(i.line for i in node.items) + " )" if node.items else "()"
        else:
            node.line = None
    else:
        node.flat = node.line = node.text


def normalise(pol: PredicateList) -> None:
    """Predicates in canonical order, each one's objects sorted and de-duplicated (the objects
    must be prepared already)."""
    entries = sorted_entries(pol)
    for entry in entries:
        entry.objects = sorted_objects(entry.objects)
    pol.entries = {entry.verb.iri: entry for entry in entries}


def object_key(node: Node) -> tuple:
    if node.kind in ("bnlist", "list"):
        return (3, node.flat, "", "", node.text)
    return tuple(node.key) + ("",) * (4 - len(node.key)) + (node.text,)


def sorted_entries(pol: PredicateList):
    return [pol.entries[k] for k in sorted(pol.entries, key=verb_key)]


def sorted_objects(objects: list[Node]) -> list[Node]:
    """Sorted, and an object written twice (same text) only once, with both its comments."""
    seen: dict[str, Node] = {}
    out: list[Node] = []
    for obj in objects:
        if obj.mergeable and obj.text in seen:
            kept = seen[obj.text]
            kept.before.extend(obj.before)
            kept.trailing.extend(obj.trailing)
            obj.before, obj.trailing = [], []
            continue
        if obj.mergeable:
            seen[obj.text] = obj
        out.append(obj)
    return sorted(out, key=object_key)


def render_node(node: Node, base: int) -> list[str]:
    """The node's lines: the first is a fragment to append to the current line; ``base`` is the
    indentation of that line (closing brackets go there, contents one level deeper). The node
    must be prepared (``prepare``)."""
    if node.line is not None:
        return [node.line]
    if node.kind == "bnlist":
        lines = ["["]
        _trail(lines, node.opener)
        lines += render_pol(node.pol, base + IND, "")
        lines += _comment_lines(node.end, base + IND)
        lines.append(" " * base + "]")
        return lines
    lines = ["("]
    _trail(lines, node.opener)
    for item in node.items:
        lines += _comment_lines(item.before, base + IND)
        part = render_node(item, base + IND)
        part[0] = " " * (base + IND) + part[0]
        _trail(part, item.trailing)
        lines += part
    lines += _comment_lines(node.end, base + IND)
    lines.append(" " * base + ")")
    return lines


def render_pol(pol: PredicateList, indent: int, last_punct: str) -> list[str]:
    """Predicate lines at ``indent``; " ;" between predicates and ``last_punct`` after the last."""
    lines: list[str] = []
    entries = list(pol.entries.values())  # normalised by prepare
    for n, entry in enumerate(entries):
        verb = entry.verb
        objs = entry.objects
        lines += _comment_lines(verb.before, indent)
        head = [" " * indent + verb.text]
        inline_first = not verb.trailing and objs and not objs[0].before
        if not inline_first:
            _trail(head, verb.trailing)
        block = head
        for k, obj in enumerate(objs):
            if k == 0 and inline_first:
                part = render_node(obj, indent)
                block[-1] += " " + part[0]
                block += part[1:]
            else:
                block += _comment_lines(obj.before, indent + IND)
                part = render_node(obj, indent + IND)
                part[0] = " " * (indent + IND) + part[0]
                block += part
            punct = " ," if k < len(objs) - 1 else (" ;" if n < len(entries) - 1 else last_punct)
            block[-1] += punct
            _trail(block, obj.trailing)
        lines += block
    return lines


def render_statement(st: Statement) -> list[str]:
    subject = st.subject
    lines = _comment_lines(subject.before, 0)
    subj = render_node(subject, 0)
    end = " ." if not st.end else ""
    closing = _comment_lines(st.end, IND) + ["."] if st.end else []
    if not st.pol:
        subj[-1] += end
        _trail(subj, subject.trailing)
        return lines + subj + closing
    _trail(subj, subject.trailing)
    return lines + subj + render_pol(st.pol, IND, end) + closing


def subject_key(st: Statement) -> tuple:
    node = st.subject
    if node.kind in ("iri", "bnode"):
        return node.key + ("", node.text)
    return (3, node.flat, "")


def merge_statements(statements: list[Statement]) -> list[Statement]:
    """One statement per subject (IRI or labelled blank node), prepared and sorted."""
    by_key: dict[tuple, Statement] = {}
    out: list[Statement] = []
    for st in statements:
        node = st.subject
        if node.kind in ("iri", "bnode") and st.pol:
            key = node.key
            kept = by_key.get(key)
            if kept is not None:
                kept.subject.before.extend(node.before)
                kept.subject.trailing.extend(node.trailing)
                kept.pol.merge(st.pol)
                kept.end.extend(st.end)
                continue
            by_key[key] = st
        out.append(st)
    for st in out:
        prepare([st.subject, *(o for entry in st.pol.entries.values() for o in entry.objects)])
        normalise(st.pol)
    return sorted(out, key=subject_key)


def render_directive(d: Directive) -> list[str]:
    lines = _comment_lines(d.before, 0)
    lines.append(f"@prefix {d.name} {d.iri} ." if d.kind == "prefix" else f"@base {d.iri} .")
    _trail(lines, d.trailing)
    return lines


def order_directives(run: list[Directive]) -> list[Directive]:
    """Prefixes sorted by name between the @base lines (which stay where they are, since they
    change how later relative IRIs read); of two identical lines the later one is kept."""
    out: list[Directive] = []
    chunk: list[Directive] = []

    def flush() -> None:
        kept: list[Directive] = []
        for i, d in enumerate(chunk):
            later = next((e for e in chunk[i + 1:] if (e.name, e.iri) == (d.name, d.iri)), None)
            if later is not None:
                later.before[:0] = d.before
                later.trailing[:0] = d.trailing
                continue
            kept.append(d)
        out.extend(sorted(kept, key=lambda d: d.name))
        chunk.clear()

    for d in run:
        if d.kind == "base":
            flush()
            out.append(d)
        else:
            chunk.append(d)
    flush()
    return out


def segments(doc: Document) -> list[tuple[list[Directive], list[Statement]]]:
    """Directives and the statements that read them. Usually one segment: later prefixes are
    moved to the top when that cannot change what any name means; a later @base, or a prefix
    bound again to another IRI, starts a new segment (the W3C suite has such files)."""
    segs: list[tuple[list[Directive], list[Statement]]] = [([], [])]
    seen_statement = False
    for item in doc.items:
        if isinstance(item, Directive):
            if seen_statement and segs[-1][1]:
                segs.append(([], []))
            segs[-1][0].append(item)
        else:
            seen_statement = True
            segs[-1][1].append(item)
    if len(segs) == 1:
        return segs
    # Can every later directive move to the top? Only new prefixes or repeats of the same binding.
    bindings: dict[str, str] = {}
    for d in segs[0][0]:
        if d.kind == "prefix":
            bindings[d.name] = d.resolved
    hoisted: list[Directive] = []
    for directives, _ in segs[1:]:
        for d in directives:
            if d.kind == "base" or bindings.get(d.name, d.resolved) != d.resolved:
                return segs
            bindings[d.name] = d.resolved
            hoisted.append(d)
    first = list(segs[0][0])
    for d in hoisted:
        same = next((e for e in reversed(first) if e.kind == "prefix" and e.name == d.name), None)
        if same is not None and same.resolved == d.resolved:
            same.before.extend(d.before)
            same.trailing.extend(d.trailing)
        else:
            first.append(d)
    return [(first, [st for _, sts in segs for st in sts])]


def _group_lines(comments: list[Comment]) -> list[str]:
    """Header and footer keep one blank line where the architect left one or more."""
    lines: list[str] = []
    for c in comments:
        if c.blank_before and lines:
            lines.append("")
        lines.append(c.text)
    return lines


def render(doc: Document) -> str:
    with recursion_room(doc.depth):
        return _render(doc)


def _render(doc: Document) -> str:
    sections: list[list[str]] = []
    segs = segments(doc)
    header_comments = list(doc.header)
    if segs[0][0]:
        # Comments above the first directive line would read as the header next time: they
        # join the header now, as a paragraph of their own (fmt must be idempotent).
        first = order_directives(segs[0][0])
        segs[0] = (first, segs[0][1])
        if first[0].before:
            header_comments += [Comment(c, blank_before=(k == 0)) for k, c in enumerate(first[0].before)]
            first[0].before = []
    header = _group_lines(header_comments)
    if header:
        sections.append(header)
    for directives, statements in segs:
        if directives:
            sections.append([line for d in order_directives(directives) for line in render_directive(d)])
        for st in merge_statements(statements):
            sections.append(render_statement(st))
    footer = _group_lines(doc.footer)
    if footer:
        sections.append(footer)
    if not sections:
        return ""
    return "\n\n".join("\n".join(s) for s in sections) + "\n"
