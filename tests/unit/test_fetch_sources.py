"""Feeds, sitemaps, WARC files, URL lists, the sources file and robots.txt, without the network."""

from __future__ import annotations

import gzip
import io
import json
from datetime import datetime
from pathlib import Path

import pytest

from tasks.article import parse_timestamp
from tasks.errors import ConfigError, Reject
from tasks.feeds import NotXML, feed_entries, parse_xml, root_kind
from tasks.fetch_read import read_warc_file
from tasks.read import RawItem
from tasks.remote_sources import split_kind
from tasks.robots import parse_robots
from tasks.sitemaps import TooLarge, maybe_gunzip, sitemap_entries
from tasks.sources_file import read_sources_file
from tasks.warc import WarcProblem, WarcResponse, read_warc

RSS_PARSER_FEEDS = ["guardian.rss", "heise.atom", "encoding.rss", "uolNoticias.rss", "customfields.rss",
                    "feedburner.atom", "rss-1.rss", "content-encoded.rss"]  # fmt: skip


def _expected(corpora: Path, feed: str) -> list[dict[str, object]]:
    data = (
        corpora / "rss_atom_feeds" / "rss-parser" / "expected_output" / (feed.rsplit(".", 1)[0] + ".json")
    ).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # encoding.json is itself latin-1 (see the corpus README)
    items: list[dict[str, object]] = json.loads(text)["feed"]["items"]
    return items


@pytest.mark.parametrize("feed", RSS_PARSER_FEEDS)
def test_feed_entries_match_rss_parser(corpora: Path, feed: str) -> None:
    root = parse_xml((corpora / "rss_atom_feeds" / "rss-parser" / "input" / feed).read_bytes())
    assert root_kind(root) == "feed"
    entries = feed_entries(root)
    expected = [item for item in _expected(corpora, feed) if item.get("link")]
    assert [e.url for e in entries] == [str(item["link"]).strip() for item in expected]
    for entry, item in zip(entries, expected, strict=True):
        hints = dict(entry.hints)
        if item.get("title") and "\ufffd" not in str(item["title"]):  # rss-parser misread uolNoticias' latin-1
            assert hints["title"] == " ".join(str(item["title"]).split())
        iso = item.get("isoDate")
        if iso and "published_at" in hints:
            assert parse_timestamp(hints["published_at"]) == parse_timestamp(str(iso))


def test_feed_authors_and_publisher(corpora: Path) -> None:
    guardian = feed_entries(parse_xml((corpora / "rss_atom_feeds/rss-parser/input/guardian.rss").read_bytes()))
    first = dict(guardian[0].hints)
    assert first["authors"] == "David Smith in Washington" and "Guardian" in first["publisher"]
    assert "Donald Trump" in first["categories"] and "language" not in first
    giornale = feed_entries(parse_xml((corpora / "rss_atom_feeds/feed-rs/rss_2.0_ilgiornale.xml").read_bytes()))
    assert dict(giornale[0].hints)["authors"] == "Angela Leucci"  # from `email (Name)`


def test_entities_are_not_expanded() -> None:
    laughs = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">
    <!ENTITY c SYSTEM "file:///etc/passwd">]>
    <rss><channel><title>&b;&c;</title><item><link>https://x.test/1</link><title>&b;</title></item></channel></rss>"""
    entries = feed_entries(parse_xml(laughs))
    assert [e.url for e in entries] == ["https://x.test/1"]
    assert "aaaa" not in json.dumps(entries[0].hints) and "root:" not in json.dumps(entries[0].hints)


def test_not_xml_is_reported() -> None:
    with pytest.raises(NotXML):
        parse_xml(b"\x00\x01 not xml at all")


