"""Metadata of the bundled sample set (flows/sample_data, written by us) against its hand labels: titles,
publishers, datelines, agencies, licences (a null label means no licence may be invented), authors, dates."""

from __future__ import annotations

from pathlib import Path

from tasks.metadata_floors import FLOORS
from tasks.metadata_pages import sample_scores

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO / "flows" / "sample_data"
SAMPLE_LABELS = REPO / "tests" / "fixtures" / "sample_labels.json"


def test_sample_set_fields_stay_at_their_floors() -> None:
    scores = {score.key: score for score in sample_scores(SAMPLE_DIR, SAMPLE_LABELS)}
    assert {
        "license / sample_data (ours)",
        "agency / sample_data (ours)",
        "dateline_place / sample_data (ours)",
    } <= set(scores)
    assert scores["license / sample_data (ours)"].total == 46
    below = {key: score.value for key, score in scores.items() if score.value < FLOORS[key]}
    assert not below, below
