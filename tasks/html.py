"""HTML page -> main text and metadata, with trafilatura at deterministic settings."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Any

import trafilatura
from courlan import extract_domain
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura import metadata as trafilatura_metadata
from trafilatura.settings import Document
from trafilatura.utils import load_html

from tasks.html_author import extract_author
from tasks.html_reader_title import reader_title
from tasks.html_titles import page_headline
from tasks.licenses import license_from_html

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

# Original publication date, not the "updated" one (the full parameter set htmldate gets, as in bare_extraction's
# date_extraction_params).
DATE_PARAMS: dict[str, Any] = {"extensive_search": True, "original_date": True}


@dataclass(frozen=True)
class HtmlArticle:
    text: str
    title: str | None  # the headline, site branding removed
    page_title: str | None  # as a reader view shows it (tasks.html_reader_title)
    authors: str | None
    published: str | None
    site_name: str | None
    url: str | None
    license: str | None
    language: str | None


def declared_charset(raw: bytes) -> str | None:
    """The charset a page declares in its first 4 KB (<meta charset> or http-equiv), if any."""
    match = _META_CHARSET.search(raw[:4096])
    return match.group(1).decode("ascii", "replace").lower() if match else None


def extract_html(html: str, url: str | None = None) -> HtmlArticle | None:
    """Main text and metadata of an article page; None when the page holds no article text."""
    tree = load_html(html)  # parsed once, for the metadata and the extraction
    if tree is None:
        return None
    # Ours only: it keeps the jurisdiction port (CC-BY-SA-3.0-DE) and skips licences in image captions, which
    # trafilatura takes when they carry rel="license"; trafilatura's as a fallback found no licence ours missed
    # on the trafilatura and Mozilla pages (same scores without it) and cost ~1 ms on every page without one.
    license = license_from_html(html)
    meta = page_metadata(tree, url)
    # Read before the extraction, which prunes the tree: the headings the title is checked against.
    title = page_headline(html, tree, _clean(meta.title), meta.url or url)
    page_title = reader_title(tree)
    document = trafilatura.bare_extraction(
        tree,
        url=url or meta.url,  # what bare_extraction hands its extraction when it reads the metadata itself
        with_metadata=False,  # read above, from the same tree
        # its own dedup off (ours is the run-level one); comments are not the article
        include_comments=False,
        include_tables=False,
        deduplicate=False,
    )
    if document is None:
        return None
    data = document if isinstance(document, dict) else document.as_dict()
    text = (data.get("text") or "").strip()
    if not text:
        return None
    return HtmlArticle(
        text=text,
        title=title,
        page_title=page_title,
        authors=_clean(meta.author),
        published=_clean(meta.date),
        site_name=_clean(meta.sitename),
        url=_clean(meta.url),
        license=license,
        language=_clean(data.get("language")),
    )


def page_metadata(tree: HtmlElement, url: str | None) -> Document:
    """trafilatura's `extract_metadata` (2.x) less what we never read: its categories and tags (a quarter of its
    cost, ~2 ms a page: XPaths over every link) and its licence (tasks.licenses reads it). Same steps in
    the same order otherwise, so the fields are those `bare_extraction(with_metadata=True)` gives. Reads the
    tree without changing it: run it before the extraction, which prunes the tree."""
    meta = trafilatura_metadata
    document = meta.examine_meta(tree)
    if document.author and " " not in document.author:
        document.author = None  # trafilatura's rule: a one-word author is a handle, not a name
    with contextlib.suppress(Exception):  # as trafilatura guards this call: its JSON-LD reader has bugs
        document = meta.extract_meta_json(tree, document)
    document.title = document.title or meta.extract_title(tree)
    document.author = document.author or extract_author(tree)  # trafilatura's, without its XPath callbacks
    document.url = document.url or meta.extract_url(tree, url)
    if document.url:
        document.hostname = extract_domain(document.url, fast=True)
    document.date = find_date(tree, **DATE_PARAMS, url=document.url)
    document.sitename = document.sitename or meta.extract_sitename(tree)
    if document.sitename:
        sitename = document.sitename.lstrip("@")  # a Twitter handle
        if sitename and "." not in sitename and not sitename[0].isupper():
            sitename = sitename.title()
        document.sitename = sitename
    elif document.url and (match := meta.META_URL.match(document.url)):
        document.sitename = match[1]
    document.clean_and_trim()
    return document


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
