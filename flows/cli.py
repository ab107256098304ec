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

from flows import cli_dataset, cli_deploy, cli_fetch, cli_tools, run_options
from tasks.config import DEFAULT_DEST, load_config
from tasks.errors import ConfigError
from tasks.schema_evolution import check_evolution
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
        "--processes",
        type=int,
        default=0,
        help="processes that build articles, shared by the batch tasks (default 0: one per CPU core)",
    )
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
    run.add_argument(
        "--window-days",
        type=float,
        default=None,
        help="only compare copies published within this many days of each other (default: any dates)",
    )
    run.add_argument(
        "--ner-model",
        metavar="NAME_OR_PATH",
        default=None,
        help="spaCy pipeline for persons, places and organizations, e.g. en_core_web_sm or a folder "
        "(needs pip install 'newsetl[spacy]' and the model); default: rule-based, no model",
    )
    cli_dataset.add_internal_error_option(run)
    run.add_argument("--json", action="store_true", help="print the run summary as JSON")
    cli_fetch.add_fetch_options(run)
    cli_dataset.add_scheme_options(run)
    cli_dataset.add_dest_options(run)
    run_options.add_run_options(run)
    cli_tools.register(commands)
    cli_deploy.register(commands)
    cli_dataset.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # unknown options exit 2 here, before anything is read
    if args.command != "run":
        try:
            return int(args.handler(args))
        except ConfigError as exc:
            print(f"newsetl: error: {exc}", file=sys.stderr)
            return EXIT_CONFIG
    try:
        dedup: dict[str, Any] = cli_dataset.scheme_options(args)
        if args.near_threshold is not None:
            dedup["threshold"] = args.near_threshold
        if args.window_days is not None:
            dedup["window_days"] = args.window_days
        fetch_values = cli_fetch.fetch_config(args)
        config = load_config(
            sources=fetch_values.pop("sources"),
            dest=args.dest,
            batch_size=args.batch_size,
            workers=args.workers,
            processes=args.processes,
            strict_encoding=args.strict_encoding,
            ner_model=args.ner_model,
            max_internal_error_share=args.max_internal_error_share,
            dedup=dedup,
            **cli_dataset.lease_options(args),
            **fetch_values,
        )
        run_options.check_run_options(args)
        cli_fetch.check_sources(config)  # read-only: a bad SOURCE must not leave an empty DEST behind
        storage = Storage.open(config.target())
        storage.check_writable()
        check_evolution(storage)  # a DEST written by an incompatible schema is refused before any work
    except ConfigError as exc:
        print(f"newsetl: error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows import progress
    from flows.ingest import ingest

    flow = ingest.with_options(task_runner=run_options.task_runner(args, config.workers))
    with run_options.configured_output(args):
        try:
            state = flow(config, return_state=True)
        finally:
            progress.close_all()
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
            f"  items in          {c['items_in']:>7}"
            f"  (from {c.get('input_files', 0)} files; {c.get('skipped_files', 0)} skipped)",
            f"  articles written  {c['articles_written']:>7}",
            f"  duplicates        {c['duplicates_written']:>7}"
            f"  (exact {c['duplicates_exact']}, near {c['duplicates_near']})",
            f"  already ingested  {c['already_ingested']:>7}",
            f"  rejects           {c['rejects']:>7}" + (f"  ({reasons})" if reasons else ""),
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())
