"""HTML page -> main text and metadata, with trafilatura at deterministic settings."""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

# Original publication date, not the "updated" one; its own dedup off (ours is the run-level one);
# comments are not the article.
_DATE_PARAMS = {"extensive_search": True, "original_date": True}


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
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        deduplicate=False,
        date_extraction_params=_DATE_PARAMS,
    )
    if document is None:
        return None
    data = document if isinstance(document, dict) else document.as_dict()
    text = (data.get("text") or "").strip()
    if not text:
        return None
    return HtmlArticle(
        text=text,
        title=_clean(data.get("title")),
        authors=_clean(data.get("author")),
        published=_clean(data.get("date")),
        site_name=_clean(data.get("sitename")),
        url=_clean(data.get("url")),
        license=_clean(data.get("license")),
        language=_clean(data.get("language")),
    )


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
