"""Split cleaned article text into body, dateline, credit/licence lines and boilerplate lines.

Input is `clean_text` output: one paragraph per line (blank lines between paragraphs are optional).
Credit and boilerplate are matched on whole short lines only, so a sentence that merely mentions
"copyright" inside an ordinary paragraph stays in the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Dateline:
    raw: str  # as written, without trailing dash, e.g. "LONDON (Reuters)", "SALVADOR, Feb 26", "BAKU"
    place: str  # normalized place: "London", "Salvador", "Baku", "New York", "Rio de Janeiro"
    agency: str | None  # "Reuters", "AP", "AFP", "IRNA", ... when given in parentheses
    date_text: str | None  # "Feb 26" when the dateline carries a date


@dataclass(frozen=True)
class Separated:
    body: str  # the article body, cleaned, dateline/credit/boilerplate removed; paragraphs joined by "\n\n"
    dateline: Dateline | None
    credit_lines: tuple[str, ...]
    boilerplate_lines: tuple[str, ...]


_MAX_CREDIT_LEN = 300
_MAX_BOILERPLATE_LEN = 200
_CREDIT = re.compile(
    r"""^(?:
        \(?\s*(?:additional\s+)?(?:reporting|writing|editing|edited|compiled|compiling|research)\s+by\b
      | (?:copyright\s*)?(?:©|\(c\)\s*\d{4}\b)
      | copyright\s+(?:©\s*)?\d{4}\b
      | copyright\b.{0,150}\ball\s+rights\s+reserved
      | (?:creative\s+commons|cc[\s-]by)\b
      | all\s+content\s+by\b.{0,200}\blicen[cs]ed\b
      | (?:reuters?|ap|afp|dpa|upi|irna|xinhua)\.?$
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Credits that do not open the line; a substring test gates them because a scan per line is costly.
_CREDIT_LICENCE = re.compile(
    r"\blicen[cs]ed\s+under\s+(?:an?\s+|the\s+)?(?:creative\s+commons|cc[\s-]by)\b", re.IGNORECASE
)
_CREDIT_CONTRIBUTED = re.compile(r"\bcontributed\s+(?:reporting\s+)?to\s+this\s+(?:report|story)\.?$")
_BOILERPLATE = re.compile(
    r"""^(?:
        (?:read|see)\s+(?:more|also)\b | also\s+read\b | read\s+next\b
      | related\s*(?:[:\-–—]|(?:stories|articles|coverage|content|news|links?)\b|$)
      | share\s+(?:this|on|via|the\s+(?:article|story))\b | share$
      | subscribe\b | sign\s+up\s+(?:for|to|now|here|today)\b
      | follow\s+(?:us|@) | follow\s.{0,60}\bon\s+(?:twitter|x|facebook|instagram|threads|bluesky|linkedin)\b
      | click\s+here\b
      | (?:advertisement|sponsored(?:\s+content)?|story\s+continues\s+below(?:\s+advertisement)?)\.?$
      | all\s+rights\s+reserved\.?$
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# The characters a line must open with for _CREDIT or _BOILERPLATE to match it: the first characters of their
# alternatives, with every character the engine's IGNORECASE pairs with them ("ı", "ſ") and all of \s. A set
# look-up spares the two scans on most body paragraphs. Such characters all lie in these blocks (Latin, the
# Unicode spaces, letterlike symbols such as the Kelvin sign); a unit test checks the sets against the whole BMP.
_FIRST_POOL = "".join(map(chr, [*range(0x250), 0x1680, *range(0x2000, 0x2200), 0x3000]))
CREDIT_FIRST_CLASS = r"[(\s©arwecduix]"
BOILERPLATE_FIRST_CLASS = r"[rsafc]"
_CREDIT_FIRST = frozenset(re.findall(CREDIT_FIRST_CLASS, _FIRST_POOL, re.IGNORECASE))
_BOILERPLATE_FIRST = frozenset(re.findall(BOILERPLATE_FIRST_CLASS, _FIRST_POOL, re.IGNORECASE))

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WORD = r"[^\W\d_][\w.'’/\-]*"
_CAPITAL_WORD = r"[A-ZÀ-ÖØ-Þ][\w.'’/\-]*"
# Wire datelines carry typos ("ATLANTA , March 3", "PARIS,March 16", "Va. Feb 26", "March 4 -General"),
# so separators are loose; the place, date and dash must still be there.
_DATELINE = re.compile(
    rf"""^(?P<raw>
        (?P<place>(?!(?i:(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b){_WORD}(?:\s{_WORD}){{0,4}})
        (?:\s?,\s?(?!(?i:{_MONTH})\.?\s\d)(?:the\s)?(?P<region>{_CAPITAL_WORD}(?:\s(?:(?:of|de|del|da|and)\s)?{_CAPITAL_WORD}){{0,3}}))?
        (?:(?P<date_comma>\s?,\s?|\s)(?P<date>(?i:{_MONTH})\.?\s\d{{1,2}}(?:,\s\d{{4}})?))?
        (?:\s?\((?P<agency>[A-Za-z][\w.&'’ /\-]{{0,40}}?)\)|,\s?(?P<agency_tail>Reuters?|AFP|AP|UPI|IRNA|Xinhua))?
    ),?(?:\s*[-–—]{{1,3}}(?:\s+|$)|\s[-–—]{{1,3}}(?=[A-Z0-9<"“]))""",
    re.VERBOSE,
)
# Headline kickers written like a dateline ("BREAKING - ...") that are not places.
_KICKER = re.compile(
    r"ADVISORY|ANALYSIS|BREAKING|BULLETIN|COLUMN|COMMENT|CORRECTED|CORRECTION|EDITORIAL|EXCLUSIVE|EXPLAINER"
    r"|FACTBOX|FEATURE|FILE|FLASH|INTERVIEW|LIVE|NEWS|OPINION|PHOTOS|POLL|REFILE|REVIEW|UPDATED?|URGENT|VIDEO|WATCH"
)
# After a bare 2-3 letter word ("UN - The ...") only an unmistakable sentence opener makes it a dateline;
# "US - China talks" is a compound, not a place.
_SENTENCE_OPENER = re.compile(
    r"(?:A|An|The|This|That|These|Those|It|Its|He|She|They|We|I"
    r"|In|On|At|As|After|Before|When|While|Officials|Police|Authorities)\b"
)
_SENTENCE_START = re.compile(r"[A-ZÀ-ÖØ-Þ0-9\"“‘'(<]")
_SMALL_PLACE_WORD = re.compile(r"de|da|das|do|dos|del|della|di|du|des|la|le|les|es|el|en|y|of|on|upon|sur")
_PLACE_PART_SEPARATOR = re.compile(r"([-/])")
_APOSTROPHE = re.compile(r"(['’])")
_INITIALISM = re.compile(r"(?:[^\W\d_]\.){2,}")


def separate(text: str) -> Separated:
    """Body, dateline, credit lines and boilerplate lines of a cleaned article text."""
    body: list[str] = []
    credits: list[str] = []
    boilerplate: list[str] = []
    # Credits that do not open the line need a word that most texts lack: one search of the whole text
    # spares two searches per line.
    may_licence = "icen" in text or "ICEN" in text
    may_contribute = "contributed" in text
    for line in filter(None, map(str.strip, text.split("\n"))):  # non-empty stripped lines
        if len(line) < _MAX_CREDIT_LEN and (
            (line[:1] in _CREDIT_FIRST and _CREDIT.match(line))
            or (may_licence and ("icen" in line or "ICEN" in line) and _CREDIT_LICENCE.search(line))
            or (may_contribute and "contributed" in line and _CREDIT_CONTRIBUTED.search(line))
        ):
            credits.append(line)
        elif len(line) < _MAX_BOILERPLATE_LEN and line[:1] in _BOILERPLATE_FIRST and _BOILERPLATE.match(line):
            boilerplate.append(line)
        else:
            body.append(line)
    dateline = None
    # HTML extractors often repeat the headline as the first line: the dateline then opens the second.
    candidates = (0, 1) if len(body) > 1 and _looks_like_headline(body[0]) else (0,)
    for index in candidates if body else ():
        found = parse_dateline(body[index])
        if found is not None:
            dateline, rest = found
            if rest:
                body[index] = rest
            else:
                del body[index]
            break
    return Separated("\n\n".join(body), dateline, tuple(credits), tuple(boilerplate))


def _looks_like_headline(line: str) -> bool:
    # The end test first: most first paragraphs end a sentence, and it spares splitting them into words.
    return not line.rstrip().endswith((".", ":", ";", ",", "!", "?", '"', "”")) and len(line.split()) <= 20


def parse_dateline(paragraph: str) -> tuple[Dateline, str] | None:
    """The dateline at the start of a paragraph and the paragraph without it, or None."""
    match = _DATELINE.match(paragraph)
    if match is None:
        return None
    place, region, date, agency = match.group("place", "region", "date", "agency")
    agency = agency or match.group("agency_tail")  # "ROME, March 13, Reuter -"
    rest = paragraph[match.end() :]
    is_upper = place.isupper() and sum(map(str.isalpha, place)) >= 2
    if not is_upper and not _mixed_case_place_ok(place, date, match.group("date_comma"), rest):
        return None
    if region is None and date is None and agency is None and not _bare_place_ok(place, rest):
        return None
    dateline = Dateline(match.group("raw").strip(), normalize_place(place), agency, date)
    return dateline, rest


def _mixed_case_place_ok(place: str, date: str | None, date_comma: str | None, rest: str) -> bool:
    """A place not in capitals ('Toronto, March 6 -', 'sioux city, april 7 -') needs a date after a comma
    and a sentence after the dash; all-lowercase wire copy ('bogota, march 4 - colombia's ...') may go
    on in lower case, but 'Analysts said, March 3 - the deadline' is prose."""
    if date is None or date_comma is None or "," not in date_comma:
        return False
    if not (place[0].isupper() or place.islower()):
        return False
    return not rest or bool(_SENTENCE_START.match(rest)) or (date.islower() and rest[0].islower())


def _bare_place_ok(place: str, rest: str) -> bool:
    """A dateline with only a place ("BAKU - ...") must be followed by the start of a sentence."""
    words = place.split()
    if any(_KICKER.fullmatch(word.strip(".")) for word in words) or any(c.isdigit() for c in place):
        return False
    if rest and not _SENTENCE_START.match(rest):
        return False
    if len(words) == 1 and sum(c.isalpha() for c in place) <= 3:
        return _SENTENCE_OPENER.match(rest) is not None
    return True


@lru_cache(maxsize=4096)  # wire copy names the same few hundred places again and again
def normalize_place(place: str) -> str:
    """'RIO DE JANEIRO' -> 'Rio de Janeiro', 'ST. JOHN'S' -> 'St. John's'; initialisms such as 'U.S.' stay."""
    if place.isupper() and place.isalpha() and len(place) <= 3:
        return place  # an acronym: "UN", "USA"
    words = []
    for index, word in enumerate(place.split()):
        parts = _PLACE_PART_SEPARATOR.split(word)
        words.append("".join(_title_part(part, index == 0 and i == 0) for i, part in enumerate(parts)))
    return " ".join(words)


def _title_part(part: str, is_first: bool) -> str:
    if _INITIALISM.fullmatch(part):
        return part.upper()
    lower = part.lower()
    if not is_first and _SMALL_PLACE_WORD.fullmatch(lower):
        return lower
    # "N'DJAMENA" -> "N'Djamena" but "JOHN'S" -> "John's".
    pieces = _APOSTROPHE.split(lower)
    return "".join(p.capitalize() if i == 0 or len(p) > 1 else p for i, p in enumerate(pieces))
