"""Creative Commons licence statements -> SPDX ids.

Reads licence URLs (creativecommons.org/licenses/by-nc-sa/3.0/de/), full names ("Creative Commons
Attribution-ShareAlike 4.0 International", "Creative Commons Namensnennung - Keine Bearbeitung 3.0 Deutschland")
and short forms ("CC BY-NC-ND 3.0 DE", "cc-by-4.0", "Creative Commons BY-SA", "CC0"). A jurisdiction port gets
its own SPDX id when SPDX has one (CC-BY-SA-3.0-DE), else the generic id of that version.

A statement that names the licence elements but no version ("CC BY-SA") still names a licence; SPDX ids need
a version, so the rule is: the version of a licence link or statement with the same elements in the same
text or page if there is one, else 4.0, the current version (the only one Creative Commons has offered to
licensors since 2013). A statement with no elements ("a Creative Commons licence") gives None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tasks.gazetteer import word_set

__all__ = ["CURRENT_VERSION", "license_from_html", "license_from_text"]

CURRENT_VERSION = "4.0"
_GENERIC_VERSIONS = frozenset({"1.0", "2.0", "2.5", "3.0", "4.0"})
# Every ported CC licence in the SPDX list (3.25).
_PORTED_SPDX = word_set(
    "CC-BY-2.5-AU|CC-BY-3.0-AT|CC-BY-3.0-AU|CC-BY-3.0-DE|CC-BY-3.0-IGO|CC-BY-3.0-NL|CC-BY-3.0-US|"
    "CC-BY-NC-3.0-DE|CC-BY-NC-ND-3.0-DE|CC-BY-NC-ND-3.0-IGO|CC-BY-NC-SA-2.0-DE|CC-BY-NC-SA-2.0-FR|"
    "CC-BY-NC-SA-2.0-UK|CC-BY-NC-SA-3.0-DE|CC-BY-NC-SA-3.0-IGO|CC-BY-ND-3.0-DE|CC-BY-SA-2.0-UK|"
    "CC-BY-SA-2.1-JP|CC-BY-SA-3.0-AT|CC-BY-SA-3.0-DE|CC-BY-SA-3.0-IGO"
)
_PORT_NAMES = {
    "germany": "DE",
    "deutschland": "DE",
    "austria": "AT",
    "österreich": "AT",
    "netherlands": "NL",
    "australia": "AU",
    "france": "FR",
    "japan": "JP",
    "igo": "IGO",
    "england": "UK",
    "united": "US",
}

# Each pattern opens with a lookahead on its first letter: the regex engine then skips all other positions
# fast (a 200 KB page is scanned several times; IGNORECASE patterns otherwise try every position in full).
_URL = re.compile(
    r"(?=[cC])creativecommons\.org/licen[sc]es/(?P<elements>by(?:-(?:nc|nd|sa)){0,2})/(?P<version>\d\.\d)"
    r"(?:/(?P<port>[a-z]{2,3})\b)?",
    re.IGNORECASE,
)
_PUBLIC_DOMAIN_URL = re.compile(r"(?=[cC])creativecommons\.org/publicdomain/(?P<tool>zero|mark)/1\.0", re.IGNORECASE)
# Element names in English and in the German licence texts (most ported licences on the web are German).
_ELEMENT = (
    r"(?:non-?\s?commercial|nicht[\s-]?kommerziell|no-?\s?deriv(?:ative)?s?(?:\s+works)?|keine\s+bearbeitung(?:en)?|"
    r"share-?\s?alike|weitergabe\s+unter\s+gleichen\s+bedingungen)"
)
_LONG = re.compile(
    r"(?=[cC])creative\s+commons\s+(?:licen[cs]e\s*:?\s*|lizenz\s*:?\s*)?(?P<elements>(?:attribution|namensnennung)"
    rf"(?:[\s,/–-]+(?:(?:und|and)\s+)?{_ELEMENT})*)(?:\s+(?:licen[cs]e\s+)?(?:v(?:ersion)?\.?\s*)?(?P<version>\d\.\d))?"
    r"(?:\s+(?P<port>[A-Za-zÖö]+))?",
    re.IGNORECASE,
)
_SHORT = re.compile(
    r"(?=[Cc])(?:\bCC[\s-]?|(?i:creative\s+commons)\s+\(?)(?P<elements>BY(?:[\s-](?:NC|ND|SA)\b)*)\b"
    r"(?:[\s-]v?(?P<version>\d\.\d))?(?:[\s-](?P<port>[A-Z]{2,3})\b)?",
)
# Short forms are matched case-sensitively ("CC BY-SA"), and lowercase ones only with a version
# ("cc-by-sa-4.0"): "cc by email" and "Creative Commons by the author" name no licence.
_SHORT_LOWER = re.compile(
    r"c(?<!\wc)c[\s-]?(?P<elements>by(?:[\s-](?:nc|nd|sa)\b)*)[\s-]v?(?P<version>\d\.\d)(?:[\s-](?P<port>[a-z]{2,3})\b)?"
)
_ZERO = re.compile(r"(?=[cC])(?:\bCC0\b|\bCC[\s-]?Zero\b|creative\s+commons\s+zero)", re.IGNORECASE)
_MARK = re.compile(r"(?=[cCpP])(?:\bCC-PDM-1\.0\b|public\s+domain\s+mark\b)", re.IGNORECASE)


_REL_LICENSE = re.compile(r"<(?:a|link)\b[^>]*\brel=[\"']?[^>\"']*\blicense\b[^>]*>", re.IGNORECASE)
# Code and comments carry the licences of scripts and stylesheets ("KNACSS ... Licence CC-BY"), not the page's.
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
# Where a statement sits tells whose licence it is. A photo credit: a caption, an image right before the
# link, or a credit word just before. The page's own notice: wording about the site's content, a container
# named for licences, copyright or the footer, or a licence badge (a link wrapping an image).
_CAPTION_OPEN = re.compile(r"<figcaption\b|</figcaption\s*>", re.IGNORECASE)
_IMAGE_BEFORE = re.compile(r"<img\b[^>]*>\s*(?:<a\b[^>]*)?$", re.IGNORECASE)
_CREDIT_WORD = re.compile(r"\b(?:foto|photo|bild|image|picture|grafik|flickr)\b", re.IGNORECASE)
_NOTICE_WORDS = re.compile(
    r"\b(?:inhalte?|content|texte|this (?:work|site|blog|page|website)|diese[rs]? (?:seite|website|blog|werk)|"
    r"licen[cs]ed under|steh(?:t|en) unter|lizenziert|unless otherwise|soweit nicht|sofern nicht|copyleft)\b",
    re.IGNORECASE,
)
_NOTICE_CONTAINER = re.compile(r"\b(?:class|id)=[\"'][^\"']*(?:licen[cs]e|copyright|footer)", re.IGNORECASE)
_BADGE = re.compile(r"[^>]*>\s*<img\b", re.IGNORECASE)
_WINDOW = 300
# Anything any pattern above could match: most pages state no licence at all. Searched in the lowercased page,
# one pattern each, because a case-sensitive pattern that opens with a literal is found by a fast substring
# search, where one IGNORECASE pattern (or an alternation) tries every position of a 200 KB page: lower() and
# the three searches take ~1 ms a page, the single IGNORECASE pattern took ~3 ms. The page is lowercased as UTF-8
# bytes (ASCII letters only, 4x faster than str.lower on a non-ASCII page), which is the same for these ASCII
# patterns unless the page holds one of the two characters whose str.lower() is ASCII ("İ" -> "i̇", Kelvin "K").
_ANY_STATEMENT_LOWER = (
    re.compile(rb"creative\s*commons"),
    # "(?<!\w)cc", written with the lookbehind after "cc" so that "cc" stays a literal prefix
    re.compile(rb"cc(?<!\wcc)(?:[\s-]?(?:by|0\b|zero)|-pdm)"),
    re.compile(rb"public\s+domain\s+mark"),
)
_LOWER_TO_ASCII = ("\u0130", "\u212a")


@dataclass(frozen=True)
class Candidate:
    position: int  # character offset of the statement in the text or page
    elements: str  # "CC-BY-NC-SA", or a whole id for public-domain tools ("CC0-1.0")
    version: str | None
    port: str | None
    is_link: bool = False


def license_from_text(text: str) -> str | None:
    """SPDX id of the Creative Commons licence stated in `text`, else None (see the module doc for versions).

    A URL wins over a name, a full name over a short form, as they are more exact."""
    found = [*_links(text), *_statements(text)]
    return _resolve(found[0], found) if found else None


def license_from_html(html: str) -> str | None:
    """SPDX id of the licence a page declares for itself, else None.

    First a `rel="license"` link outside image captions (the page's own statement). Else, of the Creative
    Commons links and statements that are not photo credits, the last one that reads as the page's notice;
    else the last one in the second half of the page, where footers sit: a CC link in the article body is
    more often the licence of an embedded photo than of the page.
    """
    return _page_license(html) if _mentions_license(html) else None  # most pages mention none


def _mentions_license(text: str) -> bool:
    if any(char in text for char in _LOWER_TO_ASCII):
        lowered = text.lower().encode("utf-8", "surrogatepass")
    else:
        lowered = text.encode("utf-8", "surrogatepass").lower()
    return any(pattern.search(lowered) for pattern in _ANY_STATEMENT_LOWER)


def _page_license(html: str) -> str | None:
    page = _SCRIPT_OR_STYLE.sub(_blank, html)  # blanked, not removed: positions stay those of `html`
    for tag in _REL_LICENSE.finditer(page):
        if not _in_caption(page, tag.start()) and (found := list(_links(tag.group()))):
            return _resolve(found[0], found)
    if not _mentions_license(page):
        return None  # only code or comments mention one
    text = _TAG.sub(_blank, page)
    found = sorted([*_links(page), *_statements(text)], key=lambda candidate: candidate.position)
    kept = [candidate for candidate in found if not _photo_credit(page, text, candidate)]
    notices = [candidate for candidate in kept if _notice(page, text, candidate)]
    late = [candidate for candidate in kept if candidate.position >= len(page) // 2]
    chosen = _strongest(notices) if notices else late[-1] if late else None
    return _resolve(chosen, kept) if chosen else None


def _strongest(notices: list[Candidate]) -> Candidate:
    """Of the last notice and any just before it (one notice often says it twice: a link, its anchor text and
    a spelled-out name), the last link, else the last with a version, else the last."""
    block = [candidate for candidate in notices if candidate.position >= notices[-1].position - _WINDOW]
    links = [candidate for candidate in block if candidate.is_link]
    versioned = [candidate for candidate in block if candidate.version]
    return (links or versioned or block)[-1]


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _in_caption(page: str, position: int) -> bool:
    marks = list(_CAPTION_OPEN.finditer(page, max(0, position - 4 * _WINDOW), position))
    return bool(marks) and not marks[-1].group().startswith("</")


def _photo_credit(page: str, text: str, candidate: Candidate) -> bool:
    if _in_caption(page, candidate.position):
        return True
    if candidate.is_link and not _BADGE.match(page, candidate.position):
        tag_start = page.rfind("<", 0, candidate.position)
        if _IMAGE_BEFORE.search(page, max(0, tag_start - _WINDOW), candidate.position):
            return True
    return _CREDIT_WORD.search(text, max(0, candidate.position - _WINDOW // 3), candidate.position) is not None


def _notice(page: str, text: str, candidate: Candidate) -> bool:
    start = max(0, candidate.position - _WINDOW)
    if _NOTICE_WORDS.search(text, start, candidate.position):
        return True
    if _NOTICE_CONTAINER.search(page, start, candidate.position):
        return True
    return candidate.is_link and _BADGE.match(page, candidate.position) is not None


def _links(text: str) -> Iterable[Candidate]:
    for match in _URL.finditer(text):
        elements = _elements(match.group("elements"))
        if elements:
            yield Candidate(match.start(), elements, match["version"], match["port"], is_link=True)
    for match in _PUBLIC_DOMAIN_URL.finditer(text):
        spdx = "CC0-1.0" if match.group("tool").lower() == "zero" else "CC-PDM-1.0"
        yield Candidate(match.start(), spdx, "1.0", None, is_link=True)


def _statements(text: str) -> Iterable[Candidate]:
    for match in _ZERO.finditer(text):
        yield Candidate(match.start(), "CC0-1.0", "1.0", None)
    for match in _MARK.finditer(text):
        yield Candidate(match.start(), "CC-PDM-1.0", "1.0", None)
    for pattern in (_LONG, _SHORT, _SHORT_LOWER):
        for match in pattern.finditer(text):
            elements = _elements(match.group("elements"))
            if elements:
                yield Candidate(match.start(), elements, match["version"], match["port"])


def _elements(written: str) -> str | None:
    """'by-nc-sa', 'Attribution-NonCommercial', 'Namensnennung - Keine Bearbeitung' -> 'CC-BY-NC-SA' etc."""
    lowered = written.lower()
    commercial = re.search(r"\bnc\b|commercial|kommerziell", lowered) is not None
    no_derivatives = re.search(r"\bnd\b|deriv|bearbeitung", lowered) is not None
    share_alike = re.search(r"\bsa\b|alike|gleichen", lowered) is not None
    if no_derivatives and share_alike:
        return None  # no such licence: the statement is garbled
    return "CC-BY" + "-NC" * commercial + "-ND" * no_derivatives + "-SA" * share_alike


def _resolve(chosen: Candidate, found: list[Candidate]) -> str | None:
    """The SPDX id of `chosen`; without a version, the version of a statement of the same elements in
    `found` (the same text or page), else the current version."""
    if chosen.elements in ("CC0-1.0", "CC-PDM-1.0"):
        return chosen.elements
    if chosen.version is None:
        same = next((c for c in found if c.elements == chosen.elements and c.version), None)
        if same is None:
            return f"{chosen.elements}-{CURRENT_VERSION}"
        chosen = same
    spdx = f"{chosen.elements}-{chosen.version}"
    if chosen.port:
        ported = f"{spdx}-{_PORT_NAMES.get(chosen.port.lower(), chosen.port.upper())}"
        if ported in _PORTED_SPDX:
            return ported
    return spdx if chosen.version in _GENERIC_VERSIONS else None
