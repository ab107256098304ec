"""Metadata scores on the shared real-news corpora stay at or above their floors (tasks/metadata_scores.py).

Each suite needs its corpus folder; the `corpora` fixture skips, with the reason, when the corpora are absent.
The numbers themselves are reported by `python -m bench.metadata_eval`; these tests only pin the floors.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tasks.metadata import extract_metadata
from tasks.metadata_corpora import (
    GIVEME,
    MOZILLA,
    REUTERS,
    TRAFILATURA,
    ReutersStory,
    giveme_records,
    reuters_stories,
)
from tasks.metadata_floors import FLOORS
from tasks.metadata_geo import country_of_place
from tasks.metadata_pages import giveme_scores, mozilla_scores, trafilatura_licence_scores, trafilatura_title_scores
from tasks.metadata_quotes_eval import QUOTE_LABELS, load_labels, quote_scores
from tasks.metadata_scores import Score, reuters_entity_scores, score_datelines

pytestmark = pytest.mark.corpora


def _folder(corpora: Path, name: str) -> Path:
    if not (corpora / name).is_dir():
        pytest.skip(f"corpus folder {name!r} not in {corpora}")
    return corpora


def _assert_floors(scores: list[Score], expected_keys: set[str]) -> None:
    by_key = {score.key: score for score in scores}
    assert expected_keys <= set(by_key), f"missing scores: {expected_keys - set(by_key)}"
    below = {key: round(score.value, 4) for key, score in by_key.items() if score.value < FLOORS.get(key, 0.0)}
    assert not below, f"below floor {[(key, FLOORS[key]) for key in below]}: {below}"


@pytest.fixture(scope="module")
def reuters(corpora: Path) -> list[ReutersStory]:
    return list(reuters_stories(_folder(corpora, REUTERS)))


def test_reuters_dateline_accuracy(reuters: list[ReutersStory]) -> None:
    score = score_datelines(reuters)
    assert score.total > 19_000  # every labelled dateline is scored, none skipped
    _assert_floors([score], {"dateline / reuters21578"})


def test_reuters_people_places_orgs_recall(reuters: list[ReutersStory]) -> None:
    scores = reuters_entity_scores(reuters, country_of_place)
    _assert_floors(
        scores,
        {
            "persons recall / reuters21578",
            "places recall / reuters21578",
            "places recall, city->country / reuters21578",
            "organizations recall / reuters21578",
        },
    )


def test_mozilla_title_authors_dates_language_publisher(corpora: Path) -> None:
    scores = mozilla_scores(_folder(corpora, MOZILLA))
    fields = ("title", "title, site name dropped from label", "authors", "published_at")
    _assert_floors(scores, {f"{field} / mozilla_readability" for field in fields})


def test_trafilatura_titles(corpora: Path) -> None:
    scores = trafilatura_title_scores(_folder(corpora, TRAFILATURA))
    _assert_floors(scores, {"title / trafilatura_eval_subset"})


def test_giveme_fields_reach_the_row(corpora: Path) -> None:
    scores = giveme_scores(_folder(corpora, GIVEME))
    _assert_floors(scores, {"title / giveme5w1h/news_cluster", "published_at / giveme5w1h/gold_standard"})


def test_licences_and_none_invented(corpora: Path) -> None:
    scores = trafilatura_licence_scores(_folder(corpora, TRAFILATURA))
    _assert_floors(
        scores,
        {
            "license / trafilatura_eval_subset",
            "license: none invented / trafilatura_eval_subset",
            "license + HTML scan / trafilatura_eval_subset",
            "license: none invented + HTML scan / trafilatura_eval_subset",
        },
    )


def test_quotes_against_hand_labels(corpora: Path) -> None:
    _digests, labels = load_labels(QUOTE_LABELS)
    assert len(labels) >= 150
    scores = quote_scores(_folder(corpora, GIVEME), QUOTE_LABELS)
    _assert_floors(
        scores,
        {
            "quotes precision / giveme5w1h (hand labels)",
            "quotes recall / giveme5w1h (hand labels)",
            "quotes precision / giveme5w1h (hand labels) (held out)",
            "quotes recall / giveme5w1h (hand labels) (held out)",
        },
    )


def test_every_giveme_text_extracts_without_error(corpora: Path) -> None:
    """Real scraped text (joined paragraphs, stray marks, captions) never breaks the extractor."""
    for article_id, _data, record in giveme_records(_folder(corpora, GIVEME)):
        text = str(record.get("text") or "")
        meta = extract_metadata(text, hints={"language": "en"})
        for quote in meta.quotes:
            assert 0 <= quote.start < quote.end <= len(text), article_id
            assert text[quote.start : quote.end] == quote.text, article_id
