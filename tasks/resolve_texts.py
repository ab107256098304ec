"""The run's staged articles as the dedup step reads them: key columns at once, texts lazily."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import overload

import numpy as np
import pyarrow as pa

from tasks.batch import StagedBatch
from tasks.minhash import DedupParams
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


def read_keys(storage: Storage, staged: list[StagedBatch], params: DedupParams) -> pa.Table:
    """The key columns of every staged article of the run, in batch order."""
    tables = [storage.read_parquet(b.articles_path, KEY_COLUMNS) for b in staged]
    if not tables:
        return pa.table({c: pa.array([], pa.string()) for c in KEY_COLUMNS[:-1]}).append_column(
            "signature", pa.array([], pa.list_(pa.uint32(), params.num_perm))
        )
    return pa.concat_tables(tables)


def agency_own(keys: pa.Table) -> list[bool]:
    """Whether each article's publisher is the agency named in its own dateline or credit line."""
    publishers = keys.column("publisher").to_pylist()
    agencies = keys.column("agency").to_pylist()
    return [bool(p and a and _squash(p) == _squash(a)) for p, a in zip(publishers, agencies, strict=True)]


def _squash(name: str) -> str:
    return _NOT_WORD.sub("", name.casefold())


class LazySequence(Sequence[str]):
    """A sequence of texts read on first access; subclasses give `__len__` and `_text(index)`."""

    def _text(self, index: int) -> str:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._text(index)


class LazyTexts(LazySequence):
    """Texts of the kept staged articles, read batch by batch on first access."""

    def __init__(self, storage: Storage, staged: list[StagedBatch], keys: pa.Table, keep: np.ndarray) -> None:
        self._storage, self._staged = storage, staged
        sizes = _batch_rows(keys, staged)
        self._offsets = np.cumsum([0, *sizes[:-1]]) if sizes else np.zeros(1, dtype=np.int64)
        self._positions = np.flatnonzero(keep)  # candidate index -> row index over all staged rows
        self._loaded: dict[int, list[str]] = {}

    def __len__(self) -> int:
        return len(self._positions)

    def _text(self, index: int) -> str:
        row = int(self._positions[index])
        batch = int(np.searchsorted(self._offsets, row, side="right")) - 1
        if batch not in self._loaded:
            table = self._storage.read_parquet(self._staged[batch].articles_path, ["text"])
            self._loaded[batch] = table.column("text").to_pylist()
        return self._loaded[batch][row - int(self._offsets[batch])]


def _batch_rows(keys: pa.Table, staged: list[StagedBatch]) -> list[int]:
    sizes = [b.articles for b in staged]
    if sum(sizes) != keys.num_rows:
        raise ValueError(f"staged batches list {sum(sizes)} articles but their files hold {keys.num_rows}")
    return sizes
