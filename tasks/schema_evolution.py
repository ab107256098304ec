"""Schema evolution rules, checked before a run writes anything to a DEST that already holds data.

Allowed: a newer schema version that adds nullable columns (old files read with nulls for them: DuckDB
`union_by_name=true`, or a pyarrow dataset given the current schema). Refused, with a message that says what
changed: a column removed, a column whose type changed, a new column that is not nullable. Field order and
descriptions may change freely.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from schemas import RAW, TABLES
from tasks.errors import ConfigError
from tasks.protocol import committed_files, staged_data_path
from tasks.storage import Storage

CURRENT: dict[str, pa.Schema] = {**TABLES, "raw": RAW}


def incompatibilities(stored: pa.Schema, current: pa.Schema) -> list[str]:
    """Why files of the `current` schema may not join files of the `stored` one (empty when they may)."""
    problems: list[str] = []
    for old in stored:
        if old.name not in current.names:
            problems.append(f"column {old.name!r} ({old.type}) was removed")
            continue
        new = current.field(old.name)
        if not new.type.equals(old.type):
            problems.append(f"column {old.name!r} changed type from {old.type} to {new.type}")
    problems.extend(
        f"new column {f.name!r} is not nullable" for f in current if f.name not in stored.names and not f.nullable
    )
    return problems


def stored_schema(storage: Storage, table: str) -> pa.Schema | None:
    """The schema of the newest committed file of a table (its Parquet footer only), or None if it has none."""
    files = committed_files(storage, table)
    if not files:
        return None
    newest = max(files, key=lambda path: path.rsplit("/part-", 1)[-1])  # part-<run_id>: run ids sort by time
    if not storage.exists(newest):  # committed by a killed run, not yet published: read it where it waits
        run_id = newest.rsplit("/part-", 1)[-1].rsplit("-", 1)[0]
        newest = staged_data_path(run_id, newest)
    with storage.fs.open_input_file(storage.path(newest)) as handle:
        return pq.read_schema(handle)


def check_evolution(storage: Storage, tables: tuple[str, ...] = tuple(CURRENT)) -> None:
    """Fail fast, before anything is written, when this newsetl's schemas cannot extend the DEST's."""
    problems: list[str] = []
    for table in tables:
        schema = CURRENT[table]
        stored = stored_schema(storage, table)
        if stored is not None:
            problems.extend(f"{table}: {p}" for p in incompatibilities(stored, schema))
    if problems:
        raise ConfigError(
            f"DEST {storage.uri!r} holds data this version of newsetl cannot extend: {'; '.join(problems)}. "
            "Schemas may only add nullable columns: write to a new DEST, or rebuild this one's tables from its raw "
            "archive with `newsetl reprocess DEST`"
        )
