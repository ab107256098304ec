"""Dedup quality stays at or above its floors on the labelled reprint set, through the real ingest flow.

The full numbers (per kind, both modes, datasketch beside ours) are reported by `python -m bench.dedup_quality`;
this test runs a small set (80 Reuters stories, their reprints, all Giveme5W1H articles) in-process and pins
bench.dedup_quality.FLOORS and KIND_RECALL_FLOORS. The `corpora` fixture skips when the shared corpora are absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.dedup_corpus import build
from bench.dedup_quality import below_floor, flow_runner, run_mode
from bench.dedup_score import adjusted_rand_index, score
from tasks.metadata_corpora import GIVEME, REUTERS

pytestmark = pytest.mark.corpora

STORIES = 80
# Modes whose floors are asserted: two-run (reprints matched ACROSS runs, through the persistent index) is the
# target of issue 5; single-run is the same set in one run.
PINNED_MODES = ("single-run", "two-run")


@pytest.fixture(scope="module")
def labelled(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    for folder in (REUTERS, GIVEME):
        if not (corpora / folder).is_dir():
            pytest.skip(f"corpus folder {folder!r} not in {corpora}")
    out = tmp_path_factory.mktemp("dedup-set")
    return out, build(out, STORIES, seed=5, root=corpora)


@pytest.mark.parametrize("mode", PINNED_MODES)
def test_pipeline_meets_the_floors(mode: str, labelled: tuple[Path, dict[str, Any]], prefect_harness: str) -> None:
    folder, labels = labelled
    result = run_mode(mode, folder, labels, flow_runner)
    assert result["items_not_written"] == [], "labelled items were rejected or lost"
    assert below_floor(mode, result) == [], (result["wrong_pairs"], result["similarities"])
    # Different stories of one event must never be merged, whatever the floors.
    assert result["giveme_apart_merged"] == 0
    assert result["giveme_apart_pairs"] > 100


def test_labelled_set_has_every_kind_and_apart_pairs(labelled: tuple[Path, dict[str, Any]]) -> None:
    folder, labels = labelled
    kinds = [v["kind"] for v in labels["items"].values()]
    assert labels["stories"] == STORIES
    for kind in ("edit", "truncate", "headline_footer", "inserted_paragraph", "reordered"):
        assert kinds.count(kind) >= 10, kind
    run2 = (folder / "run2" / "items.jsonl").read_text().count("\n")
    assert run2 == sum(1 for v in labels["items"].values() if v["run"] == 2)


def test_scorer_counts_pairs_kinds_and_apart_pairs() -> None:
    items = {
        "o1": {"source": "reuters", "original": "o1", "kind": "original"},
        "c1": {"source": "reuters", "original": "o1", "kind": "edit"},
        "o2": {"source": "reuters", "original": "o2", "kind": "original"},
        "c2": {"source": "reuters", "original": "o2", "kind": "truncate"},
        "g1": {"source": "giveme", "original": "g1", "kind": "giveme"},
        "g2": {"source": "giveme", "original": "g2", "kind": "giveme"},
        "g3": {"source": "giveme", "original": "g3", "kind": "giveme"},
    }
    labels = {"items": items, "apart": [["g1", "g2", 0.0, 0.1]]}
    # c1 found; c2 missed and wrongly joined to o1's cluster; g1~g2 merged (apart); g2~g3 a wire copy.
    result = score(labels, [("c1", "o1"), ("c2", "o1"), ("g2", "g1"), ("g3", "g2")])
    assert result["per_kind"]["edit"]["recall"] == 1.0
    assert result["per_kind"]["truncate"]["recall"] == 0.0
    assert result["per_kind"]["truncate"]["precision"] == 0.0
    # predicted pairs scored: c1-o1 (right), c2-o1, c2-c1 (wrong), g1-g2 (apart: wrong); g2-g3, g1-g3 unscored
    assert (result["overall"]["predicted_pairs"], result["overall"]["false_pairs"]) == (4, 3)
    assert result["overall"]["recall"] == 0.5
    assert result["giveme_apart_merged"] == 1
    assert len(result["giveme_found"]) == 2


def test_adjusted_rand_index_matches_known_values() -> None:
    assert adjusted_rand_index(["a", "a", "b", "b"], ["x", "x", "y", "y"]) == 1.0
    assert adjusted_rand_index(["a", "a", "b", "b"], ["x", "y", "x", "y"]) == pytest.approx(-0.5)
    assert adjusted_rand_index(["a", "a", "b", "b"], ["x", "x", "x", "y"]) == pytest.approx(0.0)
