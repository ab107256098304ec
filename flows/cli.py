"""The `newsetl` command line.

Exit codes: 0 the run committed; 1 the run failed (nothing committed); 2 bad usage or configuration
(nothing read or written).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from tasks.config import DEFAULT_DEST, load_config
from tasks.discover import discover
from tasks.errors import ConfigError
from tasks.storage import Storage

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsetl", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="ingest SOURCE files into a partitioned Parquet dataset")
    run.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="files, folders (recursive) or globs of .txt/.html/.json/.jsonl[.gz]; none = the bundled sample set",
    )
    run.add_argument("--dest", default=DEFAULT_DEST, help="dataset root (default: %(default)s)")
    run.add_argument("--batch-size", type=int, default=2000, help="input items per batch task (default: %(default)s)")
    run.add_argument("--workers", type=int, default=2, help="batch tasks at once (default: %(default)s)")
    run.add_argument(
        "--strict-encoding",
        action="store_true",
        help="reject non-UTF-8 input that declares no encoding, instead of detecting it",
    )
    run.add_argument(
        "--near-threshold",
        type=float,
        default=None,
        help="verified similarity that makes a near duplicate (default 0.7)",
    )
    run.add_argument("--json", action="store_true", help="print the run summary as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # unknown options exit 2 here, before anything is read
    try:
        dedup: dict[str, Any] = {} if args.near_threshold is None else {"threshold": args.near_threshold}
        config = load_config(
            sources=args.sources,
            dest=args.dest,
            batch_size=args.batch_size,
            workers=args.workers,
            strict_encoding=args.strict_encoding,
            dedup=dedup,
        )
        discover(config.effective_sources())  # read-only: a bad SOURCE must not leave an empty DEST behind
        Storage.open(config.dest).check_writable()
    except ConfigError as exc:
        print(f"newsetl: error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.ingest import ingest, thread_runner

    flow = ingest.with_options(task_runner=thread_runner(config.workers))
    state = flow(config, return_state=True)
    if not state.is_completed():
        print(f"newsetl: run failed: {state.message}", file=sys.stderr)
        return EXIT_FAILED
    summary: dict[str, Any] = state.result()
    print(json.dumps(summary, indent=2) if args.json else format_summary(summary))
    return EXIT_OK


def format_summary(summary: dict[str, Any]) -> str:
    c = summary["counts"]
    reasons = ", ".join(f"{k} {v}" for k, v in c["rejects_by_reason"].items())
    return "\n".join(
        [
            f"run {summary['run_id']} committed to {summary['dest']} in {summary['elapsed_seconds']:.1f} s",
            f"  items in          {c['items_in']:>7}  (from {c['input_files']} files; {c['skipped_files']} skipped)",
            f"  articles written  {c['articles_written']:>7}",
            f"  duplicates        {c['duplicates_written']:>7}"
            f"  (exact {c['duplicates_exact']}, near {c['duplicates_near']})",
            f"  already ingested  {c['already_ingested']:>7}",
            f"  rejects           {c['rejects']:>7}" + (f"  ({reasons})" if reasons else ""),
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
