"""Exact and near-duplicate detection: shingles, MinHash, LSH candidates, verification and clustering.

All stories below are invented for these tests (wire style, fictional places and people).
"""

from __future__ import annotations

import hashlib
import random
import re
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from tasks.clustering import Candidate, Decision, deduplicate
from tasks.dedup import (
    DedupParams,
    band_keys,
    candidate_pairs,
    shingle_sets,
    shingles,
    signatures,
    similarity,
    verified_score,
)

PORT_STRIKE = "\n\n".join(
    [
        (
            "MARLOW BAY, March 4 (Northwire) - Dock workers at the Port of Marlow Bay walked off the job on "
            "Tuesday, halting cargo operations at the country's second-busiest container terminal and leaving"
            " 37 ships waiting at anchor outside the harbour breakwater."
        ),
        (
            "The stoppage, called by the Harbour and Transport Workers Union after talks over a new "
            "three-year contract collapsed late on Monday, involves roughly 4,200 crane operators, lashers "
            "and truck marshals, according to union figures."
        ),
        (
            '"We will not go back to the cranes until the contract is signed," union secretary Teresa Ocampo '
            "told reporters outside the terminal gates, where several hundred workers had gathered under "
            "banners by mid-morning."
        ),
        (
            "The union is seeking an 11 percent wage increase spread over three years, limits on mandatory "
            "night shifts and a commitment that automated stacking equipment ordered last year will not lead "
            "to compulsory redundancies. The port authority has offered 6 percent and a joint review of "
            "staffing levels."
        ),
        (
            "Daniel Hurst, chief executive of the Marlow Bay Port Authority, said the offer was fair given "
            "falling throughput and warned that each day of disruption cost the regional economy an estimated"
            " 14 million crowns. He urged the union to return to mediation, which the labour ministry has "
            "offered to host from Thursday."
        ),
        (
            "Shipping agents said container lines had begun diverting vessels to the smaller terminal at "
            "Kestrel Point, about 180 kilometres to the north, but that its yard could absorb only a fraction"
            " of the displaced cargo. Refrigerated containers of fruit bound for inland distribution centres "
            "were the most immediate concern, one agent said."
        ),
        (
            "Exporters of timber and machinery parts, who rely on weekly sailings to northern European ports,"
            " said they had been given no indication of when loading would resume. The regional chamber of "
            "commerce called on both sides to reach an agreement before the end of the week."
        ),
        (
            "The last major strike at the port, in 2019, lasted nine days and ended with a two-year deal "
            "brokered by an independent arbitrator. Analysts at Calder Securities said a stoppage of similar "
            "length could shave a tenth of a percentage point off quarterly growth."
        ),
        ("Police said the picket had been peaceful and no arrests had been made."),
    ]
)

# The same event, written independently: same people, numbers, places and one shared quote.
PORT_STRIKE_OTHER_OUTLET = "\n\n".join(
    [
        (
            "Cargo handling at Marlow Bay ground to a standstill on Tuesday as about 4,200 port employees "
            "began an open-ended strike, the first at the terminal since 2019."
        ),
        (
            "Members of the Harbour and Transport Workers Union downed tools at the start of the morning "
            "shift after overnight negotiations with management failed to produce a deal. By noon, 37 vessels"
            " were anchored offshore awaiting berths, the harbour master's office said."
        ),
        (
            "Teresa Ocampo, who leads the union's port branch, addressed a crowd of strikers from the back of"
            ' a flatbed truck. "We will not go back to the cranes until the contract is signed," she said, '
            "drawing loud cheers."
        ),
        (
            "At the heart of the dispute is pay. Workers want their wages raised by 11 percent over the life "
            "of a three-year agreement, while management has put 6 percent on the table. Staff are also "
            "worried that new automated equipment bought by the port in 2023 could eventually replace many of"
            " them."
        ),
        (
            "Port Authority chief executive Daniel Hurst described the union's demands as unrealistic at a "
            "time when volumes are declining. Speaking at a news conference, he put the daily cost of the "
            "strike to the regional economy at 14 million crowns and said his door remained open. The labour "
            "ministry has proposed that mediators meet both parties on Thursday."
        ),
        (
            "Some shipping lines have already started sending their vessels to Kestrel Point further up the "
            "coast, though freight forwarders warned that the smaller port lacks the capacity to handle the "
            "extra traffic for long."
        ),
        (
            "Retailers said supermarket shelves could begin to feel the impact within days if perishable "
            "imports remain stuck on ships. Ocampo said the union was ready to stay out for as long as it "
            "takes."
        ),
    ]
)

