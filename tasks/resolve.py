"""The run-level dedup step: staged articles -> one decision per staged article, and the run's index entries.

Decisions, keyed by the staged row's source_uri: `article` (written to articles, with its story cluster),
`duplicate` (exact or near, within the run or against committed articles) and `skip` (the very same item, by
article_id, is already committed or repeated in this run: writing it again would break idempotence).
What is committed is asked of the persistent index (tasks.dedup_index), never by scanning the dataset; the
index entries of everything this run writes are staged here and committed by the same manifest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from prefect import task

from schemas import SUPERSEDED
from tasks.band_file import BandKeys
from tasks.batch import StagedBatch
from tasks.candidates import Candidates, group_codes
from tasks.clustering import Clustering, cluster
from tasks.clustering_join import METHODS
from tasks.dedup_index import IndexFiles, committed_index, id_keys_of, keys_in, lookup, scheme_of
from tasks.index_cache import IndexCache
from tasks.memory import release_memory
from tasks.minhash import DedupParams
from tasks.protocol import WrittenFile, staged_data_path, staging_dir
from tasks.resolve_index import index_postings, repeated_ids_path
from tasks.resolve_prior import load_prior
from tasks.resolve_texts import LazyTexts, read_keys
from tasks.retry import RETRY_TRANSIENT
from tasks.storage import Dest, Storage

DECISIONS_SCHEMA = pa.schema(
    [
        pa.field("source_uri", pa.string(), nullable=False),  # the staged row this decision is about
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("action", pa.string(), nullable=False),  # "article", "duplicate" or "skip"
        pa.field("duplicate_of", pa.string()),
        pa.field("method", pa.string()),
        pa.field("similarity", pa.float64()),
        pa.field("cluster_id", pa.string()),
    ]
)


@dataclass(frozen=True)
class Resolution:
    decisions_path: str
    exact: int
    near: int
    already_committed: int
    rejects_already_committed: int
    superseded: int = 0
    files: list[WrittenFile] = field(default_factory=list)  # index entries and superseded rows, staged
    index_scheme: str = ""


def resolve_duplicates(
    staged: list[StagedBatch], run_id: str, dest: str | Dest, params: DedupParams, fresh: bool = False
) -> Resolution:
    """`fresh` ignores what is committed: a reprocessing run rebuilds the derived tables and their index."""
    storage = Storage.open(dest)
    scheme = scheme_of(params)
    index = IndexFiles({}, frozenset()) if fresh else committed_index(storage)
    IndexCache(storage).prune(index.paths())  # cached copies of compacted or replaced index files
    keys, bands = read_keys(storage, staged, params)
    release_memory()  # what reading the signatures, a batch at a time, left behind
    ids = keys.column("article_id").combine_chunks()
    known = keys_in(lookup(storage, index.of("doc"), id_keys_of(ids), ["article_id"], scheme), "article_id", ids)
    # Kept: the first staged row of each article_id, unless it is committed already.
    _, first = np.unique(group_codes(ids), return_index=True)
    keep = np.zeros(len(ids), dtype=bool)
    keep[first] = True
    committed = pc.is_in(ids, value_set=known.column("article_id").combine_chunks())
    keep &= ~np.asarray(committed.to_numpy(zero_copy_only=False), dtype=bool)
    del known, first, committed
    result = _cluster_run(storage, index, scheme, staged, keys, bands, keep, params)
    release_memory()  # the run's candidates and shingle sets: before the decisions and postings are built

    table = _decisions_table(keys, keep, result)
    path = f"{staging_dir(run_id)}/decisions"
    _write_per_batch(storage, path, staged, table)

    superseded = _write_superseded(storage, result, run_id)
    exact, near, supersessions = result.count("exact"), result.count("near"), len(result.supersessions)
    del result, ids  # the clustering's per-article arrays: before the postings are built
    repeated_rejects, files = index_postings(storage, index, staged, keys, bands, table, run_id, scheme, params)
    files += superseded
    bands.close()
    del table, keys, bands
    release_memory()  # the commit tasks that follow read a batch at a time
    return Resolution(
        path,
        exact,
        near,
        int((~keep).sum()),
        repeated_rejects,
        supersessions,
        files,
        scheme,
    )


def _write_superseded(storage: Storage, result: Clustering, run_id: str) -> list[WrittenFile]:
    found = result.supersessions
    if not found:
        return []
    by = pc.index_in(pa.array([s.superseded_by for s in found], pa.string()), value_set=result.article_ids)
    clusters = result.cluster_names.take(pa.array(result.cluster[by.to_numpy()])).to_pylist()
    rows = [
        {
            "article_id": s.article_id,
            "superseded_by": s.superseded_by,
            "method": s.method,
            "similarity": s.similarity,
            "cluster_id": cluster_id,
            "run_id": run_id,
        }
        for s, cluster_id in zip(found, clusters, strict=True)
    ]
    final = f"superseded/superseded_date={datetime.now(UTC).date().isoformat()}/part-{run_id}.parquet"
    table = pa.Table.from_pylist(rows, schema=SUPERSEDED)
    size = storage.write_parquet(staged_data_path(run_id, final), table)
    return [WrittenFile("superseded", final, table.num_rows, size)]


def _cluster_run(
    storage: Storage,
    index: IndexFiles,
    scheme: str,
    staged: list[StagedBatch],
    keys: pa.Table,
    bands: BandKeys,
    keep: np.ndarray,
    params: DedupParams,
) -> Clustering:
    """Cluster the kept staged rows against the committed index; what it builds is freed when it returns."""
    kept = pa.array(np.flatnonzero(keep))
    every = bool(keep.all())  # a first ingest keeps every row: no copy of the columns then

    def column(name: str) -> pa.Array:
        whole = keys.column(name).combine_chunks()
        return whole if every else whole.take(kept)

    candidates = Candidates.from_columns(
        column("article_id"),
        column("content_hash"),
        column("published_at"),
        np.asarray(keys.column("agency_own").to_numpy(), dtype=bool)[keep],
        column("word_count"),
    )
    run_bands = bands if len(kept) == len(keep) else bands.select(keep)
    eligible = candidates.text_length >= params.min_shingles
    prior = load_prior(storage, index, scheme, candidates.content_hash, None, eligible, params, run_bands)
    return cluster(candidates, LazyTexts(storage, staged, keys, keep), None, params, prior, bands=run_bands)


def _decisions_table(keys: pa.Table, keep: np.ndarray, result: Clustering) -> pa.Table:
    """One decision per staged row, built column by column from the clustering's arrays."""
    rows = np.flatnonzero(keep)
    duplicate = np.full(len(keep), -1, dtype=np.int64)
    duplicate[rows] = result.duplicate_of
    cluster = np.full(len(keep), -1, dtype=np.int64)
    cluster[rows] = result.cluster
    action = np.full(len(keep), 2, dtype=np.int8)  # "skip"
    action[rows] = np.where(result.duplicate_of >= 0, 1, 0)
    method = np.zeros(len(keep), dtype=np.int8)
    method[rows] = result.method
    similarity = np.zeros(len(keep), dtype=np.float64)
    similarity[rows] = result.similarity
    none = duplicate < 0
    columns = [
        keys.column("source_uri"),
        keys.column("article_id"),
        pa.array(["article", "duplicate", "skip"]).take(pa.array(action)),
        result.article_ids.take(pa.array(duplicate, mask=none)),
        pa.array(list(METHODS)).take(pa.array(method, mask=none)),
        pa.array(similarity, mask=none),
        result.cluster_names.take(pa.array(cluster, mask=cluster < 0)),
    ]
    return pa.Table.from_arrays(columns, schema=DECISIONS_SCHEMA)


def _write_per_batch(storage: Storage, path: str, staged: list[StagedBatch], table: pa.Table) -> None:
    """The decisions of each batch in a file of its own (`decisions_of`): a commit task reads its own rows,
    not the whole run's (which made committing a run grow with the square of its size)."""
    offset = 0
    for batch in staged:
        storage.write_parquet(decisions_of(path, batch.index), table.slice(offset, batch.articles))
        offset += batch.articles


def decisions_of(decisions_path: str, batch_index: int) -> str:
    """The staged decisions file of one batch (`Resolution.decisions_path` names the run's)."""
    return f"{decisions_path}-{batch_index:05d}.parquet"


def repeated_rejects_path(run_id: str) -> str:
    return repeated_ids_path(run_id, "reject")


def repeated_raw_path(run_id: str) -> str:
    return repeated_ids_path(run_id, "raw")


@task(
    name="resolve-duplicates",
    **RETRY_TRANSIENT,
)
def resolve_duplicates_task(
    staged: list[StagedBatch], run_id: str, dest: str | Dest, params: DedupParams, fresh: bool = False
) -> Resolution:
    return resolve_duplicates(staged, run_id, dest, params, fresh)
