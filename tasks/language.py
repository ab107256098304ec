"""Language identification with py3langid's model, the same answers as `py3langid.classify`, walked in numpy.

py3langid reads text through a byte automaton (an Aho-Corasick machine over the byte n-grams of its model) one
byte at a time in Python, then scores the features it met with a naive Bayes table. Its automaton is a
suffix machine: the state after a byte is the longest suffix of the text so far that is a prefix of a model
n-gram, so it depends on the last `depth` bytes only (`depth` = the longest n-gram, 6 in the 0.4 model). Walking
every position's last `depth` bytes from the start state therefore reaches the very state the sequential walk
does, and `depth` vectorized steps over all positions replace the per-byte loop. The features then go to the
model's scorer in the order the sequential walk first meets them, so the float sums, and the answer, are the
same to the bit.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

MIN_LETTERS_FOR_LANGUAGE = 20
# langid cost grows with length; ~100 words of prose is plenty.
_LANGUAGE_SAMPLE_CHARS = 600
_LETTER_CHECK_HEAD_CHARS = 80  # holds the 20 letters in all but odd texts (numbers, tables)
_NON_LETTERS = re.compile(r"[\W\d_]+")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code from py3langid (its model ships in the wheel); None below ~20 letters."""
    sample = text[:_LANGUAGE_SAMPLE_CHARS]
    # The sample has at least as many letters as its head, so a head with enough of them settles the check
    # without rewriting the whole sample (the usual case: ~2 us instead of ~20 us).
    head = sample[:_LETTER_CHECK_HEAD_CHARS]
    if len(_NON_LETTERS.sub("", head)) < MIN_LETTERS_FOR_LANGUAGE and (
        len(head) == len(sample) or len(_NON_LETTERS.sub("", sample)) < MIN_LETTERS_FOR_LANGUAGE
    ):
        return None
    import py3langid  # deferred: loading the model costs ~0.6 s, paid only when detection is needed

    language: str | None = classify(sample)
    if language is not None and len(language) != 2:  # the model knows a few languages without an ISO 639-1 code
        language = next((str(code) for code, _ in py3langid.rank(sample) if len(code) == 2), None)
    return language


class _Walker:
    """The model's automaton and score table as numpy arrays, built once per process from py3langid 0.4's
    identifier; `None` from `walker()` when its internals differ (then py3langid itself answers)."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.nextmove = np.frombuffer(model.tk_nextmove, dtype=np.uint32)  # a view: the 39 MB table is not copied
        self.rowbase = np.asarray(model._rowbase, dtype=np.int64)
        self.output = np.asarray(model.tk_output, dtype=np.int64)
        self.depth = _depth(self.nextmove, self.rowbase)
        self.widen(model.nb_ptc)

    def widen(self, ptc: Any) -> None:
        """The float16 table widened once (+57 MB): numpy would widen the gathered rows on every call otherwise
        (70 us of 125). The widening is exact, so the product is the float32 one numpy computes for mixed types."""
        self.ptc = ptc
        self.table = ptc.astype(np.float32)

    def features(self, data: bytes) -> np.ndarray:
        """The features the sequential walk over `data` emits, one per position that emits one, in order."""
        text = np.frombuffer(data, dtype=np.uint8).astype(np.int64)
        size = len(text)
        states = np.zeros(size, dtype=np.int64)
        nextmove, rowbase = self.nextmove, self.rowbase
        for step in range(self.depth):
            # Position i reads byte i - lag now; positions before their window's start stay at state 0.
            lag = self.depth - 1 - step
            if lag >= size:
                continue
            live = states[lag:]
            states[lag:] = nextmove[rowbase[live] + text[: size - lag]]
        found = self.output[states]
        return found[found >= 0]

    def scores(self, found: np.ndarray) -> Any:
        """`LanguageIdentifier._sparse_score` over the features in first-met order (the order of a Counter)."""
        unique, first, counts = np.unique(found, return_index=True, return_counts=True)
        order = np.argsort(first)
        idx = unique[order].astype(np.intp)
        weights = counts[order].astype(np.float32)
        return np.log1p(weights) @ self.table[idx] + self.model.nb_pc


_WALKERS: dict[int, _Walker | None] = {}


def _walker(model: Any) -> _Walker | None:
    if id(model) not in _WALKERS:
        try:
            configured = model._norm_probs or model.min_confidence is not None
            walker = None if configured or model.tk_nextmove.itemsize != 4 else _Walker(model)
        except AttributeError:
            walker = None
        _WALKERS[id(model)] = walker
    return _WALKERS[id(model)]


def classify(sample: str) -> str:
    """`py3langid.classify(sample)[0]`, the same answer, 2-3x faster (see the module's docstring)."""
    import py3langid
    from py3langid import langid

    model = langid._get_identifier()
    walker = _walker(model)
    if walker is None:
        return str(py3langid.classify(sample)[0])
    if walker.ptc is not model.nb_ptc:  # `py3langid.set_languages` swapped the table
        walker.widen(model.nb_ptc)
    found = walker.features(model._encode(sample))
    if not len(found):
        return str(py3langid.classify(sample)[0])
    scores = walker.scores(found)
    for first, dupe in model._alias_pairs:  # as LanguageIdentifier._decide: fold aliased labels (srl -> sr)
        scores[first] = max(scores[first], scores[dupe])
        scores[dupe] = langid.RAW_FLOOR
    return str(model.nb_classes[int(np.argmax(scores))])


def _depth(nextmove: np.ndarray, rowbase: np.ndarray) -> int:
    """The longest string any state stands for: its shortest distance from the start state (breadth first,
    one level at a time over the distinct transition rows of the level, ~0.1 s)."""
    rows = nextmove.reshape(-1, 256)
    row_of = rowbase >> 8
    seen = np.zeros(len(rowbase), dtype=bool)
    seen[0] = True
    frontier = np.zeros(1, dtype=np.int64)
    depth = 0
    while True:
        targets = np.unique(rows[np.unique(row_of[frontier])])
        frontier = targets[~seen[targets]].astype(np.int64)
        if not len(frontier):
            return depth
        seen[frontier] = True
        depth += 1
