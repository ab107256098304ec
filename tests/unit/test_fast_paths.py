"""The fast paths of the per-article build give the answers of the plain code they stand in for.

Each fast path (numpy walk of py3langid's automaton, ASCII shortcuts in normalization, first-character gates on
the credit and boilerplate patterns, the shared full-name index) is checked against the reference computation
on varied inputs, including ones built to hit the fallbacks.
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from tasks import language, normalize, normalize_separate
from tasks.names import PersonMention, full_names_of

SENTENCES = [
    "The central bank raised interest rates on Tuesday, citing stubborn inflation in services.",
    "Die Zentralbank hat am Dienstag die Zinsen erhöht und verwies auf die hartnäckige Inflation.",
    "La banque centrale a relevé ses taux mardi, invoquant une inflation tenace dans les services.",
    "El banco central subió los tipos de interés el martes, citando la persistente inflación.",
    "Центральный банк во вторник повысил процентные ставки, сославшись на устойчивую инфляцию.",
    "中央銀行は火曜日、サービス部門の根強いインフレを理由に金利を引き上げた。",
    "البنك المركزي رفع أسعار الفائدة يوم الثلاثاء مشيرا إلى التضخم المستمر في الخدمات",
    "Bank sentral menaikkan suku bunga pada hari Selasa, dengan alasan inflasi yang membandel.",
    "THE CENTRAL BANK RAISED INTEREST RATES ON TUESDAY",
    "ab",
    "x",
    "",
    "12 34 56 ... !!!",
]


def _samples() -> list[str]:
    rng = random.Random(8)
    samples = list(SENTENCES)
    joined = " ".join(SENTENCES)
    for _ in range(300):  # windows of mixed languages, starting and ending anywhere (inside UTF-8 sequences too)
        start = rng.randrange(len(joined))
        samples.append(joined[start : start + rng.randint(1, 400)])
    for _ in range(200):
        samples.append("".join(chr(rng.randrange(32, 0x3000)) for _ in range(rng.randint(1, 80))))
    return samples


def test_numpy_walk_meets_the_features_of_the_sequential_walk_in_order() -> None:
    from py3langid import langid

    model = langid._get_identifier()
    walker = language._walker(model)
    assert walker is not None and walker.depth == 6
    for sample in _samples():
        data = model._encode(sample)
        expected = langid.visit_counts(model.tk_nextmove, model._rowbase, model.tk_output, data)
        found = walker.features(data).tolist()
        assert list(Counter(found).items()) == list((expected or Counter()).items()), sample


def test_classify_gives_py3langid_answers() -> None:
    import py3langid

    for sample in _samples():
        assert language.classify(sample) == py3langid.classify(sample)[0], sample


def test_detect_language_stays_in_tasks_metadata() -> None:
    from tasks.metadata import detect_language

    assert detect_language(SENTENCES[1]) == "de"
    assert detect_language(SENTENCES[4]) == "ru"
    assert detect_language("OK, 12 34 56!") is None


def _random_texts(alphabet: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(count)]


def test_collapse_spaces_is_split_and_join() -> None:
    alphabet = [" ", "\n", "\n\n", "a", "bc d", "\t", "\r", "\x0b", "\x1c", "\x1f", "é", "\u2028", "\xa0", "\x85"]
    for text in _random_texts(alphabet, 20_000, 1) + _random_texts([" ", "\n", "ab", "c d"], 20_000, 2):
        assert normalize._collapse_spaces(text) == " ".join(text.split()), repr(text)


def test_odd_character_check_is_the_regex_search() -> None:
    alphabet = ["a", " ", "\n", "\t", "\r", "\x00", "\x1f", "\x7f", "\x85", "\xad", "\u200b", "\u2029", "é", "-"]
    for text in _random_texts(alphabet, 20_000, 3):
        assert normalize._has_odd(text) == (normalize._ANY_ODD.search(text) is not None), repr(text)


def test_first_character_gates_cover_every_character_the_patterns_can_open_with() -> None:
    bmp = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))
    credit = frozenset(re.findall(normalize_separate.CREDIT_FIRST_CLASS, bmp, re.IGNORECASE))
    boilerplate = frozenset(re.findall(normalize_separate.BOILERPLATE_FIRST_CLASS, bmp, re.IGNORECASE))
    assert credit == normalize_separate._CREDIT_FIRST
    assert boilerplate == normalize_separate._BOILERPLATE_FIRST
    assert {"ı", "İ", "(", "©", " "} <= credit and "ſ" in boilerplate  # IGNORECASE's non-ASCII partners


@pytest.mark.parametrize(
    "line",
    [
        "(Reporting by Jane Doe; Editing by John Roe)",
        "© 2026 Reuters",
        "ıRNA",
        "Copyright 2026 AP. All rights reserved.",
    ],
)
def test_credit_lines_pass_the_gate(line: str) -> None:
    parts = normalize_separate.separate(f"LONDON (Reuters) - Words of the story go here.\n{line}")
    assert parts.credit_lines == (line,)


def test_full_names_are_shared_for_one_mentions_tuple_only() -> None:
    mentions = (PersonMention(0, "Ana Lucia Ferreira", "admiral"), PersonMention(40, "Ferreira", None))
    names = full_names_of(mentions)
    assert full_names_of(mentions) is names
    assert names.resolve("Ferreira", 50) == "Ana Lucia Ferreira"
    other = (PersonMention(0, "Paulo Ferreira", None),)
    assert full_names_of(other).resolve("Ferreira", 10) == "Paulo Ferreira"
    as_list = list(mentions)
    assert full_names_of(as_list) is not full_names_of(as_list)  # type: ignore[arg-type]  # lists are not kept


def test_classify_follows_a_language_restriction() -> None:
    import py3langid

    try:
        py3langid.set_languages(["en", "fr", "it"])
        assert language.classify(SENTENCES[1]) == py3langid.classify(SENTENCES[1])[0] == "en"
    finally:
        py3langid.set_languages(None)
    assert language.classify(SENTENCES[1]) == "de"
