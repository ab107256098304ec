"""The persistent index store: sorted postings, lookups that read only the row groups holding their keys."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from tasks.dedup_index import (
    check_scheme,
    committed_index,
    id_keys,
    lookup,
    row_group_rows,
    row_groups_holding,
    scheme_of,
    write_postings,
)
from tasks.errors import ConfigError, TerminalError
from tasks.minhash import DedupParams
from tasks.protocol import commit, publish
from tasks.storage import Storage

SCHEME = scheme_of(DedupParams())


class CountingStorage:
    """Wraps a storage's parquet_file to count the row groups each lookup reads (the only I/O it does)."""

    def __init__(self, storage: Storage) -> None:
        self.storage, self.groups_read = storage, 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.storage, name)

    def parquet_file(self, relative: str):  # type: ignore[no-untyped-def]
        outer = self
        context = self.storage.parquet_file(relative)

        class Counted:
            def __enter__(self):  # type: ignore[no-untyped-def]
                parquet = context.__enter__()
                read = parquet.read_row_groups

                def counted(groups, columns=None):  # type: ignore[no-untyped-def]
                    outer.groups_read += len(groups)
                    return read(groups, columns=columns)

                parquet.read_row_groups = counted
                return parquet

            def __exit__(self, *exc: object) -> None:
                context.__exit__(*exc)

        return Counted()


def committed_band_file(tmp_path: Path, rows: int, run_id: str = "r1") -> tuple[Storage, np.ndarray]:
    storage = Storage.open(str(tmp_path))
    rng = np.random.default_rng(7)
    keys = rng.integers(0, 2**63, size=rows, dtype=np.uint64) * np.uint64(2)
    table = pa.table({"key": keys, "doc": np.arange(rows, dtype=np.uint64)})
    written = write_postings(storage, "band", table, run_id, 0, SCHEME)
    manifest = {"run_id": run_id, "files": [written.__dict__], "index_scheme": SCHEME}
    commit(storage, manifest)
    publish(storage, manifest)
    return storage, keys


def test_lookup_finds_exactly_the_rows_of_its_keys(tmp_path: Path) -> None:
    storage, keys = committed_band_file(tmp_path, 50_000)
    files = committed_index(storage).of("band")
    asked = np.concatenate([keys[[3, 17, 49_999]], np.array([1, 5], dtype=np.uint64)])  # odd keys are absent
    found = lookup(storage, files, asked, ["doc"], SCHEME)
    assert sorted(found.column("doc").to_pylist()) == [3, 17, 49_999]
    assert found.column_names == ["key", "doc"]
    assert lookup(storage, files, np.zeros(0, dtype=np.uint64), ["doc"], SCHEME).num_rows == 0


def test_a_lookup_of_few_keys_reads_few_row_groups(tmp_path: Path) -> None:
    storage, keys = committed_band_file(tmp_path, 20 * row_group_rows("band"))
    counting = CountingStorage(storage)
    files = committed_index(storage).of("band")
    lookup(counting, files, keys[:3], ["doc"], SCHEME)  # type: ignore[arg-type]
    assert 1 <= counting.groups_read <= 3
    counting.groups_read = 0
    lookup(counting, files, keys, ["doc"], SCHEME)  # type: ignore[arg-type]
    assert counting.groups_read == 20


def test_files_of_another_scheme_are_refused(tmp_path: Path) -> None:
    storage, keys = committed_band_file(tmp_path, 100)
    other = scheme_of(DedupParams(num_perm=64, bands=16))
    with pytest.raises(TerminalError, match="scheme"):
        lookup(storage, committed_index(storage).of("band"), keys[:1], ["doc"], other)
    with pytest.raises(ConfigError, match="newsetl reindex"):
        check_scheme(storage, DedupParams(num_perm=64, bands=16), has_articles=True)
    check_scheme(storage, DedupParams(threshold=0.9), has_articles=False)  # the threshold is not part of it


def test_a_dataset_with_articles_but_no_index_must_be_reindexed(tmp_path: Path) -> None:
    storage = Storage.open(str(tmp_path))
    with pytest.raises(ConfigError, match="reindex"):
        check_scheme(storage, DedupParams(), has_articles=True)
    check_scheme(storage, DedupParams(), has_articles=False)


def test_files_a_later_manifest_removed_are_not_committed(tmp_path: Path) -> None:
    storage, _ = committed_band_file(tmp_path, 10)
    [old] = committed_index(storage).of("band")
    commit(storage, {"run_id": "r2", "files": [], "removed": [old]})
    assert committed_index(storage).of("band") == []
    assert json.loads(storage.read_bytes("_runs/r1.json"))["index_scheme"] == SCHEME


def test_id_keys_are_the_first_64_bits_of_hex_ids() -> None:
    ids = ["ffffffffffffffff" + "0" * 16, "0000000000000001" + "f" * 16]
    assert id_keys(ids).tolist() == [2**64 - 1, 1]
    assert id_keys([]).dtype == np.uint64


def test_row_groups_holding_sorted_string_ids(tmp_path: Path) -> None:
    storage = Storage.open(str(tmp_path))
    ids = [f"{i:04d}" for i in range(1000)]
    storage.write_parquet("a.parquet", pa.table({"article_id": ids, "text": ["t"] * 1000}), row_group_size=100)
    with storage.parquet_file("a.parquet") as parquet:
        assert row_groups_holding(parquet, "article_id", ["0005", "0950", "0951"]) == [0, 9]
        assert row_groups_holding(parquet, "article_id", ["0999x", "zzz"]) == []
        assert row_groups_holding(parquet, "text", ["t"]) == list(range(10))
