"""Shingles and MinHash signatures for near-duplicate detection (LSH and clustering: tasks.dedup).

Everything is defined in plain 64-bit integer arithmetic so it can be recomputed outside numpy (a later
cross-run index stores signatures and band keys in Parquet and must be able to trust them):

- words: maximal runs of letters and digits (str.isalnum, Basic Multilingual Plane) of the lowercased text,
  so case and punctuation never matter ('_', punctuation, spaces and astral-plane characters split words).
- word hash: fmix64(sum_k ord(word[k]) * B^k mod 2^64) with B = 0x9E3779B97F4A7C15 (fmix64 is MurmurHash3's
  64-bit finalizer); numpy computes it for every word of a batch at once, no Python loop per word.
- shingle hash: fmix64(sum_k word[i + k] * M_k mod 2^64) over `size` consecutive words, with
  M_k = splitmix64(0x5A1E5EED, k) | 1; a text shorter than `size` words has one shingle of all its words
  (missing positions count as 0).
- permutation k: ((a_k * (shingle >> 32) + b_k) mod 2^64) >> 32 (Dietzfelbinger's multiply-add-shift,
  2-universal on 32-bit keys), a_k = splitmix64(seed, 2k) | 1, b_k = splitmix64(seed, 2k + 1). As `>> 32`
  is monotone, the minimum is taken on the 64-bit values and shifted once, halving the work per element.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MASK64 = (1 << 64) - 1
# Bounds the (num_perm x shingles) uint64 working block to 8 MiB at 128 permutations (measured fastest here:
# 4x bigger blocks were 3x slower) and the per-character arrays of one group of texts to ~60 MiB.
_SHINGLES_PER_BLOCK = 8192
_CHARS_PER_GROUP = 1 << 20
_EMPTY_SLOT = np.uint32(0xFFFFFFFF)  # signature value of a text without words


@dataclass(frozen=True)
class DedupParams:
    # 3-word shingles: a mistyped word spoils 3 shingles, so 5% typos keep ~85% of them (5-word shingles
    # would keep ~75%, too close to the threshold), while 2-word shingles ("the minister", "said on") are
    # shared by unrelated stories about the same event and blur the line we must draw.
    shingle_size: int = 3
    num_perm: int = 128
    # 42 bands x 3 rows: a pair with Jaccard s is an LSH candidate with p = 1 - (1 - s^3)^42, i.e. 0.84 at
    # s = 0.35, 0.94 at 0.40, 0.996 at 0.50 (a copy trimmed to half), but only 3e-4 at 0.02, the overlap of
    # unrelated stories, so candidate lists stay short. The last 128 % 42 = 2 signature values are unused.
    bands: int = 42
    # Verified score (see tasks.dedup.verified_score) of 0.7: reprints, trims, typo copies and added
    # paragraphs score 0.8-1.0; independently written stories of one event score below 0.15 in our tests.
    threshold: float = 0.7
    min_shingles: int = 10
    seed: int = 1
    # Only copies published within this many days of each other are compared (None: any dates). Undated
    # articles are always compared. A window keeps a story re-run years later apart from its first telling.
    window_days: float | None = None

    def validate(self) -> None:
        if self.shingle_size < 1:
            raise ValueError(f"shingle_size must be at least 1 (got {self.shingle_size})")
        if self.num_perm < 1:
            raise ValueError(f"num_perm must be at least 1 (got {self.num_perm})")
        if not 1 <= self.bands <= self.num_perm:
            raise ValueError(
                f"bands must be between 1 and num_perm ({self.num_perm}) so each band has at least one row "
                f"(got {self.bands}); rows per band = num_perm // bands"
            )
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1] (got {self.threshold})")
        if self.min_shingles < 1:
            raise ValueError(f"min_shingles must be at least 1 (got {self.min_shingles})")
        if self.window_days is not None and self.window_days <= 0:
            raise ValueError(f"window_days must be positive (got {self.window_days})")
        if not 0 <= self.seed <= MASK64:
            raise ValueError(f"seed must be in [0, 2**64) (got {self.seed})")

    @property
    def rows_per_band(self) -> int:
        return self.num_perm // self.bands


def splitmix64(seed: int, index: int) -> int:
    """Value number `index` of the splitmix64 stream started at `seed`: a stable, portable generator."""
    z = (seed + (index + 1) * 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def splitmix_constants(seed: int, count: int, offset: int = 0, odd: bool = False) -> np.ndarray:
    return np.array([splitmix64(seed, offset + i) | int(odd) for i in range(count)], dtype=np.uint64)


_POSITION_SEED = 0x5A1E5EED  # fixed, so shingle hashes are comparable across runs and parameter changes


def position_multipliers(size: int) -> np.ndarray:
    return splitmix_constants(_POSITION_SEED, size, odd=True)


def permutation_coefficients(params: DedupParams) -> tuple[np.ndarray, np.ndarray]:
    """(a, b), each (num_perm,) uint64: a_k = splitmix64(seed, 2k) | 1, b_k = splitmix64(seed, 2k + 1)."""
    both = splitmix_constants(params.seed, 2 * params.num_perm)
    return both[0::2] | np.uint64(1), both[1::2]


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer, in place: spreads every input bit over the high bits we keep."""
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


