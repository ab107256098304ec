"""The title a reader view shows for a page: the `page_title` column, beside the cleaned `title` headline.

The rule is Readability.js's (Firefox Reader View), restated here: the JSON-LD article's name or headline, else
the last dc/dcterm/og/weibo/twitter title meta tag, else the <title> element, cut at its separators. Stated
titles are taken as written, site name and all ("Story - Breitbart"); `tasks.html_titles` makes the `title`
column from the same page without the branding. Readers, bookmarks and archive tools show this form, and the
Mozilla Readability labels are it, so `bench.metadata_eval` scores `page_title` there.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lxml.html import HtmlElement

# A meta `property` may list several names; a meta `name` holds one ("og:title", "dc.title", "title").
_PROPERTY = re.compile(
    r"\s*(article|dc|dcterm|og|twitter)\s*:\s*(author|creator|description|published_time|title|site_name)\s*", re.I
)
_NAME = re.compile(
    r"^\s*(?:(dc|dcterm|og|twitter|weibo:(article|webpage))\s*[.:]\s*)?(author|creator|description|title|site_name)\s*$",
    re.I,
)
_META_TITLE_KEYS = (
    "dc:title",
    "dcterm:title",
    "og:title",
    "weibo:article:title",
    "weibo:webpage:title",
    "title",
    "twitter:title",
)
_SCHEMA_ORG = re.compile(r"^https?://schema\.org/?$")
# Readability's article types; as written there, the pattern's anchors bind only its first and last names.
_ARTICLE_TYPE = re.compile(
    r"^Article|AdvertiserContentArticle|NewsArticle|AnalysisNewsArticle|AskPublicNewsArticle|BackgroundNewsArticle|"
    r"OpinionNewsArticle|ReportageNewsArticle|ReviewNewsArticle|Report|SatiricalArticle|ScholarlyArticle|"
    r"MedicalScholarlyArticle|SocialMediaPosting|BlogPosting|LiveBlogPosting|DiscussionForumPosting|TechArticle|"
    r"APIReference$"
)
_SEPARATOR = re.compile(r" [|\-\\/>»] ")
_HIERARCHICAL = re.compile(r" [\\/>»] ")
_SEPARATOR_CHARS = re.compile(r"[|\-\\/>»]+")
_LEADING_PART = re.compile(r"^[^|\-\\/>»]*[|\-\\/>»]")
_TOKEN = re.compile(r"\W+")
_ENTITY = re.compile(r"&(quot|amp|apos|lt|gt);|&#(?:x([0-9a-z]{1,4})|([0-9]{1,4}));", re.I)
_ENTITIES = {"quot": '"', "amp": "&", "apos": "'", "lt": "<", "gt": ">"}


def reader_title(tree: HtmlElement) -> str | None:
    """The page's title as a reader view shows it; None when the page has none. Read before an extraction
    prunes `tree`."""
    title = _json_ld_title(tree) or _meta_title(tree) or _element_title(tree)
    title = " ".join(_unescape(title).split()) if title else ""
    return title or None


def _meta_title(tree: HtmlElement) -> str | None:
    values: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if not content:
            continue
        matched = _PROPERTY.search(meta.get("property") or "")
        if matched:
            values[re.sub(r"\s", "", matched.group(0).lower())] = content.strip()  # the last tag wins
        elif _NAME.match(name := meta.get("name") or ""):
            values[re.sub(r"\s", "", name.lower()).replace(".", ":")] = content.strip()
    return next((values[key] for key in _META_TITLE_KEYS if values.get(key)), None)


def _json_ld_title(tree: HtmlElement) -> str | None:
    for script in tree.iter("script"):
        if script.get("type") != "application/ld+json":
            continue
        try:
            parsed = json.loads(re.sub(r"^\s*<!\[CDATA\[|\]\]>\s*$", "", script.text_content()))
        except ValueError:
            continue
        article = _article_node(parsed)
        if article is None:
            continue  # the first script holding an article decides, as in Readability
        name, headline = article.get("name"), article.get("headline")
        if isinstance(name, str) and isinstance(headline, str) and name != headline:
            # Some sites put their own name in "name": take the one that resembles the <title>.
            element = _element_title(tree) or ""
            name_matches = _similarity(name, element) > 0.75
            return headline if _similarity(headline, element) > 0.75 and not name_matches else name
        for value in (name, headline):
            if isinstance(value, str):
                return value.strip()
        return None
    return None


def _article_node(parsed: Any) -> dict[str, Any] | None:
    if isinstance(parsed, list):
        parsed = next((it for it in parsed if isinstance(it, dict) and _is_article(it)), None)
    if not isinstance(parsed, dict):
        return None
    context = parsed.get("@context")
    vocab = context.get("@vocab") if isinstance(context, dict) else context
    if not (isinstance(vocab, str) and _SCHEMA_ORG.match(vocab)):
        return None
    if "@type" not in parsed and isinstance(parsed.get("@graph"), list):
        parsed = next((it for it in parsed["@graph"] if isinstance(it, dict) and _is_article(it)), None)
    return parsed if isinstance(parsed, dict) and _is_article(parsed) else None


def _is_article(node: dict[str, Any]) -> bool:
    kind = node.get("@type")
    return isinstance(kind, str) and _ARTICLE_TYPE.search(kind) is not None


def _similarity(a: str, b: str) -> float:
    """1 - the share of `b`'s text (by characters of its words) made of words that are not in `a`."""
    words_a = [word for word in _TOKEN.split(a.lower()) if word]
    words_b = [word for word in _TOKEN.split(b.lower()) if word]
    if not words_a or not words_b:
        return 0.0
    unique = [word for word in words_b if word not in words_a]
    return 1 - len(" ".join(unique)) / len(" ".join(words_b))


def _element_title(tree: HtmlElement) -> str | None:
    """The <title> element, cut where a separator sets the site's name off (Readability's `_getArticleTitle`)."""
    element = tree.find(".//title")
    original = " ".join((element.text_content() if element is not None else "").split())
    if not original:
        return None
    title = original
    hierarchical = False
    if _SEPARATOR.search(title):
        hierarchical = _HIERARCHICAL.search(title) is not None
        title = original[: list(_SEPARATOR.finditer(original))[-1].start()]
        if _words(title) < 3:
            title = _LEADING_PART.sub("", original)
    elif ": " in title:
        headings = {" ".join(h.text_content().split()) for h in (*tree.iter("h1"), *tree.iter("h2"))}
        if title not in headings:
            title = original[original.rindex(":") + 1 :]
            if _words(title) < 3:
                title = original[original.index(":") + 1 :]
            elif _words(original[: original.index(":")]) > 5:
                title = original
    elif len(title) > 150 or len(title) < 15:
        headings_1 = list(tree.iter("h1"))
        if len(headings_1) == 1:
            title = headings_1[0].text_content()
    title = " ".join(title.split())
    words = _words(title)
    if words <= 4 and (not hierarchical or words != _words(_SEPARATOR_CHARS.sub("", original)) - 1):
        title = original
    return title


def _words(text: str) -> int:
    return len(re.split(r"\s+", text))


def _unescape(text: str) -> str:
    """Entities left in an attribute's text after parsing ("&amp;quot;" pages): one more decoding pass."""
    return _ENTITY.sub(_entity, text) if "&" in text else text


def _entity(match: re.Match[str]) -> str:
    if match.group(1):
        return _ENTITIES[match.group(1).lower()]
    number = int(match.group(2), 16) if match.group(2) else int(match.group(3))
    return chr(number)