def test_sitemaps_news_sitemaps_and_indexes() -> None:
    news = b"""<?xml version="1.0" encoding="UTF-8"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>https://x.test/a</loc><lastmod>2024-05-01</lastmod>
        <news:news><news:publication><news:name>The Test Times</news:name><news:language>en</news:language>
        </news:publication><news:publication_date>2024-05-01T10:00:00+02:00</news:publication_date>
        <news:title>Council votes</news:title></news:news></url>
      <url><loc>https://x.test/b</loc></url><url><loc>https://x.test/a</loc></url>
    </urlset>"""
    sitemap = sitemap_entries(parse_xml(news))
    assert [p.url for p in sitemap.pages] == ["https://x.test/a", "https://x.test/b"]
    hints = dict(sitemap.pages[0].hints)
    assert hints["title"] == "Council votes" and hints["publisher"] == "The Test Times"
    assert parse_timestamp(hints["published_at"]) == parse_timestamp("2024-05-01T08:00:00Z")
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://x.test/s1.xml.gz</loc></sitemap><sitemap><loc>https://x.test/s2.xml</loc></sitemap></sitemapindex>"""
    assert sitemap_entries(parse_xml(index)).children == ["https://x.test/s1.xml.gz", "https://x.test/s2.xml"]
    assert maybe_gunzip(gzip.compress(news), 10_000) == news
    with pytest.raises(TooLarge):
        maybe_gunzip(gzip.compress(b"\0" * 1_000_000), 10_000)


def _warc_record(kind: str, uri: str, block: bytes, date: str = "2024-03-01T12:00:00Z") -> bytes:
    content_type = "application/http; msgtype=response" if kind == "response" else "application/warc-fields"
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n"
        f"WARC-Record-ID: <urn:uuid:{abs(hash(uri + kind)):032x}>\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def _http(status: str, content_type: str, body: bytes, extra: str = "") -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{extra}\r\n".encode() + body


PAGE = (
    b"<html><head><title>T</title></head><body><article><p>"
    + b"Words of an article. " * 30
    + b"</p></article></body></html>"
)


def _warc(path: Path, compress: bool) -> Path:
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(PAGE), PAGE)
    te, ce = "Transfer-Encoding: chunked\r\n", "Content-Encoding: gzip\r\n"
    records = [
        _warc_record("warcinfo", "", b"software: test\r\n"),
        _warc_record("request", "https://x.test/a", b"GET /a HTTP/1.1\r\n\r\n"),
        _warc_record("response", "https://x.test/a", _http("200 OK", "text/html; charset=utf-8", PAGE)),
        _warc_record("response", "https://x.test/b", _http("200 OK", "text/html", chunked, te)),
        _warc_record("response", "https://x.test/c", _http("200 OK", "text/html", gzip.compress(PAGE), ce)),
        _warc_record("response", "https://x.test/logo.png", _http("200 OK", "image/png", b"\x89PNG")),
        _warc_record("response", "https://x.test/gone", _http("404 Not Found", "text/html", b"gone")),
    ]  # fmt: skip
    if compress:
        path.write_bytes(b"".join(gzip.compress(r) for r in records))  # one gzip member per record, as CC does
    else:
        path.write_bytes(b"".join(records))
    return path


@pytest.mark.parametrize("compress", [False, True])
def test_warc_response_records_become_items(tmp_path: Path, compress: bool) -> None:
    from tasks.discover import discover

    path = _warc(tmp_path / ("news.warc.gz" if compress else "news.warc"), compress)
    found = discover([str(tmp_path)])
    assert [(f.format, f.compressed) for f in found.files] == [("warc", compress)]
    items = list(read_warc_file(found.files[0], 1_000_000))
    pages = [i for i in items if isinstance(i, RawItem)]
    rejects = {r.source_uri: r.reason for r in items if isinstance(r, Reject)}
    assert [p.source_uri for p in pages] == ["https://x.test/a", "https://x.test/b", "https://x.test/c"]
    assert all(p.raw == PAGE and p.format == "html" for p in pages)
    assert pages[0].fetched_at == datetime.fromisoformat("2024-03-01T12:00:00+00:00")
    assert pages[0].fields["warc_file"] == path.name
    assert rejects == {"https://x.test/logo.png": "not_html", "https://x.test/gone": "http_404"}


