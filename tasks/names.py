"""Names in wire copy: the capitalized-run pattern, canonical agency and place names, and resolution
of partial person mentions ("Ferreira", "Mr Durov") to the full name given earlier in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from tasks.gazetteer import AGENCIES, PLACE_ALIASES, PLACES, word_set


def by_first_letter(words: str) -> str:
    """The alternation `words` ("said|says|told") regrouped by first letter: "s(?:aid|ays)|t(?:old)". It matches
    what `words` matches, in the same order of preference (branches that start with different letters cannot
    both match at one position; within a letter the order is kept), but the engine tests a word's first letter
    once per group instead of once per word: the say-verbs are tried at every space of a quote's attribution."""
    groups: dict[str, list[str]] = {}
    for word in words.split("|"):
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items())


_UP = "A-ZÀ-ÖØ-ÞĀ-Ž"
_LO = "a-zß-öø-ÿĀ-ž"
_ABBREVIATIONS = (
    "Gen|Dr|Mr|Mrs|Ms|Mx|Prof|Rev|Sen|Rep|Gov|Lt|Col|Maj|Capt|Sgt|Adm|Brig|Cmdr|Insp|Det|Supt|Amb|St|Jr|Sr"
    "|Corp|Inc|Ltd|Co"
)
_ABBR = rf"(?:{by_first_letter(_ABBREVIATIONS)})\."
_CAP_REST = rf"(?:[{_LO}]+(?:[{_UP}][{_LO}]+)*|['’][{_UP}][{_LO}]+)(?:-[{_UP}]?[{_LO}]+)*\b"  # after the capital
_CAP = rf"[{_UP}]{_CAP_REST}"
_TOKEN = (
    rf"(?:{_ABBR}|(?:a[lsdnrtz]|el|ash)-[{_UP}][{_LO}]+\b|[{_UP}]{{2,}}\d*(?:-[{_UP}]+)?\b|(?:[{_UP}]\.){{2,}}"
    rf"|G\d{{1,2}}\b|{_CAP}|[{_UP}]\.)"
)
CONNECTORS = word_set("of|the|for|de|da|do|dos|das|du|van|von|der|den|del|della|di|la|le|bin|ibn|ben|&")
_CONNECTORS = "of the|for the|of|for|de|da|do|dos|das|du|van|von|der|den|del|della|di|la|le|bin|ibn|ben|&"
_CONNECTOR = rf"(?:{by_first_letter(_CONNECTORS)})"
# What can follow a run's token and a space: a connector or another token. The look-ahead (a necessary condition,
# so the matches stay the same) turns away the usual lowercase word after a run in one class test, before the
# engine tries some fifty alternatives of the connector and the token on it.
_NEXT_START = rf"(?=[{_UP}aeofdvlbi&])"
# The leading lookahead lets the engine skip lowercase positions before trying the token alternation.
# On a whole body, `capitalized_runs` finds the same runs in about half the time.
RUN_RE = re.compile(
    rf"(?=[{_UP}]|a[lsdnrtz]-|el-|ash-)(?<![\w'’.-]){_TOKEN}(?: {_NEXT_START}(?:{_CONNECTOR} )?{_TOKEN})*"
)


def _upper_first_token() -> str:
    """_TOKEN for a run's first token when it starts with a capital, written so the pattern opens with a character
    class: the engine then jumps to capitals in C, where RUN_RE's look-ahead is tried at every position (twice
    the time). After the capital, every alternative opens with a literal or a class, which the engine checks
    against the next character before trying the branch; a look-behind after that says which capital an
    abbreviation's tail ("rs" of "Mrs") or a "G7"'s digit needs. Branch order is _TOKEN's."""
    # Grouped by the tail's first letter, as `by_first_letter` does, keeping the order within a letter.
    by_letter: dict[str, list[str]] = {}
    for abbreviation in _ABBREVIATIONS.split("|"):
        tail = abbreviation[1:]
        by_letter.setdefault(tail[0], []).append(f"{tail[1:]}(?<={abbreviation})")
    abbreviations = "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in by_letter.items())
    return (
        rf"[{_UP}](?<![\w'’.-].)(?:(?:{abbreviations})\.|[{_UP}]+\d*(?:-[{_UP}]+)?\b|\.(?:[{_UP}]\.)+"
        rf"|\d(?<=G\d)\d?\b|{_CAP_REST}|\.)"
    )


