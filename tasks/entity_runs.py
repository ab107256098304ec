"""What a capitalized run's own words make it, decided once per process: `tasks.entities` then checks only
what depends on the text around the run (said/according to, "in Lodz").

A decision is (ORG, name), (PLACE, name), (TITLED, title index, name index), (SPLIT,) -- split at its
connectors -- or (OTHER, person-shaped, gazetteer city or None, places inside). The same runs recur across
articles ("U.S.", "Reuters", "Prime Minister ..."), so each is decided once and kept in a bounded cache.
"""

from __future__ import annotations

from typing import Any

from tasks.gazetteer import (
    AGENCIES,
    DEMONYMS,
    KNOWN_ORGS,
    NON_NAME_WORDS,
    ORG_HEADS,
    ORG_WORDS,
    PLACE_ALIASES,
    PLACE_WORDS,
    TITLE_HEADS,
)
from tasks.metadata_geo import canonical_city
from tasks.names import (
    CONNECTORS,
    NOT_NAME_ENDINGS,
    NOT_NAME_STARTS,
    PORTFOLIO,
    canonical_agency,
    canonical_place,
    is_name_word,
)

ORG, PLACE, TITLED, SPLIT, OTHER = range(5)
Decision = tuple[Any, ...]
_RUNS: dict[str, Decision] = {}  # runs (or their segments) of several words, by name
_SINGLES: dict[str, Decision] = {}  # one-word runs, by token
# What the entity scan does with a one-word run, by token: its decision, or None when there is nothing to do
# (a non-name word, or neither an organization, a place, a possible name nor a gazetteer city: 1 word in 4).
# One dict read per word in the hot loop, where the word-list check, the decision and its test took three.
_SINGLE_ACTIONS: dict[str, Decision | None] = {}
cached_single_action = _SINGLE_ACTIONS.get
_SEGMENTS: dict[str, tuple[tuple[tuple[str, ...], int, int], ...]] = {}  # run -> name-like segments
Plan = tuple[tuple[tuple[str, ...], int, int, Decision], ...]
_PLANS: dict[str, Plan] = {}  # run -> its segments, each with its decision
_MAX_CACHED = 50_000  # entries per cache, about 13 MB when full (~260 B an entry); a full cache is cleared
AGENCY_NAMES = frozenset(AGENCIES.values())
# Per organization name: (the place its first word names, is it a news agency): "U.S. Treasury", "Interfax".
_ORG_FACTS: dict[str, tuple[str | None, bool]] = {}
cached_org_facts = _ORG_FACTS.get


def _remember(cache: dict[str, Any], key: str, value: Any) -> Any:
    if len(cache) >= _MAX_CACHED:
        cache.clear()
    cache[key] = value
    return value


def segments(run: str) -> tuple[tuple[tuple[str, ...], int, int], ...]:
    """The parts of a capitalized run worth classifying, with their [start, end) in the run: connectors and
    sentence starters trimmed off its ends, and a sentence starter inside splits it ("the U.S. The ministry")."""
    found = _SEGMENTS.get(run)
    if found is None:
        parts: list[tuple[tuple[str, ...], int, int]] = []
        _split_run(run.split(" "), 0, len(run), parts)
        found = _remember(_SEGMENTS, run, tuple(parts))
    return found


def _split_run(tokens: list[str], start: int, end: int, parts: list[tuple[tuple[str, ...], int, int]]) -> None:
    while tokens and (tokens[0] in NON_NAME_WORDS or tokens[0] in CONNECTORS):
        start += len(tokens.pop(0)) + 1
    while tokens and (tokens[-1] in CONNECTORS or tokens[-1] in NON_NAME_WORDS):
        end -= len(tokens.pop()) + 1
    if not tokens:
        return
    for index, token in enumerate(tokens):
        if token in NON_NAME_WORDS and index:
            _split_run(tokens[:index], start, start + len(" ".join(tokens[:index])), parts)
            rest = tokens[index + 1 :]
            _split_run(rest, end - len(" ".join(rest)), end, parts)
            return
    parts.append((tuple(tokens), start, end))


def _decide(tokens: list[str], name: str) -> Decision:
    """What the words of a run (or of a segment of one) make it, in this order of precedence."""
    agency = canonical_agency(name)
    if agency or name in KNOWN_ORGS:
        return (ORG, agency or name)
    place = canonical_place(name)
    if place:
        return (PLACE, place)
    titled = _title_split(tokens)
    if titled is not None:
        return (TITLED, *titled)
    if len(tokens) > 1 and tokens[-1] in PLACE_WORDS:  # "Sun City", "Wall Street", "Central Coast"
        return (PLACE, name)
    has_connector = any(token in CONNECTORS for token in tokens)
    if (len(tokens) > 1 and tokens[-1] in ORG_WORDS) or (has_connector and has_org_head(tokens)):
        return (ORG, name)
    if has_connector:
        return (SPLIT,)
    return (OTHER, _person_shaped(tokens), canonical_city(name), places_in(tokens))


