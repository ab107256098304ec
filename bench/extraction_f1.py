"""HTML -> body text quality against the ScrapingHub Article Extraction Benchmark (181 hand-labelled pages).

    .venv/bin/python -m bench.extraction_f1 [--corpora ../shared/corpora]

Scores, with the benchmark's own metric (bench/extraction_score.py: 4-token shingles, per-page normalised,
P and R averaged over pages, F1 of the averages), in one run:
  ours           what an HTML item becomes in tasks/article.py `_build`: decode_bytes -> extract_html ->
                 clean_text -> separate().body; a page the pipeline would reject scores as empty text
  ours: steps    the same text after each step, to show what each one costs
  trafilatura    bare `trafilatura.extract` at tasks/html.py's settings (the baseline of the ratio)
  published      the benchmark's stored trafilatura 2.0.0 output, a check of the scorer (F1 0.958)
Exit status 1 when our F1 is below FLOOR (the floor tests/corpus/test_extraction_quality.py pins).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from bench.extraction_score import (
    AEB_FOLDER,
    Page,
    PageMatch,
    Score,
    aggregate,
    f1_std,
    load_pages,
    match_page,
    reference_output,
)
from tasks.article import MIN_PARAGRAPH_WORDS, MIN_WORDS
from tasks.html import declared_charset, extract_html
from tasks.normalize import UndecodableError, clean_text, decode_bytes, separate

__all__ = ["FLOOR", "PipelineText", "Score", "load_pages", "match_page", "our_scores", "pipeline_text"]

# The issue asks for 0.95 (trafilatura's published F1 is 0.958); see the report for the measured value.
FLOOR = 0.95
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class PipelineText:
    extracted: str  # extract_html(...).text, "" when it found none
    cleaned: str  # after clean_text
    body: str  # separate(cleaned).body: what lands in the `text` column
    rejected: bool  # _build would raise RejectedInput("no_text" or an encoding reason) for this page


def pipeline_text(raw: bytes, url: str | None = None) -> PipelineText:
    """The text an HTML item goes through in tasks/article.py `_build`, step by step, writing nothing."""
    try:
        html = decode_bytes(raw, declared_charset(raw)).text
    except UndecodableError:
        return PipelineText("", "", "", True)
    page = extract_html(html, url=url)
    if page is None:
        return PipelineText("", "", "", True)
    cleaned = clean_text(page.text)
    body = separate(cleaned).body
    lines = body.split("\n")
    longest = max(len(_WORD.findall(line)) for line in lines)
    rejected = len(_WORD.findall(body)) < MIN_WORDS or longest < MIN_PARAGRAPH_WORDS
    return PipelineText(page.text, cleaned, body, rejected)


def our_body(raw: bytes) -> str:
    """Our article text for a page; "" when the pipeline would reject it (no article row is written)."""
    text = pipeline_text(raw)
    return "" if text.rejected else text.body


def our_scores(pages: list[Page]) -> Score:
    return aggregate([match_page(page.truth, our_body(page.raw_html())) for page in pages])


def trafilatura_text(raw: bytes) -> str:
    """Bare trafilatura at tasks/html.py's extraction settings (metadata off: it would add a header to txt)."""
    html = raw.decode("utf-8", errors="replace")
    text = trafilatura.extract(html, include_comments=False, include_tables=False, deduplicate=False)
    return text or ""


def _row(name: str, matches: list[PageMatch], baseline_f1: float | None, note: str = "") -> str:
    result = aggregate(matches)
    ratio = f"{result.f1 / baseline_f1:.3f}" if baseline_f1 else "-"
    return (
        f"| {name} | {result.precision:.3f} | {result.recall:.3f} | {result.f1:.3f} ± {f1_std(matches):.3f} "
        f"| {ratio} | {result.accuracy:.3f} | {result.pages} | {note} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = os.environ.get("NEWSETL_CORPORA") or str(Path(__file__).resolve().parents[2] / "shared" / "corpora")
    parser.add_argument("--corpora", type=Path, default=Path(default))
    args = parser.parse_args(argv)
    folder = args.corpora / AEB_FOLDER
    if not folder.is_dir():
        print(f"benchmark folder not found: {folder}", file=sys.stderr)
        return 2
    pages = list(load_pages(folder))
    steps: dict[str, list[PageMatch]] = {"extracted": [], "cleaned": [], "body": [], "ours": [], "bare": []}
    rejected = 0
    # Only the extraction calls are timed (not reading the pages or scoring): ours is scored four times a page.
    # bench.html_overhead is the measurement of the cost ratio; this one is a side note.
    ours_seconds = bare_seconds = 0.0
    for page in pages:
        raw = page.raw_html()
        started = time.perf_counter()
        text = pipeline_text(raw)
        ours_seconds += time.perf_counter() - started
        rejected += text.rejected
        steps["extracted"].append(match_page(page.truth, text.extracted))
        steps["cleaned"].append(match_page(page.truth, text.cleaned))
        steps["body"].append(match_page(page.truth, text.body))
        steps["ours"].append(match_page(page.truth, "" if text.rejected else text.body))
    for page in pages:
        raw = page.raw_html()
        started = time.perf_counter()
        bare_text = trafilatura_text(raw)
        bare_seconds += time.perf_counter() - started
        steps["bare"].append(match_page(page.truth, bare_text))
    published_texts = reference_output(folder, "trafilatura")
    published = [match_page(page.truth, published_texts.get(page.item_id, "")) for page in pages]

    baseline = aggregate(steps["bare"]).f1
    ours = aggregate(steps["ours"])
    print(f"ScrapingHub AEB, {len(pages)} pages; trafilatura {trafilatura.__version__}; metric: shingle-4 (see doc)\n")
    print("| system | precision | recall | F1 ± bootstrap sd | F1 / trafilatura | accuracy | pages | note |")
    print("|---|---|---|---|---|---|---|---|")
    print(_row("**ours** (pipeline body)", steps["ours"], baseline, f"{rejected} pages rejected -> empty"))
    print(_row("trafilatura.extract (baseline)", steps["bare"], baseline, "same settings as tasks/html.py"))
    print(_row("ours: extract_html text", steps["extracted"], baseline, "step 1"))
    print(_row("ours: + clean_text", steps["cleaned"], baseline, "step 2"))
    print(_row("ours: + separate().body", steps["body"], baseline, "step 3, before the reject rule"))
    print(_row("published trafilatura 2.0.0 output", published, baseline, "scorer check: 0.938 / 0.978 / 0.958"))
    print(
        f"\nours {ours.f1:.3f} vs floor {FLOOR:.2f}: {'ok' if ours.f1 >= FLOOR else 'BELOW FLOOR'}; "
        f"time: ours {1000 * ours_seconds / len(pages):.0f} ms/page, "
        f"bare {1000 * bare_seconds / len(pages):.0f} ms/page"
    )
    return 0 if ours.f1 >= FLOOR else 1


if __name__ == "__main__":
    sys.exit(main())
