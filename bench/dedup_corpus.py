"""A labelled near-duplicate set for the dedup quality harness (bench/dedup_quality.py), built from the corpora.

    .venv/bin/python -m bench.dedup_corpus --stories 300 --out /tmp/dedup-set

Originals are Reuters-21578 prose stories (>= MIN_WORDS words, at least 3 paragraphs, no tables), chosen by seed
and filtered so no two originals overlap (3-word-shingle containment < 0.2): a pair of Reuters stories that
already share most of their text would be a true duplicate the labels do not know about. Each original gets
zero, one or two generated reprints (KINDS), each under another URL and publisher and published later.
The Giveme5W1H `news_cluster` articles go in as well: within one event, pairs that share less than
APART_CONTAINMENT of their shingles are different stories and must stay apart; pairs above COPY_CONTAINMENT are
real wire copies (reported, not scored); pairs in between are left out of the score.

Output: run1/*.jsonl (originals + Giveme5W1H), run2/*.jsonl (the reprints) and labels.json beside them.
No corpus text is kept in the repository: the folder is generated on demand.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.corpus import corpora_root
from tasks.dedup import similarity
from tasks.metadata_corpora import giveme_records, reuters_stories
from tasks.minhash import shingle_sets

KINDS = ("edit", "truncate", "headline_footer", "inserted_paragraph", "reordered")
MIN_WORDS = 80
ORIGINAL_OVERLAP = 0.2  # max containment between two chosen originals
APART_CONTAINMENT = 0.2
COPY_CONTAINMENT = 0.5
_EPOCH = datetime(2026, 10, 1, tzinfo=UTC)
_PUBLISHERS = ("Coast Daily", "Valley Post", "Harbour Times", "Metro Ledger", "Plains Herald", "Lakeside News")
_TABLE_LINE = re.compile(r"\S {3,}\S")  # aligned columns: a table, not prose
_SUBSTITUTES = ("officials", "said", "market", "company", "government", "analysts", "percent", "reported")
_FOOTER = (
    "Copyright {year} {publisher}. All rights reserved. This material may not be published, broadcast, "
    "rewritten or redistributed.\n\nSign up for the {publisher} morning briefing to get the day's top stories "
    "delivered to your inbox. Follow us on Facebook and Twitter."
)
# A house promo line the normalizer does not know as boilerplate: with it the copy is a near, not exact, match.
_PROMO = "More from {publisher}: read our full coverage of this story and related reports on our website."
_TOWNS = ("Millbrook", "Ashford", "Cedar Falls", "Port Henley", "Greenvale", "Oakridge", "Riverton", "Kingsbury")
_ROLES = ("Mayor", "council member", "chamber of commerce director", "county treasurer", "local economist")
_NAMES = ("Dana Whitfield", "Marcus Oyelaran", "Priya Castellano", "Tom Brennigan", "Helga Sorensen", "Luis Ferraro")
_LOCAL = (
    "In {town}, {role} {name} said residents and small businesses would be watching the outcome closely, "
    "because {count} local jobs depend on the sector. {name} added that the {town} council planned to discuss "
    "the matter at its meeting next {day}.",
    "{role} {name} of {town} told this newspaper the decision could affect about {count} families in the area. "
    "A public meeting on the issue is scheduled for {day} evening at the {town} community hall.",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def prose_paragraphs(body: str) -> list[str]:
    """Reuters body -> paragraphs (indented lines start one), sign-off dropped; [] for tables."""
    if _TABLE_LINE.search(body):
        return []
    text = re.sub(r"\s*Reuter\s*$", "", body.strip())
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n {2,}", text)]
    return [p for p in paragraphs if p]


def choose_originals(root: Path, count: int, rng: random.Random) -> list[dict[str, Any]]:
    """`count` Reuters stories, in a seeded order, none overlapping another chosen one."""
    pool = []
    for story in reuters_stories(root):
        paragraphs = prose_paragraphs(story.body)
        words = sum(len(p.split()) for p in paragraphs)
        # Prose, not an earnings or statistics table: paragraphs of a sentence or more, few figures.
        figures = sum(any(c.isdigit() for c in w) for p in paragraphs for w in p.split())
        prose = words >= MIN_WORDS and words / len(paragraphs) >= 15 and figures <= 0.15 * words
        if story.title and len(paragraphs) >= 3 and prose:
            pool.append((story.newid, " ".join(story.title.split()), paragraphs))
    rng.shuffle(pool)
    chosen: list[dict[str, Any]] = []
    owners: dict[int, list[int]] = {}  # shingle -> chosen indices (an inverted index keeps this linear)
    for newid, title, paragraphs in pool:
        if len(chosen) == count:
            break
        sig = shingle_sets(["\n\n".join(paragraphs)], 3)[0].tolist()
        shared: dict[int, int] = {}
        for value in sig:
            for other in owners.get(value, ()):
                shared[other] = shared.get(other, 0) + 1
        if any(n / min(len(sig), chosen[o]["shingles"]) >= ORIGINAL_OVERLAP for o, n in shared.items()):
            continue
        for value in sig:
            owners.setdefault(value, []).append(len(chosen))
        chosen.append({"newid": newid, "title": title, "paragraphs": paragraphs, "shingles": len(sig)})
    return chosen


def edit_words(paragraphs: list[str], rng: random.Random, share: float) -> list[str]:
    """Typos (swap, drop or double a letter) and word substitutions on `share` of all the words, spread over
    the whole story (per paragraph, a one-line paragraph would get a much higher rate than labelled)."""
    words = [p.split(" ") for p in paragraphs]
    positions = [(n, i) for n, paragraph in enumerate(words) for i in range(len(paragraph))]
    for n, i in rng.sample(positions, max(1, round(len(positions) * share))):
        word, action = words[n][i], rng.random()
        if action < 0.4 or len(word) < 4:
            words[n][i] = rng.choice(_SUBSTITUTES)
        elif action < 0.7:
            k = rng.randrange(1, len(word) - 2)
            words[n][i] = word[:k] + word[k + 1] + word[k] + word[k + 2 :]
        elif action < 0.85:
            k = rng.randrange(1, len(word) - 1)
            words[n][i] = word[:k] + word[k + 1 :]
        else:
            k = rng.randrange(1, len(word) - 1)
            words[n][i] = word[:k] + word[k] + word[k:]
    return [" ".join(paragraph) for paragraph in words]


def make_reprint(
    kind: str, original: dict[str, Any], rng: random.Random, publisher: str
) -> tuple[str, str, dict[str, Any]]:
    """(title, text, generation parameters) of one reprint of `original`."""
    paragraphs: list[str] = list(original["paragraphs"])
    text, title = "\n\n".join(paragraphs), str(original["title"])
    params: dict[str, Any] = {}
    if kind == "edit":
        params["share"] = round(rng.uniform(0.01, 0.10), 3)
        text = "\n\n".join(edit_words(paragraphs, rng, params["share"]))
    elif kind == "truncate":
        params["keep"] = round(rng.uniform(0.4, 0.9), 3)
        cut = text.rfind(" ", 0, int(len(text) * params["keep"]))
        text = text[: max(cut, 1)]
    elif kind == "headline_footer":
        title = f"{publisher} report: {' '.join(title.split()[:4]).title()} story developing"
        params["promo"] = rng.random() < 0.5
        footer = _FOOTER.format(year=2026, publisher=publisher)
        text += "\n\n" + (_PROMO.format(publisher=publisher) + "\n\n" if params["promo"] else "") + footer
    elif kind == "inserted_paragraph":
        local = rng.choice(_LOCAL).format(
            town=rng.choice(_TOWNS),
            role=rng.choice(_ROLES),
            name=rng.choice(_NAMES),
            count=rng.randrange(40, 900),
            day=rng.choice(_DAYS),
        )
        at = params["at"] = rng.randrange(1, len(paragraphs) + 1)
        text = "\n\n".join([*paragraphs[:at], local, *paragraphs[at:]])
    elif kind == "reordered":
        order = list(range(len(paragraphs)))
        while order == sorted(order):
            rng.shuffle(order)
        params["order"] = order
        text = "\n\n".join(paragraphs[i] for i in order)
    return title, text, params


def giveme_items(root: Path) -> tuple[list[dict[str, Any]], list[list[Any]], list[list[Any]]]:
    """Giveme5W1H records as input items, the within-event pairs that must stay apart, and measured copies."""
    items = []
    for _, _, record in giveme_records(root):
        if not (record.get("text") or "").strip():
            continue
        items.append(
            {
                "url": record["url"],
                "title": record.get("title"),
                "text": record["text"],
                "published_at": record.get("date_publish"),
                "publisher": record.get("source_domain"),
                "event": record["newsCluster"]["EventId"],
            }
        )
    sets = shingle_sets([i["text"] for i in items], 3)
    apart, copies = [], []
    for a in range(len(items)):
        for b in range(a + 1, len(items)):
            if items[a]["event"] != items[b]["event"]:
                continue
            sim = similarity(sets[a], sets[b])
            pair = [items[a]["url"], items[b]["url"], round(sim.jaccard, 3), round(sim.containment, 3)]
            if sim.containment < APART_CONTAINMENT:
                apart.append(pair)
            elif sim.containment >= COPY_CONTAINMENT:
                copies.append(pair)
    return items, apart, copies


def build(out: Path, stories: int, seed: int, root: Path | None = None) -> dict[str, Any]:
    """Write run1/, run2/ and labels.json under `out`; returns the labels."""
    root = root or corpora_root()
    rng = random.Random(seed)
    originals = choose_originals(root, stories, rng)
    run1: list[dict[str, Any]] = []
    run2: list[dict[str, Any]] = []
    labels: dict[str, Any] = {"seed": seed, "stories": len(originals), "items": {}}
    for n, original in enumerate(originals):
        published = _EPOCH + timedelta(days=n % 28, minutes=rng.randrange(24 * 60))
        url = f"https://wire.example/reuters/{original['newid']}"
        run1.append(_record(url, original["title"], "\n\n".join(original["paragraphs"]), published, "Reuters"))
        labels["items"][url] = {"run": 1, "source": "reuters", "original": url, "kind": "original"}
        # One story in six has no reprint (precision controls); every third has two.
        kinds = [] if n % 6 == 5 else [KINDS[n % 6 % len(KINDS)]]
        if n % 3 == 0 and kinds:
            kinds.append(KINDS[(n + 2) % len(KINDS)])
        for copy, kind in enumerate(kinds):
            publisher = _PUBLISHERS[(n + copy) % len(_PUBLISHERS)]
            title, text, params = make_reprint(kind, original, rng, publisher)
            copy_url = f"https://{publisher.lower().replace(' ', '-')}.example/{original['newid']}-{copy}"
            later = published + timedelta(minutes=rng.randrange(30, 3 * 24 * 60))
            run2.append(_record(copy_url, title, text, later, publisher))
            labels["items"][copy_url] = {"run": 2, "source": "reuters", "original": url, "kind": kind, **params}
    giveme, apart, copies = giveme_items(root)
    for item in giveme:
        labels["items"][item["url"]] = {
            "run": 1,
            "source": "giveme",
            "original": item["url"],
            "kind": "giveme",
            "event": item.pop("event"),
            "title": item["title"],
            "publisher": item["publisher"],
        }
        run1.append(item)
    labels["apart"], labels["measured_copies"] = apart, copies
    for name, records in (("run1", run1), ("run2", run2)):
        (out / name).mkdir(parents=True, exist_ok=True)
        with (out / name / "items.jsonl").open("w") as lines:
            lines.writelines(json.dumps(r) + "\n" for r in records)
    (out / "labels.json").write_text(json.dumps(labels, indent=1))
    return labels


def _record(url: str, title: str, text: str, published: datetime, publisher: str) -> dict[str, Any]:
    stamp = published.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"url": url, "title": title, "text": text, "published_at": stamp, "publisher": publisher}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=300)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()
    labels = build(args.out, args.stories, args.seed)
    kinds = [v["kind"] for v in labels["items"].values()]
    print({k: kinds.count(k) for k in sorted(set(kinds))}, f"apart pairs {len(labels['apart'])}")


if __name__ == "__main__":
    main()
