"""derive reads only the predicates it declares (derive.READS): the language server keeps the
derived facts while an edit changes no triple with one of them (issue 16, item 4)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rdflib import Graph, URIRef

from arkitektur import check
from arkitektur.derive import READS, derive
from arkitektur.namespaces import ARK

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


def test_notice_dates_with_one_several_or_no_notice_period():
    """The notice periods are read in one pass; a contract with several is read as g.value reads it."""
    g = Graph().parse(format="turtle", data="""
        @prefix ark: <https://w3id.org/arkitektur/ontologi#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix ex: <https://example.org/> .
        ex:en ark:udloebsdato "2018-12-31"^^xsd:date ; ark:opsigelsesfrist "P6M"^^xsd:duration .
        ex:ingen ark:udloebsdato "2018-12-31"^^xsd:date .
        ex:to ark:udloebsdato "2018-12-31"^^xsd:date ;
            ark:opsigelsesfrist "P3M"^^xsd:duration , "P12M"^^xsd:duration .
        ex:kun-frist ark:opsigelsesfrist "P1M"^^xsd:duration .
    """)
    facts = derive(g, dt.date(2016, 6, 1))
    ex = "https://example.org/"
    dates = {str(k): d for k, d in facts.notice_dates.items()}
    assert dates[f"{ex}en"] == dt.date(2018, 6, 30)
    assert dates[f"{ex}ingen"] == dt.date(2018, 12, 31)
    two = str(g.value(URIRef(f"{ex}to"), ARK.opsigelsesfrist))
    assert dates[f"{ex}to"] == {"P3M": dt.date(2018, 9, 30), "P12M": dt.date(2017, 12, 31)}[two]
    assert f"{ex}kun-frist" not in dates
