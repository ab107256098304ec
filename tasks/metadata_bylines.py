"""Cleaning of the author and title strings that pages and crawlers hand us.

Bylines arrive glued to what stood next to them on the page ("Joshua Sokol May 20, 2019", "Ben Silverman
Games Editor", "Par Sébastien Farcis"); titles carry the site's name ("... | Aktuálně.cz").
"""

from __future__ import annotations

import re

from tasks.gazetteer import word_set

_BYLINE_PREFIX = re.compile(r"^\s*(?:by|par|por|von|di|da|door|av|af)\s+(?=\S)", re.IGNORECASE)
_MONTHS = word_set(
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
# Job words that follow a name in a byline: "Ben Silverman Games Editor", "Jane Doe Staff Writer".
_JOB_WORDS = word_set(
    "Editor|Reporter|Correspondent|Writer|Staff|Contributor|Columnist|Producer|Games|Sports|Senior|Chief|"
    "Political|Science|Health|Business|Technology|Tech|Foreign|Deputy|Managing|Associate|Contributing|Special|"
    "Investigations|Investigative|Photographer|Journalist|Analyst|Critic|Digital|News|Desk|Team"
)
# Not a name at all: crawler debris such as "Published P.M. Et Nov".
_NOT_A_NAME = re.compile(r"\b(?:Published|Updated|Posted|P\.M\.|A\.M\.|GMT|ET)\b")
_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—:]{1,2}\s+|\s*_\s*|\s+::\s+")


def clean_author(name: str) -> str | None:
    """One author string -> the person's name, or None when it is not a name."""
    name = _BYLINE_PREFIX.sub("", name.strip())
    if _NOT_A_NAME.search(name):
        return None
    words = name.split()
    for index, word in enumerate(words):
        if index >= 2 and word.rstrip(".,") in _MONTHS:  # "Joshua Sokol May 20, 2019"
            words = words[:index]
            break
    while len(words) > 2 and words[-1] in _JOB_WORDS:
        words.pop()
    return " ".join(words) or None


def clean_title(title: str | None, site_name: str | None) -> str | None:
    """The headline without a trailing or leading site name ("Story | Site" -> "Story"), else as given."""
    if not title or not title.strip():
        return None
    title = " ".join(title.split())
    if not site_name:
        return title
    site = site_name.casefold().strip()
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    for leading, candidate, rest in (
        (False, parts[-1], title[: title.rfind(parts[-1])]),
        (True, parts[0], title[len(parts[0]) :]),
    ):
        key = candidate.casefold().strip()
        if key and (key == site or site.startswith(key) or key.startswith(site)):
            rest = rest.strip(" |-–—:_")
            # "Story | Ethify" with the site name guessed as "Story" (trafilatura takes the first part of
            # <title> when no meta tag names the site): the longer side is the headline, as in choose_headline.
            if leading and len(candidate.split()) > len(rest.split()):
                return candidate.strip()
            return rest or title
    return title
