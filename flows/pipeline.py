"""What the ingest and reprocess flows share: hold DEST, recover, stage, deduplicate, commit, summarize."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

from prefect import get_run_logger
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run

from flows import progress
from tasks.batch import StagedBatch
from tasks.commit import commit_batches_task, commit_groups, commit_run_task, files_for_manifest
from tasks.config import RunConfig
from tasks.dedup_index import check_scheme
from tasks.errors import INTERNAL_ERROR, check_internal_errors
from tasks.faults import crash_point
from tasks.index_cache import IndexCache
from tasks.lease import Lease, hold
from tasks.memory import bound_heap, release_memory
from tasks.minhash import DedupParams
from tasks.protocol import WrittenFile, committed_files, recover
from tasks.resolve import Resolution, resolve_duplicates_task
from tasks.schema_evolution import CURRENT, check_evolution
from tasks.storage import Dest, Storage


def new_run_id(now: datetime) -> str:
    """Sortable by time, unique across machines: 20261128T151648Z-1a2b3c4d."""
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


@contextmanager
def held_dest(
    dest: Dest,
    run_id: str,
    wait_seconds: float,
    ttl_seconds: float,
    replaced: tuple[str, ...] = (),
    dedup: DedupParams | None = None,
) -> Iterator[Lease]:
    """Hold DEST's lease, finish or undo any interrupted run, and check that this version's schemas may extend
    the tables it writes to (tables it `replaced` wholesale are exempt) and that the dedup index was built
    with the run's hash scheme (`dedup`; None for runs that rebuild the index or do not use it)."""
    logger = get_run_logger()
    storage = Storage.open(dest)
    storage.check_writable()
    with hold(storage, run_id, wait_seconds, ttl_seconds) as lease:
        recovery = recover(storage)
        if recovery.rolled_forward or recovery.rolled_back:
            logger.warning(
                "recovered interrupted runs in %s: completed %s, rolled back %s",
                storage.uri,
                recovery.rolled_forward or "none",
                recovery.rolled_back or "none",
            )
        check_evolution(storage, tuple(t for t in CURRENT if t not in replaced))
        if dedup is not None:
            check_scheme(storage, dedup, has_articles=bool(committed_files(storage, "articles")))
            IndexCache(storage).check_writable()
        crash_point("after-recovery")
        yield lease


def stage_resolve_commit(
    config: RunConfig,
    run_id: str,
    lease: Lease,
    submit_batches: Callable[[DedupParams], list[PrefectFuture[StagedBatch]]],
    manifest_extra: dict[str, Any],
    fresh: bool = False,
) -> dict[str, Any]:
    """Run the batch stages, commit the result with one manifest write, and return the run's summary."""
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    dest = config.target()
    params = DedupParams(**config.dedup.model_dump())
    bound_heap()  # before the stages: large temporaries are unmapped when freed, not kept resident
    staged = progress.collect("prepare-batch", submit_batches(params), items=lambda b: b.items)
    release_memory()  # what the batch tasks of this process freed: before the run-level step's peak
    rejected = rejects_by_reason(staged)
    check_internal_errors(rejected, sum(b.items for b in staged), config.max_internal_error_share)
    if rejected.get(INTERNAL_ERROR):
        get_run_logger().warning(
            "%d items hit an internal error: kept as rejects (reason %s) with their raw bytes; "
            "`newsetl reprocess DEST` rebuilds them once the bug is fixed",
            rejected[INTERNAL_ERROR],
            INTERNAL_ERROR,
        )
    with progress.stage("resolve-duplicates"):
        resolution = resolve_duplicates_task(staged, run_id, dest, params, fresh)
    commits = [commit_batches_task.submit(g, resolution.decisions_path, run_id, dest) for g in commit_groups(staged)]
    written = [w for ws in progress.collect("commit-batch", commits) for w in ws]
    summary = summarize(config, run_id, started_at, started, staged, resolution, written + resolution.files)
    summary["counts"] |= manifest_extra.get("counts", {})
    summary |= {k: v for k, v in manifest_extra.items() if k != "counts"}
    lease.check()  # fencing: a run that lost DEST to another writer must not commit
    with progress.stage("commit-run"):
        commit_run_task(dest, summary)
    get_run_logger().info("run %s committed: %s", run_id, summary["counts"])
    return summary


def rejects_by_reason(staged: list[StagedBatch]) -> dict[str, int]:
    rejects: dict[str, int] = {}
    for batch in staged:
        for reason, n in batch.rejects.items():
            rejects[reason] = rejects.get(reason, 0) + n
    return dict(sorted(rejects.items()))


def summarize(
    config: RunConfig,
    run_id: str,
    started_at: datetime,
    started: float,
    staged: list[StagedBatch],
    resolution: Resolution,
    written: list[WrittenFile],
) -> dict[str, Any]:
    rejects = rejects_by_reason(staged)
    tables = ("articles", "duplicates", "rejects", "raw", "superseded")
    rows = {t: sum(w.rows for w in written if w.table == t) for t in tables}
    return {
        "run_id": run_id,
        "flow_run_id": str(flow_run.get_id() or ""),
        "status": "committed",
        "dest": Storage.open(config.target()).uri,
        "started_at": started_at.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "elapsed_seconds": round(time.perf_counter() - started, 3),
        "config_hash": config.config_hash(),
        "code_version": version("newsetl"),
        "counts": {
            "items_in": sum(b.items for b in staged),
            "articles_written": rows["articles"],
            "duplicates_written": rows["duplicates"],
            "duplicates_exact": resolution.exact,
            "duplicates_near": resolution.near,
            "already_ingested": resolution.already_committed,
            "rejects": sum(rejects.values()),
            "rejects_written": rows["rejects"],
            "rejects_by_reason": dict(sorted(rejects.items())),
            "raw_archived": rows["raw"],
            "superseded": rows["superseded"],
        },
        "index_scheme": resolution.index_scheme,
        "files": files_for_manifest(written),
    }
