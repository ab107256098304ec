"""Thread runner vs Dask runner: Prefect's per-run and per-task overhead, and one real run on both.

    .venv/bin/python bench/runner_compare.py [--articles 20000] [--batch-size 2000] [--tasks 100]

1. Overhead: an empty flow run, and N no-op tasks on each runner (LocalCluster of 2 single-threaded workers).
2. The same ingest run (Reuters-21578 from the shared corpora, converted to JSON Lines in a temp folder, first
   --articles stories) on the thread runner (2 threads) and on the Dask LocalCluster (2 workers), into two DESTs;
   prints wall times and checks that both wrote the same article ids and duplicates.

All runs share one embedded Prefect server started up front, so its start-up is counted in neither.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="newsetl-bench-prefect-"))
os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "WARNING"

import duckdb  # noqa: E402
from prefect import flow, task  # noqa: E402

from flows import run_options  # noqa: E402

REUTERS = re.compile(r"<REUTERS.*?</REUTERS>", re.DOTALL)


def _tag(block: str, name: str) -> str:
    found = re.search(rf"<{name}>(.*?)</{name}>", block, re.DOTALL)
    return html.unescape(found.group(1)).replace("\x03", "").strip() if found else ""


def reuters_jsonl(corpora: Path, out: Path, limit: int) -> int:
    """The first `limit` Reuters stories as one JSON object per line; returns how many were written."""
    written = 0
    with out.open("w", encoding="utf-8") as sink:
        for path in sorted((corpora / "reuters21578" / "sgm").glob("*.sgm.gz")):
            text = gzip.decompress(path.read_bytes()).decode("latin-1")
            for block in REUTERS.findall(text):
                raw_date = _tag(block, "DATE").split(".")[0]
                try:
                    published = datetime.strptime(raw_date, "%d-%b-%Y %H:%M:%S").isoformat() + "Z"
                except ValueError:
                    published = None
                body = _tag(block, "BODY")
                record = {"title": _tag(block, "TITLE"), "text": body, "published_at": published}
                sink.write(json.dumps(record | {"publisher": "Reuters"}) + "\n")
                written += 1
                if written >= limit:
                    return written
    return written


@task
def noop(i: int) -> int:
    return i


def _overhead(runner: Any, tasks: int) -> float:
    @flow(task_runner=runner)
    def many() -> None:
        for f in [noop.submit(i) for i in range(tasks)]:
            f.result()

    started = time.perf_counter()
    many()
    return time.perf_counter() - started


@flow
def empty() -> None:
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument(
        "--corpora", type=Path, default=Path(os.environ.get("NEWSETL_CORPORA", REPO.parent / "shared" / "corpora"))
    )
    opts = parser.parse_args()
    run_options.share_embedded_server()
    from flows.ingest import ingest
    from tasks.config import load_config

    dask = argparse.Namespace(runner="dask", dask_address=None)
    threads = argparse.Namespace(runner="thread", dask_address=None)
    empty()  # warm-up
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        empty()
        runs.append(time.perf_counter() - started)
    print(f"empty flow run: median {statistics.median(runs):.2f} s over 5")
    for name, args in (("thread", threads), ("dask", dask)):
        _overhead(run_options.task_runner(args, 2), 4)  # warm-up (and, for Dask, not the cluster start)
        wall = _overhead(run_options.task_runner(args, 2), opts.tasks)
        print(f"{name:>6}: {opts.tasks} no-op tasks in {wall:.2f} s = {wall / opts.tasks * 1000:.0f} ms per task run")

    with tempfile.TemporaryDirectory(prefix="newsetl-bench-") as tmp:
        source = Path(tmp) / "reuters.jsonl"
        n = reuters_jsonl(opts.corpora, source, opts.articles)
        print(f"input: {n} Reuters stories, batch size {opts.batch_size}")
        walls: dict[str, float] = {}
        for name, args in (("thread", threads), ("dask", dask)):
            dest = Path(tmp) / name
            config = load_config(sources=[str(source)], dest=str(dest), batch_size=opts.batch_size, workers=2)
            started = time.perf_counter()
            summary = ingest.with_options(task_runner=run_options.task_runner(args, 2))(config)
            walls[name] = time.perf_counter() - started
            print(f"{name:>6}: wall {walls[name]:.1f} s, flow {summary['elapsed_seconds']:.1f} s, {summary['counts']}")
        same = [
            duckdb.execute(
                f"SELECT {cols} FROM read_parquet('{Path(tmp) / r}/{t}/**/*.parquet') ORDER BY ALL"
            ).fetchall()
            for t, cols in (("articles", "article_id"), ("duplicates", "article_id, duplicate_of, method"))
            for r in ("thread", "dask")
        ]
        print(f"same articles: {same[0] == same[1]}; same duplicates: {same[2] == same[3]}")
        print(f"dask / thread wall time: {walls['dask'] / walls['thread']:.2f}")


if __name__ == "__main__":
    main()
