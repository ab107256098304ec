"""The polite client and the address checks, against a real HTTP server on 127.0.0.1 with fault injection."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fetch_server import LAST_MODIFIED, Served, fetch_server

from tasks.fetch_settings import FetchSettings
from tasks.http_fetch import Fetcher, FetchFailed
from tasks.url_safety import ALLOW_HOSTS_ENV, RefusedURL, allowed_hosts, check_url

FAST = FetchSettings(
    allow_hosts=("127.0.0.1",), read_timeout=0.5, connect_timeout=1.0, retries=2, backoff_seconds=0.05, per_host_delay=0
)


@pytest.fixture(scope="module")
def server(corpora: Path) -> Iterator[tuple[str, Served]]:
    with fetch_server(corpora) as running:
        yield running


def _failure(fetcher: Fetcher, url: str) -> FetchFailed:
    with pytest.raises(FetchFailed) as caught:
        fetcher.get(url)
    return caught.value


def test_a_page_is_fetched_decompressed_with_validators_and_user_agent(server: tuple[str, Served]) -> None:
    base, served = server
    name = next(iter(served.pages))
    response = Fetcher(FAST).get(f"{base}/pages/{name}.html")
    assert response.status == 200 and response.body == served.pages[name]
    assert response.headers["content-encoding"] == "gzip" and response.wire_bytes < len(served.pages[name])
    assert response.headers["last-modified"] == LAST_MODIFIED and response.headers["etag"]
    sent = dict(served.requests)[f"/pages/{name}.html"]
    assert sent["user-agent"] == FAST.user_agent


def test_conditional_get_answers_not_modified(server: tuple[str, Served]) -> None:
    base, served = server
    url = f"{base}/pages/{sorted(served.pages)[1]}.html"
    first = Fetcher(FAST).get(url)
    again = Fetcher(FAST).get(url, etag=first.headers["etag"])
    assert again.status == 304 and again.body == b""
    by_date = Fetcher(FAST).get(url, last_modified=first.headers["last-modified"])
    assert by_date.status == 304


def test_500_then_success_and_429_with_retry_after_are_retried(server: tuple[str, Served]) -> None:
    base, served = server
    name = sorted(served.pages)[2]
    assert Fetcher(FAST).get(f"{base}/fault/flaky-500/{name}").body == served.pages[name]
    assert served.hits[f"/fault/flaky-500/{name}"] == 2
    started = time.monotonic()
    assert Fetcher(FAST).get(f"{base}/fault/429/{name}").body == served.pages[name]
    assert time.monotonic() - started >= 0.95  # waited the Retry-After second, not the 0.05 s backoff


def test_persistent_5xx_fails_after_the_retries(server: tuple[str, Served]) -> None:
    base, served = server
    failure = _failure(Fetcher(FAST), f"{base}/fault/always-500")
    assert failure.reason == "http_503" and served.hits["/fault/always-500"] == FAST.retries + 1


def test_a_response_slower_than_the_read_timeout_is_a_timeout(server: tuple[str, Served]) -> None:
    base, _ = server
    settings = FetchSettings(allow_hosts=("127.0.0.1",), read_timeout=0.3, retries=0, per_host_delay=0)
    started = time.monotonic()
    assert _failure(Fetcher(settings), f"{base}/fault/slow").reason == "timeout"
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/fault/truncated", "truncated"),
        ("/fault/loop-a", "redirect_loop"),
        ("/fault/to-metadata", "refused_host"),
        ("/fault/404", "http_404"),
        ("/fault/bomb", "too_large"),
        ("/private/page.html", "robots"),
    ],
)
def test_faults_fail_with_their_reason(server: tuple[str, Served], path: str, reason: str) -> None:
    base, _ = server
    failure = _failure(Fetcher(FAST), base + path)
    assert failure.reason == reason, failure.detail


def test_the_gzip_bomb_is_stopped_at_the_cap_not_inflated(server: tuple[str, Served]) -> None:
    base, _ = server
    settings = FetchSettings(allow_hosts=("127.0.0.1",), max_decompressed_bytes=1_000_000, per_host_delay=0)
    failure = _failure(Fetcher(settings), f"{base}/fault/bomb")
    assert failure.reason == "too_large" and "after decompression" in failure.detail


def test_per_host_delay_spaces_requests(server: tuple[str, Served]) -> None:
    base, served = server
    fetcher = Fetcher(FetchSettings(allow_hosts=("127.0.0.1",), per_host_delay=0.3, respect_robots=False))
    started = time.monotonic()
    for name in sorted(served.pages)[:3]:
        fetcher.get(f"{base}/pages/{name}.html")
    assert time.monotonic() - started >= 0.6


def test_loopback_is_refused_unless_allowed(server: tuple[str, Served], monkeypatch: pytest.MonkeyPatch) -> None:
    base, _ = server
    monkeypatch.delenv(ALLOW_HOSTS_ENV, raising=False)
    failure = _failure(Fetcher(FetchSettings(per_host_delay=0)), f"{base}/pages/x.html")
    assert failure.reason == "refused_host" and "--allow-host 127.0.0.1" in failure.detail
    monkeypatch.setenv(ALLOW_HOSTS_ENV, "example.invalid, 127.0.0.1")
    assert Fetcher(FetchSettings(per_host_delay=0)).get(f"{base}/robots.txt", robots=False).status == 200


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://100.100.100.200/",
        "http://0.0.0.0/",
        "http://localhost/",
        "http://metadata.google.internal/",
        "file:///etc/passwd",
        "ftp://example.com/",
    ],
)
def test_internal_and_non_http_urls_are_refused(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_HOSTS_ENV, raising=False)
    with pytest.raises(RefusedURL):
        check_url(url, allowed_hosts())


def test_public_addresses_pass_without_dns() -> None:
    check_url("https://93.184.215.14/news", frozenset())
    check_url("http://[2606:4700::1111]/", frozenset())


def test_gzip_helper_matches_the_server_bomb() -> None:
    from fetch_server import BOMB

    assert len(BOMB) < 100_000 and len(gzip.decompress(BOMB)) == 30_000_000


def test_read_all_keeps_input_order_and_turns_failures_into_rejects(server: tuple[str, Served], tmp_path: Path) -> None:
    from tasks.discover import InputFile
    from tasks.errors import Reject
    from tasks.fetch_read import read_all
    from tasks.fetch_settings import RemoteSpec
    from tasks.read import RawItem

    base, served = server
    names = sorted(served.pages)[:6]
    local = tmp_path / "note.txt"
    local.write_text("A local note with enough words to be an item of its own.")
    spec = RemoteSpec(FAST)
    files = [InputFile(f"{base}/pages/{n}.html", "url", False, 1, remote=spec) for n in names[:3]]
    files += [InputFile(str(local), "text", False, local.stat().st_size)]
    files += [InputFile(f"{base}/fault/404", "url", False, 1, remote=spec)]
    files += [InputFile(f"{base}/pages/{n}.html", "url", False, 1, remote=spec) for n in names[3:]]
    items = list(read_all(files, 5_000_000, fetch_threads=3))
    assert [i.source_uri for i in items] == [f.uri for f in files]
    assert isinstance(items[4], Reject) and items[4].reason == "http_404"
    pages = [i for i in items if isinstance(i, RawItem) and i.format == "html"]
    assert [p.raw for p in pages] == [served.pages[n] for n in names]
    assert all(p.fields["content_sha256"] and p.fields["http_etag"] for p in pages)


def test_malformed_urls_and_bodies_are_failures_not_crashes(server: tuple[str, Served]) -> None:
    base, _ = server
    assert _failure(Fetcher(FAST), "http://[::1/broken").reason == "bad_url"
    assert _failure(Fetcher(FAST), f"{base}/fault/bad-gzip").reason == "bad_encoding"


def test_discovery_detects_kinds_resolves_relative_links_and_fetches_a_page_once(
    server: tuple[str, Served], tmp_path: Path
) -> None:
    from tasks.remote_sources import Expander

    base, served = server
    name = sorted(served.pages)[5]
    served.documents["/rel/feed.xml"] = (
        "application/xml",
        f"<rss><channel><title>T</title><item><link>../pages/{name}.html</link></item></channel></rss>".encode(),
    )
    served.documents["/rel/data.json"] = ("application/json", b'{"not": "a feed"}')
    served.documents["/rel/atom-not-sitemap.xml"] = ("application/xml", b"<feed xmlns='http://www.w3.org/2005/Atom'/>")
    expander = Expander(FAST)
    [page] = expander.expand("auto", f"{base}/rel/feed.xml")
    assert page.path == f"{base}/pages/{name}.html" and page.remote is not None and page.remote.prefetched is None
    before = served.hits.get(f"/pages/{name}.html", 0)
    [direct] = expander.expand("auto", f"{base}/pages/{name}.html")
    assert direct.remote is not None and direct.remote.prefetched == served.pages[name]
    assert served.hits[f"/pages/{name}.html"] == before + 1  # detection fetched it; the batch will not again
    [not_feed] = expander.expand("auto", f"{base}/rel/data.json")
    assert not_feed.remote is not None and not_feed.remote.failure is not None
    assert not_feed.remote.failure[0] == "malformed_xml"
    [wrong_kind] = expander.expand("sitemap", f"{base}/rel/atom-not-sitemap.xml")
    assert wrong_kind.remote is not None and wrong_kind.remote.failure is not None
    assert wrong_kind.remote.failure[0] == "not_feed"


@pytest.mark.parametrize(
    ("robots_status", "robots_body", "allowed"),
    [(404, None, True), (503, None, False), (200, b"User-agent: newsetl\nDisallow: /\n", False)],
)
def test_robots_txt_missing_unreachable_or_naming_us(
    corpora: Path, robots_status: int, robots_body: bytes | None, allowed: bool
) -> None:
    with fetch_server(corpora) as (base, served):
        if robots_body is None:
            served.statuses["/robots.txt"] = robots_status
        else:
            served.documents["/robots.txt"] = ("text/plain", robots_body)
        name = next(iter(served.pages))
        settings = FetchSettings(allow_hosts=("127.0.0.1",), retries=1, backoff_seconds=0.01, per_host_delay=0)
        fetcher = Fetcher(settings)
        if allowed:
            assert fetcher.get(f"{base}/pages/{name}.html").status == 200
        else:
            assert _failure(fetcher, f"{base}/pages/{name}.html").reason == "robots"
        assert served.paths().count("/robots.txt") == (2 if robots_status == 503 else 1)  # cached per host
        fetcher.robots.rules_for(f"{base}/other")
        assert served.paths().count("/robots.txt") == (2 if robots_status == 503 else 1)
