"""The ingest flow: SOURCE files in, normalized, deduplicated, enriched, partitioned Parquet out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows import progress
from flows.pipeline import held_dest, new_run_id, stage_resolve_commit
from tasks.batch import StagedBatch, prepare_batch_task
from tasks.config import RunConfig
from tasks.discover import discover, plan_batches
from tasks.minhash import DedupParams
from tasks.report import publish_run_report_task


def thread_runner(workers: int) -> TaskRunner[PrefectFuture[Any]]:
    # Prefect's TaskRunner generic is invariant in its future type, so its own runners need the cast.
    return cast("TaskRunner[PrefectFuture[Any]]", ThreadPoolTaskRunner(max_workers=workers))


@flow(name="ingest", task_runner=thread_runner(2), validate_parameters=True)
def ingest(config: RunConfig) -> dict[str, Any]:
    with progress.stage("discover"):
        found = discover(config.effective_sources(), config.fetch_settings())
        run_id = new_run_id(datetime.now(UTC))
        batches = plan_batches(found.files, config.batch_size)
    get_run_logger().info("run %s: %d files in %d batches -> %s", run_id, len(found.files), len(batches), config.dest)

    def submit(params: DedupParams) -> list[PrefectFuture[StagedBatch]]:
        return [
            prepare_batch_task.submit(
                files,
                i,
                run_id,
                config.target(),
                params,
                config.strict_encoding,
                config.max_item_bytes,
                config.ner_model,  # a plain string: each worker process loads the model itself
                config.processes,
            )
            for i, files in enumerate(batches)
        ]

    extra = {
        "kind": "ingest",
        "sources": config.effective_sources(),
        "skipped_files": found.skipped,
        "counts": {"input_files": len(found.files), "skipped_files": len(found.skipped)},
    }
    params = DedupParams(**config.dedup.model_dump())
    with held_dest(config.target(), run_id, config.wait_lock_seconds, config.lease_ttl_seconds, dedup=params) as lease:
        summary = stage_resolve_commit(config, run_id, lease, submit, extra)
    publish_run_report_task(summary, config.target(), progress.finish_run())
    return summary