# RUN_RE for texts where no run opens with "al-"/"el-"/"ash-" (what _PARTICLE_START finds; it scans for "-").
_UPPER_RUN_RE = re.compile(rf"{_upper_first_token()}(?: {_NEXT_START}(?:{_CONNECTOR} )?{_TOKEN})*")
_BOUNDARY = r"(?<![\w'’.-])"
_PARTICLE_START = re.compile(rf"-(?:(?<={_BOUNDARY}a[lsdnrtz]-)|(?<={_BOUNDARY}el-)|(?<={_BOUNDARY}ash-))[{_UP}]")


def capitalized_runs(text: str) -> Iterator[re.Match[str]]:
    """`RUN_RE.finditer(text)`, the same matches, faster on a long text."""
    return (RUN_RE if _PARTICLE_START.search(text) else _UPPER_RUN_RE).finditer(text)


SAY_VERBS = (
    "said|says|told|added|stated|noted|explained|warned|wrote|argued|insisted|announced|asked|replied|"
    "recalled|declared|confirmed|acknowledged|tweeted|posted|testified|urged|stressed|emphasized|emphasised|"
    "claimed|continued|conceded|cautioned|remarked|responded|commented"
)
SAY_VERBS_RE = by_first_letter(SAY_VERBS)  # SAY_VERBS as a faster regex alternation
# Context around a capitalized run that makes it a speaker or a cited source.
AFTER_SAY = re.compile(rf"(?: (?:also|later|previously|earlier|then|further))? (?:{SAY_VERBS_RE})\b")
AFTER_APPOSITIVE = re.compile(r", (?:\d{1,3},|(?:a|an|the|who|whose) )")
SAID_BEFORE = ("said ", "says ", "added ", "according to ")
CITE_TRIGGERS = ("according to", "told", "citing", " by ", " in ", " with ")
_CITE_VERBS = "according to|told|citing|quoted by|reported by"  # "... according to the state news agency X"
_CITE_NOUNS = "report|statement|interview|article|broadcast|post"  # "a report by ...", "an interview with ..."
_CITE_PREPOSITIONS = "by|from|in|on|with"
_CITE_FILLERS = (
    "the|a|an|state|state-run|state-owned|official|semi-official|local|news|agency|media|broadcaster|television|"
    "newspaper|daily|website|outlet|channel"
)
BEFORE_CITE = re.compile(
    rf"\b(?:{_CITE_VERBS}|(?:an?|the) (?:{_CITE_NOUNS}) (?:{_CITE_PREPOSITIONS}))"
    rf"\s+(?:(?:{_CITE_FILLERS}|[a-z]+-run|[a-z]+-based)\s+){{0,4}}$"
)


def _backwards(words: str) -> str:
    return "|".join(word[::-1] for word in words.split("|"))


# BEFORE_CITE spelled backwards, for an anchored match on the reversed text before a run: the reversed windows
# it matches are those BEFORE_CITE finds a match in (`$` may also match before a final newline, but `\s+` can
# take that newline too). One anchored try fails at the word before the run, where a search of the window tries
# every start position.
BEFORE_CITE_REVERSED = re.compile(
    rf"\s+(?:(?:{_backwards(_CITE_FILLERS)}|nur-[a-z]+|desab-[a-z]+)\s+){{0,4}}"
    rf"(?:{_backwards(_CITE_VERBS)}|(?:{_backwards(_CITE_PREPOSITIONS)}) (?:{_backwards(_CITE_NOUNS)}) (?:a|na|eht))\b"
)
AFTER_CITE = re.compile(
    r" (?:(?:news agency|newspaper|daily|television|TV|website|broadcaster) )?"
    r"(?:reported|reports|said in a report|quoted|cited)\b| (?:news agency|newspaper) said\b"
)
NOT_NAME_ENDINGS = word_set("Day|Eve|Week|Year|Games|Cup|Prize|Award")
NOT_NAME_STARTS = word_set("North|South|East|West|Northern|Southern|Eastern|Western|Central|Greater")
# Portfolio words skipped between a title and a name: "Secretary of State Antony Blinken".
PORTFOLIO = word_set(
    "of|the|for|State|Defense|Defence|Foreign|Affairs|Interior|Finance|Health|Justice|Energy|Commerce|Trade|"
    "Economy|Education|Labor|Labour|Agriculture|Oil|Petroleum|Industry|Transport|Homeland|Security|Treasury|"
    "Information|Culture|Intelligence|Environment|Home|War"
)


