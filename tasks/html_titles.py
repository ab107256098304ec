"""The headline of an HTML page: what the page states (JSON-LD, title meta tags, <title>) less site branding.

Branding is removed only where it is verifiably the site's name (og:site_name, the domain), and the <h1>'s
typography wins where it says the same words; scored on the Mozilla Readability and trafilatura pages by
`bench.metadata_eval` (floors in tasks/metadata_floors.py).
"""

from __future__ import annotations

import html as html_lib
import json
import re
import unicodedata
from difflib import SequenceMatcher
from typing import Any

from lxml.html import HtmlElement

_JSON_LD = re.compile(r"<script\b[^>]*application/ld\+json[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_CDATA = re.compile(r"^\s*<!\[CDATA\[|\]\]>\s*$")
_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(["'])(.*?)\2""", re.DOTALL)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
# The title keys a page states its headline under, strongest first (the order Readability.js reads them in).
_TITLE_KEYS = ("dc:title", "dcterm:title", "og:title", "twitter:title", "parsely-title")
# A title separator with its spaces: " | ", " - ", " :: ", " // » ", ": ". A hyphen or dash needs spaces on both
# sides, so "hands-on" is never split. Not "_": neither Readability nor trafilatura splits there, and Chinese
# portals' "Story_Section_Site" titles are kept whole by both (the Mozilla labels).
_SEPARATOR = r"(?:\s+(?:[|\-–—:»/·•]+\s+)+|\s*[|:]\s+)"
_SEPARATORS = re.compile(_SEPARATOR)
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]|[^\s\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]+")
_SEPARATOR_AFTER = re.compile(_SEPARATOR)
_SEPARATOR_BEFORE = re.compile(_SEPARATOR + "$")


def page_headline(html: str, tree: HtmlElement, guessed: str | None, url: str | None) -> str | None:
    """The page's headline; `guessed` is trafilatura's title. Read `tree` before an extraction prunes it."""
    metas = _meta_contents(html)  # read once: a regex pass over the whole page
    stated, element = stated_headline(html, metas), _title_element(html)
    # Not trafilatura's site name: without og:site_name it guesses one from <title>, often the headline.
    keys = site_keys(metas.get("og:site_name"), url)
    if stated and element and is_site_banner(stated, element, keys):
        stated = element
    return headline(
        choose_headline(stated, guessed),
        headings=_headings(tree),
        site_keys=keys,
        title_element=element,
        from_element=stated == element,
    )


def is_site_banner(stated: str, element: str, keys: set[str]) -> bool:
    """Is the stated title the site's own ("Yahoo News - Latest News & Headlines", a portal's og:title on every
    story) rather than the story's? It opens with the site's name, and what follows shares no word of four
    letters or more with the page's <title>, which then names the story."""
    first = _SEPARATORS.search(stated)
    if first is None or not is_site_name(stated[: first.start()], keys):
        return False
    rest = stated[first.end() :]
    return not {word.casefold() for word in _LONG_WORD.findall(rest)} & {
        word.casefold() for word in _LONG_WORD.findall(element)
    }


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
    return first if _size(first) >= _size(last) else last


def _size(text: str) -> int:
    """Words, each Chinese or Japanese character counting as one: "宇航员在太空中喝酒" is no one-word brand."""
    return len(_WORD.findall(text))


def headline(
    title: str | None,
    headings: list[str],
    site_keys: set[str],
    title_element: str | None = None,
    from_element: bool = False,
) -> str | None:
    """The headline in `title` (see `choose_headline`) less a part that is verifiably the site's name, in the
    form the page prints it as its <h1> where the two differ only in typography (quotes, dashes, case).

    The site's name is verified against og:site_name and the domain ("Krimiblog-Archiv" on krimiblog.de), so
    only branding goes; a part the site cannot be shown to own stays, as Readability and trafilatura keep it.
    The <h1>'s typography wins when `title` came from the <title> element (`from_element`), which is often
    mis-decoded or plain ASCII, or when the <title> element itself has the <h1>'s form; a stated meta title
    (og:title) that the <title> element agrees with is kept as written.
    """
    if not title:
        return None
    title = _drop_site_name(title, site_keys)
    for heading in headings:
        if heading != title and not is_site_name(heading, site_keys) and _same_words(title, heading):
            return heading if from_element or heading in (title_element or "") else title
    return title


def site_keys(site_name: str | None, url: str | None) -> set[str]:
    """The names a title part is checked against: the stated site name (og:site_name) and the domain's name
    ("krimiblog" for archiv.krimiblog.de; for an archived copy, the archived site's domain)."""
    keys = {site_name} if site_name else set()
    hosts = _HOST.findall(url or "")
    if hosts:
        labels = [label for label in hosts[-1].lower().split(".") if label != "www"]
        if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:  # example.co.uk
            labels = labels[:-1]
        if len(labels) >= 2:
            keys.add(labels[-2])
    return {key for key in keys if len(_squash(key)) >= _MIN_KEY}


def is_site_name(part: str, keys: set[str]) -> bool:
    """Does `part` start with the site's name, or is it the site name's first words ("Yahoo" of "Yahoo News")?
    Whole words only, ignoring spaces and punctuation: "Krimiblog-Archiv" and "Global Voices auf Deutsch" are
    krimiblog.de's and globalvoices.org's names, "Timeline of events" is not time.com's."""
    prefixes = _word_prefixes(part)
    if not prefixes:
        return False
    for key in keys:
        key_prefixes = _word_prefixes(key)
        if key_prefixes[-1] in prefixes or (len(prefixes[-1]) >= _MIN_PIECE and prefixes[-1] in key_prefixes):
            return True
    return False


def _word_prefixes(text: str) -> list[str]:
    """ "Global Voices auf" -> ["global", "globalvoices", "globalvoicesauf"]."""
    words = _WORDS.findall(_SCHEME.sub("", text.casefold()))
    return ["".join(words[: count + 1]) for count in range(len(words))]


def _drop_site_name(title: str, keys: set[str]) -> str:
    """Cut the title at the first part after the first that is the site's name ("Story : Site | Motto" ->
    "Story"), else drop a leading site name ("Site » Story" -> "Story")."""
    separators = list(_SEPARATORS.finditer(title))
    starts = [0] + [separator.end() for separator in separators]
    ends = [separator.start() for separator in separators] + [len(title)]
    parts = [title[start:end] for start, end in zip(starts, ends, strict=True)]
    for index in range(1, len(parts)):
        if is_site_name(parts[index], keys) and not is_site_name(title[: ends[index - 1]], keys):
            return title[: ends[index - 1]]
    if len(parts) > 1 and is_site_name(parts[0], keys):
        return title[starts[1] :]
    return title


def _same_words(a: str, b: str) -> bool:
    """The same letters and digits, up to case and accents, and one mis-decoded character ("NPCÂ´s", "NPC’s")."""
    a, b = _letters(a), _letters(b)
    if a == b:
        return bool(a)
    longest = max(len(a), len(b))
    if min(len(a), len(b)) < _MIN_FUZZY or longest - min(len(a), len(b)) > 1:
        return False
    matched = sum(block.size for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return matched >= longest - 1


def _letters(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if char.isalnum())


def _squash(text: str) -> str:
    return "".join(_WORDS.findall(_SCHEME.sub("", text.casefold())))


def _headings(tree: HtmlElement) -> list[str]:
    """The page's <h1> texts, in order: what it prints as the story's (or the site's) name."""
    texts = (" ".join(element.text_content().split()) for element in tree.iter("h1"))
    return [text for text in texts if text][:_MAX_HEADINGS]


_MIN_KEY = 4  # letters: a shorter site name ("bbc") would be found inside too many words
_MIN_PIECE = 5  # letters of a part that is only the first words of the site's name
_MIN_FUZZY = 20  # letters: below this, one character more or less can be another word
_MAX_HEADINGS = 5
# A host at the start, after a scheme, or after an archive's /web/<timestamp>/ (the last one is the site's).
_HOST = re.compile(r"(?:https?://|^|/web/\d+[a-z_]*/)([a-z0-9-]+(?:\.[a-z0-9-]+)+)", re.IGNORECASE)
_WORDS = re.compile(r"[^\W_]+")
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
_SCHEME = re.compile(r"^(?:https?://)?(?:www\.)?")
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "ne", "or"})


