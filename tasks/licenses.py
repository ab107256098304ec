"""Creative Commons licence statements -> SPDX ids.

Reads licence URLs (creativecommons.org/licenses/by-nc-sa/3.0/de/), full names ("Creative Commons
Attribution-ShareAlike 4.0 International") and short forms ("CC BY-NC-ND 3.0 DE", "cc-by-4.0", "CC0").
A statement without a version ("CC BY-SA") gives None: SPDX ids need one and guessing would invent a
licence. A jurisdiction port gets its own SPDX id when SPDX has one (CC-BY-SA-3.0-DE), else the generic
id of that version.
"""

from __future__ import annotations

import re

from tasks.gazetteer import word_set

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

_URL = re.compile(
    r"creativecommons\.org/licen[sc]es/(?P<elements>by(?:-(?:nc|nd|sa)){0,2})/(?P<version>\d\.\d)"
    r"(?:/(?P<port>[a-z]{2,3})\b)?",
    re.IGNORECASE,
)
_PUBLIC_DOMAIN_URL = re.compile(r"creativecommons\.org/publicdomain/(?P<tool>zero|mark)/1\.0", re.IGNORECASE)
_LONG = re.compile(
    r"creative\s+commons\s+(?:licen[cs]e\s*:?\s*)?(?P<elements>attribution(?:[\s,/-]+(?:non-?\s?commercial|"
    r"no-?\s?deriv(?:ative)?s?(?:\s+works)?|share-?\s?alike))*)(?:\s+(?:licen[cs]e\s+)?(?:v(?:ersion)?\.?\s*)?"
    r"(?P<version>\d\.\d))?(?:\s+(?P<port>[A-Za-zÖö]+))?",
    re.IGNORECASE,
)
_SHORT = re.compile(
    r"\bCC[\s-]?(?P<elements>BY(?:[\s-](?:NC|ND|SA)\b)*)(?:[\s-]v?(?P<version>\d\.\d))?"
    r"(?:[\s-](?P<port>[A-Z]{2,3})\b)?",
    re.IGNORECASE,
)
_REL_LICENSE = re.compile(r"<(?:a|link)\b[^>]*\brel=[\"']?[^>\"']*\blicense\b[^>]*>", re.IGNORECASE)
_CC_LINK = re.compile(r"creativecommons\.org/(?:licen[sc]es|publicdomain)/[^\"'\s<>]+", re.IGNORECASE)
# Code and comments carry the licences of scripts and stylesheets ("KNACSS ... Licence CC-BY"), not the page's.
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_ZERO = re.compile(r"\bCC0\b|\bCC[\s-]?Zero\b|creative\s+commons\s+zero", re.IGNORECASE)


def license_from_text(text: str) -> str | None:
    """SPDX id of the Creative Commons licence stated in `text`, else None (never a guess)."""
    url = _URL.search(text)
    if url:
        return _cc_id(url.group("elements"), url.group("version"), url.group("port"))
    public_domain = _PUBLIC_DOMAIN_URL.search(text)
    if public_domain:
        return "CC0-1.0" if public_domain.group("tool").lower() == "zero" else "CC-PDM-1.0"
    if _ZERO.search(text):
        return "CC0-1.0"
    for pattern in (_LONG, _SHORT):
        match = pattern.search(text)
        if match:
            return _cc_id(match.group("elements"), match.group("version"), match.group("port"))
    return None


def license_from_html(html: str) -> str | None:
    """SPDX id of the licence a page declares for itself, else None.

    First a `rel="license"` link (the page's own statement); else a Creative Commons link or statement in the
    second half of the page, where footers and licence notices sit: a CC link in the article body is more
    often the licence of an embedded photo than of the page.
    """
    for tag in _REL_LICENSE.finditer(html):
        if spdx := license_from_text(tag.group()):
            return spdx
    tail = _SCRIPT_OR_STYLE.sub(" ", html[len(html) // 2 :])
    for link in _CC_LINK.finditer(tail):
        if spdx := license_from_text(link.group()):
            return spdx
    return license_from_text(_TAG.sub(" ", tail)) if "reative" in tail or "CC" in tail else None


def _cc_id(elements: str, version: str | None, port: str | None) -> str | None:
    if version is None:
        return None
    lowered = elements.lower()
    commercial = re.search(r"\bnc\b|commercial", lowered) is not None
    no_derivatives = re.search(r"\bnd\b|deriv", lowered) is not None
    share_alike = re.search(r"\bsa\b|alike", lowered) is not None
    if no_derivatives and share_alike:
        return None  # no such licence: the statement is garbled
    spdx = "CC-BY" + "-NC" * commercial + "-ND" * no_derivatives + "-SA" * share_alike + "-" + version
    if port:
        ported = f"{spdx}-{_PORT_NAMES.get(port.lower(), port.upper())}"
        if ported in _PORTED_SPDX:
            return ported
    return spdx if version in _GENERIC_VERSIONS else None
