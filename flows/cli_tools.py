"""Analyst commands: `newsetl status`, `inspect`, `query` and `schema`. None of them imports Prefect.

They read only what the run manifests commit, so a dataset being written (or left behind by a killed run)
answers with its last committed state.
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from flows import data_dictionary
from tasks.catalog import overview, recent_runs, run_query
from tasks.errors import ConfigError
from tasks.storage import Dest, Storage
from tasks.storage_options import S3Options

EXIT_OK, EXIT_USAGE = 0, 2
CELL_WIDTH = 60


def register(commands: Any) -> None:
    """Add the analyst subcommands to the `newsetl` parser's subparsers."""
    status = commands.add_parser("status", help="recent runs of a dataset (from its manifests)")
    status.add_argument("dest", metavar="DEST")
    status.add_argument("--limit", type=int, default=10, help="runs to show, newest first (default: %(default)s)")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(handler=cmd_status)

    inspect = commands.add_parser("inspect", help="partitions, rows, sizes, schema versions, rejects by reason")
    inspect.add_argument("dest", metavar="DEST")
    inspect.add_argument("--json", action="store_true", help="print JSON")
    inspect.set_defaults(handler=cmd_inspect)

    query = commands.add_parser("query", help="SQL (DuckDB) over the committed articles, duplicates and rejects")
    query.add_argument("dest", metavar="DEST")
    query.add_argument("sql", metavar="SQL", help='e.g. "SELECT publisher, count(*) FROM articles GROUP BY 1"')
    query.add_argument("--format", choices=["table", "csv", "json"], default="table", help="(default: %(default)s)")
    query.set_defaults(handler=cmd_query)

    for parser in (status, inspect, query):
        s3 = parser.add_argument_group("S3 (defaults come from the standard AWS configuration)")
        s3.add_argument("--s3-endpoint-url", help="S3-compatible endpoint, e.g. http://127.0.0.1:9000")
        s3.add_argument("--s3-region", help="region of the bucket")
        s3.add_argument("--s3-profile", help="AWS profile to take credentials and settings from")

    schema = commands.add_parser("schema", help="the data dictionary of the dataset's tables")
    schema.add_argument("--format", choices=["markdown", "json"], default="markdown", help="(default: %(default)s)")
    schema.add_argument("--update-readme", metavar="README", help="rewrite the README's generated section instead")
    schema.set_defaults(handler=cmd_schema)


def open_existing(args: argparse.Namespace) -> Storage:
    dest: str = args.dest
    s3 = S3Options(endpoint_url=args.s3_endpoint_url, region=args.s3_region, profile=args.s3_profile)
    storage = Storage.open(Dest(dest, s3))
    # An empty dataset is fine (empty tables); an empty or missing DEST is almost always a mistyped path.
    if not storage.list_files("_runs", ".json") and not storage.list_files(""):
        raise ConfigError(f"DEST {dest!r} is empty or missing: it holds no newsetl dataset; check the path")
    return storage


def cmd_status(args: argparse.Namespace) -> int:
    storage = open_existing(args)
    runs = recent_runs(storage, args.limit)
    if args.json:
        print(json.dumps(runs, indent=2, default=_json_value))
    elif not runs:
        print(f"{storage.uri}: no committed runs")
    else:
        print(f"{storage.uri}: latest {len(runs)} committed runs, newest first")
        print(format_table(list(runs[0]), [tuple(r.values()) for r in runs]))
    return EXIT_OK


def cmd_inspect(args: argparse.Namespace) -> int:
    view = overview(open_existing(args))
    if args.json:
        print(json.dumps(view, indent=2, default=lambda o: getattr(o, "__dict__", str(o))))
        return EXIT_OK
    versions = ", ".join(f"v{v} ({n} runs)" for v, n in view.schema_versions.items()) or "none"
    print(f"{view.dest}: {view.runs} committed runs; schema versions: {versions}")
    totals = [(t, v["files"], v["rows"], human_bytes(v["bytes"])) for t, v in view.totals.items()]
    print(format_table(["table", "files", "rows", "size"], totals, footer=False))
    print("\npartitions")
    parts = [(p.table, p.value, p.files, p.rows, human_bytes(p.bytes)) for p in view.partitions]
    print(format_table(["table", "partition", "files", "rows", "size"], parts))
    print("\nrejects by reason")
    print(format_table(["reason", "rows"], list(view.rejects_by_reason.items()), footer=False))
    if view.uncommitted_files:
        print(f"\n{view.uncommitted_files} data files are listed by no manifest (left by failed runs; ignored)")
    return EXIT_OK


def cmd_query(args: argparse.Namespace) -> int:
    try:
        columns, rows = run_query(open_existing(args), args.sql)
    except duckdb.Error as exc:
        print(f"newsetl: query failed: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "json":
        print(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], indent=2, default=_json_value))
    elif args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_csv_value(v) for v in r] for r in rows)
        sys.stdout.write(out.getvalue())
    else:
        print(format_table(columns, rows))
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    if args.update_readme:
        readme = Path(args.update_readme)
        try:
            readme.write_text(data_dictionary.update_readme(readme.read_text(encoding="utf-8")), encoding="utf-8")
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot update {readme}: {exc}") from exc
        print(f"updated the data dictionary in {readme}")
    elif args.format == "json":
        print(json.dumps(data_dictionary.dictionary(), indent=2))
    else:
        sys.stdout.write(data_dictionary.to_markdown())
    return EXIT_OK


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], footer: bool = True) -> str:
    """A plain-text table: numbers right-aligned, long cells cut to CELL_WIDTH characters."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    numeric = [
        bool(rows) and all(isinstance(r[i], int | float | Decimal) for r in rows if r[i] is not None)
        for i in range(len(columns))
    ]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True)
        ).rstrip()

    out = [line(columns), "  ".join("-" * w for w in widths)] + [line(r) for r in cells]
    if footer:
        out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"


def _json_value(value: Any) -> Any:
    """JSON for what DuckDB returns: times as ISO 8601, bytes as base64, decimals as numbers."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, default=_json_value, ensure_ascii=False)
    if isinstance(value, bytes | date | datetime | Decimal):
        return _json_value(value)
    return value
