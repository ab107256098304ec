"""Our HTML body text keeps its F1 on the ScrapingHub Article Extraction Benchmark at or above the floor.

The numbers (ours, bare trafilatura, per-step) are reported by `python -m bench.extraction_f1`; this test pins
the floor. The `corpora` fixture skips when the shared corpora are absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.extraction_f1 import FLOOR, our_scores
from bench.extraction_score import AEB_FOLDER, load_pages, match_page, reference_output, score

pytestmark = pytest.mark.corpora


@pytest.fixture(scope="module")
def benchmark(corpora: Path) -> Path:
    folder = corpora / AEB_FOLDER
    if not folder.is_dir():
        pytest.skip(f"corpus folder {AEB_FOLDER!r} not in {corpora}")
    return folder


def test_scorer_reproduces_the_published_trafilatura_row(benchmark: Path) -> None:
    # The benchmark's stored trafilatura 2.0.0 output scored 0.938 / 0.978 / 0.958 in its published table.
    truths = {page.item_id: page.truth for page in load_pages(benchmark)}
    result = score(truths, reference_output(benchmark, "trafilatura"))
    assert (round(result.precision, 3), round(result.recall, 3), round(result.f1, 3)) == (0.938, 0.978, 0.958)
    assert result.pages == 181


def test_scorer_penalises_missing_and_extra_text() -> None:
    truth = "one two three four five six seven eight"
    assert match_page(truth, truth).tp == 1.0
    assert match_page(truth, "").tp == 0.0
    half = match_page(truth, "one two three four five")
    assert half.fp == 0.0 and 0.0 < half.tp < 1.0 and half.fn > 0.0
    padded = match_page(truth, truth + " menu home about contact")
    assert padded.fn == 0.0 and padded.fp > 0.0


def test_our_body_text_f1_is_at_or_above_the_floor(benchmark: Path) -> None:
    result = our_scores(list(load_pages(benchmark)))
    assert result.pages == 181
    assert result.f1 >= FLOOR, f"F1 {result.f1:.4f} (P {result.precision:.4f}, R {result.recall:.4f}) < {FLOOR}"
