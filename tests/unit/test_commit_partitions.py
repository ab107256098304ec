"""How commit splits a batch into Hive partition files: one file per partition value, rows sorted by the
table's first column (ties in their input order), the partition value only in the path."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from schemas import REJECTS
from tasks.commit import _write_partitioned
from tasks.protocol import staged_data_path
from tasks.storage import Storage


def _rejects(ids: list[str], dates: list[str]) -> pa.Table:
    at = datetime(2026, 11, 1, tzinfo=UTC)
    n = len(ids)
    columns = {
        "reject_id": ids,
        "source_uri": [f"file:///in/{i}-{k}.txt" for k, i in enumerate(ids)],  # tells apart rows with equal ids
        "reason": ["empty"] * n,
        "detail": ["no text"] * n,
        "raw": [b""] * n,
        "run_id": ["run-1"] * n,
        "rejected_at": [at] * n,
    }
    return pa.Table.from_pydict(columns, schema=REJECTS).append_column("rejected_date", pa.array(dates))


def test_one_sorted_file_per_partition_with_the_rows_a_filter_per_value_would_give(tmp_path: Path) -> None:
    storage = Storage.open(str(tmp_path / "dest"))
    ids = ["c", "a", "e", "b", "a", "d", "f", "b"]  # "a" and "b" twice: ties keep their input order
    dates = [
        "2026-10-03",
        "2026-10-01",
        "2026-10-03",
        "2026-10-01",
        "2026-10-01",
        "2026-10-02",
        "2026-10-03",
        "2026-10-01",
    ]
    table = _rejects(ids, dates)

    written = _write_partitioned(storage, "rejects", table, REJECTS, "rejected_date", "run-1", 7)

    assert [w.path for w in written] == [
        f"rejects/rejected_date=2026-10-0{d}/part-run-1-00007.parquet" for d in (1, 2, 3)
    ]
    for entry in written:
        value = entry.path.split("=")[1].split("/")[0]
        local = tmp_path / "dest" / staged_data_path("run-1", entry.path)
        got = pq.read_table(local)
        expected = table.filter(pc.equal(table.column("rejected_date"), value)).sort_by("reject_id")
        assert got.schema.names == REJECTS.names  # the partition column lives in the path only
        assert got.to_pylist() == expected.select(REJECTS.names).to_pylist()
        assert entry.rows == got.num_rows and entry.bytes == local.stat().st_size
    assert sum(w.rows for w in written) == table.num_rows


def test_an_empty_table_writes_nothing(tmp_path: Path) -> None:
    storage = Storage.open(str(tmp_path / "dest"))
    assert _write_partitioned(storage, "rejects", _rejects([], []), REJECTS, "rejected_date", "run-1", 0) == []
    assert not (tmp_path / "dest").exists() or not any((tmp_path / "dest").rglob("*.parquet"))
