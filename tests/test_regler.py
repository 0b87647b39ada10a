"""Every rule's bad example gives exactly the expected (severity, focus); its good example gives nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from arkitektur.catalogue import shipped
from arkitektur.check import run_check

CATALOGUE = shipped()
RULE_IDS = [r.id for r in CATALOGUE.ordered()]


def _run(example, rule_id):
    assert example is not None, f"{rule_id} mangler et eksempel / lacks an example"
    assert example.as_of, f"{example.path}: mangler '# as-of:'"
    result = run_check([example.path], as_of=dt.date.fromisoformat(example.as_of))
    return {(f.severity.label, f.focus) for f in result.findings if f.rule == rule_id}


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_bad_example_reports_exactly_the_expected_findings(rule_id):
    example = CATALOGUE.rules[rule_id].bad_example()
    got = _run(example, rule_id)
    assert example.expected, f"{example.path}: mangler '# forventet:'-linjer"
    assert got == set(example.expected)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_good_example_reports_nothing(rule_id):
    example = CATALOGUE.rules[rule_id].good_example()
    assert not example.expected
    assert _run(example, rule_id) == set()


@pytest.mark.parametrize("kind", ["bad", "good"])
@pytest.mark.parametrize("rule_id", [r for r in RULE_IDS if not r.startswith("MOD-")])
def test_examples_use_only_terms_the_ontology_defines(rule_id, kind):
    example = getattr(CATALOGUE.rules[rule_id], f"{kind}_example")()
    result = run_check([example.path], as_of=dt.date.fromisoformat(example.as_of), select="MOD-1,MOD-2")
    assert [(f.rule, f.focus, f.value) for f in result.findings] == []
