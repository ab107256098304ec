"""Star clustering of one run's articles, against the cluster centres already committed (tasks.dedup_index).

Every article is a node; committed centres found by an index lookup are nodes too, but fixed: history is
never rewritten. Nodes are visited in canonical order (see `canonical_key`), and each run article joins the
earlier centre it verifies best against (an exact copy first, then the highest verified Jaccard/containment
over the threshold, then the earliest), else becomes a centre itself. A committed centre that comes AFTER a
run centre it verifies against (the run brought an earlier original) stays as it is, and a `Supersession`
records which article now leads its story; the new original inherits the old story's cluster id, so cluster
ids never change once given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tasks.band_file import BandKeys
from tasks.candidates import Candidate, Candidates, canonical_key, canonical_order, concat, group_codes, plain
from tasks.clustering_join import Clustering, Decision, Supersession, join, later_first
from tasks.dedup import band_keys, candidate_pairs
from tasks.minhash import DedupParams
from tasks.shingle_store import ShingleStore

__all__ = ["Candidate", "Candidates", "Centre", "Clustering", "Decision", "Prior", "Supersession", "canonical_key"]


@dataclass(frozen=True, slots=True)
class Centre:
    """A committed cluster centre (an `articles` row) that an index lookup paired with this run's articles."""

    article_id: str
    published_at: datetime | None
    text_length: int
    agency_own: bool
    cluster_id: str


@dataclass(frozen=True)
class Prior:
    """What the index knows about this run's articles: committed centres and the pairs that reach them."""

    centres: Sequence[Centre] = ()
    texts: Sequence[str] = ()  # texts of the centres, same order (read lazily)
    # content_hash -> (centre index, method, similarity): a committed duplicate's text leads to its centre with
    # the duplicate's own method and similarity, an article's text to itself with ("exact", 1.0)
    exact: dict[str, tuple[int, str, float]] = field(default_factory=dict)
    pairs: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))  # (item, centre) LSH


def deduplicate(
    items: Sequence[Candidate], texts: Sequence[str], sigs: np.ndarray, params: DedupParams
) -> list[Decision]:
    """Within-run dedup only: one Decision per duplicate article, sorted by article_id."""
    return cluster(items, texts, sigs, params, Prior()).decisions


