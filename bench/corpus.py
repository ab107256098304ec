"""A deterministic wire-style benchmark corpus composed from Reuters-21578 sentences, with labelled duplicates.

    .venv/bin/python -m bench.corpus --articles 10000 --out bench/out/corpus-10000

Each original article takes a Reuters story's title, dateline and first sentences, then sentences drawn at random
from the whole wire until it reaches about 3.5 KB: originals overlap each other by chance only (Jaccard of 3-word
shingles ~0), the way distinct stories of one wire do. A controlled share of the articles are copies of an
original under another URL: exact reprints, and near duplicates (a few words edited, or the end truncated).
Everything follows from the seed, and article i depends only on (seed, i), so the corpus streams at any N.

Output: articles/part-NNNNN.jsonl, files of `per_file` articles each (the SOURCE to ingest), and labels.jsonl
(url, kind, original url) beside that folder, so the labels are never ingested as articles.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tasks.metadata_corpora import REUTERS, reuters_stories

TARGET_CHARS = 3500
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_SPACES = re.compile(r"\s+")
_SIGN_OFF = re.compile(r"\s*Reuter\s*$")
_PUBLISHERS = ("Wire One", "Coast Daily", "Valley Post", "Harbour Times")
_EPOCH = datetime(2026, 10, 1, tzinfo=UTC)
_DAYS = 28  # published dates spread over four weeks: a realistic number of date partitions
_EDIT_WORDS = ("officials", "said", "market", "company", "government", "analysts", "percent", "shares")

KINDS = ("original", "exact", "near_edit", "near_truncated")


def corpora_root() -> Path:
    """NEWSETL_CORPORA, else ../shared/corpora beside the checkout; a clear error when neither has Reuters."""
    named = os.environ.get("NEWSETL_CORPORA")
    repo = Path(__file__).resolve().parents[1]
    candidates = (
        [Path(named)] if named else [repo.parent / "shared" / "corpora", repo.parent.parent / "shared" / "corpora"]
    )
    for root in candidates:
        if (root / REUTERS / "sgm").is_dir():
            return root
    where = f"NEWSETL_CORPORA={named!r}" if named else " or ".join(str(c) for c in candidates)
    raise SystemExit(
        f"Reuters-21578 not found in {where}: set NEWSETL_CORPORA to the folder that holds {REUTERS}/sgm/*.sgm.gz"
    )


@dataclass(frozen=True)
class Lead:
    title: str
    dateline: str  # "SALVADOR, Feb 26 - "
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Wire:
    leads: list[Lead]
    sentences: list[str]


def load_wire(root: Path) -> Wire:
    """Reuters stories with a title, dateline and at least two sentences, and the pool of all their sentences."""
    leads: list[Lead] = []
    pool: list[str] = []
    for story in reuters_stories(root):
        sentences = tuple(s for s in (_SPACES.sub(" ", x).strip() for x in _split(story.body)) if len(s) > 20)
        pool.extend(sentences)
        if story.title and story.dateline and len(sentences) >= 2:
            leads.append(
                Lead(_SPACES.sub(" ", story.title).strip(), _SPACES.sub(" ", story.dateline).strip(), sentences)
            )
    return Wire(leads, pool)


def _split(body: str) -> list[str]:
    return _SENTENCE_END.split(_SIGN_OFF.sub("", body.strip()))


def compose(wire: Wire, rng: random.Random) -> tuple[str, str]:
    """(title, text) of one original article of about TARGET_CHARS characters, in paragraphs of 1-3 sentences."""
    lead = rng.choice(wire.leads)
    sentences = list(lead.sentences[:2])
    size = len(lead.dateline) + sum(len(s) + 1 for s in sentences)
    while size < TARGET_CHARS:
        sentence = rng.choice(wire.sentences)
        sentences.append(sentence)
        size += len(sentence) + 1
    paragraphs: list[str] = []
    while sentences:
        take = rng.randint(1, 3)
        paragraphs.append(" ".join(sentences[:take]))
        sentences = sentences[take:]
    paragraphs[0] = f"{lead.dateline} {paragraphs[0]}"
    return lead.title, "\n\n".join(paragraphs) + "\n\nReuter"


def edit_words(text: str, rng: random.Random, share: float) -> str:
    """Replace, drop or duplicate about `share` of the words (typos, a sub-editor's touch)."""
    words = text.split(" ")
    for _ in range(max(1, int(len(words) * share))):
        i = rng.randrange(len(words))
        action = rng.random()
        if action < 0.5:
            words[i] = rng.choice(_EDIT_WORDS)
        elif action < 0.8:
            words[i] = ""
        else:
            words[i] = f"{words[i]} {words[i]}"
    return " ".join(w for w in words if w)


def truncate(text: str, rng: random.Random) -> str:
    """Keep the first 75-95% of the text, cut at a word boundary (a shorter edition of the story)."""
    cut = text.rfind(" ", 0, int(len(text) * rng.uniform(0.75, 0.95)))
    return text[: max(cut, 1)]


def plan(count: int, seed: int, exact_share: float, near_share: float) -> list[tuple[str, int]]:
    """(kind, position of its original) for each position; an original points at itself."""
    rng = random.Random(seed)
    exact, near = int(count * exact_share), int(count * near_share)
    kinds = ["exact"] * exact + ["near_edit"] * (near - near // 2) + ["near_truncated"] * (near // 2)
    kinds += ["original"] * (count - len(kinds))
    rng.shuffle(kinds)
    originals = [i for i, k in enumerate(kinds) if k == "original"]
    return [(k, i if k == "original" else rng.choice(originals)) for i, k in enumerate(kinds)]


def articles(wire: Wire, count: int, seed: int, exact_share: float, near_share: float) -> Iterator[dict[str, str]]:
    """The records in file order, each with its label fields `kind` and `original` (stripped before writing)."""
    for position, (kind, source) in enumerate(plan(count, seed, exact_share, near_share)):
        base_rng = random.Random(f"{seed}:{source}")
        title, text = compose(wire, base_rng)
        published = _EPOCH + timedelta(days=source % _DAYS, minutes=base_rng.randrange(24 * 60))
        copy_rng = random.Random(f"{seed}:{source}:{position}")
        if kind == "near_edit":
            text = edit_words(text, copy_rng, share=copy_rng.uniform(0.01, 0.04))
        elif kind == "near_truncated":
            text = truncate(text, copy_rng)
        if kind != "original":
            published += timedelta(minutes=copy_rng.randint(5, 600))
        yield {
            "url": f"https://wire.example/{seed}/{position}",
            "title": title,
            "published_at": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "publisher": _PUBLISHERS[position % len(_PUBLISHERS)],
            "text": text,
            "kind": kind,
            "original": f"https://wire.example/{seed}/{source}",
        }


def write_corpus(
    folder: Path,
    count: int,
    wire: Wire,
    seed: int = 21578,
    exact_share: float = 0.05,
    near_share: float = 0.10,
    per_file: int = 2000,
) -> int:
    """Write `count` articles as JSONL files of `per_file` articles in folder/articles, and folder/labels.jsonl;
    returns the article bytes."""
    articles_dir(folder).mkdir(parents=True, exist_ok=True)
    size = 0
    out = None
    with (folder / "labels.jsonl").open("w") as labels:
        for n, record in enumerate(articles(wire, count, seed, exact_share, near_share)):
            if n % per_file == 0:
                if out is not None:
                    out.close()
                out = (articles_dir(folder) / f"part-{n // per_file:05d}.jsonl").open("w")
            kind, original = record.pop("kind"), record.pop("original")
            line = json.dumps(record) + "\n"
            size += len(line.encode())
            out.write(line)  # type: ignore[union-attr]  # opened at n == 0
            labels.write(json.dumps({"url": record["url"], "kind": kind, "original": original}) + "\n")
    if out is not None:
        out.close()
    return size


def articles_dir(folder: Path) -> Path:
    return folder / "articles"


def read_texts(corpus: Path, limit: int) -> list[str]:
    """The first `limit` article texts of a corpus, in file order (the order of labels.jsonl)."""
    texts: list[str] = []
    for path in sorted(articles_dir(corpus).glob("part-*.jsonl")):
        with path.open() as lines:
            for line in lines:
                if len(texts) == limit:
                    return texts
                texts.append(json.loads(line)["text"])
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--out", required=True, help="folder for part-*.jsonl and labels.jsonl")
    parser.add_argument("--seed", type=int, default=21578)
    parser.add_argument("--exact-share", type=float, default=0.05)
    parser.add_argument("--near-share", type=float, default=0.10)
    parser.add_argument("--per-file", type=int, default=2000)
    args = parser.parse_args()
    wire = load_wire(corpora_root())
    size = write_corpus(
        Path(args.out), args.articles, wire, args.seed, args.exact_share, args.near_share, args.per_file
    )
    print(f"{args.articles} articles, {size / 1e6:.1f} MB in {articles_dir(Path(args.out))}")


if __name__ == "__main__":
    main()
