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
from dataclasses import dataclass, field

from tasks.gazetteer import NON_NAME_WORDS, ORG_WORDS, ROLE_NOUNS, TITLE_HEADS, word_set
from tasks.metadata_quote_marks import QuoteSpan, quote_spans
from tasks.metadata_speakers import full_name_before, name_tokens, person_like, subject_before
from tasks.names import RUN_RE, SAY_VERBS, SAY_VERBS_RE, FullNames, PersonMention, by_first_letter, full_names_of

MIN_QUOTE_WORDS = 3

_UPPER = "A-ZÀ-ÖØ-Þ"
# Every word capitalized and no sentence inside: a title or a name, not speech ("Curse of the Billy Goat").
_TITLE_CASE = re.compile(rf"[{_UPPER}][^\s]*(?: (?:[{_UPPER}0-9][^\s]*|of|the|a|an|and|in|on|for|to|at|my))*")
_NOT_SPEECH_WORDS = (
    "read|reads|reading|shouting|chanting|chanted|chants|titled|entitled|called|dubbed|named|so-called|"
    "known as|song|film|movie|book|album|show|hashtag|sign|banner|slogan|along to"
)
_NOT_SPEECH_BEFORE = re.compile(rf"\b(?:{_NOT_SPEECH_WORDS})[:,]?\s*$")
# _NOT_SPEECH_BEFORE spelled backwards, matched at the start of the reversed text before a quote: one anchored
# try instead of a search from every position. `$` may match before a final newline, but `\s*` can take that
# newline too, so both find a match for the same texts.
_NOT_SPEECH_BEFORE_REVERSED = re.compile(
    rf"\s*[:,]?(?:{by_first_letter('|'.join(word[::-1] for word in _NOT_SPEECH_WORDS.split('|')))})\b"
)
_NOT_SPEECH_AFTER = re.compile(r"[,.]?\s*(?:read|reads)\b")
# A period inside a speaker phrase only after an initial or a title: "Christopher R. Hill", "Gen. Ali Rezaei".
_ABBREVIATION_DOT = r"(?:(?<=\b[A-Z])|(?<=\b(?:Mr|Dr|Ms|Lt|Jr|Sr|St))|(?<=\b(?:Gen|Mrs|Sen|Rep|Gov|Col|Maj|Adm|Sgt)))\."
_SPEAKER_AFTER_VERB = re.compile(rf",? (?:{SAY_VERBS_RE}) (?P<who>(?:[^\"“”«».,;:!?\n]|{_ABBREVIATION_DOT}){{1,80}})")
_SPEAKER_BEFORE_VERB = re.compile(
    rf",? (?P<who>[^\s\"“”«».,;:!?](?:[^\"“”«».;:!?\n]|{_ABBREVIATION_DOT}){{0,80}}?)"
    rf" (?:(?:also|later|then) )?(?:{SAY_VERBS_RE})\b"
)
_QUOTE_VERBS = f"{SAY_VERBS}|saying|called|calling|arguing|describing|described"
_VERB_BEFORE_QUOTE = re.compile(rf"\b(?:{by_first_letter(_QUOTE_VERBS)})\b[^\"“”«».!?\n]{{0,80}}?[:,]?\s*$")
# How far before the quote's trailing whitespace a _VERB_BEFORE_QUOTE match can start: verb, 80 characters, [:,].
_VERB_REACH = max(map(len, _QUOTE_VERBS.split("|"))) + 81
_ABBREVIATED = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Sen|Rep|Gov|Lt|Col|Prof)|\b[A-Z])$")
_PARENTHESIS = re.compile(r"\([^()\n]{0,40}\)")
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
_TRAILING_ADVERBS = word_set("also|later|then|previously|earlier|further|again|repeatedly|recently|publicly")
MAX_SPEAKER_WORDS = 6