def stated_headline(html: str, metas: dict[str, str] | None = None) -> str | None:
    """The headline the page states for itself: the `headline` of its JSON-LD article, else its title meta
    tags (og:title ...), else <title>; None when it states none. Taken as written: trafilatura's guess from the
    body can land on a section heading ("Health Center") where the page names the story in its metadata.
    Branding goes in `choose_headline` and `headline`, and the site name once more in `tasks.metadata`."""
    headline = _json_ld_headline(html)
    if headline:
        return headline
    metas = _meta_contents(html) if metas is None else metas
    for key in _TITLE_KEYS:
        if key in metas:
            return metas[key]
    return _title_element(html)


def _title_element(html: str) -> str | None:
    title = _TITLE.search(html)
    return _text(title.group(1)) if title else None


def _meta_contents(html: str) -> dict[str, str]:
    """The page's <meta> tags, property or name -> content (the first of each; empty ones skipped)."""
    metas: dict[str, str] = {}
    for tag in _META.finditer(html):
        attributes = {key.lower(): value for key, _quote, value in _ATTRIBUTE.findall(tag.group())}
        key = (attributes.get("property") or attributes.get("name") or "").lower()
        if key and key not in metas and (content := _text(attributes.get("content"))):
            metas[key] = content
    return metas


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
