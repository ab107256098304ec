"""Quote marks paired as a reader pairs them, quotes that are not speech, and speakers named in full.

All text is invented; expected values are written from reading it.
"""

from __future__ import annotations

import pytest

from tasks.metadata import extract_metadata
from tasks.metadata_quote_marks import quote_spans


def _quoted(text: str) -> list[str]:
    return [text[span.start : span.end] for span in quote_spans(text)]


def _quotes(text: str) -> list[tuple[str | None, str]]:
    return [(q.speaker, q.text) for q in extract_metadata(text, hints={"language": "en"}).quotes]


def test_unclosed_quote_before_a_new_one_ends_at_its_last_sentence() -> None:
    # Scrapers join paragraphs: the first paragraph's quote never closes.
    text = 'He said: "We met. We talked about trade. "I look forward to more," he added, "a lot more."'
    assert _quoted(text) == ["We met. We talked about trade.", "I look forward to more,", "a lot more."]


def test_one_unclosed_quote_does_not_shift_the_pairs_after_it() -> None:
    text = (
        'Mr Obama called the meeting "excellent" and said: "We will help. "The team is ready." '
        'Aides said he was "very encouraged" by the talks.'
    )
    assert _quoted(text) == ["excellent", "We will help.", "The team is ready.", "very encouraged"]


def test_nested_quote_inside_an_unfinished_sentence() -> None:
    text = '"To say you stand for "fairness" is hypocrisy," she wrote.'
    assert _quoted(text) == ['To say you stand for "fairness" is hypocrisy,']


def test_quote_left_open_at_a_line_end() -> None:
    text = '"The first paragraph of a long quote ends here.\n"And the second one closes," he said.'
    assert _quoted(text) == ["The first paragraph of a long quote ends here.", "And the second one closes,"]


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ("„Das ist ein Zitat mit vier Wörtern“, sagte er.", "Das ist ein Zitat mit vier Wörtern"),
        ("« Nous ne partirons pas d'ici », a-t-il dit.", " Nous ne partirons pas d'ici "),
        ("“Curly marks work too,” she said.", "Curly marks work too,"),
        ("his handling was \"extremely careless'' but not criminal", "extremely careless"),
    ],
)
def test_quote_mark_styles(text: str, inner: str) -> None:
    assert _quoted(text) == [inner]


def test_titles_signs_and_chants_are_not_quotes() -> None:
    text = (
        'Fans battled the so-called "Curse of the Billy Goat" for decades. She held a sign that read: '
        '"Love trumps hate now". Marchers were shouting "not my president today". '
        '"He made America angry again," read one placard. '
        '"We waited our whole lives for this," said Jason Nye, 22.'
    )
    assert _quotes(text) == [("Jason Nye", "We waited our whole lives for this")]


def test_surname_speaker_resolves_to_the_full_name_given_earlier() -> None:
    text = (
        "Michael Soto, deputy director of the investigation agency, said winds were strong.\n"
        '"No possibility can be left out for certain," Soto said.'
    )
    assert _quotes(text) == [("Michael Soto", "No possibility can be left out for certain")]


def test_pronoun_speaker_is_the_subject_of_the_sentences_before() -> None:
    text = (
        "At a rally in Ohio, Donald Trump questioned the review. "
        '"The investigation will go on and on," he told supporters.'
    )
    assert _quotes(text) == [("Donald Trump", "The investigation will go on and on")]


def test_pronoun_skips_a_sentence_whose_subject_is_itself_a_pronoun() -> None:
    text = (
        "Barack Obama admitted some differences. But he insisted he would follow George Bush in 2008. "
        'He said: "The team could not have been more gracious."'
    )
    assert _quotes(text)[0][0] == "Barack Obama"


def test_speaker_without_titles_party_or_home_state() -> None:
    text = (
        '"This is even more troubling than before," U.S. Senator Dianne Feinstein of California said.\n'
        '"Nobody is above the law here," said Republican Chuck Grassley.'
    )
    assert [speaker for speaker, _ in _quotes(text)] == ["Dianne Feinstein", "Chuck Grassley"]


def test_named_appositive_among_comma_segments() -> None:
    text = '"We are in utter shock right now," Bruce Steinberg\'s sister, Tamara Steinberg Jacobson, wrote.'
    assert _quotes(text) == [("Tamara Steinberg Jacobson", "We are in utter shock right now")]


def test_organization_speaker_is_kept_as_written() -> None:
    text = 'In a statement, the Justice Department said it had "dedicated all necessary resources to the review."'
    assert _quotes(text) == [("the Justice Department", "dedicated all necessary resources to the review.")]


def test_quote_paragraph_after_a_quote_paragraph_keeps_its_speaker() -> None:
    text = (
        '"We continue to hope you choose to engage with us," Hock Tan said.\n'
        '"However, we will withdraw this proposal after the meeting."'
    )
    assert [speaker for speaker, _ in _quotes(text)] == ["Hock Tan", "Hock Tan"]


def test_quote_offsets_point_at_the_quoted_words() -> None:
    text = 'Intro line.\n"We will not leave these waters," Ferreira said.'
    (quote,) = extract_metadata(text, hints={"language": "en"}).quotes
    assert text[quote.start : quote.end] == quote.text == "We will not leave these waters"


def test_an_empty_appositive_segment_does_not_crash_speaker_finding() -> None:
    # Shape of a Reuters sentence whose parenthesis, blanked, leaves an empty comma segment before the colon.
    from tasks.metadata import extract_metadata

    body = (
        "A senior official of the Federation of Employers' Associations, (Keidanren), told reporters: "
        '"The yen will stay strong for some time, and exporters must adapt to it quickly."'
    )
    meta = extract_metadata(body, title=None, dateline_place=None, dateline_agency=None, credit_lines=(), hints={})
    assert [q.text for q in meta.quotes] == [
        "The yen will stay strong for some time, and exporters must adapt to it quickly."
    ]


def test_an_unexpected_error_on_one_item_becomes_a_reject_not_a_failed_batch(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from tasks import article
    from tasks.errors import Reject
    from tasks.read import RawItem

    # A fault injected inside the build (tasks.faults), not a patched extractor: compiled (setup.py), the build
    # calls the extractors directly, past the module attributes a monkeypatch would replace.
    monkeypatch.setenv("NEWSETL_FAULT_AT", "build-article")
    item = RawItem("file:///x.txt", "text", b"LONDON - Enough words here to pass every length check of the body.",
                   datetime.now(UTC))  # fmt: skip
    result = article.build_article(item, "run", False)
    assert isinstance(result, Reject) and result.reason == "internal_error" and result.raw == item.raw
    assert "injected fault at build-article" in result.detail
