"""The run-level dedup step's bounded-memory parts: spilled shingle sets, lazily read texts, band postings
split by key range, band keys computed per staged batch."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from tasks import shingle_store
from tasks.batch import StagedBatch
from tasks.dedup import band_keys, candidate_pairs
from tasks.minhash import DedupParams, shingle_sets, signatures
from tasks.resolve_index import band_parts
from tasks.resolve_texts import KEY_COLUMNS, read_keys
from tasks.shingle_store import LazySequence, PackedSets, ShingleStore
from tasks.storage import Storage

TEXTS = [
    "The port workers walked out on Monday over pay, halting container traffic at the harbour.",
    "",
    "Central bank holds rates steady as inflation cools for a third month in a row, officials said.",
    "One two",
]


class CountingTexts(LazySequence):
    """Texts in 'files' of two; counts the file reads and whether the reader released them."""

    def __init__(self, texts: list[str]) -> None:
        self.texts, self.reads, self.released, self._file = texts, 0, False, -1

    def __len__(self) -> int:
        return len(self.texts)

    def _text(self, index: int) -> str:
        if index // 2 != self._file:
            self.reads, self._file = self.reads + 1, index // 2
        return self.texts[index]

    def access_order(self, indices: list[int]) -> list[int]:
        return sorted(indices)

    def release(self) -> None:
        self.released = True


def test_store_gives_back_each_set_exactly() -> None:
    expected = shingle_sets(TEXTS, 3)
    with ShingleStore(10) as store:
        store.add_texts(TEXTS, [0, 1, 2, 3], 5, 3)  # nodes 5..8
        for i, want in enumerate(expected):
            assert store.length(5 + i) == len(want)
            assert np.array_equal(store[5 + i], want)
            assert np.array_equal(store[5 + i], want)  # again, from the cache


def test_store_reads_back_from_the_file_once_its_cache_is_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shingle_store, "CACHED_SETS", 1)
    monkeypatch.setattr(shingle_store, "CHUNK_TEXTS", 1)
    expected = shingle_sets(TEXTS, 3)
    with ShingleStore(4) as store:
        store.add_texts(TEXTS, [3, 0, 2], 0, 3)
        for node in (0, 2, 3, 0, 3):
            assert np.array_equal(store[node], expected[node])


def test_store_reads_lazy_texts_in_their_cheapest_order_and_releases_them() -> None:
    texts = CountingTexts(TEXTS * 2)  # four 'files' of two texts
    with ShingleStore(len(texts.texts)) as store:
        store.add_texts(texts, [7, 0, 6, 1, 3], 0, 3)
        assert texts.reads == 3  # files 0, 1 and 3, each once, though the indices came unordered
        assert texts.released
        assert np.array_equal(store[7], shingle_sets([TEXTS[3]], 3)[0])


def test_band_parts_split_by_key_range_hold_the_same_rows() -> None:
    rng = np.random.default_rng(7)
    bands = rng.integers(0, 2**63, size=(300, 42), dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    docs = rng.integers(0, 2**63, size=300, dtype=np.uint64)
    whole = list(band_parts(docs, bands))
    parts = list(band_parts(docs, bands, rows_per_file=3000))
    assert len(whole) == 1 and len(parts) == 5
    assert all(2000 < p.num_rows < 3000 for p in parts)  # uniform keys: parts of about equal size
    ranges = [(p.column("key").to_numpy().min(), p.column("key").to_numpy().max()) for p in parts]
    assert all(hi < lo for (_, hi), (lo, _) in pairwise(ranges))  # disjoint, in order
    order = [("key", "ascending"), ("doc", "ascending")]
    assert pa.concat_tables(parts).sort_by(order).equals(whole[0].sort_by(order))
    # Only some rows (the run's articles, not its duplicates): the rows of those alone, in parts or whole.
    some = np.arange(0, 300, 3)
    alone = next(band_parts(docs[some], bands[some]))
    assert next(band_parts(docs, bands, some)).equals(alone)
    in_parts = list(band_parts(docs, bands, some, rows_per_file=1000))
    assert len(in_parts) == 5
    assert pa.concat_tables(in_parts).sort_by(order).equals(alone.sort_by(order))


def test_read_keys_gives_the_band_keys_of_every_staged_signature(tmp_path: Path) -> None:
    """Computed a staged batch at a time, without the signature column: the keys of all signatures at once."""
    params = DedupParams()
    texts = TEXTS * 3
    sigs = signatures(texts, params)
    storage = Storage.open(str(tmp_path))
    staged = []
    for index, lo in enumerate(range(0, len(texts), 5)):
        rows = len(texts[lo : lo + 5])
        columns = {c: pa.array([f"{c}-{lo + i}" for i in range(rows)]) for c in KEY_COLUMNS[:-1]}
        columns["agency_own"] = pa.array([(lo + i) % 3 == 0 for i in range(rows)])
        columns["word_count"] = pa.array([len(t.split()) for t in texts[lo : lo + 5]], pa.int32())
        flat = pa.array(sigs[lo : lo + 5].reshape(-1), pa.uint32())
        columns["signature"] = pa.FixedSizeListArray.from_arrays(flat, params.num_perm)
        storage.write_parquet(f"staged-{index}.parquet", pa.table(columns))
        staged.append(StagedBatch(index, f"staged-{index}.parquet", "", rows, rows))
    keys, bands = read_keys(storage, staged, params)
    assert "signature" not in keys.column_names
    assert keys.column("agency_own").to_pylist() == [i % 3 == 0 for i in range(len(texts))]
    assert keys.column("article_id").to_pylist() == [f"article_id-{i}" for i in range(len(texts))]
    assert np.array_equal(bands.materialize(), band_keys(sigs, params))
    assert np.array_equal(bands.select(slice(3, 9)).materialize(), band_keys(sigs, params)[3:9])
    assert np.array_equal(bands.select(np.arange(len(texts)) % 2 == 0)[:, 5], band_keys(sigs, params)[::2, 5])
    assert np.array_equal(bands[np.arange(4), 7], band_keys(sigs, params)[:4, 7])


def test_candidate_pairs_of_some_rows_are_those_of_the_rows_alone() -> None:
    """The clustering pairs the eligible rows of the run's band keys without copying them out."""
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 40, size=(500, 6), dtype=np.uint64)  # few distinct keys: many shared buckets
    rows = np.sort(rng.choice(500, size=200, replace=False))
    assert np.array_equal(candidate_pairs(keys, rows=rows), candidate_pairs(keys[rows]))
    assert np.array_equal(candidate_pairs(keys, max_bucket=5, rows=rows), candidate_pairs(keys[rows], max_bucket=5))


