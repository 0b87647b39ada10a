"""The example repository (models/) shows what the divergence matrix and roadmap are for, at its as_of."""

from __future__ import annotations

from pathlib import Path

import pytest

from arkitektur.check import prepare, resolve_as_of
from arkitektur.divergence import build_matrix
from arkitektur.roadmap import build_roadmap

MODELS = Path(__file__).resolve().parents[1] / "models"

pytestmark = pytest.mark.skipif(not any(MODELS.rglob("*.ttl")), reason="models/ has no .ttl files yet")


@pytest.fixture(scope="module")
def ctx():
    return prepare([MODELS], resolve_as_of([MODELS], None))


def test_example_has_diverging_and_planned_cells(ctx):
    statuses = [c.status for r in build_matrix(ctx).rows for c in r.members]
    assert statuses.count("divergerende") >= 3
    assert statuses.count("planlagt") >= 2
    assert "konvergeret" in statuses and "ikke omfattet" in statuses


def test_example_has_joint_procurement_windows(ctx):
    assert len(build_roadmap(ctx).windows) >= 2
