"""Peak memory of the run-level dedup step (tasks.resolve) at N articles, without Prefect:

    .venv/bin/python -m bench.resolve_memory --articles 100000 --work /tmp/resmem [--tracemalloc]

Writes a composed corpus (bench/corpus.py), stages it batch by batch with `prepare_batch` (the build pool on
every core), then runs `resolve_duplicates` on the staged batches while a thread samples this process's RSS
every 10 ms. The staged batches are kept in WORK, so a second call resolves them again without restaging
(what to do after changing tasks/resolve*.py). `--tracemalloc` adds the top allocation sites at the peak of
Python allocations (slower; numpy buffers are traced, Arrow's are not). `--commit` also times and samples
`commit_batches` of every batch.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import threading
import time
import tracemalloc
from dataclasses import asdict
from pathlib import Path
from types import FrameType
from typing import Any


class RssSampler:
    """Peak RSS (MB) of this process between start and stop, sampled from /proc every 10 ms, and where the
    calling thread was (its newsetl frames) when the peak was sampled."""

    def __init__(self) -> None:
        self.before_mb = self.peak_mb = _rss_mb()
        self.peak_at: list[str] = []
        self.timeline: list[str] = []
        self._caller = threading.get_ident()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        last = self.before_mb
        while not self._stop.wait(0.01):
            mb = _rss_mb()
            if mb > self.peak_mb:
                self.peak_mb = mb
                self.peak_at = _where(sys._current_frames().get(self._caller))
            if abs(mb - last) >= 50:  # the growth timeline: where each 50 MB step was taken
                where = _where(sys._current_frames().get(self._caller))
                self.timeline.append(f"{mb:.0f} MB at {' < '.join(where[:2])}")
                last = mb

    def __enter__(self) -> RssSampler:
        self.before_mb = self.peak_mb = _rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _where(frame: FrameType | None) -> list[str]:
    places: list[str] = []
    while frame is not None:
        name = frame.f_code.co_filename
        if "/tasks/" in name:
            places.append(f"{Path(name).name}:{frame.f_lineno} {frame.f_code.co_name}")
        frame = frame.f_back
    return places


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def stage(work: Path, count: int, batch_size: int) -> list[dict[str, Any]]:
    """Compose and stage `count` articles under WORK once; the StagedBatch list is kept in WORK/staged.json."""
    from bench.corpus import articles_dir, corpora_root, load_wire, write_corpus
    from tasks.batch import prepare_batch
    from tasks.config import load_config
    from tasks.discover import discover, plan_batches
    from tasks.minhash import DedupParams

    listing = work / "staged.json"
    if listing.exists():
        return list(json.loads(listing.read_text()))
    corpus = work / "corpus"
    if not (corpus / "labels.jsonl").exists():
        write_corpus(corpus, count, load_wire(corpora_root()))
    config = load_config(sources=[str(articles_dir(corpus))], dest=str(work / "dest"))
    files = discover(config.effective_sources(), config.fetch_settings()).files
    params = DedupParams(**config.dedup.model_dump())
    staged = [
        asdict(prepare_batch(batch, i, "bench-resolve", str(work / "dest"), params, processes=0))
        for i, batch in enumerate(plan_batches(files, batch_size))
    ]
    listing.write_text(json.dumps(staged))
    return staged


def measure(work: Path, staged_rows: list[dict[str, Any]], trace: bool, commit: bool) -> dict[str, Any]:
    import pyarrow as pa

    from tasks.batch import StagedBatch
    from tasks.commit import commit_batches
    from tasks.minhash import DedupParams
    from tasks.resolve import resolve_duplicates

    staged = [StagedBatch(**row) for row in staged_rows]
    gc.collect()
    if trace:
        tracemalloc.start(12)
    started = time.perf_counter()
    with RssSampler() as rss:
        resolution = resolve_duplicates(staged, "bench-resolve", str(work / "dest"), DedupParams(), fresh=True)
    result: dict[str, Any] = {
        "articles": sum(b.articles for b in staged),
        "batches": len(staged),
        "resolve_seconds": round(time.perf_counter() - started, 2),
        "rss_before_mb": round(rss.before_mb),
        "resolve_peak_rss_mb": round(rss.peak_mb),
        "resolve_peak_at": rss.peak_at,
        "resolve_rss_timeline": rss.timeline,
        "arrow_pool_peak_mb": round(pa.default_memory_pool().max_memory() / 1e6),  # process lifetime
        "exact": resolution.exact,
        "near": resolution.near,
    }
    if trace:
        snapshot = tracemalloc.take_snapshot()
        result["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6)
        tracemalloc.stop()
        result["tracemalloc_live_top"] = [str(s) for s in snapshot.statistics("lineno")[:15]]
    if commit:
        started = time.perf_counter()
        with RssSampler() as rss:
            for batch in staged:
                commit_batches([batch], resolution.decisions_path, "bench-resolve", str(work / "dest"))
        result["commit_seconds"] = round(time.perf_counter() - started, 2)
        result["commit_peak_rss_mb"] = round(rss.peak_mb)
        result["commit_peak_at"] = rss.peak_at
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="peak RSS of the run-level dedup step at N articles")
    parser.add_argument("--articles", type=int, default=30_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--work", required=True, help="folder kept between calls: corpus, staged batches")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--commit", action="store_true")
    args = parser.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("NEWSETL_CACHE_DIR", str(work / "cache"))
    started = time.perf_counter()
    staged = stage(work, args.articles, args.batch_size)
    staging = round(time.perf_counter() - started, 1)
    result = {"staging_seconds": staging} | measure(work, staged, args.tracemalloc, args.commit)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
