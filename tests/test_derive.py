"""derive reads only the predicates it declares (derive.READS): the language server keeps the
derived facts while an edit changes no triple with one of them (issue 16, item 4)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from arkitektur import check
from arkitektur.derive import READS, derive

MODELS = Path(__file__).resolve().parents[1] / "models"


class _Recording:
    """The read API derive uses, recording each predicate asked for (None: any – not allowed)."""

    def __init__(self, g) -> None:
        self.g = g
        self.asked: set = set()

    def _note(self, p):
        self.asked.add(None if p is None else str(p))

    def subject_objects(self, p):
        self._note(p)
        return self.g.subject_objects(p)

    def subjects(self, p=None, o=None):
        self._note(p)
        return self.g.subjects(p, o)

    def objects(self, s=None, p=None):
        self._note(p)
        return self.g.objects(s, p)

    def value(self, s=None, p=None, o=None, **kw):
        self._note(p)
        return self.g.value(s, p, o, **kw)

    def __contains__(self, triple):
        self._note(triple[1])
        return triple in self.g

    def __getattr__(self, name):
        raise AssertionError(f"derive used {name}, which this test does not record")


def test_derive_reads_only_what_it_declares():
    ctx = check.prepare([MODELS], dt.date(2016, 6, 1))
    g = _Recording(ctx.graph)
    facts = derive(g, dt.date(2016, 6, 1))
    assert facts.triples  # it did derive something from the example
    assert None not in g.asked
    assert g.asked <= READS, sorted(g.asked - READS)
    assert g.asked == READS, sorted(READS - g.asked)  # and the list names nothing it does not read
