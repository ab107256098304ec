"""The ingest flow: SOURCE files in, normalized, deduplicated, enriched, partitioned Parquet out."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any, cast

from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from tasks.batch import StagedBatch, prepare_batch_task
from tasks.commit import commit_batch_task, files_for_manifest, write_manifest_task
from tasks.config import RunConfig
from tasks.dedup import DedupParams
from tasks.discover import discover, plan_batches
from tasks.resolve import resolve_duplicates_task
from tasks.storage import Storage


def new_run_id(now: datetime) -> str:
    """Sortable by time, unique across machines: 20261128T151648Z-1a2b3c4d."""
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def thread_runner(workers: int) -> TaskRunner[PrefectFuture[Any]]:
    # Prefect's TaskRunner generic is invariant in its future type, so its own runners need the cast.
    return cast("TaskRunner[PrefectFuture[Any]]", ThreadPoolTaskRunner(max_workers=workers))


@flow(name="ingest", task_runner=thread_runner(2), validate_parameters=True)
def ingest(config: RunConfig) -> dict[str, Any]:
    logger = get_run_logger()
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    Storage.open(config.dest).check_writable()
    found = discover(config.effective_sources())
    run_id = new_run_id(started_at)
    params = DedupParams(**config.dedup.model_dump())
    batches = plan_batches(found.files, config.batch_size)
    logger.info("run %s: %d files in %d batches -> %s", run_id, len(found.files), len(batches), config.dest)

    staged: list[StagedBatch] = [
        f.result()
        for f in [
            prepare_batch_task.submit(
                files, i, run_id, config.dest, params, config.strict_encoding, config.max_item_bytes
            )
            for i, files in enumerate(batches)
        ]
    ]
    resolution = resolve_duplicates_task(staged, run_id, config.dest, params)
    commits = [commit_batch_task.submit(b, resolution.decisions_path, run_id, config.dest) for b in staged]
    written = [w for c in commits for w in c.result()]

    rejects: dict[str, int] = {}
    for batch in staged:
        for reason, n in batch.rejects.items():
            rejects[reason] = rejects.get(reason, 0) + n
    rows = {t: sum(w.rows for w in written if w.table == t) for t in ("articles", "duplicates", "rejects")}
    summary: dict[str, Any] = {
        "run_id": run_id,
        "flow_run_id": str(flow_run.get_id() or ""),
        "status": "committed",
        "dest": Storage.open(config.dest).uri,
        "sources": config.effective_sources(),
        "started_at": started_at.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "elapsed_seconds": round(time.perf_counter() - started, 3),
        "config_hash": config.config_hash(),
        "code_version": version("newsetl"),
        "counts": {
            "input_files": len(found.files),
            "skipped_files": len(found.skipped),
            "items_in": sum(b.items for b in staged),
            "articles_written": rows["articles"],
            "duplicates_written": rows["duplicates"],
            "duplicates_exact": resolution.exact,
            "duplicates_near": resolution.near,
            "already_ingested": resolution.already_committed,
            "rejects": sum(rejects.values()),
            "rejects_written": rows["rejects"],
            "rejects_by_reason": rejects,
        },
        "skipped_files": found.skipped,
        "files": files_for_manifest(written),
    }
    write_manifest_task(config.dest, summary)
    logger.info("run %s committed: %s", run_id, summary["counts"])
    return summary
