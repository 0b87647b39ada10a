"""Ræsonneringens resultat / the records of a reasoning run: reasons, inferred facts, the report."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reason:
    """Why something is reported, in Danish and English."""

    besked_da: str
    besked_en: str
    related: tuple[str, ...] = ()  # other IRIs involved in the same contradiction

    def besked(self, lang: str = "da") -> str:
        return self.besked_da if lang == "da" else self.besked_en


@dataclass(frozen=True)
class Inferred:
    """A fact HermiT derived that was not asserted: ``subject rdf:type object`` (an
    individual's class) or ``subject rdfs:subClassOf object`` (a class's superclass)."""

    subject: str
    predicate: str
    object: str


@dataclass
class ReasoningReport:
    """The result of :func:`check_consistency`."""

    consistent: bool
    inconsistent_classes: list[str] = field(default_factory=list)  # unsatisfiable classes
    inconsistent_individuals: list[str] = field(default_factory=list)
    reasons: dict[str, Reason] = field(default_factory=dict)  # IRI -> why, for both lists
    inferred: list[Inferred] = field(default_factory=list)  # only when consistent
    messages: list[Reason] = field(default_factory=list)  # general notes
    hermit_runs: int = 0
    seconds: float = 0.0


def add_individual(report: ReasoningReport, iri: str, reason: Reason) -> None:
    """List ``iri`` once; a second reason (e.g. an ill-typed literal and a wrong link on the
    same node) is added to the first."""
    if iri not in report.reasons:
        report.inconsistent_individuals.append(iri)
        report.reasons[iri] = reason
        return
    old = report.reasons[iri]
    report.reasons[iri] = Reason(
        f"{old.besked_da} {reason.besked_da}",
        f"{old.besked_en} {reason.besked_en}",
        tuple(sorted(set(old.related) | set(reason.related))),
    )