RAILWAY = "\n\n".join(
    [
        (
            "LINDENHOLM, June 12 (Northwire) - A mountain railway that was closed for almost four years after"
            " a landslide buried part of its track reopened on Saturday, restoring a direct link between the "
            "valley towns of Lindenholm and Great Assen."
        ),
        (
            "The first train, a three-carriage diesel service decorated with ribbons and spruce branches, "
            "left Lindenholm station shortly after seven in the morning carrying local officials, "
            "schoolchildren and several hundred residents who had queued since dawn for free tickets."
        ),
        (
            "Engineers had to drill a new 900-metre tunnel beneath the unstable slope and rebuild two "
            "viaducts damaged when the hillside gave way during heavy autumn rains. The project cost 212 "
            "million crowns, roughly a third more than first estimated, and was funded jointly by the "
            "national rail operator and the provincial government."
        ),
        (
            "Provincial transport commissioner Ilse Vantongeren said the reopening would cut the journey to "
            'the regional hospital from ninety minutes by road to under forty minutes by train. "For many '
            "older people here this line was never a luxury, it was the only practical way to reach a "
            'doctor," she said.'
        ),
        (
            "Timetables published by the operator show eleven return services on weekdays and seven at "
            "weekends, with bicycles carried free of charge during the summer months. Freight trains carrying"
            " timber from sawmills in the upper valley are expected to resume in September."
        ),
        (
            "Geologists will continue to monitor the slope with sensors installed along the new tunnel "
            "portal, and the operator said trains would be halted automatically if ground movement exceeded "
            "safe limits. Local hotel owners said bookings for the summer season had already risen sharply "
            "since the reopening date was announced."
        ),
    ]
)

FOOTER = (
    "Copyright 2024 Northwire News Agency. All rights reserved. This material may not be published, "
    "broadcast, rewritten or redistributed without written permission. Sign up for our morning "
    "briefing to get the day's top stories delivered to your inbox, and follow Northwire on social "
    "media for live updates."
)
LOCAL_PARAGRAPH = (
    "In Brackenfield, the inland town where many of the port's lorry drivers live, the strike was the"
    " main topic of conversation at the weekly market on Tuesday. Cafe owner Miriam Solberg said "
    "several regular customers had stopped in before joining the picket line and that she expected "
    "takings to fall if the dispute dragged on into next week."
)
REPO = Path(__file__).resolve().parents[2]
WORD = re.compile(r"[^\W_]+")
PARAMS = DedupParams()
T0 = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)


def trimmed(text: str, fraction: float) -> str:
    words = text.split(" ")
    return " ".join(words[: int(len(words) * fraction)])


def mistyped(text: str, share: float, seed: int) -> str:
    """Replaces one letter in `share` of the words (those of 4+ letters), like a careless retyping."""
    rng = random.Random(seed)
    words = text.split(" ")
    eligible = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    for i in rng.sample(eligible, round(len(words) * share)):
        word = words[i]
        at = rng.randrange(1, len(word) - 1)
        replacement = rng.choice([c for c in "etaoinsrhl" if c != word[at].lower()])
        words[i] = word[:at] + replacement + word[at + 1 :]
    return " ".join(words)


