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

from tasks.dedup import band_keys
from tasks.dedup_index import id_keys, scheme_of, write_postings
from tasks.minhash import DedupParams, signatures
from tasks.protocol import WrittenFile, committed_entries
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
    for table, dates in _chunks(storage, "articles", _ARTICLE_COLUMNS):
        ids = table.column("article_id")
        cluster = pc.coalesce(table.column("cluster_id"), ids)  # files older than schema v3 have none
        doc = _doc_rows(table, dates, None, cluster, agency_own(table), table.column("word_count"), run_id)
        files.append(write_postings(storage, "doc", doc, run_id, part, scheme))
        hashes = _hash_rows(doc, table, ids, pa.array(["exact"] * table.num_rows), pa.array([1.0] * table.num_rows))
        files.append(write_postings(storage, "hash", hashes, run_id, part, scheme))
        eligible = table.filter(pc.greater_equal(table.column("word_count"), params.min_shingles))
        if eligible.num_rows:
            bands = band_keys(signatures(eligible.column("text").to_pylist(), params), params)
            docs = np.repeat(id_keys(eligible.column("article_id").to_pylist()), params.bands)
            files.append(
                write_postings(storage, "band", pa.table({"key": bands.reshape(-1), "doc": docs}), run_id, part, scheme)
            )
        part += 1
    for table, dates in _chunks(storage, "duplicates", _DUPLICATE_COLUMNS):
        canonical = table.column("duplicate_of")
        cluster = pc.coalesce(table.column("cluster_id"), canonical)
        zeros = pa.array(np.zeros(table.num_rows, dtype=np.int32))
        doc = _doc_rows(table, dates, canonical, cluster, [False] * table.num_rows, zeros, run_id)
        files.append(write_postings(storage, "doc", doc, run_id, part, scheme))
        hashes = _hash_rows(doc, table, canonical, table.column("method"), table.column("similarity"))
        files.append(write_postings(storage, "hash", hashes, run_id, part, scheme))
        part += 1
    for name, column in (("reject", "reject_id"), ("raw", "raw_id")):
        for table, _ in _chunks(storage, "rejects" if name == "reject" else "raw", [column]):
            ids = table.column(column)
            files.append(
                write_postings(
                    storage, name, pa.table({"key": id_keys(ids.to_pylist()), column: ids}), run_id, part, scheme
                )
            )
            part += 1
    return files


def _hash_rows(doc: pa.Table, table: pa.Table, centre: object, method: object, similarity: object) -> pa.Table:
    return pa.table(
        {
            "key": doc.column("content_key"),
            "content_hash": table.column("content_hash"),
            "article_id": centre,
            "method": method,
            "similarity": similarity,
        }
    )


def _doc_rows(
    table: pa.Table,
    dates: pa.Array,
    duplicate_of: pa.ChunkedArray | None,
    cluster: pa.ChunkedArray,
    own: list[bool],
    words: pa.ChunkedArray | pa.Array,
    run_id: str,
) -> pa.Table:
    return pa.table(
        {
            "key": id_keys(table.column("article_id").to_pylist()),
            "article_id": table.column("article_id"),
            "content_key": id_keys(table.column("content_hash").to_pylist()),
            "duplicate_of": duplicate_of if duplicate_of is not None else pa.nulls(table.num_rows, pa.string()),
            "cluster_id": cluster,
            "published_at": table.column("published_at"),
            "agency_own": pa.array(own, pa.bool_()),
            "word_count": words,
            "published_date": dates,
            "run_id": pa.array([run_id] * table.num_rows, pa.string()),
        }
    )


def _chunks(storage: Storage, table: str, columns: list[str]) -> Iterator[tuple[pa.Table, pa.Array]]:
    """Committed files of `table` read together up to CHUNK_ROWS rows; with each row's partition value."""
    parts: list[pa.Table] = []
    dates: list[str] = []
    for entry in committed_entries(storage, table):
        path = str(entry["path"])
        present = [c for c in columns if c in storage.parquet_schema_names(path)]
        part = storage.read_parquet(path, present)
        for missing in (c for c in columns if c not in present):  # e.g. cluster_id in files before schema v3
            part = part.append_column(missing, pa.nulls(part.num_rows, pa.string()))
        parts.append(part.select(columns))
        dates += [path.split("/")[1].partition("=")[2]] * part.num_rows
        if len(dates) >= CHUNK_ROWS:
            yield pa.concat_tables(parts), pa.array(dates, pa.string())
            parts, dates = [], []
    if parts:
        yield pa.concat_tables(parts), pa.array(dates, pa.string())
