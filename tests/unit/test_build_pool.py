"""Articles built on worker processes are the articles built in-process, row for row, in input order."""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC, datetime

import pytest

from tasks import build_pool
from tasks.build_pool import MIN_POOLED_ITEMS, build_articles
from tasks.errors import Reject, TransientError
from tasks.read import RawItem

FETCHED = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
CITIES = ["LAGOS", "LIMA", "OSLO", "HANOI", "QUITO"]


def _items(n: int) -> list[RawItem]:
    items = []
    for i in range(n):
        if i % 97 == 5:
            raw = b""  # an empty input: a reject, in its place
        else:
            raw = (
                f"{CITIES[i % 5]} - Port workers in the city met on day {i} to discuss wages, said union "
                f'leader Grace Mbeki-{i % 7}.\n\n"We want a fair deal," Mbeki-{i % 7} told reporters.\n'
            ).encode()
        items.append(RawItem(f"file:///in/story-{i:04d}.txt", "text", raw, FETCHED))
    return items


def test_pooled_build_gives_the_in_process_rows_in_order() -> None:
    items = _items(MIN_POOLED_ITEMS + 50)
    in_process = build_articles(items, "run-1", False, None, processes=1)
    pooled = build_articles(items, "run-1", False, None, processes=2)
    assert pooled == in_process
    assert sum(isinstance(r, Reject) for r in pooled) >= 4
    assert [r["source_uri"] for r in pooled if not isinstance(r, Reject)][:2] == [i.source_uri for i in items[:2]]
    assert len(build_pool.worker_peak_rss_mb()) == 2  # the pool really ran, on two processes


def test_a_bug_in_a_worker_becomes_internal_error_rejects(monkeypatch: pytest.MonkeyPatch) -> None:
    items = _items(MIN_POOLED_ITEMS)
    monkeypatch.setenv("NEWSETL_FAULT_AT", "build-article")
    results = build_articles(items, "run-1", False, None, processes=2)
    assert [r.reason for r in results if isinstance(r, Reject)] == ["internal_error"] * len(items)
    assert [r.raw for r in results if isinstance(r, Reject)] == [i.raw for i in items]
    monkeypatch.delenv("NEWSETL_FAULT_AT")  # not kept by the workers: the next batch is built normally
    assert not any(
        isinstance(r, Reject) and r.reason == "internal_error" for r in build_articles(items, "r", False, None, 2)
    )


def test_small_batches_start_no_pool() -> None:
    build_pool._reset()
    small = build_articles(_items(10), "run-1", False, None, processes=4)
    assert len(small) == 10 and build_pool._pool is None
    assert build_pool.default_processes() >= 1


def test_a_killed_worker_is_a_transient_error_and_the_retry_gets_a_new_pool() -> None:
    items = _items(MIN_POOLED_ITEMS)
    build_articles(items, "run-1", False, None, processes=2)
    pool = build_pool._pool
    assert pool is not None
    os.kill(next(iter(pool._processes)), signal.SIGKILL)  # as the OOM killer would
    deadline = time.monotonic() + 30
    while not pool._broken and time.monotonic() < deadline:
        time.sleep(0.05)
    with pytest.raises(TransientError, match="worker process building articles died"):
        build_articles(items, "run-1", False, None, processes=2)
    again = build_articles(items, "run-1", False, None, processes=2)  # what the task's retry does
    assert len(again) == len(items) and build_pool._pool is not pool
