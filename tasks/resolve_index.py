"""The index entries of everything a run writes (schemas.index), staged for its manifest.

Also decides which staged rejects and raw-archive rows are already committed (a rerun writes them once).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tasks.band_file import BandKeys
from tasks.batch import StagedBatch
from tasks.candidates import group_codes
from tasks.dedup import band_keys
from tasks.dedup_index import IndexFiles, id_keys, id_keys_of, keys_in, lookup, write_postings
from tasks.memory import release_memory
from tasks.minhash import DedupParams
from tasks.protocol import WrittenFile, staging_dir
from tasks.storage import Storage

# Band rows per postings file (~80 MB of keys and docs to sort): a 100k-article run writes one file, 1M ten.
BAND_ROWS_PER_FILE = 4_000_000


def index_postings(
    storage: Storage,
    index: IndexFiles,
    staged: list[StagedBatch],
    keys: pa.Table,
    bands: BandKeys,
    decisions: pa.Table,
    run_id: str,
    scheme: str,
    params: DedupParams,
) -> tuple[int, list[WrittenFile]]:
    """Stage the run's postings and its repeated reject/raw lists; (rejects already committed, files).

    `keys`: the staged articles' key columns (tasks.resolve_texts.read_keys), `bands` their LSH band keys."""
    files: list[WrittenFile] = []
    action = decisions.column("action")
    written = pc.not_equal(action, "skip")
    written_rows = np.flatnonzero(written.to_numpy(zero_copy_only=False))
    everything = len(written_rows) == keys.num_rows  # nothing skipped (a first run): no copies to filter
    rows = keys if everything else keys.filter(written)
    chosen = decisions if everything else decisions.filter(written)
    duplicate_of = chosen.column("duplicate_of")
    if rows.num_rows:
        own = rows.column("agency_own").to_pylist()  # computed once by read_keys
        doc = doc_postings(rows, duplicate_of, chosen.column("cluster_id"), own, rows.column("word_count"), run_id)
        files.append(write_postings(storage, "doc", doc, run_id, 0, scheme))
        centre = pc.coalesce(duplicate_of, rows.column("article_id"))
        method = pc.coalesce(chosen.column("method"), pa.scalar("exact"))
        similarity = pc.coalesce(chosen.column("similarity"), pa.scalar(1.0))
        hashes = _first_per(hash_postings(rows, centre, method, similarity), "content_hash")
        files.append(write_postings(storage, "hash", hashes, run_id, 0, scheme))
        del doc, hashes, centre, method, similarity, own
        release_memory()  # what building and sorting those left behind: before the band parts
        banded = pc.and_(pc.is_null(duplicate_of), pc.greater_equal(rows.column("word_count"), params.min_shingles))
        articles = rows.filter(banded)
        if articles.num_rows:
            of_articles = written_rows[banded.to_numpy(zero_copy_only=False)]  # their rows in `bands`
            docs = np.zeros(len(bands), dtype=np.uint64)
            docs[of_articles] = id_keys_of(articles.column("article_id"))
            del articles, rows, chosen
            for part, band in enumerate(band_parts(docs, bands, of_articles)):
                files.append(write_postings(storage, "band", band, run_id, part, scheme))
                del band  # before the next part is built
                release_memory()

    reject_ids = sorted({r for b in staged for r in _ids(storage, b.rejects_path, "reject_id")})
    old_rejects = _index_new_ids(storage, index, "reject", "reject_id", reject_ids, run_id, scheme, files)
    raw_ids = sorted({r for b in staged if b.raw_path for r in _ids(storage, b.raw_path, "raw_id")})
    _index_new_ids(storage, index, "raw", "raw_id", raw_ids, run_id, scheme, files)
    return len(old_rejects), files


def doc_postings(
    rows: pa.Table,
    duplicate_of: pa.ChunkedArray | pa.Array,
    cluster_id: pa.ChunkedArray | pa.Array,
    own: list[bool],
    words: pa.ChunkedArray | pa.Array,
    run_id: str,
) -> pa.Table:
    """`doc` rows (schemas.index.INDEX_DOC) of articles or duplicates: `rows` has their article_id, content_hash,
    published_at and published_date."""
    return pa.table(
        {
            "key": id_keys_of(rows.column("article_id")),
            "article_id": rows.column("article_id"),
            "content_key": id_keys_of(rows.column("content_hash")),
            "duplicate_of": duplicate_of,
            "cluster_id": cluster_id,
            "published_at": rows.column("published_at"),
            "agency_own": pa.array(own, pa.bool_()),
            "word_count": words,
            "published_date": rows.column("published_date"),
            "run_id": pa.repeat(pa.scalar(run_id, pa.string()), rows.num_rows),
        }
    )


def hash_postings(
    rows: pa.Table, centre: pa.ChunkedArray | pa.Array, method: pa.ChunkedArray | pa.Array, similarity: object
) -> pa.Table:
    """`hash` rows: each content hash of `rows` leads to its centre with the method and similarity of the match."""
    return pa.table(
        {
            "key": id_keys_of(rows.column("content_hash")),
            "content_hash": rows.column("content_hash"),
            "article_id": centre,
            "method": method,
            "similarity": similarity,
        }
    )


