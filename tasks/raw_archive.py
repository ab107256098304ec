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
    """Archive rows for the items whose raw_id is not in `skip` (already archived), each id once."""
    rows = []
    seen = set(skip)
    now = datetime.now(UTC)
    for item in items:
        key = raw_id(item.source_uri, item.raw)
        if key in seen:
            continue
        seen.add(key)
        row = _row(item, now)
        fetched_at = item.fetched_at if isinstance(item, RawItem) else now
        rows.append({**row, "raw_id": key, "run_id": run_id, "fetched_date": fetched_at.date().isoformat()})
    return pa.Table.from_pylist(rows, schema=STAGED_RAW)


def _row(item: RawItem | Reject, now: datetime) -> dict[str, object]:
    common = {"source_uri": item.source_uri, "raw": item.raw, "reject_reason": None, "reject_detail": None}
    if isinstance(item, Reject):
        return {**common, "kind": "reject", "fields": None, "fetched_at": now,
                "reject_reason": item.reason, "reject_detail": item.detail}  # fmt: skip
    kind = item.format if item.text is None else ("html_record" if item.format == "html" else "record")
    fields = json.dumps(item.fields, sort_keys=True, ensure_ascii=False) if item.fields else None
    return {**common, "kind": kind, "fields": fields, "fetched_at": item.fetched_at}


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
