"""Det kanoniske fund / the one canonical Finding record that every output format projects."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from enum import IntEnum


class Severity(IntEnum):
    """Ordered so that ``>=`` means "at least as serious"."""

    INFO = 1
    WARNING = 2
    VIOLATION = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        return cls[text.upper()]

    @property
    def dansk(self) -> str:
        return {"INFO": "info", "WARNING": "advarsel", "VIOLATION": "overtrædelse"}[self.name]


@dataclass(frozen=True)
class Fix:
    """A proposed edit (``fix`` in the JSON output, docs/cli.md): put ``replacement`` in place of the text from
    ``line``:``column`` up to ``end_line``:``end_column`` (1-based; the end column is the one after
    the last replaced character, as SARIF and LSP count)."""

    replacement: str
    line: int
    column: int
    end_line: int
    end_column: int

    def to_json(self) -> dict:
        return {"replacement": self.replacement, "line": self.line, "column": self.column,
                "end_line": self.end_line, "end_column": self.end_column}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    focus: str
    message: str
    label: str | None = None
    kommune: str | None = None
    path: str | None = None
    value: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None  # v1.1: with ``line``, the offending term (docs/cli.md)
    dispensation: str | None = None
    fix: Fix | None = None  # v1.1: a "did you mean" replacement, where one is clearly close
    message_en: str | None = field(default=None, compare=False)

    def key(self) -> tuple[str, str]:
        """What a Dispensation matches on: (rule, focus)."""
        return (self.rule, self.focus)

    def sort_key(self) -> tuple:
        """A total order: findings that tie on (rule, file, line, focus, path, value) – e.g. two shapes
        of one rule on one node – are ordered by every other field, so the output does not depend on
        the order an engine found them in (issue 13). ``None`` sorts before any text."""
        return (self.rule, self.file or "", self.line or 0, self.focus, self.path or "", self.value or "",
                -self.severity, self.message, self.message_en or "", self.label or "", self.kommune or "",
                self.dispensation or "",
                # "" and None both print as nothing above; they still differ in JSON (null vs "")
                tuple(getattr(self, n) is None for n in _OPTIONAL))

    def to_json(self) -> dict:
        """The finding as the JSON output fixes it (docs/cli.md) (keys and values are a contract): the fields in order,
        without ``message_en``, severity as its label. (``asdict`` deep-copies each value – a third
        of the JSON output's time at 98 municipalities, for fields that are all str, int or None.)"""
        d = {name: getattr(self, name) for name in _JSON_FIELDS}
        d["severity"] = self.severity.label
        if self.fix is not None:
            d["fix"] = self.fix.to_json()
        return d

    def with_(self, **changes) -> "Finding":
        return replace(self, **changes)


_JSON_FIELDS = tuple(f.name for f in fields(Finding) if f.name != "message_en")
_OPTIONAL = ("label", "kommune", "path", "value", "file", "line", "dispensation", "message_en")


@dataclass
class CheckResult:
    as_of: str
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        counts = {"violation": 0, "warning": 0, "info": 0}
        for f in self.findings:
            counts[f.severity.label] += 1
        return counts

    @property
    def conforms(self) -> bool:
        return not any(f.severity is Severity.VIOLATION for f in self.findings)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)
