"""Text normalization: raw bytes -> clean text, and the canonical form used for content hashing.

`decode_bytes` turns fetched bytes into text (BOM, declared charset, UTF-8, then detection) and repairs
mojibake; `clean_text` fixes whitespace, control characters and hard-wrapped lines; `normalize_for_hash`
gives the form two copies of one article share. Dateline, credit and boilerplate separation lives in
`tasks.normalize_separate` and is re-exported here, so `tasks.normalize` is the one import for callers.
"""

from __future__ import annotations

import re
import unicodedata

from tasks.normalize_decode import Decoded, UndecodableError, decode_bytes
from tasks.normalize_separate import Dateline, Separated, separate

__all__ = [
    "Dateline",
    "Decoded",
    "Separated",
    "UndecodableError",
    "clean_text",
    "decode_bytes",
    "normalize_for_hash",
    "separate",
]

# Line and paragraph separators other than LF; VT/FF/NEL end a line in every text convention we meet.
_LINE_BREAK = re.compile("[\r\x0b\x0c\x85\u2028]")
# C0/C1 controls (bar \t and \n), soft hyphen, zero-width space, word joiner and BOM. ZWNJ/ZWJ stay:
# Persian, Indic scripts and emoji sequences need them.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b\u2060\ufeff]")
_ODD_SPACE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SPACE_RUN = re.compile(" {2,}")
# Any character the three classes above (or U+2029) rewrite: clean copy has none, and one search skips three subs.
_ANY_ODD = re.compile(f"[{_LINE_BREAK.pattern[1:-1]}{_INVISIBLE.pattern[1:-1]}{_ODD_SPACE.pattern[1:-1]}\u2029]")
# The ASCII characters of _ANY_ODD (controls, tab, CR): for ASCII text one `bytes.translate` that deletes them
# answers the same question as the regex scan, 8x faster (the scan tries a large class at every character).
_ASCII_ODD = bytes(code for code in range(128) if _ANY_ODD.match(chr(code)))
# Whitespace to `str.split()` in ASCII, besides " " and "\n" (see `_collapse_spaces`).
_ASCII_OTHER_SPACE = tuple(chr(code) for code in range(128) if chr(code).isspace() and chr(code) not in " \n")

# Hard-wrap detection (see `_wrap_width`): news wire copy wraps at 60-80 columns.
_MAX_WRAP_WIDTH = 100
_FULL_LINE_SHARE = 0.7  # a line this close to the widest one was broken by the wrapper, not the writer
_SENTENCE_END = (".", "!", "?", ":", ";", '"', "'", "”", "’", ")", "»")

_HASH_DASHES = re.compile("[\u2010-\u2015\u2043\u2212\ufe58\ufe63\uff0d]")
_HASH_DASH_RUN = re.compile("-{2,}")
_HASH_QUOTES = re.compile('["`\u00b4\u00ab\u00bb\u2018-\u201f\u2032-\u2037\u2039\u203a\u02bc\u300c-\u300f\uff02\uff07]')
_HASH_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_BMP = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000)))


def _class_chars(pattern: re.Pattern[str]) -> list[str]:
    """The characters of a one-character-class pattern (the classes above stay the one definition)."""
    return pattern.findall(_BMP)


# Invisible characters dropped, dashes to "-", quotes to "'": the three classes above as one translate table.
_HASH_CHARS = (
    dict.fromkeys(map(ord, _class_chars(_HASH_INVISIBLE)))
    | dict.fromkeys(map(ord, _class_chars(_HASH_DASHES)), "-")
    | dict.fromkeys(map(ord, _class_chars(_HASH_QUOTES)), "'")
)
_ASCII_HASH_CHARS = [(chr(code), str(to or "")) for code, to in _HASH_CHARS.items() if code < 128]  # " and `
_HASH_FIND = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_HASH_CHARS)) + "]")


