"""Shared fixtures. Prefect state lives in a temp PREFECT_HOME, never the user's."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Before anything imports prefect: its settings are read at import time.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="newsetl-prefect-home-")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.pop("PREFECT_API_URL", None)

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DIR = REPO / "flows" / "sample_data"


@pytest.fixture(scope="session")
def corpora() -> Path:
    """The shared real-news corpora: NEWSETL_CORPORA, else ../shared/corpora beside the checkout.

    Skips (with the reason) when absent; fails when NEWSETL_CORPORA names a folder that is missing.
    """
    named = os.environ.get("NEWSETL_CORPORA")
    if named:
        path = Path(named)
        if not path.is_dir():
            pytest.fail(f"NEWSETL_CORPORA={named!r} is not a folder")
        return path
    for candidate in (REPO.parent / "shared" / "corpora", REPO.parent.parent / "shared" / "corpora"):
        if candidate.is_dir():
            return candidate
    pytest.skip("corpora not found: set NEWSETL_CORPORA or place shared/corpora beside the checkout")
