"""Where the quotations of a text are: quote marks paired the way a reader pairs them.

A regex that pairs marks left to right goes wrong for the rest of an article after one unclosed quote, and
scraped news is full of them: wire style opens every paragraph of a long quote and closes only the last, and
scrapers join paragraphs into one line. So each mark is read as opening or closing from its neighbours
(straight `"` opens after a space and before a word, closes after a word), and:
  - a quote still open at a line end, or when a new one opens after a finished sentence, ends at its last
    sentence mark (`"A. "B."` is two quotes);
  - a quote opened inside an unfinished sentence of a quote is nested (`"to say "anti-bullying" is ..."`)
    and only the outer one is reported;
  - `''` (two apostrophes) closes, as typed on old keyboards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A quote mark, or two apostrophes: the matches of `''|["“”„«»]`. `_marks` finds the same ones with str.find.
_MARKS = re.compile(r"[\"“”„«»'](?:(?<=')'|(?<!'))")
_MARK_CHARS = ('"', "“", "”", "„", "«", "»", "''")
_BEFORE_OPEN = frozenset(" \t\n([{—–-/:")  # a straight mark after these opens a quote
_AFTER_CLOSE = frozenset(" \t\n.,;:!?)]}—–-…")  # a straight mark before these closes one
_SENTENCE_END = re.compile(r"[.!?…](?=[^.!?…]*$)")


@dataclass(frozen=True)
class QuoteSpan:
    open: int  # offset of the opening mark
    start: int  # first character of the quoted words
    end: int  # one past the last quoted character
    close: int  # one past the closing mark (== end when the quote was left open)


def quote_spans(text: str) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    stack: list[tuple[int, int, str]] = []  # (mark offset, content start, mark)
    for at, mark in _marks(text):
        after = at + len(mark)
        if stack:
            # A line end since the open quote's content started: found without copying the text between.
            line_end = text.find("\n", stack[0][1], at)
            if line_end >= 0:
                _unclosed(text, stack[0], line_end, spans)
                stack.clear()
        kind = _kind(text, mark, at, after, stack)
        if kind == "open":
            if stack and _after_sentence(text, at):
                _unclosed(text, stack[0], at, spans)
                stack.clear()
            if len(stack) < 2:
                stack.append((at, after, mark))
        elif kind == "close" and stack:
            opened, start, _ = stack.pop()
            if not stack:
                spans.append(QuoteSpan(opened, start, at, after))
    if stack:
        _unclosed(text, stack[0], len(text), spans)
    return spans


def _marks(text: str) -> list[tuple[int, str]]:
    """(offset, mark) of `_MARKS.finditer(text)`, in text order. The regex tests each character against its
    class (most of the time of `quote_spans`); str.find jumps between the few marks in C. "''" pairs do not
    overlap (a third apostrophe starts no pair), and no mark is part of another."""
    found: list[tuple[int, str]] = []
    kinds = 0
    for mark in _MARK_CHARS:
        at = text.find(mark)
        if at < 0:
            continue
        kinds += 1
        step = len(mark)
        while at >= 0:
            found.append((at, mark))
            at = text.find(mark, at + step)
    if kinds > 1:
        found.sort()
    return found


def _kind(text: str, mark: str, at: int, after: int, stack: list[tuple[int, int, str]]) -> str:
    if mark in ("“", "„", "«"):
        # German quotes open with „ and close with “.
        return "close" if mark == "“" and stack and stack[-1][2] == "„" else "open"
    if mark in ("”", "»", "''"):
        return "close"
    before = text[at - 1] if at else " "
    following = text[after] if after < len(text) else " "
    if before in _BEFORE_OPEN:
        if not following.isspace():
            return "open"
        return "close" if stack else "none"
    if following in _AFTER_CLOSE:
        return "close"
    return "close" if stack else "open"


def _after_sentence(text: str, at: int) -> bool:
    """A new quote opening after a finished sentence ('... difficulties. "I ...'), not inside one."""
    head = text[max(0, at - 3) : at].rstrip()
    return bool(head) and head[-1] in ".!?…)"


def _unclosed(text: str, opened: tuple[int, int, str], limit: int, spans: list[QuoteSpan]) -> None:
    """A quote left open: it runs to its last sentence mark before `limit`, if it has one."""
    mark_at, start, _ = opened
    found = _SENTENCE_END.search(text, start, limit)
    if found is not None:
        spans.append(QuoteSpan(mark_at, start, found.end(), found.end()))