@dataclass(frozen=True)
class Quote:
    speaker: str | None  # full name when the text names the speaker, else the role/noun phrase, else None
    text: str  # the quoted words, without the quote marks
    # Where the quoted words sit in the text given to `extract_quotes` ([start, end)); not part of equality,
    # so a quote is the same quote wherever a copy of the article places it.
    start: int = field(default=-1, compare=False)
    end: int = field(default=-1, compare=False)


def extract_quotes(text: str, mentions: tuple[PersonMention, ...]) -> tuple[Quote, ...]:
    full_names = full_names_of(mentions)
    quotes: list[Quote] = []
    previous_end, previous_speaker = -1, None
    for span in quote_spans(text):
        content = text[span.start : span.end].strip()
        # split() stops after MIN_QUOTE_WORDS pieces: a long quote's words are not copied to count them.
        if len(content.split(None, MIN_QUOTE_WORDS - 1)) < MIN_QUOTE_WORDS or _not_speech(text, span, content):
            continue
        phrase = _attribution(text, span.open, span.close, content)
        quoted = [(q.start, q.end) for q in quotes]
        if phrase is not None:
            # The mentions outside earlier quotes; only an attributed quote needs them (all of them for the first).
            outside = (
                tuple(m for m in mentions if not any(start <= m.start < end for start, end in quoted))
                if quoted
                else mentions
            )
            speaker = _speaker(phrase, outside, full_names, span.open, (text, quoted, previous_speaker))
        elif previous_end >= 0 and _continues(text, previous_end, span.open):
            speaker = previous_speaker
        else:
            speaker = None
        if speaker and " " not in speaker:
            speaker = full_name_before(text, speaker, span.open)
        start = span.start + (len(text[span.start : span.end]) - len(text[span.start : span.end].lstrip()))
        words = content.rstrip(", ")
        quotes.append(Quote(speaker, words, start, start + len(words)))
        previous_end, previous_speaker = span.close, speaker
    return tuple(quotes)


def _continues(text: str, previous_end: int, start: int) -> bool:
    """An unattributed quote goes on from the previous one: same paragraph, or the next paragraph opens with
    it right after the previous quote's paragraph (wire style: one speaker, several quote paragraphs)."""
    between = text[previous_end:start]
    if "\n" not in between:
        return True
    return between.count("\n") <= 2 and not between.rsplit("\n", 1)[-1].strip() and len(between) < 120


def _not_speech(text: str, span: QuoteSpan, content: str) -> bool:
    """Titles, nicknames, slogans on signs and chants: "Curse of the Bambino", a sign that read "Love trumps hate"."""
    if _TITLE_CASE.fullmatch(content.rstrip(".,!?")):
        return True
    before = text[max(0, span.open - 30) : span.open].lower()
    return (
        _NOT_SPEECH_BEFORE_REVERSED.match(before[::-1]) is not None
        or _NOT_SPEECH_AFTER.match(text, span.close) is not None
    )


