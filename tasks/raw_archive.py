"""The raw archive: every input item's exact bytes and fetch metadata, and the way back to raw items.

`newsetl reprocess DEST` reads the archive instead of the sources, so a newer normalizer or extractor can
rebuild every article without fetching anything again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import pyarrow as pa

from schemas import RAW
from tasks.errors import Reject
from tasks.read import RawItem, _from_record

STAGED_RAW = RAW.append(pa.field("fetched_date", pa.string(), nullable=False))


def raw_id(source_uri: str, raw: bytes) -> str:
    return hashlib.sha256(source_uri.encode() + b"\x00" + raw).hexdigest()[:32]


def archive_table(items: Sequence[RawItem | Reject], run_id: str, skip: set[str]) -> pa.Table:
    """Archive rows for the items whose raw_id is not in `skip` (already archived), each id once. Built a column
    at a time: row dicts through `from_pylist` took 30 us an item, in the flow's process, beside the workers."""
    kept: list[RawItem | Reject] = []
    keys: list[str] = []
    seen = set(skip)
    for item in items:
        key = raw_id(item.source_uri, item.raw)
        if key not in seen:
            seen.add(key)
            kept.append(item)
            keys.append(key)
    now = datetime.now(UTC)
    fetched = [item.fetched_at if isinstance(item, RawItem) else now for item in kept]
    dates = {at: at.date().isoformat() for at in set(fetched)}  # a file's items share its time
    rejects = [item if isinstance(item, Reject) else None for item in kept]
    columns = {
        "raw_id": keys,
        "source_uri": [item.source_uri for item in kept],
        "kind": [_kind(item) for item in kept],
        "raw": [item.raw for item in kept],
        "fields": [_fields(item) for item in kept],
        "reject_reason": [reject.reason if reject else None for reject in rejects],
        "reject_detail": [reject.detail if reject else None for reject in rejects],
        "fetched_at": fetched,
        "run_id": [run_id] * len(kept),
        "fetched_date": [dates[at] for at in fetched],
    }
    return pa.Table.from_pydict(columns, schema=STAGED_RAW)


def _kind(item: RawItem | Reject) -> str:
    if isinstance(item, Reject):
        return "reject"
    return item.format if item.text is None else ("html_record" if item.format == "html" else "record")


def _fields(item: RawItem | Reject) -> str | None:
    if isinstance(item, Reject) or not item.fields:
        return None
    return json.dumps(item.fields, sort_keys=True, ensure_ascii=False)


def items_from_archive(table: pa.Table) -> Iterator[RawItem | Reject]:
    """Raw items as the readers made them, from archive rows; JSON records are parsed again (newer readers)."""
    for row in table.to_pylist():
        uri, raw, kind, fetched_at = row["source_uri"], row["raw"], row["kind"], row["fetched_at"]
        fields = json.loads(row["fields"]) if row["fields"] else {}
        if kind == "reject":
            yield Reject(uri, row["reject_reason"], row["reject_detail"], raw)
        elif kind == "record":
            try:
                yield _from_record(uri, json.loads(raw), raw, fetched_at)
            except ValueError as exc:
                yield Reject(uri, "malformed_json", str(exc), raw)
        elif kind == "html_record":
            yield RawItem(uri, "html", raw, fetched_at, text=raw.decode("utf-8", "replace"), fields=fields)
        else:
            yield RawItem(uri, kind, raw, fetched_at, fields=fields)
