"""Whole-pipeline metadata scores: corpus pages and records go through `build_article`, as in a run, and the
row's title, authors, published_at, language, publisher and licence are scored against the corpus labels.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tasks.article import build_article
from tasks.errors import Reject
from tasks.licenses import license_from_html
from tasks.metadata_bylines import clean_title
from tasks.metadata_corpora import LabelledPage, giveme_records, mozilla_pages, trafilatura_pages
from tasks.metadata_scores import Score, field_scores, ratio, same_title
from tasks.read import items_from_bytes

_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)  # fetched_at for corpus items: fixed, so rows are deterministic


def article_row(uri: str, fmt: str, data: bytes) -> dict[str, Any] | None:
    """The ARTICLES row our pipeline makes of one input (its first item), or None when it is rejected."""
    for item in items_from_bytes(uri, fmt, data, _EPOCH):
        if isinstance(item, Reject):
            return None
        row = build_article(item, "eval", strict_encoding=False)
        return None if isinstance(row, Reject) else row
    return None


def mozilla_scores(root: Path) -> list[Score]:
    """Readability's metadata labels; plus "no licence invented": none of these 40 pages states a licence for
    its content (checked by hand: the only Creative Commons mentions are in a CSS comment and a script)."""
    pairs = []
    invented = pages = titles_without_site = 0
    for page in mozilla_pages(root):
        pages += 1
        row = article_row(f"mozilla/{page.name}", "html", page.html)
        invented += bool((row or {}).get("license") or license_from_html(page.html.decode("utf-8", "replace")))
        labels = page.labels
        gold = {
            "title": labels.get("title"),
            # Readability's title is the page's as stated (og:title "Story - Breitbart" as written): our
            # page_title column, by the same rule; `title` is the headline without the site's branding.
            "page_title": labels.get("title"),
            "authors": labels.get("byline"),
            "published_at": labels.get("publishedTime"),
            "language": labels.get("lang"),
            "publisher": labels.get("siteName"),
        }
        pairs.append((row, gold))
        # Readability copies og:title as written, site name and all ("... - Breitbart"), and cuts <title> at
        # times; we drop a site name wherever the page lets us verify it, so also score with it dropped from
        # the label the way we drop it from ours.
        label = clean_title(labels.get("title"), labels.get("siteName"))
        titles_without_site += same_title((row or {}).get("title"), label)
    without_site = ratio(titles_without_site, pages, "title, site name dropped from label", "mozilla_readability")
    none_invented = ratio(pages - invented, pages, "license: none invented (+ HTML scan)", "mozilla_readability")
    return [*field_scores(pairs, "mozilla_readability"), without_site, none_invented]


def giveme_scores(root: Path) -> list[Score]:
    """news-please records through our JSON reader: do the crawler's fields reach the row intact?"""
    scores: list[Score] = []
    for folder in ("news_cluster", "gold_standard"):
        pairs = []
        for article_id, data, record in giveme_records(root, folder):
            language = _known(record.get("language"))
            gold = {
                "title": _known(record.get("title")),
                "page_title": _known(record.get("title")),
                "authors": record.get("authors") or None,
                "published_at": _known(record.get("date_publish")),
                # Two English Business Insider records say "de": a known label error (corpus README).
                "language": None if language == "de" else language,
            }
            pairs.append((article_row(f"giveme/{article_id}", "json", data), gold))
        scores.extend(field_scores(pairs, f"giveme5w1h/{folder}"))
    return scores


def _known(value: Any) -> str | None:
    return None if value in (None, "", "None") else str(value)


# --- licences --------------------------------------------------------------------------------------------

_GOLD_LICENCE = re.compile(
    r"^CC[\s-](?P<elements>BY(?:-(?:NC|ND|SA))*)(?:[\s-](?P<version>\d\.\d))?(?:[\s-](?P<port>[A-Z]{2}))?$"
)
_OUR_LICENCE = re.compile(r"^CC-(?P<elements>BY(?:-(?:NC|ND|SA))*)-(?P<version>\d\.\d)(?:-(?P<port>[A-Z]{2,3}))?$")


