"""Scores predicted duplicate links against the labels of bench/dedup_corpus.py: pair P/R/F1 per kind, ARI.

Predicted links (duplicate url -> canonical url) are closed into clusters (connected components); every pair
inside a cluster is a predicted pair. What is scored:
- Reuters items (originals and their reprints): a predicted pair is right when both share an original; every
  pair inside a true cluster is a positive.
- Giveme5W1H pairs labelled `apart` (one event, different text): a predicted pair there is a false positive.
- Other Giveme5W1H pairs are not scored: the pipeline finding them is reported as real wire copies.
- Any pair mixing a Giveme5W1H article and a Reuters item is a false positive.
Per kind: recall over (reprint, its original) pairs, precision over the predicted pairs that hold such a reprint.
ARI (adjusted Rand index, Hubert & Arabie) is over the Reuters items only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations
from math import comb
from typing import Any

Link = tuple[str, str]  # (duplicate url, canonical url)


def components(urls: Iterable[str], links: Iterable[Link]) -> dict[str, str]:
    """url -> a representative url of its connected component (union-find)."""
    parent = {u: u for u in urls}

    def find(u: str) -> str:
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    for a, b in links:
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    return {u: find(u) for u in parent}


def adjusted_rand_index(truth: list[str], predicted: list[str]) -> float:
    """ARI of two labelings of the same items, from the contingency table (1.0 = identical partitions)."""
    pairs_in = sum(comb(n, 2) for n in Counter(zip(truth, predicted, strict=True)).values())
    truth_pairs = sum(comb(n, 2) for n in Counter(truth).values())
    predicted_pairs = sum(comb(n, 2) for n in Counter(predicted).values())
    expected = truth_pairs * predicted_pairs / comb(len(truth), 2) if len(truth) > 1 else 0.0
    top = (truth_pairs + predicted_pairs) / 2
    return 1.0 if top == expected else (pairs_in - expected) / (top - expected)


def _prf(tp: int, fp: int, found: int, positives: int) -> dict[str, Any]:
    """Precision over predicted pairs (tp, fp); recall = found / positives (pairs or reprints)."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = found / positives if positives else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "predicted_pairs": tp + fp,
        "false_pairs": fp,
        "positives": positives,
        "found": found,
    }


def score(labels: dict[str, Any], links: Iterable[Link]) -> dict[str, Any]:
    items: dict[str, dict[str, Any]] = labels["items"]
    root = components(items, links)
    members: dict[str, list[str]] = defaultdict(list)
    for url, r in root.items():
        members[r].append(url)
    apart = {frozenset(p[:2]) for p in labels["apart"]}
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    wrong: list[Link] = []
    giveme_found: list[Link] = []
    for group in members.values():
        for a, b in combinations(sorted(group), 2):
            la, lb = items[a], items[b]
            if la["source"] == lb["source"] == "giveme":
                if frozenset((a, b)) in apart:
                    fp["all"] += 1
                    fp["giveme_apart"] += 1
                    wrong.append((a, b))
                else:
                    giveme_found.append((a, b))
                continue
            right = la["source"] == lb["source"] == "reuters" and la["original"] == lb["original"]
            kinds = {k for k in (la["kind"], lb["kind"]) if k != "original"} | {"all"}
            for kind in kinds:
                (tp if right else fp)[kind] += 1
            if not right:
                wrong.append((a, b))
    clusters: Counter[str] = Counter(v["original"] for v in items.values() if v["source"] == "reuters")
    per_kind: dict[str, Any] = {}
    missed: list[str] = []
    for kind in sorted({v["kind"] for v in items.values()} - {"original", "giveme"}):
        reprints = [u for u, v in items.items() if v["kind"] == kind]
        found = [u for u in reprints if root[u] == root[items[u]["original"]]]
        missed += sorted(set(reprints) - set(found))
        per_kind[kind] = _prf(tp[kind], fp[kind], len(found), len(reprints))
    reuters = sorted(u for u, v in items.items() if v["source"] == "reuters")
    ari = adjusted_rand_index([items[u]["original"] for u in reuters], [root[u] for u in reuters])
    overall = _prf(tp["all"], fp["all"], tp["all"], sum(comb(n, 2) for n in clusters.values()))
    return {
        "overall": overall,
        "per_kind": per_kind,
        "ari_reuters": round(ari, 4),
        "giveme_apart_pairs": len(apart),
        "giveme_apart_merged": fp["giveme_apart"],
        "wrong_pairs": wrong,
        "missed_reprints": missed,
        "giveme_found": giveme_found,
    }
