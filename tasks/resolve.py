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
from prefect import task

from schemas import SUPERSEDED
from tasks.batch import StagedBatch
from tasks.clustering import Candidate, Clustering, Supersession, cluster
from tasks.dedup_index import IndexFiles, committed_index, id_keys, keys_in, lookup, scheme_of
from tasks.index_cache import IndexCache
from tasks.memory import release_memory
from tasks.minhash import DedupParams
from tasks.protocol import WrittenFile, staged_data_path, staging_dir
from tasks.resolve_index import index_postings, repeated_ids_path
from tasks.resolve_prior import load_prior
from tasks.resolve_texts import LazyTexts, agency_own, read_keys
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
    ids: list[str] = keys.column("article_id").to_pylist()
    known = set(
        keys_in(lookup(storage, index.of("doc"), id_keys(ids), ["article_id"], scheme), "article_id", ids)
        .column("article_id")
        .to_pylist()
    )
    keep = np.ones(len(ids), dtype=bool)
    seen: set[str] = set()
    for i, article_id in enumerate(ids):
        keep[i] = article_id not in known and article_id not in seen
        seen.add(article_id)
    del seen, known
    result = _cluster_run(storage, index, scheme, staged, keys, bands, ids, keep, params)
    release_memory()  # the run's candidates and shingle sets: before the decisions and postings are built

    table = _decisions_table(keys, ids, keep, result)
    path = f"{staging_dir(run_id)}/decisions"
    _write_per_batch(storage, path, staged, table)

    superseded = _write_superseded(storage, result.supersessions, result.cluster_of, run_id)
    methods = [d.method for d in result.decisions]
    supersessions = len(result.supersessions)
    del result, ids  # the clustering's per-article objects: before the postings are built
    repeated_rejects, files = index_postings(storage, index, staged, keys, bands, table, run_id, scheme, params)
    files += superseded
    del table, keys, bands
    release_memory()  # the commit tasks that follow read a batch at a time
    return Resolution(
        path,
        methods.count("exact"),
        methods.count("near"),
        int((~keep).sum()),
        repeated_rejects,
        supersessions,
        files,
        scheme,
    )


def _write_superseded(
    storage: Storage, found: list[Supersession], cluster_of: dict[str, str], run_id: str
) -> list[WrittenFile]:
    if not found:
        return []
    rows = [
        {
            "article_id": s.article_id,
            "superseded_by": s.superseded_by,
            "method": s.method,
            "similarity": s.similarity,
            "cluster_id": cluster_of[s.superseded_by],
            "run_id": run_id,
        }
        for s in found
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
    bands: np.ndarray,
    ids: list[str],
    keep: np.ndarray,
    params: DedupParams,
) -> Clustering:
    """Cluster the kept staged rows against the committed index; what it builds is freed when it returns."""
    rows = np.flatnonzero(keep)
    hashes = keys.column("content_hash").to_pylist()
    published = keys.column("published_at").to_pylist()
    words = keys.column("word_count").to_pylist()
    own = agency_own(keys)
    candidates = [Candidate(ids[i], hashes[i], published[i], words[i], own[i]) for i in rows]
    del hashes, published, words, own
    run_bands = bands if len(rows) == len(ids) else bands[keep]
    eligible = np.array([c.text_length >= params.min_shingles for c in candidates], dtype=bool)
    prior = load_prior(storage, index, scheme, [c.content_hash for c in candidates], None, eligible, params, run_bands)
    return cluster(candidates, LazyTexts(storage, staged, keys, keep), None, params, prior, bands=run_bands)


def _decisions_table(keys: pa.Table, ids: list[str], keep: np.ndarray, result: Clustering) -> pa.Table:
    """One decision per staged row, built column by column (a dict per row cost ~0.5 KB an article)."""
    decided = {d.article_id: d for d in result.decisions}
    action: list[str] = []
    duplicate_of: list[str | None] = []
    method: list[str | None] = []
    similarity: list[float | None] = []
    cluster_id: list[str | None] = []
    for i, article_id in enumerate(ids):
        d = decided.get(article_id) if keep[i] else None
        action.append("duplicate" if d else "article" if keep[i] else "skip")
        duplicate_of.append(d.duplicate_of if d else None)
        method.append(d.method if d else None)
        similarity.append(d.similarity if d else None)
        cluster_id.append(result.cluster_of[article_id] if keep[i] else None)
    columns = [keys.column("source_uri"), keys.column("article_id"), action, duplicate_of, method, similarity]
    return pa.Table.from_arrays([*columns, cluster_id], schema=DECISIONS_SCHEMA)


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
