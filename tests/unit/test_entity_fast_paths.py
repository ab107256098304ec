"""The shortcuts of entity and quote extraction give the answers of the plain code they stand in for.

Each one (alternations regrouped by first letter, patterns anchored at a window's end run backwards on the
reversed window, cheap tests that skip a helper, str.find in place of a regex scan for quote marks) is checked
against the reference computation on random texts built from the words the patterns look for, so that matches,
near misses and the fallbacks all occur.
"""

from __future__ import annotations

import random
import re

import pytest

from tasks import metadata_speakers
from tasks.entities import _Scan, extract_entities
from tasks.gazetteer import ROLE_NOUNS
from tasks.metadata_quote_marks import _MARKS, _marks
from tasks.names import BEFORE_CITE, BEFORE_CITE_REVERSED, CITE_TRIGGERS, SAID_BEFORE, SAY_VERBS, by_first_letter
from tasks.quotes import _NOT_SPEECH_BEFORE, _NOT_SPEECH_BEFORE_REVERSED, _NOT_SPEECH_WORDS

SEPARATORS = [" ", " ", " ", "", "  ", "\n", " \n", "\t", ",", "(", ".", "\u00a0"]


def _texts(words: list[str], count: int, seed: int, longest: int = 10) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(words) + rng.choice(SEPARATORS) for _ in range(rng.randint(0, longest)))
        for _ in range(count)
    ]


@pytest.mark.parametrize("words", [SAY_VERBS, "do|dos|de|of the|of|for the|for|&", "Mr|Mrs|Ms|Maj|Co|Corp"])
def test_first_letter_groups_match_like_the_plain_alternation(words: str) -> None:
    pieces = [*words.split("|"), "x", "Mrx", "sai", "dosa", "of them"]
    for suffix in (r"\b", " ", ""):
        plain = re.compile(rf"(?:{words}){suffix}")
        grouped = re.compile(rf"(?:{by_first_letter(words)}){suffix}")
        for text in _texts(pieces, 3000, seed=len(suffix)):
            assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in plain.finditer(text)], text


def test_reversed_cite_pattern_agrees_with_the_search_it_replaces() -> None:
    words = [
        *[
            "according",
            "to",
            "told",
            "citing",
            "quoted",
            "by",
            "reported",
            "by",
            "a",
            "an",
            "the",
            "report",
            "statement",
            "interview",
            "from",
            "in",
            "on",
            "with",
        ],
        *[
            "state",
            "state-run",
            "state-owned",
            "semi-official",
            "news",
            "agency",
            "Kremlin-run",
            "oil-based",
            "(told",
            "standby",
            "Told",
        ],
    ]
    matched = 0
    for text in _texts(words, 20000, seed=3, longest=12):
        expected = BEFORE_CITE.search(text) is not None
        matched += expected
        assert (BEFORE_CITE_REVERSED.match(text[::-1]) is not None) == expected, text
    assert matched > 100  # the texts reach the pattern, not only its misses


def test_cited_before_gives_the_windowed_search_answer() -> None:
    words = ["according", "to", "the", "state", "news", "agency", "told", "in", "a", "report", "by", "said", "X"]
    for text in _texts(words, 3000, seed=4, longest=14):
        scan = _Scan(text + "Interfax")
        start = len(text)
        window = scan.text[max(0, start - 60) : start]
        expected = any(trigger in window for trigger in CITE_TRIGGERS) and BEFORE_CITE.search(window) is not None
        assert scan._cited_before(start) == expected, text


def test_role_before_gives_the_plain_answer() -> None:
    words = [*sorted(ROLE_NOUNS)[:30], "co-founder", "said", "says", "added", "according to", "Spokesman", "the"]
    words += ["vice-president", "unsaid", "İ", "K", "ok", "x"]
    for text in _texts(words, 5000, seed=5, longest=6):
        scan = _Scan(text + "Ali Rezaei")
        start = len(text)
        if start < 2 or not text[start - 2].islower():
            expected: tuple[bool, str | None] = (False, None)
        else:
            head = text[max(0, start - 14) : start]
            previous = head.rsplit(None, 1)[-1].lower()
            expected = (head.endswith(SAID_BEFORE), previous if previous in ROLE_NOUNS else None)
        assert scan._role_before(start) == expected, text


def test_reversed_not_speech_pattern_agrees_with_the_search_it_replaces() -> None:
    words = [*_NOT_SPEECH_WORDS.split("|"), "read:", "x", "thread", "signs", "the"]
    for text in _texts(words, 10000, seed=6, longest=5):
        lower = text.lower()
        expected = _NOT_SPEECH_BEFORE.search(lower) is not None
        assert (_NOT_SPEECH_BEFORE_REVERSED.match(lower[::-1]) is not None) == expected, text


def test_quote_marks_found_with_find_are_the_regex_matches() -> None:
    rng = random.Random(7)
    alphabet = ['"', "“", "”", "„", "«", "»", "'", "'", "’", "a", " ", "\n"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        assert _marks(text) == [(m.start(), m.group()) for m in _MARKS.finditer(text)], text


def test_next_to_capitalized_skips_only_where_the_helpers_find_nothing() -> None:
    words = ["Michael", "Soto", "soto", "said.", "B.", "Émile", "x", "U.S.", "\u200b", "O'Neil", "(", "ab"]
    for text in _texts(words, 3000, seed=9):
        for at in range(len(text) + 1):
            if not metadata_speakers._next_to_capitalized(text, at, at, True):
                assert metadata_speakers._capitalized_before(text, at) == [], (text, at)
            if not metadata_speakers._next_to_capitalized(text, at, at, False):
                assert metadata_speakers._capitalized_after(text, at) == [], (text, at)


def test_context_still_names_sources_and_speakers() -> None:
    text = (
        "Tehran's currency fell, according to the state news agency IRNA. Spokesman Ali Rezaei said the talks "
        "would go on, the Tasnim news agency said. Rezaei later told reporters the navy was ready."
    )
    entities = extract_entities(text)
    assert "Ali Rezaei" in entities.persons
    assert {"IRNA", "Tasnim"} <= set(entities.cited_sources)