def band_postings(article_ids: list[str], sigs: np.ndarray, params: DedupParams) -> pa.Table:
    """`band` rows: the LSH band keys of each article (from its signature), pointing at its doc key."""
    return band_rows(article_ids, band_keys(sigs, params), params)


def band_rows(article_ids: list[str], bands: np.ndarray, params: DedupParams) -> pa.Table:
    """`band` rows of articles whose (N, bands) band keys are computed already."""
    docs = np.repeat(id_keys(article_ids), params.bands)
    return pa.table({"key": bands.reshape(-1), "doc": docs})


def band_parts(
    docs: np.ndarray,
    bands: np.ndarray | BandKeys,
    rows: np.ndarray | None = None,
    rows_per_file: int = BAND_ROWS_PER_FILE,
) -> Iterator[pa.Table]:
    """`band` rows of articles (doc keys, (N, bands) band keys; only `rows` of them if given) in files of at most
    about `rows_per_file` rows, split by key range: a file is sorted and written a part at a time, and the run's
    band keys are read a band at a time, so memory stays bounded at any run size. Each part comes sorted by key,
    then by (row, band) as `bands[chosen]` gives them (what the stable postings sort made of those)."""
    width = bands.shape[1]
    chosen = np.zeros(len(bands), dtype=bool)
    chosen[np.arange(len(bands)) if rows is None else rows] = True
    parts = max(1, -(-int(chosen.sum()) * width // rows_per_file))
    edges = np.linspace(0, 1 << 16, parts + 1).astype(np.uint32)
    for lo, hi in zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True):
        keys: list[np.ndarray] = []
        positions: list[np.ndarray] = []
        for band in range(width):
            column = bands.column(band) if isinstance(bands, BandKeys) else bands[:, band]
            top = column >> np.uint64(48)  # the top 16 bits: keys are uniform (fmix64), parts even
            inside = chosen & (top >= lo) & (top < hi) if parts > 1 else chosen
            found = np.flatnonzero(inside)
            keys.append(column[found])
            positions.append(found * width + band)
            del column, top, inside
        # Freed before the part is yielded: its postings are sorted and written while this waits.
        position = np.concatenate(positions)
        del positions
        key = np.concatenate(keys)
        del keys
        # Sorted by key, then (row, band): what the stable sort of write_postings would give, done here so that
        # it need not copy the part again (it leaves sorted tables as they are).
        order = key_then_position(key, position)
        doc = docs[position[order] // width]
        del position
        part = pa.table({"key": key[order], "doc": doc})
        del key, doc, order
        yield part
        del part


def key_then_position(key: np.ndarray, position: np.ndarray) -> np.ndarray:
    """`np.lexsort((position, key))`, in a third of its time on 4M band keys: one sort by key, then the ties
    (keys are 64-bit hashes: equal ones are the LSH collisions, a few percent) ordered by position among
    themselves. Equal keys are adjacent after the first sort, so sorting the tied rows by (key, position)
    where they stand gives lexsort's order."""
    order = np.argsort(key)
    ordered = key[order]
    equal = ordered[1:] == ordered[:-1]
    tied = np.zeros(len(key), dtype=bool)
    tied[1:] |= equal
    tied[:-1] |= equal
    at = np.flatnonzero(tied)
    if len(at):
        rows = order[at]
        order[at] = rows[np.lexsort((position[rows], ordered[at]))]
    return order


def repeated_ids_path(run_id: str, name: str) -> str:
    """Staged list of the run's reject or raw ids ("reject", "raw") that are already committed."""
    return f"{staging_dir(run_id)}/repeated-{name}.parquet"


def _ids(storage: Storage, path: str, column: str) -> list[str]:
    return [str(i) for i in storage.read_parquet(path, [column]).column(column).to_pylist()]


def _index_new_ids(
    storage: Storage,
    index: IndexFiles,
    name: str,
    column: str,
    ids: list[str],
    run_id: str,
    scheme: str,
    files: list[WrittenFile],
) -> set[str]:
    """Stage the list of `ids` already committed (commit_batches skips them) and index the others; the old ones."""
    old = _known(storage, index.of(name), column, ids)
    _write_ids(storage, repeated_ids_path(run_id, name), column, sorted(old))
    new = [i for i in ids if i not in old]
    if new:
        table = pa.table({"key": id_keys(new), column: pa.array(new, pa.string())})
        files.append(write_postings(storage, name, table, run_id, 0, scheme))
    return old


def _known(storage: Storage, files: list[str], column: str, ids: list[str]) -> set[str]:
    found = keys_in(lookup(storage, files, id_keys(ids), [column], None), column, ids)
    return set(found.column(column).to_pylist())


def _write_ids(storage: Storage, path: str, column: str, ids: list[str]) -> None:
    storage.write_parquet(path, pa.table({column: pa.array(ids, pa.string())}))


def _first_per(table: pa.Table, column: str) -> pa.Table:
    """The first row of each value of `column`, in table order (codes, not a dict of a string per row)."""
    _, first = np.unique(group_codes(table.column(column)), return_index=True)
    return table.take(pa.array(np.sort(first), pa.int64()))
