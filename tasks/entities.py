"""Rule-based named entities for wire copy: persons, places, organizations and cited sources.

One regex pass finds runs of capitalized words (with "of"/"de"-style connectors); each run is classified
from its own words (titles, organization words, gazetteer) and a few characters of context on either side
("said", "according to", "spokesman ..."). No model, no per-character Python loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.gazetteer import (
    AGENCIES,
    DEMONYMS,
    KNOWN_ORGS,
    NAME_LEAD_WORDS,
    NON_NAME_WORDS,
    ORG_HEADS,
    ORG_WORDS,
    PLACE_ALIASES,
    PLACE_WORDS,
    ROLE_NOUNS,
    TITLE_HEADS,
)
from tasks.metadata_geo import canonical_city, country_of_place, is_region, with_countries
from tasks.metadata_roles import title_as_written
from tasks.names import (
    AFTER_APPOSITIVE,
    AFTER_CITE,
    AFTER_SAY,
    BEFORE_CITE,
    CITE_TRIGGERS,
    CONNECTORS,
    NOT_NAME_ENDINGS,
    NOT_NAME_STARTS,
    PORTFOLIO,
    RUN_RE,
    SAID_BEFORE,
    PersonMention,
    canonical_agency,
    canonical_place,
    is_name_word,
    resolve_mentions,
)

# A city the word lists do not know is taken from the gazetteer only where the text uses it as a place:
# after a lowercase preposition of place ("in Lodz", "near Porto Alegre") or before its state or country ("Akron,
# Ohio"). Alone, "Reading", "Mobile" or "Split" are words first.
_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|outside|around|across)\s$")
_PLACE_AFTER = re.compile(r", ([A-Z][a-z]+(?: [A-Z][a-z]+)?)")


@dataclass(frozen=True)
class Entities:
    persons: tuple[str, ...]
    places: tuple[str, ...]
    organizations: tuple[str, ...]
    cited_sources: tuple[str, ...]
    mentions: tuple[PersonMention, ...]  # every person mention in text order, resolved to full names


class _Scan:
    """Accumulates the findings of one body; lists keep first-mention order, dicts deduplicate."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.places: dict[str, None] = {}
        self.orgs: dict[str, None] = {}
        self.cited: dict[str, None] = {}
        # start, name, role key ("admiral"), weak (one word, kept only if it resolves), title as written
        self.mentions: list[tuple[int, str, str | None, bool, str | None]] = []

    def run(self, tokens: list[str], start: int, end: int) -> None:
        while tokens and (tokens[0] in NON_NAME_WORDS or tokens[0] in CONNECTORS):
            start += len(tokens.pop(0)) + 1
        while tokens and (tokens[-1] in CONNECTORS or tokens[-1] in NON_NAME_WORDS):
            end -= len(tokens.pop()) + 1
        if not tokens:
            return
        # A capitalized sentence-starter inside the run splits it: "the U.S. The ministry ...".
        for index, token in enumerate(tokens):
            if token in NON_NAME_WORDS and index:
                self.run(tokens[:index], start, start + len(" ".join(tokens[:index])))
                rest = tokens[index + 1 :]
                self.run(rest, end - len(" ".join(rest)), end)
                return
        self._classify(tokens, start, end)

    def _classify(self, tokens: list[str], start: int, end: int) -> None:
        name = " ".join(tokens)
        agency = canonical_agency(name)
        if agency or name in KNOWN_ORGS:
            self._org(agency or name, start, end)
            return
        place = canonical_place(name)
        if place:
            self.places.setdefault(place, None)
            return
        if self._titled_person(tokens, start):
            return
        if len(tokens) > 1 and tokens[-1] in PLACE_WORDS:  # "Sun City", "Wall Street", "Central Coast"
            self.places.setdefault(name, None)
            return
        has_connector = any(token in CONNECTORS for token in tokens)
        if (len(tokens) > 1 and tokens[-1] in ORG_WORDS) or (has_connector and _has_org_head(tokens)):
            self._org(name, start, end)
            return
        if has_connector:
            self._split_at_connectors(tokens, start)
            return
        if self._contextual_person(tokens, name, start, end) or self._gazetteer_city(name, start, end):
            return
        self._places_inside(tokens)

    def single(self, token: str, start: int, end: int) -> None:
        """The common one-word run, on a fast path: most are places, acronyms or sentence starts."""
        agency = AGENCIES.get(token.casefold())
        if agency or token in KNOWN_ORGS:
            self._org(agency or token, start, end)
            return
        place = canonical_place(token) or DEMONYMS.get(token)
        if place:
            self.places.setdefault(place, None)
        elif not self._contextual_person([token], token, start, end):
            self._gazetteer_city(token, start, end)

    def _org(self, name: str, start: int, end: int) -> None:
        self.orgs.setdefault(name, None)
        first = name.split(" ", 1)[0]
        place = DEMONYMS.get(first) or PLACE_ALIASES.get(first)  # "U.S. Treasury", "Brazilian Navy"
        if place:
            self.places.setdefault(place, None)
        # A news agency or outlet that "said" is a source too: "Interfax said", "the Tasnim news agency said".
        said = name in AGENCIES.values() and AFTER_SAY.match(self.text, end) is not None
        if said or self._cited_before(start) or AFTER_CITE.match(self.text, end):
            self.cited.setdefault(name, None)

    def _cited_before(self, start: int) -> bool:
        window = self.text[max(0, start - 60) : start]
        return any(trigger in window for trigger in CITE_TRIGGERS) and BEFORE_CITE.search(window) is not None

    def _role_before(self, start: int) -> tuple[bool, str | None]:
        """(is the name right after "said"/"according to", the role noun right before it if any)."""
        text = self.text
        if start < 2 or not text[start - 2].islower():
            return False, None
        head = text[max(0, start - 14) : start]
        previous = head.rsplit(None, 1)[-1].lower()
        return head.endswith(SAID_BEFORE), previous if previous in ROLE_NOUNS else None

    def _titled_person(self, tokens: list[str], start: int) -> bool:
        for index in range(len(tokens) - 2, -1, -1):
            role = TITLE_HEADS.get(tokens[index])
            if role is None:
                continue
            rest = index + 1
            if tokens[rest] in CONNECTORS:
                # "Mayor of London Sadiq Khan", "Secretary of State Antony Blinken": the name is the tail
                # after the portfolio, places and organization words.
                rest = len(tokens)
                while rest > index + 1 and is_name_word(tokens[rest - 1]) and not _is_portfolio(tokens[rest - 1]):
                    rest -= 1
                if rest == index + 1 or len(tokens) - rest < 2:  # "CEO of Tesla" names no person
                    return False
            name_tokens = tokens[rest:]
            if not 1 <= len(name_tokens) <= 4 or not all(is_name_word(token) for token in name_tokens):
                return False
            if canonical_place(" ".join(name_tokens)) or any(token in ORG_WORDS for token in name_tokens):
                return False
            offset = start + len(" ".join(tokens[:rest])) + 1
            self.mentions.append((offset, " ".join(name_tokens), role, False, title_as_written(tokens, index, rest)))
            self._title_prefix(tokens[:index])
            return True
        return False

    def _title_prefix(self, prefix: list[str]) -> None:
        """What precedes a title: "Bank of England Governor", "Iranian Foreign Ministry Spokesman"."""
        self._places_inside(prefix)
        if not _has_org_head(prefix):
            while prefix and prefix[-1] not in ORG_WORDS:
                prefix.pop()
        if len(prefix) > 1:
            self.orgs.setdefault(" ".join(prefix), None)

    def _split_at_connectors(self, tokens: list[str], start: int) -> None:
        part: list[str] = []
        offset = start
        for token in [*tokens, "of"]:
            if token in CONNECTORS:
                if part:
                    text = " ".join(part)
                    self._classify(part, offset, offset + len(text))
                    offset += len(text) + 1
                    part = []
                offset += len(token) + 1
            else:
                part.append(token)

    def _contextual_person(self, tokens: list[str], name: str, start: int, end: int) -> bool:
        said_before, role = self._role_before(start)
        after = AFTER_SAY.match(self.text, end) or (len(tokens) > 1 and AFTER_APPOSITIVE.match(self.text, end))
        if not (said_before or role or after):
            return False
        if (
            tokens[-1] in TITLE_HEADS
            or tokens[-1] in NOT_NAME_ENDINGS
            or tokens[0] in NOT_NAME_STARTS
            or any(token in ORG_WORDS or token in DEMONYMS or not is_name_word(token) for token in tokens)
        ):
            return False
        title = role
        while len(tokens) > 1 and tokens[0] in NAME_LEAD_WORDS:  # "said Republican Chuck Grassley"
            start += len(tokens.pop(0)) + 1
        while len(tokens) > 1 and tokens[0].lower() in ROLE_NOUNS:  # "Billionaire Elon Musk said"
            title = tokens.pop(0)
            role = title.lower()
            start += len(role) + 1
        name = " ".join(tokens)
        self.mentions.append((start, name, role, len(tokens) == 1, title))
        if self._cited_before(start):
            self.cited.setdefault(name, None)
        return True

    def _gazetteer_city(self, name: str, start: int, end: int) -> bool:
        city = canonical_city(name)
        if city is None:
            return False
        if self.text.startswith(("'s", "’s"), end):
            return False  # "in Holiday's capital": a company's name
        after = _PLACE_AFTER.match(self.text, end)
        region = after.group(1) if after else ""
        in_region = is_region(region) and country_of_place(region) == country_of_place(city)
        if not in_region and _PLACE_BEFORE.search(self.text, max(0, start - 9), start) is None:
            return False
        self.places.setdefault(city, None)
        return True

    def _places_inside(self, tokens: list[str]) -> None:
        if len(tokens) == 1:
            place = canonical_place(tokens[0]) or DEMONYMS.get(tokens[0])
            if place:
                self.places.setdefault(place, None)
            return
        for size in (3, 2, 1):
            for index in range(len(tokens) - size + 1):
                words = " ".join(tokens[index : index + size])
                place = canonical_place(words) or DEMONYMS.get(words)
                if place:
                    self.places.setdefault(place, None)


def _is_portfolio(token: str) -> bool:
    return token in PORTFOLIO or token in ORG_WORDS or canonical_place(token) is not None


def _has_org_head(tokens: list[str]) -> bool:
    return any(
        token in ORG_HEADS and tokens[index + 1] in ("of", "for", "of the", "the")
        for index, token in enumerate(tokens[:-1])
    )


def extract_entities(text: str, dateline_place: str | None = None) -> Entities:
    scan = _Scan(text)
    if dateline_place:
        scan.places[canonical_place(dateline_place) or dateline_place] = None
    for match in RUN_RE.finditer(text):
        run = match.group()
        if " " in run:
            scan.run(run.split(" "), match.start(), match.end())
        elif run not in NON_NAME_WORDS:
            scan.single(run, match.start(), match.end())
    mentions = resolve_mentions(scan.mentions)
    persons = dict.fromkeys(mention.name for mention in mentions)
    for name in persons:
        scan.orgs.pop(name, None)
    return Entities(
        persons=tuple(persons),
        places=tuple(with_countries(list(scan.places))),  # "Tokyo" brings "Japan"
        organizations=tuple(scan.orgs),
        cited_sources=tuple(scan.cited),
        mentions=tuple(mentions),
    )
