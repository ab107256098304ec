"""Fetch benchmark: pages per second from a local HTTP server (the corpus pages on 127.0.0.1) at the default
politeness settings and relaxed, read one by one (as a batch reads its inputs today) and with `read_all`'s
small fetch pool; then the bytes a rerun of an unchanged feed downloads, through `newsetl run`.

    .venv/bin/python -m bench.fetch_bench [--polite-pages 8] [--corpora ../shared/corpora]

All modes run in one process against one server, so their ratios are meaningful on a shared machine.
Fetch-only timings exclude extraction (trafilatura), which dominates a real run's CPU.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the local HTTP server the tests use

from fetch_server import fetch_server, rewrite_feed  # noqa: E402

from tasks.discover import InputFile  # noqa: E402
from tasks.fetch_read import read_all  # noqa: E402
from tasks.fetch_settings import FetchSettings, RemoteSpec  # noqa: E402
from tasks.read import read_items  # noqa: E402


def _pages_per_second(urls: list[str], settings: FetchSettings, pooled: bool) -> float:
    spec = RemoteSpec(settings)
    files = [InputFile(url, "url", False, 1, remote=spec) for url in urls]
    started = time.perf_counter()
    reader = read_all(files, 50_000_000) if pooled else (i for f in files for i in read_items(f, 50_000_000))
    items = list(reader)
    elapsed = time.perf_counter() - started
    assert len(items) == len(urls)
    return len(urls) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    parser.add_argument("--polite-pages", type=int, default=8, help="pages fetched at the default 1 s delay")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    with fetch_server(Path(args.corpora)) as (base, served):
        names = sorted(served.pages)
        urls = [f"{base}/pages/{name}.html" for name in names]
        default = FetchSettings(allow_hosts=("127.0.0.1",))
        relaxed = default.relaxed()
        # Warm robots.txt and connections apart from the timed part (each settings value has its own client).
        for settings in (default, relaxed):
            _pages_per_second(urls[:1], settings, pooled=False)
        results["pages"] = len(urls)
        results["default_politeness_pages_per_s"] = _pages_per_second(urls[1 : 1 + args.polite_pages], default, False)
        results["default_politeness_pooled_pages_per_s"] = _pages_per_second(
            urls[1 : 1 + args.polite_pages], replace(default, per_host_concurrency=2), True
        )
        results["relaxed_sequential_pages_per_s"] = _pages_per_second(urls, relaxed, pooled=False)
        results["relaxed_pooled_pages_per_s"] = _pages_per_second(urls, relaxed, pooled=True)
        results["pooled_over_sequential"] = (
            results["relaxed_pooled_pages_per_s"] / results["relaxed_sequential_pages_per_s"]
        )

        feed = (Path(args.corpora) / "rss_atom_feeds" / "rss-parser" / "input" / "guardian.rss").read_bytes()
        served.documents["/feed.xml"] = ("application/rss+xml", rewrite_feed(feed, urls))
        from flows.cli import main as newsetl

        with tempfile.TemporaryDirectory() as dest:
            command = ["run", f"{base}/feed.xml", "--allow-host", "127.0.0.1", "--dest", dest]
            command += ["--per-host-delay", "0", "--json"]
            for label in ("first_run", "rerun_unchanged"):
                before = served.body_bytes_sent
                started = time.perf_counter()
                assert newsetl(command) == 0
                results[f"{label}_body_bytes"] = served.body_bytes_sent - before
                results[f"{label}_seconds"] = time.perf_counter() - started
        results["feed_bytes"] = len(served.documents["/feed.xml"][1])
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