def licence_correct(ours: str | None, gold: str) -> bool | None:
    """Is our SPDX id right for the page's annotated licence? None when the annotation is unusable.

    '' (no licence declared) wants None. A versionless annotation ('CC-BY-SA') accepts any version of those
    licence elements. A jurisdiction port ('CC BY-SA 3.0 DE') wants the ported SPDX id, or the generic id of
    that version where SPDX lists no such port.
    """
    if not gold.strip():
        return ours is None
    wanted = _GOLD_LICENCE.match(gold.strip())
    if wanted is None:
        return None  # "DE" alone: an annotation slip (corpus README)
    if ours is None:
        return False
    found = _OUR_LICENCE.match(ours)
    if found is None or found.group("elements") != wanted.group("elements"):
        return False
    if wanted.group("version") is None:
        return True
    if found.group("version") != wanted.group("version"):
        return False
    return found.group("port") in (None, wanted.group("port"))


def licence_scores(pages: Iterable[LabelledPage], dataset: str, html_scan: bool = False) -> list[Score]:
    """Accuracy over all usable annotations, and how often a page that states no licence got one anyway.

    `html_scan` adds `license_from_html` where the row has no licence: what the pipeline gives once
    `tasks.article` calls it for HTML input (not wired yet: that file belongs to the pipeline step).
    """
    hits = total = invented = negatives = 0
    for page in pages:
        row = article_row(page.name, "html", page.html)
        ours = row.get("license") if row else None
        if html_scan and ours is None:
            ours = license_from_html(page.html.decode("utf-8", "replace"))
        verdict = licence_correct(ours, str(page.labels.get("license") or ""))
        if verdict is None:
            continue
        total += 1
        hits += verdict
        if not str(page.labels.get("license") or "").strip():
            negatives += 1
            invented += ours is not None
    suffix = " + HTML scan" if html_scan else ""
    return [
        ratio(hits, total, "license" + suffix, dataset),
        ratio(negatives - invented, negatives, "license: none invented" + suffix, dataset),
    ]


def trafilatura_title_scores(root: Path) -> list[Score]:
    """Titles of the trafilatura subset's pages through the pipeline. Its labels were made with trafilatura
    as the target tool (corpus README): a second view of the title rules next to Readability's labels, with
    the opposite bias (trafilatura drops site names, Readability keeps those its metadata gives)."""
    pairs = []
    for page in trafilatura_pages(root):
        row = article_row(page.name, "html", page.html)
        pairs.append((row, {"title": page.labels.get("title") or None}))
    return [score for score in field_scores(pairs, "trafilatura_eval_subset") if score.field == "title"]


def trafilatura_licence_scores(root: Path) -> list[Score]:
    pages = list(trafilatura_pages(root))
    dataset = "trafilatura_eval_subset"
    return [*licence_scores(pages, dataset), *licence_scores(pages, dataset, html_scan=True)]


# --- our own bundled sample set (flows/sample_data) and its hand labels ----------------------------------

_SAMPLE_FIELDS = ("title", "publisher", "dateline_place", "agency", "license", "authors", "published_at")
_FORMATS = {".txt": "text", ".html": "html", ".json": "json", ".jsonl": "jsonl"}


def sample_scores(sample_dir: Path, labels_path: Path) -> list[Score]:
    """Every labelled field of every article in the sample set, exact; a null label wants a null value, so
    a licence or agency invented for an item that states none counts as wrong."""
    labels: dict[str, dict[str, Any]] = json.loads(labels_path.read_text(encoding="utf-8"))["items"]
    rows: dict[str, dict[str, Any]] = {}
    for path in sorted(p for p in sample_dir.rglob("*") if p.is_file()):
        name = path.name.removesuffix(".gz")
        fmt = _FORMATS.get(Path(name).suffix)
        if fmt is None:
            continue
        data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
        for item in items_from_bytes(path.relative_to(sample_dir).as_posix(), fmt, data, _EPOCH):
            if isinstance(item, Reject):
                continue
            row = build_article(item, "eval", strict_encoding=False)
            if not isinstance(row, Reject):
                rows[item.source_uri] = row
    tallies = {field: [0, 0] for field in _SAMPLE_FIELDS}
    for key, label in labels.items():
        if label.get("kind") == "reject":
            continue
        row = rows.get(key, {})
        for field in _SAMPLE_FIELDS:
            if field not in label:
                continue
            ours = row.get(field)
            if field == "published_at":
                ours = ours.strftime("%Y-%m-%dT%H:%M:%SZ") if ours else None
            if field == "authors":
                ours = list(ours or []) or None
            tallies[field][0] += ours == label[field]
            tallies[field][1] += 1
    return [ratio(hits, total, field, "sample_data (ours)") for field, (hits, total) in tallies.items()]
