"""Rule-based metadata for wire copy: provenance (publisher, agency, licence, authors, language) and
content (persons, places, organizations, cited sources, quotes). No model download: entities come from
`tasks.entities` (or `tasks.entities_spacy` when a spaCy model is named), quotes from `tasks.quotes`,
licences from `tasks.licenses`; language from py3langid's model (`tasks.language`).

One small function per field, so a stricter rule can replace one field without touching the others.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tasks.entities import Entities, extract_entities
from tasks.entities_spacy import spacy_entities
from tasks.language import detect_language
from tasks.licenses import license_from_text
from tasks.metadata_bylines import clean_author, clean_title
from tasks.metadata_roles import PersonRole, person_roles
from tasks.names import canonical_agency
from tasks.quotes import Quote, extract_quotes

__all__ = ["Metadata", "PersonRole", "Quote", "detect_language", "extract_metadata", "license_from_text"]

_LANGUAGE_ALIASES = {
    "eng": "en",
    "english": "en",
    "fra": "fr",
    "fre": "fr",
    "french": "fr",
    "deu": "de",
    "ger": "de",
    "german": "de",
    "spa": "es",
    "spanish": "es",
    "ita": "it",
    "italian": "it",
    "por": "pt",
    "portuguese": "pt",
    "nld": "nl",
    "dut": "nl",
    "dutch": "nl",
    "rus": "ru",
    "russian": "ru",
    "zho": "zh",
    "chi": "zh",
    "chinese": "zh",
    "jpn": "ja",
    "japanese": "ja",
    "kor": "ko",
    "ara": "ar",
    "arabic": "ar",
    "fas": "fa",
    "per": "fa",
    "persian": "fa",
    "tur": "tr",
    "turkish": "tr",
    "pol": "pl",
    "ukr": "uk",
    "hin": "hi",
    "ces": "cs",
    "cze": "cs",
    "swe": "sv",
    "dan": "da",
    "nor": "no",
    "fin": "fi",
    "ell": "el",
    "gre": "el",
    "heb": "he",
    "iw": "he",
    "in": "id",
    "ind": "id",
    "vie": "vi",
    "tha": "th",
}
_CREDIT_AGENCY = (
    # "All content by Tehran Times is licensed ...", "Articles from X are licensed ..."
    re.compile(
        r"\b(?:content|articles?|text|material|stories|copy)\s+(?:by|from|of)\s+(?:the\s+)?"
        r"(?P<name>[A-Z][\w&'’.-]*(?: [A-Z][\w&'’.-]*){0,5})\s+(?:is|are)\s+(?:licen[sc]ed|published)"
    ),
    # "(c) 2026 Reuters", "© Thomson Reuters 2026", "Copyright 2026 The Associated Press."
    re.compile(
        r"(?i:\(c\)|©|copyright)\s*(?:\d{4}\s*)?(?:[Tt]he\s+)?"
        r"(?P<name>[A-Z][\w&'’-]*(?: [A-Z][\w&'’-]*){0,4})"
    ),
    # A credit line that is only a source tag: "Source: Xinhua", "-- IRNA"
    re.compile(r"^\W*(?i:source\s*:\s*|via\s+)?(?P<name>[A-Z][\w&'’-]*(?: [A-Z][\w&'’-]*){0,4})\W*$"),
)
_BYLINE = re.compile(r"^\s*By\s+(?P<names>[^\n]{3,160}?)\s*$", re.MULTILINE)
_CREDIT_ROLE = re.compile(
    r"^\W*(?:additional\s+)?(?:reporting|writing|written|reported|compiled|by)\b\s*(?:by\s+)?", re.IGNORECASE
)
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b|\|)\s*")
_PLACE_SUFFIX = re.compile(r"\s+in\s+[A-Z].*$")
_PERSON_NAME = re.compile(r"^[A-ZÀ-Þ][\w'’.-]*(?: (?:[A-ZÀ-Þ][\w'’.-]*|de|da|van|von|der|bin|al|la|le)){1,4}$")


# Bodies seen lately -> their `_content`: bounded (cleared when full; ~10 MB with 3.5 KB bodies).
_CONTENT: dict[tuple[str, str | None, str | None], tuple[Entities, tuple[Quote, ...], tuple[PersonRole, ...]]] = {}
_MAX_CONTENT = 2048


@dataclass(frozen=True)
class Metadata:
    publisher: str | None
    agency: str | None
    license: str | None
    authors: tuple[str, ...]
    language: str | None
    persons: tuple[str, ...]
    places: tuple[str, ...]
    organizations: tuple[str, ...]
    cited_sources: tuple[str, ...]
    quotes: tuple[Quote, ...]
    # Schema v2: each person once, with the title or role the text gives them and how often it refers to them.
    person_roles: tuple[PersonRole, ...] = ()
    title: str | None = None  # the headline given, whitespace collapsed, without a trailing site name


def extract_metadata(
    body: str,
    *,
    title: str | None = None,
    dateline_place: str | None = None,
    dateline_agency: str | None = None,
    credit_lines: Sequence[str] = (),
    hints: Mapping[str, str | None] = {},
    ner_model: str | None = None,
) -> Metadata:
    """`ner_model` names a spaCy pipeline (package or folder) that decides the entity spans instead of the
    rules (`tasks.entities_spacy`); None, the default, needs no model."""
    agency = find_agency(dateline_agency, credit_lines)
    entities, quotes, roles = _content(body, dateline_place, ner_model)
    organizations = dict.fromkeys(entities.organizations)
    for source in entities.cited_sources:
        if canonical_agency(source):
            organizations.setdefault(source, None)
    return Metadata(
        publisher=find_publisher(hints, agency),
        agency=agency,
        license=find_license(hints, credit_lines),
        authors=find_authors(body, hints, credit_lines),
        language=find_language(body, hints),
        persons=entities.persons,
        places=entities.places,
        organizations=tuple(organizations),
        cited_sources=entities.cited_sources,
        quotes=quotes,
        person_roles=roles,
        title=clean_title(title, _hint(hints, "site_name") or _hint(hints, "publisher")),
    )


def _content(
    body: str, dateline_place: str | None, ner_model: str | None
) -> tuple[Entities, tuple[Quote, ...], tuple[PersonRole, ...]]:
    """Entities, quotes and person roles: what the body alone decides, and most of the cost. A reprint of a story
    (the same body under another URL or publisher, common on the wire) gets them from a small cache."""
    key = (body, dateline_place, ner_model)
    found = _CONTENT.get(key)
    if found is None:
        entities = (
            spacy_entities(body, ner_model, dateline_place) if ner_model else extract_entities(body, dateline_place)
        )
        found = (entities, extract_quotes(body, entities.mentions), person_roles(body, entities.mentions))
        if len(_CONTENT) >= _MAX_CONTENT:
            _CONTENT.clear()
        _CONTENT[key] = found  # all immutable (frozen dataclasses and tuples): safe to share between articles
    return found


def find_agency(dateline_agency: str | None, credit_lines: Sequence[str]) -> str | None:
    if dateline_agency and dateline_agency.strip():
        return canonical_agency(dateline_agency) or dateline_agency.strip()
    for line in credit_lines:
        if _CREDIT_ROLE.match(line):  # "(Reporting by ...)" names people, not the agency
            continue
        for pattern in _CREDIT_AGENCY:
            match = pattern.search(line)
            if match:
                name = match.group("name").rstrip(".")
                if canonical_agency(name) or pattern is not _CREDIT_AGENCY[2]:
                    return canonical_agency(name) or name
    return None


def find_publisher(hints: Mapping[str, str | None], agency: str | None) -> str | None:
    return _hint(hints, "publisher") or _hint(hints, "site_name") or agency


def find_license(hints: Mapping[str, str | None], credit_lines: Sequence[str]) -> str | None:
    hinted = _hint(hints, "license")
    if hinted and (spdx := license_from_text(hinted)):
        return spdx
    for line in credit_lines:
        if spdx := license_from_text(line):
            return spdx
    return None


def find_authors(body: str, hints: Mapping[str, str | None], credit_lines: Sequence[str]) -> tuple[str, ...]:
    hinted = _hint(hints, "authors")
    if hinted:
        return _names(re.sub(r"^\s*by\s+", "", hinted, flags=re.IGNORECASE))
    authors: dict[str, None] = {}
    byline = _BYLINE.match(body)  # only the first line: a "By ..." deeper in the text is prose
    if byline:
        authors.update(dict.fromkeys(_names(byline.group("names"))))
    for line in credit_lines:
        for segment in line.strip("()[] ").split(";"):
            role = _CREDIT_ROLE.match(segment)
            if role:  # "Editing by" never matches: editors are not authors
                authors.update(dict.fromkeys(_names(segment[role.end() :])))
    return tuple(authors)


def _names(text: str) -> tuple[str, ...]:
    names: list[str] = []
    for part in _NAME_SEPARATORS.split(text):
        name = clean_author(_PLACE_SUFFIX.sub("", part.strip(" .()"))) or ""
        if name.isupper():
            name = name.title()
        if _PERSON_NAME.match(name) and not canonical_agency(name) and name not in names:
            names.append(name)
    return tuple(names)


def find_language(body: str, hints: Mapping[str, str | None]) -> str | None:
    hinted = _hint(hints, "language")
    if hinted:
        code = re.split(r"[-_]", hinted.strip().lower(), maxsplit=1)[0]
        code = _LANGUAGE_ALIASES.get(code, code)
        if len(code) == 2 and code.isalpha():
            return code
    return detect_language(body)


def _hint(hints: Mapping[str, str | None], key: str) -> str | None:
    value = hints.get(key)
    return value.strip() if value and value.strip() else None
