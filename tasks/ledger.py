"""What the dataset already holds: the committed files, as listed by the run manifests.

Only files named by a manifest in `_runs/` are committed; anything else under DEST (leftovers of a killed
run) is invisible to newsetl's own reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from tasks.protocol import committed_files
from tasks.storage import Storage


@dataclass(frozen=True)
class Committed:
    """Keys of everything already committed, for idempotent reruns and cross-run exact dedup."""

    article_ids: set[str]
    duplicate_ids: set[str]
    reject_ids: set[str]
    raw_ids: set[str]
    canonical_by_hash: dict[str, str]  # content_hash -> article_id of the committed article


def load_committed(storage: Storage) -> Committed:
    articles = _read_columns(storage, "articles", ["article_id", "content_hash"])
    duplicates = _read_columns(storage, "duplicates", ["article_id"])
    rejects = _read_columns(storage, "rejects", ["reject_id"])
    raw = _read_columns(storage, "raw", ["raw_id"])
    ids = articles.column("article_id").to_pylist() if articles.num_rows else []
    hashes = articles.column("content_hash").to_pylist() if articles.num_rows else []
    canonical: dict[str, str] = {}
    for content_hash, article_id in sorted(zip(hashes, ids, strict=True)):
        canonical.setdefault(content_hash, article_id)
    return Committed(
        article_ids=set(ids),
        duplicate_ids=set(duplicates.column("article_id").to_pylist()) if duplicates.num_rows else set(),
        reject_ids=set(rejects.column("reject_id").to_pylist()) if rejects.num_rows else set(),
        raw_ids=set(raw.column("raw_id").to_pylist()) if raw.num_rows else set(),
        canonical_by_hash=canonical,
    )


def _read_columns(storage: Storage, table: str, columns: list[str]) -> pa.Table:
    parts = [storage.read_parquet(p, columns) for p in committed_files(storage, table)]
    if not parts:
        return pa.table({c: pa.array([], pa.string()) for c in columns})
    combined = pa.concat_tables(parts)
    return combined.filter(pc.is_valid(combined.column(columns[0])))
