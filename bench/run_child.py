"""One size of bench/run_bench.py, measured in a process of its own:

    .venv/bin/python -m bench.run_child --corpus DIR --warmup DIR --work DIR --out RESULT.json [--one-process]

Why a process of its own: the peak RSS asked of newsetl is that of a run, and the benchmark's own data (the
Reuters wire it composes articles from, datasketch's objects, an earlier size's leftovers) would otherwise be
counted in it. The process starts Prefect's embedded server with an empty flow run (its cost reported apart),
then runs the measured `ingest` of the corpus, sampled for RSS, then a one-article run (a flow run's fixed
cost).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from bench.bench_measure import PeakRss, Stages
from bench.corpus import articles_dir


def timed_ingest(sources: list[str], dest: str, stages: Stages, processes: int = 0) -> tuple[float, dict[str, Any]]:
    from flows.ingest import ingest
    from tasks.config import load_config

    stages.clear()
    started = time.perf_counter()
    summary = ingest(load_config(sources=sources, dest=dest, processes=processes))
    return time.perf_counter() - started, summary


def _warm_up() -> None:
    from prefect import flow

    @flow(name="bench-warm-up")
    def warm_up() -> int:
        return 1

    warm_up()


def measure(corpus: Path, warmup: Path, work: Path, one_process: bool) -> dict[str, Any]:
    from tasks.build_pool import worker_peak_rss_mb

    stages = Stages.install()
    result: dict[str, Any] = {}
    started = time.perf_counter()
    _warm_up()  # starts the embedded Prefect server, as the first flow run of `newsetl run` does
    result["prefect_startup_seconds"] = round(time.perf_counter() - started, 1)
    with PeakRss(stages) as rss:
        seconds, summary = timed_ingest([str(articles_dir(corpus))], str(work / "dest"), stages)
    workers_mb = [round(mb, 1) for mb in worker_peak_rss_mb()]
    by_table: dict[str, int] = {}
    for f in summary["files"]:
        by_table[f["table"]] = by_table.get(f["table"], 0) + int(f["bytes"])
    counts = summary["counts"]
    result["ingest"] = {
        "seconds": round(seconds, 2),
        "rss_before_mb": rss.before_mb,
        "peak_rss_mb": rss.peak_mb,
        "peak_rss_mb_by_stage": rss.stage_peak_mb,
        "build_workers_peak_rss_mb": workers_mb,
        "output_bytes": by_table,
        "output_files": len(summary["files"]),
        "stages": stages.snapshot(),
        "counts": {k: counts[k] for k in ("items_in", "articles_written", "duplicates_exact", "duplicates_near")}
        | {"rejects": counts["rejects"]},
    }
    # A flow run's fixed cost, measured after the run so that its one article, built in this process (too few
    # for the pool), does not load the extractors' tables into the process whose RSS is measured above.
    for _ in range(2):
        started = time.perf_counter()
        timed_ingest([str(articles_dir(warmup))], str(work / f"one-article-{_}"), stages)
    result["one_article_run_after_startup_seconds"] = round(time.perf_counter() - started, 2)
    if one_process:  # the same run with articles built in the batch tasks' own process: the pool's gain
        one_seconds, _ = timed_ingest([str(articles_dir(corpus))], str(work / "dest-one-process"), stages, 1)
        result["ingest_one_process_seconds"] = round(one_seconds, 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--warmup", required=True, type=Path, help="a one-article corpus for the warm-up runs")
    parser.add_argument("--work", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--one-process", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    result = measure(args.corpus, args.warmup, args.work, args.one_process)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
