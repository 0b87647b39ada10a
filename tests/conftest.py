"""Testkørslens opsætning / the test run's set-up: what counts as slow, and Hypothesis' profiles.

The default run (``python -m pytest``) skips the tests marked ``slow`` and spreads the rest over
every core (pytest-xdist, ``-n auto`` in pyproject.toml); CI runs them all (docs/udvikling/konventioner.md, "Tests").
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# Fewer generated examples in the quick loop, the full number in CI (HYPOTHESIS_PROFILE=ci, .ci/run).
settings.register_profile("default", max_examples=50)
settings.register_profile("ci", max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every run of the reference engine (a test parametrized with ``engine="pyshacl"``) is slow:
    pySHACL is the independent second opinion, not the quick loop."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("engine") == "pyshacl":
            item.add_marker(pytest.mark.slow)
