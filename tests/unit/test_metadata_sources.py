"""Cited sources, licences found in HTML, bylines and titles as pages give them, and wire datelines.

All text is invented; expected values are written from reading it.
"""

from __future__ import annotations

import pytest

from tasks.licenses import license_from_html
from tasks.metadata import extract_metadata
from tasks.metadata_bylines import clean_author, clean_title
from tasks.normalize_separate import parse_dateline


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        ("The talks will resume next week, according to IRNA.", ("IRNA",)),
        ("NBC News reported that new sanctions were coming.", ("NBC News",)),
        ("The drill ended, according to the state-run IRNA news agency.", ("IRNA",)),
        ("According to a report by Al Jazeera, the border crossing opened.", ("Al Jazeera",)),
        ("The talks were over, Interfax said on Monday.", ("Interfax",)),
        ("He lives in Moscow and works for a bank in London.", ()),
    ],
)
def test_cited_sources(text: str, sources: tuple[str, ...]) -> None:
    assert extract_metadata(text, hints={"language": "en"}).cited_sources == sources


def test_licence_from_the_page_rel_link_first() -> None:
    html = (
        '<html><body><p>Photo: <a href="https://creativecommons.org/licenses/by-sa/2.0/">CC BY-SA 2.0</a></p>'
        + "<p>text</p>" * 50
        + '<footer><a rel="license" href="https://creativecommons.org/licenses/by-nc-sa/4.0/">Licence</a>'
        + "</footer></body></html>"
    )
    assert license_from_html(html) == "CC-BY-NC-SA-4.0"


def test_licence_from_a_footer_statement_not_from_an_embedded_photo() -> None:
    photo = '<p><img src="x.jpg"> <a href="https://creativecommons.org/licenses/by/2.0/">cc-by</a></p>'
    footer = "<footer>Alle Inhalte stehen unter CC BY-NC-ND 3.0 DE.</footer>"
    assert license_from_html("<html><body>" + photo + "<p>text</p>" * 40 + footer + "</body></html>") == (
        "CC-BY-NC-ND-3.0-DE"
    )
    assert license_from_html("<html><body>" + photo + "<p>text</p>" * 40 + "</body></html>") is None


def test_licences_of_scripts_and_stylesheets_are_not_the_page_licence() -> None:
    html = (
        "<html><body>"
        + "<p>text</p>" * 40
        + "<!-- KNACSS, Licence CC-BY http://creativecommons.org/licenses/by/3.0/ -->"
        "<script>/* License: http://creativecommons.org/licenses/by/2.5/ */</script></body></html>"
    )
    assert license_from_html(html) is None


def _page(body: str, footer: str = "") -> str:
    return "<html><body>" + body + "<p>Some running text of the story.</p>" * 40 + footer + "</body></html>"


def test_licence_rel_link_inside_an_image_caption_is_the_photo_licence() -> None:
    caption = (
        '<figure><img src="chart.png"><figcaption>A chart. <a rel="license" '
        'href="https://creativecommons.org/licenses/by-sa/2.0/">CC BY-SA 2.0</a></figcaption></figure>'
    )
    footer = '<footer>Texts here: <a href="https://creativecommons.org/licenses/by-nc-sa/4.0/">BY-NC-SA</a></footer>'
    assert license_from_html(_page(caption, footer)) == "CC-BY-NC-SA-4.0"
    assert license_from_html(_page(caption)) is None


def test_licence_the_last_notice_wins_over_a_gallery_of_licences() -> None:
    # A page explaining licences shows every badge; the notice about the site's own content comes last.
    gallery = "".join(
        f'<p><a href="https://creativecommons.org/licenses/{kind}/4.0/"><img src="{kind}.png"></a></p>'
        for kind in ("by-sa", "by-nc", "by-nd")
    )
    notice = (
        "<p>Unless otherwise noted, content on this site is "
        '<a href="https://creativecommons.org/licenses/by/4.0/">CC BY</a></p>'
    )
    page = "<html><body>" + gallery + "<p>text</p>" * 5 + notice + "</body></html>"
    assert license_from_html(page) == "CC-BY-4.0"


