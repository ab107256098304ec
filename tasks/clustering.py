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
from datetime import UTC, datetime

import numpy as np

from tasks.dedup import band_keys, candidate_pairs, verified_score
from tasks.minhash import DedupParams
from tasks.shingle_store import ShingleStore


@dataclass(frozen=True, slots=True)  # slots: one per article of a run
class Candidate:
    """One article of the run, as the dedup step sees it."""

    article_id: str
    content_hash: str  # hash of the normalized text: equal hash = exact duplicate
    published_at: datetime | None
    text_length: int
    agency_own: bool = False  # its publisher is the agency named in its own dateline or credit line


@dataclass(frozen=True, slots=True)
class Centre:
    """A committed cluster centre (an `articles` row) that an index lookup paired with this run's articles."""

    article_id: str
    published_at: datetime | None
    text_length: int
    agency_own: bool
    cluster_id: str


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


@dataclass(frozen=True)
class Prior:
    """What the index knows about this run's articles: committed centres and the pairs that reach them."""

    centres: Sequence[Centre] = ()
    texts: Sequence[str] = ()  # texts of the centres, same order (read lazily)
    # content_hash -> (centre index, method, similarity): a committed duplicate's text leads to its centre with
    # the duplicate's own method and similarity, an article's text to itself with ("exact", 1.0)
    exact: dict[str, tuple[int, str, float]] = field(default_factory=dict)
    pairs: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))  # (item, centre) LSH


@dataclass(frozen=True)
class Clustering:
    decisions: list[Decision]  # one per run article that is a duplicate, sorted by article_id
    supersessions: list[Supersession]
    cluster_of: dict[str, str]  # article_id -> cluster id, for every run article


def canonical_key(
    published_at: datetime | None, agency_own: bool, text_length: int, article_id: str
) -> tuple[bool, float, bool, int, str]:
    """Earliest published first (undated last), then the agency's own copy, then the longest text, then id."""
    if published_at is not None and published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=UTC)  # naive times are UTC in this pipeline, never local
    timestamp = published_at.timestamp() if published_at is not None else 0.0
    return (published_at is None, timestamp, not agency_own, -text_length, article_id)


def deduplicate(
    items: Sequence[Candidate], texts: Sequence[str], sigs: np.ndarray, params: DedupParams
) -> list[Decision]:
    """Within-run dedup only: one Decision per duplicate article, sorted by article_id."""
    return cluster(items, texts, sigs, params, Prior()).decisions


def cluster(
    items: Sequence[Candidate],
    texts: Sequence[str],
    sigs: np.ndarray | None,
    params: DedupParams,
    prior: Prior,
    bands: np.ndarray | None = None,
) -> Clustering:
    """`sigs`: the items' MinHash signatures; or None and `bands`, their LSH band keys (all the clustering
    needs of them: a run passes those, 1/6 of the signatures' size as uint64 and with no temporaries)."""
    params.validate()
    if bands is None:
        if sigs is None:
            raise ValueError("cluster() needs the items' signatures or their band keys")
        bands = band_keys(sigs, params) if len(sigs) else np.zeros((0, params.bands), dtype=np.uint64)
    if len(bands) != len(items):
        raise ValueError(f"got {len(bands)} signatures for {len(items)} items")
    n = len(items)
    keys = [canonical_key(c.published_at, c.agency_own, c.text_length, c.article_id) for c in items]
    keys += [canonical_key(c.published_at, c.agency_own, c.text_length, c.article_id) for c in prior.centres]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(keys))

    representative: dict[str, int] = {}  # content hash -> first run article with it, in canonical order
    exact_members: list[tuple[int, int]] = []
    for node in (i for i in order if i < n):
        first = representative.setdefault(items[node].content_hash, node)
        if first != node:
            exact_members.append((node, first))
    partners: dict[int, set[int]] = {}  # node -> nodes it may match (exact or LSH candidates)
    exact_pairs: dict[tuple[int, int], tuple[str, float]] = {}
    for content_hash, node in representative.items():
        if content_hash in prior.exact:
            centre_index, method, similarity = prior.exact[content_hash]
            other = n + centre_index
            partners.setdefault(node, set()).add(other)
            partners.setdefault(other, set()).add(node)
            exact_pairs[(min(node, other), max(node, other))] = (method, similarity)
    eligible = sorted(
        (i for i in representative.values() if items[i].text_length >= params.min_shingles), key=rank.__getitem__
    )
    if len(eligible) >= 2:
        for a, b in candidate_pairs(bands, rows=np.asarray(eligible)).tolist():
            partners.setdefault(eligible[a], set()).add(eligible[b])
            partners.setdefault(eligible[b], set()).add(eligible[a])
    for item, centre in prior.pairs.tolist():
        if items[item].text_length >= params.min_shingles:
            partners.setdefault(item, set()).add(n + centre)
            partners.setdefault(n + centre, set()).add(item)

    # Shingle sets only for nodes in a pair to verify (an exact pair needs no text), spilled to a file.
    paired = sorted(
        v for v, others in partners.items() if any((min(v, o), max(v, o)) not in exact_pairs for o in others)
    )
    with ShingleStore(len(keys)) as sets:
        sets.add_texts(texts, [p for p in paired if p < n], 0, params.shingle_size)
        sets.add_texts(prior.texts, [p - n for p in paired if p >= n], n, params.shingle_size)
        return _join(items, keys, order, rank, partners, exact_pairs, exact_members, sets, params, prior)


