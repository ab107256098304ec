"""The fetch ledger: what was fetched into a dataset (URL or key, ETag, Last-Modified, content hash, time).

It lives beside the dataset at `_fetch_ledger/ledger.parquet` and is derived from the raw archive of
*committed* runs (each fetched item's `fields` carry its validators and hash), so a run that failed after
fetching leaves no trace and its items are fetched again. Each run folds the raw files it has not seen yet
into the ledger and rewrites it (atomically, through Storage); reruns then send conditional GETs and skip
items whose content hash is unchanged. `--full-refresh` ignores it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

from tasks.storage import Dest, Storage

LEDGER_PATH = "_fetch_ledger/ledger.parquet"
RAW_PREFIX = "raw"
SCHEMA = pa.schema(
    [
        pa.field("url", pa.string(), nullable=False),
        pa.field("etag", pa.string()),
        pa.field("last_modified", pa.string()),
        pa.field("content_sha256", pa.string(), nullable=False),
        pa.field("fetched_at", pa.timestamp("us", tz="UTC"), nullable=False),
    ]
)
_FOLDED_KEY = b"newsetl.folded_raw_files"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LedgerEntry:
    url: str
    etag: str | None
    last_modified: str | None
    content_sha256: str
    fetched_at: datetime


@dataclass
class FetchLedger:
    entries: dict[str, LedgerEntry]

    def lookup(self, url: str) -> LedgerEntry | None:
        return self.entries.get(url)


def load_ledger(dest: Dest | str | None) -> FetchLedger:
    """The ledger of `dest`, brought up to date with its committed raw archive; empty when there is none."""
    if dest is None:
        return FetchLedger({})
    storage = Storage.open(dest)
    entries: dict[str, LedgerEntry] = {}
    folded: set[str] = set()
    if storage.exists(LEDGER_PATH):
        table = storage.read_parquet(LEDGER_PATH)
        folded = set(json.loads((table.schema.metadata or {}).get(_FOLDED_KEY, b"[]")))
        for row in table.to_pylist():
            entries[row["url"]] = LedgerEntry(**row)
    raw_files = storage.list_files(RAW_PREFIX, ".parquet")
    fresh = [path for path in raw_files if path not in folded]
    for path in fresh:
        for row in storage.read_parquet(path, columns=["source_uri", "fields", "fetched_at"]).to_pylist():
            entry = _entry(row)
            if entry is not None and (entry.url not in entries or entries[entry.url].fetched_at <= entry.fetched_at):
                entries[entry.url] = entry
    if fresh:
        try:
            _write(storage, entries, raw_files)
        except (OSError, pa.ArrowException) as exc:  # the ledger is a cache of the archive: rebuilt next run
            log.warning("could not write the fetch ledger %s: %s", LEDGER_PATH, exc)
    return FetchLedger(entries)


def _entry(row: dict[str, object]) -> LedgerEntry | None:
    try:
        fields = json.loads(str(row["fields"])) if row["fields"] else {}
    except ValueError:
        return None
    sha = fields.get("content_sha256") if isinstance(fields, dict) else None
    if not sha:
        return None  # not a fetched item (a local file, or a fetch that failed)
    fetched_at = row["fetched_at"]
    assert isinstance(fetched_at, datetime)
    url = fields.get("object_uri") or row["source_uri"]  # objects are kept per object, not per JSON line
    return LedgerEntry(str(url), fields.get("http_etag"), fields.get("http_last_modified"), str(sha), fetched_at)


def _write(storage: Storage, entries: dict[str, LedgerEntry], folded: list[str]) -> None:
    rows = [vars(entries[url]) for url in sorted(entries)]
    schema = SCHEMA.with_metadata({_FOLDED_KEY: json.dumps(sorted(folded)).encode()})
    storage.write_parquet(LEDGER_PATH, pa.Table.from_pylist(rows, schema=schema))


DOCUMENTS_PREFIX = "_fetch_ledger/documents"


@dataclass(frozen=True)
class CachedDocument:
    etag: str | None
    last_modified: str | None
    body: bytes


class DocumentCache:
    """Last copies of feeds and sitemaps with their validators, so a rerun can ask for them conditionally.

    Only the download is saved: the entries of a cached feed still go through the (committed-only) ledger,
    so a failed run loses nothing. A missing or unreadable copy just means a full download.
    """

    def __init__(self, dest: Dest | str | None) -> None:
        self.storage = Storage.open(dest) if dest is not None else None

    def get(self, url: str) -> CachedDocument | None:
        if self.storage is None:
            return None
        try:
            data = self.storage.read_bytes(_document_path(url))
        except (OSError, pa.ArrowException):
            return None
        head, _, body = data.partition(b"\n")
        try:
            meta = json.loads(head)
        except ValueError:
            return None
        if meta.get("url") != url:
            return None
        return CachedDocument(meta.get("etag"), meta.get("last_modified"), body)

    def put(self, url: str, etag: str | None, last_modified: str | None, body: bytes) -> None:
        if self.storage is None or not (etag or last_modified):
            return
        head = json.dumps({"url": url, "etag": etag, "last_modified": last_modified}).encode()
        try:
            self.storage.write_bytes(_document_path(url), head + b"\n" + body)
        except (OSError, pa.ArrowException) as exc:
            log.warning("could not keep a copy of %s: %s", url, exc)


def _document_path(url: str) -> str:
    import hashlib

    return f"{DOCUMENTS_PREFIX}/{hashlib.sha256(url.encode()).hexdigest()[:32]}.doc"