def with_inserted_paragraph(text: str, paragraph: str, after: int) -> str:
    paragraphs = text.split("\n\n")
    return "\n\n".join([*paragraphs[:after], paragraph, *paragraphs[after:]])


def candidate(article_id: str, text: str, published_at: datetime | None) -> Candidate:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Candidate(article_id, digest, published_at, len(WORD.findall(text)))


def run(items: Sequence[Candidate], texts: Sequence[str], params: DedupParams = PARAMS) -> list[Decision]:
    return deduplicate(items, texts, signatures(texts, params), params)


# --- shingles -------------------------------------------------------------------------------------------


def test_shingles_ignore_case_and_punctuation() -> None:
    a = shingles('The Mayor said: "No new taxes," on Friday.', 3)
    b = shingles("the mayor said no new taxes on friday", 3)
    assert np.array_equal(a, b)
    assert a.dtype == np.uint64
    assert len(a) == 6  # 8 words -> 6 distinct 3-word windows
    assert not np.array_equal(a, shingles("the mayor said no new taxes on monday", 3))


def test_shingles_are_sorted_unique_and_handle_short_texts() -> None:
    repeated = shingles("rain again rain again rain again", 2)
    assert len(repeated) == 2  # "rain again" and "again rain"
    assert np.all(np.diff(repeated.astype(np.float64)) > 0) or repeated[0] < repeated[1]
    assert len(shingles("two words", 3)) == 1  # shorter than a shingle: one shingle of what there is
    assert len(shingles(" ... !! ", 3)) == 0
    assert len(shingles("", 3)) == 0
    assert not np.array_equal(shingles("one two", 3), shingles("two one", 3))  # word order matters


def test_shingles_of_non_ascii_text() -> None:
    assert np.array_equal(shingles("ZÜRICH, Été: Ærø-Café", 1), shingles("zürich été ærø café", 1))
    assert len(shingles("Zürich été café", 1)) == 3
    text = "Kraków i Gdańsk mają nowe tramwaje, powiedział rzecznik."
    assert shingles(text, 3).tolist() == sorted(set(_reference_shingles(text, 3)))
    # a lone surrogate (broken input) and an emoji split words instead of failing
    assert np.array_equal(shingles("alpha\ud800beta", 1), shingles("alpha beta", 1))
    assert np.array_equal(shingles("alpha\U0001f600beta", 1), shingles("alpha beta", 1))


def test_shingle_sets_equal_shingles_text_by_text() -> None:
    texts = [PORT_STRIKE, "", "one", RAILWAY, "Rain, rain, rain again."]
    sets = shingle_sets(texts, 3)
    assert len(sets) == len(texts)
    for text, found in zip(texts, sets, strict=True):
        assert found.tolist() == sorted(set(_reference_shingles(text, 3)))


def test_shingles_do_not_depend_on_pythonhashseed() -> None:
    code = "from tasks.dedup import shingles; print(shingles('Port workers strike in Marlow Bay', 3).tolist())"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)},
        ).stdout
        for seed in ("0", "12345")
    }
    assert len(outputs) == 1
    assert outputs.pop().strip() == str(shingles("Port workers strike in Marlow Bay", 3).tolist())


# --- MinHash against a slow reference written from the documented hash definition ---------------------

MASK = (1 << 64) - 1


