"""The visit of tasks.clustering: nodes in canonical order, each run article joining the earlier centre it
verifies best against; the result kept as arrays over the nodes (a dict or object per article cost ~0.5 KB)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pyarrow as pa

from tasks.candidates import Candidates
from tasks.dedup import verified_score
from tasks.minhash import DedupParams
from tasks.shingle_store import ShingleStore

METHODS = ("exact", "near")


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
    partners: tuple[np.ndarray, np.ndarray],
    exact_pairs: dict[tuple[int, int], tuple[str, float]],
    exact_members: tuple[np.ndarray, np.ndarray],
    sets: ShingleStore,
    params: DedupParams,
    centres: Sequence[_Centre],
) -> Clustering:
    """Visit the nodes in canonical order: each run article joins the earlier centre it verifies best against."""
    window = params.window_days * 86400.0 if params.window_days is not None else None
    timestamp, undated = nodes.timestamp, nodes.undated

    def score(a: int, b: int) -> tuple[str, float] | None:
        if window is not None and abs(timestamp[a] - timestamp[b]) > window and not (undated[a] or undated[b]):
            return None  # published too far apart (undated articles have no distance)
        if (min(a, b), max(a, b)) in exact_pairs:
            return exact_pairs[(min(a, b), max(a, b))]
        if min(sets.length(a), sets.length(b)) < params.min_shingles:
            return None
        value = verified_score(sets[a], sets[b])
        return ("near", value) if value >= params.threshold else None

    duplicate_of = np.full(n, -1, dtype=np.int64)  # run node -> the centre node it joined
    method = np.zeros(n, dtype=np.int8)
    similarity = np.zeros(n, dtype=np.float64)
    inherited: dict[int, int] = {}  # run centre -> the committed centre whose cluster it takes over
    supersessions: list[Supersession] = []
    src, dst = partners
    starts = np.searchsorted(src, np.arange(len(rank) + 1))
    has_partners = starts[1:] > starts[:-1]
    for node in order[has_partners[order]].tolist():
        others = dst[starts[node] : starts[node + 1]]
        others = others[rank[others] < rank[node]]
        # The best-verified earlier centre, not the first: a trimmed copy of a story that quotes an older one
        # must join its own original. Exact matches first, then the score, then canonical order.
        best: tuple[int, tuple[str, float]] | None = None
        for other in others[np.argsort(rank[others])].tolist():
            if (other < n and duplicate_of[other] >= 0) or (node >= n and other >= n):
                continue  # joined already; or two committed centres: settled long ago
            found = score(node, other)
            if found is not None and (best is None or _better(found, best[1])):
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


def _id(nodes: Candidates, node: int) -> str:
    return str(nodes.article_id[node].as_py())


def _better(found: tuple[str, float], best: tuple[str, float]) -> bool:
    """Strictly better, so that ties keep the earlier centre (canonical order)."""
    return (found[0] == "exact", found[1]) > (best[0] == "exact", best[1])
