"""Compaction: merge a partition's small files into files near a target size, without changing content.

A compaction is a run like any other (see `tasks.protocol`): new files are staged, one manifest commits
them together with the list of files they replace, and publishing swaps them. Killing it at any point
leaves either the old files or the new ones committed; rerunning it finds nothing left to merge.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
from prefect import task

from schemas import RAW, TABLES
from schemas.index import INDEX_TABLES, SCHEME_METADATA
from tasks.commit import ROW_GROUP_ROWS
from tasks.dedup_index import committed_index, manifest_table, write_postings
from tasks.protocol import WrittenFile, committed_entries, staged_data_path
from tasks.retry import RETRY_TRANSIENT
from tasks.storage import Dest, Storage

COMPACTED_TABLES = ("articles", "duplicates", "rejects", "raw")
# Index tables (one folder each, no partitions) are merged too: every run adds a file to each, and a lookup
# reads the footer of every file.
INDEX_COMPACTED = tuple(manifest_table(name) for name in INDEX_TABLES)
DEFAULT_TARGET_BYTES = 128 * 1024 * 1024


@dataclass(frozen=True)
class MergeGroup:
    table: str
    partition: str  # e.g. "published_date=2026-11-28"
    paths: list[str]
    bytes: int


def plan_compaction(storage: Storage, target_bytes: int, partition: str | None = None) -> list[MergeGroup]:
    """Groups of two or more small files of one partition whose sizes add up to at most about the target."""
    groups: list[MergeGroup] = []
    single_scheme = len(committed_index(storage).schemes) <= 1
    tables = COMPACTED_TABLES + (INDEX_COMPACTED if partition is None and single_scheme else ())
    for table in tables:
        by_partition: dict[str, list[tuple[str, int]]] = {}
        for entry in committed_entries(storage, table):
            path = str(entry["path"])
            part = path.split("/")[1]  # a Hive partition, or the index table's folder
            if partition is None or part == partition:
                by_partition.setdefault(part, []).append((path, int(entry["bytes"])))
        for part, files in sorted(by_partition.items()):
            groups.extend(_pack(table, part, files, target_bytes))
    return groups


def _pack(table: str, partition: str, files: list[tuple[str, int]], target: int) -> list[MergeGroup]:
    small = [(p, size) for p, size in files if size < target * 0.8]
    groups: list[MergeGroup] = []
    current: list[tuple[str, int]] = []
    for path, size in small:
        if current and sum(s for _, s in current) + size > target:
            groups.append(MergeGroup(table, partition, [p for p, _ in current], sum(s for _, s in current)))
            current = []
        current.append((path, size))
    if current:
        groups.append(MergeGroup(table, partition, [p for p, _ in current], sum(s for _, s in current)))
    return [g for g in groups if len(g.paths) > 1]


def merge_group(group: MergeGroup, index: int, run_id: str, dest: str | Dest) -> WrittenFile:
    """Stream the group's files, one row group at a time, into one staged file (memory: one input file)."""
    storage = Storage.open(dest)
    if group.table in INDEX_COMPACTED:
        return _merge_index(storage, group, index, run_id)
    schema = RAW if group.table == "raw" else TABLES[group.table]
    final = f"{group.table}/{group.partition}/part-{run_id}-c{index:05d}.parquet"
    staged = staged_data_path(run_id, final)
    rows = 0
    with storage.parquet_writer(staged, schema) as writer:
        for path in group.paths:
            table = storage.read_parquet(path).select(schema.names).cast(schema)
            writer.write_table(table, row_group_size=ROW_GROUP_ROWS.get(group.table))
            rows += table.num_rows
    return WrittenFile(group.table, final, rows, storage.size(staged))


def _merge_index(storage: Storage, group: MergeGroup, index: int, run_id: str) -> WrittenFile:
    """Index files are merged into one file sorted by key (lookups rely on it): the group is read whole."""
    name = group.partition
    with storage.parquet_file(group.paths[0]) as first:
        scheme = (first.schema_arrow.metadata or {}).get(SCHEME_METADATA, b"").decode()
    tables = [storage.read_parquet(path).select(INDEX_TABLES[name].names) for path in group.paths]
    return write_postings(storage, name, pa.concat_tables(tables), run_id, index, scheme)


@task(
    name="merge-files",
    task_run_name="merge-{group.table}-{index}",
    **RETRY_TRANSIENT,
)
def merge_group_task(group: MergeGroup, index: int, run_id: str, dest: str | Dest) -> WrittenFile:
    return merge_group(group, index, run_id, dest)
