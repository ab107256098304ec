"""Rebuild the dedup index of a dataset from its committed tables (`newsetl reindex`).

Used when the hash scheme changes (other shingle size, permutations, bands or seed) and to give a dataset
written before the index existed its index. Reads the committed files a chunk at a time, so memory follows
the chunk, not the dataset; the new files replace every old index file in one commit.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tasks.dedup_index import id_keys, scheme_of, write_postings
from tasks.minhash import DedupParams, signatures
from tasks.protocol import WrittenFile, committed_entries
from tasks.resolve_index import band_postings, doc_postings, hash_postings
from tasks.resolve_texts import agency_own
from tasks.storage import Storage

CHUNK_ROWS = 100_000
_ARTICLE_COLUMNS = [
    "article_id",
    "content_hash",
    "text",
    "published_at",
    "publisher",
    "agency",
    "word_count",
    "cluster_id",
]
_DUPLICATE_COLUMNS = [
    "article_id",
    "content_hash",
    "duplicate_of",
    "cluster_id",
    "published_at",
    "method",
    "similarity",
]


def rebuild_index(storage: Storage, run_id: str, params: DedupParams) -> list[WrittenFile]:
    scheme = scheme_of(params)
    files: list[WrittenFile] = []
    part = 0
    for table in _chunks(storage, "articles", _ARTICLE_COLUMNS):
        ids = table.column("article_id")
        cluster = pc.coalesce(table.column("cluster_id"), ids)  # files older than schema v3 have none
        nulls = pa.nulls(table.num_rows, pa.string())
        doc = doc_postings(table, nulls, cluster, agency_own(table), table.column("word_count"), run_id)
        files.append(write_postings(storage, "doc", doc, run_id, part, scheme))
        exact = pa.array(["exact"] * table.num_rows)
        hashes = hash_postings(table, ids, exact, pa.array([1.0] * table.num_rows))
        files.append(write_postings(storage, "hash", hashes, run_id, part, scheme))
        eligible = table.filter(pc.greater_equal(table.column("word_count"), params.min_shingles))
        if eligible.num_rows:
            sigs = signatures(eligible.column("text").to_pylist(), params)
            band = band_postings(eligible.column("article_id").to_pylist(), sigs, params)
            files.append(write_postings(storage, "band", band, run_id, part, scheme))
        part += 1
    for table in _chunks(storage, "duplicates", _DUPLICATE_COLUMNS):
        canonical = table.column("duplicate_of")
        cluster = pc.coalesce(table.column("cluster_id"), canonical)
        zeros = pa.array(np.zeros(table.num_rows, dtype=np.int32))  # duplicates never serve as centres
        doc = doc_postings(table, canonical, cluster, [False] * table.num_rows, zeros, run_id)
        files.append(write_postings(storage, "doc", doc, run_id, part, scheme))
        hashes = hash_postings(table, canonical, table.column("method"), table.column("similarity"))
        files.append(write_postings(storage, "hash", hashes, run_id, part, scheme))
        part += 1
    for name, column in (("reject", "reject_id"), ("raw", "raw_id")):
        for table in _chunks(storage, "rejects" if name == "reject" else "raw", [column]):
            ids = table.column(column)
            files.append(
                write_postings(
                    storage, name, pa.table({"key": id_keys(ids.to_pylist()), column: ids}), run_id, part, scheme
                )
            )
            part += 1
    return files


def _chunks(storage: Storage, table: str, columns: list[str]) -> Iterator[pa.Table]:
    """Committed files of `table` read together up to CHUNK_ROWS rows, with each row's partition value as
    `published_date` (the index keeps it whatever the table's partition is called)."""
    parts: list[pa.Table] = []
    rows = 0
    for entry in committed_entries(storage, table):
        path = str(entry["path"])
        names = storage.parquet_schema_names(path)
        present = [c for c in columns if c in names]
        part = storage.read_parquet(path, present)
        for missing in (c for c in columns if c not in present):  # e.g. cluster_id in files before schema v3
            part = part.append_column(missing, pa.nulls(part.num_rows, pa.string()))
        date = path.split("/")[1].partition("=")[2]
        parts.append(part.select(columns).append_column("published_date", pa.array([date] * part.num_rows)))
        rows += part.num_rows
        if rows >= CHUNK_ROWS:
            yield pa.concat_tables(parts)
            parts, rows = [], 0
    if parts:
        yield pa.concat_tables(parts)
