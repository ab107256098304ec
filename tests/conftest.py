"""Shared fixtures. Prefect state lives in a temp PREFECT_HOME, never the user's."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from s3_servers import S3Endpoint, moto_endpoint, seaweedfs_endpoint, use_s3

# Before anything imports prefect: its settings are read at import time.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="newsetl-prefect-home-")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.pop("PREFECT_API_URL", None)
# The dedup index's local copies (tasks.index_cache) go to a temp folder, never the user's cache.
os.environ["NEWSETL_CACHE_DIR"] = tempfile.mkdtemp(prefix="newsetl-cache-")

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


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[str]:
    """ONE Prefect test harness (embedded server on a temp SQLite db) for the whole session; its API URL."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield str(PREFECT_API_URL.value())


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[S3Endpoint]:
    with moto_endpoint() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def seaweedfs_s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Endpoint]:
    with seaweedfs_endpoint(tmp_path_factory.mktemp("seaweedfs")) as endpoint:
        yield endpoint


@pytest.fixture(params=["moto", "seaweedfs"])
def s3_store(request: pytest.FixtureRequest) -> S3Endpoint:
    """An S3 endpoint of each kind, with the standard AWS env settings pointing at it for this test."""
    return use_s3(request, request.param)


@pytest.fixture
def moto_store(moto_s3: S3Endpoint, monkeypatch: pytest.MonkeyPatch) -> S3Endpoint:
    for name, value in moto_s3.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return moto_s3


@pytest.fixture
def per_batch_commits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A commit task per staged batch (tasks.commit groups ~10,000 items): with a small batch_size, an ingest in
    this process leaves the many small files per partition that compaction exists to merge."""
    monkeypatch.setattr("tasks.commit.COMMIT_ITEMS", 1)