def _join(
    items: Sequence[Candidate],
    keys: list[tuple[bool, float, bool, int, str]],
    order: list[int],
    rank: np.ndarray,
    partners: dict[int, set[int]],
    exact_pairs: dict[tuple[int, int], tuple[str, float]],
    exact_members: list[tuple[int, int]],
    sets: ShingleStore,
    params: DedupParams,
    prior: Prior,
) -> Clustering:
    """Visit the nodes in canonical order: each run article joins the earlier centre it verifies best against."""
    n = len(items)
    window = params.window_days * 86400.0 if params.window_days is not None else None

    def score(a: int, b: int) -> tuple[str, float] | None:
        if window is not None and abs(keys[a][1] - keys[b][1]) > window and not (keys[a][0] or keys[b][0]):
            return None  # published too far apart (undated articles have no distance)
        if (min(a, b), max(a, b)) in exact_pairs:
            return exact_pairs[(min(a, b), max(a, b))]
        if min(sets.length(a), sets.length(b)) < params.min_shingles:
            return None
        value = verified_score(sets[a], sets[b])
        return ("near", value) if value >= params.threshold else None

    joined: dict[int, tuple[int, str, float]] = {}  # run node -> (centre node, method, score)
    inherited: dict[int, int] = {}  # run centre -> the committed centre whose cluster it takes over
    supersessions: list[Supersession] = []
    for node in (v for v in order if v in partners):
        earlier = sorted((u for u in partners[node] if rank[u] < rank[node] and u not in joined), key=rank.__getitem__)
        # The best-verified earlier centre, not the first: a trimmed copy of a story that quotes an older one
        # must join its own original. Exact matches first, then the score, then canonical order.
        best: tuple[int, tuple[str, float]] | None = None
        for other in earlier:
            if node >= n and other >= n:
                continue  # two committed centres: settled long ago
            found = score(node, other)
            if found is not None and (best is None or _better(found, best[1])):
                best = (other, found)
        if best is None:
            continue
        other, found = best
        if node < n:
            joined[node] = (other, *found)
            continue
        # A committed centre after a run centre: the run brought an earlier original of its story.
        supersessions.append(Supersession(prior.centres[node - n].article_id, items[other].article_id, *found))
        inherited.setdefault(other, node)

    def centre_of(node: int) -> int:
        return joined[node][0] if node in joined else node

    def cluster_id(centre: int) -> str:
        if centre >= n:
            return prior.centres[centre - n].cluster_id
        return cluster_id(inherited[centre]) if centre in inherited else items[centre].article_id

    def article(node: int) -> str:
        return items[node].article_id if node < n else prior.centres[node - n].article_id

    decisions = [Decision(items[m].article_id, article(c), method, s) for m, (c, method, s) in joined.items()]
    for member, first in exact_members:
        # An exact copy of a copy is as similar to the original as that copy is.
        method, similarity = joined[first][1:] if first in joined else ("exact", 1.0)
        decisions.append(Decision(items[member].article_id, article(centre_of(first)), method, similarity))
    cluster_of = {items[i].article_id: cluster_id(centre_of(i)) for i in range(n)}
    for member, first in exact_members:
        cluster_of[items[member].article_id] = cluster_id(centre_of(first))
    decisions.sort(key=lambda d: (d.article_id, d.duplicate_of, d.method))
    supersessions.sort(key=lambda s: (s.article_id, s.superseded_by))
    return Clustering(decisions, supersessions, cluster_of)


def _better(found: tuple[str, float], best: tuple[str, float]) -> bool:
    """Strictly better, so that ties keep the earlier centre (canonical order)."""
    return (found[0] == "exact", found[1]) > (best[0] == "exact", best[1])
