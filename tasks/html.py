"""HTML page -> main text and metadata, with trafilatura at deterministic settings."""

from __future__ import annotations

import contextlib
import html as html_lib
import json
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

from tasks.licenses import license_from_html

_JSON_LD = re.compile(r"<script\b[^>]*application/ld\+json[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_CDATA = re.compile(r"^\s*<!\[CDATA\[|\]\]>\s*$")
_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(["'])(.*?)\2""", re.DOTALL)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
# The title keys a page states its headline under, strongest first (the order Readability.js reads them in).
_TITLE_KEYS = ("dc:title", "dcterm:title", "og:title", "twitter:title", "parsely-title")
# A title separator with its spaces: " | ", " - ", " :: ", " // » ", ": ", "_" (Chinese sites: "Story _Site").
# A hyphen or dash needs spaces on both sides, so "hands-on" is never split.
_SEPARATOR = r"(?:\s+(?:[|\-–—:»/·•]+\s+)+|\s*[|:]\s+|\s*_\s*)"
_SEPARATOR_AFTER = re.compile(_SEPARATOR)
_SEPARATOR_BEFORE = re.compile(_SEPARATOR + "$")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

# Original publication date, not the "updated" one (the full parameter set htmldate gets, as in bare_extraction's
# date_extraction_params).
DATE_PARAMS: dict[str, Any] = {"extensive_search": True, "original_date": True}


@dataclass(frozen=True)
class HtmlArticle:
    text: str
    title: str | None
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
    # Ours first: it keeps the jurisdiction port (CC-BY-SA-3.0-DE) and skips licences in image captions,
    # which trafilatura takes when they carry rel="license". Read before the extraction, which prunes the tree.
    license = license_from_html(html)
    meta = page_metadata(tree, url, with_license=license is None)
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
        title=choose_headline(page_title(html), _clean(meta.title)),
        authors=_clean(meta.author),
        published=_clean(meta.date),
        site_name=_clean(meta.sitename),
        url=_clean(meta.url),
        license=license or _clean(meta.license),
        language=_clean(data.get("language")),
    )


def page_metadata(tree: HtmlElement, url: str | None, with_license: bool = True) -> Document:
    """trafilatura's `extract_metadata` (2.x) less what we never read: its categories and tags (a quarter of its
    cost, ~2 ms a page: XPaths over every link) and, when `with_license` is False, its licence. Same steps in
    the same order otherwise, so the fields are those `bare_extraction(with_metadata=True)` gives. Reads the
    tree without changing it: run it before the extraction, which prunes the tree."""
    meta = trafilatura_metadata
    document = meta.examine_meta(tree)
    if document.author and " " not in document.author:
        document.author = None  # trafilatura's rule: a one-word author is a handle, not a name
    with contextlib.suppress(Exception):  # as trafilatura guards this call: its JSON-LD reader has bugs
        document = meta.extract_meta_json(tree, document)
    document.title = document.title or meta.extract_title(tree)
    document.author = document.author or meta.extract_author(tree)
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
    if with_license:
        document.license = meta.extract_license(tree)
    document.clean_and_trim()
    return document


def choose_headline(stated: str | None, guessed: str | None) -> str | None:
    """The page's stated title less the site's branding, which we drop even when the page names no site for
    `tasks.metadata` to drop.

    Where trafilatura's title is one side of the stated title at a separator, that separator is where the
    branding starts or ends; the branding is the shorter side in words ("Story - anarcat", "PaiNs Blog :
    Story", "DimidoBlog" in "Story | DimidoBlog"), the last on a tie (suffixes are the common form).
    """
    if not (stated and guessed) or stated == guessed:
        return stated or guessed
    sides: tuple[str, str] | None = None
    after = _SEPARATOR_AFTER.match(stated, len(guessed)) if stated.startswith(guessed) else None
    if after and after.end() < len(stated):
        sides = (guessed, stated[after.end() :])
    before = _SEPARATOR_BEFORE.search(stated, 0, len(stated) - len(guessed)) if stated.endswith(guessed) else None
    if sides is None and before and before.start() > 0:
        sides = (stated[: before.start()], guessed)
    if sides is None:
        return stated
    first, last = sides
    return first if len(first.split()) >= len(last.split()) else last


def page_title(html: str) -> str | None:
    """The headline the page states for itself: the `headline` of its JSON-LD article, else its title meta
    tags (og:title ...), else <title>; None when it states none. Taken as written: trafilatura's guess from the
    body can land on a section heading ("Health Center") where the page names the story in its metadata.
    The site name is dropped later, once, by `tasks.metadata` (it knows the site name)."""
    headline = _json_ld_headline(html)
    if headline:
        return headline
    metas: dict[str, str] = {}
    for tag in _META.finditer(html):
        attributes = {key.lower(): value for key, _quote, value in _ATTRIBUTE.findall(tag.group())}
        key = (attributes.get("property") or attributes.get("name") or "").lower()
        if key in _TITLE_KEYS and key not in metas and (content := _text(attributes.get("content"))):
            metas[key] = content
    for key in _TITLE_KEYS:
        if key in metas:
            return metas[key]
    title = _TITLE.search(html)
    return _text(title.group(1)) if title else None


def _json_ld_headline(html: str) -> str | None:
    for block in _JSON_LD.finditer(html):
        try:
            data = json.loads(_CDATA.sub("", block.group(1)))
        except ValueError:
            continue  # broken JSON-LD is common; the meta tags still say it
        stack: list[Any] = [data]
        while stack:
            node = stack.pop(0)
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                stack.extend(node["@graph"] if isinstance(node.get("@graph"), list) else [])
                kinds = node.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                is_article = any(isinstance(kind, str) and kind.endswith(_ARTICLE_TYPES) for kind in kinds)
                if is_article and (headline := _text(node.get("headline"))):
                    return headline
    return None


_ARTICLE_TYPES = ("Article", "BlogPosting", "Report")


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(html_lib.unescape(value).split())
    return text or None


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
