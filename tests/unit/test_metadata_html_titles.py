"""Titles of HTML pages (tasks/html.py): the headline the page states for itself, without site branding.

All pages are invented; expected values are written from reading them.
"""

from __future__ import annotations

import pytest
from lxml.html import document_fromstring

from tasks.html_titles import choose_headline, page_headline, stated_headline


def test_json_ld_headline_first_even_inside_cdata() -> None:
    html = (
        "<html><head><title>Harbour reopens after storm - Coast Daily</title>"
        '<meta property="og:title" content="The harbour is open again">'
        '<script type="application/ld+json"><![CDATA[{"@context": "https://schema.org", '
        '"@type": "NewsArticle", "headline": "Harbour reopens after storm"}]]></script></head></html>'
    )
    assert stated_headline(html) == "Harbour reopens after storm"


def test_json_ld_of_a_site_or_broken_json_is_skipped_for_og_title() -> None:
    html = (
        '<script type="application/ld+json">{"@type": "WebSite", "headline": "Coast Daily"}</script>'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
        '<meta content="Ferry fares to rise &amp; timetables cut" property="og:title">'
        "<title>Coast Daily</title>"
    )
    assert stated_headline(html) == "Ferry fares to rise & timetables cut"


def test_title_element_when_the_page_has_no_title_metadata() -> None:
    html = "<html><head><title>\n  Council votes to  rebuild the pier\n</title></head><h1>Local news</h1></html>"
    assert stated_headline(html) == "Council votes to rebuild the pier"
    assert stated_headline("<html><body><p>no title</p></body></html>") is None


@pytest.mark.parametrize(
    ("stated", "guessed", "expected"),
    [
        # Branding after or before the headline goes, whatever the separator.
        ("Tide tables for May - harbourblog", "Tide tables for May", "Tide tables for May"),
        ("Harbour Blog : Tide tables for May", "Tide tables for May", "Tide tables for May"),
        ("harbour.example // » Tide tables", "Tide tables", "Tide tables"),
        # "_" is no separator: Readability and trafilatura keep "Story_Section_Site" whole (gmw.cn, qq.com).
        ("Tide tables for May _Weather _Harbour", "Tide tables for May", "Tide tables for May _Weather _Harbour"),
        # Where the guess is the branding itself, the other side is the headline; on a tie, the first side.
        ("harbourblog » Tide tables for May", "harbourblog", "Tide tables for May"),
        ("Tide tables for May | harbourblog", "harbourblog", "Tide tables for May"),
        ("Tide tables : Harbour news", "Harbour news", "Tide tables"),
        # A hyphenated word is no separator, and a different guess does not replace the stated title.
        ("Boat hands-on: the new ferry", "Boat hands", "Boat hands-on: the new ferry"),
        ("Ferry fares to rise", "Local news", "Ferry fares to rise"),
        (None, "Local news", "Local news"),
    ],
)
def test_choose_headline(stated: str | None, guessed: str | None, expected: str) -> None:
    assert choose_headline(stated, guessed) == expected


@pytest.mark.parametrize(
    ("og_title", "expected"),
    [
        # The portal's own og:title on a story page: the story is named by <title>.
        ("Coast Daily - Latest news, weather and sport", "Harbour reopens after the storm"),
        # The same shape naming the story: kept, less the branding.
        ("Coast Daily - Harbour reopening delayed by storm", "Harbour reopening delayed by storm"),
        # No site name at its start: a different headline is still the page's statement.
        ("Quay workers celebrate", "Quay workers celebrate"),
    ],
)
def test_a_site_banner_og_title_gives_way_to_the_title_element(og_title: str, expected: str) -> None:
    html = (
        f'<html><head><meta property="og:title" content="{og_title}">'
        "<title>Harbour reopens after the storm</title></head><body><p>x</p></body></html>"
    )
    assert page_headline(html, document_fromstring(html), None, "https://www.coastdaily.test/a") == expected
