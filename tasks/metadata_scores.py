"""Scores of our metadata against corpus labels, one function per field and data set.

Gold values are normalized here with rules of their own (never with the extractor's code), so a bug in an
extractor cannot also bend its yardstick. The minimum each score must keep is in `tasks/metadata_floors.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tasks.metadata import extract_metadata
from tasks.metadata_corpora import ReutersStory
from tasks.normalize import clean_text, separate


@dataclass(frozen=True)
class Score:
    field: str
    dataset: str
    value: float  # share of `total` that is right
    total: int  # labelled cases scored

    @property
    def key(self) -> str:
        return f"{self.field} / {self.dataset}"


_SPACES = re.compile(r"\s+")


def _squash(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip()


def ratio(hits: int, total: int, field: str, dataset: str) -> Score:
    return Score(field, dataset, hits / total if total else 0.0, total)


# --- Reuters-21578 ---------------------------------------------------------------------------------------

_GOLD_DATE = re.compile(
    r"\s*,?\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*\d{1,2}\s*$", re.IGNORECASE
)


def gold_dateline_place(label: str) -> str:
    """'    SALVADOR, Feb 26 - ' -> 'salvador'; 'NEW YORK March 3 -' -> 'new york' (casefolded)."""
    text = label.strip().rstrip("-–— ").strip()
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text)  # an agency in parentheses
    text = _GOLD_DATE.sub("", text)
    return _squash(text.split(",")[0]).casefold()


def wire_text(story: ReutersStory) -> str:
    """The story as it ran on the wire: the dateline opening the first paragraph."""
    return (story.dateline or "").lstrip() + story.body


def score_datelines(stories: Iterable[ReutersStory]) -> Score:
    """A dateline counts when its place equals the labelled one (case aside) and it left the body."""
    hits = total = 0
    for story in stories:
        if not story.dateline or not story.dateline.strip():
            continue
        total += 1
        parts = separate(clean_text(wire_text(story)))
        found = parts.dateline
        if found is None or found.place.casefold() != gold_dateline_place(story.dateline):
            continue
        hits += not parts.body.startswith(found.raw)
    return ratio(hits, total, "dateline", "reuters21578")


# Reuters ORGS codes -> the names the copy uses for them (casefolded).
REUTERS_ORG_NAMES: dict[str, tuple[str, ...]] = {
    "ec": ("ec", "european community", "european economic community", "eec", "common market", "european commission"),
    "imf": ("imf", "international monetary fund"),
    "opec": ("opec", "organization of petroleum exporting countries"),
    "worldbank": ("world bank",),
    "gatt": ("gatt", "general agreement on tariffs and trade"),
    "ico-coffee": ("ico", "international coffee organization", "international coffee organisation"),
    "oecd": ("oecd", "organisation for economic cooperation and development"),
    "icco": ("icco", "international cocoa organization", "international cocoa organisation"),
    "adb-asia": ("asian development bank", "adb"),
    "adb-africa": ("african development bank", "adb", "afdb"),
    "itc": ("itc", "international tin council"),
    "un": ("un", "u.n.", "united nations"),
    "unctad": ("unctad",),
    "fao": ("fao", "food and agriculture organization"),
    "inro": ("inro", "international natural rubber organization"),
    "eib": ("eib", "european investment bank"),
    "iea": ("iea", "international energy agency"),
}
# Reuters PLACES codes whose slug differs from our gazetteer's canonical name.
REUTERS_PLACE_CODES: dict[str, str] = {
    "united-states": "usa",
    "united-kingdom": "uk",
    "soviet-union": "ussr",
    "united-arab-emirates": "uae",
    # 1987 copy: Bonn, Frankfurt and Hamburg were West German; the gazetteer knows one Germany.
    "germany": "west-germany",
}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


def place_code(place: str) -> str:
    slug = _slug(place)
    return REUTERS_PLACE_CODES.get(slug, slug)


def reuters_entity_scores(
    stories: Iterable[ReutersStory], country_of: Callable[[str], str | None] | None = None
) -> list[Score]:
    """Recall of the PEOPLE, PLACES and ORGS index labels by our persons, places and organizations.

    A person label ("james-baker", "volcker") is found when a person of ours ends with its last word; a place
    code when one of our places has that slug; with `country_of`, also when one of our places is a city of
    that country ("Tokyo" for "japan"). Index labels need not be named in the text, so 1.0 is out of reach.
    """
    counts = {"persons": [0, 0], "places": [0, 0], "countries": [0, 0], "orgs": [0, 0]}
    for story in stories:
        if not (story.people or story.places or story.orgs):
            continue
        parts = separate(clean_text(wire_text(story)))
        meta = extract_metadata(
            parts.body,
            dateline_place=parts.dateline.place if parts.dateline else None,
            hints={"language": "en"},
        )
        surnames = {person.split()[-1].casefold() for person in meta.persons}
        codes = {place_code(place) for place in meta.places}
        countries = codes | {place_code(country_of(place) or "") for place in meta.places} if country_of else codes
        orgs = {org.casefold() for org in meta.organizations}
        for label in story.people:
            counts["persons"][1] += 1
            counts["persons"][0] += label.split("-")[-1] in surnames
        for label in story.places:
            counts["places"][1] += 1
            counts["places"][0] += label in codes
            counts["countries"][1] += 1
            counts["countries"][0] += label in countries
        for label in story.orgs:
            counts["orgs"][1] += 1
            counts["orgs"][0] += bool(orgs & set(REUTERS_ORG_NAMES.get(label, (label,))))
    names = {
        "persons": "persons recall",
        "places": "places recall",
        "countries": "places recall, city->country",
        "orgs": "organizations recall",
    }
    return [
        ratio(hits, total, names[key], "reuters21578")
        for key, (hits, total) in counts.items()
        if key != "countries" or country_of is not None
    ]


# --- rows of our pipeline against page and record labels -------------------------------------------------


def same_title(ours: str | None, gold: str | None) -> bool:
    return bool(gold) and _squash(ours) == _squash(gold)


def byline_names(gold: str) -> set[str]:
    """'By Jane Doe and John Roe' -> {'jane doe', 'john roe'} (Readability bylines keep prefixes and suffixes)."""
    text = re.sub(r"^\s*by\s+", "", gold, flags=re.IGNORECASE)
    return {_squash(part).casefold() for part in re.split(r",|;|\band\b|&|\|", text) if part.strip()}


def authors_found(ours: list[str], gold: str | Iterable[str]) -> bool:
    """Our first author is one of the labelled names (or, for a run-on Readability byline, inside it)."""
    if not ours:
        return False
    first = _squash(ours[0]).casefold()
    if isinstance(gold, str):
        return first in byline_names(gold) or first in _squash(gold).casefold()
    return first in {_squash(name).casefold() for name in gold}


def same_day(ours: datetime | None, gold: str | None) -> bool:
    """Our timestamp falls on the labelled calendar day (in the label's own time zone when it has one)."""
    if ours is None or not gold:
        return False
    text = gold.strip().replace("Z", "+00:00")
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)  # "+0100" -> "+01:00"
    try:
        labelled = datetime.fromisoformat(text)
    except ValueError:
        return False
    if labelled.tzinfo is None or ours.time() == datetime.min.time():
        # A date-only value of ours (midnight UTC) stands for a calendar day, not an instant.
        return ours.date() == labelled.date()
    return ours.astimezone(labelled.tzinfo).date() == labelled.date() or ours.astimezone(UTC) == labelled


