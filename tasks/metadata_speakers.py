"""Speaker names for quotes, where the attribution does not give the name in full: "Soto said" (the full name
was given earlier: "Michael Soto"), "he said" (the subject of the sentences before), "U.S. Senator Dianne
Feinstein of California said" (titles, parties and "of ..." are not part of the name).
"""

from __future__ import annotations

import re

from tasks.gazetteer import DEMONYMS, KNOWN_ORGS, NAME_LEAD_WORDS, NON_NAME_WORDS, ORG_WORDS, ROLE_NOUNS, TITLE_HEADS
from tasks.names import canonical_agency, canonical_place, capitalized_runs, is_name_word

_UPPER = "A-ZÀ-ÖØ-Þ"
# The same break as `(?<![A-Z])(?<!\b(?:Mr|...))(?<!\bMrs)[.!?]\s+`, with the look-behinds after the mark so the
# engine scans for the mark in C instead of trying three look-behinds at every position.
_SENTENCE_BREAK = re.compile(r"[.!?](?<![A-Z][.!?])(?<!\b(?:Mr|Ms|Dr|St|Jr|Sr)[.!?])(?<!\bMrs[.!?])\s+(?=[\"“A-Z])")
_POSSESSIVE = re.compile(r"['’]s\b")
_PRONOUN_SUBJECT = re.compile(r"\W*(?:(?:But|And|Then|Yet|So|Later|Earlier|Now)\s+)?(?:he|she|He|She)\b")
_BEFORE_ROLE = re.compile(rf" (?:[a-z-]+ ){{0,2}}(?:{'|'.join(sorted(ROLE_NOUNS))}) [A-Z]")
_CAPITALIZED = re.compile(rf"[{_UPPER}][\w'’.-]+")
_SPACE = re.compile(r"\s")
# The first character `_CAPITALIZED` accepts, as a set for a one-character test.
_UPPER_CHARS = frozenset(chr(code) for code in range(0x41, 0xDF) if re.fullmatch(f"[{_UPPER}]", chr(code)))
_WORD_CHAR = re.compile(r"[\w'’-]")
MAX_SENTENCES_BACK = 3
_LOOK_BACK_CHARS = 800


def _lead_word(token: str) -> bool:
    return (
        token in TITLE_HEADS
        or token in NAME_LEAD_WORDS
        or token in NON_NAME_WORDS
        or token in ORG_WORDS
        or token in DEMONYMS
        or token.endswith(("-based", "-elect"))
        or (token.isupper() and len(token) > 1 and not token.endswith("."))
    )


def name_tokens(tokens: list[str]) -> list[str]:
    """The person's name inside a capitalized run: 'House of Representatives Speaker Paul Ryan' -> Paul Ryan,
    'Senator Dianne Feinstein of California' -> Dianne Feinstein, 'Republican Donald Trump' -> Donald Trump."""
    titles = [index for index, token in enumerate(tokens[:-1]) if token in TITLE_HEADS]
    if titles:
        tokens = tokens[titles[-1] + 1 :]
    if "of" in tokens:
        tokens = tokens[: tokens.index("of")]
    while len(tokens) > 1 and _lead_word(tokens[0]):
        tokens = tokens[1:]
    return tokens


def person_like(tokens: list[str]) -> bool:
    """One to four name words that are not a place, an agency or an organization."""
    if not 1 <= len(tokens) <= 4 or not all(is_name_word(token) and token not in TITLE_HEADS for token in tokens):
        return False
    if tokens[0] in NON_NAME_WORDS or tokens[-1] in ORG_WORDS or tokens[0] in DEMONYMS:
        return False
    name = " ".join(tokens)
    return not (canonical_place(name) or canonical_agency(name) or name in KNOWN_ORGS)


def full_name_before(text: str, name: str, position: int) -> str:
    """A one-word speaker -> the first full name in the text before `position` that ends ("Soto" -> "Michael
    Soto") or else starts ("Melania" -> "Melania Trump") with it; else the word itself."""
    # Every candidate holds `name` (last when it ends the name, first when it starts it; only "of" can be cut
    # off by `name_tokens`), and `person_like` checks each token: a word it refuses needs no search of the text.
    if name != "of" and (not is_name_word(name) or name in TITLE_HEADS):
        return name
    ends = name not in ORG_WORDS  # the last token of a person-like name
    starts = name not in NON_NAME_WORDS and name not in DEMONYMS  # the first one
    for ends_with in (True, False):
        if not (ends if ends_with else starts):
            continue
        at = text.find(name, 0, position)
        while at >= 0:
            end = at + len(name)
            # Nearly every find resolves nothing (98% of calls return the word itself): a name needs a capitalized
            # word next to it, which `_next_to_capitalized` rules out for most finds without the helpers' copies
            # and splits. The whole-word test then, as before; no test has side effects.
            if _next_to_capitalized(text, at, end, ends_with) and _whole_word(text, at, end):
                if ends_with:
                    tokens = name_tokens([*_capitalized_before(text, at), name])
                else:
                    tokens = [name, *_capitalized_after(text, end)]
                if len(tokens) > 1 and person_like(tokens):
                    return " ".join(tokens)
            at = text.find(name, at + 1, position)
    return name


