"""Rule-based named entities for wire copy: persons, places, organizations and cited sources.

One regex pass finds runs of capitalized words (with "of"/"de"-style connectors); each run is classified
from its own words (titles, organization words, gazetteer) and a few characters of context on either side
("said", "according to", "spokesman ..."). No model, no per-character Python loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.entity_runs import (
    ORG,
    OTHER,
    PLACE,
    SPLIT,
    TITLED,
    Decision,
    cached_org_facts,
    cached_single_action,
    has_org_head,
    org_facts,
    places_in,
    run_decision,
    run_plan,
    single_action,
)
from tasks.gazetteer import (
    NAME_LEAD_WORDS,
    ORG_WORDS,
    ROLE_NOUNS,
    TITLE_HEADS,
)
from tasks.metadata_geo import country_of_place, is_region, with_countries
from tasks.metadata_roles import title_as_written
from tasks.names import (
    AFTER_APPOSITIVE,
    AFTER_CITE,
    AFTER_SAY,
    BEFORE_CITE_REVERSED,
    CITE_TRIGGERS,
    CONNECTORS,
    SAID_BEFORE,
    PersonMention,
    canonical_place,
    capitalized_runs,
    resolve_mentions,
)

# A city the word lists do not know is taken from the gazetteer only where the text uses it as a place:
# after a lowercase preposition of place ("in Lodz", "near Porto Alegre") or before its state or country ("Akron,
# Ohio"). Alone, "Reading", "Mobile" or "Split" are words first.
_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|outside|around|across)\s$")
_PLACE_AFTER = re.compile(r", ([A-Z][a-z]+(?: [A-Z][a-z]+)?)")
# A one-word run not in the action cache yet. Typed as a Decision, a tuple of any length: compiled (setup.py), a
# fixed-length tuple is unboxed, and `is` would never match the object stored.
_UNDECIDED: Decision = ("undecided",)
# `_role_before` when the word before a run is neither a role noun nor "said"; compared with !=, as compiled
# tuples are unboxed (see _UNDECIDED).
_NO_ROLE = (False, None)
# The last three letters of the words `_role_before` looks for; any other word before a run is no role.
_BEFORE_TAILS = frozenset({noun[-3:] for noun in ROLE_NOUNS} | {said[-4:-1] for said in SAID_BEFORE})


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

    def run(self, text: str, start: int) -> None:
        """A capitalized run of several words: its name-like segments, each classified."""
        for tokens, begin, end, decision in run_plan(text):
            kind = decision[0]
            # The common outcomes inline, without `_apply`'s call and its copy of the tokens.
            if kind == ORG:
                self._org(decision[1], start + begin, start + end)
            elif kind == PLACE:
                self.places.setdefault(decision[1], None)
            elif kind == OTHER:
                self._other(tokens, start + begin, start + end, decision)
            else:
                self._apply(list(tokens), start + begin, start + end, decision)

    def _classify(self, tokens: list[str], start: int, end: int) -> None:
        self._apply(tokens, start, end, run_decision(tokens, " ".join(tokens)))

    def _apply(self, tokens: list[str], start: int, end: int, decision: Decision) -> None:
        kind = decision[0]
        if kind == ORG:
            self._org(decision[1], start, end)
        elif kind == PLACE:
            self.places.setdefault(decision[1], None)
        elif kind == TITLED:
            self._titled_person(tokens, start, decision[1], decision[2])
        elif kind == SPLIT:
            self._split_at_connectors(tokens, start)
        else:
            self._other(tokens, start, end, decision)

    def _other(self, tokens: tuple[str, ...] | list[str], start: int, end: int, decision: Decision) -> None:
        """A run neither an organization, a place nor a titled person by its words: a person where the context
        says so, else a gazetteer city where the text uses it as one, else the places inside it."""
        if (
            decision[1]
            and self._context_may_name(start, end, len(tokens) > 1)
            and self._contextual_person(list(tokens), start, end)
        ):
            return
        if decision[2] is not None and self._gazetteer_city(decision[2], start, end):
            return
        for place in decision[3]:
            self.places.setdefault(place, None)

    def _context_may_name(self, start: int, end: int, several: bool) -> bool:
        """False where `_contextual_person` is sure to answer False: no role noun or "said" right before the run
        (`_role_before`, which needs a lowercase word there first), no "said" after it, no appositive after a run
        of several words. These tests skip most calls: one run in five that gets here names a person."""
        text = self.text
        return (
            (start >= 2 and text[start - 2].islower() and self._role_before(start) != _NO_ROLE)
            or AFTER_SAY.match(text, end) is not None
            or (several and AFTER_APPOSITIVE.match(text, end) is not None)
        )

    def single(self, token: str, start: int, end: int, decision: Decision) -> None:
        """A one-word run's action (`single_action`) other than the two `extract_entities` takes itself."""
        kind = decision[0]
        if kind == ORG:
            self._org(decision[1], start, end)
            return
        if kind == PLACE:
            self.places.setdefault(decision[1], None)
            return
        if decision[1] and self._context_may_name(start, end, False) and self._contextual_person([token], start, end):
            return
        if decision[2] is not None:
            self._gazetteer_city(decision[2], start, end)

    def _org(self, name: str, start: int, end: int) -> None:
        self.orgs.setdefault(name, None)
        place, agency = cached_org_facts(name) or org_facts(name)  # "U.S. Treasury" -> United States
        if place:
            self.places.setdefault(place, None)
        # A news agency or outlet that "said" is a source too: "Interfax said", "the Tasnim news agency said".
        said = agency and AFTER_SAY.match(self.text, end) is not None
        if said or self._cited_before(start) or AFTER_CITE.match(self.text, end):
            self.cited.setdefault(name, None)

    def _cited_before(self, start: int) -> bool:
        """`any(trigger in window) and BEFORE_CITE.search(window)` on the 60 characters before `start`. The
        search is anchored at the window's end, so it is run as one anchored match on the reversed window
        (`BEFORE_CITE_REVERSED`): it fails at the word before the run instead of trying 60 start positions."""
        low = max(0, start - 60)
        text = self.text
        if not start or BEFORE_CITE_REVERSED.match(text[start - 1 : low - 1 if low else None : -1]) is None:
            return False
        window = text[low:start]
        # map() keeps the trigger test in C.
        return any(map(window.__contains__, CITE_TRIGGERS))

    def _role_before(self, start: int) -> tuple[bool, str | None]:
        """(is the name right after "said"/"according to", the role noun right before it if any)."""
        text = self.text
        if start < 2 or not text[start - 2].islower():
            return _NO_ROLE
        if start >= 4 and text[start - 1] == " ":
            # The word before ends at start - 2: its last three letters rule out nearly every word that is
            # neither a role noun nor "said"/"says"/"added"/"to" without the copy, split and lower below.
            tail = text[start - 4 : start - 1]
            if tail.isascii() and tail.lower() not in _BEFORE_TAILS:
                return _NO_ROLE
        head = text[max(0, start - 14) : start]
        previous = head.rsplit(None, 1)[-1].lower()
        said = head.endswith(SAID_BEFORE)
        return (said, previous) if previous in ROLE_NOUNS else (True, None) if said else _NO_ROLE

    def _titled_person(self, tokens: list[str], start: int, index: int, rest: int) -> None:
        """The person of a run that `_title_split` found a title and a name in."""
        offset = start + len(" ".join(tokens[:rest])) + 1
        role = TITLE_HEADS[tokens[index]]
        self.mentions.append((offset, " ".join(tokens[rest:]), role, False, title_as_written(tokens, index, rest)))
        self._title_prefix(tokens[:index])

    def _title_prefix(self, prefix: list[str]) -> None:
        """What precedes a title: "Bank of England Governor", "Iranian Foreign Ministry Spokesman"."""
        self._places_inside(prefix)
        if not has_org_head(prefix):
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

    def _contextual_person(self, tokens: list[str], start: int, end: int) -> bool:
        """A run `_person_shaped` names a person where the text around it says so ("said X", "X said")."""
        said_before, role = self._role_before(start)
        after = AFTER_SAY.match(self.text, end) or (len(tokens) > 1 and AFTER_APPOSITIVE.match(self.text, end))
        if not (said_before or role or after):
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

    def _gazetteer_city(self, city: str, start: int, end: int) -> bool:
        """`city` (the gazetteer's name of the run at start:end) is a place where the text uses it as one."""
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
        for place in places_in(tokens):
            self.places.setdefault(place, None)


def extract_entities(text: str, dateline_place: str | None = None) -> Entities:
    scan = _Scan(text)
    if dateline_place:
        scan.places[canonical_place(dateline_place) or dateline_place] = None
    places = scan.places
    for match in capitalized_runs(text):
        run = match[0]
        if " " in run:
            scan.run(run, match.start())
            continue
        decision = cached_single_action(run, _UNDECIDED)
        if decision is _UNDECIDED:
            decision = single_action(run)
        if decision is None:  # most one-word runs are sentence starts or common words: nothing to do
            continue
        kind = decision[0]
        if kind == PLACE:  # the commonest action, without a call
            places.setdefault(decision[1], None)
            continue
        start = match.start()
        end = start + len(run)
        if kind == OTHER and decision[2] is None:
            # A possible name that is no city (most of the rest): `single`'s test inline, as the call costs more
            # than the test, which nearly always finds no role noun or "said" next to the word.
            if decision[1] and (
                (start >= 2 and text[start - 2].islower() and scan._role_before(start) != _NO_ROLE)
                or AFTER_SAY.match(text, end) is not None
            ):
                scan._contextual_person([run], start, end)
            continue
        scan.single(run, start, end, decision)
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
