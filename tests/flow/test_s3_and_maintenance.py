"""S3 as DEST end to end, one writer at a time, compaction and reprocessing, through the Prefect engine."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pyarrow.fs as pafs
import pytest
from s3_servers import S3Endpoint

from flows.cli import main
from flows.compact import compact
from flows.ingest import ingest
from flows.reprocess import reprocess
from tasks.config import load_config
from tasks.lease import hold
from tasks.protocol import committed_files
from tasks.storage import Storage

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "flows" / "sample_data"


def _rows(dest: str, table: str, endpoint: S3Endpoint | None = None) -> list[dict[str, Any]]:
    """All rows of a table as a plain reader sees them (pyarrow.dataset, hive partitions), sorted."""
    if endpoint is None:
        fs: pafs.FileSystem = pafs.LocalFileSystem()
        root = dest
    else:
        fs = endpoint.arrow_fs()
        root = dest.removeprefix("s3://")
    table_rows = ds.dataset(f"{root}/{table}", filesystem=fs, format="parquet", partitioning="hive").to_table()
    key = table_rows.column_names[0]
    return sorted(table_rows.drop_columns(["run_id"]).to_pylist(), key=lambda r: str(r[key]))


def test_s3_dest_gives_the_same_dataset_as_a_local_one_and_reruns_add_nothing(
    tmp_path: Path, moto_store: S3Endpoint
) -> None:
    bucket = moto_store.new_bucket()
    s3_dest = f"s3://{bucket}/newsroom/archive"
    local_dest = str(tmp_path / "data")
    first = ingest(load_config(dest=s3_dest))
    ingest(load_config(dest=local_dest))
    for table in ("articles", "duplicates"):
        assert _rows(s3_dest, table, moto_store) == _rows(local_dest, table)
    again = ingest(load_config(dest=s3_dest))
    assert (again["counts"]["articles_written"], again["counts"]["duplicates_written"]) == (0, 0)
    assert len(_rows(s3_dest, "articles", moto_store)) == first["counts"]["articles_written"]
    keys = [o["Key"] for page in moto_store.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)  # type: ignore[attr-defined]
            for o in page.get("Contents", [])]  # fmt: skip
    assert not [k for k in keys if k.endswith("/")], "directory markers break s3fs-based readers"
    assert not [k for k in keys if "/_staging/" in k or k.endswith("_lease.json")]


def test_a_second_run_on_a_held_dest_fails_fast_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "data"
    with hold(Storage.open(str(dest)), "someone-else"):
        assert main(["run", str(SAMPLE), "--dest", str(dest)]) == 1
    assert "in use by run someone-else" in capsys.readouterr().err
    assert not (dest / "articles").exists() and not (dest / "_runs").exists()


@pytest.mark.usefixtures("per_batch_commits")
def test_compaction_merges_small_files_without_changing_content_and_is_idempotent(tmp_path: Path) -> None:
    dest = str(tmp_path / "data")
    ingest(load_config(dest=dest, batch_size=4))  # many small batches: many small files per partition
    storage = Storage.open(dest)
    before = {t: _rows(dest, t) for t in ("articles", "duplicates", "rejects", "raw")}
    files_before = {t: len(committed_files(storage, t)) for t in before}
    result = compact(dest, target_size_bytes=64 * 1024 * 1024)
    assert result["counts"]["files_merged"] > result["counts"]["files_written"] > 0
    files_after = {t: len(committed_files(storage, t)) for t in before}
    assert sum(files_after.values()) < sum(files_before.values())
    on_disk = sorted(str(p.relative_to(tmp_path / "data")) for p in (tmp_path / "data" / "articles").rglob("*.parquet"))
    assert on_disk == committed_files(storage, "articles")  # replaced files are gone, not just hidden
    for table, rows in before.items():
        assert _rows(dest, table) == rows, table
    assert compact(dest)["counts"]["groups"] == 0  # nothing left to merge: a rerun changes nothing


def test_reprocess_rebuilds_from_the_raw_archive_without_the_sources(tmp_path: Path) -> None:
    sources = tmp_path / "inbox"
    shutil.copytree(SAMPLE, sources)
    dest = str(tmp_path / "data")
    first = ingest(load_config(sources=[str(sources)], dest=dest))
    before = {t: _rows(dest, t) for t in ("articles", "duplicates", "rejects")}
    shutil.rmtree(sources)  # nothing can be fetched again
    rebuilt = reprocess(load_config(dest=dest))
    assert rebuilt["counts"]["items_in"] == first["counts"]["items_in"]
    after = {t: _rows(dest, t) for t in before}
    strip = {"rejected_at"}
    for table in before:
        assert [{k: v for k, v in r.items() if k not in strip} for r in after[table]] == [
            {k: v for k, v in r.items() if k not in strip} for r in before[table]
        ], table
    reprocess(load_config(dest=dest))  # twice gives the same rows as once
    assert _rows(dest, "articles") == after["articles"]
