"""The visit of tasks.clustering: nodes in canonical order, each run article joining the earlier centre it
verifies best against; the result kept as arrays over the nodes (a dict or object per article cost ~0.5 KB)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pyarrow as pa

from tasks.candidates import Candidates
from tasks.dedup import MIN_RATIO_CANONICAL_CONTAINED, MIN_RATIO_MEMBER_CONTAINED, verified_score
from tasks.minhash import DedupParams
from tasks.shingle_store import ShingleStore

METHODS = ("exact", "near")
BOUND_PAIRS = 16384  # pairs bounded at once: two 128-byte bitmaps each, ~12 MB of temporaries in all


@dataclass(frozen=True, slots=True)
class Decision:
    article_id: str
    duplicate_of: str  # the canonical article's id, never itself a duplicate
    method: str  # "exact" or "near"
    similarity: float  # 1.0 for exact; for near the verified score that passed the threshold


@dataclass(frozen=True, slots=True)
class Supersession:
    article_id: str  # the committed centre that is no longer the earliest copy of its story
    superseded_by: str  # the run's article that is
    method: str
    similarity: float


class _Centre(Protocol):
    @property
    def article_id(self) -> str: ...
    @property
    def cluster_id(self) -> str: ...


@dataclass(frozen=True)
class Clustering:
    """Per run article (node < n): `duplicate_of` the node it duplicates or -1, its `method` (index in
    METHODS) and `similarity`, and `cluster` the node whose cluster id it takes (see `cluster_names`)."""

    supersessions: list[Supersession]
    article_ids: pa.Array  # of every node: run articles, then committed centres
    cluster_names: pa.Array  # cluster id of every node: a run article's own id, a centre's cluster id
    duplicate_of: np.ndarray  # int64
    method: np.ndarray  # int8
    similarity: np.ndarray  # float64
    cluster: np.ndarray  # int64

    @property
    def decisions(self) -> list[Decision]:
        """One per run article that is a duplicate, sorted by article_id (small callers and tests)."""
        ids = self.article_ids.to_pylist()
        found = [
            Decision(ids[m], ids[c], METHODS[self.method[m]], float(self.similarity[m]))
            for m, c in enumerate(self.duplicate_of.tolist())
            if c >= 0
        ]
        return sorted(found, key=lambda d: (d.article_id, d.duplicate_of, d.method))

    @property
    def cluster_of(self) -> dict[str, str]:
        """article_id -> cluster id, for every run article (small callers and tests)."""
        ids, names = self.article_ids.to_pylist(), self.cluster_names.to_pylist()
        return {ids[i]: names[c] for i, c in enumerate(self.cluster.tolist())}

    def count(self, method: str) -> int:
        return int(((self.duplicate_of >= 0) & (self.method == METHODS.index(method))).sum())


def join(
    nodes: Candidates,
    n: int,
    order: np.ndarray,
    rank: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray],
    exact_pairs: dict[tuple[int, int], tuple[str, float]],
    exact_members: tuple[np.ndarray, np.ndarray],
    sets: ShingleStore,
    params: DedupParams,
    centres: Sequence[_Centre],
) -> Clustering:
    """Visit the nodes in canonical order: each run article joins the earlier centre it verifies best against."""
    duplicate_of = np.full(n, -1, dtype=np.int64)  # run node -> the centre node it joined
    method = np.zeros(n, dtype=np.int8)
    similarity = np.zeros(n, dtype=np.float64)
    inherited: dict[int, int] = {}  # run centre -> the committed centre whose cluster it takes over
    supersessions: list[Supersession] = []
    # Only the pairs that match can change a decision: they are found for the whole run at once, in bulk
    # (`_matching_pairs`), and the visit below walks those alone.
    pair_node, pair_other, pair_method, pair_value = _matching_pairs(nodes, rank, pairs, exact_pairs, sets, params)
    by_node = np.lexsort((rank[pair_other], pair_node))  # a node's matches in canonical order of the other
    pair_node, pair_other = pair_node[by_node], pair_other[by_node].tolist()
    pair_method, pair_value = pair_method[by_node].tolist(), pair_value[by_node].tolist()
    starts = np.searchsorted(pair_node, np.arange(len(rank) + 1)).tolist()
    for node in order[np.diff(starts)[order] > 0].tolist():
        best: tuple[int, tuple[str, float]] | None = None
        for k in range(starts[node], starts[node + 1]):
            other = pair_other[k]
            if other < n and duplicate_of[other] >= 0:
                continue  # joined already
            found = (METHODS[pair_method[k]], pair_value[k])
            if best is None or _better(found, best[1]):
                best = (other, found)
        if best is None:
            continue
        other, found = best
        if node < n:
            duplicate_of[node], method[node], similarity[node] = other, METHODS.index(found[0]), found[1]
            continue
        # A committed centre after a run centre: the run brought an earlier original of its story.
        supersessions.append(Supersession(centres[node - n].article_id, _id(nodes, other), *found))
        inherited.setdefault(other, node)

    centre = np.where(duplicate_of >= 0, duplicate_of, np.arange(n))
    members, firsts = exact_members
    # An exact copy of a copy is as similar to the original as that copy is.
    joined = duplicate_of[firsts] >= 0
    method[members] = np.where(joined, method[firsts], METHODS.index("exact"))
    similarity[members] = np.where(joined, similarity[firsts], 1.0)
    duplicate_of[members] = centre[firsts]
    centre[members] = centre[firsts]
    cluster = centre.copy()
    for run_centre, committed in inherited.items():
        cluster[centre == run_centre] = committed  # the new original takes over the committed story's id
    supersessions.sort(key=lambda s: (s.article_id, s.superseded_by))
    return Clustering(
        supersessions,
        nodes.article_id,
        pa.concat_arrays([nodes.article_id.slice(0, n), pa.array([c.cluster_id for c in centres], pa.string())])
        if len(centres)
        else nodes.article_id,
        duplicate_of,
        method,
        similarity,
        cluster,
    )


def later_first(partners: tuple[np.ndarray, np.ndarray], rank: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Each pair of `partners` (both ways) once, as (later node, earlier other) in canonical order, but for pairs
    of two committed nodes (n and up), settled long ago."""
    src, dst = partners
    later = np.flatnonzero((rank[src] > rank[dst]) & ((src < n) | (dst < n)))
    return src[later], dst[later]


