"""`newsetl run` options for URL sources: --allow-host, --full-refresh, --sources-file, --kind and politeness."""

from __future__ import annotations

import argparse
from typing import Any

from tasks.config import RunConfig
from tasks.discover import discover
from tasks.remote_sources import KINDS, check_remote_source, handled_here, split_kind
from tasks.url_safety import allowed_hosts


def add_fetch_options(run: argparse.ArgumentParser) -> None:
    group = run.add_argument_group("fetching URLs, feeds and sitemaps")
    group.add_argument(
        "--kind",
        choices=KINDS,
        default="auto",
        help="what every SOURCE is (default: detected); a SOURCE may also say it itself, e.g. feed:https://...",
    )
    group.add_argument("--sources-file", metavar="TOML", help="a TOML file naming sources (read at each run)")
    group.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="fetch from HOST even if it is private or loopback (repeatable; also NEWSETL_ALLOW_HOSTS)",
    )
    group.add_argument("--full-refresh", action="store_true", help="ignore the fetch ledger: fetch everything again")
    group.add_argument("--user-agent", help="User-Agent header for every request")
    group.add_argument("--per-host-delay", type=float, help="seconds between requests to one host (default 1)")
    group.add_argument("--ignore-robots", action="store_true", help="do not honour robots.txt (your own sites only)")


def fetch_config(args: argparse.Namespace) -> dict[str, Any]:
    """The RunConfig values these options set: sources with --kind applied, sources_file, fetch."""
    sources = list(args.sources)
    if args.kind != "auto":
        sources = [s if split_kind(s)[0] != "auto" else f"{args.kind}:{s}" for s in sources]
    fetch: dict[str, Any] = {"allow_hosts": list(args.allow_host), "full_refresh": args.full_refresh}
    if args.user_agent:
        fetch["user_agent"] = args.user_agent
    if args.per_host_delay is not None:
        fetch["per_host_delay"] = args.per_host_delay
    if args.ignore_robots:
        fetch["respect_robots"] = False
    return {"sources": sources, "sources_file": args.sources_file, "fetch": fetch}


def check_sources(config: RunConfig) -> None:
    """Fail fast (ConfigError) on a SOURCE that can never be read; local paths are expanded, URLs not fetched."""
    allow = allowed_hosts(config.fetch.allow_hosts)
    local: list[str] = []
    for named in config.effective_sources():
        kind, location = split_kind(named)
        if handled_here(kind, location):
            check_remote_source(kind, location, allow)
        else:
            local.append(named)
    if local:
        discover(local)