@dataclass(frozen=True)
class PersonMention:
    start: int  # character offset in the body
    name: str  # full name once resolved; roles removed
    role: str | None  # lowercase title or role word that introduced the name ("minister", "admiral")
    title: str | None = None  # that title or role as written: "Rear Admiral", "Secretary of State", "spokesman"


def canonical_agency(name: str) -> str | None:
    key = name.strip().casefold().removeprefix("the ")
    return AGENCIES.get(key) or AGENCIES.get(key.removesuffix(" news agency").removesuffix(" agency"))


def canonical_place(name: str) -> str | None:
    if name in PLACE_ALIASES:
        return PLACE_ALIASES[name]
    return name if name in PLACES else None


def is_name_word(token: str) -> bool:
    if not token:
        return False
    if "-" in token[:4] and token[0].islower():  # "al-Assad"
        return True
    return token[0].isupper() and ((len(token) == 2 and token[-1] == ".") or not token.isupper())


class FullNames:
    """The multi-word person names of one text, indexed by each proper suffix and prefix of their words."""

    def __init__(self, mentions: Iterable[tuple[int, str]]) -> None:
        self._starts: dict[str, list[int]] = {}
        self._by_suffix: dict[str, list[str]] = {}
        self._by_prefix: dict[str, list[str]] = {}
        for start, full in mentions:
            if full in self._starts:
                self._starts[full].append(start)
                continue
            words = full.split(" ")
            if len(words) < 2:
                continue
            self._starts[full] = [start]
            for cut in range(1, len(words)):
                self._by_suffix.setdefault(" ".join(words[cut:]), []).append(full)
                self._by_prefix.setdefault(" ".join(words[:cut]), []).append(full)

    def resolve(self, name: str, position: int) -> str:
        """The full name that `name` abbreviates ("Ferreira" -> "Ana Lucia Ferreira"), else `name`.

        Surnames first; then surname-first names ("Hua" -> "Hua Chunying", "Kim" -> "Kim Jong Un"). With two
        people of one surname, the one the text names in full more often wins (the story is about Hillary,
        not Bill, Clinton); on a tie, the one mentioned last before `position`, as a reader would; if neither
        was mentioned yet, the first one in the text.
        """
        candidates = self._by_suffix.get(name) or self._by_prefix.get(name)
        if not candidates:
            return name
        if len(candidates) == 1:
            return candidates[0]
        return max(
            candidates,
            key=lambda full: (
                len(self._starts[full]),
                max((start for start in self._starts[full] if start <= position), default=-1),
            ),
        )


_LAST_FULL_NAMES: tuple[object, FullNames | None] = (None, None)


def full_names_of(mentions: Sequence[PersonMention]) -> FullNames:
    """`FullNames` of a text's mentions. Quotes and person roles both index the same mentions tuple of one
    article: the index of the last tuple is kept (by identity; it is read-only) and built once. A Sequence, not a
    tuple: compiled (setup.py), a list given here would raise instead of being indexed afresh."""
    global _LAST_FULL_NAMES
    last, names = _LAST_FULL_NAMES  # one read of the pair: safe if threads share the module
    if last is mentions and names is not None:
        return names
    names = FullNames((mention.start, mention.name) for mention in mentions)
    if type(mentions) is tuple:  # a list could change under the same identity
        _LAST_FULL_NAMES = (mentions, names)
    return names


def resolve_mentions(raw: list[tuple[int, str, str | None, bool, str | None]]) -> list[PersonMention]:
    """Map surname-only and partial mentions to the full name they abbreviate; drop unresolved weak ones."""
    ordered = sorted(raw, key=lambda mention: mention[0])
    full_names = FullNames((start, name) for start, name, _, _, _ in ordered)
    resolved: list[PersonMention] = []
    for start, name, role, weak, title in ordered:
        full = full_names.resolve(name, start)
        if full == name and weak:
            continue
        resolved.append(PersonMention(start, full, role, title))
    return resolved
