"""`newsetl run URL` end to end: a real feed from the corpora, served on 127.0.0.1 with its links rewritten to
real pages and to faults, through the Prefect flow into articles and rejects; then an incremental rerun."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fetch_server import BOMB, Served, fetch_server, rewrite_feed

from flows.cli import EXIT_CONFIG, EXIT_OK, main
from tasks.fetch_ledger import LEDGER_PATH
from tasks.url_safety import ALLOW_HOSTS_ENV

REAL_PAGES = 12
FAULTS = {
    "/fault/404": "http_404",
    "/fault/pdf": "not_html",
    "/fault/to-metadata": "refused_host",
    "/private/secret.html": "robots",
    "/fault/loop-a": "redirect_loop",
    "/fault/bomb": "too_large",
}


@pytest.fixture(scope="module")
def site(corpora: Path) -> Iterator[tuple[str, Served]]:
    with fetch_server(corpora) as (base, served):
        names = sorted(served.pages)
        links = [f"{base}/pages/{name}.html" for name in names[:REAL_PAGES]]
        links += [f"{base}/fault/flaky-500/{names[REAL_PAGES]}", f"{base}/fault/429/{names[REAL_PAGES + 1]}"]
        links += [base + path for path in FAULTS]
        feed = (corpora / "rss_atom_feeds" / "rss-parser" / "input" / "guardian.rss").read_bytes()
        served.documents["/news/feed.xml"] = ("application/rss+xml", rewrite_feed(feed, links))
        yield base, served


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(["run", *args, "--json", "--per-host-delay", "0"])
    out = capsys.readouterr().out
    assert code == EXIT_OK, out
    summary: dict[str, Any] = json.loads(out[out.index("{") :])
    return summary


def test_feed_to_articles_and_rejects_then_an_incremental_rerun(
    site: tuple[str, Served], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, served = site
    monkeypatch.delenv(ALLOW_HOSTS_ENV, raising=False)
    dest = tmp_path / "out"
    feed_url = f"{base}/news/feed.xml"

    first = _run(capsys, feed_url, "--allow-host", "127.0.0.1", "--dest", str(dest))["counts"]
    assert first["items_in"] == REAL_PAGES + 2 + len(FAULTS)
    rows = duckdb.sql(f"SELECT source_uri, url, title FROM read_parquet('{dest}/articles/**/*.parquet')").fetchall()
    fetched = {uri for uri, _, _ in rows}
    no_text = first["rejects_by_reason"].get("no_text", 0)
    assert len(fetched) + no_text == REAL_PAGES + 2 and len(fetched) >= REAL_PAGES
    assert all(uri.startswith(base) for uri in fetched) and all(title for _, _, title in rows)
    rejects = dict(duckdb.sql(f"SELECT source_uri, reason FROM read_parquet('{dest}/rejects/**/*.parquet')").fetchall())
    for path, reason in FAULTS.items():
        assert rejects[base + path] == reason
    assert served.hits[f"/fault/flaky-500/{sorted(served.pages)[REAL_PAGES]}"] == 2  # retried once, then ingested
    assert (dest / LEDGER_PATH).exists() is False  # the ledger is folded from committed runs, at the next run

    served.requests.clear()
    sent_before = served.body_bytes_sent
    again = _run(capsys, feed_url, "--allow-host", "127.0.0.1", "--dest", str(dest))["counts"]
    rerun_bytes = served.body_bytes_sent - sent_before
    page_requests = [headers for path, headers in served.requests if path.startswith("/pages/")]
    assert len(page_requests) == REAL_PAGES and all("if-none-match" in h for h in page_requests)
    assert again["articles_written"] == 0 and again["items_in"] == len(FAULTS)  # unchanged pages: 304, no item
    assert dict(served.requests)["/news/feed.xml"].get("if-none-match")  # the feed itself: 304, from our copy
    assert rerun_bytes < len(BOMB) + 5_000  # only the failed items again (the bomb's 30 KB), no feed, no pages
    assert (dest / LEDGER_PATH).exists()
    ledger = duckdb.sql(f"SELECT url, etag, content_sha256 FROM read_parquet('{dest / LEDGER_PATH}')").fetchall()
    assert {url for url, _, _ in ledger} >= fetched and all(etag and sha for _, etag, sha in ledger)

    served.requests.clear()
    full = _run(capsys, feed_url, "--allow-host", "127.0.0.1", "--dest", str(dest), "--full-refresh")["counts"]
    assert not any("if-none-match" in h for p, h in served.requests if p.startswith("/pages/"))
    assert full["articles_written"] == 0 and full["already_ingested"] == len(fetched)


def test_url_list_and_page_sources_and_refusals(
    site: tuple[str, Served], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, served = site
    monkeypatch.delenv(ALLOW_HOSTS_ENV, raising=False)
    names = sorted(served.pages)
    url_list = tmp_path / "today.urls"
    url_list.write_text(f"# picked by hand\n{base}/pages/{names[20]}.html\nnot a url\n{base}/fault/404\n")
    # Without --allow-host the loopback server is refused before anything is read or written.
    assert main(["run", f"{base}/pages/{names[21]}.html", "--dest", str(tmp_path / "x")]) == EXIT_CONFIG
    assert "--allow-host 127.0.0.1" in capsys.readouterr().err and not (tmp_path / "x").exists()

    monkeypatch.setenv(ALLOW_HOSTS_ENV, "127.0.0.1")
    dest = tmp_path / "out"
    counts = _run(capsys, str(url_list), f"{base}/pages/{names[21]}.html", "--dest", str(dest))["counts"]
    assert counts["items_in"] == 4 and counts["articles_written"] == 2
    reasons = sorted(
        r for (r,) in duckdb.sql(f"SELECT reason FROM read_parquet('{dest}/rejects/**/*.parquet')").fetchall()
    )
    assert reasons == ["bad_url", "http_404"]


def _warc_response(uri: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> bytes:
    block = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n".encode() + body
    head = (
        f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-03-01T12:00:00Z\r\n"
        f"Content-Type: application/http;msgtype=response\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    return gzip.compress(head + block + b"\r\n\r\n")


def test_sources_file_with_a_sitemap_index_and_a_warc_archive(
    site: tuple[str, Served], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, served = site
    monkeypatch.setenv(ALLOW_HOSTS_ENV, "127.0.0.1")
    names = sorted(served.pages)
    news = "".join(
        f"<url><loc>{base}/pages/{name}.html</loc><news:news><news:publication><news:name>Local Wire</news:name>"
        f"</news:publication><news:publication_date>2021-0{i + 1}-02T03:04:05Z</news:publication_date>"
        "</news:news></url>"
        for i, name in enumerate(names[22:25])
    )
    urlset = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{news}</urlset>'
    )
    served.documents["/sitemaps/news.xml.gz"] = ("application/x-gzip", gzip.compress(urlset.encode()))
    served.documents["/sitemap_index.xml"] = (
        "application/xml",
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + f"<sitemap><loc>{base}/sitemaps/news.xml.gz</loc></sitemap>"
        f"<sitemap><loc>{base}/sitemaps/missing.xml</loc></sitemap></sitemapindex>".encode(),
    )
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "cc-news.warc.gz").write_bytes(
        _warc_response("https://archived.test/a", served.pages[names[25]])
        + _warc_response("https://archived.test/b", served.pages[names[26]])
        + _warc_response("https://archived.test/feed.json", b"{}", "application/json")
    )
    (tmp_path / "sources.toml").write_text(
        f'[[source]]\nlocation = "{base}/sitemap_index.xml"\n\n'
        '[[source]]\nlocation = "crawl/*.warc.gz"\nkind = "warc"\n'
    )
    dest = tmp_path / "out"
    counts = _run(capsys, "--sources-file", str(tmp_path / "sources.toml"), "--dest", str(dest))["counts"]
    assert counts["items_in"] == 3 + 1 + 3
    assert counts["rejects_by_reason"] == {"http_404": 1, "not_html": 1}
    rows = duckdb.sql(
        f"SELECT source_uri, publisher, published_at FROM read_parquet('{dest}/articles/**/*.parquet') ORDER BY 1"
    ).fetchall()
    assert [uri for uri, _, _ in rows if "archived" in uri] == ["https://archived.test/a", "https://archived.test/b"]
    from_sitemap = [(publisher, when) for uri, publisher, when in rows if uri.startswith(base)]
    assert len(from_sitemap) == 3 and all(publisher == "Local Wire" for publisher, _ in from_sitemap)
    assert sorted(when.month for _, when in from_sitemap) == [1, 2, 3]