def _word_table() -> np.ndarray:
    """is_word[c] for every BMP code point: letters and digits (str.isalnum), so '_' and punctuation split."""
    table = np.array([chr(c).isalnum() for c in range(0x10000)], dtype=bool)
    assert not table[0xFFFF]  # astral code points are clamped to this slot
    return table


_IS_WORD = _word_table()
_WORD_BASE = 0x9E3779B97F4A7C15  # odd, so it is invertible mod 2^64 (needed to cancel position offsets)
_WORD_BASE_INVERSE = pow(_WORD_BASE, -1, 1 << 64)


# Power tables B^i and B^-i, grown on demand and shared: recomputing them per call cost more than the hashing
# of a short text. Their content never depends on call order, so the cache cannot change any result.
_POWER_TABLES: dict[int, np.ndarray] = {}


_POWER_TABLE_CAP = 1 << 22  # 32 MiB per table; a single longer text gets a table of its own, not cached


def _powers(base: int, count: int) -> np.ndarray:
    table = _POWER_TABLES.get(base)
    if table is None or len(table) < count:
        size = max(count, min(2 * len(table), _POWER_TABLE_CAP) if table is not None else 1 << 16)
        table = np.full(size, base, dtype=np.uint64)
        table[0] = 1
        table = np.cumprod(table, dtype=np.uint64)
        if size <= _POWER_TABLE_CAP:
            _POWER_TABLES[base] = table
    return table[:count]


def _word_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of all words of the texts, concatenated, and the word count of each text.

    Tokenizing and hashing per code point in numpy is ~5x faster than regex findall plus a dict of
    blake2b word hashes. A word hash is fmix64(sum_k ord(word[k]) * B^k mod 2^64), computed for all words at
    once from prefix sums: sum over [s, e) of c_t * B^t, times B^-s.
    """
    lowered = [text.lower() for text in texts]
    # "\n" after each text: a separator, so no word spans two texts.
    joined = "\n".join([*lowered, ""]).encode("utf-32-le", "surrogatepass")
    code_points = np.frombuffer(joined, dtype=np.uint32)
    count = len(code_points)
    is_word = np.zeros(count + 2, dtype=bool)  # one False either side, so every word has a start and an end
    # Astral code points clamp to U+FFFF, a non-character, so they split words like punctuation.
    np.take(_IS_WORD, np.minimum(code_points, 0xFFFF), out=is_word[1:-1])
    edges = np.flatnonzero(is_word[1:] != is_word[:-1])
    starts, ends = edges[0::2], edges[1::2]
    # In place and with `take`: no temporaries the size of the text beyond `terms` and `prefix`.
    terms = code_points.astype(np.uint64)
    terms *= _powers(_WORD_BASE, count)
    prefix = np.zeros(count + 1, dtype=np.uint64)
    np.cumsum(terms, out=prefix[1:])
    del terms
    hashes = prefix.take(ends)
    hashes -= prefix.take(starts)
    hashes *= _powers(_WORD_BASE_INVERSE, count + 1).take(starts)
    # Words per text: where each text's first word falls among the starts (a search per text, not per word).
    sizes = np.array([len(text) + 1 for text in lowered], dtype=np.int64)
    firsts = np.searchsorted(starts, np.cumsum(sizes) - sizes)
    return fmix64(hashes), np.diff(firsts, append=len(starts)).astype(np.int64)


def _shingle_hashes(texts: Sequence[str], size: int) -> tuple[np.ndarray, np.ndarray]:
    """All shingle hashes of the texts, concatenated (with repeats), and the shingle count of each text."""
    word_hashes, lengths = _word_hashes(texts)
    # Each text is followed by size - 1 zero slots so windows never straddle two texts and short texts still
    # get one (zero-padded) shingle.
    padded = np.zeros(len(word_hashes) + len(texts) * (size - 1), dtype=np.uint64)
    text_index = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    padded[np.arange(len(word_hashes), dtype=np.int64) + text_index * (size - 1)] = word_hashes
    counts = np.where(lengths > 0, np.maximum(lengths - size + 1, 1), 0)
    padded_starts = np.cumsum(lengths + size - 1) - (lengths + size - 1)
    window_starts = concatenated_ranges(padded_starts, counts)
    multipliers = position_multipliers(size)
    hashes = np.zeros(len(window_starts), dtype=np.uint64)
    for position in range(size):
        hashes += padded[window_starts + position] * multipliers[position]
    return fmix64(hashes), counts


def concatenated_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenation of arange(start, start + count) for each pair, without a Python loop."""
    total = int(counts.sum())
    block_offsets = np.cumsum(counts) - counts
    return np.repeat(starts - block_offsets, counts) + np.arange(total, dtype=np.int64)