def _matching_pairs(
    nodes: Candidates,
    rank: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray],
    exact_pairs: dict[tuple[int, int], tuple[str, float]],
    sets: ShingleStore,
    params: DedupParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(node, earlier other, method index, similarity) of every candidate pair (`later_first`) whose score
    passes, the node being the later of the two in canonical order (the member that
    `tasks.dedup.verified_score` takes first).

    Why in bulk: a composed or wire corpus reuses passages, so an article's LSH candidates grow with the run
    (at 1M composed articles each Reuters story's retellings are candidates of each other); scored one pair at
    a time in the visit, the Python calls per pair made the step superlinear. Pairs are first bounded in bulk
    (`_score_bounds`), and only those that might pass are scored, with `verified_score` itself."""
    node, other = pairs
    if params.window_days is not None:  # published too far apart (undated articles have no distance)
        far = np.abs(nodes.timestamp[node] - nodes.timestamp[other]) > params.window_days * 86400.0
        near = ~(far & ~(nodes.undated[node] | nodes.undated[other]))
        node, other = node[near], other[near]
    count = len(nodes)
    exact_found: list[tuple[int, int, int, float]] = []
    if exact_pairs:  # pairs the committed index settled (content hashes): no text needed
        code = np.minimum(node, other) * count + np.maximum(node, other)
        settled = np.isin(code, np.array([a * count + b for a, b in exact_pairs], dtype=np.int64))
        for a, b in zip(node[settled].tolist(), other[settled].tolist(), strict=True):
            method, value = exact_pairs[(min(a, b), max(a, b))]
            exact_found.append((a, b, METHODS.index(method), value))
        node, other = node[~settled], other[~settled]
    lengths = sets.lengths
    long_enough = np.minimum(lengths[node], lengths[other]) >= params.min_shingles
    node, other = node[long_enough], other[long_enough]
    found = list(exact_found)
    for lo in range(0, len(node), BOUND_PAIRS):
        members, others = node[lo : lo + BOUND_PAIRS], other[lo : lo + BOUND_PAIRS]
        bound = _score_bounds(members, others, sets)
        maybe = np.flatnonzero(bound >= params.threshold - 1e-9)  # the margin: float rounding, never a miss
        for a, b in zip(members[maybe].tolist(), others[maybe].tolist(), strict=True):
            value = verified_score(sets[a], sets[b])
            if value >= params.threshold:
                found.append((a, b, METHODS.index("near"), value))
    columns = list(zip(*found, strict=True)) if found else [(), (), (), ()]
    return (
        np.array(columns[0], dtype=np.int64),
        np.array(columns[1], dtype=np.int64),
        np.array(columns[2], dtype=np.int8),
        np.array(columns[3], dtype=np.float64),
    )


def _score_bounds(members: np.ndarray, others: np.ndarray, sets: ShingleStore) -> np.ndarray:
    """An upper bound of verified_score(sets[m], sets[o]) for each pair, from the sets' bitmaps alone.

    Shingles that share a bit: at most popcount(a & b) of them are common, plus however many of either set
    share a bit with another of its own shingles (len - popcount). The score grows with the common count (the
    lengths fixed), so the same formulas over this bound give a bound of the score."""
    lengths = sets.lengths
    mine, theirs = lengths[members], lengths[others]
    mine_bits, their_bits = sets.bitmaps(members), sets.bitmaps(others)
    shared = np.bitwise_count(mine_bits & their_bits).sum(axis=1, dtype=np.int64)
    crowded = np.minimum(
        mine - np.bitwise_count(mine_bits).sum(axis=1, dtype=np.int64),
        theirs - np.bitwise_count(their_bits).sum(axis=1, dtype=np.int64),
    )
    common = np.minimum(shared + crowded, np.minimum(mine, theirs))
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = common / (mine + theirs - common)
        containment = common / np.minimum(mine, theirs)
        ratio_counts = np.where(
            mine <= theirs, mine / theirs >= MIN_RATIO_MEMBER_CONTAINED, theirs / mine >= MIN_RATIO_CANONICAL_CONTAINED
        )
    score = np.where(ratio_counts, np.maximum(jaccard, containment), jaccard)
    return np.where((mine == 0) | (theirs == 0), 0.0, score)


def _id(nodes: Candidates, node: int) -> str:
    return str(nodes.article_id[node].as_py())


def _better(found: tuple[str, float], best: tuple[str, float]) -> bool:
    """Strictly better, so that ties keep the earlier centre (canonical order)."""
    return (found[0] == "exact", found[1]) > (best[0] == "exact", best[1])