def test_a_truncated_warc_yields_a_reject_not_an_error() -> None:
    record = _warc_record("response", "https://x.test/a", _http("200 OK", "text/html", PAGE))
    records = list(read_warc(io.BufferedReader(io.BytesIO(record[:-200])), 1_000_000))  # type: ignore[arg-type]
    assert len(records) == 1 and isinstance(records[0], WarcProblem) and records[0].reason == "truncated"
    whole = list(read_warc(io.BufferedReader(io.BytesIO(record)), 100))  # type: ignore[arg-type]
    assert isinstance(whole[0], WarcProblem) and whole[0].reason == "too_large"
    assert not any(isinstance(r, WarcResponse) for r in whole)


def test_sources_file(tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text(
        'sources = ["https://x.test/rss"]\n'
        '[[source]]\nlocation = "https://x.test/sitemap.xml"\nkind = "sitemap"\n'
        '[[source]]\nlocation = "crawl/*.warc.gz"\n'
    )
    assert read_sources_file(str(tmp_path / "sources.toml")) == [
        "https://x.test/rss",
        "sitemap:https://x.test/sitemap.xml",
        str(tmp_path / "crawl/*.warc.gz"),
    ]
    assert split_kind("sitemap:https://x.test/sitemap.xml") == ("sitemap", "https://x.test/sitemap.xml")
    assert split_kind("https://x.test/a") == ("auto", "https://x.test/a")
    for bad, message in [
        ('[[source]]\nkind = "feed"\n', "needs a `location`"),
        ('[[source]]\nlocation = "x"\nkind = "podcast"\n', "kind 'podcast'"),
        ("sources = [\n", "not valid TOML"),
        ("[fetch]\n", "unknown keys"),
    ]:
        (tmp_path / "bad.toml").write_text(bad)
        with pytest.raises(ConfigError, match=message):
            read_sources_file(str(tmp_path / "bad.toml"))
    with pytest.raises(ConfigError, match="check the path"):
        read_sources_file(str(tmp_path / "missing.toml"))


def test_robots_rules() -> None:
    rules = parse_robots("User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n", "https://x.test/robots.txt")
    assert rules.can_fetch("newsetl", "https://x.test/news/1") and not rules.can_fetch(
        "newsetl", "https://x.test/private/a"
    )
    assert rules.crawl_delay("newsetl") == 2


def test_cli_options_reach_the_config_and_sources_are_checked_without_fetching(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.cli import build_parser
    from flows.cli_fetch import check_sources, fetch_config
    from tasks.config import load_config
    from tasks.url_safety import ALLOW_HOSTS_ENV

    monkeypatch.delenv(ALLOW_HOSTS_ENV, raising=False)
    args = build_parser().parse_args(
        ["run", "https://x.test/rss", "page:https://x.test/a", "--kind", "feed", "--allow-host", "10.0.0.5",
         "--allow-host", "intranet.test", "--full-refresh", "--per-host-delay", "0.5"]
    )  # fmt: skip
    values = fetch_config(args)
    config = load_config(**values)
    assert config.sources == ["feed:https://x.test/rss", "page:https://x.test/a"]
    settings = config.fetch_settings()
    assert settings.allow_hosts == ("10.0.0.5", "intranet.test") and settings.full_refresh
    assert settings.per_host_delay == 0.5 and settings.ledger is not None
    check_sources(load_config(sources=["http://10.0.0.5/feed"], fetch={"allow_hosts": ["10.0.0.5"]}))
    with pytest.raises(ConfigError, match="private"):
        check_sources(load_config(sources=["http://10.0.0.6/feed"], fetch={"allow_hosts": ["10.0.0.5"]}))
    with pytest.raises(ConfigError, match="a list of URLs must be a file"):
        check_sources(load_config(sources=[f"urls:{tmp_path}/missing.txt"]))
    with pytest.raises(ConfigError, match="invalid configuration"):
        load_config(fetch={"per_host_delay": -1})
