"""Sitemaps (urlset, sitemap index) and Google News sitemaps -> page URLs with hints.

Parsed with the same safe XML parser as feeds; gzipped sitemaps are inflated under the decompression cap.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from lxml import etree

from tasks.feeds import Entry, iso_date, local


class TooLarge(Exception):
    pass


@dataclass(frozen=True)
class Sitemap:
    pages: list[Entry]
    children: list[str]  # sitemaps named by a sitemap index, to fetch next


def maybe_gunzip(data: bytes, cap: int) -> bytes:
    """Inflate gzip bytes (magic 1f 8b) with at most `cap` bytes of output; other bytes pass through."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, cap + 1)
    if len(out) > cap or inflater.unconsumed_tail:
        raise TooLarge(f"more than {cap} bytes after decompression")
    return out


def sitemap_entries(root: etree._Element) -> Sitemap:
    if local(root) == "sitemapindex":
        return Sitemap([], [loc for loc in (_loc(s) for s in root if local(s) == "sitemap") if loc])
    pages: list[Entry] = []
    seen: set[str] = set()
    for url in root:
        if local(url) != "url":
            continue
        loc = _loc(url)
        if not loc or loc in seen:
            continue
        seen.add(loc)
        hints: dict[str, str | None] = {"lastmod": _text(url, "lastmod")}
        news = next((c for c in url if local(c) == "news"), None)
        if news is not None:
            publication = next((c for c in news if local(c) == "publication"), None)
            hints["title"] = _text(news, "title")
            hints["published_at"] = iso_date(_text(news, "publication_date"))
            if publication is not None:
                hints["publisher"] = _text(publication, "name")
                hints["language"] = _text(publication, "language")
        pages.append(Entry(loc, tuple((k, v) for k, v in hints.items() if v)))
    return Sitemap(pages, [])


def _loc(element: etree._Element) -> str | None:
    return _text(element, "loc")


def _text(parent: etree._Element, name: str) -> str | None:
    for child in parent:
        if local(child) == name:
            text = "".join(child.itertext()).strip()
            return text or None
    return None