def cluster(
    items: Sequence[Candidate] | Candidates,
    texts: Sequence[str],
    sigs: np.ndarray | None,
    params: DedupParams,
    prior: Prior,
    bands: np.ndarray | BandKeys | None = None,
) -> Clustering:
    """`sigs`: the items' MinHash signatures; or None and `bands`, their LSH band keys (all the clustering
    needs of them: a run passes those, 1/6 of the signatures' size as uint64 and with no temporaries).
    `items`: a run passes them as columns (`Candidates`), with no object per article."""
    params.validate()
    run = items if isinstance(items, Candidates) else Candidates.of(items)
    if bands is None:
        if sigs is None:
            raise ValueError("cluster() needs the items' signatures or their band keys")
        bands = band_keys(sigs, params) if len(sigs) else np.zeros((0, params.bands), dtype=np.uint64)
    if len(bands) != len(run):
        raise ValueError(f"got {len(bands)} signatures for {len(run)} items")
    n = len(run)
    centres = Candidates.of(
        [Candidate(c.article_id, "", c.published_at, c.text_length, c.agency_own) for c in prior.centres]
    )
    nodes = concat(run, centres)
    order = canonical_order(nodes)
    rank = np.empty(len(nodes), dtype=np.int64)
    rank[order] = np.arange(len(nodes))

    # Exact copies: the first run article of each content hash, in canonical order, represents the others.
    hashes = plain(run.content_hash)
    codes = group_codes(hashes)
    run_order = order[order < n]
    _, first_at = np.unique(codes[run_order], return_index=True)
    representatives = run_order[np.sort(first_at)]  # in canonical order
    rep_of_code = np.zeros(int(codes.max()) + 1 if n else 0, dtype=np.int64)
    rep_of_code[codes[representatives]] = representatives
    first = rep_of_code[codes[run_order]]
    copies = first != run_order
    exact_members = (run_order[copies], first[copies])  # (member, its representative), in canonical order

    edges: list[np.ndarray] = []
    exact_pairs: dict[tuple[int, int], tuple[str, float]] = {}
    if prior.exact and n:
        found = pc.index_in(pa.array(list(prior.exact), pa.string()), value_set=hashes).to_pylist()
        for (centre_index, method, similarity), row in zip(prior.exact.values(), found, strict=True):
            if row is not None:  # a run article with that hash: its group's representative
                node, other = int(rep_of_code[codes[row]]), n + centre_index
                edges.append(np.array([[node, other]], dtype=np.int64))
                exact_pairs[(min(node, other), max(node, other))] = (method, similarity)
    eligible = representatives[run.text_length[representatives] >= params.min_shingles]
    if len(eligible) >= 2:
        found = candidate_pairs(bands, rows=eligible)
        for lo in range(0, len(found), 1 << 20):  # positions in `eligible` to nodes, in place: no second copy
            found[lo : lo + (1 << 20)] = eligible[found[lo : lo + (1 << 20)]]
        edges.append(found)
        del found
    if len(prior.pairs):
        pairs = np.asarray(prior.pairs, dtype=np.int64).reshape(-1, 2)
        pairs = pairs[run.text_length[pairs[:, 0]] >= params.min_shingles]
        edges.append(np.stack([pairs[:, 0], pairs[:, 1] + n], axis=1))
    partners = _partners(edges, len(nodes))

    # Shingle sets only for nodes in a pair to verify (an exact pair needs no text), spilled to a file.
    src, dst = partners
    verified = src
    if exact_pairs:
        pair_code = np.minimum(src, dst) * len(nodes) + np.maximum(src, dst)
        exact_code = np.array([a * len(nodes) + b for a, b in exact_pairs], dtype=np.int64)
        verified = src[~np.isin(pair_code, exact_code)]
        del pair_code
    # Sorted already (partners come sorted by node): its distinct values without np.unique's copy and sort.
    paired = verified[_firsts(verified)].tolist()
    # Each pair once, the later node first; what is kept through the join is half the partners (at 1M composed
    # articles the partners are 120 MB, held through the join's peak until this was done here).
    later = later_first(partners, rank, n)
    del verified, src, dst, partners
    with ShingleStore(len(nodes)) as sets:
        sets.add_texts(texts, [p for p in paired if p < n], 0, params.shingle_size)
        sets.add_texts(prior.texts, [p - n for p in paired if p >= n], n, params.shingle_size)
        return join(nodes, n, order, rank, later, exact_pairs, exact_members, sets, params, prior.centres)


def _partners(edges: list[np.ndarray], count: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair both ways, unique, sorted by (node, partner): a node's partners are a slice."""
    if not edges:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    # At a million composed articles the candidate pairs run to millions: built with as few whole copies as
    # can be (the caller's list is emptied, so each array goes as soon as its codes are made).
    pairs = (edges[0] if len(edges) == 1 else np.concatenate(edges)).astype(np.int64, copy=False).reshape(-1, 2)
    edges.clear()
    codes = np.empty(2 * len(pairs), dtype=np.int64)
    forward, backward = codes[: len(pairs)], codes[len(pairs) :]
    np.multiply(pairs[:, 0], count, out=forward)
    forward += pairs[:, 1]
    np.multiply(pairs[:, 1], count, out=backward)
    backward += pairs[:, 0]
    del pairs, forward, backward
    codes.sort()
    codes = codes[_firsts(codes)]  # unique
    src = codes // count
    codes -= src * count
    return src, codes


def _firsts(ordered: np.ndarray) -> np.ndarray:
    """Mask of the first of each run of equal values in a sorted array (what np.unique keeps, with no copy)."""
    first = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first
