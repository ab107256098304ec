"""Arrow schema of the raw archive: the exact bytes of every input item, kept so that `newsetl reprocess`
can rebuild the dataset with newer normalization and extraction without fetching anything again.

Layout: `raw/fetched_date=YYYY-MM-DD/part-<run_id>-<batch>.parquet` (the partition value lives in the path).
"""

from __future__ import annotations

import pyarrow as pa

RAW_SCHEMA_VERSION = 1
_UTC_US = pa.timestamp("us", tz="UTC")


def _field(name: str, type_: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": doc})


RAW = pa.schema(
    [
        _field(
            "raw_id", pa.string(), "Stable id: hash of source URI and raw bytes (equals reject_id for rejects).", False
        ),
        _field("source_uri", pa.string(), "Where the item was read or fetched from (file#line for JSON Lines).", False),
        _field(
            "kind",
            pa.string(),
            "How to read `raw` again: 'text' or 'html' (a whole item), 'record' (a JSON object), "
            "'html_record' (HTML taken from a JSON record's field), 'reject' (the input could not be read).",
            False,
        ),
        _field("raw", pa.binary(), "The exact input bytes of the item.", False),
        _field("fields", pa.string(), "JSON object of the metadata the source gave (feed, JSON fields, HTTP)."),
        _field("reject_reason", pa.string(), "For kind 'reject': the reason code the reader gave."),
        _field("reject_detail", pa.string(), "For kind 'reject': the reader's detail."),
        _field("fetched_at", _UTC_US, "When the bytes were fetched or the file last modified (UTC).", False),
        _field("run_id", pa.string(), "The run that archived the item.", False),
    ],
    metadata={"newsetl.table": "raw", "newsetl.schema_version": str(RAW_SCHEMA_VERSION)},
)
