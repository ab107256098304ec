"""The persistent index store: sorted postings, looked up by binary search in a local memory-mapped copy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from tasks import index_cache
from tasks.dedup_index import (
    check_scheme,
    committed_index,
    id_keys,
    lookup,
    row_groups_holding,
    scheme_of,
    write_postings,
)
from tasks.errors import ConfigError, TerminalError
from tasks.index_cache import IndexCache
from tasks.minhash import DedupParams
from tasks.protocol import commit, publish
from tasks.storage import Storage

SCHEME = scheme_of(DedupParams())


class CountingStorage:
    """Wraps a storage to count the Parquet files it opens (how the index reaches the destination)."""

    def __init__(self, storage: Storage) -> None:
        self.storage, self.opened = storage, 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.storage, name)

    def parquet_file(self, relative: str):  # type: ignore[no-untyped-def]
        self.opened += 1
        return self.storage.parquet_file(relative)


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


def test_the_destination_is_read_once_then_lookups_use_the_local_copy(tmp_path: Path) -> None:
    storage, keys = committed_band_file(tmp_path, 5_000)
    counting = CountingStorage(storage)
    files = committed_index(storage).of("band")
    first = lookup(counting, files, keys[:3], ["doc"], SCHEME)  # type: ignore[arg-type]
    assert counting.opened == 1
    again = lookup(counting, files, keys[:3], ["doc"], SCHEME)  # type: ignore[arg-type]
    assert counting.opened == 1
    assert again.equals(first) and sorted(first.column("doc").to_pylist()) == [0, 1, 2]


def test_repeated_keys_are_all_found_across_segments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_cache, "SEGMENT_ROWS", 1000)
    storage = Storage.open(str(tmp_path))
    keys = np.repeat(np.arange(0, 2500, dtype=np.uint64) * np.uint64(2), 2)  # each key twice; 5 segments
    table = pa.table({"key": keys, "doc": np.arange(len(keys), dtype=np.uint64)})
    written = write_postings(storage, "band", table, "r1", 0, SCHEME)
    manifest = {"run_id": "r1", "files": [written.__dict__], "index_scheme": SCHEME}
    commit(storage, manifest)
    publish(storage, manifest)
    files = committed_index(storage).of("band")
    asked = np.array([0, 998, 999, 1000, 4998, 5001], dtype=np.uint64)  # 998/1000 straddle a segment border
    found = lookup(storage, files, asked, ["doc"], SCHEME)
    assert sorted(found.column("key").to_pylist()) == [0, 0, 998, 998, 1000, 1000, 4998, 4998]
    assert len(list(IndexCache(storage).entry(files[0]).glob("*.arrow"))) == 5


def test_copies_of_files_no_longer_committed_are_pruned(tmp_path: Path) -> None:
    storage, keys = committed_band_file(tmp_path, 100)
    [old] = committed_index(storage).of("band")
    cache = IndexCache(storage)
    lookup(storage, [old], keys[:1], ["doc"], SCHEME)
    (cache.folder / ".copy-interrupted").mkdir()
    cache.prune([old])
    assert [p.name for p in cache.folder.iterdir()] == [cache.entry(old).name]
    commit(storage, {"run_id": "r2", "files": [], "removed": [old]})
    cache.prune(committed_index(storage).paths())
    assert list(cache.folder.iterdir()) == []


def test_a_rebuilt_destination_is_not_answered_from_a_stale_copy(tmp_path: Path) -> None:
    storage, keys = committed_band_file(tmp_path / "dest", 100)
    [path] = committed_index(storage).of("band")
    assert lookup(storage, [path], keys[:1], ["doc"], SCHEME).num_rows == 1
    shutil.rmtree(tmp_path / "dest")
    storage, more = committed_band_file(tmp_path / "dest", 300)  # same file name, 200 more rows
    assert lookup(storage, [path], more[250:251], ["doc"], SCHEME).column("doc").to_pylist() == [250]


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


def test_an_unwritable_cache_folder_is_a_configuration_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    cache = IndexCache(Storage.open(str(tmp_path / "dest")), root=blocker)
    with pytest.raises(ConfigError, match="NEWSETL_CACHE_DIR"):
        cache.check_writable()
