"""The batch step: a list of input files -> staged articles (with MinHash signatures) and staged rejects.

One Prefect task per batch of thousands of items; Arrow tables inside; paths and counts out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyarrow as pa
from prefect import task

from schemas import REJECTS
from tasks.build_pool import build_staged
from tasks.discover import InputFile
from tasks.errors import Reject
from tasks.faults import crash_point
from tasks.fetch_read import read_all
from tasks.minhash import DedupParams
from tasks.protocol import staging_dir
from tasks.raw_archive import archive_table, items_from_archive
from tasks.read import RawItem
from tasks.retry import RETRY_TRANSIENT
from tasks.storage import Dest, Storage

STAGED_REJECTS = REJECTS.append(pa.field("rejected_date", pa.string(), nullable=False))


@dataclass(frozen=True)
class StagedBatch:
    index: int
    articles_path: str
    rejects_path: str
    items: int
    articles: int
    rejects: dict[str, int] = field(default_factory=dict)
    raw_path: str | None = None  # staged raw-archive rows; None when reprocessing from the archive
    raw_bytes: int = 0  # of the items as read: what committing the batch holds, at most, of its raw archive


def prepare_batch(
    files: list[InputFile],
    index: int,
    run_id: str,
    dest: str | Dest,
    params: DedupParams,
    strict_encoding: bool = False,
    max_item_bytes: int = 20_000_000,
    ner_model: str | None = None,
    processes: int = 1,
) -> StagedBatch:
    """`processes`: worker processes that build the articles (tasks.build_pool; 0 = one per core)."""
    items = read_all(files, max_item_bytes)  # pages of a batch are fetched a few at a time, in order
    storage = Storage.open(dest)
    return stage_items(items, index, run_id, storage, params, strict_encoding, True, ner_model, processes)


def prepare_archived_batch(
    raw_paths: list[str],
    index: int,
    run_id: str,
    dest: str | Dest,
    params: DedupParams,
    strict_encoding: bool,
    ner_model: str | None = None,
    processes: int = 1,
) -> StagedBatch:
    """Like `prepare_batch`, from files of the raw archive instead of the sources (`newsetl reprocess`)."""
    storage = Storage.open(dest)
    items = (item for path in raw_paths for item in items_from_archive(storage.read_parquet(path)))
    return stage_items(items, index, run_id, storage, params, strict_encoding, False, ner_model, processes)


def stage_items(
    items: Iterable[RawItem | Reject],
    index: int,
    run_id: str,
    storage: Storage,
    params: DedupParams,
    strict_encoding: bool,
    archive: bool,
    ner_model: str | None = None,
    processes: int = 1,
) -> StagedBatch:
    if ner_model:
        # The model travels as its name and is loaded once per worker process; a worker without it fails the
        # batch here with a ConfigError, instead of turning every article into an internal_error reject.
        from tasks.entities_spacy import load_ner

        load_ner(ner_model)
    read: list[RawItem | Reject] = list(items)
    todo = [item for item in read if not isinstance(item, Reject)]
    built = build_staged(todo, run_id, strict_encoding, ner_model, processes, params)
    rejects: list[Reject] = []
    position = 0  # among the items that were built
    for item in read:
        if isinstance(item, Reject):
            rejects.append(item)
        else:
            if position in built.rejects:
                rejects.append(built.rejects[position])
            position += 1
    table = built.table
    articles_path = f"{staging_dir(run_id)}/articles-{index:05d}.parquet"
    rejects_path = f"{staging_dir(run_id)}/rejects-{index:05d}.parquet"
    raw_path = f"{staging_dir(run_id)}/raw-{index:05d}.parquet" if archive else None
    storage.write_parquet(articles_path, table)
    storage.write_parquet(rejects_path, rejects_table(rejects, run_id))
    if raw_path is not None:
        storage.write_parquet(raw_path, archive_table(read, run_id, skip=set()))
    crash_point("after-first-batch")
    counts: dict[str, int] = {}
    for reject in rejects:
        counts[reject.reason] = counts.get(reject.reason, 0) + 1
    reasons = dict(sorted(counts.items()))
    raw_bytes = sum(len(item.raw) for item in read)
    return StagedBatch(index, articles_path, rejects_path, len(read), table.num_rows, reasons, raw_path, raw_bytes)


def rejects_table(rejects: list[Reject], run_id: str) -> pa.Table:
    now = datetime.now(UTC)
    rows = [
        {
            "reject_id": hashlib.sha256(r.source_uri.encode() + b"\x00" + r.raw).hexdigest()[:32],
            "source_uri": r.source_uri,
            "reason": r.reason,
            "detail": r.detail,
            "raw": r.raw,
            "run_id": run_id,
            "rejected_at": now,
            "rejected_date": now.date().isoformat(),
        }
        for r in rejects
    ]
    return pa.Table.from_pylist(rows, schema=STAGED_REJECTS)


@task(
    name="prepare-batch",
    task_run_name="prepare-batch-{index}",
    **RETRY_TRANSIENT,
)
def prepare_batch_task(
    files: list[InputFile],
    index: int,
    run_id: str,
    dest: str | Dest,
    params: DedupParams,
    strict_encoding: bool = False,
    max_item_bytes: int = 20_000_000,
    ner_model: str | None = None,
    processes: int = 1,
) -> StagedBatch:
    return prepare_batch(files, index, run_id, dest, params, strict_encoding, max_item_bytes, ner_model, processes)


@task(
    name="prepare-archived-batch",
    task_run_name="prepare-archived-batch-{index}",
    **RETRY_TRANSIENT,
)
def prepare_archived_batch_task(
    raw_paths: list[str],
    index: int,
    run_id: str,
    dest: str | Dest,
    params: DedupParams,
    strict_encoding: bool,
    ner_model: str | None = None,
    processes: int = 1,
) -> StagedBatch:
    return prepare_archived_batch(raw_paths, index, run_id, dest, params, strict_encoding, ner_model, processes)