def _fmix(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & MASK
    return h ^ (h >> 33)


def _splitmix(seed: int, index: int) -> int:
    z = (seed + (index + 1) * 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def _reference_shingles(text: str, size: int) -> list[int]:
    word_hashes = []
    for word in WORD.findall(text.lower()):
        total, power = 0, 1
        for char in word:
            total = (total + ord(char) * power) & MASK
            power = (power * 0x9E3779B97F4A7C15) & MASK
        word_hashes.append(_fmix(total))
    multipliers = [_splitmix(0x5A1E5EED, k) | 1 for k in range(size)]
    padded = word_hashes + [0] * (size - 1)
    windows = range(max(1, len(word_hashes) - size + 1)) if word_hashes else range(0)
    return [_fmix(sum(padded[i + k] * multipliers[k] for k in range(size)) & MASK) for i in windows]


def _reference_signature(text: str, params: DedupParams) -> list[int]:
    keys = [h >> 32 for h in _reference_shingles(text, params.shingle_size)]
    signature = []
    for k in range(params.num_perm):
        a, b = _splitmix(params.seed, 2 * k) | 1, _splitmix(params.seed, 2 * k + 1)
        signature.append(min((((a * x + b) & MASK) >> 32 for x in keys), default=0xFFFFFFFF))
    return signature


def test_shingles_match_the_reference_definition() -> None:
    text = "Dock workers, at the Port of Marlow Bay; walked off the JOB on Tuesday."
    assert shingles(text, 3).tolist() == sorted(set(_reference_shingles(text, 3)))
    assert shingles("ships", 2).tolist() == _reference_shingles("ships", 2)


def test_signatures_match_a_slow_reference_minhash() -> None:
    params = DedupParams(num_perm=32, bands=8, seed=7)
    texts = [PORT_STRIKE, "Fog closed the airport.", "", RAILWAY[:700]]
    sigs = signatures(texts, params)
    assert sigs.shape == (4, 32) and sigs.dtype == np.uint32
    for row, text in zip(sigs, texts, strict=True):
        assert row.tolist() == _reference_signature(text, params)
    assert sigs[2].tolist() == [0xFFFFFFFF] * 32  # no words: the empty-set sentinel
    assert not np.array_equal(sigs, signatures(texts, DedupParams(num_perm=32, bands=8, seed=8)))


def test_signatures_of_long_texts_and_mixed_batches_match_the_reference() -> None:
    # 30,000 distinct words: far more shingles than one internal block; the minimum must carry across blocks.
    rng = random.Random(5)
    long_text = " ".join(f"w{rng.randrange(10**9)}" for _ in range(30_000))
    params = DedupParams(num_perm=16, bands=4)
    together = signatures([RAILWAY, long_text, "", PORT_STRIKE], params)
    assert together[1].tolist() == _reference_signature(long_text, params)
    assert np.array_equal(together[3], signatures([PORT_STRIKE], params)[0])
    assert np.array_equal(together[0], signatures([RAILWAY], params)[0])
    assert signatures([], PARAMS).shape == (0, PARAMS.num_perm)


@pytest.mark.parametrize(
    "variant",
    [trimmed(PORT_STRIKE, 0.5), mistyped(PORT_STRIKE, 0.05, seed=3), PORT_STRIKE_OTHER_OUTLET, RAILWAY],
)
def test_signature_agreement_estimates_jaccard(variant: str) -> None:
    sigs = signatures([PORT_STRIKE, variant], PARAMS)
    estimate = float(np.mean(sigs[0] == sigs[1]))
    exact = similarity(shingles(PORT_STRIKE, 3), shingles(variant, 3)).jaccard
    assert abs(estimate - exact) <= 0.1


# --- similarity and LSH candidates --------------------------------------------------------------------


def test_similarity_is_exact_on_shingle_sets() -> None:
    a = np.array([1, 2, 3, 4, 5, 6], dtype=np.uint64)
    b = np.array([4, 5, 6, 7], dtype=np.uint64)
    sim = similarity(a, b)
    assert sim.jaccard == pytest.approx(3 / 7)
    assert sim.containment == pytest.approx(3 / 4)
    assert similarity(a, np.array([], dtype=np.uint64)).jaccard == 0.0


def test_candidate_pairs_from_shared_band_keys() -> None:
    keys = np.array([[10, 20], [11, 21], [10, 22], [12, 21], [13, 23]], dtype=np.uint64)
    # rows 0 and 2 share band 0; rows 1 and 3 share band 1; row 4 shares nothing
    assert candidate_pairs(keys).tolist() == [[0, 2], [1, 3]]
    # the same key in two different bands is not a match
    assert candidate_pairs(np.array([[5, 6], [6, 7]], dtype=np.uint64)).tolist() == []
    # a pair sharing several bands is listed once
    assert candidate_pairs(np.array([[1, 2], [1, 2]], dtype=np.uint64)).tolist() == [[0, 1]]
    assert candidate_pairs(np.zeros((0, 4), dtype=np.uint64)).shape == (0, 2)


def test_candidate_pairs_cap_huge_buckets_to_the_first_members() -> None:
    keys = np.zeros((1500, 1), dtype=np.uint64)  # one degenerate bucket of 1500 members
    pairs = candidate_pairs(keys)
    assert len(pairs) == sum(min(rank, 16) for rank in range(1500))  # each member with the first 16 only
    assert set(pairs[:, 0].tolist()) == set(range(16))
    assert set(pairs[pairs[:, 0] == 0, 1].tolist()) == set(range(1, 1500))
    small = candidate_pairs(np.zeros((40, 1), dtype=np.uint64))
    assert len(small) == 40 * 39 // 2  # normal buckets give every pair


def test_huge_buckets_repeated_in_every_band_give_the_same_pairs_once() -> None:
    one_band = candidate_pairs(np.zeros((1500, 1), dtype=np.uint64))
    assert np.array_equal(candidate_pairs(np.zeros((1500, 3), dtype=np.uint64)), one_band)
    # A second band whose bucket lacks member 0 has other leaders (1..16): its new pairs must not be skipped.
    keys = np.zeros((1500, 2), dtype=np.uint64)
    keys[0, 1] = 99
    pairs = {tuple(p) for p in candidate_pairs(keys).tolist()}
    assert pairs == {tuple(p) for p in one_band.tolist()} | {(16, j) for j in range(17, 1500)}


def test_candidate_pairs_find_near_copies_but_not_unrelated_stories() -> None:
    texts = [
        PORT_STRIKE,
        RAILWAY,
        mistyped(PORT_STRIKE, 0.03, seed=1),
        PORT_STRIKE_OTHER_OUTLET,
        trimmed(RAILWAY, 0.6),
    ]
    pairs = candidate_pairs(band_keys(signatures(texts, PARAMS), PARAMS)).tolist()
    assert [0, 2] in pairs and [1, 4] in pairs
    assert [0, 1] not in pairs and [0, 3] not in pairs and [1, 2] not in pairs


def test_band_keys_shape_and_band_separation() -> None:
    sigs = signatures([PORT_STRIKE, PORT_STRIKE], PARAMS)
    keys = band_keys(sigs, PARAMS)
    assert keys.shape == (2, 42) and keys.dtype == np.uint64
    assert np.array_equal(keys[0], keys[1])
    constant = band_keys(np.zeros((1, 128), dtype=np.uint32), PARAMS)
    assert len(set(constant[0].tolist())) == 42  # equal rows in different bands still give distinct keys
    with pytest.raises(ValueError, match=r"shape \(N, 128\)"):
        band_keys(np.zeros((1, 64), dtype=np.uint32), PARAMS)


# --- deduplicate: the reprint kinds of a news feed ---------------------------------------------------

REPRINTS = {
    "reprint": PORT_STRIKE,
    "dateline-changed": PORT_STRIKE.replace("MARLOW BAY, March 4 (Northwire) - ", "By staff, with Northwire: "),
    "trimmed-50": trimmed(PORT_STRIKE, 0.5),
    "trimmed-70": trimmed(PORT_STRIKE, 0.7),
    "trimmed-90": trimmed(PORT_STRIKE, 0.9),
    "typos-2": mistyped(PORT_STRIKE, 0.02, seed=11),
    "typos-5": mistyped(PORT_STRIKE, 0.05, seed=12),
    "footer": PORT_STRIKE + "\n\n" + FOOTER,
    "local-paragraph": with_inserted_paragraph(PORT_STRIKE, LOCAL_PARAGRAPH, after=3),
    "footer-and-typos": mistyped(PORT_STRIKE, 0.03, seed=13) + "\n\n" + FOOTER,
}


@pytest.mark.parametrize("kind", sorted(REPRINTS))
def test_each_reprint_kind_is_a_duplicate_of_the_original(kind: str) -> None:
    items = [candidate("orig", PORT_STRIKE, T0), candidate(kind, REPRINTS[kind], T0 + timedelta(hours=2))]
    decisions = run(items, [PORT_STRIKE, REPRINTS[kind]])
    assert len(decisions) == 1
    decision = decisions[0]
    assert (decision.article_id, decision.duplicate_of) == (kind, "orig")
    assert decision.method == ("exact" if kind == "reprint" else "near")
    assert PARAMS.threshold <= decision.similarity <= 1.0


def test_independent_stories_of_the_same_event_are_not_duplicates() -> None:
    texts = [PORT_STRIKE, PORT_STRIKE_OTHER_OUTLET]
    items = [candidate("northwire", texts[0], T0), candidate("gazette", texts[1], T0)]
    assert run(items, texts) == []
    sim = similarity(shingles(texts[0], 3), shingles(texts[1], 3))
    assert sim.jaccard < 0.1 and sim.containment < 0.2  # far below the threshold, not a near miss


def test_a_short_brief_quoting_a_long_story_is_not_its_duplicate() -> None:
    brief = " ".join(PORT_STRIKE.split("\n\n")[2:4])  # two paragraphs of nine: contained, but a fifth as long
    items = [candidate("story", PORT_STRIKE, T0), candidate("brief", brief, T0 + timedelta(hours=1))]
    assert run(items, [PORT_STRIKE, brief]) == []
    story_shingles, brief_shingles = shingles(PORT_STRIKE, 3), shingles(brief, 3)
    assert similarity(brief_shingles, story_shingles).containment == 1.0
    assert verified_score(brief_shingles, story_shingles) == pytest.approx(len(brief_shingles) / len(story_shingles))


def test_a_short_wire_version_after_the_full_story_is_a_duplicate() -> None:
    short = trimmed(PORT_STRIKE, 0.35)  # a third of the story, all of it copied
    items = [candidate("full", PORT_STRIKE, T0), candidate("short", short, T0 + timedelta(hours=1))]
    assert [(d.article_id, d.duplicate_of, d.method, d.similarity) for d in run(items, [PORT_STRIKE, short])] == [
        ("short", "full", "near", 1.0)
    ]


def test_a_much_longer_story_is_not_a_duplicate_of_an_earlier_short_one_it_contains() -> None:
    # The later full story carries 70% new text: it must not be dropped in favour of the early short version.
    short = trimmed(PORT_STRIKE, 0.3)
    items = [candidate("short", short, T0), candidate("full", PORT_STRIKE, T0 + timedelta(hours=1))]
    assert run(items, [short, PORT_STRIKE]) == []
    # ...but once the short version has half of the text, the full one counts as the trimmed copy's expansion.
    half = trimmed(PORT_STRIKE, 0.5)
    items = [candidate("half", half, T0), candidate("full", PORT_STRIKE, T0 + timedelta(hours=1))]
    assert [(d.article_id, d.duplicate_of) for d in run(items, [half, PORT_STRIKE])] == [("full", "half")]


# --- canonical choice and clustering --------------------------------------------------------------------


def test_exact_canonical_is_earliest_then_longest_then_smallest_id() -> None:
    text = RAILWAY
    items = [
        Candidate("z-undated", "h", None, 500),
        Candidate("b-late", "h", T0 + timedelta(days=1), 500),
        Candidate("c-early-short", "h", T0, 300),
        Candidate("d-early-long", "h", T0, 400),
        Candidate("a-early-long", "h", T0, 400),
    ]
    decisions = deduplicate(items, [text] * 5, signatures([text] * 5, PARAMS), PARAMS)
    assert [(d.article_id, d.duplicate_of, d.method, d.similarity) for d in decisions] == [
        ("b-late", "a-early-long", "exact", 1.0),
        ("c-early-short", "a-early-long", "exact", 1.0),
        ("d-early-long", "a-early-long", "exact", 1.0),
        ("z-undated", "a-early-long", "exact", 1.0),
    ]


def test_naive_and_aware_dates_compare_as_utc() -> None:
    items = [Candidate("aware", "h", T0, 10), Candidate("naive", "h", datetime(2024, 3, 4, 8, 0), 10)]
    decisions = deduplicate(items, [RAILWAY] * 2, signatures([RAILWAY] * 2, PARAMS), PARAMS)
    assert [(d.article_id, d.duplicate_of) for d in decisions] == [("aware", "naive")]


def test_exact_copies_of_a_near_duplicate_point_at_the_final_canonical() -> None:
    variant = mistyped(PORT_STRIKE, 0.03, seed=5)
    items = [
        candidate("original", PORT_STRIKE, T0),
        candidate("variant", variant, T0 + timedelta(hours=1)),
        candidate("variant-copy", variant, T0 + timedelta(hours=2)),
    ]
    decisions = run(items, [PORT_STRIKE, variant, variant])
    # The copy's text is not the original's: it is exactly as near to it as the variant is.
    assert [(d.article_id, d.duplicate_of, d.method) for d in decisions] == [
        ("variant", "original", "near"),
        ("variant-copy", "original", "near"),
    ]
    assert decisions[0].similarity == decisions[1].similarity < 1.0


def test_star_clustering_does_not_chain_unrelated_articles() -> None:
    words = RAILWAY.split(" ")
    quarter = len(words) // 4
    first_half = " ".join(words[: 2 * quarter])
    whole = " ".join(words[: 4 * quarter])
    second_half = " ".join(words[2 * quarter : 4 * quarter])
    # first_half ~ whole ~ second_half, but the halves share nothing
    items = [
        candidate("first-half", first_half, T0),
        candidate("whole", whole, T0 + timedelta(hours=1)),
        candidate("second-half", second_half, T0 + timedelta(hours=2)),
    ]
    decisions = run(items, [first_half, whole, second_half])
    assert [(d.article_id, d.duplicate_of, d.method) for d in decisions] == [("whole", "first-half", "near")]


def test_an_article_matching_two_canonicals_joins_the_earlier_one() -> None:
    railway_part, strike_part = trimmed(RAILWAY, 0.6), trimmed(PORT_STRIKE, 0.45)
    combined = railway_part + "\n\n" + strike_part  # contains both, each about half of it
    items = [
        candidate("combined", combined, T0 + timedelta(hours=2)),
        candidate("strike", strike_part, T0 + timedelta(hours=1)),
        candidate("railway", railway_part, T0),
    ]
    decisions = run(items, [combined, strike_part, railway_part])
    assert [(d.article_id, d.duplicate_of, d.method) for d in decisions] == [("combined", "railway", "near")]


def test_texts_are_read_only_for_articles_that_need_verification() -> None:
    class RecordingTexts(Sequence[str]):
        def __init__(self, texts: list[str]) -> None:
            self.texts, self.read = texts, set[int]()

        def __len__(self) -> int:
            return len(self.texts)

        def __getitem__(self, index):  # type: ignore[no-untyped-def]
            self.read.add(index)
            return self.texts[index]

    plain = [PORT_STRIKE, mistyped(PORT_STRIKE, 0.02, seed=9), RAILWAY, PORT_STRIKE]
    items = [candidate(f"a{i}", t, T0 + timedelta(hours=i)) for i, t in enumerate(plain)]
    texts = RecordingTexts(plain)
    decisions = deduplicate(items, texts, signatures(plain, PARAMS), PARAMS)
    assert {(d.article_id, d.method) for d in decisions} == {("a1", "near"), ("a3", "exact")}
    assert texts.read == {0, 1}  # the unrelated story and the exact copy were never loaded


def test_short_texts_only_dedup_exactly() -> None:
    short = "Fog closed Kestrel Point airport on Monday morning."
    shorter = "Fog closed Kestrel Point airport on Monday."
    items = [candidate("s1", short, T0), candidate("s2", shorter, T0), candidate("s3", short, T0)]
    decisions = run(items, [short, shorter, short])
    assert [(d.article_id, d.duplicate_of, d.method) for d in decisions] == [("s3", "s1", "exact")]
    # text_length in characters passes the cheap length filter; the shingle count must still stop them
    by_chars = [
        Candidate(c.article_id, c.content_hash, c.published_at, len(t))
        for c, t in zip(items, [short, shorter, short], strict=True)
    ]
    decisions = run(by_chars, [short, shorter, short])
    assert [(d.article_id, d.duplicate_of, d.method) for d in decisions] == [("s3", "s1", "exact")]
    assert run(by_chars, [short, shorter, short], DedupParams(min_shingles=5))[0].article_id == "s2"  # control


def test_empty_run_and_mismatched_signatures() -> None:
    assert deduplicate([], [], np.zeros((0, 128), dtype=np.uint32), PARAMS) == []
    with pytest.raises(ValueError, match="got 0 signatures for 1 items"):
        deduplicate([candidate("a", RAILWAY, T0)], [RAILWAY], np.zeros((0, 128), dtype=np.uint32), PARAMS)


def test_output_does_not_depend_on_input_order() -> None:
    texts = [
        PORT_STRIKE,
        *REPRINTS.values(),
        PORT_STRIKE_OTHER_OUTLET,
        RAILWAY,
        trimmed(RAILWAY, 0.8),
        mistyped(PORT_STRIKE_OTHER_OUTLET, 0.04, seed=2),
    ]
    items = [candidate(f"id{i:02d}", t, T0 + timedelta(minutes=7 * (i % 5))) for i, t in enumerate(texts)]
    sigs = signatures(texts, PARAMS)
    expected = deduplicate(items, texts, sigs, PARAMS)
    # every duplicate points at a canonical, never at another duplicate
    assert not {d.duplicate_of for d in expected} & {d.article_id for d in expected}
    assert len(expected) == len(texts) - 3  # three stories: the strike, the other outlet's, the railway
    rng = random.Random(2024)
    for _ in range(5):
        order = list(range(len(texts)))
        rng.shuffle(order)
        shuffled = deduplicate([items[i] for i in order], [texts[i] for i in order], sigs[order], PARAMS)
        assert shuffled == expected


# --- parameters -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bands": 200}, r"bands must be between 1 and num_perm \(128\)"),
        ({"bands": 0}, "bands must be between 1"),
        ({"num_perm": 0}, "num_perm must be at least 1"),
        ({"shingle_size": 0}, "shingle_size must be at least 1"),
        ({"threshold": 0.0}, r"threshold must be in \(0, 1\]"),
        ({"threshold": 1.5}, r"threshold must be in \(0, 1\] \(got 1.5\)"),
        ({"min_shingles": 0}, "min_shingles must be at least 1"),
        ({"seed": -1}, "seed must be in"),
    ],
)
def test_invalid_params_say_what_to_fix(changes: dict[str, float], message: str) -> None:
    params = DedupParams(**changes)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        params.validate()
    with pytest.raises(ValueError, match=message):
        signatures(["some text"], params)


def test_default_params_are_valid_and_bands_make_mid_jaccard_pairs_candidates() -> None:
    PARAMS.validate()
    rows = PARAMS.num_perm // PARAMS.bands
    assert 1 - (1 - 0.4**rows) ** PARAMS.bands >= 0.9
    assert 1 - (1 - 0.05**rows) ** PARAMS.bands < 0.01
