"""Gyldige literaler efter XSD / which literals are well-formed for sh:datatype, by XML Schema 1.1 (as RDF 1.1 uses it).

SHACL §4.2.1: a literal of a datatype the processor recognises must be in that datatype's lexical
space (RDF 1.1 §5.1: otherwise it is *ill-typed*). The lexical spaces below are the regular
expressions XSD 1.1 Part 2 gives for each primitive type (§3.3), with the value checks a regular
expression cannot make (a day that exists in its month, the value range of the types derived from
``xsd:integer``, §3.4). No whitespace is stripped: RDF takes the lexical form as written, and
``" 5 "`` is not in the lexical space of ``xsd:integer`` (XSD applies its whiteSpace facet to a
document before validation, not to an RDF literal).

Hand-written rather than rdflib's judgement (the reference engine's): rdflib accepts what Python's
own parsers accept (``"1_000"^^xsd:integer``, ``"ja"^^xsd:boolean``, ``"1e5"^^xsd:decimal``) and
rejects some valid forms (``"2016-06-01Z"^^xsd:date``); docs/shacl.md lists the differences. The
``xmlschema`` package would judge as XSD does, but collapses whitespace first and costs ~0.3 s to
import on the hot path for a table of fifteen expressions.
"""

from __future__ import annotations

import re

XSD = "http://www.w3.org/2001/XMLSchema#"

_TZ = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR = r"-?([1-9][0-9]{3,}|0[0-9]{3})"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12][0-9]|3[01])"
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
_DAYTIME = r"(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)"
_B64 = r"[A-Za-z0-9+/]"

_LEXICAL = {name: re.compile(pattern) for name, pattern in {
    "boolean": r"true|false|1|0",
    "decimal": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)",
    "integer": r"[+-]?[0-9]+",
    "float": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN",
    "date": rf"(?P<y>{_YEAR})-(?P<m>{_MONTH})-(?P<d>{_DAY}){_TZ}",
    "time": rf"{_TIME}{_TZ}",
    "dateTime": rf"(?P<y>{_YEAR})-(?P<m>{_MONTH})-(?P<d>{_DAY})T{_TIME}{_TZ}",
    "dateTimeStamp": rf"(?P<y>{_YEAR})-(?P<m>{_MONTH})-(?P<d>{_DAY})T{_TIME}(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))",
    "gYear": rf"{_YEAR}{_TZ}",
    "gYearMonth": rf"{_YEAR}-{_MONTH}{_TZ}",
    "gMonth": rf"--{_MONTH}{_TZ}",
    "gMonthDay": rf"--(?P<m>{_MONTH})-(?P<d>{_DAY}){_TZ}",
    "gDay": rf"---{_DAY}{_TZ}",
    "duration": rf"-?P(?=[0-9]|T[0-9])([0-9]+Y)?([0-9]+M)?([0-9]+D)?{_DAYTIME}?",
    "yearMonthDuration": r"-?P(?=[0-9])([0-9]+Y)?([0-9]+M)?",
    "dayTimeDuration": rf"-?P(?=[0-9]|T[0-9])([0-9]+D)?{_DAYTIME}?",
    "hexBinary": r"([0-9a-fA-F]{2})*",
    "base64Binary": (rf"(({_B64} ?){{4}})*(({_B64} ?){{3}}{_B64}|({_B64} ?){{2}}[AEIMQUYcgkosw048] ?="
                     rf"|{_B64} ?[AQgw] ?= ?=)?"),
    "language": r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*",
    "normalizedString": r"[^\r\n\t]*",
    "token": r"([^\s]+( [^\s]+)*)?",
}.items()}
_LEXICAL["double"] = _LEXICAL["float"]

# The types derived from xsd:integer (XSD 1.1 §3.4.13–3.4.25) and their value ranges.
INTEGER_RANGES = {
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1), "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None), "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1),
    "short": (-2**15, 2**15 - 1), "byte": (-2**7, 2**7 - 1), "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 2**8 - 1),
}
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# Datatypes whose every lexical form is well-formed here: XSD's strings and types this module does
# not judge (xsd:anyURI, xsd:NCName …, any datatype outside XSD) – SHACL requires well-formedness
# only for the datatypes a processor recognises.
RECOGNISED = frozenset(XSD + n for n in (*_LEXICAL, *INTEGER_RANGES))


def well_formed(lexical: str, datatype: str) -> bool:
    """Is ``"lexical"^^datatype`` in the datatype's lexical space (and value range)?"""
    if not datatype.startswith(XSD):
        return True
    name = datatype[len(XSD):]
    if name in INTEGER_RANGES:
        if not _LEXICAL["integer"].fullmatch(lexical):
            return False
        low, high = INTEGER_RANGES[name]
        value = int(lexical)
        return (low is None or value >= low) and (high is None or value <= high)
    pattern = _LEXICAL.get(name)
    if pattern is None:
        return True
    m = pattern.fullmatch(lexical)
    if m is None:
        return False
    if "d" in pattern.groupindex:  # a day that exists in its month (29 February only in a leap year)
        month, day = int(m.group("m")), int(m.group("d"))
        if day > _MONTH_DAYS[month - 1]:
            return False
        if month == 2 and day == 29 and "y" in pattern.groupindex and not _leap(int(m.group("y"))):
            return False
    return True


def _leap(year: int) -> bool:
    """XSD 1.1's proleptic Gregorian calendar, year 0 included (it is 1 BCE, a leap year)."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