def clean_text(text: str) -> str:
    """Canonical plain text: NFC, LF line ends, no controls or invisible characters, single spaces,
    stripped lines, at most one blank line in a row, and hard-wrapped paragraphs joined into one line.

    Lines that are not hard-wrapped stay as they are (one line each); in hard-wrapped text a paragraph
    starts after a blank line or at a line that was indented in the input.
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    # Each step is one regex pass (~10 us per 3 KB); cheap substring checks skip the rarely needed ones.
    if _has_odd(text):
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        text = _LINE_BREAK.sub("\n", text).replace("\u2029", "\n\n")
        text = _INVISIBLE.sub("", text)
        text = _ODD_SPACE.sub(" ", text)
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    raw_lines = text.split("\n")
    lines = [line.strip(" ") for line in raw_lines]
    if max(map(len, lines), default=0) > _MAX_WRAP_WIDTH:
        indented: list[bool] = []  # not hard-wrapped (see `_wrap_width`): the indentation is not needed
        width = 0
    else:
        # Indentation is read before stripping: it is the only paragraph mark in Reuters-style wire copy.
        indented = [line.startswith(" ") for line in raw_lines]
        width = _wrap_width(lines, indented)
    if not width:
        # Not hard-wrapped: the loop below would only keep one blank line of each run and none at the ends.
        text = "\n".join(lines)
        while "\n\n\n" in text:  # rare: clean copy has one blank line between paragraphs
            text = text.replace("\n\n\n", "\n\n")
        return text.strip("\n")
    min_full = width * _FULL_LINE_SHARE if width else float("inf")
    out: list[str] = []
    previous_len = 0
    for line, is_indented in zip(lines, indented, strict=True):
        if not line:
            if out and out[-1]:
                out.append("")
            previous_len = 0
            continue
        if out and out[-1] and width:
            if not is_indented and previous_len >= min_full:
                out[-1] = f"{out[-1]} {line}"
                previous_len = len(line)
                continue
            if is_indented:
                out.append("")
        out.append(line)
        previous_len = len(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def _has_odd(text: str) -> bool:
    """`_ANY_ODD.search(text) is not None`."""
    if text.isascii():
        data = text.encode("ascii")
        return len(data.translate(None, _ASCII_ODD)) != len(data)
    return _ANY_ODD.search(text) is not None


def _wrap_width(lines: list[str], indented: list[bool]) -> int:
    """The wrap column when the text is hard-wrapped, else 0.

    Hard-wrapped text has no long lines, and its lines followed by a continuation line run close to the
    widest line, end mid-sentence and are often continued in lower case. One-paragraph-per-line text
    fails at least one test: its lines are long, or its short lines (headers, lists, headlines) end a
    sentence or are followed by a capitalized line.
    """
    width = max(map(len, lines), default=0)
    if width > _MAX_WRAP_WIDTH:
        return 0
    inner = [
        (line, following)
        for line, following, following_indented in zip(lines, lines[1:], indented[1:], strict=False)
        if line and following and not following_indented
    ]
    full = [(line, following) for line, following in inner if len(line) >= width * _FULL_LINE_SHARE]
    if len(full) < 2 or 2 * len(full) < len(inner):
        return 0
    # List counts, not `sum` over generators: these run on every line of wire copy.
    open_ended = [line.endswith(_SENTENCE_END) for line, _ in full].count(False)
    continued_lower = [following[0].islower() or following[0].isdigit() for _, following in full].count(True)
    return width if 2 * open_ended >= len(full) and 4 * continued_lower >= len(full) else 0


def normalize_for_hash(body: str) -> str:
    """The form two copies of an article share when they differ only in case, Unicode compatibility
    forms, dash or quote style, invisible characters or line wrapping. Used for hashing and shingling."""
    text = unicodedata.normalize("NFKC", body).casefold()
    if text.isascii():  # most copy: two replaces are 15x faster than a translate with a dict
        for char, replacement in _ASCII_HASH_CHARS:
            text = text.replace(char, replacement)
    else:
        # `text.translate(_HASH_CHARS)`, which looks up every character in the dict (200 us on 4 KB): one scan
        # finds the few table characters present, a replace each then rewrites them. No replacement is itself
        # in the table, so the replaces in a row give what the one translate gives.
        for char in set(_HASH_FIND.findall(text)):
            text = text.replace(char, _HASH_CHARS[ord(char)] or "")
    if "--" in text:
        text = _HASH_DASH_RUN.sub("-", text)
    return _collapse_spaces(text)


def _collapse_spaces(text: str) -> str:
    """`" ".join(text.split())`: whitespace runs to one space, none at the ends. ASCII text whose only whitespace
    is spaces and line breaks (all clean copy) is split at its few line breaks instead of at every word (10x
    faster). That join equals the word split when it holds no double space and no space at either end: a space
    next to a line break ("a \\nb", "a\\n b", " \\n") leaves one there. One search of the joined text tests
    that, where three searches of the input cost 3x more (spaces are common: each one is a partial match)."""
    if text.isascii() and not any(map(text.__contains__, _ASCII_OTHER_SPACE)):
        joined = " ".join(filter(None, text.split("\n")))
        if "  " not in joined and joined[:1] != " " and joined[-1:] != " ":
            return joined
    return " ".join(text.split())
