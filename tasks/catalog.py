"""Read-only views of a dataset for people: recent runs, partitions, and SQL over the committed files.

Everything here goes through the run manifests (`tasks.ledger`): files a killed run left behind are never
counted or queried. Tables are pyarrow datasets over the committed files, so the same code reads local disk
and S3 through the DEST's own filesystem, and DuckDB scans them lazily with filter and projection pushdown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds

from schemas import TABLES
from tasks.protocol import manifests
from tasks.storage import Storage

# The Hive partition column of each table: it lives in the path, not in the files (see tasks.commit).
PARTITION_COLUMNS: dict[str, str] = {
    "articles": "published_date",
    "duplicates": "published_date",
    "rejects": "rejected_date",
    "superseded": "superseded_date",
}

# One row per story: every copy (articles and duplicates) by cluster, and the story's current original (the
# earliest of its articles that no later run superseded). Files older than schema v3 have no cluster_id:
# their duplicates fall back to the article they duplicate.
STORY_CLUSTERS_SQL = """
CREATE VIEW story_clusters AS
WITH copies AS (
    SELECT coalesce(cluster_id, article_id) AS cluster_id, article_id, publisher, url, published_at, fetched_at,
           run_id, article_id NOT IN (SELECT article_id FROM superseded) AS leads
    FROM articles
    UNION ALL
    SELECT coalesce(cluster_id, duplicate_of), article_id, publisher, url, published_at, fetched_at, run_id, false
    FROM duplicates
)
SELECT cluster_id,
       min_by(article_id, coalesce(published_at, fetched_at)) FILTER (WHERE leads) AS original_id,
       count(*) AS copies,
       list(article_id ORDER BY published_at NULLS LAST, article_id) AS members,
       list(DISTINCT publisher ORDER BY publisher) FILTER (WHERE publisher IS NOT NULL) AS publishers,
       min(published_at) AS first_published,
       max(published_at) AS last_published,
       min(fetched_at) AS first_seen,
       max(fetched_at) AS last_seen,
       count(DISTINCT run_id) AS runs
FROM copies
GROUP BY cluster_id
"""


@dataclass(frozen=True)
class CommittedFile:
    table: str
    path: str
    rows: int
    bytes: int
    run_id: str
    schema_version: int


@dataclass
class Partition:
    table: str
    value: str
    files: int = 0
    rows: int = 0
    bytes: int = 0


@dataclass
class DatasetOverview:
    dest: str
    runs: int
    partitions: list[Partition]
    schema_versions: dict[int, int]  # schema version -> committed runs written with it
    rejects_by_reason: dict[str, int]
    uncommitted_files: int  # data files under DEST that no manifest lists (left by failed runs)
    totals: dict[str, dict[str, int]] = field(default_factory=dict)


def committed(storage: Storage) -> tuple[list[dict[str, Any]], list[CommittedFile]]:
    """The manifests (oldest first) and every file they commit that no later manifest (compaction) removed."""
    runs = sorted(manifests(storage), key=lambda m: str(m.get("started_at", "")))
    removed = {str(p) for run in runs for p in run.get("removed", [])}
    files = [
        CommittedFile(
            table=str(entry["table"]),
            path=str(entry["path"]),
            rows=int(entry["rows"]),
            bytes=int(entry["bytes"]),
            run_id=str(run["run_id"]),
            schema_version=int(str(run.get("schema_version", 1))),
        )
        for run in runs
        for entry in run.get("files", [])
        if str(entry["path"]) not in removed
    ]
    return runs, files


def recent_runs(storage: Storage, limit: int) -> list[dict[str, Any]]:
    """One row per committed run, newest first."""
    runs, _ = committed(storage)
    rows = []
    for run in reversed(runs[-limit:] if limit > 0 else runs):
        counts: dict[str, Any] = run.get("counts", {})
        rows.append(
            {
                "run_id": run["run_id"],
                "finished_at": run.get("finished_at"),
                "elapsed_s": run.get("elapsed_seconds"),
                "items_in": counts.get("items_in", 0),
                "articles": counts.get("articles_written", 0),
                "duplicates": counts.get("duplicates_written", 0),
                "already": counts.get("already_ingested", 0),
                "rejects": counts.get("rejects", 0),
                "sources": len(run.get("sources", [])),
            }
        )
    return rows


def table_dataset(storage: Storage, table: str, paths: list[str]) -> ds.Dataset:
    """A dataset over `paths` (relative to DEST) with the table's schema plus its typed partition column."""
    partition = pa.schema([pa.field(PARTITION_COLUMNS[table], pa.date32())])
    schema = pa.unify_schemas([TABLES[table], partition])
    if not paths:
        return ds.dataset(schema.empty_table())
    return ds.dataset(
        [storage.path(p) for p in paths],
        schema=schema,
        format="parquet",
        filesystem=storage.fs,
        partitioning=ds.partitioning(partition, flavor="hive"),
        partition_base_dir=storage.path(table),
    )


def connect(storage: Storage) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the tables bound to the committed files, and the view `story_clusters`."""
    _, files = committed(storage)
    con = duckdb.connect()
    for table in TABLES:
        dataset = table_dataset(storage, table, [f.path for f in files if f.table == table])
        con.register(table, dataset)
    con.execute(STORY_CLUSTERS_SQL)
    return con


def run_query(storage: Storage, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of `sql` over the committed tables."""
    con = connect(storage)
    try:
        result = con.sql(sql)
        if result is None:  # a statement without a result set (SET, CREATE VIEW ...)
            return [], []
        return list(result.columns), result.fetchall()
    finally:
        con.close()


def overview(storage: Storage) -> DatasetOverview:
    runs, files = committed(storage)
    partitions: dict[tuple[str, str], Partition] = {}
    for f in files:
        value = f.path.split("/")[1].partition("=")[2]
        part = partitions.setdefault((f.table, value), Partition(f.table, value))
        part.files += 1
        part.rows += f.rows
        part.bytes += f.bytes
    totals = {
        t: {
            "files": sum(1 for f in files if f.table == t),
            "rows": sum(f.rows for f in files if f.table == t),
            "bytes": sum(f.bytes for f in files if f.table == t),
        }
        for t in [*TABLES, *sorted({f.table for f in files} - set(TABLES))]  # e.g. the raw archive
    }
    versions = Counter(int(str(r.get("schema_version", 1))) for r in runs)
    reasons = Counter[str]()
    reject_files = [f.path for f in files if f.table == "rejects"]
    if reject_files:
        scanned = table_dataset(storage, "rejects", reject_files).to_table(columns=["reason"])
        reasons.update(str(r) for r in scanned.column("reason").to_pylist())
    listed = {f.path for f in files}
    on_disk = [p for t in totals for p in storage.list_files(t, ".parquet")]
    return DatasetOverview(
        dest=storage.uri,
        runs=len(runs),
        partitions=sorted(partitions.values(), key=lambda p: (p.table, p.value)),
        schema_versions=dict(sorted(versions.items())),
        rejects_by_reason=dict(reasons.most_common()),
        uncommitted_files=sum(1 for p in on_disk if p not in listed),
        totals=totals,
    )
