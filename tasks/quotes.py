"""Direct quotations and their speakers, from the attribution next to each quote.

Recognized attributions, tried in this order:
  `"...," said X.`  ->  X           `"...," X said.`  ->  X (also "X told reporters", "the ministry said")
  `X said: "..."` / `X said "..."` / `X told reporters on Tuesday: "..."`  ->  X
A quote that ends its sentence (closing "." inside the marks) takes no attribution from what follows.
Speakers are resolved: a surname or titled name -> the full name mentioned earlier; "he"/"she" -> the
person mentioned last; "the minister" (a role noun after "the") -> the person last introduced with that
role, else the phrase is kept as written. A quote with no attribution of its own that follows an
attributed quote in the same paragraph continues that speaker (wire style: `"A," X said. "B."`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.gazetteer import NON_NAME_WORDS, ORG_WORDS, ROLE_NOUNS, TITLE_HEADS, word_set
from tasks.names import RUN_RE, SAY_VERBS, FullNames, PersonMention

MIN_QUOTE_WORDS = 3

# The lookahead lets the engine skip ordinary characters without trying each alternative.
_QUOTE_RE = re.compile(r'(?=[„«"“])(?:„([^“”"\n]+)[“”"]|«\s*([^»\n]+?)\s*»|["“]([^"“”\n]+)["”])')
# A period inside a speaker phrase only after an initial or a title: "Christopher R. Hill", "Gen. Ali Rezaei".
_ABBREVIATION_DOT = r"(?:(?<=\b[A-Z])|(?<=\b(?:Mr|Dr|Ms|Lt|Jr|Sr|St))|(?<=\b(?:Gen|Mrs|Sen|Rep|Gov|Col|Maj|Adm|Sgt)))\."
_SPEAKER_AFTER_VERB = re.compile(rf",? (?:{SAY_VERBS}) (?P<who>(?:[^\"“”«».,;:!?\n]|{_ABBREVIATION_DOT}){{1,80}})")
_SPEAKER_BEFORE_VERB = re.compile(
    rf",? (?P<who>[^\s\"“”«».,;:!?](?:[^\"“”«».;:!?\n]|{_ABBREVIATION_DOT}){{0,80}}?)"
    rf" (?:(?:also|later|then) )?(?:{SAY_VERBS})\b"
)
_VERB_BEFORE_QUOTE = re.compile(rf"\b(?:{SAY_VERBS})\b[^\"“”«».!?\n]{{0,60}}?[:,]?\s*$")
_CLAUSE_MARKS = (".", "!", "?", '"', "”", "»", "\n")
# Words that end a speaker phrase found after the verb: "said Jane Doe on Tuesday".
_PHRASE_END = re.compile(
    r" (?:on|in|at|after|during|when|while|as|before|late|earlier|later|today|"
    r"yesterday|told|last|this|who|adding|according)\b.*"
)
_PRONOUNS = frozenset({"he", "she"})
_PLURAL_PRONOUNS = frozenset({"they", "we", "i", "you", "it"})
_APPOSITIVE = frozenset({"a", "an", "the", "who", "whose", "which"})
_LEADING_CONJUNCTIONS = word_set(
    "and|but|as|so|when|while|because|then|now|yet|though|although|if|since|after|before|once"
)
_PREPOSITIONS = word_set("in|on|at|by|for|from|with|without|to|into|of|during|about|over|under|through")
_TRAILING_ADVERBS = word_set("also|later|then|previously|earlier|further|again|repeatedly")
MAX_SPEAKER_WORDS = 6


@dataclass(frozen=True)
class Quote:
    speaker: str | None  # full name when the text names the speaker, else the role/noun phrase, else None
    text: str  # the quoted words, without the quote marks


def extract_quotes(text: str, mentions: tuple[PersonMention, ...]) -> tuple[Quote, ...]:
    full_names = FullNames((mention.start, mention.name) for mention in mentions)
    quotes: list[Quote] = []
    previous_end, previous_speaker = -1, None
    for match in _QUOTE_RE.finditer(text):
        content = (match.group(1) or match.group(2) or match.group(3)).strip()
        if len(content.split()) < MIN_QUOTE_WORDS:
            continue
        phrase = _attribution(text, match.start(), match.end(), content)
        if phrase is not None:
            speaker = _speaker(phrase, mentions, full_names, match.start())
        elif previous_end >= 0 and "\n" not in text[previous_end : match.start()]:
            speaker = previous_speaker
        else:
            speaker = None
        quotes.append(Quote(speaker, content.rstrip(", ")))
        previous_end, previous_speaker = match.end(), speaker
    return tuple(quotes)


def _attribution(text: str, start: int, end: int, content: str) -> str | None:
    """The raw speaker phrase next to the quote at text[start:end], or None when there is none."""
    if content[-1] != "." or text.startswith(",", end):
        after_verb = _SPEAKER_AFTER_VERB.match(text, end)
        if after_verb:
            return after_verb.group("who")
        before_verb = _SPEAKER_BEFORE_VERB.match(text, end)
        if before_verb and len(before_verb.group("who").split()) <= 8:
            return before_verb.group("who").split(",")[0]
    window_start = max(0, start - 200)
    verb = _VERB_BEFORE_QUOTE.search(text, window_start, start)
    if verb is None:
        return None
    clause_start = max(text.rfind(mark, window_start, verb.start()) for mark in _CLAUSE_MARKS) + 1
    clause = text[max(clause_start, window_start) : verb.start()]
    segments = [segment.strip() for segment in clause.split(",")]
    if len(segments) > 1 and not segments[-1]:
        # "Ali Rezaei, a spokesman for the ministry, said:" / "Mr Durov, 33, added:" -> the name.
        segments.pop()
        while len(segments) > 1 and (segments[-1][:1].isdigit() or segments[-1].split()[0] in _APPOSITIVE):
            segments.pop()
    return segments[-1] or None


def _speaker(phrase: str, mentions: tuple[PersonMention, ...], full_names: FullNames, position: int) -> str | None:
    words = _PHRASE_END.sub("", phrase).split()
    while words and words[0].lower() in _LEADING_CONJUNCTIONS:
        words.pop(0)
    while words and words[-1] in _TRAILING_ADVERBS:  # "the council also said"
        words.pop()
    if not words or len(words) > MAX_SPEAKER_WORDS or not _looks_like_subject(words):
        return None
    phrase = " ".join(words)
    lower = phrase.lower()
    if lower in _PRONOUNS:
        earlier = [mention.name for mention in mentions if mention.start < position]
        return earlier[-1] if earlier else None
    if lower in _PLURAL_PRONOUNS:
        return None
    if words[0].lower() == "the" and words[-1].lower() in ROLE_NOUNS:
        role = words[-1].lower()
        holders = [mention.name for mention in mentions if mention.start < position and mention.role == role]
        return holders[-1] if holders else phrase
    runs = list(RUN_RE.finditer(phrase))
    if not runs or runs[-1].end() != len(phrase) or words[0] in NON_NAME_WORDS:
        return phrase
    # The name at the end of the phrase: "Ferreira", "Rear Admiral Ana Lucia Ferreira",
    # "Foreign Ministry spokesperson Hua Chunying"; a bare organization stays as written.
    run = runs[-1]
    if run.start() and phrase[: run.start()].split()[-1] not in ROLE_NOUNS:
        return phrase
    tokens = run.group().split(" ")
    titles = [index for index, token in enumerate(tokens[:-1]) if token in TITLE_HEADS]
    if not titles and run.start() == 0 and len(runs) == 1 and tokens[-1] in ORG_WORDS:
        return phrase
    name = " ".join(tokens[titles[-1] + 1 :] if titles else tokens)
    return full_names.resolve(name, position)


def _looks_like_subject(words: list[str]) -> bool:
    """Rejects clause openers picked up as speakers: "In a statement", "Comparing himself to ..."."""
    first = words[0].lower()
    if first in _PREPOSITIONS:
        return False
    return not (first.endswith("ing") and len(words) > 1 and words[1][:1].islower())
