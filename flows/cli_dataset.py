"""`newsetl reprocess`, `reindex` and `compact`, and the DEST options every writing command shares."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import Any

from tasks.compact import DEFAULT_TARGET_BYTES
from tasks.config import RunConfig, load_config
from tasks.errors import ConfigError
from tasks.storage import Storage

EXIT_OK, EXIT_FAILED = 0, 1
_SIZE = re.compile(r"(\d+(?:\.\d+)?)(B|K|KB|M|MB|G|GB)?")
_UNITS: dict[str | None, int] = {
    None: 1,
    "B": 1,
    "KB": 1024,
    "K": 1024,
    "MB": 1024**2,
    "M": 1024**2,
    "GB": 1024**3,
    "G": 1024**3,
}


def add_dest_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait-lock",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another run holding DEST (default: fail at once)",
    )
    parser.add_argument(
        "--lease-ttl",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="S3 only: how long this run's lease outlives it if it dies (default: %(default)s)",
    )
    s3 = parser.add_argument_group("S3 (defaults come from the standard AWS configuration)")
    s3.add_argument("--s3-endpoint-url", help="S3-compatible endpoint, e.g. http://127.0.0.1:9000")
    s3.add_argument("--s3-region", help="region of the bucket")
    s3.add_argument("--s3-profile", help="AWS profile to take credentials and settings from")


def add_scheme_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("dedup hash scheme (must match DEST's index; change it with `newsetl reindex`)")
    group.add_argument("--shingle-size", type=int, help="words per shingle (default 3)")
    group.add_argument("--num-perm", type=int, help="MinHash permutations (default 128)")
    group.add_argument("--bands", type=int, help="LSH bands (default 42)")


def scheme_options(args: argparse.Namespace) -> dict[str, Any]:
    names = ("shingle_size", "num_perm", "bands")
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def s3_options(args: argparse.Namespace) -> dict[str, Any]:
    return {"endpoint_url": args.s3_endpoint_url, "region": args.s3_region, "profile": args.s3_profile}


def lease_options(args: argparse.Namespace) -> dict[str, Any]:
    """The RunConfig settings of the options `add_dest_options` adds."""
    return {"s3": s3_options(args), "wait_lock_seconds": args.wait_lock, "lease_ttl_seconds": args.lease_ttl}


def add_internal_error_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-internal-error-share",
        type=float,
        default=0.5,
        metavar="SHARE",
        help="fail the run, committing nothing, when more than this share of its items hit an internal error "
        "(a bug, not bad input; from 20 such items on; default %(default)s, 1 never fails)",
    )


def register(commands: Any) -> None:
    reprocess = commands.add_parser("reprocess", help="rebuild DEST's tables from its raw archive, fetching nothing")
    reprocess.add_argument("dest", metavar="DEST")
    reprocess.add_argument("--batch-size", type=int, default=2000, help="archived items per batch task")
    reprocess.add_argument(
        "--ner-model", metavar="NAME_OR_PATH", default=None, help="spaCy pipeline, as for `newsetl run`"
    )
    add_internal_error_option(reprocess)
    reprocess.add_argument("--json", action="store_true", help="print the run summary as JSON")
    add_dest_options(reprocess)
    reprocess.set_defaults(handler=_reprocess)

    reindex = commands.add_parser("reindex", help="rebuild DEST's dedup index (after changing the hash scheme)")
    reindex.add_argument("dest", metavar="DEST")
    reindex.add_argument("--json", action="store_true", help="print the summary as JSON")
    add_scheme_options(reindex)
    add_dest_options(reindex)
    reindex.set_defaults(handler=_reindex)

    compact = commands.add_parser("compact", help="merge small files within partitions into files near a size")
    compact.add_argument("dest", metavar="DEST")
    compact.add_argument("--partition", help="only this partition, e.g. published_date=2026-11-28")
    compact.add_argument(
        "--target-size", default="128MB", help="target file size, e.g. 64MB or 1GB (default: %(default)s)"
    )
    compact.add_argument("--json", action="store_true", help="print the summary as JSON")
    add_dest_options(compact)
    compact.set_defaults(handler=_compact)


def parse_size(text: str) -> int:
    match = _SIZE.fullmatch(text.strip().upper().replace(" ", ""))
    if match is None:
        raise ConfigError(f"--target-size {text!r}: use a number with an optional unit, e.g. 128MB")
    size = int(float(match.group(1)) * _UNITS[match.group(2)])
    if size < 1024:
        raise ConfigError(f"--target-size {text!r} is too small: use at least 1KB")
    return size


def _checked(args: argparse.Namespace, **extra: Any) -> RunConfig:
    config = load_config(dest=args.dest, **lease_options(args), **extra)
    storage = Storage.open(config.target())
    if not storage.list_files("_runs", ".json"):  # read-only check first: a typo must not create a folder
        raise ConfigError(f"DEST {storage.uri!r} holds no committed run; point at a dataset newsetl wrote")
    storage.check_writable()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    return config


def _reprocess(args: argparse.Namespace) -> int:
    config = _checked(
        args,
        batch_size=args.batch_size,
        ner_model=args.ner_model,
        max_internal_error_share=args.max_internal_error_share,
    )
    from flows.reprocess import reprocess

    return _report(reprocess(config, return_state=True), args.json)


def _reindex(args: argparse.Namespace) -> int:
    config = _checked(args, dedup=scheme_options(args))
    from flows.reindex import reindex

    return _report(reindex(config, return_state=True), args.json)


def _compact(args: argparse.Namespace) -> int:
    size = parse_size(args.target_size) if args.target_size else DEFAULT_TARGET_BYTES
    config = _checked(args)
    from flows.compact import compact

    state = compact(
        config.dest, args.partition, size, config.s3, config.wait_lock_seconds, config.lease_ttl_seconds,
        return_state=True,
    )  # fmt: skip
    return _report(state, args.json)


def _report(state: Any, as_json: bool) -> int:
    if not state.is_completed():
        print(f"newsetl: run failed: {state.message}", file=sys.stderr)
        return EXIT_FAILED
    summary: dict[str, Any] = state.result()
    counts = ", ".join(f"{k} {v}" for k, v in summary["counts"].items() if not isinstance(v, dict))
    print(json.dumps(summary, indent=2) if as_json else f"{summary['kind']} {summary['run_id']}: {counts}")
    return EXIT_OK
