"""The run's staged articles as the dedup step reads them: key columns at once, texts lazily."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa

from tasks.band_file import BandKeys
from tasks.batch import StagedBatch
from tasks.dedup import band_keys
from tasks.memory import release_memory
from tasks.minhash import DedupParams
from tasks.shingle_store import LazySequence
from tasks.storage import Storage

KEY_COLUMNS = [
    "source_uri",
    "article_id",
    "content_hash",
    "published_at",
    "published_date",
    "publisher",
    "agency",
    "word_count",
    "signature",
]
_NOT_WORD = re.compile(r"[\W_]+")


def read_keys(storage: Storage, staged: list[StagedBatch], params: DedupParams) -> tuple[pa.Table, BandKeys]:
    """The key columns of every staged article of the run, in batch order (`publisher` and `agency` replaced by
    `agency_own`), and their (N, bands) uint64 LSH band
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
        # Whether each is its agency's own copy, once: the publisher and agency strings are not kept.
        own = pa.array(agency_own(table), pa.bool_())
        tables.append(table.drop_columns(["signature", "publisher", "agency"]).append_column("agency_own", own))
        row += table.num_rows
    if not tables:
        empty = {c: pa.array([], pa.string()) for c in KEY_COLUMNS[:-1] if c not in ("publisher", "agency")}
        return pa.table(empty | {"agency_own": pa.array([], pa.bool_())}), bands
    # One contiguous copy, then the 500 per-batch tables (at 1M articles) and what reading them left behind are
    # returned: ~80 MB less held through the clustering, where the step peaks.
    keys = pa.concat_tables(tables).combine_chunks()
    tables.clear()
    release_memory()
    return keys, bands


def agency_own(keys: pa.Table) -> list[bool]:
    """Whether each article's publisher is the agency named in its own dateline or credit line."""
    own: list[bool] = []
    for start in range(0, keys.num_rows, 65536):  # a slice at a time: two Python strings per row are ~150 bytes
        part = keys.slice(start, 65536)
        publishers, agencies = part.column("publisher").to_pylist(), part.column("agency").to_pylist()
        own += [bool(p and a and _squash(p) == _squash(a)) for p, a in zip(publishers, agencies, strict=True)]
    return own


def _squash(name: str) -> str:
    return _NOT_WORD.sub("", name.casefold())


class LazyTexts(LazySequence):
    """Texts of the kept staged articles, read a batch file at a time (the last one read is kept)."""

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


def _batch_rows(keys: pa.Table, staged: list[StagedBatch]) -> list[int]:
    sizes = [b.articles for b in staged]
    if sum(sizes) != keys.num_rows:
        raise ValueError(f"staged batches list {sum(sizes)} articles but their files hold {keys.num_rows}")
    return sizes