def _next_to_capitalized(text: str, at: int, end: int, before: bool) -> bool:
    """False where `_capitalized_before(text, at)` (before) or `_capitalized_after(text, end)` is sure to be empty.

    Before: the window's last piece must be empty (text[at - 1] is whitespace) and the piece before it, what
    follows the last whitespace, must start with a capital. That piece is the text after the last space when it
    holds no other whitespace (every whitespace character but the space is unprintable; an unprintable piece is
    left to `_capitalized_before`). After: a space, then a capital (the first word, stripped, must start with it).
    """
    if not before:
        return text.startswith(" ", end) and text[end + 1 : end + 2] in _UPPER_CHARS
    if at == 0 or not text[at - 1].isspace():
        return False
    low = max(0, at - 60)
    space = text.rfind(" ", low, at - 1)
    piece = text[space + 1 if space >= 0 else low : at - 1]
    return not piece.isprintable() or piece[:1] in _UPPER_CHARS


def _whole_word(text: str, start: int, end: int) -> bool:
    return (start == 0 or not _WORD_CHAR.match(text, start - 1)) and not _WORD_CHAR.match(text, end)


def _capitalized_before(text: str, at: int) -> list[str]:
    """Up to three capitalized words right before text[at] ("Michael" before "Soto")."""
    words = _SPACE.split(text[max(0, at - 60) : at])
    if len(words) < 2 or words[-1] != "":
        return []
    found: list[str] = []
    for word in reversed(words[:-1]):
        # An initial ("B.") may end with a dot; any other word that does ends a sentence before the name.
        if len(found) == 3 or not _CAPITALIZED.fullmatch(word) or (word.endswith(".") and len(word) > 2):
            break
        found.insert(0, word)
    return found


def _capitalized_after(text: str, end: int) -> list[str]:
    """Up to two capitalized words right after text[end] ("Trump" after "Melania")."""
    if not text.startswith(" ", end):
        return []
    found: list[str] = []
    for word in text[end + 1 : end + 50].split(" ")[:2]:
        bare = word.rstrip(",.;:!?")
        if not _CAPITALIZED.fullmatch(bare) or bare.endswith(("'s", "’s")) or "\n" in word:
            break
        found.append(bare)
        if bare != word:
            break
    return found


def subject_before(text: str, position: int, quoted: list[tuple[int, int]]) -> str | None:
    """The person a pronoun before `position` most likely stands for: the first person-like name in the
    nearest of the few sentences before, quoted words aside ("Trump criticized ... 'You can't,' he said")."""
    start = max(0, position - _LOOK_BACK_CHARS)
    window = text[start:position]
    for quote_start, quote_end in quoted:
        # Quoted words are no subject, but a quote that ends a sentence still ends it.
        low, high = max(quote_start, start) - start, min(quote_end, position) - start
        if low < high:
            ending = "." if text[quote_end - 1 : quote_end] in (".", "!", "?") and quote_end <= position else " "
            window = window[:low] + " " * (high - low - 1) + ending + window[high:]
    sentences = _SENTENCE_BREAK.split(window)
    for sentence in reversed(sentences[-MAX_SENTENCES_BACK:]):
        if _PRONOUN_SUBJECT.match(sentence):
            continue  # "But he insisted ...": the antecedent is further back
        for run in capitalized_runs(sentence):
            # Not a possessive ("Trump's campaign manager, Kellyanne Conway"), not the body a role belongs to
            # ("Clinton communications director Jennifer Palmieri").
            if _POSSESSIVE.match(sentence, run.end()) or _BEFORE_ROLE.match(sentence, run.end()):
                continue
            tokens = name_tokens(run.group().split(" "))
            if len(tokens) == 1:
                # One word is a person only when the text also names them in full ("Trump", not "Michigan").
                tokens = full_name_before(text, tokens[0], position).split(" ")
            if len(tokens) > 1 and person_like(tokens):
                return " ".join(tokens)
    return None
