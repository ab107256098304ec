"""Unit tests for tasks.normalize: decoding, cleaning, dateline/credit/boilerplate separation, hash form.

All sample text is invented wire-style copy.
"""

from __future__ import annotations

import codecs
import pickle
import random

import pytest

from tasks.normalize import (
    Dateline,
    UndecodableError,
    clean_text,
    decode_bytes,
    normalize_for_hash,
    separate,
)

ACCENTED = (
    "The mayor of São Paulo, José García, said “we will not back down” on Tuesday — "
    "a week after François Müller’s naïve plan failed."
)
RUSSIAN = (
    "Правительство России в понедельник объявило о новых мерах поддержки экономики. "
    "Министр финансов заявил журналистам, что бюджет страны останется сбалансированным, "
    "несмотря на снижение цен на нефть."
)


# --- decode_bytes ------------------------------------------------------------------------------


def test_utf8_is_decoded_as_is() -> None:
    decoded = decode_bytes(ACCENTED.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.repaired) == (ACCENTED, "utf-8", False)


def test_pure_ascii_is_utf8() -> None:
    decoded = decode_bytes(b"Shares rose 3 pct on Monday.")
    assert (decoded.text, decoded.encoding) == ("Shares rose 3 pct on Monday.", "utf-8")


def test_utf8_bom_is_dropped() -> None:
    decoded = decode_bytes(codecs.BOM_UTF8 + "Zürich".encode())
    assert (decoded.text, decoded.encoding) == ("Zürich", "utf-8")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    decoded = decode_bytes(bom + ACCENTED.encode(codec))
    assert (decoded.text, decoded.encoding) == (ACCENTED, "utf-16")


def test_utf32_bom_is_not_mistaken_for_utf16() -> None:
    decoded = decode_bytes(codecs.BOM_UTF32_LE + "Köln".encode("utf-32-le"))
    assert (decoded.text, decoded.encoding) == ("Köln", "utf-32")


def test_utf16_without_bom_is_recognised_by_its_zero_bytes() -> None:
    text = "Officials said the talks would resume next week in Geneva."
    decoded = decode_bytes(text.encode("utf-16-le"))
    assert (decoded.text, decoded.encoding) == (text, "utf-16-le")


def test_cp1252_curly_quotes_and_accented_names() -> None:
    decoded = decode_bytes(ACCENTED.encode("cp1252"))
    assert decoded.text == ACCENTED
    assert decoded.encoding == "cp1252"
    assert decoded.repaired is False


def test_short_cp1252_prefers_windows_1252_over_exotic_code_pages() -> None:
    assert decode_bytes("Café naïve".encode("cp1252")).text == "Café naïve"


@pytest.mark.parametrize("codec", ["koi8-r", "cp1251"])
def test_cyrillic_legacy_encodings(codec: str) -> None:
    decoded = decode_bytes(RUSSIAN.encode(codec))
    assert decoded.text == RUSSIAN
    assert decoded.encoding == codec


def test_declared_charset_is_used() -> None:
    raw = "Señor Muñoz".encode("cp1252")
    decoded = decode_bytes(raw, declared="windows-1252")
    assert (decoded.text, decoded.encoding) == ("Señor Muñoz", "cp1252")


def test_declared_latin1_is_read_as_windows_1252_like_browsers_do() -> None:
    # 0x93/0x94 are C1 controls in latin-1 but curly quotes in windows-1252.
    decoded = decode_bytes(b"He said \x93no\x94 twice.", declared="ISO-8859-1")
    assert decoded.text == "He said “no” twice."


def test_valid_utf8_beats_a_wrong_declared_legacy_charset() -> None:
    decoded = decode_bytes("Crème brûlée".encode(), declared="iso-8859-1")
    assert (decoded.text, decoded.encoding, decoded.repaired) == ("Crème brûlée", "utf-8", False)


