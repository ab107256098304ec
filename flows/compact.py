"""The compaction flow: merge small files within partitions into files near a target size."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from prefect import flow, get_run_logger

from flows.ingest import thread_runner
from flows.pipeline import held_dest, new_run_id
from tasks.commit import commit_run_task, files_for_manifest
from tasks.compact import DEFAULT_TARGET_BYTES, merge_group_task, plan_compaction
from tasks.dedup_index import committed_index
from tasks.storage import Dest, Storage
from tasks.storage_options import S3Options


@flow(name="compact", task_runner=thread_runner(2), validate_parameters=True)
def compact(
    dest: str,
    partition: str | None = None,
    target_size_bytes: int = DEFAULT_TARGET_BYTES,
    s3: S3Options | None = None,
    wait_lock_seconds: float = 0.0,
    lease_ttl_seconds: float = 120.0,
) -> dict[str, Any]:
    target = Dest(dest, s3 or S3Options())
    run_id = new_run_id(datetime.now(UTC))
    with held_dest(target, run_id, wait_lock_seconds, lease_ttl_seconds) as lease:
        groups = plan_compaction(Storage.open(target), target_size_bytes, partition)
        get_run_logger().info("compaction %s: %d groups of small files to merge", run_id, len(groups))
        merged = [f.result() for f in [merge_group_task.submit(g, i, run_id, target) for i, g in enumerate(groups)]]
        summary: dict[str, Any] = {
            "run_id": run_id,
            "kind": "compact",
            "status": "committed",
            "dest": Storage.open(target).uri,
            "finished_at": datetime.now(UTC).isoformat(),
            "counts": {
                "groups": len(groups),
                "files_merged": sum(len(g.paths) for g in groups),
                "files_written": len(merged),
                "rows": sum(w.rows for w in merged),
            },
            "files": files_for_manifest(merged),
            "removed": sorted(p for g in groups for p in g.paths),
        }
        schemes = committed_index(Storage.open(target)).schemes
        if schemes:  # merged index files keep the scheme they were built with
            summary["index_scheme"] = min(schemes)
        if groups:  # nothing to merge: commit nothing, so reruns leave no trace
            lease.check()
            commit_run_task(target, summary)
        return summary
