"""`--runner dask` on an existing cluster: a scheduler and two workers started as separate processes on 127.0.0.1.

The Dask run must write exactly what the thread runner writes for the same input (same article ids, same
duplicates, same rejects), and both workers must have run batch tasks.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows import run_options
from flows.ingest import ingest, thread_runner
from tasks.config import load_config
from tasks.discover import discover, plan_batches

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "flows" / "sample_data"
DASK = Path(sys.executable).with_name("dask")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def cluster(prefect_harness: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """tcp://127.0.0.1:PORT of a scheduler with two single-threaded workers that report to the test's server."""
    from distributed import Client

    logs = tmp_path_factory.mktemp("dask-logs")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    # Workers run Prefect tasks: they must record them on the same API as the flow, not start servers of their own.
    env = {**os.environ, "PREFECT_API_URL": prefect_harness, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    commands = [[str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"]] + [
        [str(DASK), "worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard", "--name", f"w{i}"]
        for i in range(2)
    ]
    processes = []
    try:
        for i, command in enumerate(commands):
            log = (logs / f"{i}.log").open("wb")
            processes.append(subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT))
            if i == 0:
                time.sleep(2)  # the workers retry, but a scheduler that is up first keeps their logs clean
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            _stop(process)


def _rows(dest: Path, sql: str) -> list[tuple[Any, ...]]:
    return duckdb.sql(sql.replace("DEST", str(dest))).fetchall()


@pytest.mark.usefixtures("per_batch_commits")  # a commit task per batch: several, to spread over the workers
def test_dask_cluster_writes_what_the_thread_runner_writes(cluster: str, tmp_path: Path) -> None:
    from distributed import Client

    with Client(cluster) as client:
        before = sum(client.run(lambda dask_worker: dask_worker.state.executed_count).values())

    args = argparse.Namespace(runner="dask", dask_address=cluster)
    on_dask = ingest.with_options(task_runner=run_options.task_runner(args, 2))
    on_threads = ingest.with_options(task_runner=thread_runner(2))
    dask_summary = on_dask(load_config(dest=str(tmp_path / "dask"), batch_size=8))
    thread_summary = on_threads(load_config(dest=str(tmp_path / "threads"), batch_size=8))

    with Client(cluster) as client:
        executed = {w: n for w, n in client.run(lambda dask_worker: dask_worker.state.executed_count).items()}
    batches = len(plan_batches(discover([str(SAMPLE)]).files, 8))
    assert batches > 2
    assert sum(executed.values()) - before == 2 * batches, "each prepare and commit task ran once on the cluster"
    assert all(n > 0 for n in executed.values()), f"a worker stayed idle: {executed}"

    for query in (
        "SELECT article_id, source_uri, content_hash FROM read_parquet('DEST/articles/**/*.parquet') ORDER BY 1",
        "SELECT article_id, duplicate_of, method FROM read_parquet('DEST/duplicates/**/*.parquet') ORDER BY 1",
        "SELECT reject_id, reason FROM read_parquet('DEST/rejects/**/*.parquet') ORDER BY 1",
    ):
        on_cluster = _rows(tmp_path / "dask", query)
        assert on_cluster, query
        assert on_cluster == _rows(tmp_path / "threads", query), query
    keys = ("items_in", "articles_written", "duplicates_exact", "duplicates_near", "rejects_by_reason")
    assert {k: dask_summary["counts"][k] for k in keys} == {k: thread_summary["counts"][k] for k in keys}


def test_dask_address_is_checked_before_anything_runs(tmp_path: Path) -> None:
    from flows.cli import main

    dest = tmp_path / "data"
    assert main(["run", "--dest", str(dest), "--runner", "dask", "--dask-address", "127.0.0.1"]) == 2
    assert main(["run", "--dest", str(dest), "--dask-address", "tcp://127.0.0.1:8786"]) == 2
    assert not dest.exists()
