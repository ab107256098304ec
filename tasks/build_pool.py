"""Articles of a batch built on every CPU core: one process pool per flow process, shared by its batch tasks.

Why processes: building an article (decode, normalize, HTML extraction, metadata) is pure Python, and the
thread runner's batch tasks share one interpreter lock, so a second core stays idle. The pool is started
with `forkserver` (forking a process that runs Prefect's threads can deadlock), imports and warms the
extractors once per worker, and returns results in input order, so the output is the same row for row.

Stays in the task's own process when that is cheaper or not allowed: one process asked for, a small batch
(the hand-off costs more than it saves), a spaCy model (each worker would load its own copy), or a daemonic
process (Dask's workers: their tasks already run in processes of their own, and may not have children).
Once the batches are built, the run-level dedup step sends its shingling to the same workers (`running_pool`).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa

from tasks.article import build_article
from tasks.errors import Reject, TransientError
from tasks.minhash import DedupParams
from tasks.read import RawItem
from tasks.staged_rows import concat_staged, staged_table

CHUNK_ITEMS = 200  # items per hand-off: large enough to amortise pickling, small enough to balance the cores
MIN_POOLED_ITEMS = 400  # below this a batch is built in its own process, unless a pool is up already
_FORWARDED_ENV = ("NEWSETL_FAULT_AT",)  # read at call time by the build; workers keep the forkserver's env

_Job = TypeVar("_Job")
_Result = TypeVar("_Result")

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def default_processes() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@dataclass(frozen=True)
class Built:
    """A batch's articles as one staged table (tasks.staged_rows), in input order, and the items that became
    rejects, by their position among the items."""

    table: pa.Table
    rejects: dict[int, Reject]


def build_staged(
    items: Sequence[RawItem],
    run_id: str,
    strict_encoding: bool,
    ner_model: str | None,
    processes: int,
    params: DedupParams,
) -> Built:
    """`build_article` of each item and the texts' signatures; on `processes` worker processes when worth it
    (0 = a core each)."""
    size = processes or default_processes()
    env = {name: os.environ[name] for name in _FORWARDED_ENV if name in os.environ}
    chunks = [
        (list(items[i : i + CHUNK_ITEMS]), run_id, strict_encoding, ner_model, env, params)
        for i in range(0, len(items), CHUNK_ITEMS)
    ]
    worth_a_pool = len(items) >= MIN_POOLED_ITEMS or _pool_running(size)
    if size <= 1 or not worth_a_pool or ner_model or multiprocessing.current_process().daemon:
        return _joined([_build_chunk(chunk) for chunk in chunks], params)
    try:
        return _joined(list(_shared_pool(size).map(_build_chunk, chunks)), params)
    except BrokenProcessPool as exc:  # a worker was killed (out of memory, a signal): a new pool on retry
        _reset()
        raise TransientError(
            f"a worker process building articles died: {exc} (killed, out of memory; or a script that runs "
            "newsetl without an `if __name__ == '__main__':` guard, which every worker re-imports)"
        ) from exc


def _joined(chunks: list[Built], params: DedupParams) -> Built:
    rejects = {CHUNK_ITEMS * i + at: reject for i, chunk in enumerate(chunks) for at, reject in chunk.rejects.items()}
    return Built(concat_staged([chunk.table for chunk in chunks], params), rejects)


def worker_peak_rss_mb() -> list[float]:
    """Peak resident memory (VmHWM) of each live worker, for the benchmarks."""
    pool = _pool
    peaks: list[float] = []
    for pid in list(getattr(pool, "_processes", None) or {}):
        status = Path(f"/proc/{pid}/status")
        for line in status.read_text().splitlines() if status.exists() else []:
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return peaks


def _pool_running(size: int) -> bool:
    """A pool of this size is up: a small batch (a run's last, a JSONL file's remainder) goes to it as well, so
    that this process never loads the extractors' models and tables (~130 MB, kept to the end of the run)."""
    with _lock:
        return _up() is not None and _pool_size == size


def running_pool() -> ProcessPoolExecutor | None:
    """The pool when one is up (the batches of this run started it), for CPU-bound work after them: the run-level
    dedup step would otherwise run on one core while the workers idle."""
    with _lock:
        return _up()


def _up() -> ProcessPoolExecutor | None:
    """The pool unless there is none or it broke; the caller holds `_lock`."""
    return _pool if _pool is not None and not getattr(_pool, "_broken", False) else None


def ordered_map(
    pool: ProcessPoolExecutor, fn: Callable[[_Job], _Result], jobs: Iterable[_Job], ahead: int
) -> Iterator[_Result]:
    """`map(fn, jobs)` on the pool's workers, results in order, with at most `ahead` jobs sent and not yet taken
    (Executor.map sends every job at once and keeps every result until it is taken)."""
    pending: deque[Any] = deque()
    try:
        for job in jobs:
            pending.append(pool.submit(fn, job))
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BrokenProcessPool as exc:
        _reset()
        raise TransientError(f"a worker process of the build pool died: {exc}") from exc


def _shared_pool(size: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size != size:
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
            context = multiprocessing.get_context("forkserver")
            # The server imports the extractors once, for its workers to inherit, instead of the caller's __main__
            # (its default; the newsetl CLI re-imported there costs ~1.6 s). Workers still re-import __main__.
            context.set_forkserver_preload(["tasks.article"])
            _pool = ProcessPoolExecutor(size, mp_context=context, initializer=_warm)
            _pool_size = size
        return _pool


def _reset() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def _warm() -> None:
    """Load the language model and gazetteers once per worker, not in its first chunk; then freeze what is loaded
    out of the garbage collector's sight. Those ~173,000 objects live as long as the worker, and every full
    collection walked them again: time in the collector 6.0% -> 2.2% of building 1,800 articles in one process."""
    from tasks.metadata import detect_language

    detect_language("A warm-up sentence, long enough for the language model to read it as English text.")
    gc.freeze()


def _build_chunk(args: tuple[list[RawItem], str, bool, str | None, dict[str, str], DedupParams]) -> Built:
    items, run_id, strict_encoding, ner_model, env, params = args
    for name in _FORWARDED_ENV:
        if name in env:
            os.environ[name] = env[name]
        else:
            os.environ.pop(name, None)
    rows: list[dict[str, Any]] = []
    rejects: dict[int, Reject] = {}
    for at, item in enumerate(items):
        result = build_article(item, run_id, strict_encoding, ner_model)
        if isinstance(result, Reject):
            rejects[at] = result
        else:
            rows.append(result)
    return Built(staged_table(rows, params), rejects)
