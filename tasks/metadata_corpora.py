"""Readers for the labelled news corpora that measure metadata extraction (`bench/metadata_eval.py`,
`tests/corpus/`). Each reader yields the input as our pipeline would see it plus the corpus's own labels;
nothing here scores or extracts.

Corpora live outside the repository (../shared/corpora); their READMEs describe the formats read here.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REUTERS = "reuters21578"
GIVEME = "giveme5w1h_news"
MOZILLA = "mozilla_readability_news_pages"
TRAFILATURA = "trafilatura_eval_subset"

_REUTERS_RECORD = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.DOTALL)
_CONTROL_REFERENCE = re.compile(r"&#(?:[0-9]|[12][0-9]|3[01]);")


@dataclass(frozen=True)
class ReutersStory:
    newid: int
    title: str | None
    dateline: str | None  # as labelled, e.g. "    SALVADOR, Feb 26 - "
    body: str  # the <BODY> text, without the dateline (Reuters keeps it in its own element)
    places: tuple[str, ...]  # index codes: "usa", "west-germany"
    people: tuple[str, ...]  # "reagan", "james-baker"
    orgs: tuple[str, ...]  # "opec", "ec", "worldbank"


@dataclass(frozen=True)
class LabelledPage:
    name: str  # folder name (Mozilla) or URL (trafilatura subset)
    html: bytes
    labels: dict[str, Any]


def reuters_stories(root: Path, files: int | None = None) -> Iterator[ReutersStory]:
    """Stories of Reuters-21578 in NEWID order; `files` limits how many of the 22 .sgm files are read."""
    paths = sorted((root / REUTERS / "sgm").glob("reut2-*.sgm.gz"))[:files]
    for path in paths:
        # latin-1: one stray 0xFC byte in reut2-017 (see the corpus README).
        text = gzip.decompress(path.read_bytes()).decode("latin-1")
        for match in _REUTERS_RECORD.finditer(text):
            record = match.group(2)
            body = _element(record, "BODY")
            if body is None:
                continue
            yield ReutersStory(
                newid=int(match.group(1)),
                title=_element(record, "TITLE"),
                dateline=_element(record, "DATELINE"),
                body=body,
                places=_categories(record, "PLACES"),
                people=_categories(record, "PEOPLE"),
                orgs=_categories(record, "ORGS"),
            )


def _element(record: str, tag: str) -> str | None:
    start = record.find(f"<{tag}>")
    if start < 0:
        return None
    end = record.find(f"</{tag}>", start)
    raw = record[start + len(tag) + 2 : end if end >= 0 else len(record)]
    return html.unescape(_CONTROL_REFERENCE.sub("", raw))


def _categories(record: str, tag: str) -> tuple[str, ...]:
    inner = _element(record, tag) or ""
    return tuple(re.findall(r"<D>([^<]+)</D>", inner))


def giveme_records(root: Path, folder: str = "news_cluster") -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    """(dId, the file's bytes as our JSON reader sees them, the parsed record) for `news_cluster` or
    `gold_standard`, in file-name order."""
    for path in sorted((root / GIVEME / folder).glob("*.json")):
        data = path.read_bytes()
        record = json.loads(data)
        yield str(record.get("dId") or path.stem), data, record


def giveme_text(root: Path, article_id: str) -> str:
    """The `text` field of one Giveme5W1H article (either folder): what quote labels point into."""
    for folder in ("news_cluster", "gold_standard"):
        path = root / GIVEME / folder / f"{article_id}.json"
        if path.is_file():
            return str(json.loads(path.read_bytes())["text"])
    raise FileNotFoundError(f"no Giveme5W1H article {article_id!r}")


def mozilla_pages(root: Path) -> Iterator[LabelledPage]:
    for folder in sorted((root / MOZILLA / "pages").iterdir()):
        labels = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        yield LabelledPage(folder.name, gzip.decompress((folder / "source.html.gz").read_bytes()), labels)


def trafilatura_pages(root: Path) -> Iterator[LabelledPage]:
    base = root / TRAFILATURA
    entries: dict[str, dict[str, Any]] = json.loads((base / "evaldata_subset.json").read_text(encoding="utf-8"))
    for url, labels in sorted(entries.items()):
        path = base / "html" / f"{labels['file']}.gz"
        if path.is_file():
            yield LabelledPage(url, gzip.decompress(path.read_bytes()), labels)
