"""The ScrapingHub Article Extraction Benchmark metric, as its `evaluate.py` defines it (pure functions).

Tokens are the `\\w+` matches (case-sensitive); each text becomes a multiset of 4-token shingles (a text of
fewer than 4 tokens gives one shorter shingle, an empty text the empty shingle). Per page tp/fp/fn are the
multiset overlap and excesses, normalised to sum to 1. Precision is averaged over pages with tp+fp > 0,
recall over pages with tp+fn > 0, and F1 = 2PR/(P+R) of those averages (not a mean of per-page F1).
Accuracy is the share of pages whose token list equals the truth's. Checked against the published rows:
scoring the corpus's `reference_outputs/trafilatura.json` gives F1 0.958, P 0.938, R 0.978, accuracy 0.293.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

AEB_FOLDER = "scrapinghub_article_extraction_benchmark"
SHINGLE = 4
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class PageMatch:
    tp: float
    fp: float
    fn: float
    exact: bool


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    accuracy: float
    pages: int


@dataclass(frozen=True)
class Page:
    item_id: str
    url: str
    truth: str
    html_gz: Path

    def raw_html(self) -> bytes:
        return gzip.decompress(self.html_gz.read_bytes())


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


def shingles(tokens: list[str], n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def match_page(truth: str, predicted: str) -> PageMatch:
    true_tokens, pred_tokens = tokenize(truth), tokenize(predicted)
    true_sh, pred_sh = shingles(true_tokens), shingles(pred_tokens)
    tp = sum((true_sh & pred_sh).values())
    fp = sum((pred_sh - true_sh).values())
    fn = sum((true_sh - pred_sh).values())
    total = tp + fp + fn
    if total:  # so that long pages weigh no more than short ones
        return PageMatch(tp / total, fp / total, fn / total, true_tokens == pred_tokens)
    return PageMatch(0.0, 0.0, 0.0, true_tokens == pred_tokens)


def aggregate(matches: list[PageMatch]) -> Score:
    precisions = [m.tp / (m.tp + m.fp) for m in matches if m.tp + m.fp > 0]
    recalls = [m.tp / (m.tp + m.fn) for m in matches if m.tp + m.fn > 0]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(m.exact for m in matches) / len(matches) if matches else 0.0
    return Score(precision, recall, f1, accuracy, len(matches))


def score(truths: Mapping[str, str], predictions: Mapping[str, str]) -> Score:
    """Score predictions keyed by item id; a page with no prediction counts as an empty one."""
    return aggregate([match_page(truth, predictions.get(key, "")) for key, truth in truths.items()])


def f1_std(matches: list[PageMatch], rounds: int = 1000, seed: int = 0) -> float:
    """Bootstrap standard deviation of F1 over resampled pages, as the published ± values are."""
    rng = random.Random(seed)
    values = [aggregate(rng.choices(matches, k=len(matches))).f1 for _ in range(rounds)]
    mean = sum(values) / len(values)
    return float((sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5)


def load_pages(folder: Path) -> Iterator[Page]:
    """The benchmark's pages in id order: `ground-truth.json` joined with `html/<id>.html.gz`."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    for item_id in sorted(truth):
        label = truth[item_id]
        yield Page(item_id, label.get("url", ""), label["articleBody"], folder / "html" / f"{item_id}.html.gz")


def reference_output(folder: Path, system: str) -> dict[str, str]:
    """A published system's texts from `reference_outputs/<system>.json`, keyed by item id."""
    data = json.loads((folder / "reference_outputs" / f"{system}.json").read_text(encoding="utf-8"))
    return {key: value.get("articleBody") or "" for key, value in data["output"].items()}
