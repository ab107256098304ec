"""A polite, defensive HTTP client for fetching pages, feeds and sitemaps.

Per-host concurrency limit and delay between request starts; connect and read timeouts; retries with
exponential backoff on connection errors, timeouts, 429 and 5xx, honouring Retry-After; a clear User-Agent;
a cap on bytes on the wire and on bytes after decompression (gzip bombs); conditional GET; redirects followed
by hand so every hop passes the address check and robots.txt. Built on httpx (already installed with Prefect):
separate connect/read timeouts, raw streaming for our own capped decompression, a thread-safe pooled client.
"""

from __future__ import annotations

import os
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpx

from tasks.fetch_settings import FetchSettings
from tasks.url_safety import ALLOW_HOSTS_ENV, RefusedURL, allowed_hosts, check_url, host_of

REDIRECTS = (301, 302, 303, 307, 308)
_ERROR_BODY_BYTES = 65_536  # what we keep of an error page, for the reject row


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int  # 200-299, or 304 (not modified, empty body)
    headers: dict[str, str]  # lower-case names
    body: bytes  # decompressed
    wire_bytes: int

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


class FetchFailed(Exception):
    """The URL could not be fetched; `reason` is the reject code (http_404, timeout, too_large, robots, ...)."""

    def __init__(self, reason: str, detail: str, body: bytes = b"", wire_bytes: int = 0) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail, self.body, self.wire_bytes = reason, detail, body, wire_bytes


class _Transient(FetchFailed):
    """Worth another attempt."""


@dataclass
class _HostGate:
    slots: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0

    @contextmanager
    def turn(self, delay: float) -> Iterator[None]:
        with self.slots:
            with self.lock:
                now = time.monotonic()
                wait = self.next_start - now
                self.next_start = max(now, self.next_start) + delay
            if wait > 0:
                time.sleep(wait)
            yield


# Per-host politeness is process-wide: batches fetching at once from one host share its gate.
_gates: dict[tuple[str, int], _HostGate] = {}
_gates_lock = threading.Lock()


def _gate(host: str, concurrency: int) -> _HostGate:
    with _gates_lock:
        return _gates.setdefault((host, concurrency), _HostGate(threading.Semaphore(concurrency)))