def field_scores(pairs: list[tuple[dict[str, Any] | None, dict[str, Any]]], dataset: str) -> list[Score]:
    """Title, authors, published_at, language and publisher of our rows against gold values (None = no row).

    Gold dicts carry `title` (a headline), `page_title` (the title as the source states it), `authors` (a byline
    string or a list), `published_at` (ISO), `language`
    (a BCP 47 tag) and `publisher`; a field missing or empty in the gold is not scored.
    """
    tallies: dict[str, list[int]] = {}

    def tally(field: str, ok: bool) -> None:
        hits_total = tallies.setdefault(field, [0, 0])
        hits_total[0] += ok
        hits_total[1] += 1

    for row, gold in pairs:
        row = row or {}
        if gold.get("title"):
            tally("title", same_title(row.get("title"), gold["title"]))
        if gold.get("page_title"):
            tally("page_title", same_title(row.get("page_title"), gold["page_title"]))
        if gold.get("authors"):
            tally("authors", authors_found(row.get("authors") or [], gold["authors"]))
        if gold.get("published_at"):
            tally("published_at", same_day(row.get("published_at"), gold["published_at"]))
        if gold.get("language"):
            tally("language", (row.get("language") or "") == str(gold["language"]).split("-")[0].lower())
        if gold.get("publisher"):
            tally("publisher", _squash(row.get("publisher")).casefold() == _squash(gold["publisher"]).casefold())
    return [ratio(hits, total, field, dataset) for field, (hits, total) in tallies.items()]
