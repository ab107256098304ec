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