def test_licence_notice_in_the_first_half_counts_when_it_reads_as_one() -> None:
    notice = (
        '<div class="license">Licensed under '
        '<a href="https://creativecommons.org/licenses/by-nc-nd/4.0/legalcode">CC BY NC ND</a></div>'
    )
    badge = '<a href="https://creativecommons.org/licenses/by-sa/3.0/de/"><img src="badge.png" alt="cc"></a>'
    assert license_from_html(_page(notice)) == "CC-BY-NC-ND-4.0"
    assert license_from_html(_page(badge)) == "CC-BY-SA-3.0-DE"  # a licence badge: a link wrapping its image


def test_licence_photo_credit_is_not_the_page_licence() -> None:
    credit = '<p>Photo: J. Doe | <a href="https://creativecommons.org/licenses/by/2.0/">CC-BY</a></p>'
    assert license_from_html("<html><body>" + "<p>text</p>" * 40 + credit + "</body></html>") is None


def test_licence_versionless_footer_takes_the_version_of_a_link_on_the_page() -> None:
    footer = "<footer>This site is published under Creative Commons BY-SA.</footer>"
    link = '<p>See <a href="https://creativecommons.org/licenses/by-sa/3.0/">the terms</a>.</p>'
    assert license_from_html(_page("", link + footer)) == "CC-BY-SA-3.0"
    assert license_from_html(_page("", footer)) == "CC-BY-SA-4.0"


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("Joshua Sokol May 20, 2019", "Joshua Sokol"),
        ("Ben Silverman Games Editor", "Ben Silverman"),
        ("Par Sébastien Farcis", "Sébastien Farcis"),
        ("May Smith", "May Smith"),
        ("Published 5:12 P.M. ET Nov. 3", None),
    ],
)
def test_clean_author(given: str, name: str | None) -> None:
    assert clean_author(given) == name


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("West Ham wins again | Aktuálně.cz", "Aktuálně.cz - Víte, co se právě děje", "West Ham wins again"),
        ("BBC News - Obama admits frustration", "BBC News", "Obama admits frustration"),
        ("Apple - the new iPhone review", "Samsung", "Apple - the new iPhone review"),
        ("Xbox One X review:  A console that keeps up", None, "Xbox One X review: A console that keeps up"),
        ("  ", "Site", None),
        # The site name guessed as the title's first part: the longer side is the headline, not the branding.
        (
            "Why the harbour ferry fares rose again this winter | Quayside",
            "Why the harbour ferry fares rose again this winter",
            "Why the harbour ferry fares rose again this winter",
        ),
    ],
)
def test_clean_title(title: str, site: str | None, expected: str | None) -> None:
    assert clean_title(title, site) == expected


def test_title_in_metadata_drops_the_site_name_hint() -> None:
    meta = extract_metadata(
        "Body text here.", title="Floods hit Nairobi | Savanna Times", hints={"site_name": "Savanna Times"}
    )
    assert meta.title == "Floods hit Nairobi"


@pytest.mark.parametrize(
    ("paragraph", "place", "agency"),
    [
        ("ROME, March 13, Reuter - Italy's treasury said", "Rome", "Reuter"),
        ("GRONINGEN, the Netherlands, March 31 - Gasunie said", "Groningen", None),
        ("SALVADOR, Feb 26 - Showers continued", "Salvador", None),
        ("LONDON (Reuters) - Shares fell", "London", "Reuters"),
    ],
)
def test_wire_datelines(paragraph: str, place: str, agency: str | None) -> None:
    found = parse_dateline(paragraph)
    assert found is not None
    dateline, rest = found
    assert (dateline.place, dateline.agency) == (place, agency)
    assert not rest.startswith(dateline.raw)
