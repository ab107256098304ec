"""The fast paths of normalization, separation and word counting give the answers of the plain code they replace.

Each is checked against the reference computation (a regex `findall`, a `str.translate`, a split and join, a
per-line credit test) on random texts built to hit both the fast path and its fallbacks.
"""

from __future__ import annotations

import random
import unicodedata

from tasks import article, normalize, normalize_separate


def _random_texts(alphabet: list[str], count: int, seed: int, longest: int = 30) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest))) for _ in range(count)]


def test_count_words_is_the_number_of_regex_words() -> None:
    ascii_alphabet = ["a", "Bc", "_", "9", " ", "\n", "-", "'", ".", "\x00", "\x7f"]
    other = ["é", "ß", "中文", "’", "—", "\u00a0", "٣", "\u0301", "😀", "\U00020000", "\ud800", "\uffff", "ǅ"]
    texts = _random_texts(ascii_alphabet, 5_000, 1) + _random_texts(ascii_alphabet + other, 20_000, 2)
    for text in [*texts, "", "a", "é", "😀", "\ud800"]:
        assert article.count_words(text) == len(article._WORD.findall(text)), repr(text)


def test_word_table_agrees_with_the_regex_on_the_whole_bmp() -> None:
    table = article._bmp_word_table()
    bmp = "".join(map(chr, range(0x10000)))
    words = set(map(ord, "".join(article._WORD.findall(bmp))))  # every character of a run is a word character
    assert {int(code) for code in table.nonzero()[0]} == words


def _reference_hash_form(body: str) -> str:
    text = unicodedata.normalize("NFKC", body).casefold().translate(normalize._HASH_CHARS)
    return " ".join(normalize._HASH_DASH_RUN.sub("-", text).split())


def test_normalize_for_hash_is_the_translate_split_and_join() -> None:
    table_chars = [chr(code) for code in normalize._HASH_CHARS]
    alphabet = ["a", "B", " ", "\n", "-", "'", '"', "`", "é", "Ǆ", "ﬁ", "\u00a8", "\u3000", "\t", *table_chars]
    for text in _random_texts(alphabet, 20_000, 3) + _random_texts(["a b", "\n", "--", "“", "’"], 5_000, 4):
        assert normalize.normalize_for_hash(text) == _reference_hash_form(text), repr(text)


def test_collapse_spaces_with_spaces_next_to_line_breaks() -> None:
    alphabet = [" ", "\n", "\n\n", "a", "b c", " \n", "\n ", "\t"]
    for text in _random_texts(alphabet, 20_000, 5):
        assert normalize._collapse_spaces(text) == " ".join(text.split()), repr(text)


def _reference_is_credit(line: str) -> bool:
    return bool(
        normalize_separate._CREDIT.match(line)
        or normalize_separate._CREDIT_LICENCE.search(line)
        or normalize_separate._CREDIT_CONTRIBUTED.search(line)
    )


def test_separate_finds_the_credit_lines_the_patterns_match() -> None:
    lines = [
        "The minister said on Monday that talks would resume.",
        "Reporting by Jane Doe; Editing by John Roe",
        "Photo licensed under Creative Commons CC-BY 2.0",
        "THIS WORK IS LICENSED UNDER THE CREATIVE COMMONS",
        "Anna Smith contributed reporting to this story.",
        "(c) 2024 Example News",
        "Licences were granted to 40 firms.",
        "He contributed to the fund.",
        "Reuters",
        "Copyright 2023 Example. All rights reserved.",
    ]
    rng = random.Random(6)
    for _ in range(2_000):
        chosen = rng.sample(lines, rng.randint(1, len(lines)))
        parts = normalize.separate("\n\n".join(chosen))
        expected = [line for line in chosen if _reference_is_credit(line)]
        assert list(parts.credit_lines) == expected, chosen


def test_dateline_place_is_the_same_on_repeated_calls() -> None:
    for _ in range(2):  # the second call is answered from the cache
        assert normalize_separate.normalize_place("RIO DE JANEIRO") == "Rio de Janeiro"
        assert normalize_separate.normalize_place("N'DJAMENA") == "N'Djamena"
        assert normalize_separate.normalize_place("U.S.") == "U.S."
