"""Language identification with py3langid's model, the same answers as `py3langid.classify`, walked in numpy.

py3langid reads text through a byte automaton (an Aho-Corasick machine over the byte n-grams of its model) one
byte at a time in Python, then scores the features it met with a naive Bayes table. Its automaton is a
suffix machine: the state after a byte is the longest suffix of the text so far that is a prefix of a model
n-gram, so it depends on the last `depth` bytes only (`depth` = the longest n-gram, 6 in the 0.4 model). Walking
every position's last `depth` bytes from the start state therefore reaches the very state the sequential walk
does, and `depth` vectorized steps over all positions replace the per-byte loop. The features then go to the
model's scorer in the order the sequential walk first meets them, so the float sums, and the answer, are the
same to the bit.

`classify` is that walk. `detect_language` spends it only where needed: plainly English prose (English function
words, `plainly_english`) is answered without the model, a sample whose first 200 characters the model is sure of
is decided on them, and answers are kept by sample for reprints.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

MIN_LETTERS_FOR_LANGUAGE = 20
# langid cost grows with length, and its tables (~100 MB) evict the rest of the article's work from the CPU
# caches: in place it costs ~1.6x its time alone. ~70 words of prose is plenty: on 7,300 articles (Reuters,
# Giveme5W1H, the bench corpus, ScrapingHub pages) 400 characters give the answers of 600 (300 change 2).
_LANGUAGE_SAMPLE_CHARS = 400
# Most articles need less: the first 200 characters decide when the model is sure of them, its best score ahead
# of the runner-up by _SURE_MARGIN (log units). On those 7,300 articles, the 72 whose first 200 characters get
# another answer than 400 (price tables, all-capitals copy) all had margins below 22; 95% of all are above 49.
# Text that changes language within its first 400 characters gets its head's language (30 of the 500 mixed
# windows of tests/unit/test_fast_paths.py's samples; where the head is sure, it is the first language).
_FIRST_LOOK_CHARS = 200
_SURE_MARGIN = 40.0
# `plainly_english`: these words in the first _FIRST_LOOK_CHARS characters answer "en" without the model.
_ENGLISH_FUNCTION_WORDS = frozenset(
    {"the", "of", "and", "to", "that", "said", "with", "for", "from", "which", "would", "will", "this", "were"}
    | {"been", "their", "has", "have", "by", "not", "but", "its", "it", "be", "are", "after", "about", "than"}
    | {"more", "they", "who", "had", "into", "over", "could", "should", "there", "when", "what", "other", "year"}
)  # not "was", "also", "an", "as", "he", "is", "in", "on", "or": words of German, Portuguese, Spanish, Dutch, ...
_ENGLISH_MIN_HITS = 5
_ENGLISH_MIN_SHARE = 6  # at least one word in six
_LOWER_WORD = re.compile(r"[a-z]+")
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
    from py3langid import langid

    model = langid._get_identifier()
    if model.nb_ptc is not _ANSWERS_TABLE[0]:  # `py3langid.set_languages` swapped the table
        _ANSWERS.clear()
        _ANSWERS_TABLE[:] = [model.nb_ptc, "en" in list(model.nb_classes)]
    if sample in _ANSWERS:
        return _ANSWERS[sample]
    language = "en" if _ANSWERS_TABLE[1] and plainly_english(sample[:_FIRST_LOOK_CHARS]) else None
    if language is None:
        language = _sure_from_head(model, sample)
    if language is None:
        language = classify(sample)
        if len(language) != 2:  # the model knows a few languages without an ISO 639-1 code
            language = next((str(code) for code, _ in py3langid.rank(sample) if len(code) == 2), None)
    if len(_ANSWERS) >= _MAX_ANSWERS:
        _ANSWERS.clear()
    _ANSWERS[sample] = language
    return language


def plainly_english(head: str) -> bool:
    """Prose that is plainly English: at least 5 of its words, and 1 in 6, are English function words that are
    not words of the other languages the model knows well. The model would walk its ~100 MB of tables for
    these; in a batch, where they evict the rest of the article's work from the CPU caches, that costs ~0.15 ms
    an article, 20x this check. On 7,900 texts (Reuters, Giveme5W1H, the bench corpus, ScrapingHub and
    Readability pages, the 500 mixed-language samples of the fast-path tests; 425 not English) it passed 6,420,
    all of them "en" for the model on 400 characters too; it passes 88% of the bench articles."""
    words = _LOWER_WORD.findall(head.lower())
    hits = sum(map(_ENGLISH_FUNCTION_WORDS.__contains__, words))
    return hits >= _ENGLISH_MIN_HITS and hits * _ENGLISH_MIN_SHARE >= len(words)


def _sure_from_head(model: Any, sample: str) -> str | None:
    """The answer from the sample's first `_FIRST_LOOK_CHARS` characters when the model is sure of it (its best
    score leads the runner-up by `_SURE_MARGIN`), else None: then the whole sample decides."""
    walker = _walker(model)
    if len(sample) <= _FIRST_LOOK_CHARS or walker is None or walker.ptc is not model.nb_ptc:
        return None
    found = walker.features(model._encode(sample[:_FIRST_LOOK_CHARS]))
    if not len(found):
        return None
    scores = _fold_aliases(model, walker.scores(found))
    runner_up, best = np.partition(scores, -2)[-2:]
    language = str(model.nb_classes[int(np.argmax(scores))])
    return language if best - runner_up >= _SURE_MARGIN and len(language) == 2 else None


class _Walker:
    """The model's automaton and score table as numpy arrays, built once per process from py3langid 0.4's
    identifier; `None` from `walker()` when its internals differ (then py3langid itself answers)."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.nextmove = np.frombuffer(model.tk_nextmove, dtype=np.uint32)  # a view: the 39 MB table is not copied
        self.rowbase = np.asarray(model._rowbase, dtype=np.intp)
        self.output = np.asarray(model.tk_output, dtype=np.intp)
        self.depth = _depth(self.nextmove, self.rowbase)
        self.widen(model.nb_ptc)

    def widen(self, ptc: Any) -> None:
        """The float16 table widened once (+57 MB): numpy would widen the gathered rows on every call otherwise
        (70 us of 125). The widening is exact, so the product is the float32 one numpy computes for mixed types."""
        self.ptc = ptc
        self.table = ptc.astype(np.float32)

    def features(self, data: bytes) -> np.ndarray:
        """The features the sequential walk over `data` emits, one per position that emits one, in order."""
        text = np.frombuffer(data, dtype=np.uint8).astype(np.intp)
        size = len(text)
        states = np.zeros(size, dtype=np.intp)
        nextmove, rowbase = self.nextmove, self.rowbase
        for step in range(self.depth):
            # Position i reads byte i - lag now; positions before their window's start stay at state 0.
            lag = self.depth - 1 - step
            if lag >= size:
                continue
            # `take` with intp indices: the same gather as `a[i]` without its index checks and conversions.
            states[lag:] = nextmove.take(rowbase.take(states[lag:]) + text[: size - lag])
        found = self.output.take(states)
        return found[found >= 0]

    def scores(self, found: np.ndarray) -> Any:
        """`LanguageIdentifier._sparse_score` over the features in first-met order (the order of a Counter)."""
        # np.unique(found, return_index=True, return_counts=True) in four numpy calls, without its Python layers
        # (a third of this method's time on a 600-character sample): a stable sort groups equal features, the
        # first position of each group is where the walk first met it.
        order = np.argsort(found, kind="stable")
        ordered = found[order]
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        counts = np.diff(starts, append=len(ordered))
        by_first = np.argsort(order[starts])
        idx = ordered[starts[by_first]].astype(np.intp)
        weights = counts[by_first].astype(np.float32)
        return np.log1p(weights) @ self.table.take(idx, axis=0) + self.model.nb_pc


_WALKERS: dict[int, _Walker | None] = {}
# `detect_language`'s answers by sample: wire copy is syndicated, reprinted and re-edited, and copies of a story
# mostly share their first 400 characters. Bounded (cleared when full, ~2 MB), and cleared when the model's table
# changes (the table it holds answers for is kept beside it).
_ANSWERS: dict[str, str | None] = {}
_ANSWERS_TABLE: list[Any] = [None, False]  # the model's table the answers hold for, and whether it knows "en"
_MAX_ANSWERS = 4096


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
    scores = _fold_aliases(model, walker.scores(found))
    return str(model.nb_classes[int(np.argmax(scores))])


def _fold_aliases(model: Any, scores: Any) -> Any:
    """As `LanguageIdentifier._decide`: fold aliased labels (srl -> sr), in place."""
    from py3langid import langid

    for first, dupe in model._alias_pairs:
        scores[first] = max(scores[first], scores[dupe])
        scores[dupe] = langid.RAW_FLOOR
    return scores


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