def test_bitmap_bound_is_never_below_the_verified_score() -> None:
    # Pairs of every kind the bound must not rule out wrongly: copies, trims, shared passages, unrelated,
    # short and long sets, and sets crowded enough that many of their shingles share a bitmap bit.
    from tasks.clustering_join import _score_bounds
    from tasks.dedup import verified_score

    rng = np.random.default_rng(7)
    pool = rng.integers(0, 2**64, 5000, dtype=np.uint64, endpoint=False)
    sets: list[np.ndarray] = []
    for _ in range(300):
        size = int(rng.choice([5, 40, 400, 3000]))
        sets.append(np.unique(rng.choice(pool[: int(rng.choice([600, 5000]))], size)))
    base = sets[0]
    sets += [base, base[: len(base) // 2], np.union1d(base, sets[1])]  # a copy, a trim, an added passage
    with ShingleStore(len(sets)) as store:
        store.add_sets(np.arange(len(sets)), sets)
        members = rng.integers(0, len(sets), 4000)
        others = rng.integers(0, len(sets), 4000)
        bounds = _score_bounds(members, others, store)
        exact = [verified_score(sets[m], sets[o]) for m, o in zip(members.tolist(), others.tolist(), strict=True)]
    assert np.all(bounds >= np.array(exact))
    assert np.mean(bounds >= 0.7) < 0.5  # and it rules out pairs: what it is for


def test_bitmaps_mark_the_top_bits_of_each_shingle() -> None:
    expected = shingle_sets(TEXTS, 3)
    with ShingleStore(4) as store:
        store.add_texts(TEXTS, [0, 1, 2, 3], 0, 3)
        bitmaps = store.bitmaps(np.arange(4))
    for row, values in zip(bitmaps, expected, strict=True):
        bits = np.unpackbits(row.view(np.uint8), bitorder="little")
        assert set(np.flatnonzero(bits).tolist()) == set((values >> np.uint64(54)).astype(int).tolist())


def test_lazy_texts_are_shingled_on_the_build_pool_when_it_is_up(tmp_path: Path) -> None:
    """The run-level step shingles its paired texts on the build pool's workers, idle after the batches: the
    same set for each node as in-process, wherever the rows fall in the staged files."""
    from tasks import build_pool
    from tasks.resolve_texts import LazyTexts

    storage = Storage.open(str(tmp_path))
    texts = [f"{text} Reported from desk {i} of the wire." for i, text in enumerate(TEXTS * 4)]  # 16 rows
    staged = []
    for index, lo in enumerate(range(0, len(texts), 6)):  # files of 6, 6 and 4 rows
        part = texts[lo : lo + 6]
        storage.write_parquet(f"articles-{index}.parquet", pa.table({"text": part}))
        staged.append(StagedBatch(index, f"articles-{index}.parquet", "", len(part), len(part)))
    keys = pa.table({"n": list(range(len(texts)))})
    keep = np.ones(len(texts), dtype=bool)
    keep[[2, 9]] = False  # candidates are the kept rows: candidate i is not row i past a dropped row
    kept_texts = [t for t, k in zip(texts, keep, strict=True) if k]
    wanted = [13, 0, 4, 5, 6, 11]  # rows of all three files, unordered

    def sets_of(lazy: LazyTexts) -> dict[int, list[int]]:
        found = {}
        for chunk, packed in lazy.shingled(wanted, 3):
            sets = np.split(packed.data, np.cumsum(packed.lengths)[:-1])
            assert np.array_equal(packed.bitmaps, PackedSets.of(sets).bitmaps)
            found |= {i: s.tolist() for i, s in zip(chunk, sets, strict=True)}
        return found

    build_pool._reset()
    here = sets_of(LazyTexts(storage, staged, keys, keep))  # no pool up: in this process
    assert here == {i: shingle_sets([kept_texts[i]], 3)[0].tolist() for i in wanted}
    build_pool.build_staged([], "run-1", False, None, 2, DedupParams())  # no items: starts no pool
    assert build_pool.running_pool() is None
    pool = build_pool._shared_pool(2)
    submitted = pool._queue_count  # type: ignore[attr-defined]  # CPython's count of work items submitted
    assert sets_of(LazyTexts(storage, staged, keys, keep)) == here
    assert pool._queue_count == submitted + 3  # type: ignore[attr-defined]  # a job per staged file
    with ShingleStore(len(kept_texts)) as store:
        store.add_texts(LazyTexts(storage, staged, keys, keep), wanted, 0, 3)
        assert all(np.array_equal(store[i], np.array(here[i], dtype=np.uint64)) for i in wanted)


def test_key_then_position_is_lexsorts_order() -> None:
    from tasks.resolve_index import key_then_position

    rng = np.random.default_rng(5)
    for size, distinct in ((0, 1), (1, 1), (1000, 5), (5000, 4000), (5000, 1 << 62)):
        key = rng.integers(0, distinct, size=size, dtype=np.uint64)  # few distinct keys: long runs of ties
        position = rng.permutation(size).astype(np.int64)
        assert np.array_equal(key_then_position(key, position), np.lexsort((position, key)))
