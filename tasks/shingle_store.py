"""Shingle sets of the texts a run must verify, spilled to a temporary file and read back one set at a time.

Why: star clustering (tasks.clustering) verifies pairs in canonical (publication) order, which has nothing to
do with the order the texts are stored in (batch files, date partitions). Holding every text, or every
shingle set, until the last pair is verified made the run's memory grow with its size (~5 KB of shingles and
~3.5 KB of text per paired article). Here the texts are read in their storage order, a chunk at a time, their
sets appended to an unnamed temporary file and dropped; a verification reads its two sets back with `pread`
(page cache, not this process's resident memory), and a small LRU keeps the centres that many members share.
"""

from __future__ import annotations

import os
import tempfile
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np

from tasks.minhash import shingle_sets

CHUNK_TEXTS = 1000  # texts shingled at once: large enough for numpy to pay off, small enough to bound memory
CACHED_SETS = 4096  # recently read sets kept (~20 MB): a centre is compared with each of its members
# Bits of a set's bitmap (its shingles by their top 10 bits): 128 bytes a node, which bound the overlap of two
# sets well enough to rule out ~95% of the candidate pairs that do not match (tasks.clustering_join).
BITMAP_BITS = 1024
_BITMAP_SHIFT = np.uint64(64 - (BITMAP_BITS.bit_length() - 1))  # the top bits that name a bit


@dataclass(frozen=True)
class PackedSets:
    """Shingle sets of consecutive texts as the store takes them: made where the texts are shingled (a build
    worker, `tasks.resolve_texts`), so the process that verifies pairs only writes them."""

    data: np.ndarray  # uint64, the sorted unique sets one after another
    lengths: np.ndarray  # int64, the size of each set
    bitmaps: np.ndarray  # (sets, BITMAP_BITS / 64) uint64: see ShingleStore.bitmaps

    @staticmethod
    def of(sets: list[np.ndarray]) -> PackedSets:
        lengths = np.array([len(s) for s in sets], dtype=np.int64)
        data = np.concatenate(sets).astype(np.uint64, copy=False) if sets else np.zeros(0, dtype=np.uint64)
        return PackedSets(data, lengths, _bitmaps(data, lengths))


def packed_shingle_sets(texts: Sequence[str], shingle_size: int) -> PackedSets:
    return PackedSets.of(shingle_sets(texts, shingle_size))


class LazySequence(Sequence[str]):
    """A sequence of texts read on first access; subclasses give `__len__` and `_text(index)`, and may give
    `access_order` (the order in which reading the indices costs least) and `release` (drop what was read)."""

    def _text(self, index: int) -> str:
        raise NotImplementedError

    def access_order(self, indices: list[int]) -> list[int]:
        return indices

    def release(self) -> None:
        pass

    def shingled(self, indices: list[int], shingle_size: int) -> Iterator[tuple[list[int], PackedSets]]:
        """(indices, their shingle sets) a chunk at a time, in `access_order`; subclasses may compute the sets
        elsewhere (`tasks.resolve_texts.LazyTexts`: on the build pool's idle workers)."""
        return _shingled_here(self, self.access_order(indices), shingle_size)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self._text(index)


class ShingleStore:
    """Sorted unique uint64 shingle sets of nodes 0..nodes-1 (those added), kept in a temporary file."""

    def __init__(self, nodes: int) -> None:
        self._file = tempfile.TemporaryFile(prefix="newsetl-shingles-")  # noqa: SIM115  # closed by close()
        self._starts = np.full(nodes, -1, dtype=np.int64)  # in uint64 items from the start of the file
        self._lengths = np.zeros(nodes, dtype=np.int64)
        self._written = 0
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()
        # Zeroed lazily by the system: the rows of nodes never added cost no memory.
        self._bitmaps = np.zeros((nodes, BITMAP_BITS // 64), dtype=np.uint64)

    def add_texts(self, texts: Sequence[str], indices: list[int], first_node: int, shingle_size: int) -> None:
        """Shingle `texts[i]` for each i of `indices` into node `first_node + i`, a chunk at a time."""
        if isinstance(texts, LazySequence):
            chunks = texts.shingled(indices, shingle_size)
        else:
            chunks = _shingled_here(texts, indices, shingle_size)
        for chunk, packed in chunks:
            self.add_packed(np.asarray(chunk, dtype=np.int64) + first_node, packed)
        if isinstance(texts, LazySequence):
            texts.release()

    def add_sets(self, nodes: np.ndarray, sets: list[np.ndarray]) -> None:
        """Store sorted unique uint64 `sets` as these nodes' (add_texts shingles them first)."""
        self.add_packed(nodes, PackedSets.of(sets))

    def add_packed(self, nodes: np.ndarray, packed: PackedSets) -> None:
        lengths = packed.lengths
        self._starts[nodes] = self._written + np.cumsum(lengths) - lengths
        self._lengths[nodes] = lengths
        if len(lengths):
            self._file.write(np.ascontiguousarray(packed.data).data)  # the buffer itself: no copy as bytes
            self._bitmaps[nodes] = packed.bitmaps
        self._written += int(lengths.sum())
        self._file.flush()  # read back with pread from here on

    def length(self, node: int) -> int:
        return int(self._lengths[node])

    @property
    def lengths(self) -> np.ndarray:
        """Set size of every node (0 for those not added): read-only, for vectorized filters."""
        view = self._lengths.view()
        view.flags.writeable = False
        return view

    def __getitem__(self, node: int) -> np.ndarray:
        found = self._cache.get(node)
        if found is not None:
            self._cache.move_to_end(node)
            return found
        start, length = int(self._starts[node]), int(self._lengths[node])
        if start < 0:
            raise KeyError(f"no shingle set was stored for node {node}")
        data = os.pread(self._file.fileno(), length * 8, start * 8) if length else b""
        found = np.frombuffer(data, dtype=np.uint64)
        self._cache[node] = found
        if len(self._cache) > CACHED_SETS:
            self._cache.popitem(last=False)
        return found

    def bitmaps(self, nodes: np.ndarray) -> np.ndarray:
        """(len(nodes), BITMAP_BITS / 64) uint64: bit b set when a shingle of the node has b as its top bits.
        Two sets share at most popcount(a & b) + min(len(a) - popcount(a), len(b) - popcount(b)) shingles."""
        picked: np.ndarray = self._bitmaps[nodes]
        return picked

    def close(self) -> None:
        self._cache.clear()
        self._bitmaps = np.zeros((0, BITMAP_BITS // 64), dtype=np.uint64)
        self._file.close()

    def __enter__(self) -> ShingleStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _shingled_here(texts: Sequence[str], order: list[int], shingle_size: int) -> Iterator[tuple[list[int], PackedSets]]:
    for lo in range(0, len(order), CHUNK_TEXTS):
        chunk = order[lo : lo + CHUNK_TEXTS]
        yield chunk, packed_shingle_sets([texts[i] for i in chunk], shingle_size)


def _bitmaps(data: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Bitmaps of consecutive sets (`data`, split by `lengths`), one row of BITMAP_BITS bits each."""
    bits = np.zeros((len(lengths), BITMAP_BITS), dtype=bool)
    bits[np.repeat(np.arange(len(lengths)), lengths), (data >> _BITMAP_SHIFT).astype(np.int64)] = True
    packed: np.ndarray = np.packbits(bits, axis=1, bitorder="little").view(np.uint64)
    return packed
