"""Metadata extraction cost per 3 KB plain-text article on one core (target: at most 1 ms on average).

    .venv/bin/python -m bench.metadata_speed [--articles 2000] [--corpora ../shared/corpora]

Articles are real copy cut to 3,000 characters at a paragraph or word boundary: Reuters-21578 bodies and
Giveme5W1H texts, alternating. Each configuration runs over the same articles in this one process, after one
warm-up pass; the table also gives the normalize step (`clean_text` + `separate`) on the same articles as a
baseline, so the ratio stays meaningful on a busy shared machine. Language detection is also timed alone, ours
(`tasks.language`, py3langid's model walked in numpy) beside `py3langid.classify` on the same samples.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.metadata_eval import default_corpora
from tasks.language import detect_language
from tasks.metadata import extract_metadata
from tasks.metadata_corpora import giveme_records, reuters_stories
from tasks.normalize import clean_text, separate

ARTICLE_CHARS = 3000


def _cut(text: str) -> str:
    if len(text) <= ARTICLE_CHARS:
        return text
    head = text[:ARTICLE_CHARS]
    return head[: max(head.rfind("\n"), head.rfind(" "), ARTICLE_CHARS // 2)]


def sample_articles(root: Path, count: int) -> list[str]:
    """Up to `count` articles of 2.5-3 KB, Reuters and Giveme5W1H alternating."""
    reuters = (s.body for s in reuters_stories(root) if len(s.body) >= 2500)
    giveme = (str(r.get("text") or "") for _, _, r in giveme_records(root))
    giveme_long = (text for text in giveme if len(text) >= 2500)
    mixed = itertools.chain.from_iterable(itertools.zip_longest(reuters, giveme_long))
    return [_cut(text) for text in itertools.islice((t for t in mixed if t), count)]


def _timed(label: str, articles: list[str], work: Callable[[str], Any], rounds: int = 3) -> tuple[str, float]:
    for body in articles[:50]:
        work(body)  # warm-up: imports, regex caches, the language model
    per_round = []
    for _ in range(rounds):
        gc.collect()
        started = time.perf_counter()
        for body in articles:
            work(body)
        per_round.append((time.perf_counter() - started) / len(articles) * 1000)
    return label, statistics.median(per_round)


def _py3langid_classify(body: str) -> str:
    import py3langid

    return str(py3langid.classify(body[:600])[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", type=Path, default=default_corpora())
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args(argv)
    articles = sample_articles(args.corpora, args.articles)
    mean_chars = statistics.mean(len(a) for a in articles)
    english = {"language": "en"}
    results = [
        _timed("normalize (clean_text + separate): baseline", articles, lambda body: separate(clean_text(body))),
        _timed("extract_metadata, language given", articles, lambda body: extract_metadata(body, hints=english)),
        _timed("extract_metadata, language detected", articles, lambda body: extract_metadata(body)),
        _timed("detect_language (tasks.language)", articles, detect_language),
        _timed("py3langid.classify, same 600-character samples", articles, _py3langid_classify),
    ]
    baseline = results[0][1]
    print(f"{len(articles)} articles, mean {mean_chars:,.0f} characters; median of 3 rounds, one core\n")
    print("| step | ms per article | x baseline |\n|---|---|---|")
    for label, ms in results:
        print(f"| {label} | {ms:.3f} | {ms / baseline:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