class Fetcher:
    """One pooled client per settings value; safe to share between threads."""

    def __init__(self, settings: FetchSettings) -> None:
        from tasks.robots import RobotsCache

        self.settings = settings
        self.allow = allowed_hosts(settings.allow_hosts)
        timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
        self.client = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)
        self.robots = RobotsCache(self)
        self.wire_bytes = 0  # downloaded by this fetcher, for the incremental-rerun numbers
        self._count_lock = threading.Lock()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None, robots: bool = True) -> Response:
        """GET `url` following redirects; raises FetchFailed with a reject reason (and nothing else)."""
        try:
            return self._get(url, etag, last_modified, robots)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError, UnicodeError) as exc:
            raise FetchFailed("bad_url", f"{url!r}: {type(exc).__name__} {exc}") from None

    def _get(self, url: str, etag: str | None, last_modified: str | None, robots: bool) -> Response:
        headers = {"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        visited: list[str] = []
        current = url
        while True:
            try:
                check_url(current, self.allow)
            except RefusedURL as exc:
                raise FetchFailed(exc.reason, exc.detail) from None
            delay = self.settings.per_host_delay
            if robots and self.settings.respect_robots:
                rules = self.robots.rules_for(current)
                if not rules.can_fetch(self.settings.user_agent, current):
                    raise FetchFailed("robots", f"robots.txt of {host_of(current)} disallows {current}")
                delay = max(delay, float(rules.crawl_delay(self.settings.user_agent) or 0))
            response = self._with_retries(current, headers, delay)
            location = response.headers.get("location")
            if response.status not in REDIRECTS or not location:
                return response
            visited.append(current)
            current = urljoin(current, location)
            if current in visited:
                raise FetchFailed("redirect_loop", " -> ".join([*visited, current]))
            if len(visited) > self.settings.max_redirects:
                raise FetchFailed("too_many_redirects", f"more than {self.settings.max_redirects} redirects from {url}")

    def _with_retries(self, url: str, headers: dict[str, str], delay: float) -> Response:
        s = self.settings
        failure: FetchFailed | None = None
        for attempt in range(s.retries + 1):
            wait = s.backoff_seconds * 2**attempt
            try:
                response = self._once(url, headers, delay)
            except _Transient as exc:
                failure = exc
            else:
                if response.status != 429 and response.status < 500:
                    return response
                failure = FetchFailed(f"http_{response.status}", f"{url} answered {response.status}", response.body)
                retry_after = _retry_after_seconds(response.headers.get("retry-after"))
                if retry_after is not None:
                    if retry_after > s.max_retry_after:
                        failure.detail += f" with Retry-After {retry_after:.0f} s (over {s.max_retry_after:.0f} s)"
                        raise failure
                    wait = max(wait, retry_after)
            if attempt < s.retries:
                time.sleep(wait)
        assert failure is not None
        raise FetchFailed(failure.reason, f"{failure.detail} (after {s.retries + 1} attempts)", failure.body)

    def _once(self, url: str, headers: dict[str, str], delay: float) -> Response:
        got_headers = False
        counted = 0
        with _gate(host_of(url), self.settings.per_host_concurrency).turn(delay):
            try:
                with self.client.stream("GET", url, headers=headers) as r:
                    got_headers = True
                    found = {k.lower(): v for k, v in r.headers.items()}
                    if r.status_code in REDIRECTS or r.status_code == 304:
                        return Response(str(r.url), r.status_code, found, b"", 0)
                    ok = 200 <= r.status_code < 300
                    body, counted = self._read_body(r, found, url, limit=None if ok else _ERROR_BODY_BYTES)
                    if not ok and r.status_code != 429 and r.status_code < 500:
                        raise FetchFailed(f"http_{r.status_code}", f"{url} answered {r.status_code}", body)
                    return Response(str(r.url), r.status_code, found, body, counted)
            except httpx.TimeoutException as exc:
                raise _Transient("timeout", f"{url}: {type(exc).__name__} {exc}".strip()) from None
            except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
                reason = "truncated" if got_headers else "connection_error"
                raise _Transient(reason, f"{url}: {exc}") from None
            except httpx.TransportError as exc:
                raise _Transient("connection_error", f"{url}: {type(exc).__name__} {exc}") from None
            finally:
                with self._count_lock:
                    self.wire_bytes += counted

    def _read_body(self, r: httpx.Response, headers: dict[str, str], url: str, limit: int | None) -> tuple[bytes, int]:
        s = self.settings
        declared = headers.get("content-length", "")
        if limit is None and declared.isdigit() and int(declared) > s.max_bytes:
            raise FetchFailed("too_large", f"{url}: Content-Length {declared} over {s.max_bytes} bytes")
        decoder = _decoder(headers.get("content-encoding", ""), url)
        cap = limit or s.max_decompressed_bytes
        chunks: list[bytes] = []
        size = wire = 0
        deadline = time.monotonic() + s.total_timeout  # the read timeout is per read: a trickle would evade it
        for raw in r.iter_raw():
            wire += len(raw)
            if time.monotonic() > deadline:
                raise _Transient("timeout", f"{url}: body not complete after {s.total_timeout:.0f} s")
            if limit is None and wire > s.max_bytes:
                raise FetchFailed("too_large", f"{url}: more than {s.max_bytes} bytes on the wire")
            try:
                data = decoder.decompress(raw, cap + 1 - size) if decoder else raw
            except zlib.error as exc:
                raise FetchFailed("bad_encoding", f"{url}: {headers.get('content-encoding')} body: {exc}") from None
            size += len(data)
            chunks.append(data)
            if size > cap or (decoder is not None and decoder.unconsumed_tail):
                if limit is not None:
                    break
                raise FetchFailed("too_large", f"{url}: more than {cap} bytes after decompression")
        if decoder is not None and not decoder.eof and limit is None:
            raise _Transient("truncated", f"{url}: compressed body ended early")
        return b"".join(chunks)[:cap], wire


def _decoder(encoding: str, url: str) -> zlib._Decompress | None:
    name = encoding.strip().lower()
    if name in ("", "identity"):
        return None
    if name in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if name == "deflate":
        return zlib.decompressobj()
    raise FetchFailed("unsupported_encoding", f"{url}: Content-Encoding {encoding!r}")


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


_fetchers: dict[tuple[FetchSettings, str], Fetcher] = {}
_fetchers_lock = threading.Lock()


def fetcher_for(settings: FetchSettings) -> Fetcher:
    """The process's fetcher for these settings: connections and robots.txt are reused across batches."""
    key = (settings, os.environ.get(ALLOW_HOSTS_ENV, ""))  # the env var is part of what the fetcher allows
    with _fetchers_lock:
        if key not in _fetchers:
            _fetchers[key] = Fetcher(settings)
        return _fetchers[key]
