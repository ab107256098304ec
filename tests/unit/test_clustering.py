"""Clustering against committed centres: reprints found across runs, earlier originals supersede, ids stable.

The stories are the invented wire copy of test_dedup; the committed side is given as a `Prior`, as the index
lookup (tasks.resolve_prior) would build it.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from tasks.clustering import Candidate, Centre, Prior, canonical_key, cluster
from tasks.dedup import DedupParams, band_keys, signatures
from tests.unit.test_dedup import (
    FOOTER,
    LOCAL_PARAGRAPH,
    PORT_STRIKE,
    PORT_STRIKE_OTHER_OUTLET,
    RAILWAY,
    mistyped,
    trimmed,
    with_inserted_paragraph,
)

PARAMS = DedupParams()
T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def item(article_id: str, text: str, published: datetime | None, agency_own: bool = False) -> Candidate:
    return Candidate(article_id, hashlib.sha256(text.encode()).hexdigest(), published, len(text.split()), agency_own)


def centre(article_id: str, text: str, published: datetime | None, cluster_id: str | None = None) -> Centre:
    return Centre(article_id, published, len(text.split()), False, cluster_id or article_id)


def prior_for(items: list[Candidate], texts: list[str], centres: list[Centre], centre_texts: list[str]) -> Prior:
    """What the index lookup finds: exact hashes and every (item, centre) pair sharing a band key."""
    item_keys = band_keys(signatures(texts, PARAMS), PARAMS)
    centre_keys = band_keys(signatures(centre_texts, PARAMS), PARAMS)
    pairs = [
        (i, c)
        for i in range(len(items))
        for c in range(len(centres))
        if np.intersect1d(item_keys[i], centre_keys[c]).size
    ]
    hashes = {hashlib.sha256(t.encode()).hexdigest(): (c, "exact", 1.0) for c, t in enumerate(centre_texts)}
    return Prior(centres, centre_texts, hashes, np.array(pairs, dtype=np.int64).reshape(-1, 2))


def run(texts: list[str], items: list[Candidate], centre_texts: list[str], centres: list[Centre]):  # type: ignore[no-untyped-def]
    return cluster(items, texts, signatures(texts, PARAMS), PARAMS, prior_for(items, texts, centres, centre_texts))


REPRINTS = {
    "trimmed-half": trimmed(PORT_STRIKE, 0.5),
    "added-paragraph": with_inserted_paragraph(PORT_STRIKE, LOCAL_PARAGRAPH, after=3),
    "headline-and-footer": "Dock strike shuts Marlow Bay port\n\n" + PORT_STRIKE + "\n\n" + FOOTER,
    "typos-5": mistyped(PORT_STRIKE, 0.05, seed=21),
    "exact": PORT_STRIKE,
}


@pytest.mark.parametrize("kind", sorted(REPRINTS))
def test_a_reprint_in_a_later_run_duplicates_the_committed_original(kind: str) -> None:
    text = REPRINTS[kind]
    result = run(
        [text], [item(kind, text, T0 + timedelta(days=1))], [PORT_STRIKE], [centre("orig", PORT_STRIKE, T0, "story-1")]
    )
    assert [(d.article_id, d.duplicate_of, d.method) for d in result.decisions] == [
        (kind, "orig", "exact" if kind == "exact" else "near")
    ]
    assert PARAMS.threshold <= result.decisions[0].similarity <= 1.0
    assert result.cluster_of == {kind: "story-1"}  # the committed story's id, not the original's article id
    assert result.supersessions == []


def test_another_story_of_the_same_event_stays_apart_across_runs() -> None:
    result = run(
        [PORT_STRIKE_OTHER_OUTLET],
        [item("gazette", PORT_STRIKE_OTHER_OUTLET, T0 + timedelta(hours=3))],
        [PORT_STRIKE],
        [centre("northwire", PORT_STRIKE, T0)],
    )
    assert result.decisions == [] and result.supersessions == []
    assert result.cluster_of == {"gazette": "gazette"}


def test_an_earlier_original_supersedes_the_committed_copy_and_takes_over_its_cluster() -> None:
    reprint = PORT_STRIKE + "\n\n" + FOOTER  # committed first, though published later
    texts = [PORT_STRIKE, mistyped(PORT_STRIKE, 0.02, seed=5)]
    items = [item("agency", texts[0], T0), item("late-copy", texts[1], T0 + timedelta(days=2))]
    result = run(texts, items, [reprint], [centre("reprint", reprint, T0 + timedelta(hours=6), "story-7")])
    [superseded] = result.supersessions
    assert (superseded.article_id, superseded.superseded_by, superseded.method) == ("reprint", "agency", "near")
    # The new original keeps the story's cluster id; a later copy joins the original, not the superseded one.
    assert result.cluster_of == {"agency": "story-7", "late-copy": "story-7"}
    assert [(d.article_id, d.duplicate_of) for d in result.decisions] == [("late-copy", "agency")]


def test_an_exact_copy_published_earlier_supersedes_by_exact_match() -> None:
    items = [item("first", RAILWAY, T0)]
    result = run([RAILWAY], items, [RAILWAY], [centre("committed", RAILWAY, T0 + timedelta(hours=1))])
    assert [(s.article_id, s.superseded_by, s.method, s.similarity) for s in result.supersessions] == [
        ("committed", "first", "exact", 1.0)
    ]
    assert result.decisions == []


def test_the_agency_own_copy_leads_when_published_at_the_same_time() -> None:
    assert canonical_key(T0, True, 100, "z") < canonical_key(T0, False, 900, "a")
    assert canonical_key(T0, False, 100, "z") < canonical_key(T0 + timedelta(seconds=1), True, 900, "a")
    assert canonical_key(None, True, 900, "a") > canonical_key(T0 + timedelta(days=900), False, 1, "z")
    copy = mistyped(PORT_STRIKE, 0.02, seed=8)
    items = [item("outlet", copy, T0), item("wire", PORT_STRIKE, T0, agency_own=True)]
    result = cluster(items, [copy, PORT_STRIKE], signatures([copy, PORT_STRIKE], PARAMS), PARAMS, Prior())
    assert [(d.article_id, d.duplicate_of) for d in result.decisions] == [("outlet", "wire")]


def test_clustering_does_not_depend_on_input_order() -> None:
    texts = [*REPRINTS.values(), PORT_STRIKE_OTHER_OUTLET, RAILWAY, trimmed(RAILWAY, 0.6)]
    items = [item(f"a{i}", t, T0 + timedelta(hours=i % 3)) for i, t in enumerate(texts)]
    centres, centre_texts = [centre("c-port", PORT_STRIKE, T0 + timedelta(hours=1))], [PORT_STRIKE]
    expected = run(texts, items, centre_texts, centres)
    for seed in range(3):
        order = list(range(len(items)))
        random.Random(seed).shuffle(order)
        shuffled = run([texts[i] for i in order], [items[i] for i in order], centre_texts, centres)
        # The arrays are over nodes in input order: what it decided, by article, is what must not change.
        assert (shuffled.decisions, shuffled.supersessions, shuffled.cluster_of) == (
            expected.decisions,
            expected.supersessions,
            expected.cluster_of,
        )


def test_a_date_window_keeps_a_story_retold_years_later_apart() -> None:
    params = DedupParams(window_days=30)
    text = mistyped(PORT_STRIKE, 0.02, seed=4)
    later = [item("years-later", text, T0 + timedelta(days=800)), item("next-week", text + " ", T0 + timedelta(days=7))]
    texts = [text, text + " "]
    prior = prior_for(later, texts, [centre("orig", PORT_STRIKE, T0)], [PORT_STRIKE])
    result = cluster(later, texts, signatures(texts, params), params, prior)
    assert [(d.article_id, d.duplicate_of) for d in result.decisions] == [("next-week", "orig")]
    with pytest.raises(ValueError, match="window_days"):
        DedupParams(window_days=0).validate()


def test_an_exact_copy_of_a_committed_duplicate_keeps_that_duplicate_s_similarity() -> None:
    trimmed_copy = trimmed(PORT_STRIKE, 0.6)
    digest = hashlib.sha256(trimmed_copy.encode()).hexdigest()
    prior = Prior([centre("orig", PORT_STRIKE, T0)], [PORT_STRIKE], {digest: (0, "near", 0.93)})
    items = [item("again", trimmed_copy, T0 + timedelta(days=3)), item("again-2", trimmed_copy, T0 + timedelta(days=4))]
    texts = [trimmed_copy, trimmed_copy]
    result = cluster(items, texts, signatures(texts, PARAMS), PARAMS, prior)
    assert [(d.article_id, d.duplicate_of, d.method, d.similarity) for d in result.decisions] == [
        ("again", "orig", "near", 0.93),
        ("again-2", "orig", "near", 0.93),  # an exact copy of a near copy is as near as it is
    ]


def test_a_copy_joins_the_centre_it_matches_best_not_the_first_that_passes() -> None:
    # An older story that reused the first 60% of the original: the 75% trim verifies against both
    # (containment 0.8 in the older story, 1.0 in its original) and must join its original.
    older_text = trimmed(PORT_STRIKE, 0.6) + "\n\n" + RAILWAY
    copy = trimmed(PORT_STRIKE, 0.75)
    texts = [PORT_STRIKE, copy]
    items = [item("original", PORT_STRIKE, T0 + timedelta(days=1)), item("copy", copy, T0 + timedelta(days=2))]
    result = run(texts, items, [older_text], [centre("older", older_text, T0)])
    assert [(d.article_id, d.duplicate_of) for d in result.decisions] == [("copy", "original")]
    assert result.decisions[0].similarity == 1.0
