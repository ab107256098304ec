"""A run's articles as columns, the way tasks.clustering takes them: no Python object per article.

A `Candidate` per article, its canonical-key tuple and the dicts keyed by its strings cost ~1 KB an article; the
same facts as Arrow and numpy columns cost ~100 bytes, which keeps the dedup step's memory flat enough for a
million-article run (issue 8).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True, slots=True)  # slots: tests and small callers build one per article
class Candidate:
    """One article of the run, as the dedup step sees it."""

    article_id: str
    content_hash: str  # hash of the normalized text: equal hash = exact duplicate
    published_at: datetime | None
    text_length: int
    agency_own: bool = False  # its publisher is the agency named in its own dateline or credit line


@dataclass(frozen=True)
class Candidates:
    """The run's articles, column by column, in one order (a node number is a position here)."""

    article_id: pa.Array  # string
    content_hash: pa.Array  # string
    undated: np.ndarray  # bool
    timestamp: np.ndarray  # float64 seconds since the epoch, 0.0 when undated (as `canonical_key`)
    agency_own: np.ndarray  # bool
    text_length: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.article_id)

    @classmethod
    def of(cls, items: Sequence[Candidate]) -> Candidates:
        keys = [canonical_key(c.published_at, c.agency_own, c.text_length, c.article_id) for c in items]
        return cls(
            pa.array([c.article_id for c in items], pa.string()),
            pa.array([c.content_hash for c in items], pa.string()),
            np.array([k[0] for k in keys], dtype=bool),
            np.array([k[1] for k in keys], dtype=np.float64),
            np.array([c.agency_own for c in items], dtype=bool),
            np.array([c.text_length for c in items], dtype=np.int64),
        )

    @classmethod
    def from_columns(
        cls, article_id: pa.Array, content_hash: pa.Array, published_at: pa.Array, own: np.ndarray, words: pa.Array
    ) -> Candidates:
        """From Arrow columns; `published_at` a timestamp column (naive times are UTC, as in `canonical_key`)."""
        micros = pc.cast(pc.cast(published_at, pa.timestamp("us")), pa.int64())
        undated = np.asarray(pc.is_null(micros).to_numpy(zero_copy_only=False), dtype=bool)
        # int microseconds / 1e6 rounds exactly as datetime.timestamp() does: the same canonical order.
        timestamp = np.asarray(pc.fill_null(micros, 0).to_numpy(), dtype=np.int64) / 1e6
        return cls(
            article_id,
            content_hash,
            undated,
            timestamp,
            np.asarray(own, dtype=bool),
            np.asarray(pc.fill_null(words, 0).to_numpy(), dtype=np.int64),
        )


def canonical_key(
    published_at: datetime | None, agency_own: bool, text_length: int, article_id: str
) -> tuple[bool, float, bool, int, str]:
    """Earliest published first (undated last), then the agency's own copy, then the longest text, then id."""
    if published_at is not None and published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)  # naive times are UTC in this pipeline, never local
    timestamp = published_at.timestamp() if published_at is not None else 0.0
    return (published_at is None, timestamp, not agency_own, -text_length, article_id)


def canonical_order(nodes: Candidates) -> np.ndarray:
    """Node numbers in canonical order (`canonical_key`), as a stable sort of the key tuples would give."""
    by_id = np.asarray(pc.sort_indices(nodes.article_id).to_numpy(), dtype=np.int64)  # stable: equal ids by node
    id_rank = np.empty(len(nodes), dtype=np.int64)
    id_rank[by_id] = np.arange(len(nodes))
    # np.lexsort: the last key is the primary one.
    return np.lexsort((id_rank, -nodes.text_length, ~nodes.agency_own, nodes.timestamp, nodes.undated))


def concat(run: Candidates, more: Candidates) -> Candidates:
    if not len(more):
        return run  # no committed centres (a first run): no copy of the run's columns
    return Candidates(
        pa.concat_arrays([plain(run.article_id), plain(more.article_id)]),
        pa.concat_arrays([plain(run.content_hash), plain(more.content_hash)]),
        np.concatenate([run.undated, more.undated]),
        np.concatenate([run.timestamp, more.timestamp]),
        np.concatenate([run.agency_own, more.agency_own]),
        np.concatenate([run.text_length, more.text_length]),
    )


def plain(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def group_codes(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Dense int64 codes, equal exactly where the strings are equal (in order of the first 64 bits).

    Hex digests (ids, content hashes) are grouped by their first 64 bits, with the rare prefix collision
    checked against the full strings: ~24 bytes an article, where Arrow's dictionary_encode held ~200."""
    from tasks.dedup_index import id_keys_of  # tasks.dedup_index imports much more than this module needs

    strings = plain(values)

    def dictionary() -> np.ndarray:
        return np.asarray(pc.dictionary_encode(strings).indices.to_numpy(zero_copy_only=False))

    if strings.null_count or (len(strings) and pc.min(pc.utf8_length(strings)).as_py() < 16):
        return np.asarray(dictionary(), dtype=np.int64)
    try:
        prefix = id_keys_of(strings)
    except ValueError:  # not hex digests (tests, small callers): the dictionary of the strings themselves
        return np.asarray(dictionary(), dtype=np.int64)
    _, codes = np.unique(prefix, return_inverse=True)
    order = np.argsort(codes, kind="stable")
    same = np.flatnonzero(codes[order][1:] == codes[order][:-1])  # neighbours sharing a prefix
    if len(same):
        left = strings.take(pa.array(order[same]))
        right = strings.take(pa.array(order[same + 1]))
        if not pc.all(pc.equal(left, right)).as_py():  # a real collision (~1e-8 at 1M): group the strings
            return np.asarray(dictionary(), dtype=np.int64)
    return np.asarray(codes, dtype=np.int64).reshape(-1)
