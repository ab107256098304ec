"""`page_title` (schema v4): the title as a reader view shows it, beside the branding-free `title` headline.

All pages are invented; expected values are written from reading them (the rule: tasks/html_reader_title.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from lxml.html import document_fromstring

from schemas import ARTICLES, SCHEMA_VERSION
from tasks.article import build_article
from tasks.html_reader_title import reader_title
from tasks.read import RawItem
from tasks.schema_evolution import incompatibilities

BODY = "".join(
    f"<p>The harbour authority said on Tuesday that the north quay would reopen in spring, paragraph {n}.</p>"
    for n in range(6)
)


def _title(head: str, body: str = "") -> str | None:
    return reader_title(document_fromstring(f"<html><head>{head}</head><body>{body}<p>x</p></body></html>"))


def test_a_stated_og_title_is_kept_as_written_branding_and_all() -> None:
    head = (
        '<meta property="og:site_name" content="Coast Daily">'
        '<meta property="og:title" content="Harbour reopens after storm - Coast Daily">'
        "<title>Harbour reopens | News | Coast Daily</title>"
    )
    assert _title(head) == "Harbour reopens after storm - Coast Daily"


def test_dc_title_outranks_og_title_and_the_last_tag_of_a_kind_wins() -> None:
    head = (
        '<meta property="og:title" content="First og title">'
        '<meta name="DC.title" content="Dublin Core title">'
        '<meta property="og:title" content="Second og title">'
    )
    assert _title(head) == "Dublin Core title"
    assert _title(head.replace("DC.title", "keywords")) == "Second og title"


def test_json_ld_name_unless_only_the_headline_resembles_the_title_element() -> None:
    ld = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
        '"name": "Coast Daily", "headline": "Pier rebuilt with council money"}</script>'
    )
    assert _title(ld + "<title>Pier rebuilt with council money - Coast Daily</title>") == (
        "Pier rebuilt with council money"
    )
    # Neither resembles the <title>: the name, as Readability takes it.
    assert _title(ld + "<title>Something else entirely</title>") == "Coast Daily"
    not_schema_org = ld.replace("https://schema.org", "https://example.test/vocab")
    assert _title(not_schema_org + '<meta property="og:title" content="From og">') == "From og"


def test_title_element_is_cut_at_its_last_separator() -> None:
    assert _title("<title>Ferry fares rise again - Local - Coast Daily</title>") == "Ferry fares rise again - Local"
    # Too short before the last separator: the first part goes instead ...
    assert _title("<title>Coast Daily | Ferry fares rise again in May</title>") == "Ferry fares rise again in May"
    # ... unless that leaves 4 words or fewer: then the title as written.
    assert _title("<title>Coast Daily | Ferry fares rise</title>") == "Coast Daily | Ferry fares rise"


def test_title_element_colon_rule_and_short_title_fallbacks() -> None:
    # The whole title is a heading on the page: kept.
    assert _title(
        "<title>Weather: storm warning for the coast</title>", "<h2>Weather: storm warning for the coast</h2>"
    ) == ("Weather: storm warning for the coast")
    # Not a heading: the part after the last colon.
    assert _title("<title>Weather: storm warning for the coast</title>") == "storm warning for the coast"
    # A very short title and exactly one <h1>: the heading.
    assert _title("<title>News</title>", "<h1>Storm closes the coast road</h1>") == "Storm closes the coast road"
    assert _title("<meta name='keywords' content='x'>") is None


def test_entities_left_in_attribute_text_are_decoded_once_more() -> None:
    assert _title('<meta property="og:title" content="Fish &amp;amp; chips &amp;#8211; a history">') == (
        "Fish & chips \u2013 a history"
    )


def _page_row(head: str) -> dict[str, object]:
    html = f"<html><head>{head}</head><body><article>{BODY}</article></body></html>"
    item = RawItem("https://coastdaily.test/harbour", "html", html.encode(), datetime(2026, 3, 1, tzinfo=UTC))
    row = build_article(item, "run-1", strict_encoding=True)
    assert isinstance(row, dict), row
    return row


def test_rows_carry_both_the_headline_and_the_page_title() -> None:
    row = _page_row(
        '<meta property="og:site_name" content="Coast Daily">'
        '<meta property="og:title" content="Harbour reopens after storm - Coast Daily">'
    )
    assert row["title"] == "Harbour reopens after storm"
    assert row["page_title"] == "Harbour reopens after storm - Coast Daily"


def test_text_items_give_the_title_as_written() -> None:
    raw = b"Title: Harbour  reopens | Coast Daily\nPublisher: Coast Daily\n\n" + b"The quay reopened on Tuesday. " * 8
    row = build_article(RawItem("file:///in/a.txt", "text", raw, datetime(2026, 3, 1, tzinfo=UTC)), "r", True)
    assert isinstance(row, dict)
    assert row["page_title"] == "Harbour reopens | Coast Daily"
    assert row["title"] == "Harbour reopens"


def test_schema_v4_adds_page_title_and_v3_files_read_with_nulls(tmp_path: Path) -> None:
    assert SCHEMA_VERSION >= 4
    field = ARTICLES.field("page_title")
    assert field.nullable and (field.metadata or {}).get(b"description")
    v3 = pa.schema([f for f in ARTICLES if f.name != "page_title"])
    assert incompatibilities(v3, ARTICLES) == []
    new = _page_row('<meta property="og:title" content="Harbour reopens after storm - Coast Daily">')
    old = {k: v for k, v in new.items() if k in v3.names} | {"article_id": "old"}
    pq.write_table(pa.Table.from_pylist([old], schema=v3), tmp_path / "v3.parquet")
    pq.write_table(pa.Table.from_pylist([new], schema=ARTICLES), tmp_path / "v4.parquet")
    rows = duckdb.execute(
        f"SELECT article_id = 'old' AS is_old, page_title FROM read_parquet('{tmp_path}/*.parquet', "
        "union_by_name=true) ORDER BY is_old"
    ).fetchall()
    assert rows == [(False, "Harbour reopens after storm - Coast Daily"), (True, None)]


@pytest.mark.parametrize("head", ["", "<title></title>", "<title>   </title>"])
def test_no_title_anywhere_is_none(head: str) -> None:
    assert _title(head) is None
