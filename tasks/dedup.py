"""Near-duplicate primitives: LSH band keys, candidate pairs, and verification of a pair on exact shingle sets.

Signatures come from tasks.minhash; the clustering that uses all of this (within a run and against the
committed index) is tasks.clustering.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tasks.band_file import BandKeys
from tasks.minhash import (
    DedupParams,
    concatenated_ranges,
    fmix64,
    shingle_sets,
    shingles,
    signatures,
    splitmix_constants,
)

__all__ = [
    "DedupParams",
    "Similarity",
    "band_keys",
    "candidate_pairs",
    "shingle_sets",
    "shingles",
    "signatures",
    "similarity",
    "verified_score",
]

# Containment (share of the smaller text found in the larger) only counts when the lengths are close enough.
# Asymmetric on purpose: dropping a member that is contained in its canonical loses nothing, so a short wire
# version a third as long as the full story still counts; but a member that merely contains its canonical
# carries new text of its own, so it must not be more than 2.5x longer (a trimmed copy published before the
# full story, a footer or an added paragraph all pass; a long roundup that quotes a whole brief does not).
# Below Jaccard ~0.3 LSH recall drops under 0.7 (see DedupParams.bands): lower ratios would be hit-and-miss.
MIN_RATIO_MEMBER_CONTAINED = 0.3
MIN_RATIO_CANONICAL_CONTAINED = 0.4


@dataclass(frozen=True)
class Similarity:
    jaccard: float
    # |A ∩ B| / min(|A|, |B|): catches a copy trimmed to its first half or one with an added paragraph
    containment: float


_BAND_SEED = 0xBA4D5EED  # fixed: band keys must stay comparable across runs for the persistent index


def band_keys(sigs: np.ndarray, params: DedupParams) -> np.ndarray:
    """(N, bands) uint64 LSH bucket keys: fmix64(band * M_rows + sum_r sig[band * rows + r] * M_r) mod 2^64.

    M_r = splitmix64(0xBA4D5EED, r) | 1. The band number is part of the key, so one index column can hold
    the keys of every band.
    """
    params.validate()
    if sigs.ndim != 2 or sigs.shape[1] != params.num_perm:
        raise ValueError(f"signatures must have shape (N, {params.num_perm}), got {sigs.shape}")
    rows = params.rows_per_band
    banded = sigs[:, : params.bands * rows].astype(np.uint64).reshape(len(sigs), params.bands, rows)
    multipliers = splitmix_constants(_BAND_SEED, rows + 1, odd=True)
    keys = np.broadcast_to(np.arange(params.bands, dtype=np.uint64) * multipliers[rows], banded.shape[:2]).copy()
    for row in range(rows):
        keys += banded[:, :, row] * multipliers[row]
    return fmix64(keys)


# Past this many members a bucket is degenerate (boilerplate-only or empty texts share every band) and its
# all-pairs list would be quadratic: then each member is paired only with the bucket's first
# HUGE_BUCKET_LEADERS members by index. deduplicate() numbers articles in canonical order, so those leaders
# are the members that become cluster canonicals first, which is what star clustering compares against anyway.
MAX_BUCKET = 1000
HUGE_BUCKET_LEADERS = 16


def candidate_pairs(
    keys: np.ndarray | BandKeys, max_bucket: int = MAX_BUCKET, rows: np.ndarray | None = None
) -> np.ndarray:
    """(M, 2) int64 pairs i < j sharing at least one band key, unique and sorted by (i, j).

    `rows`: pair only these rows of `keys` (i and j are then positions in `rows`), read a band at a time,
    so a run's band keys are not copied whole; `keys` may be a band file (tasks.band_file)."""
    count = len(keys) if rows is None else len(rows)
    codes = np.zeros(0, dtype=np.int64)
    # Degenerate texts tend to share every band: a huge bucket whose exact membership was already expanded in
    # an earlier band would only repeat its pairs, so it is recognised by a fingerprint and skipped.
    member_tokens = fmix64(np.arange(1, count + 1, dtype=np.uint64))
    expanded: set[tuple[int, int]] = set()
    for band in range(keys.shape[1] if keys.ndim == 2 else 0):
        column = keys[:, band] if rows is None else keys[rows, band]
        order = np.argsort(column, kind="stable")  # stable: members of a bucket stay in index order
        sorted_keys = column[order]
        is_first = np.ones(count, dtype=bool)
        is_first[1:] = sorted_keys[1:] != sorted_keys[:-1]
        bucket_starts = np.flatnonzero(is_first)
        sizes = np.diff(np.append(bucket_starts, count))
        bucket_start_of = np.repeat(bucket_starts, sizes)
        rank = np.arange(count, dtype=np.int64) - bucket_start_of
        partners = np.where(np.repeat(sizes, sizes) > max_bucket, np.minimum(rank, HUGE_BUCKET_LEADERS), rank)
        huge = sizes > max_bucket
        for start, size in zip(bucket_starts[huge].tolist(), sizes[huge].tolist(), strict=True):
            fingerprint = (size, int(np.bitwise_xor.reduce(member_tokens[order[start : start + size]])))
            if fingerprint in expanded:
                partners[start : start + size] = 0
            expanded.add(fingerprint)
        left = order[concatenated_ranges(bucket_start_of, partners)]
        right = np.repeat(order, partners)
        # Merged band by band: a near copy shares most of the 42 bands, so keeping every band's codes until the
        # end held each pair ~40 times (1.2 GB of codes at 1M articles instead of 30 MB).
        codes = _merge_unique(codes, np.unique(left.astype(np.int64) * count + right))
    return np.stack([codes // max(count, 1), codes % max(count, 1)], axis=1).astype(np.int64)


def _merge_unique(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The sorted unique union of two sorted unique arrays."""
    if not len(a) or not len(b):
        return b if not len(a) else a
    merged = np.concatenate([a, b])
    merged.sort(kind="stable")  # timsort finds the two sorted runs and merges them in linear time
    keep = np.ones(len(merged), dtype=bool)
    keep[1:] = merged[1:] != merged[:-1]
    return merged[keep]


def similarity(a: np.ndarray, b: np.ndarray) -> Similarity:
    """Exact Jaccard and containment of two sorted unique shingle arrays (0.0 when either is empty)."""
    if len(a) == 0 or len(b) == 0:
        return Similarity(0.0, 0.0)
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    positions = np.minimum(np.searchsorted(large, small), len(large) - 1)
    common = int(np.count_nonzero(large[positions] == small))
    return Similarity(common / (len(a) + len(b) - common), common / len(small))


def verified_score(member: np.ndarray, canonical: np.ndarray) -> float:
    """max(Jaccard, containment) of `member` vs `canonical`; containment only within the length ratios."""
    sim = similarity(member, canonical)
    if not len(member) or not len(canonical):
        return sim.jaccard
    if len(member) <= len(canonical):
        containment_counts = len(member) / len(canonical) >= MIN_RATIO_MEMBER_CONTAINED
    else:
        containment_counts = len(canonical) / len(member) >= MIN_RATIO_CANONICAL_CONTAINED
    return max(sim.jaccard, sim.containment) if containment_counts else sim.jaccard
