"""Findings are made while the slowest queries still run (issue 17 item 5, docs/ydelse.md): the
default engine hands each query's results over as soon as the query is done, and the check turns
them into findings – positions, labels, texts – on its own core meanwhile. The result must be the
same as making every finding afterwards, and of several failing queries the first in the plan is
still the one reported."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from arkitektur import engine_oxigraph
from arkitektur.check import run_check
from arkitektur.errors import ShapesError
from arkitektur.finding_maker import FindingMaker

MODELS = Path(__file__).resolve().parents[1] / "models"


def test_findings_made_while_querying_equal_those_made_afterwards(monkeypatch):
    taken: list[int] = []
    take = FindingMaker.take

    def counting(self, raw, lang):
        taken.append(len(raw))
        return take(self, raw, lang)

    monkeypatch.setattr(FindingMaker, "take", counting)
    kept: list = []
    streamed = run_check([MODELS], keep=kept)
    assert sum(taken) > 0 and len(taken) > 1  # several batches, handed over as they came
    assert not kept[0].repo.locator.__dict__.get("_sources")  # the file texts are let go afterwards
    monkeypatch.setattr(engine_oxigraph, "STREAMS_RESULTS", False)
    afterwards = run_check([MODELS])
    assert streamed.findings == afterwards.findings
    assert len(streamed.findings) > 10


def test_of_several_failing_queries_the_first_in_the_plan_is_raised(monkeypatch):
    """The queries finish in any order; the error must not depend on which failed first."""
    rows = engine_oxigraph._rows
    order: list = []

    def failing(store, q):
        if q.kind != "sparql":
            return rows(store, q)
        order.append(q)
        if len(order) == 1:  # the first one started (the longest, by the engine's order) fails late
            time.sleep(0.3)
            raise ShapesError(f"sen {q.shape}", f"late {q.shape}", code="ARK-E36")
        if len(order) == 2:  # … the second fails at once
            raise ShapesError(f"tidlig {q.shape}", f"early {q.shape}", code="ARK-E36")
        return rows(store, q)

    monkeypatch.setattr(engine_oxigraph, "_rows", failing)
    plan_index = {}
    real_run = engine_oxigraph._run

    def run(view, plan, *args, **kwargs):
        plan_index.update({id(q): i for i, q in enumerate(plan.queries)})
        return real_run(view, plan, *args, **kwargs)

    monkeypatch.setattr(engine_oxigraph, "_run", run)
    with pytest.raises(ShapesError) as caught:
        run_check([MODELS])
    first, second = order[0], order[1]
    assert plan_index[id(first)] < plan_index[id(second)]  # so the late failure is the one to report
    expected = first
    assert caught.value.en.endswith(str(expected.shape))
