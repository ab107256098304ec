"""A run's LSH band keys in an unnamed temporary file, band-major: each consumer reads one band at a time.

Why: the (N, bands) uint64 band keys are 336 bytes an article (42 bands), the largest thing the run-level dedup
step held from start to end: ~340 MB at a million articles. Every consumer works a band at a time anyway
(candidate pairs, postings split by key range), so a band is read back with `pread` (page cache, not this
process's resident memory) when needed and dropped after.
"""

from __future__ import annotations

import os
import tempfile
from typing import IO, Any

import numpy as np

_ITEM = np.dtype(np.uint64).itemsize


class BandKeys:
    """(N, bands) band keys, or a selection of their rows (`select`): `keys[rows, band]` and `column(band)`
    read one band; `materialize()` reads them all (for small selections)."""

    def __init__(self, file: IO[bytes], count: int, bands: int, rows: np.ndarray | None = None) -> None:
        self._file, self._count, self._bands, self._rows = file, count, bands, rows

    @classmethod
    def create(cls, count: int, bands: int) -> BandKeys:
        file = tempfile.TemporaryFile()  # noqa: SIM115 -- unnamed: gone when closed (`close`) or the process dies
        file.truncate(count * bands * _ITEM)
        return cls(file, count, bands)

    def write(self, start: int, keys: np.ndarray) -> None:
        """Band keys of rows start..start+len(keys), (len, bands) as `tasks.dedup.band_keys` gives them."""
        for band in range(self._bands):
            data = np.ascontiguousarray(keys[:, band], dtype=np.uint64)
            os.pwrite(self._file.fileno(), data.tobytes(), (band * self._count + start) * _ITEM)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self), self._bands)

    ndim = 2

    def __len__(self) -> int:
        return self._count if self._rows is None else len(self._rows)

    def column(self, band: int) -> np.ndarray:
        """Band `band` of every (selected) row."""
        whole = np.empty(self._count, dtype=np.uint64)
        view = whole.data.cast("B")
        done = 0
        while done < len(view):  # pread may return less than asked
            got = os.preadv(self._file.fileno(), [view[done:]], band * self._count * _ITEM + done)
            if got <= 0:
                raise OSError(f"band file ended early: band {band}")
            done += got
        return whole if self._rows is None else whole[self._rows]

    def __getitem__(self, key: tuple[Any, int]) -> np.ndarray:
        """keys[rows, band], as tasks.dedup.candidate_pairs reads a band."""
        rows, band = key
        picked: np.ndarray = self.column(int(band))[rows]
        return picked

    def select(self, rows: np.ndarray | slice) -> BandKeys:
        """These rows (a mask, indices or a slice), read lazily as well."""
        base = np.arange(self._count) if self._rows is None else self._rows
        if not isinstance(rows, slice) and np.asarray(rows).dtype == bool:
            rows = np.flatnonzero(rows)
        return BandKeys(self._file, self._count, self._bands, base[rows])

    def materialize(self) -> np.ndarray:
        """All (selected) rows as a (rows, bands) array."""
        out = np.empty(self.shape, dtype=np.uint64)
        for band in range(self._bands):
            out[:, band] = self.column(band)
        return out

    def close(self) -> None:
        self._file.close()
