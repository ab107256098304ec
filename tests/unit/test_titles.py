"""Headlines of HTML pages (tasks/html.py `headline`): branding goes only where it is verifiably the site's name,
and the <h1>'s typography is kept where it says the same words as the title.

All pages and sites are invented; expected values are written from reading them.
"""

from __future__ import annotations

import pytest

from tasks.html import extract_html
from tasks.html_titles import headline, is_site_name, site_keys

_BODY = "".join(
    f"<p>The harbour board met on Tuesday to discuss item {n} of the spring agenda, and members spoke at length "
    f"about dredging, berth fees, the ferry timetable and the old lighthouse keeper's cottage.</p>"
    for n in range(6)
)


def _page(head: str, h1: str = "") -> str:
    return f"<html><head>{head}</head><body><article>{h1}{_BODY}</article></body></html>"


def test_a_verified_site_name_goes_with_its_motto() -> None:
    # The domain names the site: "Gullpost-Archiv" on archiv.gullpost.example, and the motto after it goes too.
    page = _page(
        "<title>Ferry fares to rise : Gullpost-Archiv | Notes from the quay | Since 2005</title>"
        '<link rel="canonical" href="http://archiv.gullpost.example/?p=12">'
    )
    article = extract_html(page)
    assert article is not None
    assert article.title == "Ferry fares to rise"


def test_og_site_name_verifies_branding_after_any_separator() -> None:
    page = _page(
        '<meta property="og:title" content="Ferry fares to rise this spring · Harbour Voices in English">'
        '<meta property="og:site_name" content="Harbour Voices in English">'
        "<title>Ferry fares to rise this spring · Harbour Voices in English</title>"
    )
    article = extract_html(page)
    assert article is not None
    assert article.title == "Ferry fares to rise this spring"


def test_chinese_portal_title_with_underscores_is_kept_whole() -> None:
    page = _page("<title>港口渡轮票价春季上涨_新闻_海港网</title>", h1="<h1>港口渡轮票价春季上涨</h1>")
    article = extract_html(page)
    assert article is not None
    assert article.title == "港口渡轮票价春季上涨_新闻_海港网"


@pytest.mark.parametrize(
    ("title", "keys", "expected"),
    [
        # Trailing or leading site name, verified by og:site_name or the domain.
        ("Tide tables for May | Harbour Herald", {"Harbour Herald"}, "Tide tables for May"),
        ("harbourherald.example » Tide tables for May", {"harbourherald"}, "Tide tables for May"),
        # A colon inside the headline stays: only the site's part and what follows it go.
        ("Dredging: the board decides | Harbour Herald", {"Harbour Herald"}, "Dredging: the board decides"),
        # Not verifiable as the site's name: kept, as Readability and trafilatura keep it.
        ("Tide tables for May | Notes from the quay", {"Harbour Herald"}, "Tide tables for May | Notes from the quay"),
        ("Tide tables for May | Harbour Herald", set(), "Tide tables for May | Harbour Herald"),
    ],
)
def test_branding_goes_only_when_it_is_the_site_name(title: str, keys: set[str], expected: str) -> None:
    assert headline(title, [], keys) == expected


def test_site_name_matches_whole_words_only() -> None:
    keys = site_keys(None, "https://time.example/2024/05/story")
    assert is_site_name("TIME", keys)
    assert is_site_name("Time Magazine", keys)
    assert not is_site_name("Timeline of events", keys)  # "time" is not a word of it
    assert is_site_name("Yahoo", {"Yahoo News"})  # the site name's first word, long enough to be a name
    assert not is_site_name("Yah", {"Yahoo News"})


def test_site_keys_read_the_archived_host_and_country_domains() -> None:
    assert site_keys(None, "https://web.archive.org/web/20130307194448/gullpost.example/2008/05/x") == {"gullpost"}
    assert site_keys("Mail Desk", "https://www.harbourmail.co.uk/news/a.html") == {"Mail Desk", "harbourmail"}
    assert site_keys(None, "https://www.bbc.co.uk/news") == set()  # too short to find safely


def test_h1_typography_wins_over_a_plain_title_element() -> None:
    # The <title> is mis-decoded ("Â´") and the h1 says the same words: the h1's form is the headline.
    title = "Roc Mountain Quests und NPCÂ´s"
    assert headline(title, ["Roc Mountain Quests und NPC’s"], set(), title, True) == "Roc Mountain Quests und NPC’s"
    # Different words are no typographic variant, nor is an h1 that is the site's name.
    assert headline("Ferry fares to rise", ["Ferry fares will rise"], set(), None, True) == "Ferry fares to rise"
    assert headline("Gullpost", ["Gullpost"], {"gullpost"}, None, True) == "Gullpost"


def test_a_stated_og_title_is_kept_unless_the_title_element_has_the_h1_form() -> None:
    stated = 'Student says pills "burned her up"'
    h1 = "Student says pills “burned her up”"
    # og:title and <title> agree on straight quotes: the page's stated form stays.
    assert headline(stated, [h1], set(), f"{stated} - Harbour Herald", False) == stated
    # The <title> element uses the h1's curly quotes: that is the page's form.
    assert headline(stated, [h1], set(), f"{h1} | Harbour Herald", False) == h1


def test_full_page_takes_the_h1_dashes_the_title_element_also_uses() -> None:
    page = _page(
        '<meta property="og:title" content="Island and its banks - the film">'
        "<title>Island and its banks – the film | Quayside TV</title>",
        h1="<h1>Island and its banks – the film</h1>",
    )
    article = extract_html(page)
    assert article is not None
    assert article.title == "Island and its banks – the film"