def _attribution(text: str, start: int, end: int, content: str) -> str | None:
    """The raw speaker phrase next to the quote at text[start:end], or None when there is none."""
    if content[-1] != "." or text.startswith(",", end):
        after_verb = _SPEAKER_AFTER_VERB.match(text, end)
        if after_verb:
            return after_verb.group("who")
        before_verb = _SPEAKER_BEFORE_VERB.match(text, end)
        if before_verb:
            # '"...," Bruce Steinberg's sister, Tamara Steinberg Jacobson, wrote': the name among the segments.
            segments = [part.strip() for part in before_verb.group("who").split(",") if part.strip()]
            named = [part for part in segments if person_like(part.split())]
            if named or len(segments[0].split()) <= 8:
                return named[0] if named else segments[0]
    window_start = max(0, start - 300)
    # Searched only where a match can start (a third of the window): the same leftmost match, 3x less scanning.
    reach = start
    while reach > window_start and text[reach - 1].isspace():
        reach -= 1
    verb = _VERB_BEFORE_QUOTE.search(text, max(window_start, reach - _VERB_REACH), start)
    if verb is None:
        return None
    # Parentheses and abbreviation dots do not end the clause: "Paul Ryan (R-Wis.) said", "Mr. Barak said".
    head = _PARENTHESIS.sub(lambda found: " " * len(found.group()), text[window_start : verb.start()])
    clause_end = len(head)
    while True:
        clause_start = max(head.rfind(mark, 0, clause_end) for mark in _CLAUSE_MARKS)
        if clause_start < 0 or head[clause_start] != "." or not _ABBREVIATED.search(head, 0, clause_start):
            break
        clause_end = clause_start
    clause = head[clause_start + 1 :]
    segments = [segment.strip() for segment in clause.split(",")]
    first = segments[0].split()
    while first and first[0].lower() in _LEADING_CONJUNCTIONS:
        first.pop(0)
    # "Ehud Barak, another former ..., who, as the leader of ..., served ..., said that": the subject opens it.
    if len(segments) > 2 and person_like(first):
        return " ".join(first)
    if len(segments) > 1 and not segments[-1]:
        # "Ali Rezaei, a spokesman for the ministry, said:" / "Mr Durov, 33, added:" -> the name.
        segments.pop()
        while len(segments) > 1 and (
            not segments[-1] or segments[-1][:1].isdigit() or segments[-1].split()[0] in _APPOSITIVE
        ):
            segments.pop()
    return segments[-1] or None


def _speaker(
    phrase: str,
    mentions: tuple[PersonMention, ...],
    full_names: FullNames,
    position: int,
    context: tuple[str, list[tuple[int, int]], str | None] = ("", [], None),
) -> str | None:
    """The speaker named by an attribution phrase; `context` is (text, quoted spans so far, previous speaker)."""
    text, quoted, previous_speaker = context
    words = _PHRASE_END.sub("", phrase).split()
    while words and words[0].lower() in _LEADING_CONJUNCTIONS:
        words.pop(0)
    while words and words[-1] in _TRAILING_ADVERBS:  # "the council also said"
        words.pop()
    if not words or not _looks_like_subject(words):
        return None
    if len(words) > MAX_SPEAKER_WORDS:
        # "FBI Director James Comey made the announcement ..., saying": the name that opens the clause.
        opening = RUN_RE.match(" ".join(words))
        tokens = name_tokens(opening.group().split(" ")) if opening else []
        return full_names.resolve(" ".join(tokens), position) if person_like(tokens) else None
    phrase = " ".join(words)
    lower = phrase.lower()
    if lower in _PRONOUNS:
        subject = subject_before(text, position, quoted) if text else None
        if subject is not None:
            return full_names.resolve(subject, position)
        earlier = [mention.name for mention in mentions if mention.start < position]
        return earlier[-1] if earlier else previous_speaker
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
    tokens = run.group().split(" ")
    if tokens[-1] in ORG_WORDS and not any(token in TITLE_HEADS for token in tokens[:-1]):
        return phrase  # "the Justice Department"
    if run.start() and phrase[: run.start()].split()[-1] not in ROLE_NOUNS and not person_like(name_tokens(tokens)):
        return phrase
    titles = [index for index, token in enumerate(tokens[:-1]) if token in TITLE_HEADS]
    if not titles and run.start() == 0 and len(runs) == 1 and tokens[-1] in ORG_WORDS:
        return phrase
    name = " ".join(name_tokens(tokens) if titles or len(tokens) > 1 else tokens)
    return full_names.resolve(name, position)


def _looks_like_subject(words: list[str]) -> bool:
    """Rejects clause openers picked up as speakers: "In a statement", "Comparing himself to ..."."""
    first = words[0].lower()
    if first in _PREPOSITIONS:
        return False
    return not (first.endswith("ing") and len(words) > 1 and words[1][:1].islower())
