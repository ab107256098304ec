"""The reindex flow: rebuild DEST's dedup index from its committed tables, for the run's dedup settings.

Run it after changing the hash scheme (shingle size, permutations, bands, seed) and once on a dataset written
before the index existed. The new index replaces the old one in one commit; the data tables are untouched.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

from prefect import flow, get_run_logger, task

from flows.pipeline import held_dest, new_run_id
from schemas.index import INDEX_TABLES
from tasks.commit import commit_run_task, files_for_manifest
from tasks.config import RunConfig
from tasks.dedup_index import manifest_table, scheme_of
from tasks.minhash import DedupParams
from tasks.protocol import WrittenFile, committed_files
from tasks.reindex import rebuild_index
from tasks.retry import RETRY_TRANSIENT
from tasks.storage import Dest, Storage


@task(
    name="rebuild-index",
    **RETRY_TRANSIENT,
)
def rebuild_index_task(dest: Dest, run_id: str, params: DedupParams) -> list[WrittenFile]:
    return rebuild_index(Storage.open(dest), run_id, params)


@flow(name="reindex", validate_parameters=True)
def reindex(config: RunConfig) -> dict[str, Any]:
    started, started_at = time.perf_counter(), datetime.now(UTC)
    run_id = new_run_id(started_at)
    target = config.target()
    params = DedupParams(**config.dedup.model_dump())
    with held_dest(target, run_id, config.wait_lock_seconds, config.lease_ttl_seconds) as lease:
        storage = Storage.open(target)
        removed = sorted(p for name in INDEX_TABLES for p in committed_files(storage, manifest_table(name)))
        written = rebuild_index_task(target, run_id, params)
        rows = {name: sum(w.rows for w in written if w.table == manifest_table(name)) for name in INDEX_TABLES}
        summary = {
            "run_id": run_id,
            "kind": "reindex",
            "status": "committed",
            "dest": storage.uri,
            "started_at": started_at.isoformat(),
            "finished_at": datetime.now(UTC).isoformat(),
            "elapsed_seconds": round(time.perf_counter() - started, 3),
            "config_hash": config.config_hash(),
            "code_version": version("newsetl"),
            "index_scheme": scheme_of(params),
            "counts": {f"index_{name}_rows": n for name, n in rows.items()} | {"index_files_removed": len(removed)},
            "files": files_for_manifest(written),
            "removed": removed,
        }
        lease.check()
        commit_run_task(target, summary)
    get_run_logger().info("reindex %s committed: %s", run_id, summary["counts"])
    return summary
