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


def _long(sentence: str) -> str:
    return " ".join([sentence] * (1 + 450 // len(sentence)))


def test_detect_language_decides_on_the_head_only_when_the_whole_sample_agrees() -> None:
    import py3langid
    from py3langid import langid

    model = langid._get_identifier()
    decided = 0
    for sentence in SENTENCES[:8]:
        text = _long(sentence)
        sample = text[: language._LANGUAGE_SAMPLE_CHARS]
        head = language._sure_from_head(model, sample)
        assert head in (None, py3langid.classify(sample)[0]), sentence
        decided += head is not None
        assert language.detect_language(text) == language.detect_language(text) == (head or language.classify(sample))
    assert decided >= 6  # plain prose in one language is decided on its first 200 characters


def test_detect_language_forgets_its_answers_when_the_languages_change() -> None:
    import py3langid

    text = _long(SENTENCES[1])
    assert language.detect_language(text) == "de"
    try:
        py3langid.set_languages(["en", "fr", "it"])
        assert language.detect_language(text) == py3langid.classify(text[: language._LANGUAGE_SAMPLE_CHARS])[0]
        assert language.detect_language(text) != "de"
    finally:
        py3langid.set_languages(None)
    assert language.detect_language(text) == "de"


def test_single_word_actions_are_the_word_list_and_decision_checks() -> None:
    from tasks.entity_runs import OTHER, single_action, single_decision
    from tasks.gazetteer import NON_NAME_WORDS
    from tasks.names import capitalized_runs

    text = (
        "The Reuters report said Brazil, Petrobras and U.S. officials met in Lodz on Monday. He said Soto, "
        "Mobile, Reading and Akron were named. Interfax said NATO and the IMF agreed. Smith told Xinhua so."
    )
    tokens = {match[0] for match in capitalized_runs(text) if " " not in match[0]} | set(list(NON_NAME_WORDS)[:50])
    for token in tokens:
        decision = single_decision(token)
        acts = token not in NON_NAME_WORDS and (decision[0] != OTHER or decision[1] or decision[2] is not None)
        assert single_action(token) == (decision if acts else None), token


def test_a_reprint_shares_the_content_metadata_but_keeps_its_own_provenance() -> None:
    from tasks import metadata

    body = (
        'Finance Minister Ana Lucia Ferreira said on Monday the budget would hold. "We will not raise taxes '
        'this year," Ferreira told reporters in Brasilia, according to Reuters.'
    )
    metadata._CONTENT.clear()
    first = metadata.extract_metadata(body, hints={"publisher": "Coast Daily"})
    reprint = metadata.extract_metadata(body, hints={"publisher": "Valley Post", "language": "pt"})
    metadata._CONTENT.clear()
    fresh = metadata.extract_metadata(body, hints={"publisher": "Valley Post", "language": "pt"})
    assert reprint == fresh and reprint.persons == first.persons == ("Ana Lucia Ferreira",)
    assert reprint.quotes == first.quotes and reprint.quotes[0].speaker == "Ana Lucia Ferreira"
    assert (first.publisher, first.language) == ("Coast Daily", "en")
    assert (reprint.publisher, reprint.language) == ("Valley Post", "pt")
    assert metadata.extract_metadata(body, dateline_place="Lisbon").places[0] == "Lisbon"  # the dateline is in the key


def test_plainly_english_prose_skips_the_model_only_while_the_model_knows_english() -> None:
    import py3langid

    prose = _long("The minister said that the bank would hold rates for the rest of the year, which has been expected.")
    assert language.plainly_english(prose[:200])
    assert not any(language.plainly_english(_long(sentence)[:200]) for sentence in SENTENCES[1:8])
    assert language.detect_language(prose) == "en"
    try:
        py3langid.set_languages(["fr", "de"])
        assert language.detect_language(prose) in ("fr", "de")
    finally:
        py3langid.set_languages(None)
