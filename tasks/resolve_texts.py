"""The run's staged articles as the dedup step reads them: key columns at once, texts lazily."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

import numpy as np
import pyarrow as pa

from tasks.band_file import BandKeys
from tasks.batch import StagedBatch
from tasks.build_pool import ordered_map, running_pool
from tasks.dedup import band_keys
from tasks.memory import release_memory
from tasks.minhash import DedupParams
from tasks.shingle_store import LazySequence, PackedSets, packed_shingle_sets
from tasks.staged_rows import is_agency_own
from tasks.storage import LocalStorage, Storage

KEY_COLUMNS = [
    "source_uri",
    "article_id",
    "content_hash",
    "published_at",
    "published_date",
    "agency_own",
    "word_count",
    "signature",
]


def read_keys(storage: Storage, staged: list[StagedBatch], params: DedupParams) -> tuple[pa.Table, BandKeys]:
    """The key columns of every staged article of the run, in batch order, and their (N, bands) uint64 LSH band
    keys: all the run needs of the signatures, computed a batch at a time, so it never holds them whole; the
    band keys go to a temporary file (tasks.band_file), read back a band at a time."""
    bands = BandKeys.create(sum(b.articles for b in staged), params.bands)
    tables: list[pa.Table] = []
    row = 0
    for batch in staged:
        with storage.parquet_file(batch.articles_path) as parquet:  # ~50 MB less kept at 1M than read_table's
            table = parquet.read(columns=KEY_COLUMNS)
        if table.num_rows != batch.articles:
            raise ValueError(f"staged batch {batch.index} lists {batch.articles} articles but holds {table.num_rows}")
        if table.num_rows:
            sigs = np.asarray(table.column("signature").combine_chunks().flatten()).reshape(-1, params.num_perm)
            bands.write(row, band_keys(sigs, params))
        tables.append(table.drop_columns(["signature"]))
        row += table.num_rows
    if not tables:
        empty = {c: pa.array([], pa.string()) for c in KEY_COLUMNS[:-1] if c != "agency_own"}
        return pa.table(empty | {"agency_own": pa.array([], pa.bool_())}), bands
    # One contiguous copy, then the 500 per-batch tables (at 1M articles) and what reading them left behind are
    # returned: ~80 MB less held through the clustering, where the step peaks.
    keys = pa.concat_tables(tables).combine_chunks()
    tables.clear()
    release_memory()
    return keys, bands


def agency_own(keys: pa.Table) -> list[bool]:
    """`is_agency_own` of each row's publisher and agency (committed articles; staged ones carry the column)."""
    own: list[bool] = []
    for start in range(0, keys.num_rows, 65536):  # a slice at a time: two Python strings per row are ~150 bytes
        part = keys.slice(start, 65536)
        publishers, agencies = part.column("publisher").to_pylist(), part.column("agency").to_pylist()
        own += [is_agency_own(p, a) for p, a in zip(publishers, agencies, strict=True)]
    return own


class LazyTexts(LazySequence):
    """Texts of the kept staged articles, read a batch file at a time (the last one read is kept). Shingled on
    the build pool's workers when it is up (`shingled`): the step's costliest part, on every core."""

    def __init__(self, storage: Storage, staged: list[StagedBatch], keys: pa.Table, keep: np.ndarray) -> None:
        self._storage, self._staged = storage, staged
        sizes = _batch_rows(keys, staged)
        self._offsets = np.cumsum([0, *sizes[:-1]]) if sizes else np.zeros(1, dtype=np.int64)
        self._positions = np.flatnonzero(keep)  # candidate index -> row index over all staged rows
        self._batch = -1
        self._texts: list[str] = []

    def __len__(self) -> int:
        return len(self._positions)

    def _text(self, index: int) -> str:
        row = int(self._positions[index])
        batch = int(np.searchsorted(self._offsets, row, side="right")) - 1
        if batch != self._batch:
            self._texts = []  # dropped before the next batch is read, not after
            table = self._storage.read_parquet(self._staged[batch].articles_path, ["text"])
            self._texts, self._batch = table.column("text").to_pylist(), batch
        return self._texts[row - int(self._offsets[batch])]

    def access_order(self, indices: list[int]) -> list[int]:
        return sorted(indices)  # candidates are numbered in batch order: one read per batch file

    def release(self) -> None:
        self._texts, self._batch = [], -1

    def shingled(self, indices: list[int], shingle_size: int) -> Iterator[tuple[list[int], PackedSets]]:
        """A job per batch file: a worker reads the file's texts and returns the sets of the rows asked for, packed
        with their bitmaps (at 1M articles those took 17 of the step's 112 s in this process).
        Local DEST only: the workers keep the environment the pool started with, while S3 credentials and
        endpoints come from the caller's (AWS_* variables, profiles), which may have changed since."""
        pool = running_pool() if isinstance(self._storage, LocalStorage) else None
        if pool is None or not indices:
            return super().shingled(indices, shingle_size)
        order = self.access_order(indices)
        rows = self._positions[np.asarray(order, dtype=np.int64)]
        batches = np.searchsorted(self._offsets, rows, side="right") - 1
        bounds = list(pairwise([0, *(np.flatnonzero(np.diff(batches)) + 1).tolist(), len(order)]))  # sorted
        jobs = [
            (
                self._storage.uri,
                self._staged[batch].articles_path,
                (rows[lo:hi] - self._offsets[batch]).tolist(),
                shingle_size,
            )
            for lo, hi in bounds
            for batch in [int(batches[lo])]
        ]
        chunks = [order[lo:hi] for lo, hi in bounds]
        return zip(chunks, ordered_map(pool, _shingle_rows, jobs, ahead=4), strict=True)


def _shingle_rows(job: tuple[str, str, list[int], int]) -> PackedSets:
    """On a pool worker: the shingle sets of these rows of one staged articles file (`root`: a local DEST's
    absolute path, as the workers' working directory may differ)."""
    root, path, rows, shingle_size = job
    texts = Storage.open(root).read_parquet(path, ["text"]).column("text")
    return packed_shingle_sets(texts.take(pa.array(rows, pa.int64())).to_pylist(), shingle_size)


def _batch_rows(keys: pa.Table, staged: list[StagedBatch]) -> list[int]:
    sizes = [b.articles for b in staged]
    if sum(sizes) != keys.num_rows:
        raise ValueError(f"staged batches list {sum(sizes)} articles but their files hold {keys.num_rows}")
    return sizes
