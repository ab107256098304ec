"""Write a run's data files (into its staging area), then commit them with one manifest write and publish.

Data files get unique, deterministic names (`part-<run_id>-<batch>.parquet`) in Hive partitions; see
`tasks.protocol` for how the manifest `_runs/<run_id>.json` makes them part of the dataset.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from prefect import task

from schemas import ARTICLES, DUPLICATES, RAW, REJECTS, SCHEMA_VERSION
from tasks.batch import StagedBatch
from tasks.faults import crash_point
from tasks.protocol import WrittenFile, commit, publish, staged_data_path
from tasks.raw_archive import STAGED_RAW
from tasks.resolve import decisions_of, repeated_raw_path, repeated_rejects_path
from tasks.retry import RETRY_TRANSIENT
from tasks.storage import Dest, Storage

# Articles in row groups of 256 (~1 MB of text): dedup reads the texts of a few committed articles by id
# (tasks.resolve_prior), and with sorted ids the footer statistics let it skip most of a file.
ROW_GROUP_ROWS: dict[str, int] = {"articles": 256}
# What commit needs of a staged articles file (tasks.staged_rows.staged_articles_schema).
STAGED_COLUMNS = [n for n in ARTICLES.names if n != "cluster_id"] + ["published_date"]
# Staged items committed by one task. A batch's ~2,000 articles span ~28 publication dates, so a task per batch
# wrote files of ~70 rows each (1,450 article files at 100k): a task per five batches writes a fifth as many, at a
# fraction of the per-file cost, for ~50 MB of staged columns held per task.
COMMIT_ITEMS = 10_000
# And at most this many bytes of raw input a task (a batch's own cap, tasks.discover.plan_batches): batches of
# HTML pages or WARC records, a batch's bytes each, are still committed one a task.
COMMIT_RAW_BYTES = 64_000_000


def commit_groups(
    staged: list[StagedBatch], items: int | None = None, raw_bytes: int = COMMIT_RAW_BYTES
) -> list[list[StagedBatch]]:
    """Consecutive batches of at most `items` (default COMMIT_ITEMS) staged items and `raw_bytes` of raw input
    in all (a batch over either alone is a group of its own): a commit task's unit."""
    items = COMMIT_ITEMS if items is None else items
    groups: list[list[StagedBatch]] = []
    count = size = 0
    for batch in staged:
        if not groups or count + batch.items > items or size + batch.raw_bytes > raw_bytes:
            groups.append([])
            count = size = 0
        groups[-1].append(batch)
        count += batch.items
        size += batch.raw_bytes
    return groups


def commit_batches(batches: list[StagedBatch], decisions_path: str, run_id: str, dest: str | Dest) -> list[WrittenFile]:
    """Write the decided rows of these staged batches, a file per table and partition for the group; the files
    are named after the group's first batch (groups are disjoint: names stay unique and reruns give the same)."""
    storage = Storage.open(dest)
    index = batches[0].index

    def read(paths: list[str], columns: list[str] | None = None) -> pa.Table:
        return pa.concat_tables([storage.read_parquet(path, columns=columns) for path in paths])

    # Not the staged signatures (a sixth of the file) nor the staged cluster_id: the decisions set it.
    staged = read([b.articles_path for b in batches], STAGED_COLUMNS)
    decisions = read([decisions_of(decisions_path, b.index) for b in batches])
    # Decisions are keyed by source_uri; list-typed columns rule out a hash join, so rows are matched by position.
    chosen = decisions.filter(pc.equal(decisions.column("action"), "article"))
    position = pc.index_in(staged.column("source_uri"), value_set=chosen.column("source_uri"))
    articles = staged.filter(pc.is_valid(position))
    cluster_ids = chosen.column("cluster_id").take(position.filter(pc.is_valid(position)))
    articles = articles.append_column("cluster_id", cluster_ids)
    written = _write_partitioned(storage, "articles", articles, ARTICLES, "published_date", run_id, index)

    duplicate_rows = decisions.filter(pc.equal(decisions.column("action"), "duplicate"))
    kept = [n for n in DUPLICATES.names if n in staged.column_names and n != "cluster_id"] + ["published_date"]
    joined = staged.select(kept).join(duplicate_rows.drop_columns(["article_id"]), "source_uri", join_type="inner")
    written += _write_partitioned(storage, "duplicates", joined, DUPLICATES, "published_date", run_id, index)
    del staged, articles, joined

    rejects = read([b.rejects_path for b in batches])
    repeated = storage.read_parquet(repeated_rejects_path(run_id)).column("reject_id")
    rejects = rejects.filter(pc.invert(pc.is_in(rejects.column("reject_id"), value_set=repeated)))
    written += _write_partitioned(storage, "rejects", rejects, REJECTS, "rejected_date", run_id, index)

    raw_paths = [b.raw_path for b in batches if b.raw_path is not None]
    if raw_paths:
        raw = pa.concat_tables([storage.read_parquet(path).cast(STAGED_RAW) for path in raw_paths])
        repeated_raw = storage.read_parquet(repeated_raw_path(run_id)).column("raw_id")
        raw = raw.filter(pc.invert(pc.is_in(raw.column("raw_id"), value_set=repeated_raw)))
        written += _write_partitioned(storage, "raw", raw, RAW, "fetched_date", run_id, index)
    return written


def _write_partitioned(
    storage: Storage, name: str, table: pa.Table, schema: pa.Schema, partition: str, run_id: str, index: int
) -> list[WrittenFile]:
    written: list[WrittenFile] = []
    if table.num_rows == 0:
        return written
    # One stable sort by (partition, first column), then one contiguous slice per partition: a batch of the
    # composed corpus spans ~28 dates, and a filter + sort per date scanned the whole batch once per date.
    # Within a partition the rows come out as a filter then a stable sort by the first column left them.
    # Sorted rows make reruns byte-identical and help readers' min/max statistics.
    ordered = table.sort_by([(partition, "ascending"), (schema.names[0], "ascending")])
    rows = ordered.select(schema.names).cast(schema)
    runs = pc.value_counts(ordered.column(partition))  # in order of first appearance, i.e. sorted
    start = 0
    for value, count in zip(runs.field("values").to_pylist(), runs.field("counts").to_pylist(), strict=True):
        part = rows.slice(start, count)
        start += count
        path = f"{name}/{partition}={value}/part-{run_id}-{index:05d}.parquet"
        size = storage.write_parquet(staged_data_path(run_id, path), part, row_group_size=ROW_GROUP_ROWS.get(name))
        written.append(WrittenFile(name, path, count, size))
    return written


def commit_run(dest: str | Dest, manifest: dict[str, Any]) -> str:
    """Commit (one manifest write) and publish the run's staged files. Check the run's lease just before."""
    storage = Storage.open(dest)
    crash_point("before-commit")
    path = commit(storage, {**manifest, "schema_version": SCHEMA_VERSION})
    publish(storage, manifest)
    return path


def files_for_manifest(files: list[WrittenFile]) -> list[dict[str, Any]]:
    return [asdict(f) for f in sorted(files, key=lambda f: f.path)]


@task(
    name="commit-batch",
    task_run_name="commit-batch-{batches[0].index}",
    **RETRY_TRANSIENT,
)
def commit_batches_task(
    batches: list[StagedBatch], decisions_path: str, run_id: str, dest: str | Dest
) -> list[WrittenFile]:
    return commit_batches(batches, decisions_path, run_id, dest)


@task(
    name="commit-run",
    **RETRY_TRANSIENT,
)
def commit_run_task(dest: str | Dest, manifest: dict[str, Any]) -> str:
    return commit_run(dest, manifest)
