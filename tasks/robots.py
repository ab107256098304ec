"""robots.txt, honoured by default: fetched once per host (through the same safe, polite client) and cached.

Following RFC 9309: a 4xx robots.txt means no restrictions; a 5xx or an unreachable one means "disallow all"
for this run, because a site that is down should not then be crawled in full.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

if TYPE_CHECKING:
    from tasks.http_fetch import Fetcher

_MAX_ROBOTS_BYTES = 500_000  # RFC 9309 asks crawlers to read at least 500 KiB


class RobotsCache:
    def __init__(self, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self._rules: dict[str, RobotFileParser] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def rules_for(self, url: str) -> RobotFileParser:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            origin_lock = self._locks.setdefault(origin, threading.Lock())
        with origin_lock:  # one fetch per origin even when many threads ask at once
            if origin not in self._rules:
                self._rules[origin] = self._load(origin)
            return self._rules[origin]

    def _load(self, origin: str) -> RobotFileParser:
        from tasks.http_fetch import FetchFailed

        parser = RobotFileParser(f"{origin}/robots.txt")
        try:
            response = self.fetcher.get(f"{origin}/robots.txt", robots=False)
        except FetchFailed as exc:
            status = int(exc.reason[5:]) if exc.reason.startswith("http_") and exc.reason[5:].isdigit() else 0
            # RobotFileParser's own switches for "no robots.txt" and "unreachable robots.txt".
            setattr(parser, "allow_all" if 400 <= status < 500 else "disallow_all", True)
            return parser
        text = response.body[:_MAX_ROBOTS_BYTES].decode("utf-8", "replace")
        parser.parse(text.splitlines())
        return parser


def parse_robots(text: str, url: str = "http://example.invalid/robots.txt") -> RobotFileParser:
    parser = RobotFileParser(url)
    parser.parse(text.splitlines())
    return parser