def test_unknown_declared_charset_is_ignored() -> None:
    assert decode_bytes("Malmö".encode(), declared="x-no-such-charset").text == "Malmö"


def test_mojibake_is_repaired_and_curly_quotes_stay_curly() -> None:
    broken = "The minister said she didn’t know the café’s owner."
    mojibake = broken.encode("utf-8").decode("cp1252")  # "didnâ€™t", "cafÃ©â€™s"
    decoded = decode_bytes(mojibake.encode("utf-8"))
    assert decoded.text == broken
    assert decoded.repaired is True
    assert decoded.encoding == "utf-8"


def test_mojibake_of_a_mangled_no_break_space_is_repaired() -> None:
    decoded = decode_bytes("Il est allÃ© Ã  la plage.".encode())
    assert (decoded.text, decoded.repaired) == ("Il est allé à la plage.", True)


@pytest.mark.parametrize(
    "text",
    [
        ACCENTED,
        "Tomáš Souček a Václav Šťastný řekli, že «débat a explosé» — l’humour reste.",
        RUSSIAN + " «Москва»",
        "Ιστορική συμφωνία — „Wir müssen handeln“, sagte Øresund-Präsident.",
    ],
)
def test_ftfy_is_skipped_for_clean_non_ascii_text(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def spy(text: str, config: object = None) -> str:
        calls.append(text)
        return text

    monkeypatch.setattr("ftfy.fix_text", spy)
    decoded = decode_bytes(text.encode())
    assert (decoded.text, decoded.repaired, calls) == (text, False, [])


def test_ftfy_runs_for_mojibake(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def spy(text: str, config: object = None) -> str:
        calls.append(text)
        return text

    monkeypatch.setattr("ftfy.fix_text", spy)
    decode_bytes("donâ€™t".encode())
    assert calls == ["donâ€™t"]


def test_cyrillic_mojibake_is_repaired() -> None:
    mojibake = RUSSIAN.encode("utf-8").decode("cp1251")
    decoded = decode_bytes(mojibake.encode("utf-8"))
    assert (decoded.text, decoded.repaired) == (RUSSIAN, True)


def test_decoded_text_is_nfc() -> None:
    decoded = decode_bytes("Jose\u0301 Marti\u0301".encode())
    assert decoded.text == "José Martí"
    assert decoded.repaired is False


@pytest.mark.parametrize("raw", [b"", b"  \r\n\t ", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")])
def test_empty_input(raw: bytes) -> None:
    with pytest.raises(UndecodableError) as caught:
        decode_bytes(raw)
    assert caught.value.reason == "empty"


def test_random_bytes_are_binary() -> None:
    rng = random.Random(20240226)
    garbage = bytes(rng.randrange(256) for _ in range(3000))
    with pytest.raises(UndecodableError) as caught:
        decode_bytes(garbage)
    assert caught.value.reason == "binary"


def test_png_header_and_zeros_are_binary() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 500
    with pytest.raises(UndecodableError) as caught:
        decode_bytes(png)
    assert caught.value.reason == "binary"
    assert "control bytes" in caught.value.detail


def test_high_bytes_inside_every_word_are_ambiguous() -> None:
    # 0x80/0x99 wedged into each word: no code page turns that into language.
    words = b"the market fell sharply on monday after traders sold shares in banks and energy groups"
    raw = b" ".join(word[:2] + bytes([(0x80, 0x99)[i % 2]]) + word[2:] for i, word in enumerate(words.split() * 3))
    with pytest.raises(UndecodableError) as caught:
        decode_bytes(raw + b".")
    assert caught.value.reason == "encoding_ambiguous"


def test_strict_mode_rejects_legacy_bytes() -> None:
    with pytest.raises(UndecodableError) as caught:
        decode_bytes(ACCENTED.encode("cp1252"), strict=True)
    assert caught.value.reason == "not_utf8"


def test_strict_mode_accepts_utf8_bom_and_declared() -> None:
    assert decode_bytes(ACCENTED.encode(), strict=True).text == ACCENTED
    assert decode_bytes(codecs.BOM_UTF16_LE + "Kyiv".encode("utf-16-le"), strict=True).text == "Kyiv"
    assert decode_bytes("Zoë".encode("cp1252"), declared="cp1252", strict=True).text == "Zoë"


def test_undecodable_error_is_a_value_error_with_reason_and_detail() -> None:
    error = UndecodableError("binary", "62% control bytes in first 4096 bytes")
    assert isinstance(error, ValueError)
    assert (error.reason, error.detail) == ("binary", "62% control bytes in first 4096 bytes")
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.reason, copy.detail) == (UndecodableError, error.reason, error.detail)


# --- clean_text ----------------------------------------------------------------------------------


def test_line_endings_controls_and_spaces() -> None:
    raw = "First\r\nline\x07 with\ttab\rSecond\u00a0line\u2003has  odd\u3000spaces\x00\x9c"
    assert clean_text(raw) == "First\nline with tab\nSecond line has odd spaces"


def test_invisible_characters_dropped_but_joiners_kept() -> None:
    raw = "\ufeffco\u00adoperation zero\u200bwidth word\u2060joiner می\u200cخواهم 👩\u200d💻"
    assert clean_text(raw) == "cooperation zerowidth wordjoiner می\u200cخواهم 👩\u200d💻"


def test_nfc_and_blank_line_collapse() -> None:
    raw = "\n\n  Cafe\u0301 opens  \n\n\n\n\nSecond paragraph.  \n \n\n"
    assert clean_text(raw) == "Café opens\n\nSecond paragraph."


def test_reuters_style_wrapped_indented_paragraphs_are_joined() -> None:
    raw = (
        "    OSLO, March 3 - Norway's state oil company said it would\n"
        "raise output at two North Sea fields this year after\n"
        "repairs to a pipeline were finished ahead of schedule.\n"
        "    The company said production would average 45,000\n"
        "barrels per day, up from 38,000 barrels last year, and\n"
        "could rise further in 1988.\n"
        " Reuter\n"
    )
    assert clean_text(raw) == (
        "OSLO, March 3 - Norway's state oil company said it would raise output at two North Sea fields "
        "this year after repairs to a pipeline were finished ahead of schedule.\n\n"
        "The company said production would average 45,000 barrels per day, up from 38,000 barrels last "
        "year, and could rise further in 1988.\n\n"
        "Reuter"
    )


def test_wrapped_paragraphs_separated_by_blank_lines_are_joined() -> None:
    raw = (
        "The harbour authority said on Friday that ships would be\n"
        "allowed back into the port once divers had checked the\n"
        "breakwater for damage.\n"
        "\n"
        "Fishermen said they had lost three days of work and asked\n"
        "the city for compensation.\n"
    )
    assert clean_text(raw) == (
        "The harbour authority said on Friday that ships would be allowed back into the port once divers "
        "had checked the breakwater for damage.\n\n"
        "Fishermen said they had lost three days of work and asked the city for compensation."
    )


def test_one_paragraph_per_line_is_kept() -> None:
    raw = (
        "Title: Port reopens after storm\n"
        "URL: https://example.org/port\n"
        "\n"
        "The port reopened on Friday after a three-day closure caused by the storm, the harbour authority "
        "said.\n"
        "Fishermen asked the city for compensation.\n"
        "Short line\n"
    )
    assert clean_text(raw) == raw.strip()


def test_short_header_lines_are_not_joined_into_wrapped_text() -> None:
    raw = (
        "Title: Grain prices\n"
        "Date: 1987-03-03\n"
        "\n"
        "Wheat prices rose on the Chicago Board of Trade as dry\n"
        "weather in the southern plains threatened the winter crop\n"
        "and exporters reported new sales to the Soviet Union.\n"
    )
    assert clean_text(raw) == (
        "Title: Grain prices\nDate: 1987-03-03\n\n"
        "Wheat prices rose on the Chicago Board of Trade as dry weather in the southern plains threatened "
        "the winter crop and exporters reported new sales to the Soviet Union."
    )


# --- separate: datelines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "raw", "place", "agency", "date_text", "body"),
    [
        (
            "TEHRAN - Iran's foreign minister said on Monday that talks would continue.",
            "TEHRAN",
            "Tehran",
            None,
            None,
            "Iran's foreign minister said on Monday that talks would continue.",
        ),
        (
            "TEHRAN – Officials said the plant was safe.",
            "TEHRAN",
            "Tehran",
            None,
            None,
            "Officials said the plant was safe.",
        ),
        (
            "TEHRAN — Officials said the plant was safe.",
            "TEHRAN",
            "Tehran",
            None,
            None,
            "Officials said the plant was safe.",
        ),
        (
            "LONDON (Reuters) - Sterling fell.",
            "LONDON (Reuters)",
            "London",
            "Reuters",
            None,
            "Sterling fell.",
        ),
        (
            "LONDON, March 3 (Reuters) - Sterling fell.",
            "LONDON, March 3 (Reuters)",
            "London",
            "Reuters",
            "March 3",
            "Sterling fell.",
        ),
        (
            "SALVADOR, Feb 26 - Rain returned to the cocoa zone.",
            "SALVADOR, Feb 26",
            "Salvador",
            None,
            "Feb 26",
            "Rain returned to the cocoa zone.",
        ),
        ("NEW YORK, Feb 26 - Stocks rose.", "NEW YORK, Feb 26", "New York", None, "Feb 26", "Stocks rose."),
        (
            "WASHINGTON (AP) — The Senate voted.",
            "WASHINGTON (AP)",
            "Washington",
            "AP",
            None,
            "The Senate voted.",
        ),
        (
            "BAKU, Azerbaijan - The president signed the decree.",
            "BAKU, Azerbaijan",
            "Baku",
            None,
            None,
            "The president signed the decree.",
        ),
        (
            "RIO DE JANEIRO (AFP) - Police said.",
            "RIO DE JANEIRO (AFP)",
            "Rio de Janeiro",
            "AFP",
            None,
            "Police said.",
        ),
        (
            "KUALA LUMPUR, Malaysia (Reuters) -Palm oil rose.",
            "KUALA LUMPUR, Malaysia (Reuters)",
            "Kuala Lumpur",
            "Reuters",
            None,
            "Palm oil rose.",
        ),
        ("TEHRAN (IRNA) - The cabinet met.", "TEHRAN (IRNA)", "Tehran", "IRNA", None, "The cabinet met."),
        (
            "Toronto, March 6 - Bank shares rose.",
            "Toronto, March 6",
            "Toronto",
            None,
            "March 6",
            "Bank shares rose.",
        ),
        (
            "WEST LAFAYETTE, IND., April 8 - The university said.",
            "WEST LAFAYETTE, IND., April 8",
            "West Lafayette",
            None,
            "April 8",
            "The university said.",
        ),
        (
            "ST. JOHN'S, Newfoundland - The ferry sailed.",
            "ST. JOHN'S, Newfoundland",
            "St. John's",
            None,
            None,
            "The ferry sailed.",
        ),
        (
            "STRATFORD-UPON-AVON - The theatre reopened on Saturday.",
            "STRATFORD-UPON-AVON",
            "Stratford-upon-Avon",
            None,
            None,
            "The theatre reopened on Saturday.",
        ),
        (
            "TOKYO/SEOUL (Reuters) - Asian shares slipped.",
            "TOKYO/SEOUL (Reuters)",
            "Tokyo/Seoul",
            "Reuters",
            None,
            "Asian shares slipped.",
        ),
        (
            "U.S. - The market closed higher on Friday.",
            "U.S.",
            "U.S.",
            None,
            None,
            "The market closed higher on Friday.",
        ),
        (
            "UN - The United Nations said on Monday it would send aid.",
            "UN",
            "UN",
            None,
            None,
            "The United Nations said on Monday it would send aid.",
        ),
        (
            "sioux city, april 7 - hog receipts were light.",
            "sioux city, april 7",
            "Sioux City",
            None,
            "april 7",
            "hog receipts were light.",
        ),
        (
            "RIO DE JANEIRO, MARCH 25 - Coffee exports rose.",
            "RIO DE JANEIRO, MARCH 25",
            "Rio de Janeiro",
            None,
            "MARCH 25",
            "Coffee exports rose.",
        ),
    ],
)
def test_dateline_forms(text: str, raw: str, place: str, agency: str | None, date_text: str | None, body: str) -> None:
    parts = separate(text)
    assert parts.dateline == Dateline(raw=raw, place=place, agency=agency, date_text=date_text)
    assert parts.body == body


@pytest.mark.parametrize(
    "text",
    [
        "The US - China talks resumed in Geneva on Monday.",
        "US - China talks resumed in Geneva on Monday after a long pause.",
        "EU - UK trade talks stalled again.",
        "BREAKING - The minister has resigned, his office said.",
        "FILE - In this photo, the minister arrives in parliament.",
        "COVID-19 - What we know about the new variant.",
        "Shares rose on Monday - and then fell again.",
        "NASA - based engineers said the launch would slip.",
        "Tuesday, March 3 - The council met in closed session.",
        "Analysts said, March 3 - the deadline - would pass quietly.",
    ],
)
def test_not_a_dateline(text: str) -> None:
    parts = separate(text)
    assert parts.dateline is None
    assert parts.body == text


def test_dateline_only_at_the_start_of_the_body() -> None:
    text = "Markets were calm.\nLONDON - A second paragraph that starts like a dateline."
    parts = separate(text)
    assert parts.dateline is None
    assert parts.body == "Markets were calm.\n\nLONDON - A second paragraph that starts like a dateline."


def test_dateline_alone_on_its_first_line() -> None:
    parts = separate("WASHINGTON (AP) —\nThe Senate passed the bill late on Tuesday.")
    assert parts.dateline is not None and parts.dateline.raw == "WASHINGTON (AP)"
    assert parts.body == "The Senate passed the bill late on Tuesday."


# --- separate: credits and boilerplate --------------------------------------------------------------


def test_credit_lines_at_the_end() -> None:
    text = (
        "TEHRAN - The central bank raised its main rate on Sunday.\n\n"
        "The move had been expected by most analysts.\n\n"
        "All content by Tehran Times News Agency is licensed under a Creative Commons Attribution 4.0 "
        "International License.\n"
        "(Reporting by Jane Doe; Editing by Tom Roe)\n"
        "Reporting by Ali Karimi; Editing by Sara Lund\n"
        "© 2024 Example Wire Service\n"
        "Copyright 2023 The Example Press. All rights reserved.\n"
        "Reuter"
    )
    parts = separate(text)
    assert parts.body == (
        "The central bank raised its main rate on Sunday.\n\nThe move had been expected by most analysts."
    )
    assert parts.credit_lines == (
        "All content by Tehran Times News Agency is licensed under a Creative Commons Attribution 4.0 "
        "International License.",
        "(Reporting by Jane Doe; Editing by Tom Roe)",
        "Reporting by Ali Karimi; Editing by Sara Lund",
        "© 2024 Example Wire Service",
        "Copyright 2023 The Example Press. All rights reserved.",
        "Reuter",
    )
    assert parts.boilerplate_lines == ()


def test_contributed_and_cc_licence_lines_are_credits() -> None:
    text = (
        "Crews restored power overnight.\n"
        "Staff writer Mia Chen in Taipei contributed to this report.\n"
        "This article is republished from Example News and licensed under a Creative Commons license."
    )
    parts = separate(text)
    assert parts.body == "Crews restored power overnight."
    assert len(parts.credit_lines) == 2


def test_copyright_inside_ordinary_text_stays_in_the_body() -> None:
    text = (
        "The court ruled that the photographer's copyright had been infringed by the 2019 campaign.\n"
        "Copyright lawyers said the ruling would encourage more claims against advertisers this year.\n"
        "Readers can share this article's findings with the committee, the chairman added."
    )
    parts = separate(text)
    assert parts.credit_lines == ()
    assert parts.boilerplate_lines == ()
    assert parts.body == text.replace("\n", "\n\n")


def test_boilerplate_lines_are_removed() -> None:
    text = (
        "Advertisement\n"
        "NAIROBI - Kenya's central bank held rates steady on Tuesday.\n"
        "Read more: Shilling slides to record low\n"
        "READ MORE\n"
        "Share this article\n"
        "Share on Facebook\n"
        "Subscribe to our newsletter for the latest news\n"
        "Sign up for our morning briefing\n"
        "Follow us on Twitter\n"
        "Click here to download our app\n"
        "Related: Inflation slows in March\n"
        "Also read: Five things to know about the budget\n"
        "The decision was widely expected."
    )
    parts = separate(text)
    assert parts.dateline is not None and parts.dateline.place == "Nairobi"
    assert parts.body == "Kenya's central bank held rates steady on Tuesday.\n\nThe decision was widely expected."
    assert parts.boilerplate_lines == (
        "Advertisement",
        "Read more: Shilling slides to record low",
        "READ MORE",
        "Share this article",
        "Share on Facebook",
        "Subscribe to our newsletter for the latest news",
        "Sign up for our morning briefing",
        "Follow us on Twitter",
        "Click here to download our app",
        "Related: Inflation slows in March",
        "Also read: Five things to know about the budget",
    )


def test_long_paragraph_starting_like_boilerplate_stays() -> None:
    long_line = "Click here, the instructions said, " + "and the page would load another form, " * 6 + "it said."
    parts = separate(long_line)
    assert parts.body == long_line
    assert parts.boilerplate_lines == ()


def test_clean_then_separate_a_wrapped_wire_story() -> None:
    raw = (
        "    CHICAGO, April 7 - Soybean futures closed higher on the\n"
        "Chicago Board of Trade as export demand improved and dry\n"
        "weather in Brazil cut estimates of the crop there.\n"
        "    Corn futures were mixed.\n"
        " Reuter\n"
    )
    parts = separate(clean_text(raw))
    assert parts.dateline == Dateline("CHICAGO, April 7", "Chicago", None, "April 7")
    assert parts.body == (
        "Soybean futures closed higher on the Chicago Board of Trade as export demand improved and dry "
        "weather in Brazil cut estimates of the crop there.\n\nCorn futures were mixed."
    )
    assert parts.credit_lines == ("Reuter",)


# --- normalize_for_hash -------------------------------------------------------------------------------


def test_hash_form_ignores_quotes_case_and_wrapping() -> None:
    curly = "The minister said “it’s over” — and LEFT.\n\nNo questions were taken."
    straight = 'the minister said "it\'s over" - and left. no questions\nwere   taken.  '
    assert normalize_for_hash(curly) == normalize_for_hash(straight)
    assert normalize_for_hash(curly) == "the minister said 'it's over' - and left. no questions were taken."


def test_hash_form_unifies_dashes_compat_forms_and_invisibles() -> None:
    assert normalize_for_hash("2019–2020 ﬁnal ＡＢＣ «Oui» co\u00adop zero\u200bwidth 1--2") == (
        "2019-2020 final abc 'oui' coop zerowidth 1-2"
    )


def test_hash_form_keeps_different_texts_different() -> None:
    assert normalize_for_hash("Shares rose 3 pct.") != normalize_for_hash("Shares rose 4 pct.")