def shingles(text: str, size: int) -> np.ndarray:
    """Sorted unique uint64 shingle hashes of one text (empty for a text without words)."""
    return shingle_sets([text], size)[0]


def shingle_sets(texts: Sequence[str], size: int) -> list[np.ndarray]:
    """shingles() of each text, computed for the whole batch at once (about twice as fast per text)."""
    sets: list[np.ndarray] = []
    for first, last in _groups(texts):
        hashes, counts = _shingle_hashes(texts[first:last], size)
        for text_hashes in np.split(hashes, np.cumsum(counts)[:-1]):
            text_hashes.sort()
            keep = np.ones(len(text_hashes), dtype=bool)
            keep[1:] = text_hashes[1:] != text_hashes[:-1]  # cheaper than np.unique on sorted data
            sets.append(text_hashes[keep])
    return sets


def _groups(texts: Sequence[str]) -> list[tuple[int, int]]:
    """[first, last) ranges of about _CHARS_PER_GROUP characters, so per-character arrays stay small."""
    groups: list[tuple[int, int]] = []
    first, chars = 0, 0
    for index, text in enumerate(texts):
        if index > first and chars + len(text) > _CHARS_PER_GROUP:
            groups.append((first, index))
            first, chars = index, 0
        chars += len(text)
    if first < len(texts):
        groups.append((first, len(texts)))
    return groups


def signatures(texts: Sequence[str], params: DedupParams) -> np.ndarray:
    """(len(texts), num_perm) uint32 MinHash signatures; a text without words gets all 0xFFFFFFFF."""
    params.validate()
    a, b = permutation_coefficients(params)
    result = np.full((len(texts), params.num_perm), _EMPTY_SLOT, dtype=np.uint32)
    for first, last in _groups(texts):
        hashes, counts = _shingle_hashes(texts[first:last], params.shingle_size)
        result[first:last] = _minhash(hashes >> np.uint64(32), counts, a, b)
    return result


def _minhash(keys: np.ndarray, counts: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Min over each text's keys of ((a * key + b) mod 2^64) >> 32, per permutation."""
    result = np.full((len(counts), len(a)), _EMPTY_SLOT, dtype=np.uint32)
    owners = np.flatnonzero(counts)  # texts with at least one shingle, in the order of their shingles
    ends = np.cumsum(counts[owners])
    starts = ends - counts[owners]
    for lo in range(0, len(keys), _SHINGLES_PER_BLOCK):
        hi = min(lo + _SHINGLES_PER_BLOCK, len(keys))
        # Texts overlapping [lo, hi): a long text spans several blocks and is folded in with np.minimum.
        first, last = np.searchsorted(ends, lo, side="right"), np.searchsorted(starts, hi, side="left")
        segment_starts = np.maximum(starts[first:last], lo) - lo
        # Permutations x shingles: each reduceat segment is contiguous memory (~3x faster than the transpose).
        block = np.multiply.outer(a, keys[lo:hi])
        block += b[:, None]
        minima = (np.minimum.reduceat(block, segment_starts, axis=1) >> np.uint64(32)).astype(np.uint32)
        rows = owners[first:last]
        result[rows] = np.minimum(result[rows], minima.T)
    return result
