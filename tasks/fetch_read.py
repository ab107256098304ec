"""Read remote inputs in a batch task: fetch a page (conditionally, per the fetch ledger) or walk a WARC file.

Every failure is a Reject carrying the URL as source_uri and a reason code (http_404, timeout, too_large,
not_html, robots, refused_host, ...); nothing here raises for bad responses.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime

import pyarrow as pa

from tasks.discover import InputFile
from tasks.errors import Reject
from tasks.fetch_settings import RemoteSpec
from tasks.http_fetch import FetchFailed, fetcher_for
from tasks.read import RawItem, items_from_bytes
from tasks.storage import Dest, Storage
from tasks.warc import WarcProblem, read_warc

HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
log = logging.getLogger(__name__)


def read_remote(f: InputFile, max_item_bytes: int) -> Iterator[RawItem | Reject]:
    spec = f.remote
    if spec is not None and spec.object_root is not None:
        yield from read_object(f, spec.object_root, max_item_bytes)
        return
    if f.format == "warc":
        yield from read_warc_file(f, max_item_bytes)
        return
    assert spec is not None
    if spec.failure is not None:
        yield Reject(f.path, spec.failure[0], spec.failure[1], spec.prefetched or b"")
        return
    fetched_at = datetime.now(UTC)
    if spec.prefetched is not None:
        body, headers, status = spec.prefetched, dict(spec.prefetched_headers), 200
    else:
        full = spec.settings.full_refresh
        try:
            response = fetcher_for(spec.settings).get(
                f.path, None if full else spec.etag, None if full else spec.last_modified
            )
        except FetchFailed as exc:
            yield Reject(f.path, exc.reason, exc.detail, exc.body)
            return
        body, headers, status = response.body, response.headers, response.status
    if status == 304:
        log.info("not modified since the last fetch: %s", f.path)
        return
    item = page_item(f.path, body, headers, spec, fetched_at, max_item_bytes)
    if item is not None:
        yield item


def read_all(files: Iterable[InputFile], max_item_bytes: int, fetch_threads: int = 8) -> Iterator[RawItem | Reject]:
    """The items of `files` in order, fetching URL inputs on a small thread pool (politeness is still enforced
    per host by the fetcher's gates). For `prepare_batch`: a batch of pages is latency-bound when read one by one."""
    from tasks.read import read_items

    def read_one(f: InputFile) -> list[RawItem | Reject]:
        return list(read_items(f, max_item_bytes))

    with ThreadPoolExecutor(max_workers=fetch_threads, thread_name_prefix="fetch") as pool:
        pending: deque[Future[list[RawItem | Reject]]] = deque()
        for f in files:
            if pending or f.format == "url":
                pending.append(pool.submit(read_one, f))
            else:
                yield from read_items(f, max_item_bytes)  # nothing ahead of it: stream, as prepare_batch does
            while len(pending) > fetch_threads * 2:  # bounded look-ahead: memory stays flat
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def page_item(
    url: str, body: bytes, headers: dict[str, str], spec: RemoteSpec, fetched_at: datetime, max_item_bytes: int
) -> RawItem | Reject | None:
    """A fetched page as a raw item; None when its bytes equal what the ledger recorded (already ingested)."""
    if len(body) > max_item_bytes:
        return Reject(url, "too_large", f"{len(body)} bytes (limit {max_item_bytes})", body[:max_item_bytes])
    fmt = _format(headers.get("content-type", ""), body)
    if fmt is None:
        return Reject(url, "not_html", f"Content-Type {headers.get('content-type') or 'missing'!r}", body)
    sha = hashlib.sha256(body).hexdigest()
    if not spec.settings.full_refresh and spec.content_sha256 == sha:
        log.info("unchanged since the last fetch: %s", url)
        return None
    fields: dict[str, str | None] = dict(spec.hints)
    fields.update(
        {"http_etag": headers.get("etag"), "http_last_modified": headers.get("last-modified"), "content_sha256": sha}
    )
    return RawItem(url, fmt, body, fetched_at, fields={k: v for k, v in fields.items() if v})


def _format(content_type: str, body: bytes) -> str | None:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind in HTML_TYPES:
        return "html"
    if kind in TEXT_TYPES:
        return "text"
    if not kind and body[:1024].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "html"
    return None


def read_object(f: InputFile, root: Dest, max_item_bytes: int) -> Iterator[RawItem | Reject]:
    """An object below an s3:// SOURCE, read through the storage layer like a local file of its kind.

    Objects are streamed from the storage layer's filesystem (capped; never auto-decompressed by suffix).
    Unchanged objects (same hash as the ledger's) are downloaded but not ingested again.
    """
    spec = f.remote
    assert spec is not None
    storage = Storage.open(root)
    relative = f.path[len(root.uri) + 1 :]
    fetched_at = datetime.now(UTC)
    if f.format == "warc":
        stream = io.BufferedReader(storage.open_read(relative))
        yield from read_warc_file(f, max_item_bytes, stream)
        return
    cap = max_item_bytes * 1000 if f.format == "jsonl" else max_item_bytes  # as for local files
    try:
        with storage.open_read(relative) as stream:
            stored = bytes(stream.read(cap + 1))  # never more than the cap in memory, whatever the object's size
        data = stored
        if f.compressed and len(stored) <= cap:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            data = inflater.decompress(stored, cap + 1)
            if not inflater.eof and not inflater.unconsumed_tail and len(data) <= cap:
                raise EOFError("compressed object ends early")
    except (OSError, EOFError, zlib.error, pa.ArrowException) as exc:
        yield Reject(f.uri, "unreadable", f"{type(exc).__name__}: {exc}", b"")
        return
    if len(stored) > cap or len(data) > cap:
        yield Reject(f.uri, "too_large", f"more than {cap} bytes", stored[:1_000_000])
        return
    sha = hashlib.sha256(stored).hexdigest()
    if not spec.settings.full_refresh and spec.content_sha256 == sha:
        log.info("unchanged since the last run: %s", f.uri)
        return
    for item in items_from_bytes(f.uri, f.format, data, fetched_at):
        # Every item names its object and the object's hash: the fetch ledger is kept per object.
        yield item if isinstance(item, Reject) else replace(item, fields={**item.fields, **_object_fields(f.uri, sha)})


def _object_fields(uri: str, sha: str) -> dict[str, str | None]:
    return {"object_uri": uri, "content_sha256": sha}


def read_warc_file(
    f: InputFile, max_item_bytes: int, opened: io.BufferedIOBase | None = None
) -> Iterator[RawItem | Reject]:
    name = f.path.rsplit("/", 1)[-1]
    try:
        source: io.BufferedIOBase = opened if opened is not None else open(f.path, "rb")  # noqa: SIM115 - closed below
        stream: io.BufferedIOBase = gzip.GzipFile(fileobj=source) if f.compressed else source
        with source, stream:
            for record in read_warc(stream, max_item_bytes):
                if isinstance(record, WarcProblem):
                    yield Reject(record.target_uri or f.uri, record.reason, f"{name}: {record.detail}", record.raw)
                    continue
                if not 200 <= record.status < 300:
                    yield Reject(record.target_uri, f"http_{record.status}", f"{name}: archived status", record.block)
                    continue
                fmt = _format(record.headers.get("content-type", ""), record.body)
                if fmt is None:
                    detail = f"{name}: Content-Type {record.content_type or 'missing'!r}"
                    yield Reject(record.target_uri, "not_html", detail, record.block)
                    continue
                fetched = _warc_time(record.warc_date) or datetime.now(UTC)
                fields = {"warc_file": name, "warc_record_id": record.record_id}
                yield RawItem(record.target_uri, fmt, record.body, fetched, fields=dict(fields))
    except (OSError, EOFError, zlib.error, pa.ArrowException) as exc:
        yield Reject(f.uri, "unreadable", f"{type(exc).__name__}: {exc}", b"")


def _warc_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
