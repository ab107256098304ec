"""A run SIGKILLed at any step of the commit protocol leaves DEST recoverable: the next run completes or rolls
back the interrupted one, and the dataset then equals what one clean run gives. Readers never see more.

Each crashed run is a real `newsetl run` process killed by SIGKILL at a named step (tasks.faults), against the
session's Prefect server; the reference is a clean in-process run of the same input.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pytest
from s3_servers import S3Endpoint

from flows.ingest import ingest
from tasks.config import load_config
from tasks.faults import POINTS
from tasks.storage import Storage

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "flows" / "sample_data"
BATCH = "9"  # several batches, so a crash can fall between them
KEYS = {"articles": ["article_id", "content_hash"], "duplicates": ["article_id", "duplicate_of", "method"],
        "rejects": ["reject_id", "reason"], "raw": ["raw_id"]}  # fmt: skip


def read_back(dest: str, endpoint: S3Endpoint | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """What a plain reader sees: pyarrow.dataset over each table's folder, hive partitions, default ignores."""
    if endpoint is None:
        fs: pafs.FileSystem = pafs.LocalFileSystem()
        root = dest
    else:
        fs = endpoint.arrow_fs()
        root = dest.removeprefix("s3://")
    seen: dict[str, list[tuple[Any, ...]]] = {}
    for table, columns in KEYS.items():
        if not fs.get_file_info(pafs.FileSelector(f"{root}/{table}", allow_not_found=True)):
            seen[table] = []  # object stores have no folders: no files, no "folder"
            continue
        dataset = ds.dataset(f"{root}/{table}", filesystem=fs, format="parquet", partitioning="hive")
        rows = dataset.to_table(columns=columns).to_pylist()
        seen[table] = sorted(tuple(r[c] for c in columns) for r in rows)
    return seen


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[Any, ...]]]:
    dest = tmp_path_factory.mktemp("clean") / "data"
    ingest(load_config(dest=str(dest), batch_size=int(BATCH)))
    result = read_back(str(dest))
    assert all(result[t] for t in ("articles", "duplicates", "rejects", "raw"))
    return result


def newsetl(dest: str, harness: str, crash_at: str | None = None, extra_env: dict[str, str] | None = None) -> int:
    env = {**os.environ, "PREFECT_API_URL": harness, **(extra_env or {})}
    env.pop("NEWSETL_CRASH_AT", None)
    if crash_at:
        env["NEWSETL_CRASH_AT"] = crash_at
    script = Path(sys.executable).with_name("newsetl")
    done = subprocess.run(
        # A killed run's S3 lease outlives it by its TTL: short here, and the next run queues behind it.
        [str(script), "run", str(SAMPLE), "--dest", dest, "--batch-size", BATCH, "--lease-ttl", "5",
         "--wait-lock", "60"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    if crash_at is None:
        assert done.returncode == 0, done.stderr[-3000:]
    return done.returncode


def _check_crash_and_recovery(
    dest: str, point: str, harness: str, reference: dict[str, list[tuple[Any, ...]]], endpoint: S3Endpoint | None
) -> None:
    env = endpoint.env() if endpoint else None
    assert newsetl(dest, harness, crash_at=point, extra_env=env) == -signal.SIGKILL
    if POINTS.index(point) < POINTS.index("after-commit"):
        # Not committed: a reader sees nothing of it, however much of it was written.
        assert all(rows == [] for rows in read_back(dest, endpoint).values())
    newsetl(dest, harness, extra_env=env)  # recovers, then ingests (or skips what the crashed run committed)
    assert read_back(dest, endpoint) == reference
    storage = Storage.open(dest)
    assert storage.list_files("_staging") == []
    newsetl(dest, harness, extra_env=env)  # and once more: idempotent
    assert read_back(dest, endpoint) == reference


@pytest.mark.parametrize("point", POINTS)
def test_local_run_killed_at_any_step_recovers_to_one_clean_run(
    point: str, tmp_path: Path, prefect_harness: str, reference: dict[str, list[tuple[Any, ...]]]
) -> None:
    _check_crash_and_recovery(str(tmp_path / "data"), point, prefect_harness, reference, None)


@pytest.mark.parametrize("point", ["after-first-batch", "after-commit", "during-publish"])
def test_s3_run_killed_at_any_step_recovers_to_one_clean_run(
    point: str, moto_store: S3Endpoint, prefect_harness: str, reference: dict[str, list[tuple[Any, ...]]]
) -> None:
    dest = f"s3://{moto_store.new_bucket()}/news"
    _check_crash_and_recovery(dest, point, prefect_harness, reference, moto_store)


def test_seaweedfs_run_killed_during_publish_recovers(
    request: pytest.FixtureRequest, prefect_harness: str, reference: dict[str, list[tuple[Any, ...]]]
) -> None:
    from s3_servers import use_s3

    endpoint = use_s3(request, "seaweedfs")
    dest = f"s3://{endpoint.new_bucket()}/news"
    _check_crash_and_recovery(dest, "during-publish", prefect_harness, reference, endpoint)


@pytest.mark.parametrize("point", ["before-commit", "during-publish"])
@pytest.mark.usefixtures("per_batch_commits")
def test_compaction_killed_midway_leaves_the_same_rows_once_recovered(
    point: str, tmp_path: Path, prefect_harness: str
) -> None:
    dest = str(tmp_path / "data")
    ingest(load_config(dest=dest, batch_size=4))
    before = read_back(dest)
    env = {**os.environ, "PREFECT_API_URL": prefect_harness, "NEWSETL_CRASH_AT": point}
    script = str(Path(sys.executable).with_name("newsetl"))
    killed = subprocess.run([script, "compact", dest], capture_output=True, env=env, timeout=300, check=False)
    assert killed.returncode == -signal.SIGKILL
    env.pop("NEWSETL_CRASH_AT")
    again = subprocess.run([script, "compact", dest], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert again.returncode == 0, again.stderr[-3000:]
    assert read_back(dest) == before
    assert Storage.open(dest).list_files("_staging") == []