def _decide_single(token: str) -> Decision:
    agency = AGENCIES.get(token.casefold())
    if agency or token in KNOWN_ORGS:
        return (ORG, agency or token)
    place = canonical_place(token) or DEMONYMS.get(token)
    if place:
        return (PLACE, place)
    return (OTHER, _person_shaped([token]), canonical_city(token), ())


def _title_split(tokens: list[str]) -> tuple[int, int] | None:
    """(index of the title's head word, index where the name starts) when the run is a titled person:
    "Rear Admiral Ana Lucia Ferreira"; only the last title word of the run is considered."""
    for index in range(len(tokens) - 2, -1, -1):
        if tokens[index] not in TITLE_HEADS:
            continue
        rest = index + 1
        if tokens[rest] in CONNECTORS:
            # "Mayor of London Sadiq Khan", "Secretary of State Antony Blinken": the name is the tail
            # after the portfolio, places and organization words.
            rest = len(tokens)
            while rest > index + 1 and is_name_word(tokens[rest - 1]) and not _is_portfolio(tokens[rest - 1]):
                rest -= 1
            if rest == index + 1 or len(tokens) - rest < 2:  # "CEO of Tesla" names no person
                return None
        name_tokens = tokens[rest:]
        if not 1 <= len(name_tokens) <= 4 or not all(is_name_word(token) for token in name_tokens):
            return None
        if canonical_place(" ".join(name_tokens)) or any(token in ORG_WORDS for token in name_tokens):
            return None
        return index, rest
    return None


def _person_shaped(tokens: list[str]) -> bool:
    """Words that can be a person's name when the context says so: no title or organization word at the end,
    no compass word first, no organization word, demonym or non-name word anywhere."""
    return not (
        tokens[-1] in TITLE_HEADS
        or tokens[-1] in NOT_NAME_ENDINGS
        or tokens[0] in NOT_NAME_STARTS
        or any(token in ORG_WORDS or token in DEMONYMS or not is_name_word(token) for token in tokens)
    )


def places_in(tokens: list[str]) -> tuple[str, ...]:
    """Places named inside a run that is none itself: three-, two-, then one-word windows."""
    if len(tokens) == 1:
        place = canonical_place(tokens[0]) or DEMONYMS.get(tokens[0])
        return (place,) if place else ()
    found: list[str] = []
    for size in (3, 2, 1):
        for index in range(len(tokens) - size + 1):
            words = " ".join(tokens[index : index + size])
            place = canonical_place(words) or DEMONYMS.get(words)
            if place:
                found.append(place)
    return tuple(found)


def _is_portfolio(token: str) -> bool:
    return token in PORTFOLIO or token in ORG_WORDS or canonical_place(token) is not None


def has_org_head(tokens: list[str]) -> bool:
    return any(
        token in ORG_HEADS and tokens[index + 1] in ("of", "for", "of the", "the")
        for index, token in enumerate(tokens[:-1])
    )


def run_decision(tokens: list[str], name: str) -> Decision:
    """The decision for a run (or a segment of one) of several words; `name` is `" ".join(tokens)`."""
    found = _RUNS.get(name)
    if found is None:
        found = _remember(_RUNS, name, _decide(tokens, name))
    return found


def run_plan(run: str) -> Plan:
    """`segments(run)`, each with its `run_decision`: one cache look-up per run in the hot path instead of
    three (segments, then a join and a decision per segment)."""
    found = _PLANS.get(run)
    if found is None:
        plan = tuple(
            (tokens, begin, end, run_decision(list(tokens), " ".join(tokens))) for tokens, begin, end in segments(run)
        )
        found = _remember(_PLANS, run, plan)
    return found


def single_action(token: str) -> Decision | None:
    """The decision for a one-word run the entity scan must act on, else None (see `_SINGLE_ACTIONS`)."""
    action: Decision | None = None
    if token not in NON_NAME_WORDS:
        decision = single_decision(token)
        if decision[0] != OTHER or decision[1] or decision[2] is not None:
            action = decision
    _remember(_SINGLE_ACTIONS, token, action)
    return action


def single_decision(token: str) -> Decision:
    """The decision for a one-word run."""
    found = _SINGLES.get(token)
    if found is None:
        found = _remember(_SINGLES, token, _decide_single(token))
    return found


def org_facts(name: str) -> tuple[str | None, bool]:
    """(the place the first word of organization `name` names, is `name` a news agency), kept in a cache."""
    first = name.split(" ", 1)[0]
    facts: tuple[str | None, bool] = (DEMONYMS.get(first) or PLACE_ALIASES.get(first), name in AGENCY_NAMES)
    _remember(_ORG_FACTS, name, facts)
    return facts
