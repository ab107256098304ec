"""The reprocess flow: rebuild articles, duplicates and rejects from the raw archive, fetching nothing.

The rebuilt tables replace the old ones in one commit (the manifest lists the files it removes), so a
newer normalizer or extractor never leaves old and new rows side by side, and reprocessing twice gives
the same rows as reprocessing once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture

from flows import progress
from flows.ingest import thread_runner
from flows.pipeline import held_dest, new_run_id, stage_resolve_commit
from schemas.index import DERIVED_INDEX_TABLES
from tasks.batch import StagedBatch, prepare_archived_batch_task
from tasks.config import RunConfig
from tasks.minhash import DedupParams
from tasks.protocol import committed_entries, committed_files
from tasks.report import publish_run_report_task
from tasks.storage import Storage

DERIVED_TABLES = ("articles", "duplicates", "rejects", "superseded")


@flow(name="reprocess", task_runner=thread_runner(2), validate_parameters=True)
def reprocess(config: RunConfig) -> dict[str, Any]:
    run_id = new_run_id(datetime.now(UTC))
    target = config.target()
    with held_dest(target, run_id, config.wait_lock_seconds, config.lease_ttl_seconds, DERIVED_TABLES) as lease:
        storage = Storage.open(target)
        archived = committed_entries(storage, "raw")
        replaced = [*DERIVED_TABLES, *(f"index_{t}" for t in DERIVED_INDEX_TABLES)]
        removed = sorted(p for table in replaced for p in committed_files(storage, table))
        batches = _pack([(str(e["path"]), int(e["rows"])) for e in archived], config.batch_size)
        get_run_logger().info("reprocess %s: %d archive files in %d batches", run_id, len(archived), len(batches))

        def submit(params: DedupParams) -> list[PrefectFuture[StagedBatch]]:
            return [
                prepare_archived_batch_task.submit(
                    paths, i, run_id, target, params, config.strict_encoding, config.ner_model, config.processes
                )
                for i, paths in enumerate(batches)
            ]

        extra = {"kind": "reprocess", "removed": removed, "counts": {"archive_files": len(archived)}}
        summary = stage_resolve_commit(config, run_id, lease, submit, extra, fresh=True)
    publish_run_report_task(summary, target, progress.finish_run())
    return summary


def _pack(files: list[tuple[str, int]], batch_size: int) -> list[list[str]]:
    """Archive files grouped into batches of about `batch_size` items (a file is never split)."""
    batches: list[list[str]] = []
    rows = 0
    for path, count in files:
        if not batches or rows + count > batch_size:
            batches.append([])
            rows = 0
        batches[-1].append(path)
        rows += count
    return batches
