"""Read input files into raw items: one item per article, with the exact raw bytes kept for rejects.

Formats: plain text, HTML, a JSON object or array of objects, JSON Lines; each optionally gzip-compressed.
JSON field names follow the common crawlers (news-please, trafilatura, our own): see `FIELD_ALIASES`.
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tasks.discover import InputFile
from tasks.errors import Reject
from tasks.jsonl_ranges import read_range

# Our field name -> names it goes by in the wild, in order of preference.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "title_rss", "title_page"),
    "url": ("url", "link", "canonical_url"),
    "published_at": ("published_at", "date_publish", "published", "pubDate", "date", "datePublished"),
    "publisher": ("publisher", "source", "site_name", "sitename", "source_domain"),
    "language": ("language", "lang"),
    "authors": ("authors", "author", "byline"),
    "license": ("license", "licence"),
}
TEXT_FIELDS = ("text", "body", "maintext", "content", "article")
HTML_FIELDS = ("html", "raw_html")


@dataclass(frozen=True)
class RawItem:
    source_uri: str
    format: str  # "text" or "html"
    raw: bytes  # the exact input bytes of this item
    fetched_at: datetime
    text: str | None = None  # already-decoded text (JSON fields)
    fields: dict[str, str | None] = field(default_factory=dict)


def read_items(f: InputFile, max_item_bytes: int) -> Iterator[RawItem | Reject]:
    """Yield the items of one file; anything unreadable is yielded as a Reject, never raised."""
    if f.remote is not None or f.format == "warc":
        from tasks.fetch_read import read_remote

        yield from read_remote(f, max_item_bytes)
        return
    fetched_at = datetime.fromtimestamp(_mtime(f.path), tz=UTC)
    if f.format == "unsupported":
        yield Reject(f.uri, "unsupported_format", f"no reader for {f.path.rsplit('/', 1)[-1]!r}", _head(f.path))
        return
    if f.byte_range is not None:
        yield from _jsonl_range(f, max_item_bytes, fetched_at)
        return
    try:
        data = _read_all(f, max_item_bytes)
    except _TooLarge as exc:
        yield Reject(f.uri, "too_large", str(exc), _head(f.path))
        return
    except (OSError, EOFError, zlib.error) as exc:
        yield Reject(f.uri, "unreadable", f"{type(exc).__name__}: {exc}", _head(f.path))
        return
    yield from items_from_bytes(f.uri, f.format, data, fetched_at)


def items_from_bytes(uri: str, fmt: str, data: bytes, fetched_at: datetime) -> Iterator[RawItem | Reject]:
    """The items of a whole (decompressed) input of a supported format, wherever its bytes came from."""
    if fmt in ("text", "html"):
        yield RawItem(uri, fmt, data, fetched_at)
    elif fmt == "json":
        yield from _json_document(uri, data, fetched_at)
    else:
        for number, line in enumerate(data.split(b"\n"), start=1):
            if line.strip():
                yield from _json_record(f"{uri}#L{number}", line, fetched_at)


def _jsonl_range(f: InputFile, max_item_bytes: int, fetched_at: datetime) -> Iterator[RawItem | Reject]:
    assert f.byte_range is not None
    try:
        for number, line in read_range(f.path, *f.byte_range, max_item_bytes):
            uri = f"{f.uri}#L{number}"
            if line is None:
                yield Reject(uri, "too_large", f"line longer than {max_item_bytes} bytes", b"")
            else:
                yield from _json_record(uri, line, fetched_at)
    except OSError as exc:
        yield Reject(
            f"{f.uri}#bytes={f.byte_range[0]}-{f.byte_range[1]}", "unreadable", f"{type(exc).__name__}: {exc}", b""
        )


class _TooLarge(Exception):
    pass


def _read_all(f: InputFile, limit: int) -> bytes:
    # JSONL files legitimately hold many articles: the per-item cap applies to each line, not the file.
    cap = limit * 1000 if f.format == "jsonl" else limit
    opener = gzip.open if f.compressed else open
    with opener(f.path, "rb") as stream:
        data = stream.read(cap + 1)
    if len(data) > cap:
        raise _TooLarge(f"more than {cap} bytes{' after decompression' if f.compressed else ''}")
    return bytes(data)


def _json_document(uri: str, data: bytes, fetched_at: datetime) -> Iterator[RawItem | Reject]:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        yield Reject(uri, "malformed_json", str(exc), data)
        return
    if isinstance(document, list):
        for index, record in enumerate(document):
            item_uri = f"{uri}#{index}"
            # The array item's own bytes are not addressable; its canonical JSON stands in for them.
            raw = json.dumps(record, ensure_ascii=False, sort_keys=True).encode()
            yield _from_record(item_uri, record, raw, fetched_at)
    else:
        yield _from_record(uri, document, data, fetched_at)


def _json_record(uri: str, line: bytes, fetched_at: datetime) -> Iterator[RawItem | Reject]:
    try:
        record = json.loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        yield Reject(uri, "malformed_json", str(exc), line)
        return
    yield _from_record(uri, record, line, fetched_at)


def _from_record(uri: str, record: Any, raw: bytes, fetched_at: datetime) -> RawItem | Reject:
    if not isinstance(record, dict):
        return Reject(uri, "malformed_json", f"expected a JSON object, got {type(record).__name__}", raw)
    fields = {name: _first(record, aliases) for name, aliases in FIELD_ALIASES.items()}
    html = _first(record, HTML_FIELDS)
    text = _first(record, TEXT_FIELDS)
    if text:
        return RawItem(uri, "text", raw, fetched_at, text=text, fields=fields)
    if html:
        return RawItem(uri, "html", html.encode(), fetched_at, text=html, fields=fields)
    return Reject(uri, "missing_text", f"none of the fields {', '.join(TEXT_FIELDS + HTML_FIELDS)}", raw)


def _first(record: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = record.get(name)
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value if v)
        if value not in (None, "", "None"):
            return str(value)
    return None


def _mtime(path: str) -> float:
    return os.path.getmtime(path)


def _head(path: str, limit: int = 1_000_000) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read(limit)
    except OSError:
        return b""
