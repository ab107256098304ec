"""S3 faults for real: the endpoint going down mid-run (through a TCP proxy we cut), wrong credentials on a
store that checks them, and two commits racing for one manifest."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from s3_servers import S3Endpoint, use_s3
from tcp_proxy import FlakyProxy

from flows.ingest import ingest
from tasks.config import load_config
from tasks.errors import ConfigError
from tasks.protocol import CommitConflict, commit
from tasks.storage import Dest, Storage
from tasks.storage_options import S3Options

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "flows" / "sample_data"


def _keys(endpoint: S3Endpoint, bucket: str) -> list[str]:
    pages = endpoint.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)  # type: ignore[attr-defined]
    return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


def _cut_when_staging_appears(endpoint: S3Endpoint, bucket: str, proxy: FlakyProxy, outage: float | None) -> None:
    """Watch the store directly (not through the proxy); cut the proxy once the run has staged a batch."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if any("/_staging/" in k and "/articles-" in k for k in _keys(endpoint, bucket)):
            proxy.cut()
            if outage is not None:
                time.sleep(outage)
                proxy.restore()
            return
        time.sleep(0.05)


def _run_with_outage(moto_store: S3Endpoint, outage: float | None, attempts: int) -> tuple[str, FlakyProxy, Any]:
    proxy = FlakyProxy(int(moto_store.url.rsplit(":", 1)[1]))
    bucket = moto_store.new_bucket()
    config = load_config(
        dest=f"s3://{bucket}/news", batch_size=5, lease_ttl_seconds=5,
        s3=S3Options(endpoint_url=proxy.url, max_attempts=attempts),
    )  # fmt: skip
    watcher = threading.Thread(target=_cut_when_staging_appears, args=(moto_store, bucket, proxy, outage))
    watcher.start()
    state = ingest(config, return_state=True)
    watcher.join()
    return bucket, proxy, state


def test_an_endpoint_that_goes_down_mid_run_fails_it_cleanly_and_the_next_run_succeeds(
    moto_store: S3Endpoint,
) -> None:
    bucket, proxy, state = _run_with_outage(moto_store, outage=None, attempts=2)
    try:
        assert state.is_failed()
        assert "127.0.0.1" in str(state.message) or "connect" in str(state.message).lower()
        keys = _keys(moto_store, bucket)
        assert not [k for k in keys if k.startswith(("news/_runs/", "news/articles/", "news/raw/"))]  # none committed
        proxy.restore()
        config = load_config(dest=f"s3://{bucket}/news", wait_lock_seconds=30,
                             s3=S3Options(endpoint_url=proxy.url))  # fmt: skip
        summary = ingest(config)  # waits out the dead run's lease, rolls back its staging, commits everything
        assert summary["counts"]["articles_written"] > 0 and summary["counts"]["already_ingested"] == 0
        assert not [k for k in _keys(moto_store, bucket) if "/_staging/" in k]
    finally:
        proxy.close()


def test_a_short_outage_is_retried_and_the_run_commits(moto_store: S3Endpoint) -> None:
    bucket, proxy, state = _run_with_outage(moto_store, outage=1.0, attempts=10)
    try:
        assert state.is_completed(), state.message
        assert any(k.startswith("news/_runs/") for k in _keys(moto_store, bucket))
    finally:
        proxy.close()


def test_wrong_credentials_on_a_store_that_checks_them_say_so(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = use_s3(request, "seaweedfs")
    bucket = endpoint.new_bucket()
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    with pytest.raises(ConfigError, match="not writable") as caught:
        Storage.open(f"s3://{bucket}/x").check_writable()
    assert "credentials" in str(caught.value) and "not-the-secret" not in str(caught.value)


@pytest.mark.parametrize("kind", ["local", "s3"])
def test_of_two_commits_racing_for_one_manifest_exactly_one_wins(
    kind: str, tmp_path: Path, moto_store: S3Endpoint
) -> None:
    dest = str(tmp_path) if kind == "local" else f"s3://{moto_store.new_bucket()}/ds"
    storage = Storage.open(Dest(dest))
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            commit(storage, {"run_id": "same-run", "writer": n, "files": []})
            outcomes.append("won")
        except CommitConflict:
            outcomes.append("lost")

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["lost"] * 7 + ["won"]


def test_a_task_that_fails_on_an_outage_is_retried_by_prefect_and_the_run_commits(moto_store: S3Endpoint) -> None:
    # One attempt per S3 request: the outage fails the task itself, and only Prefect's task retries recover it.
    bucket, proxy, state = _run_with_outage(moto_store, outage=3.0, attempts=1)
    try:
        assert state.is_completed(), state.message
        assert any(k.startswith("news/_runs/") for k in _keys(moto_store, bucket))
    finally:
        proxy.close()
