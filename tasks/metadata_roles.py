"""Persons with their title or role kept apart from the name, and how often the text refers to each.

"Rear Admiral Ana Lucia Ferreira" is the person "Ana Lucia Ferreira" with the role "Rear Admiral"; later
"Ferreira" and "the admiral" refer to her. Titles come from the capitalized run that introduces a name
(`tasks.entities`), lowercase roles from the word before it ("spokesman Ali Rezaei").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.gazetteer import TITLE_HEADS, word_set
from tasks.names import PORTFOLIO, PersonMention, full_names_of

# Words that extend a title to their right: "Rear Admiral", "Prime Minister", "Foreign Minister", "Vice President".
_TITLE_MODIFIERS = PORTFOLIO | word_set(
    "Rear|Vice|Deputy|Prime|Lieutenant|Brigadier|Major|Chief|Executive|Senior|Acting|Supreme|Attorney|Grand|"
    "Crown|First|Former|Under|Assistant|Associate|Managing|Interim|Sports|Games|Political|Press|Communications|"
    "Staff|Police|Fire|Army|Navy|Air|Marine|Sergeant|Private|Corporal"
)
_CAPITALIZED_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ][\w-]*")
_WORD_BEFORE = re.compile(r"[\w'’-]")
_WORD_AFTER = re.compile(r"[\w-]")
# "the admiral": `\b[Tt]he ...` with the word boundary checked after the first letter, so the engine scans
# for T/t in C instead of trying the pattern at every position.
_THE_ROLE = re.compile(r"[Tt](?<!\w[Tt])he ([a-z][a-z-]+)\b")
# Honorifics say nothing about a role.
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "mr.", "mrs.", "ms.", "mx.", "sir", "dame", "lady", "lord"})


@dataclass(frozen=True)
class PersonRole:
    name: str  # full name, role removed
    role: str | None  # the first title or role the text gives them, as written: "Rear Admiral", "spokesman"
    mentions: int  # references to them: full name, surname or given name alone, "the admiral"


def title_as_written(tokens: list[str], index: int, rest: int) -> str | None:
    """The title in `tokens` whose head word is tokens[index] and whose name starts at tokens[rest]:
    "Rear Admiral" from [Rear, Admiral, Ana, ...], "Secretary of State" from [Secretary, of, State, Antony, ...]."""
    first = index
    while first > 0 and (tokens[first - 1] in _TITLE_MODIFIERS or tokens[first - 1] in TITLE_HEADS):
        if tokens[first - 1] in ("of", "the", "for"):
            break
        first -= 1
    words = tokens[first:rest]
    while words and words[0].lower() in _HONORIFICS:
        words.pop(0)
    return " ".join(words) or None


def _word_starts(text: str, word: str) -> list[int]:
    r"""Where `word` stands in `text` as a whole capitalized word: the starts of the matches of
    `(?<![\w'’-])[A-ZÀ-ÖØ-Þ][\w-]*` equal to it. A few `str.find` calls per name instead of a regex pass
    that collects every capitalized word of the text (the costliest part of this step before)."""
    if not _CAPITALIZED_WORD.fullmatch(word):
        return []
    starts: list[int] = []
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not _WORD_BEFORE.match(text, at - 1)) and not _WORD_AFTER.match(text, end):
            starts.append(at)
        at = text.find(word, end)
    return starts


def _role_references(text: str, roles: set[str]) -> list[tuple[int, str]]:
    """(start, role) of the `_THE_ROLE` matches (scanned left to right) whose role word is one of `roles`.

    Found with `str.find("he admiral")` per role and `_THE_ROLE.match` there, instead of a scan that stops at
    every "the" of the text (half the cost of `person_roles` before). A match can lie inside an earlier one
    only after a hyphen ("the vice-the ...") or another "the" ("the the admiral"); there the scan decides."""
    found: list[tuple[int, str]] = []
    for role in roles:
        at = text.find("he " + role, 1)
        while at > 0:
            match = _THE_ROLE.match(text, at - 1)
            if match is not None and match.group(1) == role:
                if text[at - 2 : at - 1] == "-" or text[at - 4 : at - 1] == "he ":
                    return [(m.start(), m.group(1)) for m in _THE_ROLE.finditer(text) if m.group(1) in roles]
                found.append((at - 1, role))
            at = text.find("he " + role, at + 1)
    return found


def person_roles(text: str, mentions: tuple[PersonMention, ...]) -> tuple[PersonRole, ...]:
    """One entry per person, in order of first mention."""
    titles: dict[str, str | None] = {}
    for mention in mentions:
        if titles.get(mention.name) is None:
            titles[mention.name] = mention.title
    full_names = full_names_of(mentions)
    counts = dict.fromkeys(titles, 0)
    for name in titles:
        words = name.split(" ")
        surname, given = words[-1], words[0]
        for start in _word_starts(text, given):  # the full name, or a surname-first short form ("Kim", "Hua")
            if text.startswith(name, start) or (len(words) > 1 and full_names.resolve(given, start) == name):
                counts[name] += 1
        if len(words) == 1:
            continue
        for start in _word_starts(text, surname):  # the surname alone ("Ferreira"), not inside the full name
            inside_full = text.startswith(name, start - len(name) + len(surname))
            if not inside_full and full_names.resolve(surname, start) == name:
                counts[name] += 1
    # "the admiral": the last person introduced with that role before it.
    holders = sorted((m.start, m.role, m.name) for m in mentions if m.role)
    roles = {role for _, role, _ in holders if role and role not in _HONORIFICS}
    for at, role in _role_references(text, roles):
        before = [name for start, held, name in holders if held == role and start < at]
        if before:
            counts[before[-1]] += 1
    return tuple(PersonRole(name, titles[name], max(counts[name], 1)) for name in titles)
