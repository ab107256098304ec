"""Quote extraction scored against hand labels that point into the Giveme5W1H corpus.

The labels (`tests/fixtures/giveme_quotes.json`) hold article ids, character offsets and speakers, never corpus
text. Every quotation of each labelled article is labelled, so precision is measured on those articles.
A found quote matches a label when their spans overlap by at least half of the shorter one; each label matches
at most one quote. The speaker is right when it equals the label's, case and spacing aside.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from tasks.metadata import extract_metadata
from tasks.metadata_corpora import giveme_text
from tasks.metadata_scores import Score, ratio

QUOTE_LABELS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "giveme_quotes.json"
_DATASET = "giveme5w1h (hand labels)"


@dataclass(frozen=True)
class QuoteLabel:
    article: str
    start: int
    end: int
    speaker: str


def load_labels(path: Path) -> tuple[dict[str, str], list[QuoteLabel]]:
    """(article id -> sha256 of the text the offsets point into, labels)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    labels = [QuoteLabel(q["article"], q["start"], q["end"], q["speaker"]) for q in data["quotes"]]
    return dict(data["text_sha256"]), labels


def heldout_articles(path: Path) -> frozenset[str]:
    """Articles labelled after the rules were written and never used to tune them."""
    return frozenset(json.loads(path.read_text(encoding="utf-8")).get("heldout_articles", ()))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared > 0 and shared * 2 >= min(a[1] - a[0], b[1] - b[0])


def _same_speaker(ours: str | None, gold: str) -> bool:
    return ours is not None and re.sub(r"\s+", " ", ours).strip().casefold() == gold.casefold()


def _counts(root: Path, digests: dict[str, str], gold: list[QuoteLabel]) -> tuple[int, int, int]:
    """(quotes found, found quotes matching a label, of those with the right speaker) in one article."""
    article = gold[0].article
    text = giveme_text(root, article)
    if hashlib.sha256(text.encode()).hexdigest() != digests[article]:
        raise ValueError(f"Giveme5W1H article {article} changed: its quote labels no longer apply")
    quotes = extract_metadata(text, hints={"language": "en"}).quotes
    matched = with_speaker = 0
    unmatched = list(gold)
    for quote in quotes:
        hit = next((g for g in unmatched if _overlaps((quote.start, quote.end), (g.start, g.end))), None)
        if hit is not None:
            unmatched.remove(hit)
            matched += 1
            with_speaker += _same_speaker(quote.speaker, hit.speaker)
    return len(quotes), matched, with_speaker


def quote_scores(root: Path, labels_path: Path) -> list[Score]:
    """Quote precision and recall, and the same with the speaker required to be right: over all labels, and
    over the held-out articles alone (the estimate for text the rules were not tuned on)."""
    digests, labels = load_labels(labels_path)
    heldout = heldout_articles(labels_path)
    by_article: dict[str, list[QuoteLabel]] = {}
    for label in labels:
        by_article.setdefault(label.article, []).append(label)
    totals = {"": [0, 0, 0, 0], " (held out)": [0, 0, 0, 0]}  # found, matched, with speaker, labels
    for article, gold in by_article.items():
        counts = (*_counts(root, digests, gold), len(gold))
        for subset in ("", " (held out)") if article in heldout else ("",):
            totals[subset] = [a + b for a, b in zip(totals[subset], counts, strict=True)]
    scores: list[Score] = []
    for subset, (found, matched, with_speaker, total) in totals.items():
        dataset = _DATASET + subset
        scores += [
            ratio(matched, found, "quotes precision", dataset),
            ratio(matched, total, "quotes recall", dataset),
            ratio(with_speaker, found, "quotes+speaker precision", dataset),
            ratio(with_speaker, total, "quotes+speaker recall", dataset),
        ]
    return scores
