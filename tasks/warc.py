"""WARC archives (.warc, .warc.gz, as in Common Crawl's CC-NEWS) -> the HTTP responses they hold.

A small streaming reader of the WARC 1.0/1.1 record format (ISO 28500): only `response` records with an
`application/http` block are items; warcinfo, request, metadata and revisit records carry no page. A
.warc.gz is a series of gzip members, one per record, which Python's gzip reader streams through in order.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BufferedIOBase

_CHUNK = 1 << 20


@dataclass(frozen=True)
class WarcResponse:
    target_uri: str
    record_id: str
    warc_date: str | None
    status: int
    headers: dict[str, str]  # HTTP headers, lower-case names
    body: bytes  # payload with transfer and content encodings undone
    block: bytes = field(repr=False, default=b"")  # the record's exact HTTP bytes, for rejects

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


@dataclass(frozen=True)
class WarcProblem:
    """A record (or the rest of the file) that could not be read: becomes a Reject."""

    target_uri: str | None
    reason: str  # malformed_warc | truncated | too_large
    detail: str
    raw: bytes = b""


def read_warc(stream: BufferedIOBase, max_record_bytes: int) -> Iterator[WarcResponse | WarcProblem]:
    while True:
        line = stream.readline()
        while line in (b"\r\n", b"\n"):
            line = stream.readline()
        if not line:
            return
        if not line.startswith(b"WARC/"):
            yield WarcProblem(None, "malformed_warc", f"expected a WARC version line, got {line[:40]!r}", line)
            return
        headers = _headers(stream)
        uri = headers.get("warc-target-uri")
        length_text = headers.get("content-length", "")
        if not length_text.isdigit():
            yield WarcProblem(uri, "malformed_warc", f"record without a Content-Length ({length_text!r})")
            return
        length = int(length_text)
        if length > max_record_bytes:
            _skip(stream, length)
            yield WarcProblem(uri, "too_large", f"WARC record of {length} bytes (limit {max_record_bytes})")
            continue
        block = stream.read(length)
        if len(block) < length:
            yield WarcProblem(uri, "truncated", f"record ends after {len(block)} of {length} bytes", block)
            return
        kind = headers.get("warc-type", "")
        if kind != "response" or not headers.get("content-type", "").startswith("application/http"):
            continue
        yield _response(uri or "", headers, block, max_record_bytes)


def _headers(stream: BufferedIOBase) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in iter(stream.readline, b""):
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("utf-8", "replace").partition(":")
        found[name.strip().lower()] = value.strip()
    return found


def _skip(stream: BufferedIOBase, length: int) -> None:
    while length > 0:
        chunk = stream.read(min(length, _CHUNK))
        if not chunk:
            return
        length -= len(chunk)


def _response(uri: str, warc: dict[str, str], block: bytes, cap: int) -> WarcResponse | WarcProblem:
    head, _, body = block.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        return WarcProblem(uri, "malformed_warc", f"bad HTTP status line {lines[0][:60]!r}", block)
    http = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        http[name.strip().lower()] = value.strip()
    try:
        if "chunked" in http.get("transfer-encoding", "").lower():
            body = _dechunk(body)
        encoding = http.get("content-encoding", "").strip().lower()
        if encoding in ("gzip", "x-gzip", "deflate"):
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS)
            body = inflater.decompress(body, cap + 1)
            if len(body) > cap or inflater.unconsumed_tail:
                return WarcProblem(uri, "too_large", f"more than {cap} bytes after decompression", block)
    except (ValueError, zlib.error) as exc:
        return WarcProblem(uri, "malformed_warc", f"HTTP payload: {exc}", block)
    return WarcResponse(uri, warc.get("warc-record-id", ""), warc.get("warc-date"), int(parts[1]), http, body, block)


def _dechunk(data: bytes) -> bytes:
    out: list[bytes] = []
    position = 0
    while True:
        end = data.index(b"\r\n", position)
        size = int(data[position:end].split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            return b"".join(out)
        out.append(data[end + 2 : end + 2 + size])
        position = end + 2 + size + 2
