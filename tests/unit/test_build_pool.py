"""Articles built on worker processes are the articles built in-process, row for row, in input order, as one staged
Arrow table with signatures."""

from __future__ import annotations

import gc
import os
import signal
import time
from datetime import UTC, datetime

import pytest

from tasks import build_pool
from tasks.build_pool import MIN_POOLED_ITEMS, Built, build_staged
from tasks.errors import TransientError
from tasks.minhash import DedupParams, signatures
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


PARAMS = DedupParams()


def _build(items: list[RawItem], processes: int) -> Built:
    return build_staged(items, "run-1", False, None, processes, PARAMS)


def test_pooled_build_gives_the_in_process_rows_in_order() -> None:
    items = _items(MIN_POOLED_ITEMS + 50)
    in_process = _build(items, processes=1)
    pooled = _build(items, processes=2)
    assert pooled.table.equals(in_process.table) and pooled.rejects == in_process.rejects
    assert sorted(pooled.rejects) == [i for i in range(len(items)) if i % 97 == 5]  # positions among the items
    built_uris = [item.source_uri for i, item in enumerate(items) if i not in pooled.rejects]
    assert pooled.table.column("source_uri").to_pylist() == built_uris
    texts = pooled.table.column("text").to_pylist()
    assert pooled.table.column("signature").to_pylist() == signatures(texts, PARAMS).tolist()
    assert len(build_pool.worker_peak_rss_mb()) == 2  # the pool really ran, on two processes


def test_a_bug_in_a_worker_becomes_internal_error_rejects(monkeypatch: pytest.MonkeyPatch) -> None:
    items = _items(MIN_POOLED_ITEMS)
    monkeypatch.setenv("NEWSETL_FAULT_AT", "build-article")
    results = _build(items, processes=2)
    assert results.table.num_rows == 0
    assert [results.rejects[i].reason for i in range(len(items))] == ["internal_error"] * len(items)
    assert [results.rejects[i].raw for i in range(len(items))] == [i.raw for i in items]
    monkeypatch.delenv("NEWSETL_FAULT_AT")  # not kept by the workers: the next batch is built normally
    again = _build(items, processes=2)
    assert not any(r.reason == "internal_error" for r in again.rejects.values())


def test_small_batches_start_no_pool() -> None:
    build_pool._reset()
    small = _build(_items(10), processes=4)
    assert small.table.num_rows + len(small.rejects) == 10 and build_pool._pool is None
    assert build_pool.default_processes() >= 1


def test_small_batches_go_to_a_pool_that_is_up() -> None:
    # A run's small batches (a file's remainder) built in the flow's process loaded the extractors' models there
    # (~130 MB of the run's peak, measured on the 100k bench): once the pool is up, they go to it.
    build_pool._reset()
    _build(_items(MIN_POOLED_ITEMS), processes=2)
    pool = build_pool._pool
    assert pool is not None
    submitted = pool._queue_count  # type: ignore[attr-defined]  # CPython's count of work items submitted
    small = _build(_items(10), processes=2)
    assert pool._queue_count == submitted + 1  # type: ignore[attr-defined]  # one chunk, built by the pool
    assert small.table.equals(_build(_items(10), processes=1).table)
    _build(_items(10), processes=3)  # another size: no pool of that size is up, so built here
    assert build_pool._pool is pool and pool._queue_count == submitted + 1  # type: ignore[attr-defined]


def test_workers_freeze_their_loaded_models_out_of_the_garbage_collector() -> None:
    _build(_items(MIN_POOLED_ITEMS), processes=2)
    pool = build_pool._pool
    assert pool is not None
    assert pool.submit(gc.get_freeze_count).result() > 10_000  # the models and tables, frozen after the warm-up


def test_a_killed_worker_is_a_transient_error_and_the_retry_gets_a_new_pool() -> None:
    items = _items(MIN_POOLED_ITEMS)
    _build(items, processes=2)
    pool = build_pool._pool
    assert pool is not None
    os.kill(next(iter(pool._processes)), signal.SIGKILL)  # as the OOM killer would
    deadline = time.monotonic() + 30
    while not pool._broken and time.monotonic() < deadline:
        time.sleep(0.05)
    with pytest.raises(TransientError, match="worker process building articles died"):
        _build(items, processes=2)
    again = _build(items, processes=2)  # what the task's retry does
    assert again.table.num_rows + len(again.rejects) == len(items) and build_pool._pool is not pool
