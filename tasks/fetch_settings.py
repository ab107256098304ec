"""How remote sources are fetched: one frozen value carried by every remote input, so batch tasks on any
worker fetch with the run's settings (allowed hosts, politeness, caps, ledger) without global state."""

from __future__ import annotations

from dataclasses import dataclass, field

from tasks.storage import Dest
from tasks.storage_options import S3Options

DEFAULT_USER_AGENT = "newsetl/0.1 (+https://github.com/newsetl/newsetl; batch news ETL)"


@dataclass(frozen=True)
class FetchSettings:
    allow_hosts: tuple[str, ...] = ()  # exempt from the private-address refusal (plus NEWSETL_ALLOW_HOSTS)
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # per read of the socket
    total_timeout: float = 300.0  # for a whole response body
    retries: int = 3  # extra attempts after a transient failure (connection error, timeout, 429, 5xx)
    backoff_seconds: float = 1.0  # doubled after each attempt; Retry-After wins when longer
    max_retry_after: float = 120.0  # a server asking to wait longer than this fails the item instead
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0  # seconds between request starts to one host (robots Crawl-delay wins if longer)
    max_bytes: int = 20_000_000  # bytes on the wire
    max_decompressed_bytes: int = 20_000_000  # bytes after Content-Encoding is undone (gzip bombs)
    max_redirects: int = 5
    respect_robots: bool = True
    full_refresh: bool = False  # ignore the fetch ledger: fetch everything again
    ledger: Dest | None = None  # the dataset whose fetch ledger records what was fetched
    max_feed_items: int = 100_000  # URLs taken from one feed, sitemap (tree) or URL list
    s3: S3Options = field(default_factory=S3Options)  # how s3:// SOURCEs are reached (the DEST's settings)

    def relaxed(self) -> FetchSettings:
        """No delay between requests: for benchmarks and local servers."""
        from dataclasses import replace

        return replace(self, per_host_delay=0.0, per_host_concurrency=64)


@dataclass(frozen=True)
class RemoteSpec:
    """What a batch needs to fetch one remote input: settings, hints from the feed, and the ledger's validators."""

    settings: FetchSettings
    hints: tuple[tuple[str, str], ...] = ()  # feed or sitemap fields: title, published_at, authors, publisher, ...
    etag: str | None = None  # from the fetch ledger: sent as If-None-Match
    last_modified: str | None = None  # from the fetch ledger: sent as If-Modified-Since
    content_sha256: str | None = None  # from the fetch ledger: unchanged bytes are not ingested again
    prefetched: bytes | None = None  # a SOURCE page fetched during discovery (to detect its kind): not refetched
    prefetched_headers: tuple[tuple[str, str], ...] = ()
    failure: tuple[str, str] | None = None  # (reason, detail) when discovery could not fetch it
    object_root: Dest | None = None  # for an object below an s3:// SOURCE: the prefix it was listed from
