"""A local HTTP server on 127.0.0.1 for the fetch tests: real pages and feeds from the corpora, plus faults.

Pages are the Mozilla Readability news pages (served with an ETag and Last-Modified, answering conditional
requests with 304); feeds are the corpus feeds with their item links rewritten to point at this server.
Fault paths: /fault/flaky-500/KEY (500 once, then the page), /fault/429/KEY (429 with Retry-After once),
/fault/slow, /fault/truncated, /fault/loop-a <-> /fault/loop-b, /fault/to-metadata, /fault/404, /fault/bomb,
/fault/pdf, /fault/always-500; /private/* is disallowed by robots.txt.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from lxml import etree

LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
BOMB = gzip.compress(b"\0" * 30_000_000, compresslevel=9)  # ~30 KB on the wire, 30 MB inflated


@dataclass
class Served:
    """What the server saw: every request (method, path, headers) and the body bytes it sent."""

    pages: dict[str, bytes] = field(default_factory=dict)  # name -> HTML
    documents: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # path -> (content type, body)
    statuses: dict[str, int] = field(default_factory=dict)  # path -> status to answer with an empty body
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    body_bytes_sent: int = 0
    hits: dict[str, int] = field(default_factory=dict)
    slow_seconds: float = 3.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


def load_pages(corpora: Path, limit: int = 40) -> dict[str, bytes]:
    folders = sorted((corpora / "mozilla_readability_news_pages" / "pages").iterdir())[:limit]
    return {folder.name: gzip.decompress((folder / "source.html.gz").read_bytes()) for folder in folders}


def rewrite_feed(feed: bytes, links: list[str]) -> bytes:
    """The feed with its first len(links) item links replaced (in order) and its other items removed."""
    root = etree.fromstring(feed, etree.XMLParser(resolve_entities=False))
    items = [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname in ("item", "entry")]
    for item, link in zip(items, links, strict=False):
        for child in item:
            name = etree.QName(child).localname if isinstance(child.tag, str) else ""
            if name == "link":
                if child.get("href") is not None:
                    child.set("href", link)
                else:
                    child.text = link
            elif name == "guid":
                child.text = link
    for item in items[len(links) :]:
        item.getparent().remove(item)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


class _Handler(BaseHTTPRequestHandler):
    served: Served
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        s = self.served
        with s.lock:
            s.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            s.hits[self.path] = s.hits.get(self.path, 0) + 1
            hits = s.hits[self.path]
        path = self.path
        if path in s.statuses:
            return self._send(s.statuses[path], "text/plain", b"")
        if path in s.documents:
            kind, body = s.documents[path]
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, "", b"", {"ETag": etag})
            return self._send(200, kind, body, {"ETag": etag})
        if path == "/robots.txt":
            return self._send(200, "text/plain", ROBOTS)
        if path.startswith("/pages/"):
            return self._page(path.removeprefix("/pages/").removesuffix(".html"))
        if path.startswith("/fault/flaky-500/"):
            return self._send(500, "text/plain", b"boom") if hits == 1 else self._page(path.rsplit("/", 1)[1])
        if path.startswith("/fault/429/"):
            if hits == 1:
                return self._send(429, "text/plain", b"slow down", {"Retry-After": "1"})
            return self._page(path.rsplit("/", 1)[1])
        if path == "/fault/always-500":
            return self._send(503, "text/plain", b"down")
        if path == "/fault/slow":
            time.sleep(s.slow_seconds)
            return self._page(next(iter(s.pages)))
        if path == "/fault/truncated":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<html><body><p>only the start")
            self.wfile.flush()
            self.close_connection = True
            return None
        if path in ("/fault/loop-a", "/fault/loop-b"):
            return self._send(302, "text/plain", b"", {"Location": path[:-1] + ("b" if path.endswith("a") else "a")})
        if path == "/fault/to-metadata":
            return self._send(302, "text/plain", b"", {"Location": "http://169.254.169.254/latest/meta-data/"})
        if path == "/fault/bomb":
            return self._send(200, "text/html", BOMB, {"Content-Encoding": "gzip"})
        if path == "/fault/bad-gzip":
            return self._send(200, "text/html", b"this is not gzip at all", {"Content-Encoding": "gzip"})
        if path == "/fault/pdf":
            return self._send(200, "application/pdf", b"%PDF-1.4 not an article")
        if path.startswith("/private/"):
            return self._page(next(iter(s.pages)))
        return self._send(404, "text/html", b"<html><body>not here</body></html>")

    def _page(self, name: str) -> None:
        body = self.served.pages.get(name)
        if body is None:
            return self._send(404, "text/html", b"no such page")
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == LAST_MODIFIED:
            return self._send(304, "", b"", {"ETag": etag})
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        if "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, mtime=0)
            headers["Content-Encoding"] = "gzip"
        return self._send(200, "text/html; charset=utf-8", body, headers)

    def _send(self, status: int, kind: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with self.served.lock:
            self.served.body_bytes_sent += len(body)


@contextmanager
def fetch_server(corpora: Path) -> Iterator[tuple[str, Served]]:
    """(base URL, Served) of a server on 127.0.0.1 with the corpus pages and no feeds yet."""
    served = Served(pages=load_pages(corpora))
    handler = type("Handler", (_Handler,), {"served": served})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", served
    finally:
        server.shutdown()
        server.server_close()
