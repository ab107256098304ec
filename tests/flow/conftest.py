"""Every flow test runs against the session's one Prefect test harness (tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _prefect(prefect_harness: str) -> str:
    return prefect_harness
