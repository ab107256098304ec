"""Remote and list SOURCEs -> input items: article URLs, feeds, sitemaps, URL-list files.

A SOURCE may name its kind as a prefix, `KIND:LOCATION` (e.g. `feed:https://example.com/news`), or
`--kind` names it for every SOURCE; otherwise the kind is detected: a fetched document whose root is
<rss>, <rdf:RDF> or <feed> is a feed, <urlset> or <sitemapindex> a sitemap, HTML a page.
Discovery fetches feeds and sitemaps (their item pages are fetched later, by the batch tasks).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from urllib.parse import urljoin

from tasks.discover import InputFile, file_format
from tasks.errors import ConfigError
from tasks.feeds import NotXML, feed_entries, local, parse_xml, root_kind
from tasks.fetch_ledger import DocumentCache, FetchLedger, load_ledger
from tasks.fetch_settings import FetchSettings, RemoteSpec
from tasks.http_fetch import FetchFailed, Response, fetcher_for
from tasks.sitemaps import TooLarge, maybe_gunzip, sitemap_entries
from tasks.storage import Dest, Storage
from tasks.url_safety import RefusedURL, check_url

KINDS = ("auto", "page", "feed", "sitemap", "urls", "warc")
OBJECT_SCHEMES = ("s3://", "s3a://")
URL_LIST_SUFFIXES = (".urls", ".urls.txt")
NOMINAL_PAGE_BYTES = 200_000  # for batch planning: a page's size is unknown until it is fetched
MAX_SITEMAP_DEPTH = 3
_KEPT_HEADERS = ("content-type", "etag", "last-modified")


def split_kind(source: str) -> tuple[str, str]:
    """`feed:https://x/rss` -> ("feed", "https://x/rss"); a SOURCE without a kind prefix -> ("auto", SOURCE)."""
    head, sep, rest = source.partition(":")
    if sep and head.lower() in KINDS and rest:
        return head.lower(), rest
    return "auto", source


def is_url(location: str) -> bool:
    return location.lower().startswith(("http://", "https://"))


def handled_here(kind: str, location: str) -> bool:
    lowered = location.lower()
    return (
        is_url(location) or lowered.startswith(OBJECT_SCHEMES) or kind == "urls" or lowered.endswith(URL_LIST_SUFFIXES)
    )


def check_remote_source(kind: str, location: str, allow: frozenset[str]) -> None:
    """Fail fast, without fetching, on a SOURCE that can never be read."""
    if is_url(location):
        try:
            check_url(location, allow)
        except RefusedURL as exc:
            if exc.reason != "dns_error":  # a DNS blip is the run's problem (a reject), not the configuration's
                raise ConfigError(f"SOURCE {location!r}: {exc.detail}") from None
    elif location.lower().startswith(OBJECT_SCHEMES):
        return  # listed by the run itself: credentials and the bucket are checked by the storage layer
    elif not os.path.isfile(os.path.expanduser(location)):
        raise ConfigError(f"SOURCE {location!r}: a list of URLs must be a file; check the path")


class Expander:
    """Turns remote SOURCEs into one InputFile per page, with the ledger's validators attached."""

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        self.fetcher = fetcher_for(settings)
        self.ledger: FetchLedger = load_ledger(None if settings.full_refresh else settings.ledger)
        self.documents = DocumentCache(settings.ledger)
        self.skipped: list[str] = []  # objects below an s3:// SOURCE that are not of a supported kind

    def expand(self, kind: str, location: str) -> list[InputFile]:
        if location.lower().startswith(OBJECT_SCHEMES):
            return self._objects(location)
        if not is_url(location):
            path = os.path.abspath(os.path.expanduser(location))
            return self._url_lines(Path(path).as_uri(), Path(path).read_bytes())
        return self._expand_url(kind, location, depth=0)

    def _expand_url(self, kind: str, url: str, depth: int) -> list[InputFile]:
        if kind == "page":
            return [self.page(url)]
        try:
            response = self._get_document(url)
            body = maybe_gunzip(response.body, self.settings.max_decompressed_bytes)
        except FetchFailed as exc:
            return [self.failed(url, exc.reason, exc.detail, exc.body)]
        except TooLarge as exc:
            return [self.failed(url, "too_large", str(exc), response.body[:65_536])]
        if kind == "urls":
            return self._url_lines(url, body)
        if kind == "auto" and _looks_like_html(response, body):
            return [self.page(url, prefetched=response)]
        try:
            root = parse_xml(body)
        except NotXML as exc:
            return [self.failed(url, "malformed_xml", f"not a feed or sitemap: {exc}", body)]
        found = root_kind(root)
        if found is None or kind not in ("auto", found):
            return [self.failed(url, "not_feed", f"expected a {kind}, found <{local(root)}>", body)]
        if found == "feed":
            entries = feed_entries(root)[: self.settings.max_feed_items]
            return [self.page(urljoin(response.url, e.url), e.hints) for e in entries]  # relative links happen
        sitemap = sitemap_entries(root)
        inputs = [self.page(urljoin(response.url, e.url), e.hints) for e in sitemap.pages]
        for child in (urljoin(response.url, c) for c in sitemap.children):
            if depth >= MAX_SITEMAP_DEPTH:
                inputs.append(self.failed(child, "too_deep", f"sitemap index nested over {MAX_SITEMAP_DEPTH} deep"))
            elif len(inputs) < self.settings.max_feed_items:
                inputs.extend(self._expand_url("sitemap", child, depth + 1))
        return inputs[: self.settings.max_feed_items]

    def _get_document(self, url: str) -> Response:
        """GET a feed, sitemap or list, conditionally when a copy is kept; a 304 is answered from the copy."""
        cached = None if self.settings.full_refresh else self.documents.get(url)
        response = self.fetcher.get(url, cached.etag if cached else None, cached.last_modified if cached else None)
        if response.status == 304 and cached is not None:
            return replace(response, status=200, body=cached.body)
        if response.status == 304:  # we sent no validators: a broken server
            raise FetchFailed("http_304", f"{url} answered 304 to an unconditional request")
        if not _looks_like_html(response, response.body):
            self.documents.put(url, response.headers.get("etag"), response.headers.get("last-modified"), response.body)
        return response

    def _objects(self, prefix: str) -> list[InputFile]:
        """Objects of the supported file kinds below an s3:// prefix, through the same storage layer as DEST."""
        root = Dest(prefix.rstrip("/"), self.settings.s3)
        inputs: list[InputFile] = []
        for relative in Storage.open(root).list_files(""):
            uri = f"{root.uri}/{relative}"
            fmt, compressed = file_format(relative)
            if fmt == "unsupported" or relative.rsplit("/", 1)[-1].startswith((".", "_")):
                self.skipped.append(uri)
                continue
            known = self.ledger.lookup(uri)
            spec = RemoteSpec(self.settings, content_sha256=known.content_sha256 if known else None, object_root=root)
            inputs.append(InputFile(uri, fmt, compressed, NOMINAL_PAGE_BYTES, remote=spec))
        return inputs

    def _url_lines(self, list_uri: str, data: bytes) -> list[InputFile]:
        inputs: list[InputFile] = []
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            if is_url(text):
                inputs.append(self.page(text))
            else:
                inputs.append(self.failed(f"{list_uri}#L{number}", "bad_url", "not an http(s) URL", line.encode()))
        return inputs[: self.settings.max_feed_items]

    def page(self, url: str, hints: tuple[tuple[str, str], ...] = (), prefetched: Response | None = None) -> InputFile:
        known = self.ledger.lookup(url)
        kept = {k: v for k, v in prefetched.headers.items() if k in _KEPT_HEADERS} if prefetched else {}
        spec = RemoteSpec(
            self.settings,
            hints,
            etag=known.etag if known else None,
            last_modified=known.last_modified if known else None,
            content_sha256=known.content_sha256 if known else None,
            prefetched=prefetched.body if prefetched else None,
            prefetched_headers=tuple(kept.items()),
        )
        size = len(prefetched.body) if prefetched else NOMINAL_PAGE_BYTES
        return InputFile(url, "url", False, size, remote=spec)

    def failed(self, uri: str, reason: str, detail: str, raw: bytes = b"") -> InputFile:
        spec = RemoteSpec(self.settings, failure=(reason, detail), prefetched=raw)
        return InputFile(uri, "url", False, len(raw), remote=spec)


def _looks_like_html(response: Response, body: bytes) -> bool:
    if response.content_type in ("text/html", "application/xhtml+xml"):
        return True
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))
